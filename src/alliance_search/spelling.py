"""Spelling corrections for query words unknown to the corpus and the thesaurus.

:func:`suggest` offers a correction of every unknown word ("did you mean");
:func:`correct` only those safe to make unasked, which
:func:`~alliance_search.search.search` searches instead, saying so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING

from whoosh.query import Term

from ._framing import infinitive_of, marked_as_verb, request_end
from .analysis import WORD_PATTERN, analyze_word, fold, in_capitals, is_stop_word, stem_variants
from .query import split_quoted

if TYPE_CHECKING:
    from whoosh.searching import Searcher

    from .concepts import Thesaurus

__all__ = ["correct", "edit_distance", "suggest"]

MIN_LENGTH = 4
#: Words this long or longer are corrected unasked at two edits (*schizofrénie*);
#: shorter ones at one (*refusent* is not *référent*).
SURE_LENGTH = 9
#: Words shorter than this are only corrected, or suggested, into a word an article
#: writes: a short French word missing from a small collection is more often right
#: than mistyped (*perd* is not *père*, *loin* not *loi*, *livre* not *libre*).
SHORT_LENGTH = 6
#: Feminine endings that are misspelt: the consonant doubles (*sexuelle*, *ancienne*).
DOUBLED = ("ele", "ene", "one")
#: The stemmed fields searched, named like the stored texts they index.
SEARCHED_FIELDS = ("title", "summary", "keywords")
VOCABULARY_FIELD = "exact"
_LETTERS = re.compile(r"[^\W\d_]")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
#: The letter rows of a French AZERTY keyboard, each shifted half a key from the one
#: above: a key touches its row neighbours, and two keys of each row above and below.
_AZERTY = ("azertyuiop", "qsdfghjklm", "wxcvbn")
#: Spellings of the same French sound at the start of a word (*otisme*, *autisme*;
#: *fobie*, *phobie*; *sycose*, *psychose*): the closest words are also read among
#: those that start the other way, one edit further.
_ONSETS = {
    "o": ("au", "eau", "ho"), "au": ("o",), "eau": ("o",),
    "f": ("ph",), "ph": ("f",),
    "k": ("c", "qu", "ch"), "c": ("k", "qu", "ch", "s"), "qu": ("k", "c"), "ch": ("k", "c"),
    "s": ("c", "ps", "sc"), "ps": ("s",), "sc": ("s",),
    "i": ("y", "hy"), "y": ("i",), "hy": ("i",),
    "e": ("ai", "he"), "ai": ("e",),
    "an": ("en",), "en": ("an",), "am": ("em",), "em": ("am",),
    "t": ("th",), "th": ("t",), "r": ("rh",), "rh": ("r",),
    "g": ("j", "gu"), "j": ("g",),
}  # fmt: skip


def sound_alike(word: str) -> list[str]:
    """``word`` with its first sound spelt the other French ways (see ``_ONSETS``).

    >>> sound_alike("fobie"), sound_alike("otisme")
    (['phobie'], ['autisme', 'eautisme', 'hotisme'])
    """
    return [
        other + word[len(onset) :]
        for onset, others in _ONSETS.items()
        if word.startswith(onset)
        for other in others
    ]


def keyboard_neighbours(letter: str) -> str:
    """The letters around ``letter`` on an AZERTY keyboard.

    >>> keyboard_neighbours("s"), keyboard_neighbours("a")
    ('qdzewx', 'zq')
    """
    for row, keys in enumerate(_AZERTY):
        column = keys.find(letter)
        if column < 0:
            continue
        left = max(column - 1, 0)
        around = [keys[left:column], keys[column + 1 : column + 2]]
        if row > 0:  # the keys above, shifted half a key to the right
            around.append(_AZERTY[row - 1][column : column + 2])
        if row + 1 < len(_AZERTY):
            around.append(_AZERTY[row + 1][left : column + 1])
        return "".join(around)
    return ""


#: English endings that French clinicians carry into French words, with the French
#: ones they stand for (*thérapeutic*, *psychotherapy*, *personality*, *autism*).
_ENGLISH_ENDINGS = (
    ("ical", "ique"), ("ic", "ique"), ("ics", "iques"), ("ity", "ite"), ("y", "ie"),
    ("y", "e"), ("ism", "isme"), ("ist", "iste"), ("ive", "if"),
)  # fmt: skip
#: How many articles :meth:`_Speller.completions` reads at most to tell whether they
#: write the typed words as a phrase.
_READ_AT_MOST = 200
#: Words as :meth:`_Speller.completions` reads them: apart at apostrophes and hyphens.
_TOKEN = re.compile(r"[^\W_]+")


def _distance_to(typed: str, word: str) -> tuple[int, bool]:
    """The edit distance from ``typed`` to ``word`` (up to 3), and whether ``typed``
    ends as the English for ``word``'s French ending (which then counts as one edit)."""
    distance, english = edit_distance(typed, word, 2), False
    for ending, french in _ENGLISH_ENDINGS:
        if typed.endswith(ending) and word.endswith(french):
            stems = typed[: -len(ending)], word[: -len(french)]
            through = 1 + edit_distance(*stems, 1)
            if through <= distance:
                distance, english = through, True
    return distance, english


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Edit distance counting insertions, deletions, substitutions and swaps of two
    neighbouring letters, one each (optimal string alignment).

    With a ``limit``, only distances up to it are computed (a band around the
    diagonal, stopped early); anything farther comes back as ``limit + 1``.

    >>> edit_distance("borderlin", "borderline"), edit_distance("brunout", "burnout")
    (1, 1)
    >>> edit_distance("démence", "dépendance", limit=2)
    3
    """
    la, lb = len(a), len(b)
    far = la + lb if limit is None else limit + 1
    if limit is not None and abs(la - lb) > limit:
        return far
    band = far if limit is None else limit
    before: list[int] = []
    previous = [min(j, far) for j in range(lb + 1)]
    for i in range(1, la + 1):
        current = [min(i, far)] + [far] * lb
        lowest = current[0]
        ca = a[i - 1]
        for j in range(max(1, i - band), min(lb, i + band) + 1):
            # Plain comparisons: this loop runs for thousands of words per query word.
            cb = b[j - 1]
            best = previous[j - 1] if ca == cb else previous[j - 1] + 1
            if previous[j] + 1 < best:
                best = previous[j] + 1
            if current[j - 1] + 1 < best:
                best = current[j - 1] + 1
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and before[j - 2] + 1 < best:
                best = before[j - 2] + 1
            if best > far:
                best = far
            current[j] = best
            if best < lowest:
                lowest = best
        if lowest >= far:
            return far
        before, previous = previous, current
    return previous[lb]


class _Speller:
    """Corrections from the corpus vocabulary (field ``exact``) and the thesaurus."""

    def __init__(self, searcher: Searcher, thesaurus: Thesaurus) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.thesaurus = thesaurus
        self.accented = thesaurus.vocabulary()

    @cached_property
    def thesaurus_words(self) -> dict[str, list[str]]:
        """Thesaurus words by first letter."""
        by_letter: dict[str, list[str]] = {}
        for word in self.accented:
            by_letter.setdefault(word[:1], []).append(word)
        return by_letter

    def authors_name(self, word: str) -> bool:
        """Whether ``word`` is a word of an author's name (*Brun* is no *burn*)."""
        return self._authors and self.reader.doc_frequency("authors", word) > 0

    @cached_property
    def _authors(self) -> bool:
        return "authors" in self.reader.indexed_field_names()

    def known(self, word: str) -> bool:
        """Written so in an article or the thesaurus, or a plural or feminine of such a
        word with the same stem (*démentes* for *dément*; not *jeunese* for *jeunes*,
        nor *sexuele*: that feminine doubles its consonant).

        Stems alone are not enough: ``borderlin`` shares its stem with ``borderline``
        but is not a word anyone wrote.
        """
        frequency = self.reader.doc_frequency

        def written(w: str) -> bool:
            return w in self.accented or frequency(VOCABULARY_FIELD, w) > 0

        if written(word) or self.authors_name(word):
            return True
        stems = set(stem_variants(word))
        base = word
        for endings in (("s", "x"), ("e",)):
            if base.endswith(endings) and not base.endswith(DOUBLED):
                base = base[:-1]
                if written(base) and stems.intersection(stem_variants(base)):
                    return True
        return False

    def correct(self, word: str, context: frozenset[str] = frozenset()) -> tuple[str, int] | None:
        """The closest known spelling of ``word`` and its distance; among equally close
        ones, one that spells the first sound otherwise (see :func:`sound_alike`), the
        one most often written in the same articles as the ``context`` words (the rest
        of the query), a word of the thesaurus's names, then the most frequent.
        """
        maxdist = 1 if len(word) < 6 else 2
        distances = self._distances(word, maxdist)
        # Words the first letter of which was typed wrong are one edit away too.
        distances.update(dict.fromkeys(self._first_letter_errors(word), 1))
        # So are those that spell the first sound otherwise, and the words close to them;
        # among equally close words, these win where the other spelling is not one
        # letter for one (*fobie*, *phobie* over *foie*; *ceuil*: *deuil* or *seuil*).
        alike: set[str] = set()
        # Words near a variant that starts with the same letter are near the word too.
        scan = maxdist > 1 and min(distances.values(), default=maxdist + 1) > 1
        for variant in sound_alike(word):
            near = {}
            if scan and variant[0] != word[0]:
                near = self._distances(variant, maxdist - 1)
            if self.known(variant):
                near[variant] = 0
            for c, d in near.items():
                if d + 1 <= distances.get(c, maxdist + 1):
                    distances[c] = d + 1
                    if len(variant) != len(word):
                        alike.add(c)
        # a function word is not searched: no correction to one (*Durand*, *durant*)
        distances = {c: d for c, d in distances.items() if not is_stop_word(c)}
        closest = min(distances.values(), default=maxdist + 1)
        if closest > maxdist:
            return None
        candidates = sorted(c for c, d in distances.items() if d == closest)
        frequency = self.reader.doc_frequency
        shared: dict[str, int] = {}
        if len(candidates) > 1 and context:
            around = self.documents(context)
            shared = {c: len(around.intersection(self.documents([c]))) for c in candidates}
        best = max(  # then a word of the thesaurus's names (*ceuil*: *deuil*, not *seuil*)
            candidates,
            key=lambda c: (
                c in alike,
                shared.get(c, 0),
                c in self.accented,
                frequency(VOCABULARY_FIELD, c),
            ),
        )
        return self.accented.get(best) or self.written(best), closest

    def completions(self, segment: str) -> dict[int, tuple[int, str, bool]]:
        """Words of ``segment`` that, spelt otherwise, complete a name of several words
        with the words beside them (*dépendence affective*, *alliance thérapeutic*,
        *anxiety sociale*), where the words typed name no concept as a whole: by the
        start of each, its end, the name's word (as the thesaurus writes it), and
        whether it is safe to search unasked (see :func:`correct`).

        The word may be one articles write, in English or French; within one edit of
        the name's word, or an English ending for a French one (*-ic* for *-ique*, *-y*
        for *-ie*), or two edits for a word no article writes of
        :data:`SHORT_LENGTH` letters or more."""
        tokens = [(m.start(), m.end(), fold(m.group()).lower()) for m in _TOKEN.finditer(segment)]
        if len(tokens) < 2:
            return {}
        named: list[tuple[int, int]] | None = None
        found: dict[int, tuple[int, str, bool]] = {}
        for i, (start, end, typed) in enumerate(tokens):
            if (
                len(typed) < MIN_LENGTH
                or is_stop_word(typed)
                or in_capitals(segment[start:end])
                or not _LETTERS.search(typed)
            ):
                continue
            candidates = []  # (distance, through an English ending, the name's word, window)
            for beside in (i - 1, i + 1):
                if not 0 <= beside < len(tokens):
                    continue
                for folded, words in self.thesaurus.names_with(tokens[beside][2]):
                    if typed in folded:
                        continue  # the typed word is in the name as it is
                    for j, word in enumerate(folded):
                        window = (i - j, i - j + len(folded))
                        if window[0] < 0 or window[1] > len(tokens):
                            continue
                        if any(
                            tokens[window[0] + k][2] != other
                            for k, other in enumerate(folded)
                            if k != j
                        ):
                            continue
                        candidates.append((*_distance_to(typed, word), words[j], window))
            if not candidates:
                continue
            # A word articles write as typed is only read as English for French (*anxiety*
            # sociale), not as another French word (*maladie dentale*).
            english_only = self._written_as_typed(typed, segment[start:end].lower())
            limit = 2 if len(typed) >= SHORT_LENGTH and not self.known(typed) else 1
            kept = [
                (distance, better, window)
                for distance, english, better, window in candidates
                if distance <= limit + english and (english or not english_only)
            ]
            if not kept:
                continue
            _, better, window = min(kept, key=lambda c: c[0])
            if named is None:
                named = [(m.start, m.end) for m in self.thesaurus.detect(segment)]
            low, high = tokens[window[0]][0], tokens[window[1] - 1][1]
            if any(s <= low and high <= e for s, e in named):
                continue  # the words typed name a concept already
            typed_words = [t for _, _, t in tokens[window[0] : window[1]]]
            found[start] = (end, better, not self._written_together(typed_words))
        return found

    def _written_as_typed(self, word: str, typed: str) -> bool:
        """Whether the folded ``word`` is one articles or the thesaurus write, with the
        accents it was ``typed`` with (*dépendence* is not: articles write the English
        *dependence*)."""
        if not self.known(word):
            return False
        return typed in (word, self.accented.get(word)) or typed == self.written(word)

    def _written_together(self, words: list[str]) -> bool:
        """Whether an article writes these (folded) words one after the other, as far as
        can be told by reading at most :data:`_READ_AT_MOST` of the articles that hold
        them all (more: taken as written)."""
        holding: set[int] | None = None
        for word in words:
            if is_stop_word(word):
                continue
            docs = set(self.searcher.docs_for_query(Term(VOCABULARY_FIELD, word)))
            holding = docs if holding is None else holding & docs
            if not holding:
                return False
        if holding is None or len(holding) > _READ_AT_MOST:
            return True
        size = len(words)
        for doc in holding:
            stored = self.searcher.stored_fields(doc)
            text = " ".join(str(stored.get(f) or "") for f in SEARCHED_FIELDS)
            written = [fold(m.group()).lower() for m in _TOKEN.finditer(text)]
            if any(written[i : i + size] == words for i in range(len(written) - size + 1)):
                return True
        return False

    def _distances(self, word: str, maxdist: int) -> dict[str, int]:
        """Edit distances (up to ``maxdist``) to the corpus and thesaurus words that start
        with the same letter as ``word``."""
        corpus = (
            t.decode()
            for t in self.reader.expand_prefix(VOCABULARY_FIELD, word[:1])
            if b"=" not in t  # the senses' terms (see Sense.term)
        )
        letters = set(word)
        return {
            c: edit_distance(word, c, maxdist)
            for words in (corpus, self.thesaurus_words.get(word[:1], ()))
            for c in words
            # Each edit adds or removes at most one distinct letter: cheap bounds first.
            if abs(len(c) - len(word)) <= maxdist
            and len(set(c) - letters) <= maxdist
            and len(letters - set(c)) <= maxdist
        }

    def _first_letter_errors(self, word: str) -> list[str]:
        """Known words (see :meth:`known`) that ``word`` misspells in its first letter
        only: a neighbouring key (*dchizophrénie*, *fémentes*), a letter dropped
        (*ttachement*) or added before (*aschizophrénie*), the first two swapped
        (*cshizophrénie*)."""
        first, rest = word[0], word[1:]
        candidates = {key + rest for key in keyboard_neighbours(first)}
        candidates |= {letter + word for letter in _ALPHABET}
        candidates |= {rest, rest[:1] + first + rest[1:]}
        return sorted(filter(self.known, candidates))

    def verb_form(self, word: str) -> bool:
        """Whether ``word`` (folded) is a verb form in *-ent* whose infinitive's stem
        articles hold (*agressent*: *agression*), which search then reads so (see
        :meth:`alliance_search.query.ParsedQuery.with_verb_forms`)."""
        infinitive = infinitive_of(word)
        return infinitive is not None and any(
            self.reader.doc_frequency(f, t) > 0
            for f in SEARCHED_FIELDS
            for t in stem_variants(infinitive)
        )

    def worth(self, word: str, better: str, distance: int) -> bool:
        """Whether ``better`` is worth offering for ``word`` at all: for a short word,
        or one two edits away that is shorter than :data:`SURE_LENGTH`, only if an
        article writes it (*gèrent* is not *géronto*, *refusent* not *référent*)."""
        close = len(word) >= SHORT_LENGTH and (distance <= 1 or len(word) >= SURE_LENGTH)
        return close or self.reader.doc_frequency(VOCABULARY_FIELD, fold(better)) > 0

    def sure(self, word: str, better: str, distance: int) -> bool:
        """Whether ``word`` can be replaced unasked by ``better``, ``distance`` edits
        away (see :func:`correct`)."""
        stems = set(stem_variants(word))
        frequency = self.reader.doc_frequency
        if any(frequency(f, t) > 0 for f in SEARCHED_FIELDS for t in stems):
            return False  # it matches as typed
        if stems.intersection(t for _, _, terms in analyze_word(better) for t in terms):
            return False  # an inflection of the same word (fuguent, fugue): it adds nothing
        return distance <= 1 or (distance == 2 and len(word) >= SURE_LENGTH)

    def documents(self, words: Iterable[str]) -> set[int]:
        """Numbers of the articles that write any of these (folded) words."""
        found: set[int] = set()
        for word in words:
            found.update(self.searcher.docs_for_query(Term(VOCABULARY_FIELD, word)))
        return found

    def written(self, word: str) -> str:
        """How a folded corpus word is written in an article that uses it; for a plural
        or feminine that no article writes, its written base with the same ending
        (*dementes* → *démentes*, from *dément*)."""
        for hit in self.searcher.search(Term(VOCABULARY_FIELD, word), limit=1):
            text = "\n".join(str(hit.get(f) or "") for f in SEARCHED_FIELDS)
            for match in WORD_PATTERN.finditer(text):
                for offset, length, terms in analyze_word(match.group(), False):
                    if terms == (word,):
                        start = match.start() + offset
                        return text[start : start + length].lower()
        for cut in (1, 2):
            base, ending = word[:-cut], word[-cut:]
            if ending in ("s", "x", "e", "es") and len(base) >= MIN_LENGTH:
                accented = self.accented.get(base)
                if accented is None and self.reader.doc_frequency(VOCABULARY_FIELD, base) > 0:
                    accented = self.written(base)
                if accented is not None:
                    return accented + ending
        return word


def written(searcher: Searcher, thesaurus: Thesaurus, words: Iterable[str]) -> list[str]:
    """How articles write these folded corpus words (*psychotherapies* →
    *psychothérapies*)."""
    speller = _Speller(searcher, thesaurus)
    return [speller.written(word) for word in words]


def suggest(searcher: Searcher, thesaurus: Thesaurus, query: str) -> str | None:
    """A corrected query, or ``None`` when every word is known (or nothing better exists).

    Words of four letters or more written neither in the indexed articles nor in the
    thesaurus (plurals aside) are replaced by the closest known word, if any; words
    that ask for documents (*quels articles parlent de*) are left alone.
    """
    return _rewrite(searcher, thesaurus, query)


def correct(searcher: Searcher, thesaurus: Thesaurus, query: str) -> str | None:
    """The query to search instead of ``query``, or ``None``.

    Like :func:`suggest`, but only for corrections it is safe to make unasked: the
    unknown word matches no article even through its stem, its correction is not
    another form of it (*fuguent*, *fugue*: the stem already finds it), and it is
    one edit away, or two for words of nine letters or more (*schizofrénie*). A
    valid word missing from a small collection (*refusent*) is thus not turned into
    another (*référent*).
    """
    return _rewrite(searcher, thesaurus, query, sure_only=True)


def _rewrite(
    searcher: Searcher, thesaurus: Thesaurus, text: str, *, sure_only: bool = False
) -> str | None:
    lead = request_end(text)
    query = text[lead:]
    segments = [
        (
            segment,
            quoted,
            [(m, analyze_word(m.group(), False)) for m in WORD_PATTERN.finditer(segment)],
        )
        for segment, quoted in split_quoted(query)
    ]
    written = frozenset(
        terms[0] for _, _, words in segments for _, parts in words for _, _, terms in parts if terms
    )
    speller = _Speller(searcher, thesaurus)
    pieces: list[str] = []
    changed = False
    for segment, quoted, words in segments:
        index = 0
        out: list[str] = []
        completions = speller.completions(segment)
        for match, parts in words:
            for offset, length, terms in parts:
                if not terms or len(terms[0]) < MIN_LENGTH or not _LETTERS.search(terms[0]):
                    continue
                start = match.start() + offset
                typed = segment[start : start + length].lower()  # its accents tell its stem
                end = start + length
                completion = completions.get(start)
                if completion is not None and completion[0] == end:
                    # a word that completes a name with its neighbours
                    if sure_only and not completion[2]:
                        continue
                    out.append(segment[index:start])
                    out.append(_cased(completion[1], segment[start:end]))
                    index = end
                    changed = True
                    continue
                # a function word kept in a compound (peut-on, bien-être) is no typo,
                # nor an abbreviation (MMSE, MoCA), nor a verb form (qui fuguent)
                if (
                    speller.known(terms[0])
                    or is_stop_word(typed)
                    or in_capitals(segment[start:end])
                    or speller.verb_form(terms[0])
                    or (infinitive_of(terms[0]) and marked_as_verb(segment, start, end))
                ):
                    continue
                found = speller.correct(terms[0], written - {terms[0]})
                if found is None or not speller.worth(typed, *found):
                    continue
                if sure_only and not speller.sure(typed, *found):
                    continue
                out.append(segment[index:start])
                out.append(_cased(found[0], segment[start:end]))
                index = start + length
                changed = True
        out.append(segment[index:])
        rewritten = "".join(out)
        pieces.append(f'"{rewritten}"' if quoted else rewritten)
    if not changed:
        return None
    return " ".join((text[:lead] + "".join(pieces)).split())


def _cased(better: str, typed: str) -> str:
    """``better`` with the capital initial of ``typed`` (*Alsheimer* → *Alzheimer*)."""
    return better[:1].upper() + better[1:] if typed[:1].isupper() else better
