"""From query text to a Whoosh query.

A query is split into *clauses*: one per word, one per quoted phrase (and, once
concepts are detected, one per concept). A clause has *alternatives* (the word
itself, or the synonyms of a concept); alternatives of one clause combine by
maximum (``DisjunctionMax``), so variants of one idea never add up, while clauses
add up, so a document matching more of the query ranks higher. Nothing is
required: a missing word never empties the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from whoosh import query as wq

from .analysis import analyze, fold

__all__ = ["Alternative", "Clause", "ParsedQuery", "parse_query"]

#: Matching quote pairs understood as "exact phrase" delimiters.
QUOTE_PAIRS = {'"': '"', "“": "”", "«": "»", "„": "“"}
#: Analysed words kept from one query; the rest is ignored (with a note in the query).
MAX_CLAUSES = 64
FIELDS = ("title", "summary", "keywords")


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way a clause can match: a word, a phrase or a thesaurus term.

    ``words`` holds, per position, the index terms of that word (its stem variants).
    """

    text: str
    words: tuple[tuple[str, ...], ...]
    route: str = "exact"
    weight: float = 1.0
    concept: str | None = None

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    def whoosh_query(self, fieldname: str) -> wq.Query:
        """The Whoosh query matching this alternative in one field."""
        if self.is_phrase:
            # The accent-free stem (last variant) is indexed for every word.
            return wq.Phrase(fieldname, [variants[-1] for variants in self.words])
        variants = self.words[0]
        if len(variants) == 1:
            return wq.Term(fieldname, variants[0])
        return wq.DisjunctionMax([wq.Term(fieldname, v) for v in variants])


@dataclass(frozen=True, slots=True)
class Clause:
    """A unit of meaning in the query; its alternatives combine by maximum."""

    label: str
    alternatives: tuple[Alternative, ...]
    kind: str = "word"  # word | phrase | concept
    concept: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """The analysed query: clauses that add up, plus proximity bonuses."""

    text: str
    clauses: tuple[Clause, ...]
    proximity: tuple[Alternative, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.clauses)

    def whoosh_query(self, field_weights: dict[str, float]) -> wq.Query:
        """Combine clauses (sum) of alternatives (max) over weighted fields (sum)."""
        parts: list[wq.Query] = []
        for clause in self.clauses:
            alternatives = [_fields_query(alt, field_weights) for alt in clause.alternatives]
            parts.append(
                alternatives[0] if len(alternatives) == 1 else wq.DisjunctionMax(alternatives)
            )
        parts.extend(_fields_query(alt, field_weights) for alt in self.proximity)
        if not parts:
            return wq.NullQuery
        return parts[0] if len(parts) == 1 else wq.Or(parts)


def _fields_query(alt: Alternative, field_weights: dict[str, float]) -> wq.Query:
    per_field = []
    for name, weight in field_weights.items():
        q = alt.whoosh_query(name)
        q.boost = weight * alt.weight
        per_field.append(q)
    return per_field[0] if len(per_field) == 1 else wq.Or(per_field)


def split_quoted(text: str) -> list[tuple[str, bool]]:
    """Split query text into ``(segment, is_quoted)``; an unclosed quote is plain text.

    >>> split_quoted('alliance "pacte de soins" « caïd')
    [('alliance ', False), ('pacte de soins', True), (' ', False), (' caïd', False)]
    """
    segments: list[tuple[str, bool]] = []
    plain: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        close = QUOTE_PAIRS.get(ch)
        end = text.find(close, i + 1) if close else -1
        if close and end != -1:
            if plain:
                segments.append(("".join(plain), False))
                plain = []
            segments.append((text[i + 1 : end], True))
            i = end + 1
            continue
        plain.append(" " if ch in QUOTE_PAIRS or ch in QUOTE_PAIRS.values() else ch)
        i += 1
    if plain:
        segments.append(("".join(plain), False))
    return segments


def alternative(
    text: str, route: str = "exact", weight: float = 1.0, concept: str | None = None
) -> Alternative | None:
    """Analyse ``text`` into an :class:`Alternative` (``None`` if nothing is left)."""
    words = tuple(terms for _, terms, _, _ in analyze(text))
    if not words:
        return None
    return Alternative(text=text.strip(), words=words, route=route, weight=weight, concept=concept)


_SPACES = re.compile(r"\s+")


def parse_query(text: str, *, proximity_weight: float = 0.5) -> ParsedQuery:
    """Analyse query text into clauses (one per distinct word, one per quoted phrase).

    >>> [c.label for c in parse_query("l'alliance « thérapeutique » des ados").clauses]
    ['alliance', 'thérapeutique', 'ados']
    """
    clauses: list[Clause] = []
    seen: set[tuple[tuple[str, ...], ...]] = set()
    runs: list[list[tuple[str, tuple[str, ...]]]] = []
    notes: list[str] = []
    for segment, quoted in split_quoted(text):
        words = analyze(segment)
        if not words:
            continue
        if quoted and len(words) > 1:
            alt = Alternative(
                text=_SPACES.sub(" ", segment.strip()),
                words=tuple(terms for _, terms, _, _ in words),
                route="phrase",
            )
            if alt.words not in seen:
                seen.add(alt.words)
                clauses.append(Clause(label=alt.text, alternatives=(alt,), kind="phrase"))
            continue
        run: list[tuple[str, tuple[str, ...]]] = []
        for _, terms, start, end in words:
            surface = segment[start:end]
            run.append((surface, terms))
            if (terms,) in seen:
                continue
            seen.add((terms,))
            clauses.append(
                Clause(label=surface, alternatives=(Alternative(text=surface, words=(terms,)),))
            )
        runs.append(run)
    if len(clauses) > MAX_CLAUSES:
        notes.append(f"only the first {MAX_CLAUSES} words of the query were used")
        clauses = clauses[:MAX_CLAUSES]
    proximity: list[Alternative] = []
    if proximity_weight > 0:
        for run in runs:
            for (w1, t1), (w2, t2) in pairwise(run):
                if fold(w1) != fold(w2) and len(proximity) < MAX_CLAUSES:
                    proximity.append(
                        Alternative(
                            text=f"{w1} {w2}",
                            words=(t1, t2),
                            route="phrase",
                            weight=proximity_weight,
                        )
                    )
    return ParsedQuery(
        text=text, clauses=tuple(clauses), proximity=tuple(proximity), notes=tuple(notes)
    )
