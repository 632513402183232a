""" "Did you mean": corrections for query words unknown to the corpus and the thesaurus."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from whoosh.query import Term
from whoosh.spelling import ListCorrector

from .analysis import WORD_PATTERN, analyze_word
from .query import split_quoted

if TYPE_CHECKING:
    from whoosh.searching import Searcher

    from .concepts import Thesaurus

__all__ = ["edit_distance", "suggest"]

MIN_LENGTH = 4
SEARCHED_FIELDS = ("title", "summary", "keywords")
VOCABULARY_FIELD = "exact"
_LETTERS = re.compile(r"[^\W\d_]")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions).

    >>> edit_distance("borderlin", "borderline")
    1
    """
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


class _Speller:
    """Corrections from the corpus vocabulary (field ``exact``) and the thesaurus."""

    def __init__(self, searcher: Searcher, thesaurus: Thesaurus) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.accented = thesaurus.vocabulary()
        self.thesaurus_words = ListCorrector(sorted(self.accented))
        self.corpus_words = searcher.corrector(VOCABULARY_FIELD)

    def known(self, word: str) -> bool:
        """Written so in an article or the thesaurus, or a plural of such a word.

        Stems are not enough: ``borderlin`` shares its stem with ``borderline`` but
        is not a word anyone wrote.
        """
        candidates = [word]
        if word.endswith(("s", "x")):
            candidates.append(word[:-1])
        frequency = self.reader.doc_frequency
        return any(w in self.accented or frequency(VOCABULARY_FIELD, w) > 0 for w in candidates)

    def correct(self, word: str) -> str | None:
        maxdist = 1 if len(word) < 6 else 2
        candidates = set(self.corpus_words.suggest(word, limit=5, maxdist=maxdist, prefix=1))
        candidates.update(self.thesaurus_words.suggest(word, limit=5, maxdist=maxdist, prefix=1))
        if not candidates:
            return None
        frequency = self.reader.doc_frequency
        best = min(
            candidates,
            key=lambda c: (edit_distance(word, c), -frequency(VOCABULARY_FIELD, c), c),
        )
        return self.accented.get(best) or self.written(best)

    def written(self, word: str) -> str:
        """How a folded corpus word is written in an article that uses it."""
        for hit in self.searcher.search(Term(VOCABULARY_FIELD, word), limit=1):
            text = "\n".join(str(hit.get(f) or "") for f in SEARCHED_FIELDS)
            for match in WORD_PATTERN.finditer(text):
                for offset, length, terms in analyze_word(match.group(), False):
                    if terms == (word,):
                        start = match.start() + offset
                        return text[start : start + length].lower()
        return word


def suggest(searcher: Searcher, thesaurus: Thesaurus, query: str) -> str | None:
    """A corrected query, or ``None`` when every word is known (or nothing better exists).

    Words of four letters or more written neither in the indexed articles nor in the
    thesaurus (plurals aside) are replaced by the closest known word, if any.
    """
    speller: _Speller | None = None
    pieces: list[str] = []
    changed = False
    for segment, quoted in split_quoted(query):
        index = 0
        out: list[str] = []
        for match in WORD_PATTERN.finditer(segment):
            surface = match.group()
            for offset, length, terms in analyze_word(surface, False):
                if not terms or len(terms[0]) < MIN_LENGTH or not _LETTERS.search(terms[0]):
                    continue
                speller = speller or _Speller(searcher, thesaurus)
                if speller.known(terms[0]):
                    continue
                better = speller.correct(terms[0])
                if better is None:
                    continue
                start = match.start() + offset
                out.append(segment[index:start])
                out.append(better)
                index = start + length
                changed = True
        out.append(segment[index:])
        text = "".join(out)
        pieces.append(f'"{text}"' if quoted else text)
    if not changed:
        return None
    return " ".join("".join(pieces).split())
