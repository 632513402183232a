"""The plurals command counts the words whose plural the analyzer keeps apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks import plurals


def test_plurals_command_counts_pairs_and_lists_those_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [
        {
            "id": "a",
            "title": "Les déficits cognitifs des usagers",
            "summary": "Un déficit, un usager.",
        },
        {"id": "b", "title": "La foi, une fois de plus", "summary": "Un milieu, des milieux."},
    ]
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    assert plurals.main([str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "4 pairs of a word and the same word plus s or x; 1 share no term"
    assert lines[1:] == ["  foi / fois"]
    assert plurals.plural_pairs({"récit", "récits", "pari", "paris"}) == (2, [("pari", "paris")])
