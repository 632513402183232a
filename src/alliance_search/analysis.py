"""French text analysis: one analyzer for documents and queries.

The chain, in order (:class:`FrenchAnalyzer`, one step per function):

1. a regular expression finds words in the original text and keeps their
   character offsets; apostrophes and hyphens inside a word stay attached;
2. :func:`split_elision` drops elided articles: ``L’alliance`` → ``alliance``;
3. :func:`split_compound` splits hyphenated compounds into consecutive parts:
   ``états-limites`` → ``états``, ``limites``;
4. :func:`normalize` applies Unicode NFKC to each part, after cutting, so that
   character offsets always refer to the original text;
5. lowercase;
6. :func:`is_stop_word` removes French function words (positions renumbered, so
   a phrase ``pacte de soins`` is ``pacte soins`` on both sides); one written in
   capitals outside a run of capitals is an abbreviation and stays (*la MA*, for
   *maladie d'Alzheimer*; not the *LA* of a title in capitals);
7. :func:`stem_variants` stems with Snowball French and folds accents and
   ligatures with unidecode (``cœur`` → ``coeur``); word families that Snowball
   cuts onto unrelated words (``data/stem_families_fr.txt``: *observance* and
   *observation*) get a stem of their own.

Steps 2–7 depend only on the surface word (and, for a function word in
capitals, on its neighbours), so :func:`analyze_word` runs them once per
distinct word and caches the result.

Stemming and accent folding do not commute (``personnalité`` stems to
``personnal`` but ``personnalite`` to ``personnalit``). Each word therefore
yields up to two terms at the same position: ``fold(stem(word))``, which keeps
the stemmer's full knowledge of French suffixes, and ``stem(fold(word))``, which
is what the same word typed without accents produces. A query typed without
accents always meets the accented document word through the second term, and an
accented query meets an unaccented document word the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any

import snowballstemmer
from unidecode import unidecode
from whoosh.analysis import Token, Tokenizer
from whoosh.formats import Frequency
from whoosh.system import pack_uint

__all__ = [
    "ANALYZER_VERSION",
    "ELISION_ARTICLES",
    "FRENCH_STOP_WORDS",
    "WORD_PATTERN",
    "analyze",
    "fold",
    "french_analyzer",
    "link_words",
    "linked",
    "name_links",
    "side_by_side",
    "stem_variants",
    "term_positions",
]

#: Bumped whenever the terms produced for a text change; stored in every index.
ANALYZER_VERSION = 17

#: Prefix of the ``exact`` field's terms for words written as abbreviations (see
#: :func:`in_capitals`): ``^tsa`` for *TSA*, not for the Italian *di* of *DI*.
CASED = "^"

#: Articles and pronouns that French elides before a vowel (``l’``, ``qu’``...).
ELISION_ARTICLES = frozenset(
    ["l", "d", "j", "qu", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu", "quoiqu"]
)

APOSTROPHES = "'’ʼ‘"
HYPHENS = "-‐‑"

_LETTER = r"(?:[^\W_]|[\u0300-\u036f])"
_JOINERS = re.escape(APOSTROPHES + HYPHENS)
WORD_PATTERN = re.compile(rf"{_LETTER}+(?:[{_JOINERS}]{_LETTER}+)*")
_ELISION = re.compile(
    rf"^({'|'.join(sorted(ELISION_ARTICLES, key=len, reverse=True))})"
    rf"[{APOSTROPHES}](?=.)",
    re.IGNORECASE,
)
_HYPHEN_SPLIT = re.compile(f"[{re.escape(HYPHENS)}]")
#: The particles of *celle-ci*, *celui-là*, *ci-après*: such compounds are function words.
_DEICTIC = frozenset(["ci", "là", "la"])
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _load_stop_words() -> frozenset[str]:
    text = resources.files("alliance_search").joinpath("data/stopwords_fr.txt").read_text("utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        word = line.split("#", 1)[0].strip().lower()
        if word:
            words.add(word)
            words.add(fold(word))
    return frozenset(words)


def fold(text: str) -> str:
    """Fold accents and ligatures to lowercase ASCII letters and digits.

    >>> fold("Cœur"), fold("états")
    ('coeur', 'etats')
    """
    if not text.isascii():
        text = text.translate(_FOLDED)  # the letters of French words, as unidecode does
        if not text.isascii():
            text = unidecode(text)
    return _NOT_ALNUM.sub("", text.lower())


#: The accented letters and ligatures of French, its typographic apostrophes, quotes
#: and dashes, each mapped to what :func:`unidecode` gives for it: ``str.translate``
#: folds them several times faster, and leaves any other character to it.
_FOLDED = {ord(ch): unidecode(ch) for ch in "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ’‘«»–—…"}


_STEMMER = snowballstemmer.stemmer("french")
#: Plural nouns that Snowball reads as verb forms in -ons (*réflexions* → reflex, as
#: *réflexe*; *permissions* → perm, as *permis*): stemmed as their singular. Other
#: endings in -ions or -issons are verbs as often as nouns (*étudions*, *nourrissons*).
_NOUN_PLURALS = ("xions", "missions")


def _stem(word: str) -> str:
    """Snowball French, except for the plurals of :data:`_NOUN_PLURALS`."""
    return str(_STEMMER.stemWord(word[:-1] if word.endswith(_NOUN_PLURALS) else word))


#: Singular words whose form with a final *s* is another word, not their plural
#: (*moi*, a stop word, is analysed in compounds of function words: *moi-même*).
NOT_PLURAL_OF = frozenset({"moi", "foi", "pari"})
#: Plurals not made with a final *s* or *x* (accent-free).
IRREGULAR_PLURALS = {
    "travail": "travaux", "vitrail": "vitraux", "corail": "coraux", "bail": "baux",
    "oeil": "yeux", "ciel": "cieux",
}  # fmt: skip


def _load_stem_families() -> tuple[re.Pattern[str], dict[str, str], set[str] | None]:
    """One pattern for every family of ``data/stem_families_fr.txt``, the stem of each
    (by the name of its group), and the first two letters of every word the families
    hold (``None`` if a pattern does not say them)."""
    path = "data/stem_families_fr.txt"
    text = resources.files("alliance_search").joinpath(path).read_text("utf-8")
    groups: list[str] = []
    stems: dict[str, str] = {}
    starts: set[str] | None = set()
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if fields:
            pattern, stem = fields
            name = f"f{len(stems)}"
            groups.append(f"(?P<{name}>{pattern})")
            stems[name] = stem
            if starts is not None and not _literal_start(pattern):
                starts = None
            if starts is not None:
                starts.add(pattern[:2])
    return re.compile("|".join(groups)), stems, starts


def _literal_start(pattern: str) -> bool:
    """Whether every word ``pattern`` matches starts with its first two characters:
    two letters, not made optional or repeated, and no alternative at the top level."""
    letters = len(pattern) >= 2 and pattern[:2].isalpha() and pattern[:2].isascii()
    if not letters or pattern[2:3] in ("?", "*", "+", "{"):
        return False
    depth = 0
    for ch in pattern:
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            return False
    return True


#: Word families that Snowball cuts onto the stem of unrelated, frequent words
#: (*observance* and *observation*, *agitation* and *il s'agit*, *soignants* and
#: *soignés*), each given a stem of its own: see ``data/stem_families_fr.txt``.
_FAMILIES, _FAMILY_STEMS, _FAMILY_STARTS = _load_stem_families()


def _own_stem(folded: str) -> str | None:
    if _FAMILY_STARTS is not None and folded[:2] not in _FAMILY_STARTS:
        return None  # most words: no family's pattern to try
    match = _FAMILIES.fullmatch(folded)
    return _FAMILY_STEMS[match.lastgroup] if match and match.lastgroup else None


@lru_cache(maxsize=262_144)
def stem_variants(word: str) -> tuple[str, ...]:
    """Return the index terms of one lowercase word: its accent-aware stem, its
    accent-free stem when different, and, for a singular that the stemmer cuts
    apart from its plural, the plural's stem (last).

    The last term is indexed for every form of the word, so phrases look it up.

    >>> stem_variants("personnalité")
    ('personnal', 'personnalit')
    >>> stem_variants("personnalite")
    ('personnalit',)
    >>> stem_variants("déficit"), stem_variants("déficits")
    (('defic', 'deficit'), ('deficit',))
    """
    folded = fold(word)
    if not folded:
        return ()
    if any(ch.isdigit() for ch in folded):
        return (folded,)
    own = _own_stem(folded)
    if own is not None:
        return (own,)
    spelled = word.replace("œ", "oe").replace("æ", "ae")
    accent_aware = fold(_stem(spelled))
    accent_free = accent_aware if folded == word else _stem(folded)
    # Without its accents a word may be cut much shorter, onto another word's stem
    # (tempérament → temp, as temps; réflexion → reflex, as réflexe): such a stem is
    # not kept, and a query typed without accents finds the word by its written form.
    if len(accent_free) < len(accent_aware) - 1:
        accent_free = accent_aware
    variants = (
        (accent_free,)
        if accent_free == accent_aware or not accent_aware
        else (accent_aware, accent_free)
    )
    # Snowball cuts some singulars apart from their plurals: déficit → defic but
    # déficits → deficit (read as a verb form), usager → usag but usagers → usager,
    # individu but individus (an s after a vowel stays). The plural's accent-aware
    # stem tells such a split from one that folding alone makes (infirmière and
    # infirmières → infirmi). Plurals in x and irregular ones (travaux) too.
    if len(folded) >= 3 and not folded.endswith(("s", "x")) and folded not in NOT_PLURAL_OF:
        irregular = IRREGULAR_PLURALS.get(folded)
        mark = "x" if folded.endswith(("au", "eu")) else "s"  # milieux, réseaux
        if irregular:
            plural = _stem(irregular)
        elif fold(_stem(spelled + mark)) in variants:
            return variants
        else:
            plural = _stem(folded + mark)
        if plural not in variants:
            return (*variants, plural)
    return variants


FRENCH_STOP_WORDS: frozenset[str] = _load_stop_words()


# --------------------------------------------------------------------------- steps
# Each step is a small pure function on one word; `analyze_word` applies them in
# order and caches the result per surface form, so a word seen before costs one
# dictionary lookup.


def split_elision(word: str) -> int:
    """Length of a leading elided article to drop: ``L’alliance`` → 2, ``aujourd’hui`` → 0."""
    match = _ELISION.match(word)
    return match.end() if match else 0


def split_compound(word: str) -> list[tuple[int, str]]:
    """``(offset, part)`` of each part of a hyphenated compound (the word itself if none)."""
    if not any(h in word for h in HYPHENS):
        return [(0, word)]
    parts, offset = [], 0
    for part in _HYPHEN_SPLIT.split(word):
        parts.append((offset, part))
        offset += len(part) + 1
    return parts


def normalize(word: str) -> str:
    """Unicode NFKC (combining accents composed, ligatures such as ﬁ expanded)."""
    return word if word.isascii() else unicodedata.normalize("NFKC", word)


def is_stop_word(word: str) -> bool:
    """French function words, and single letters that are not digits."""
    return word in FRENCH_STOP_WORDS or (len(word) == 1 and not word.isdigit())


def _fold_terms(word: str) -> tuple[str, ...]:
    folded = fold(word)
    return (folded,) if folded else ()


#: One analysed word part: (offset in the surface word, length, index terms).
Part = tuple[int, int, tuple[str, ...]]


@lru_cache(maxsize=65_536)
def analyze_word(surface: str, stem: bool = True) -> tuple[Part, ...]:
    """Run the chain on one surface word: elision, compound split, normalisation,
    lowercase, stop words, then stemming and folding (or folding alone).

    Stop words come back with no terms, so that callers can still see them.

    >>> analyze_word("L’alliance")
    ((2, 8, ('allianc',)),)
    >>> analyze_word("états-limites")
    ((0, 5, ('etat',)), (6, 7, ('limit',)))
    """
    cut = split_elision(surface)
    parts: list[Part] = []
    pieces = [
        (offset, normalize(part).lower(), part) for offset, part in split_compound(surface[cut:])
    ]
    # A compound made only of function words is a word of its own: bien-être, vis-à-vis;
    # not a pronoun or adverb ending in -ci or -là (celle-ci, ci-après, celui-là).
    # *Être* in a compound is a noun (mal-être, non-être), not the verb.
    keep_all = (
        len(pieces) > 1
        and all(is_stop_word(word) for _, word, _ in pieces)
        and not any(word in _DEICTIC for _, word, _ in pieces)
    )
    for offset, word, part in pieces:
        noun = len(pieces) > 1 and word in ("être", "etre")
        if is_stop_word(word) and not ((keep_all or noun) and len(word) > 1):
            parts.append((cut + offset, len(part), ()))
            continue
        terms = stem_variants(word) if stem else _fold_terms(word)
        parts.append((cut + offset, len(part), terms))
    return tuple(parts)


@lru_cache(maxsize=1024)
def _as_abbreviation(surface: str, stem: bool) -> tuple[Part, ...]:
    """A function word written in capitals, analysed as the abbreviation it is (*MA*)."""
    cut = split_elision(surface)
    word = normalize(surface[cut:]).lower()
    return ((cut, len(surface) - cut, stem_variants(word) if stem else _fold_terms(word)),)


def _capitals(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def in_capitals(word: str) -> bool:
    """Whether ``word`` is written as an abbreviation: six letters at most, two of them
    capitals or more (*TSA*, *ToM*, *IRMf*, *TSAs*; not *Di* nor *di*).

    >>> in_capitals("ToM"), in_capitals("Tom"), in_capitals("ALZHEIMER")
    (True, False, False)
    """
    return len(word) <= 6 and not word.islower() and sum(ch.isupper() for ch in word) >= 2


#: What ends a run of words in capitals (*… de la MA. MÉTHODES : …*).
_BREAKS = frozenset('.:;!?()[]{}«»"“”,/|–—\n\r')
_PREVIOUS = re.compile(rf"({WORD_PATTERN.pattern})([\W_]*)\Z")


def alone_in_capitals(text: str, start: int, end: int) -> bool:
    """Whether the word ``text[start:end]`` is written in capitals (after any elided
    article: *l'AS*) and no word beside it, up to punctuation, is: an abbreviation,
    not a word of a title in capitals.

    >>> text = "Soigner la MA. LA PRISE EN CHARGE"
    >>> alone_in_capitals(text, 11, 13), alone_in_capitals(text, 15, 17)
    (True, False)
    """
    word = text[start:end]
    if not _capitals(word[split_elision(word) :]):
        return False
    following = WORD_PATTERN.search(text, end)
    if (
        following is not None
        and _capitals(following.group())
        and not _BREAKS.intersection(text[end : following.start()])
    ):
        return False
    previous = _PREVIOUS.search(text, max(0, start - 64), start)
    return not (
        previous is not None
        and _capitals(previous.group(1))
        and not _BREAKS.intersection(previous.group(2))
    )


@lru_cache(maxsize=16)
def _starts(text: str) -> tuple[int, ...]:
    return tuple(match.start() for match in WORD_PATTERN.finditer(text))


def _kept_in_capitals(
    parts: tuple[Part, ...], surface: str, stem: bool, text: str, start: int
) -> tuple[Part, ...]:
    """The ``parts`` of a function word in capitals, ``surface``, the word at ``start``
    in ``text`` (or, if ``start`` is negative, its ``-start - 1``-th word): as the
    abbreviation it is if it is :func:`alone_in_capitals` (*la MA*).

    Callers first test that the word is a function word (``not parts[-1][2]``) written
    in capitals after any elision: this runs on few words."""
    if len(parts) > 1 or len(surface) - parts[0][0] < 2:
        return parts
    if start < 0:
        start = _starts(text)[-start - 1]
    if not alone_in_capitals(text, start, start + len(surface)):
        return parts
    return _as_abbreviation(surface, stem)


#: *Mémoire* after a word that shows it masculine is a thesis (*ce mémoire*, *le
#: présent mémoire*), not memory (*la mémoire*): papyrus's abstracts write the thesis
#: 820 times, memory about 300. The thesis is indexed as :data:`THESIS`, which no
#: word analyses to, so that neither memory nor its concept is found there.
_MASCULINE = frozenset({"le", "ce", "cet", "du", "au", "un", "mon", "ton", "son", "présent"})
_THESIS_WORDS = frozenset({"mémoire", "memoire"})
THESIS = "memoire=these"


def _gendered(parts: tuple[Part, ...], surface: str, previous: str) -> tuple[Part, ...]:
    """The ``parts`` of ``surface``, or the thesis for a masculine *mémoire* (also
    written with decomposed accents)."""
    word = unicodedata.normalize("NFC", surface).lower()
    if word in _THESIS_WORDS and unicodedata.normalize("NFC", previous) in _MASCULINE:
        return ((0, len(surface), (THESIS,)),)
    return parts


class FrenchAnalyzer(Tokenizer):  # type: ignore[misc]
    """The French analysis chain as one Whoosh analyzer (see the module docstring).

    Words are found by a regular expression on the original text, so character
    offsets always point into it; every further step runs per word through
    :func:`analyze_word`. Positions count the words kept, so stop words leave no gap
    and a phrase ``pacte de soins`` is ``pacte soins`` in documents and queries.
    """

    def __init__(self, stem: bool = True, cased: bool = False) -> None:
        self.stem = stem
        self.cased = cased

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FrenchAnalyzer)
            and other.stem == self.stem
            and getattr(other, "cased", False) == self.cased
        )

    def __hash__(self) -> int:
        return hash((FrenchAnalyzer, self.stem, self.cased))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        pos = start_pos
        stem = self.stem
        matches = _words(value) if tokenize else [(_Whole(value), False)]
        kept = False  # a word kept since the last clause ended
        previous = ""  # the word before, in lower case, if in the same clause
        for match, ended in matches:
            if ended and kept:
                pos, kept = pos + 1, False  # as :func:`analyze` numbers words
            surface = match.group()
            base = start_char + match.start()
            parts = analyze_word(surface, stem)
            if not parts[-1][2] and surface[parts[-1][0] :].isupper():
                parts = _kept_in_capitals(parts, surface, stem, value, match.start())
            if 7 <= len(surface) <= 8:
                parts = _gendered(parts, surface, "" if ended else previous)
            previous = surface.lower()
            for offset, length, terms in parts:
                if not terms:
                    if removestops:
                        continue
                    token.stopped, token.text = True, surface[offset : offset + length].lower()
                    if chars:
                        token.startchar = base + offset
                        token.endchar = base + offset + length
                    yield token
                    continue
                token.stopped = False
                if keeporiginal:
                    token.original = surface[offset : offset + length]
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = base + offset
                    token.endchar = base + offset + length
                for term in terms:
                    token.text = term
                    yield token
                pos += 1
                kept = True


class _Whole:
    """A stand-in regex match covering a whole value (``tokenize=False``)."""

    def __init__(self, value: str) -> None:
        self.value = value

    def group(self) -> str:
        return self.value

    def start(self) -> int:
        return 0


def french_analyzer(*, stem: bool = True, cased: bool = False) -> FrenchAnalyzer:
    """Build the French analyzer used for both documents and queries.

    ``stem=False`` gives the same chain ending with accent folding only: it indexes
    the vocabulary that spelling suggestions are drawn from. With ``cased``, a field
    indexed through :class:`FrenchFrequency` also holds each word written as an
    abbreviation under :data:`CASED` and its term (see :func:`in_capitals`).

    >>> [t.text for t in french_analyzer()("L’alliance avec les patients états-limites")]
    ['allianc', 'patient', 'etat', 'limit']
    """
    return FrenchAnalyzer(stem=stem, cased=cased)


def analyze(text: str, stem: bool = True) -> list[tuple[int, tuple[str, ...], int, int]]:
    """Analyse ``text`` into ``(position, terms, startchar, endchar)`` per kept word.

    The terms of one word are its stem variants (see :func:`stem_variants`).

    >>> analyze("Démences")
    [(0, ('demenc',), 0, 8)]
    """
    return list(_analyze(text, stem))


Words = tuple[tuple[int, tuple[str, ...], int, int], ...]


#: Punctuation that ends a clause: no phrase and no name of several words spans it
#: (*qualité de vie. Les travaux* is not *qualité de vie au travail*). A full stop
#: or comma between digits is a decimal point (*1.5*, *3,5*), and one after a lone
#: letter ends an initial (*D. W. Winnicott*).
CLAUSE_END = re.compile(r"[;:!?…]|(?<!\b[^\W\d_])(?:(?<!\d)[.,]|[.,](?!\d))")
_WORD_OR_END = re.compile(f"{WORD_PATTERN.pattern}|{CLAUSE_END.pattern}")
_ENDS = frozenset(".,;:!?…")


@lru_cache(maxsize=256)
def _analyze(text: str, stem: bool) -> Words:
    """Cached for the few texts of the document being indexed (concept tagging, the
    analysed fields and the ``exact`` field read the same title, summary and
    keywords) or of the hits being described."""
    words: list[tuple[int, tuple[str, ...], int, int]] = []
    position = 0
    previous = ""
    for match, ended in _words(text):
        if ended and words and words[-1][0] == position - 1:
            position += 1  # a gap: the words around it are not side by side
        base = match.start()
        surface = match.group()
        parts = analyze_word(surface, stem)
        if not parts[-1][2] and surface[parts[-1][0] :].isupper():
            parts = _kept_in_capitals(parts, surface, stem, text, base)
        if 7 <= len(surface) <= 8:
            parts = _gendered(parts, surface, "" if ended else previous)
        previous = surface.lower()
        for offset, length, terms in parts:
            if terms:
                words.append((position, terms, base + offset, base + offset + length))
                position += 1
    return tuple(words)


def _words(text: str) -> Iterator[tuple[re.Match[str], bool]]:
    """The words of ``text``, each with whether a clause ends before it."""
    ended = False
    for match in _WORD_OR_END.finditer(text):
        if match.group() in _ENDS:
            ended = True
        else:
            yield match, ended
            ended = False


def side_by_side(words: Sequence[tuple[int, Any, int, int]], first: int, count: int) -> bool:
    """Whether ``count`` analysed ``words`` from ``first`` on follow each other in one
    clause (see :data:`CLAUSE_END`)."""
    last = first + count - 1
    return last < len(words) and words[last][0] - words[first][0] == count - 1


class Texts(tuple[str, ...]):
    """Texts indexed one after the other in one field, with some terms indexed as
    others instead (``renamed``: term → the terms it is indexed as), and the words
    written as ``skipped`` says (a predicate on the word as written) left out."""

    renamed: dict[str, tuple[str, ...]]
    skipped: Callable[[str], bool] | None

    def __new__(
        cls,
        texts: Iterable[str],
        renamed: dict[str, tuple[str, ...]] | None = None,
        skipped: Callable[[str], bool] | None = None,
    ) -> Texts:
        value = super().__new__(cls, texts)
        value.renamed = renamed or {}
        value.skipped = skipped
        return value


class FrenchFrequency(Frequency):  # type: ignore[misc]
    """Whoosh's ``Frequency`` postings (no positions), built straight from
    :func:`analyze` when the field's analyzer is the French one (no token objects).

    Positions nearly doubled the postings that every query reads and every build
    writes (an index of 100,000 summaries went from 224 to 125 MiB without them);
    phrases are checked instead on the few documents that can rank, by analysing
    their stored text again (:func:`term_positions`).
    """

    def word_values(
        self, value: str | Sequence[str], analyzer: Any, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, bytes]]:
        """Postings of ``value``: a text, or a sequence of texts indexed one after
        the other (as if joined by line breaks)."""
        texts = [value] if isinstance(value, str) else value
        if not isinstance(analyzer, FrenchAnalyzer):
            yield from super().word_values("\n".join(texts), analyzer, **kwargs)
            return
        counts: dict[str, int] = {}
        capitals: dict[str, int] = {}
        skipped = getattr(value, "skipped", None)
        cased = getattr(analyzer, "cased", False)
        for text in texts:
            for _, terms, start, end in _analyze(text, analyzer.stem):
                if skipped is not None and skipped(text[start:end]):
                    continue
                for term in terms:
                    counts[term] = counts.get(term, 0) + 1
                if cased and in_capitals(text[start:end]):
                    for term in terms:
                        capitals[CASED + term] = capitals.get(CASED + term, 0) + 1
        for term, others in getattr(value, "renamed", {}).items():
            freq = counts.pop(term, 0)
            for other in others if freq else ():
                counts[other] = counts.get(other, 0) + freq
            if term not in others:  # held by its sense only, in any case
                capitals.pop(CASED + term, None)
        boost = self.field_boost
        for term, freq in counts.items():
            yield term, freq, freq * boost, _packed(freq)
        # Whoosh sums the second values into the field's length: the words written in
        # capitals count once there, as their plain terms (BM25 normalises by it).
        for term, freq in capitals.items():
            yield term, 0, freq * boost, _packed(freq)


#: Where function words stand before a word in a text (see :func:`term_positions`):
#: the text, and in its words and clause ends (``_WORD_OR_END``) the first after the
#: word before, the word's own, and the part's offset and length in it. Read by
#: :func:`link_words`, only where a phrase needs it.
Link = tuple[str, int, int, int, int]


def term_positions(
    texts: Sequence[str], stem: bool = True, links: dict[int, Link] | None = None
) -> dict[str, list[int]]:
    """Term → word positions in ``texts`` analysed one after the other (stop words
    leave no gap; the end of a text or of a clause leaves one). ``links``, if given,
    receives each position that function words precede in its clause (see
    :func:`link_words`).

    >>> term_positions(["Pacte de soins", "soins"])
    {'pact': [0], 'soin': [1, 3]}
    >>> links = {}
    >>> _ = term_positions(["mères d'adolescentes"], links=links)
    >>> {pos: link_words(link) for pos, link in links.items()}
    {1: (("d'",), 'adolescentes')}
    """
    positions: dict[str, list[int]] = {}
    pos = 0
    # As :func:`_analyze` numbers words, without character offsets: this runs on the
    # stored texts of every article whose phrases are checked. One text does not
    # run on into the next, nor one clause into the next.
    for text in texts:
        i = 0
        start = pos
        previous = ""
        kept = j = -1  # the last token that gave a term or ended a clause; this token
        for word in _WORD_OR_END.findall(text):
            j += 1
            if word in _ENDS:
                pos += pos > start
                start, previous, kept = pos, "", j
                continue
            parts = analyze_word(word, stem)
            if not parts[-1][2] and word[parts[-1][0] :].isupper():
                parts = _kept_in_capitals(parts, word, stem, text, -i - 1)
            if 7 <= len(word) <= 8:
                parts = _gendered(parts, word, previous)
            previous = word.lower()
            i += 1
            for offset, length, terms in parts:
                if terms:
                    for term in terms:
                        positions.setdefault(term, []).append(pos)
                    # function words before it: whole words, or an elided article
                    if (
                        links is not None
                        and pos > start
                        and (j - kept > 1 or (offset and kept < j))
                    ):
                        links[pos] = (text, kept + 1, j, offset, length)
                    kept = j
                    pos += 1
        pos += pos > start
    return positions


def link_words(link: Link) -> tuple[tuple[str, ...], str]:
    """The function words before a word, and the word, as written (see
    :func:`term_positions`)."""
    text, first, own, offset, length = link
    tokens = _WORD_OR_END.findall(text)
    word = tokens[own]
    between = (*tokens[first:own], word[:offset]) if offset else tuple(tokens[first:own])
    return between, word[offset : offset + length]


#: Words that may stand between two words of a name that has none there (see
#: :func:`linked`): words of degree, determiners, *de* or *avec* (folded).
_DEGREE = frozenset(
    {"plus", "tres", "moins", "peu", "trop", "assez", "si", "aussi", "encore", "particulierement"}
)
_GENITIVE = frozenset({"de", "d", "du", "des"})
_DETERMINERS = frozenset(
    {"la", "le", "l", "les", "un", "une", "leur", "leurs", "son", "sa", "ses", "ces", "ce", "cet"}
    | {"cette", "mon", "ma", "mes", "notre", "nos", "votre", "vos"}
)
_LETTERS = re.compile(r"[^\W\d_]+")


def linked(between: Iterable[str], following: str, written: str) -> bool:
    """Whether a text's word ``following``, after the function words ``between``,
    continues a name as its next word ``written``, which the name writes with no
    function word before it. The text may have none either, but for words of degree
    (*personnes plus âgées*), determiners before the word in the name's form (*sans
    le consentement*, not *analyser la qualité* for *analyse qualitative*), *avec*
    and *de* before a word in another form (*symptômes d'anxiété* for *symptômes
    anxieux*, not *mères d'adolescentes* for *mère adolescente*). Not *et*, *est*,
    *chez* or *à* (*psychologiques et sociales* is no *psychologie sociale*,
    *psychoses à début précoce* no *psychose débutante*).

    >>> linked(["d'"], "anxiété", "anxieux"), linked(["d'"], "adolescentes", "adolescente")
    (True, False)
    >>> linked(["et"], "sociales", "sociale"), linked(["plus"], "âgées", "âgées")
    (False, True)
    """
    words = [fold(w) for piece in between for w in _LETTERS.findall(piece)]
    if all(word in _DEGREE for word in words):
        return True
    same = _singular(fold(following)) == _singular(fold(written))
    if all(word in _DEGREE or word in _DETERMINERS for word in words):
        return same
    if all(word in _DETERMINERS for word in words[1:]):
        if words[0] == "avec":
            return True
        if words[0] in _GENITIVE:
            return not same
    return False


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith(("s", "x")) else word


@lru_cache(maxsize=4096)
def name_links(name: str) -> tuple[str | None, ...]:
    """For each word of ``name`` after the first: ``None`` where function words
    precede it in the name, else the word as written (see :func:`linked`).

    >>> name_links("mère adolescente"), name_links("pacte de soins")
    (('adolescente',), (None,))
    """
    words = _analyze(name, True)
    return tuple(
        None if _LETTERS.search(name[one[3] : two[2]]) else name[two[2] : two[3]]
        for one, two in pairwise(words)
    )


@lru_cache(maxsize=4096)
def _packed(freq: int) -> bytes:
    return bytes(pack_uint(freq))
