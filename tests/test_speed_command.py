"""The speed benchmark command runs end to end at a tiny size; its corpus is deterministic."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from benchmarks import speed

import alliance_search as als

NAMES = list(speed.SYSTEMS.values())
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _rows(text: str) -> dict[str, list[str]]:
    """Table rows by first cell (header and separator rows left out)."""
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells[0] not in ("system",):
            rows[cells[0]] = cells[1:]
    return rows


def test_speed_command_prints_tables_and_writes_plot_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    plot, raw = tmp_path / "speed.png", tmp_path / "speed.json"
    argv = ["--sizes", "300", "--queries", "10", "--concept-queries", "5", "--systems"]
    argv += [",".join(speed.SYSTEMS), "--plot", str(plot), "--json", str(raw), "--rounds", "2"]
    assert speed.main([*argv, "--workdir", str(tmp_path / "work")]) == 0
    out = capsys.readouterr().out

    assert re.search(r"^Machine: \d+ CPUs.*Python \d", out, re.MULTILINE)
    table = out.split("## N = 300 summaries", 1)[1].split("## Growth", 1)[0]
    rows = _rows(table)
    assert set(NAMES) <= set(rows)
    for name in NAMES:
        assert len(rows[name]) == len(speed.COLUMNS) - 1
        for cell in rows[name]:
            float(cell)  # every column is a number: no system failed
    assert set(NAMES) <= set(_rows(out.split("## Growth", 1)[1]))  # slopes table

    assert plot.read_bytes().startswith(PNG_SIGNATURE)
    record = json.loads(raw.read_text("utf-8"))
    assert {"machine", "settings", "queries", "corpora", "runs", "slopes"} <= set(record)
    assert {"cpu_count", "platform", "python"} <= set(record["machine"])
    assert len(record["queries"]["free"]) == 10 and len(record["queries"]["concept"]) == 5
    assert sorted(run["name"] for run in record["runs"]) == sorted(NAMES)
    for run in record["runs"]:
        assert run["status"] == "ok" and run["n"] == 300
        for key in ("index_seconds", "docs_per_second", "disk_mb", "peak_mem_mb"):
            assert run[key] > 0
        for key in ("free_p50_ms", "free_p95_ms", "concept_p50_ms", "concept_p95_ms"):
            assert run[key] >= 0
        assert len(run["raw"]["free_ms"]) == 10
        # A second round of queries, in a new process on the same index, for every
        # system whose index can be opened again; each query counts its median.
        if run["system"] in speed.REOPENED:
            rounds = run["raw"]["free_ms_rounds"]
            assert len(rounds) == 2 and all(len(times) == 10 for times in rounds)
            medians = [(a + b) / 2 for a, b in zip(*rounds, strict=True)]
            assert run["raw"]["free_ms"] == pytest.approx(medians)
            assert run["raw"]["search_rss_mb"] > 10  # a searching process's peak
        else:
            assert "free_ms_rounds" not in run["raw"]
    assert "median time over 2 round(s)" in out
    assert re.search(r"answered the queries .*: alliance_search \d+ MB, whoosh \d+ MB", out)


def test_corpus_is_deterministic_and_french():
    first = list(speed.generate_corpus(200, seed=7))
    assert first == list(speed.generate_corpus(200, seed=7))
    other = list(speed.generate_corpus(200, seed=8))
    assert [d["summary"] for d in other] != [d["summary"] for d in first]
    assert len({d["id"] for d in first}) == len(first) == 200
    for doc in first:
        assert set(doc) == {"id", "title", "summary", "section", "keywords"}
        assert 40 <= len(doc["summary"].split()) <= 170
        assert doc["title"] and doc["keywords"]
    words = {w for d in first for w in re.findall(r"\w+", d["summary"].lower())}
    assert {"de", "la", "et", "les", "pour", "dans"} <= words
    labels = {concept.label.lower() for concept in als.default_thesaurus()}
    assert sum(any(label in d["summary"].lower() for label in labels) for d in first) > 100


def test_corpus_streams():
    docs = speed.generate_corpus(10**9)  # never materialised
    assert isinstance(docs, Iterator)
    assert next(docs)["id"] == "syn-0000000"
    assert next(docs)["id"] == "syn-0000001"


def test_smaller_corpora_are_prefixes_so_query_words_occur_in_every_corpus():
    assert list(speed.generate_corpus(50, seed=3)) == list(speed.generate_corpus(80, seed=3))[:50]
    free, concept = speed.make_queries(3, 20, 8)
    assert (free, concept) == speed.make_queries(3, 20, 8)
    assert concept[:4] == list(speed.FIXED_CONCEPT_QUERIES) and len(concept) == 8
    assert all(2 <= len(q.split()) <= 6 for q in free)
    corpus = " ".join(
        f"{d['title']} {d['summary']}".lower()
        for d in speed.generate_corpus(speed.QUERY_POOL_DOCS, seed=3)
    )
    corpus_words = set(re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", corpus))
    assert all(word in corpus_words for q in free for word in q.split())
    warm_free, warm_concept = speed.make_queries(3, 20, 8, warmup=5)
    assert len(warm_free) == 5 and not set(warm_free) & set(free)
    assert not set(warm_concept) & set(concept)


def test_statistics():
    assert speed.percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert speed.percentile(list(range(101)), 95) == pytest.approx(95.0)
    assert speed.loglog_slope([(1_000, 2.0), (10_000, 20.0), (100_000, 200.0)]) == pytest.approx(1)
    assert speed.loglog_slope([(1_000, 2.0), (10_000, 200.0)]) == pytest.approx(2)
    assert speed.loglog_slope([(1_000, 2.0)]) is None


def test_a_system_that_timed_out_keeps_its_row():
    ok = speed.Run(
        1000,
        "whoosh",
        data={
            "index_seconds": 2.0, "index_cpu_seconds": 1.5, "disk_bytes": 3_000_000,
            "rss_self_mb": 50.0, "rss_children_mb": 0.0,
            "free_ms": [1.0, 3.0], "concept_ms": [2.0, 4.0],
        },
    )  # fmt: skip
    late = speed.Run(1000, "als", status="timeout", note="stopped after 60 s")
    rows = _rows(speed.format_table([late, ok]))
    assert rows["alliance_search"][0] == "timeout: stopped after 60 s"
    assert set(rows["alliance_search"][1:]) == {"—"}
    assert rows["whoosh"][:4] == ["2.00", "1.50", "500", "1.00"]


def test_a_larger_thesaurus_keeps_nearly_the_same_concept_queries(monkeypatch) -> None:
    _, before = speed.make_queries(3, 20, 24)
    vocab = speed.load_vocabulary()
    extra = tuple(((f"concept ajouté {i}",), (), ()) for i in range(20))
    grown = speed.Vocabulary(**{**vars(vocab), "concepts": vocab.concepts + extra})
    monkeypatch.setattr(speed, "load_vocabulary", lambda: grown)
    _, after = speed.make_queries(3, 20, 24)
    assert len(set(before) & set(after)) >= 24 - 3  # 20 new names among ~1,000
    assert [q for q in after if q in before] == [q for q in before if q in after]


def test_later_rounds_count_each_querys_median() -> None:
    data = {"free_ms": [5.0, 1.0], "concept_ms": [9.0], "free_cpu_ms": [4.0, 1.0]}
    data["concept_cpu_ms"] = [8.0]
    later = [
        {"free_ms": [3.0, 2.0], "concept_ms": [30.0], "free_cpu_ms": [3.0, 2.0]},
        {"free_ms": [4.0, 9.0], "concept_ms": [10.0], "free_cpu_ms": [3.5, 8.0]},
    ]
    later[0]["concept_cpu_ms"], later[1]["concept_cpu_ms"] = [7.0], [6.0]
    speed.combine_rounds(data, later)
    assert data["free_ms"] == [4.0, 2.0] and data["concept_ms"] == [10.0]
    assert data["free_cpu_ms"] == [3.5, 2.0] and data["concept_cpu_ms"] == [7.0]
    assert data["free_ms_rounds"] == [[5.0, 1.0], [3.0, 2.0], [4.0, 9.0]]


def test_rounds_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        speed.parse_args(["--rounds", "0"])
    assert "--rounds must be at least 1" in capsys.readouterr().err
