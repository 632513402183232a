"""The quality benchmark command runs end to end on a small dataset written here."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from benchmarks import quality

from alliance_search.spelling import edit_distance

DOCS = [
    ("d1", "Démence et alliance thérapeutique", "Le patient dément et sa famille."),
    ("d2", "Patients borderline", "La relation avec les patients états-limites."),
    ("d3", "Anorexie mentale", "Les troubles des conduites alimentaires à l'adolescence."),
]
QUERIES = [("q1", "démence"), ("q2", "TPB"), ("q3", "anorexie")]
QRELS = ["q1 0 d1 2", "q2 0 d2 2", "q3 0 d3 2"]


def write_dataset(directory: Path, queries: list[tuple[str, str]], qrels: list[str]) -> None:
    (directory / "docs.jsonl").write_text(
        "".join(json.dumps({"id": i, "title": t, "summary": s}) + "\n" for i, t, s in DOCS),
        "utf-8",
    )
    (directory / "queries.jsonl").write_text(
        "".join(json.dumps({"qid": q, "query": text}) + "\n" for q, text in queries), "utf-8"
    )
    (directory / "qrels.txt").write_text("\n".join(qrels) + "\n", "utf-8")


def test_quality_command_prints_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    write_dataset(tmp_path, QUERIES, QRELS)
    assert quality.main([str(tmp_path), "--systems", "als,als-noconcepts,sqlite"]) == 0
    out = capsys.readouterr().out
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| ")}
    assert rows["alliance_search"].split("|")[2].strip() == "1.000"  # TPB found via its concept
    assert float(rows["alliance_search (no concepts)"].split("|")[2]) < 1.0


def test_quality_command_reads_numbers_as_ids_and_a_byte_order_mark(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # As spreadsheet and Windows tools write them: a BOM, CRLF, numeric ids, a null summary.
    docs = [
        {"id": 1, "title": "Démence et alliance thérapeutique", "summary": None},
        {"id": 2, "title": "Patients borderline", "summary": "Les patients états-limites."},
    ]
    (tmp_path / "docs.jsonl").write_bytes(
        b"\xef\xbb\xbf" + "".join(json.dumps(d) + "\r\n" for d in docs).encode()
    )
    (tmp_path / "queries.jsonl").write_bytes(
        b"\xef\xbb\xbf" + json.dumps({"qid": 7, "query": "TPB"}).encode() + b"\r\n"
    )
    (tmp_path / "qrels.txt").write_bytes(b"\xef\xbb\xbf7 0 2 2\r\n")
    assert quality.main([str(tmp_path), "--systems", "als"]) == 0
    out = capsys.readouterr().out
    assert "2 documents, 1 queries, 1 with relevant documents" in out
    assert "| alliance_search | 1.000 |" in out


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "d9", "title": 12}', "docs.jsonl:4: 'title' must be a string or null"),
        ('{"title": "Sans identifiant"}', "docs.jsonl:4: 'id' must be a non-empty string"),
        ('{"id": "d9", "title": "Coupé', "docs.jsonl:4: invalid JSON"),
    ],
)
def test_quality_command_names_the_line_of_an_unreadable_dataset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, message: str
) -> None:
    write_dataset(tmp_path, QUERIES, QRELS)
    with (tmp_path / "docs.jsonl").open("a", encoding="utf-8") as out:
        out.write(line + "\n")
    assert quality.main([str(tmp_path), "--systems", "als"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err


def test_quality_command_keeps_the_first_of_repeated_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_dataset(tmp_path, QUERIES, QRELS)
    with (tmp_path / "docs.jsonl").open("a", encoding="utf-8") as out:
        out.write('{"id": "d1", "title": "Schizophrénie", "summary": "Encore d1."}\n')
    assert quality.main([str(tmp_path), "--systems", "als,sqlite"]) == 0
    out = capsys.readouterr().out
    assert "docs.jsonl: 1 repeated ids skipped (lines 4)" in out
    assert "3 documents, 3 queries" in out
    assert "| alliance_search | 1.000 |" in out


@pytest.mark.parametrize("seed", range(40))
def test_misspell_makes_one_typing_error_in_one_word(seed: int) -> None:
    query = "alliance thérapeutique et maladie d'Alzheimer"
    typed = quality.misspell(query, random.Random(seed))
    before, after = query.split(), typed.split()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1
    word, misspelt = changed[0]
    assert misspelt[0] == word[0] and edit_distance(word, misspelt) == 1


@pytest.mark.parametrize("seed", range(20))
def test_misspell_can_put_the_error_in_the_first_letter(seed: int) -> None:
    query = "alliance thérapeutique et maladie d'Alzheimer"
    typed = quality.misspell(query, random.Random(seed), first_letter=True)
    words = re.compile(r"[^\W\d_]+")
    pairs = zip(words.findall(query), words.findall(typed), strict=True)
    changed = [(a, b) for a, b in pairs if a != b]
    assert len(changed) == 1
    word, misspelt = changed[0]
    assert misspelt[0] != word[0] and edit_distance(word, misspelt) == 1


def test_misspell_keeps_queries_without_long_words() -> None:
    assert quality.misspell("TCC et TPB", random.Random(0)) == "TCC et TPB"


def test_quality_command_with_typos(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_dataset(tmp_path, [("q1", "démence"), ("q3", "anorexie")], QRELS[::2])
    systems = "als,als-nocorrect,sqlite"
    assert quality.main([str(tmp_path), "--systems", systems, "--typos", "1"]) == 0
    out = capsys.readouterr().out
    assert "> one typing error in 2 of 2 queries (seed 1)" in out
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| ")}
    assert rows["alliance_search"].split("|")[2].strip() == "1.000"  # searched corrected
    assert rows["alliance_search (no correction)"].split("|")[2].strip() == "0.000"
    assert rows["sqlite"].split("|")[2].strip() == "0.000"


def test_quality_command_with_first_letter_typos(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_dataset(tmp_path, [("q1", "démence"), ("q3", "anorexie")], QRELS[::2])
    argv = [str(tmp_path), "--systems", "als,sqlite", "--typos", "2", "--first-letter"]
    assert quality.main(argv) == 0
    out = capsys.readouterr().out
    assert "> one typing error (first letter) in 2 of 2 queries (seed 2)" in out
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| ")}
    assert rows["alliance_search"].split("|")[2].strip() == "1.000"  # searched corrected
    assert rows["sqlite"].split("|")[2].strip() == "0.000"


def test_quality_command_with_a_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_dataset(tmp_path, QUERIES, QRELS)
    template = "quels articles parlent de {} ?"
    assert quality.main([str(tmp_path), "--systems", "als", "--template", template]) == 0
    out = capsys.readouterr().out
    assert "> every query searched as «quels articles parlent de {} ?»" in out
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| ")}
    assert rows["alliance_search"].split("|")[2].strip() == "1.000"
    with pytest.raises(SystemExit):
        quality.main([str(tmp_path), "--template", "articles sur"])
    assert "--template must contain {}" in capsys.readouterr().err
