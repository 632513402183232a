"""Ranking-quality metrics and loaders for relevance judgments (standard library only).

Judgments (qrels) map a query id to ``{doc_id: grade}``; a document is relevant when its
grade is > 0. A ranking is a sequence of document ids, best first. When a ranking lists
the same document more than once, only its first occurrence counts: later occurrences are
dropped before any cutoff is applied.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "as_id",
    "average_precision",
    "evaluate",
    "evaluate_per_query",
    "iter_jsonl",
    "load_qrels",
    "load_queries",
    "ndcg_at_k",
    "recall_at_k",
]

Qrels = dict[str, dict[str, int]]


def load_qrels(path: str | Path) -> Qrels:
    """Read TREC qrels (``qid iteration docid grade`` per line) into ``{qid: {docid: grade}}``.

    Blank lines are ignored. A line without exactly four fields, with a non-integer grade,
    or repeating a (qid, docid) pair raises ``ValueError`` naming the file and line.
    """
    path = Path(path)
    qrels: Qrels = {}
    with path.open(encoding="utf-8-sig") as handle:
        for lineno, line in enumerate(handle, start=1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 4:
                raise ValueError(
                    f"{path}:{lineno}: expected 'qid 0 docid grade', got {line.strip()!r}"
                )
            qid, _iteration, docid, grade_text = fields
            try:
                grade = int(grade_text)
            except ValueError:
                raise ValueError(
                    f"{path}:{lineno}: grade must be an integer, got {grade_text!r}"
                ) from None
            judged = qrels.setdefault(qid, {})
            if docid in judged:
                raise ValueError(f"{path}:{lineno}: duplicate judgment for {qid} {docid}")
            judged[docid] = grade
    return qrels


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, object)`` for each non-blank line of a JSON Lines file.

    Invalid JSON or a line that is not an object raises ``ValueError`` naming the
    file and line. A byte-order mark at the start is skipped.
    """
    path = Path(path)
    with path.open(encoding="utf-8-sig") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{lineno}: expected a JSON object")
            yield lineno, record


def load_queries(path: str | Path) -> list[tuple[str, str]]:
    """Read JSONL queries (``{"qid": ..., "query": ...}`` per line) as ``(qid, query)`` pairs.

    Blank lines are ignored; order is preserved. A qid written as a whole number is
    read as its digits (as in the qrels). Invalid JSON, a missing or mistyped field,
    or a repeated qid raises ``ValueError`` naming the file and line.
    """
    path = Path(path)
    queries: list[tuple[str, str]] = []
    seen: set[str] = set()
    for lineno, record in iter_jsonl(path):
        qid, query = as_id(record.get("qid")), record.get("query")
        if qid is None:
            raise ValueError(f"{path}:{lineno}: 'qid' must be a non-empty string or a number")
        if not isinstance(query, str):
            raise ValueError(f"{path}:{lineno}: 'query' must be a string")
        if qid in seen:
            raise ValueError(f"{path}:{lineno}: duplicate qid {qid!r}")
        seen.add(qid)
        queries.append((qid, query))
    return queries


def as_id(value: object) -> str | None:
    """An id read from JSON as text: a non-empty string as it is, a whole number as its
    digits (*3*, as a qrels file writes it); ``None`` for anything else."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _unique(ranking: Iterable[str]) -> list[str]:
    """Drop repeated document ids, keeping the first occurrence."""
    return list(dict.fromkeys(ranking))


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")


def ndcg_at_k(ranking: Sequence[str], qrels: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k with linear gain (the grade) and a ``log2(rank + 1)`` discount.

    The ideal DCG ranks all judged documents with grade > 0 by decreasing grade.
    Returns 0.0 when the query has no relevant document.
    """
    _check_k(k)
    ideal_grades = sorted((g for g in qrels.values() if g > 0), reverse=True)[:k]
    if not ideal_grades:
        return 0.0
    ideal = sum(g / math.log2(rank + 1) for rank, g in enumerate(ideal_grades, start=1))
    dcg = 0.0
    for rank, doc_id in enumerate(_unique(ranking)[:k], start=1):
        grade = qrels.get(doc_id, 0)
        if grade > 0:
            dcg += grade / math.log2(rank + 1)
    return dcg / ideal


def average_precision(ranking: Sequence[str], qrels: Mapping[str, int]) -> float:
    """Average precision over the whole ranking given, divided by the number of relevant docs.

    Returns 0.0 when the query has no relevant document.
    """
    n_relevant = sum(1 for g in qrels.values() if g > 0)
    if n_relevant == 0:
        return 0.0
    hits = 0
    total = 0.0
    for rank, doc_id in enumerate(_unique(ranking), start=1):
        if qrels.get(doc_id, 0) > 0:
            hits += 1
            total += hits / rank
    return total / n_relevant


def recall_at_k(ranking: Sequence[str], qrels: Mapping[str, int], k: int = 10) -> float:
    """Fraction of the relevant documents found in the top k. 0.0 when none is relevant."""
    _check_k(k)
    n_relevant = sum(1 for g in qrels.values() if g > 0)
    if n_relevant == 0:
        return 0.0
    found = sum(1 for doc_id in _unique(ranking)[:k] if qrels.get(doc_id, 0) > 0)
    return found / n_relevant


def evaluate_per_query(
    run: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]], k: int = 10
) -> dict[str, dict[str, float]]:
    """Metrics for each judged query: ``{qid: {"ndcg@k", "map", "recall@k"}}``.

    Only queries with at least one relevant document are scored; a query missing from
    the run gets an empty ranking (all metrics 0.0). Queries of the run without
    judgments are ignored.
    """
    scores: dict[str, dict[str, float]] = {}
    for qid, judged in qrels.items():
        if not any(g > 0 for g in judged.values()):
            continue
        ranking = run.get(qid, ())
        scores[qid] = {
            f"ndcg@{k}": ndcg_at_k(ranking, judged, k),
            "map": average_precision(ranking, judged),
            f"recall@{k}": recall_at_k(ranking, judged, k),
        }
    return scores


def evaluate(
    run: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]], k: int = 10
) -> dict[str, float]:
    """Mean ``ndcg@k``, ``map`` and ``recall@k`` over the judged queries (see
    :func:`evaluate_per_query`); all 0.0 when no query has a relevant document."""
    per_query = evaluate_per_query(run, qrels, k)
    names = (f"ndcg@{k}", "map", f"recall@{k}")
    if not per_query:
        return dict.fromkeys(names, 0.0)
    return {name: math.fsum(s[name] for s in per_query.values()) / len(per_query) for name in names}
