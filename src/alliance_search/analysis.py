"""French text analysis: one analyzer for documents and queries.

The chain, in order (see :func:`french_analyzer`):

1. :class:`FrenchTokenizer` finds words in the original text and keeps their
   character offsets; apostrophes and hyphens inside a word stay attached.
2. :class:`ElisionFilter` drops elided articles: ``L’alliance`` → ``alliance``.
3. :class:`CompoundFilter` splits hyphenated compounds into their parts:
   ``états-limites`` → ``états``, ``limites``; positions are renumbered.
4. :class:`UnicodeNormalizeFilter` applies NFKC to each word. It runs once words
   are cut, so that character offsets always refer to the original text, even
   when normalisation changes a word's length (``e`` + combining accent → ``é``).
5. :class:`LowercaseFilter` lowercases.
6. :class:`FrenchStopFilter` removes French function words (positions renumbered,
   so a phrase ``pacte de soins`` is ``pacte soins`` on both sides).
7. :class:`StemFoldFilter` stems with Snowball French and folds accents and
   ligatures with unidecode (``cœur`` → ``coeur``), through a cache.

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
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

import snowballstemmer
from unidecode import unidecode
from whoosh.analysis import Composable, Filter, Token, Tokenizer

__all__ = [
    "ANALYZER_VERSION",
    "ELISION_ARTICLES",
    "FRENCH_STOP_WORDS",
    "analyze",
    "fold",
    "french_analyzer",
    "stem_variants",
]

#: Bumped whenever the terms produced for a text change; stored in every index.
ANALYZER_VERSION = 1

#: Articles and pronouns that French elides before a vowel (``l’``, ``qu’``...).
ELISION_ARTICLES = frozenset(
    ["l", "d", "j", "qu", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu", "quoiqu"]
)

APOSTROPHES = "'’ʼ‘"
HYPHENS = "-‐‑"

_LETTER = r"(?:[^\W_]|[\u0300-\u036f])"
_JOINERS = re.escape(APOSTROPHES + HYPHENS)
_WORD = re.compile(rf"{_LETTER}+(?:[{_JOINERS}]{_LETTER}+)*")
_ELISION = re.compile(
    rf"^({'|'.join(sorted(ELISION_ARTICLES, key=len, reverse=True))})"
    rf"[{APOSTROPHES}](?=.)",
    re.IGNORECASE,
)
_HYPHEN_SPLIT = re.compile(f"[{re.escape(HYPHENS)}]")
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
        text = unidecode(text)
    return _NOT_ALNUM.sub("", text.lower())


_STEMMER = snowballstemmer.stemmer("french")


@lru_cache(maxsize=262_144)
def stem_variants(word: str) -> tuple[str, ...]:
    """Return the index terms of one lowercase word: one term, or two when the
    accent-aware stem and the accent-free stem differ.

    >>> stem_variants("personnalité")
    ('personnal', 'personnalit')
    >>> stem_variants("personnalite")
    ('personnalit',)
    """
    folded = fold(word)
    if not folded:
        return ()
    if any(ch.isdigit() for ch in folded):
        return (folded,)
    accent_aware = fold(_STEMMER.stemWord(word.replace("œ", "oe").replace("æ", "ae")))
    if folded == word:
        return (accent_aware,)
    accent_free = _STEMMER.stemWord(folded)
    if accent_free == accent_aware or not accent_aware:
        return (accent_free,)
    return (accent_aware, accent_free)


class FrenchTokenizer(Tokenizer):
    """Find words (letters and digits, with inner apostrophes and hyphens)."""

    def __call__(  # type: ignore[override]
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
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        for pos, match in enumerate(_WORD.finditer(value), start_pos):
            token.text = match.group()
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


class UnicodeNormalizeFilter(Filter):
    """Apply Unicode NFKC normalisation to each token (combining accents, ﬁ, full width)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if not t.text.isascii():
                t.text = unicodedata.normalize("NFKC", t.text)
            yield t


class ElisionFilter(Filter):
    """Remove a leading elided article: ``L’alliance``, ``qu'il``, ``jusqu’au``."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            match = _ELISION.match(t.text)
            if match:
                cut = match.end()
                t.text = t.text[cut:]
                if t.chars:
                    t.startchar += cut
            yield t


class CompoundFilter(Filter):
    """Split hyphenated compounds into their parts and renumber positions."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        pos: int | None = None
        for t in tokens:
            if t.positions and pos is None:
                pos = t.pos
            parts = _HYPHEN_SPLIT.split(t.text) if any(h in t.text for h in HYPHENS) else None
            if not parts:
                if t.positions:
                    t.pos = pos
                    pos += 1  # type: ignore[operator]
                yield t
                continue
            start = t.startchar if t.chars else 0
            offset = 0
            for part in parts:
                t.text = part
                if t.chars:
                    t.startchar = start + offset
                    t.endchar = t.startchar + len(part)
                offset += len(part) + 1
                if t.positions:
                    t.pos = pos
                    pos += 1  # type: ignore[operator]
                yield t


class LowercaseFilter(Filter):
    """Lowercase token text."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = t.text.lower()
            yield t


class FrenchStopFilter(Filter):
    """Drop French function words; positions of the remaining words are renumbered."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stops = FRENCH_STOP_WORDS
        pos: int | None = None
        for t in tokens:
            if t.positions and pos is None:
                pos = t.pos
            if t.text in stops or (len(t.text) == 1 and not t.text.isdigit()):
                if not t.removestops:
                    t.stopped = True
                    yield t
                continue
            t.stopped = False
            if t.positions:
                t.pos = pos
                pos += 1  # type: ignore[operator]
            yield t


class StemFoldFilter(Filter):
    """Snowball French stemming and unidecode folding (see module docstring)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if t.stopped:
                yield t
                continue
            for term in stem_variants(t.text):
                t.text = term
                yield t


FRENCH_STOP_WORDS: frozenset[str] = _load_stop_words()


def french_analyzer() -> Composable:
    """Build the French analyzer used for both documents and queries.

    >>> [t.text for t in french_analyzer()("L’alliance avec les patients états-limites")]
    ['allianc', 'patient', 'etat', 'limit']
    """
    return (
        FrenchTokenizer()
        | ElisionFilter()
        | CompoundFilter()
        | UnicodeNormalizeFilter()
        | LowercaseFilter()
        | FrenchStopFilter()
        | StemFoldFilter()
    )


_ANALYZER = french_analyzer()


def analyze(text: str) -> list[tuple[int, tuple[str, ...], int, int]]:
    """Analyse ``text`` into ``(position, terms, startchar, endchar)`` per word.

    Terms produced at the same position (the stem variants of one word) are grouped.

    >>> analyze("Démences")
    [(0, ('demenc',), 0, 8)]
    """
    words: list[tuple[int, tuple[str, ...], int, int]] = []
    for t in _ANALYZER(text, positions=True, chars=True):
        if words and words[-1][0] == t.pos:
            pos, terms, start, end = words[-1]
            words[-1] = (pos, (*terms, t.text), start, end)
        else:
            words.append((t.pos, (t.text,), t.startchar, t.endchar))
    return words
