"""Ranking-quality benchmark of alliance_search against peer search engines.

Usage::

    python -m benchmarks.quality DATASET_DIR [DATASET_DIR ...] [--systems NAMES] [--k 10]
                                 [--depth 100] [--per-query] [--typos SEED [--first-letter]]
                                 [--template "quels articles parlent de {}"]

A dataset directory holds ``docs.jsonl`` (id, title, summary, other fields ignored),
``queries.jsonl`` (qid, query) and ``qrels.txt`` (TREC). Datasets are read where they are;
every system builds its index in a temporary directory. One Markdown table is printed
per dataset.

``--typos SEED`` measures robustness to typing errors: every query is replaced by a
copy with one typing error in one of its words (see :func:`misspell`), the same copy
for every system; with ``--first-letter``, in the word's first letter. ``--template``
searches every query framed as users may type it, ``{}`` standing for the query.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from alliance_search.evaluation import (
    as_id,
    evaluate,
    evaluate_per_query,
    iter_jsonl,
    load_qrels,
    load_queries,
)
from benchmarks.peers import SYSTEMS, System, make_system


@dataclass
class Dataset:
    """One evaluation set read from its directory."""

    name: str
    docs: list[dict]
    queries: list[tuple[str, str]]
    qrels: dict[str, dict[str, int]]


@dataclass
class SystemRun:
    """Results of one system on one dataset."""

    name: str
    is_peer: bool
    metrics: dict[str, float] = field(default_factory=dict)
    per_query: dict[str, dict[str, float]] = field(default_factory=dict)
    index_seconds: float = 0.0
    mean_query_ms: float = 0.0
    note: str = ""


def load_docs(path: Path) -> list[dict]:
    """Read docs.jsonl into ``{"id", "title", "summary"}`` dicts (other fields dropped;
    a record whose id an earlier one has is skipped, with a warning)."""
    docs: list[dict] = []
    seen: set[str] = set()
    repeated: list[int] = []  # lines whose id an earlier line has
    for lineno, record in iter_jsonl(path):
        doc_id = as_id(record.get("id"))
        if doc_id is None:
            raise ValueError(f"{path}:{lineno}: 'id' must be a non-empty string or a number")
        if doc_id in seen:
            repeated.append(lineno)
            continue
        seen.add(doc_id)
        texts = {}
        for name in ("title", "summary"):
            value = record.get(name)
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{path}:{lineno}: {name!r} must be a string or null")
            texts[name] = value or ""
        docs.append({"id": doc_id, **texts})
    if repeated:
        lines = ", ".join(map(str, repeated[:5])) + (", ..." if len(repeated) > 5 else "")
        print(f"> warning: {path}: {len(repeated)} repeated ids skipped (lines {lines})")
    return docs


def load_dataset(directory: Path) -> Dataset:
    """Read a dataset directory (docs.jsonl, queries.jsonl, qrels.txt)."""
    return Dataset(
        name=directory.resolve().name,
        docs=load_docs(directory / "docs.jsonl"),
        queries=load_queries(directory / "queries.jsonl"),
        qrels=load_qrels(directory / "qrels.txt"),
    )


#: Neighbouring keys on a French (AZERTY) keyboard, for substituted letters.
AZERTY_ROWS = ("azertyuiop", "qsdfghjklm", "wxcvbn")
#: Words that get typing errors: five letters or more.
_LONG_WORD = re.compile(r"[^\W\d_]{5,}")


def _neighbours(letter: str) -> str:
    for row_index, row in enumerate(AZERTY_ROWS):
        column = row.find(letter)
        if column >= 0:
            near = row[max(0, column - 1) : column] + row[column + 1 : column + 2]
            for other in AZERTY_ROWS[max(0, row_index - 1) : row_index + 2]:
                if other is not row:
                    near += other[column : column + 1]
            return near
    return ""


def misspell(query: str, rng: random.Random, first_letter: bool = False) -> str:
    """``query`` with one typing error in one word of five letters or more, never in
    its first letter: a letter dropped, doubled, swapped with the next one or
    replaced by a neighbouring key. Queries without such a word are kept.

    With ``first_letter``, the error is in the word's first letter: dropped, swapped
    with the second or replaced by a neighbouring key.

    >>> misspell("soins sans consentement", random.Random(3))
    'soinns sans consentement'
    >>> misspell("soins sans consentement", random.Random(3), first_letter=True)
    'doins sans consentement'
    """
    spans = [match.span() for match in _LONG_WORD.finditer(query)]
    if not spans:
        return query
    start, end = rng.choice(spans)
    word = query[start:end]
    if first_letter:
        at, kind = 0, rng.choice(("drop", "swap", "key"))
    else:
        at, kind = rng.randrange(1, len(word) - 1), rng.choice(("drop", "double", "swap", "key"))
    letter = word[at]
    if kind == "key" and _neighbours(letter.lower()):
        key = rng.choice(_neighbours(letter.lower()))
        if at == 0 and letter.isupper():
            key = key.upper()
        word = word[:at] + key + word[at + 1 :]
    elif kind == "drop":
        word = word[:at] + word[at + 1 :]
    elif kind == "double":
        word = word[:at] + letter + word[at:]
    else:
        word = word[:at] + word[at + 1] + letter + word[at + 2 :]
    return query[:start] + word + query[end:]


def run_system(key: str, dataset: Dataset, k: int, depth: int, workdir: Path) -> SystemRun | None:
    """Index the dataset with one system and run every query. None if it is unavailable."""
    system: System = make_system(key)
    is_peer = not key.startswith("als")
    result = SystemRun(name=system.name, is_peer=is_peer)
    if getattr(system, "missing", None):
        print(f"> skipped {system.name}: {system.missing}")
        return None
    try:
        start = time.perf_counter()
        system.index(dataset.docs, workdir)
        result.index_seconds = time.perf_counter() - start
        run: dict[str, list[str]] = {}
        durations: list[float] = []
        for qid, query in dataset.queries:
            start = time.perf_counter()
            run[qid] = system.search(query, depth)
            durations.append(time.perf_counter() - start)
    except Exception as exc:  # a broken system must not stop the benchmark
        print(f"> {system.name} failed: {type(exc).__name__}: {exc}")
        return None
    finally:
        close = getattr(system, "close", None)
        if callable(close):
            close()
    result.mean_query_ms = 1000 * statistics.fmean(durations) if durations else 0.0
    result.metrics = evaluate(run, dataset.qrels, k)
    result.per_query = evaluate_per_query(run, dataset.qrels, k)
    errors = getattr(system, "errors", 0)
    if errors:
        result.note = f"{errors} queries rejected by the parser (empty results)"
    return result


def format_table(runs: list[SystemRun], k: int) -> str:
    """Markdown table of the mean metrics and timings."""
    lines = [
        f"| system | nDCG@{k} | MAP | Recall@{k} | index time (s) | mean query ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        m = r.metrics
        lines.append(
            f"| {r.name} | {m[f'ndcg@{k}']:.3f} | {m['map']:.3f} | {m[f'recall@{k}']:.3f} "
            f"| {r.index_seconds:.2f} | {r.mean_query_ms:.2f} |"
        )
    return "\n".join(lines)


def format_summary(runs: list[SystemRun], k: int) -> str:
    """One line naming the best peer and alliance_search's margin over it in nDCG@k."""
    key = f"ndcg@{k}"
    peers = [r for r in runs if r.is_peer]
    ours = [r for r in runs if not r.is_peer]
    if not peers:
        return "No peer ran: no comparison."
    best = max(peers, key=lambda r: r.metrics[key])
    text = f"Best peer: {best.name} (nDCG@{k} {best.metrics[key]:.3f})"
    if not ours:
        return text + "; alliance_search did not run."
    margins = [
        f"{r.name} {r.metrics[key]:.3f} ({r.metrics[key] - best.metrics[key]:+.3f})" for r in ours
    ]
    return text + "; margin over it: " + ", ".join(margins) + "."


def format_per_query(runs: list[SystemRun], dataset: Dataset, k: int) -> str:
    """Markdown table of nDCG@k per judged query and system."""
    key = f"ndcg@{k}"
    header = "| qid | query | " + " | ".join(r.name for r in runs) + " |"
    lines = [header, "|---|---|" + "---:|" * len(runs)]
    for qid, query in dataset.queries:
        if not runs or qid not in runs[0].per_query:
            continue
        cells = " | ".join(f"{r.per_query[qid][key]:.3f}" for r in runs)
        lines.append(f"| {qid} | {query.replace('|', '/')} | {cells} |")
    return "\n".join(lines)


def benchmark(
    directory: Path,
    keys: list[str],
    k: int,
    depth: int,
    per_query: bool,
    typos: int | None = None,
    template: str | None = None,
    first_letter: bool = False,
) -> list[SystemRun]:
    """Run and print the benchmark of one dataset (with misspelt queries if ``typos``
    gives a seed, framed by ``template`` if given)."""
    dataset = load_dataset(directory)
    judged = sum(1 for j in dataset.qrels.values() if any(g > 0 for g in j.values()))
    print(
        f"\n## {dataset.name}: {len(dataset.docs)} documents, {len(dataset.queries)} queries, "
        f"{judged} with relevant documents (metrics at k={k}, MAP over the top {depth})"
    )
    if typos is not None:
        rng = random.Random(typos)
        typed = [(qid, misspell(query, rng, first_letter)) for qid, query in dataset.queries]
        changed = sum(1 for (_, a), (_, b) in zip(typed, dataset.queries, strict=True) if a != b)
        dataset.queries = typed
        where = " (first letter)" if first_letter else ""
        print(f"> one typing error{where} in {changed} of {len(typed)} queries (seed {typos})")
    if template is not None:
        dataset.queries = [(qid, template.replace("{}", query)) for qid, query in dataset.queries]
        print(f"> every query searched as «{template}»")
    known = {d["id"] for d in dataset.docs}
    unknown = {doc for j in dataset.qrels.values() for doc in j if doc not in known}
    if unknown:
        print(f"> warning: {len(unknown)} judged document ids are not in docs.jsonl")
    asked = {qid for qid, _ in dataset.queries}
    unasked = [qid for qid in dataset.qrels if qid not in asked]
    if unasked:
        print(f"> warning: {len(unasked)} judged queries are not in queries.jsonl (scored 0)")
    runs: list[SystemRun] = []
    for key in keys:
        with tempfile.TemporaryDirectory(prefix=f"quality-{key}-") as tmp:
            result = run_system(key, dataset, k, depth, Path(tmp))
        if result is not None:
            runs.append(result)
            if result.note:
                print(f"> {result.name}: {result.note}")
    if runs:
        print()
        print(format_table(runs, k))
        print()
        print(format_summary(runs, k))
        if per_query:
            print(f"\n### {dataset.name}: nDCG@{k} per query\n")
            print(format_per_query(runs, dataset, k))
    return runs


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.quality",
        description="Compare the ranking quality of alliance_search with peer search engines.",
    )
    parser.add_argument("datasets", nargs="+", type=Path, metavar="DATASET_DIR")
    parser.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help=f"comma-separated systems among {', '.join(SYSTEMS)} (default: all)",
    )
    parser.add_argument("--k", type=int, default=10, help="metric cutoff (default: 10)")
    parser.add_argument(
        "--depth",
        type=int,
        default=100,
        help="results retrieved per query, over which MAP is computed (default: 100)",
    )
    parser.add_argument(
        "--per-query", action="store_true", help="also print nDCG@k per query and system"
    )
    parser.add_argument(
        "--typos",
        type=int,
        metavar="SEED",
        help="put one typing error in every query (drawn with this seed) before searching",
    )
    parser.add_argument(
        "--first-letter",
        action="store_true",
        help="with --typos, put the error in the first letter of the word",
    )
    parser.add_argument(
        "--template",
        help="search every query framed by this text, {} standing for the query",
    )
    args = parser.parse_args(argv)
    args.systems = [name.strip() for name in args.systems.split(",") if name.strip()]
    unknown = [name for name in args.systems if name not in SYSTEMS]
    if unknown:
        parser.error(f"unknown system(s): {', '.join(unknown)}; choose among {', '.join(SYSTEMS)}")
    if args.k < 1:
        parser.error("--k must be at least 1")
    args.depth = max(args.depth, args.k)
    if args.first_letter and args.typos is None:
        parser.error("--first-letter goes with --typos SEED")
    if args.template is not None and "{}" not in args.template:
        parser.error("--template must contain {} where the query goes")
    for directory in args.datasets:
        missing = [
            n for n in ("docs.jsonl", "queries.jsonl", "qrels.txt") if not (directory / n).is_file()
        ]
        if missing:
            parser.error(f"{directory}: missing {', '.join(missing)}")
    return args


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m benchmarks.quality``."""
    args = parse_args(argv)
    for directory in args.datasets:
        try:
            benchmark(
                directory,
                args.systems,
                args.k,
                args.depth,
                args.per_query,
                args.typos,
                args.template,
                args.first_letter,
            )
        except (ValueError, OSError) as exc:  # a dataset that cannot be read
            print(f"error: {exc}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
