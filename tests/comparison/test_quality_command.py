"""The quality benchmark command runs end to end on a small dataset written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks import quality

DOCS = [
    ("d1", "Démence et alliance thérapeutique", "Le patient dément et sa famille."),
    ("d2", "Patients borderline", "La relation avec les patients états-limites."),
    ("d3", "Anorexie mentale", "Les troubles des conduites alimentaires à l'adolescence."),
]
QUERIES = [("q1", "démence"), ("q2", "TPB"), ("q3", "anorexie")]
QRELS = ["q1 0 d1 2", "q2 0 d2 2", "q3 0 d3 2"]


def test_quality_command_prints_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    (tmp_path / "docs.jsonl").write_text(
        "".join(json.dumps({"id": i, "title": t, "summary": s}) + "\n" for i, t, s in DOCS),
        "utf-8",
    )
    (tmp_path / "queries.jsonl").write_text(
        "".join(json.dumps({"qid": q, "query": text}) + "\n" for q, text in QUERIES), "utf-8"
    )
    (tmp_path / "qrels.txt").write_text("\n".join(QRELS) + "\n", "utf-8")
    assert quality.main([str(tmp_path), "--systems", "als,als-noconcepts,sqlite"]) == 0
    out = capsys.readouterr().out
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| ")}
    assert rows["alliance_search"].split("|")[2].strip() == "1.000"  # TPB found via its concept
    assert float(rows["alliance_search (no concepts)"].split("|")[2]) < 1.0
