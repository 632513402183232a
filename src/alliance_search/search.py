"""Ranking: run a parsed query on an index, then build snippets and explanations."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from whoosh import query as wq

from ._errors import AllianceSearchError
from .analysis import analyze, fold
from .index import article_from_stored
from .query import Alternative, ParsedQuery, parse_query
from .results import Hit, Match, Results

if TYPE_CHECKING:
    from .corpus import Article
    from .index import Index

__all__ = ["DEFAULT_FIELD_WEIGHTS", "search"]

log = logging.getLogger(__name__)

#: Query-time weight of each field; a field's BM25 scores are multiplied and added.
DEFAULT_FIELD_WEIGHTS = {"title": 2.0, "summary": 1.0, "keywords": 1.5}
SNIPPET_CHARS = 240
_SNIPPET_LEAD = 50

Year = int | tuple[int | None, int | None]


def _filter(
    section: str | Sequence[str] | None, journal: str | None, year: Year | None
) -> wq.Query | None:
    parts: list[wq.Query] = []
    if section:
        names = [section] if isinstance(section, str) else list(section)
        parts.append(wq.Or([wq.Term("section", s) for s in names]))
    if journal:
        parts.append(wq.Term("journal", journal))
    if year is not None:
        if isinstance(year, int):
            parts.append(wq.NumericRange("year", year, year))
        else:
            low, high = year
            parts.append(wq.NumericRange("year", low, high))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def search(
    index: Index,
    query: str,
    limit: int | None = 10,
    *,
    section: str | Sequence[str] | None = None,
    journal: str | None = None,
    year: Year | None = None,
    field_weights: dict[str, float] | None = None,
    proximity_weight: float = 0.5,
) -> Results:
    """Rank the index's articles for ``query`` (French, typed as people type it).

    Every word counts but none is required; quoted phrases and adjacent query words
    found side by side score extra; the title weighs more than the summary.
    ``section``, ``journal`` and ``year`` (a year or a ``(from, to)`` pair) filter.

    >>> index.search("démence", limit=3)  # doctest: +SKIP
    """
    if not isinstance(query, str):
        raise AllianceSearchError(f"the query must be a string, got {type(query).__name__}")
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise AllianceSearchError(f"limit must be a whole number ≥ 0 or None, got {limit!r}")
    parsed = parse_query(query, proximity_weight=proximity_weight)
    if not parsed or limit == 0:
        return Results(query, [], total=0, notes=parsed.notes)
    searcher = index.searcher()
    weights = field_weights or DEFAULT_FIELD_WEIGHTS
    found = searcher.search(
        parsed.whoosh_query(weights),
        limit=None if limit is None else min(limit, max(1, searcher.doc_count())),
        filter=_filter(section, journal, year),
    )
    explain = partial(describe, parsed=parsed)
    hits = [
        Hit(rank, float(whoosh_hit.score), article_from_stored(whoosh_hit.fields()), explain)
        for rank, whoosh_hit in enumerate(found, 1)
    ]
    return Results(query, hits, total=len(found), notes=parsed.notes)


# --------------------------------------------------------------------------- explain


def _occurrences(
    words: list[tuple[int, tuple[str, ...], int, int]], alt: Alternative
) -> list[tuple[int, int]]:
    """Spans (start, end) in the field text where ``alt`` occurs."""
    n = len(alt.words)
    wanted = [set(v) for v in alt.words]
    spans = []
    for i in range(len(words) - n + 1):
        if all(wanted[k].intersection(words[i + k][1]) for k in range(n)):
            spans.append((words[i][2], words[i + n - 1][3]))
    return spans


def _route(alt: Alternative, surface: str) -> str:
    if alt.route != "exact":
        return alt.route
    return "exact" if fold(surface) == fold(alt.text) else "stem"


def describe(
    article: Article, parsed: ParsedQuery
) -> tuple[str, tuple[tuple[int, int], ...], tuple[Match, ...]]:
    """Snippet text, highlighted spans in it, and the explanation of one hit."""
    texts = {
        "title": article.title,
        "summary": article.summary,
        "keywords": "; ".join(article.keywords),
    }
    spans_by_field: dict[str, set[tuple[int, int]]] = {name: set() for name in texts}
    clause_spans: dict[str, list[tuple[int, int, int]]] = {name: [] for name in texts}
    matches: list[Match] = []
    for name, text in texts.items():
        if not text:
            continue
        words = analyze(text)
        for number, clause in enumerate(parsed.clauses):
            for alt in clause.alternatives:
                spans = _occurrences(words, alt)
                if not spans:
                    continue
                start, end = spans[0]
                matches.append(
                    Match(
                        query=clause.label,
                        field=name,
                        found=text[start:end],
                        route=_route(alt, text[start:end]),
                        concept=alt.concept,
                    )
                )
                for span in spans:
                    if alt.is_phrase:
                        spans_by_field[name].update(
                            (w[2], w[3]) for w in words if span[0] <= w[2] and w[3] <= span[1]
                        )
                    else:
                        spans_by_field[name].add(span)
                    clause_spans[name].append((*span, number))
                break
        for alt in parsed.proximity:
            spans = _occurrences(words, alt)
            if spans:
                start, end = spans[0]
                matches.append(
                    Match(query=alt.text, field=name, found=text[start:end], route="phrase")
                )
    field = "summary" if clause_spans["summary"] or not clause_spans["title"] else "title"
    if not texts[field]:
        field = "title"
    snippet, spans = _window(texts[field], sorted(spans_by_field[field]), clause_spans[field])
    order = {name: i for i, name in enumerate(texts)}
    matches.sort(key=lambda m: order[m.field])
    return snippet, spans, tuple(matches)


def _window(
    text: str, spans: list[tuple[int, int]], clause_spans: list[tuple[int, int, int]]
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Cut ``text`` to at most SNIPPET_CHARS around the densest matches."""
    if len(text) <= SNIPPET_CHARS:
        return text, _merge(spans)
    best_start, best_score = 0, -1
    for start, _, _ in sorted(clause_spans) or [(0, 0, 0)]:
        lo = max(0, start - _SNIPPET_LEAD)
        score = len({c for s, e, c in clause_spans if lo <= s and e <= lo + SNIPPET_CHARS})
        if score > best_score:
            best_start, best_score = lo, score
    lo = best_start
    if lo > 0:
        space = text.find(" ", lo)
        lo = space + 1 if 0 <= space < lo + _SNIPPET_LEAD else lo
    hi = min(len(text), lo + SNIPPET_CHARS)
    if hi < len(text):
        space = text.rfind(" ", lo, hi)
        hi = space if space > lo + SNIPPET_CHARS // 2 else hi
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    shift = len(prefix) - lo
    inside = [(s + shift, e + shift) for s, e in spans if lo <= s and e <= hi]
    return prefix + text[lo:hi] + suffix, _merge(inside)


def _merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)
