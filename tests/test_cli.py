"""The command line: default index, JSON output, exit statuses, one-line errors."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

import alliance_search as als
from alliance_search.cli import main

from .conftest import BORDERLINE, DEMENTIA, SEED_JSONL


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_first_search_builds_the_default_index(capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, "search", "etats limites", "--json")
    assert code == 0
    hits = json.loads(out)
    assert hits[0]["id"] == BORDERLINE
    assert {"id", "title", "section", "score", "rank", "snippet"} <= set(hits[0])
    assert "building the default index" in err
    assert Path(os.environ["ALLIANCE_SEARCH_INDEX"]).is_dir()
    code, out, err = run(capsys, "search", "démence", "--limit", "1", "--json")
    assert [h["id"] for h in json.loads(out)] == [DEMENTIA]
    assert err == ""


def test_default_index_of_an_older_version_is_rebuilt(capsys, tmp_path: Path) -> None:
    assert run(capsys, "search", "démence", "--json")[0] == 0
    meta_path = Path(os.environ["ALLIANCE_SEARCH_INDEX"]) / "alliance_search.json"
    meta = json.loads(meta_path.read_text("utf-8"))
    meta_path.write_text(json.dumps({**meta, "index_format": 2}), "utf-8")
    code, out, err = run(capsys, "search", "démence", "--limit", "1", "--json")
    assert code == 0 and [h["id"] for h in json.loads(out)] == [DEMENTIA]
    assert "rebuilding the default index" in err
    assert json.loads(meta_path.read_text("utf-8"))["index_format"] == meta["index_format"]


def test_index_then_search_in_text(capsys, tmp_path: Path) -> None:
    target = tmp_path / "ix"
    code, out, _ = run(capsys, "index", str(SEED_JSONL), "--index", str(target))
    assert code == 0 and "indexed 15 articles" in out
    code, out, _ = run(capsys, "search", "démence", "--index", str(target))
    assert code == 0
    assert "Alliance thérapeutique dans la démence" in out
    assert "**dément**" in out and "matched:" in out
    assert "(synonym, demence)" in " ".join(out.split())
    assert "\x1b[" not in out  # no colour when not a terminal


def test_update_show_and_stats(capsys, tmp_path: Path) -> None:
    target = tmp_path / "ix"
    run(capsys, "index", str(SEED_JSONL), "--index", str(target))
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": "n1", "title": "Anorexie mentale"}) + "\n", "utf-8")
    code, out, _ = run(capsys, "index", str(extra), "--index", str(target), "--update")
    assert code == 0 and "holds 16" in out
    code, out, _ = run(capsys, "show", "n1", "--index", str(target), "--json")
    assert json.loads(out)["title"] == "Anorexie mentale"
    code, out, _ = run(capsys, "stats", "--index", str(target), "--json")
    stats = json.loads(out)
    assert stats["articles"] == 16 and stats["sections"]["dossier"] == 11


def test_zero_hits_is_success(capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "search", "xylophone", "--json")
    assert code == 0 and json.loads(out) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "x", "--index", "/nonexistent/ix"], "no index at /nonexistent/ix"),
        (["index", "/nonexistent/corpus.jsonl"], "no such file or folder"),
        (["show", "absent-id"], "no article with id 'absent-id'"),
    ],
)
def test_user_errors_are_one_line_and_exit_1(capsys, args, message) -> None:
    code, _, err = run(capsys, *args)
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("alliance-search: error:")]
    assert len(errors) == 1 and message in errors[0] and "Traceback" not in err


def test_bad_corpus_error_names_file_line_field(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "title": "A"}\n{"id": "b", "title": 3}\n', "utf-8")
    code, _, err = run(capsys, "index", str(bad), "--index", str(tmp_path / "ix"))
    assert code == 1
    assert f"{bad}, line 2, field 'title': must be a string" in err
    assert not (tmp_path / "ix").exists()


BAD_CORPORA = {
    "malformed.jsonl": (b'{"id": "a", "title": "A"}\n{"id": "b", "title": \n', "line 2"),
    "wrong-type.jsonl": (b'{"id": "a", "title": ["Anorexie"]}\n', "line 1, field 'title'"),
    "no-id.jsonl": (b'{"title": "Anorexie mentale"}\n', "line 1, field 'id'"),
    "dupes.jsonl": (b'{"id": "a", "title": "A"}\n{"id": "a", "title": "B"}\n', "line 2"),
    "latin1.jsonl": ('{"id": "a", "title": "Démence"}\n'.encode("latin-1"), "line 1"),
    "empty.jsonl": (b"", "empty"),
    "huge.jsonl": (
        b'{"id": "a", "title": "A", "summary": "' + b"x" * 1_000_001 + b'"}\n',
        "line 1, field 'summary'",
    ),
    "headless.csv": (b"a1,Anorexie mentale\n", "line 1"),
}


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.mark.parametrize("name", sorted(BAD_CORPORA))
@pytest.mark.parametrize("update", [False, True])
def test_bad_corpus_leaves_the_index_exactly_as_it_was(
    capsys, tmp_path: Path, name: str, update: bool
) -> None:
    content, where = BAD_CORPORA[name]
    bad = tmp_path / name
    bad.write_bytes(content)
    index = tmp_path / "ix"
    assert run(capsys, "index", str(SEED_JSONL), "--index", str(index))[0] == 0
    before = snapshot(index)
    code, out, err = run(
        capsys, "index", str(bad), "--index", str(index), *(["--update"] if update else [])
    )
    assert code == 1 and out == ""
    assert err.startswith(f"alliance-search: error: {bad}") and where in err
    assert "Traceback" not in err and len(err.splitlines()) == 1
    assert snapshot(index) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "ix"])


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["search"],
        ["search", "x", "--limit", "-3"],
        ["search", "x", "--limit", "dix"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(capsys, args) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2 and "usage:" in err


def test_python_dash_m_entry_point(tmp_path: Path) -> None:
    env = {**os.environ, "ALLIANCE_SEARCH_INDEX": str(tmp_path / "ix")}
    done = subprocess.run(
        [sys.executable, "-m", "alliance_search", "search", "Charcot", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["title"] == "Charcot, un crayon à la main"


def test_parse_toc_command(capsys, tmp_path: Path) -> None:
    from .conftest import SEED_TXT

    out_file = tmp_path / "toc.jsonl"
    code, out, _ = run(
        capsys,
        "parse-toc",
        str(SEED_TXT),
        "--prefix",
        "sm-",
        "--journal",
        "Santé mentale",
        "-o",
        str(out_file),
    )
    assert code == 0 and "wrote 15 articles" in out
    assert out_file.read_text("utf-8") == SEED_JSONL.read_text("utf-8")


def test_parse_toc_of_an_empty_file_names_the_file(capsys, tmp_path: Path) -> None:
    empty = tmp_path / "sommaire.txt"
    empty.write_text("\n\n", "utf-8")
    code, _, err = run(capsys, "parse-toc", str(empty))
    assert code == 1 and f"{empty}: the table of contents is empty" in err
    missing = tmp_path / "absent.txt"
    code, _, err = run(capsys, "parse-toc", str(missing))
    assert code == 1 and f"{missing}: cannot read (No such file or directory)" in err
    # a corpus file is no table of contents: it had been «parsed» into 576-character ids
    code, out, err = run(capsys, "parse-toc", str(SEED_JSONL))
    assert code == 1 and out == "" and "is a corpus file, not a table of contents" in err
    from .conftest import SEED_TXT

    nowhere = tmp_path / "no" / "such" / "dir" / "out.jsonl"
    code, _, err = run(capsys, "parse-toc", str(SEED_TXT), "-o", str(nowhere))
    assert code == 1 and f"{nowhere}: cannot write (No such file or directory)" in err
    assert "Traceback" not in err


def test_parse_toc_says_what_a_file_that_is_not_utf8_text_is(capsys, tmp_path: Path) -> None:
    latin1 = tmp_path / "sommaire.txt"
    latin1.write_bytes("Le dossier\nLe soin\nUn texte sur le soin été.\n".encode("latin-1"))
    code, out, err = run(capsys, "parse-toc", str(latin1))
    assert code == 1 and out == ""
    assert f"{latin1}, line 3: not UTF-8 text (byte 0xe9); save the file as UTF-8" in err
    word = tmp_path / "sommaire.docx.txt"
    word.write_bytes(b"PK\x03\x04" + bytes(100))
    code, _, err = run(capsys, "parse-toc", str(word))
    assert code == 1 and "is a Word or OpenDocument file, not text" in err
    # -o on the table of contents itself would overwrite it
    toc = tmp_path / "toc.txt"
    toc.write_text("Le dossier\nLe soin\nUn texte.\n", "utf-8")
    code, _, err = run(capsys, "parse-toc", str(toc), "-o", str(toc))
    assert code == 1 and "would overwrite the table of contents" in err
    assert toc.read_text("utf-8") == "Le dossier\nLe soin\nUn texte.\n"
    assert "Traceback" not in err


def test_parse_toc_of_a_saved_web_page_or_pdf_says_what_to_do(capsys, tmp_path: Path) -> None:
    page = tmp_path / "sommaire.txt"
    page.write_text(
        '<div class="toc"><p><a href="/a/1">Soigner en prison</a></p>\n'
        "<p>Les soins en unité sanitaire.</p></div>\n",
        "utf-8",
    )
    code, out, err = run(capsys, "parse-toc", str(page))
    assert code == 1 and out == ""
    assert err.startswith(f"alliance-search: error: {page}: this is the HTML source of a web")
    assert "save it as text" in err and err.count("\n") == 1
    pdf = tmp_path / "numero.txt"
    pdf.write_text("Sommaire\n12 0 obj\n<< /Filter /FlateDecode >>\nstream\n", "utf-8")
    code, out, err = run(capsys, "parse-toc", str(pdf))
    assert code == 1 and out == "" and "Traceback" not in err
    assert f"{pdf}: this is the inside of a PDF file" in err and "PDF viewer" in err


def test_concepts_command(capsys) -> None:
    code, out, _ = run(capsys, "concepts", "TPB")
    assert code == 0 and out.startswith("état limite [etat-limite]") and "borderline" in out
    code, out, _ = run(capsys, "concepts")
    assert code == 0 and out.strip().endswith("concepts")
    assert int(out.strip().split()[-2]) >= 200
    _, out, _ = run(capsys, "concepts", "démence", "--json")
    assert json.loads(out)[0]["id"] == "demence"
    code, _, err = run(capsys, "concepts", "zzzz")
    assert code == 1 and "no concept matches 'zzzz'" in err and "did you mean" not in err
    # a misspelt name is offered the concepts it may mean, as search corrects it
    for typed, meant in [("schizofrénie", "schizophrénie"), ("borderlinne", "état limite")]:
        code, _, err = run(capsys, "concepts", typed)
        assert code == 1 and f"did you mean: {meant}" in err, err


def test_search_with_concepts_suggestion_and_explanations(capsys) -> None:
    code, out, _ = run(capsys, "search", "TPB", "--json")
    assert code == 0
    hit = json.loads(out)[0]
    assert hit["id"] == BORDERLINE
    assert {"route": "synonym", "concept": "etat-limite"}.items() <= hit["explanation"][0].items()
    _, out, _ = run(capsys, "search", "borderlin", "--no-correct")
    assert "Did you mean: borderline?" in out
    _, out, _ = run(capsys, "search", "des patients borderlin ?", "--no-correct")
    assert "Did you mean: des patients borderline?\n" in out  # one question mark
    _, out, _ = run(capsys, "search", "maladie d'Alsheimer")
    assert "Showing results for: maladie d'Alzheimer" in out and "Did you mean" not in out
    assert "1. Alliance thérapeutique dans la démence" in out
    _, out, err = run(capsys, "search", "maladie d'Alsheimer", "--json")
    assert [h["id"] for h in json.loads(out)] == [DEMENTIA]
    assert "Showing results for: maladie d'Alzheimer" in err
    _, out, _ = run(capsys, "search", "maladie d'Alsheimer", "--no-correct", "--json")
    assert json.loads(out) == []
    _, out, _ = run(capsys, "search", "TPB", "--no-expand", "--json")
    assert json.loads(out) == []
    _, out, _ = run(capsys, "search", "patients", "--concept", "état limite", "--json")
    assert [h["id"] for h in json.loads(out)] == [BORDERLINE]


def test_search_with_operators(capsys) -> None:
    code, out, _ = run(capsys, "search", "lien thérapeutique -borderline", "--limit", "20")
    assert code == 0
    assert "note: excluded: «borderline»" in out and "Etats limites" not in out
    # a query that starts with a dash, after --
    code, out, _ = run(capsys, "search", "--json", "--", "-démence alliance")
    assert code == 0 and DEMENTIA not in {h["id"] for h in json.loads(out)}
    _, out, _ = run(capsys, "search", "alliance ET démence", "--json")
    assert [h["id"] for h in json.loads(out)] == [DEMENTIA]


def test_json_output_keeps_what_the_search_says_on_stderr(capsys) -> None:
    code, out, err = run(capsys, "search", "maladie de Parkinson", "--json")
    assert code == 0 and json.loads(out) == []
    assert "nearby concepts with articles: trouble neurocognitif (1)" in err
    code, out, err = run(capsys, "search", "contre-transfert", "--json")
    assert code == 0 and DEMENTIA in {h["id"] for h in json.loads(out)}
    assert "broader concept «relation thérapeutique»" in err
    assert "nearby concepts with articles: alliance thérapeutique (" in err
    code, out, err = run(capsys, "search", "lien thérapeutique -borderline", "--json")
    assert BORDERLINE not in {h["id"] for h in json.loads(out)}
    assert "note: excluded: «borderline»" in err


def test_related_share_option(capsys, monkeypatch: pytest.MonkeyPatch, seed_index) -> None:
    seen = []
    search = als.Index.search

    def spy(self, query, **options):
        seen.append(options["related_share"])
        return search(self, query, **options)

    monkeypatch.setattr(als.Index, "search", spy)
    run(capsys, "search", "démence", "--related-share", "1")
    run(capsys, "search", "démence")
    assert seen == [1.0, 0.6]
    code, _, err = run(capsys, "search", "démence", "--related-share", "1.5")
    assert code == 2 and "--related-share: must be from 0 to 1, got 1.5" in err
    with pytest.raises(als.AllianceSearchError, match="related_share must be from 0 to 1"):
        search(seed_index, "démence", related_share=-0.1)
    with pytest.raises(als.AllianceSearchError, match="related_share must be from 0 to 1"):
        search(seed_index, "démence", related_share="0.5")


def test_search_as_ris(capsys) -> None:
    code, out, _ = run(capsys, "search", "TPB", "--limit", "1", "--ris")
    assert code == 0
    assert out.splitlines()[:2] == ["TY  - JOUR", "TI  - Etats limites et lien thérapeutique"]
    assert out.endswith("ER  - \n") and out.count("TY  - ") == 1
    code, _, err = run(capsys, "search", "TPB", "--ris", "--json")
    assert code == 2 and "not allowed with" in err


def test_similar_command(capsys) -> None:
    code, out, _ = run(capsys, "similar", DEMENTIA, "--limit", "2", "--json")
    ids = [h["id"] for h in json.loads(out)]
    assert code == 0 and len(ids) == 2 and DEMENTIA not in ids


def test_output_cut_short_by_a_closed_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader went away, as with `| head`
    broken = os.fdopen(write_end, "w")
    monkeypatch.setattr(sys, "stdout", broken)
    try:
        assert main(["search", "alliance", "--json"]) == 0
    finally:
        monkeypatch.undo()
        broken.close()


@pytest.mark.parametrize(
    "command",
    ["index", "search", "similar", "concepts", "show", "stats", "optimize", "check", "parse-toc"],
)
def test_every_command_help_has_examples(capsys, command: str) -> None:
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert f"alliance-search {command}" in out.split("example", 1)[1]


def test_bad_record_deep_in_a_large_file_leaves_the_index_exactly_as_it_was(
    capsys, tmp_path: Path
) -> None:
    """Large files are streamed by two processes; a late error still commits nothing."""
    lines = [
        json.dumps({"id": f"a{i}", "title": f"Démence et alliance, cas {i}"}) for i in range(1500)
    ]
    lines[1399] = '{"id": "a1399", "title": 1399}'
    big = tmp_path / "gros.jsonl"
    big.write_text("\n".join(lines) + "\n", "utf-8")
    index = tmp_path / "ix"
    assert run(capsys, "index", str(SEED_JSONL), "--index", str(index))[0] == 0
    before = snapshot(index)
    code, _, err = run(capsys, "index", str(big), "--index", str(index), "--update", "--quiet")
    assert code == 1 and f"{big}, line 1400, field 'title'" in err
    assert snapshot(index) == before
    assert multiprocessing.active_children() == []


def test_commit_every_keeps_the_committed_batches_and_says_so(capsys, tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"a{i}", "title": f"Démence et famille, cas {i}"}) for i in range(9)]
    lines[4] = '{"id": "a4", "title": 4}'
    big = tmp_path / "lot.jsonl"
    big.write_text("\n".join(lines) + "\n", "utf-8")
    index = tmp_path / "ix"
    assert run(capsys, "index", str(SEED_JSONL), "--index", str(index))[0] == 0
    code, out, err = run(
        capsys, "index", str(big), "--index", str(index), "--update", "--commit-every", "2"
    )
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"alliance-search: error: {big}, line 5, field 'title': must be a string, got int 4",
        "alliance-search: the 4 articles before this batch of 2 were committed; running the "
        "same update again replaces them",
    ]
    assert len(als.open_index(index)) == 15 + 4
    code, _, err = run(capsys, "index", str(big), "--index", str(index), "--commit-every", "2")
    assert code == 1 and "--commit-every needs --update" in err
    code, _, err = run(
        capsys, "index", str(big), "--index", str(index), "--update", "--commit-every", "0"
    )
    assert code == 2 and "must be 1 or more, got 0" in err


def test_optimize_merges_segments(capsys, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": "x1", "title": "Démence et famille"}) + "\n", "utf-8")
    run(capsys, "index", str(SEED_JSONL), "--index", str(index))
    run(capsys, "index", str(extra), "--index", str(index), "--update")
    code, out, _ = run(capsys, "optimize", "--index", str(index))
    assert code == 0 and "merged 2 segment(s)" in out
    code, out, _ = run(capsys, "search", "démence", "--index", str(index), "--json")
    assert {"x1", DEMENTIA} <= {hit["id"] for hit in json.loads(out)}


def test_the_readme_shows_what_its_first_command_prints(capsys, tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    block = readme.split("The first prints ranked articles", 1)[1].split("```")[1]
    shown = [line for line in block.strip("\n").splitlines() if line.strip() != "..."]
    target = tmp_path / "index"
    assert run(capsys, "index", str(SEED_JSONL.parent), "--index", str(target))[0] == 0
    code, out, _ = run(capsys, "search", "états limites", "--index", str(target))
    assert code == 0 and out.splitlines()[: len(shown)] == shown


def test_year_spans_on_the_command_line(capsys, tmp_path) -> None:
    """``--year 2014-2016`` had been refused (*invalid int value*), though the library
    takes a pair of years."""
    corpus = tmp_path / "dated.jsonl"
    records = [
        {"id": f"a{year}", "title": f"L'alliance thérapeutique en {year}", "year": year}
        for year in (2009, 2014, 2016, 2020)
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in records), "utf-8")
    index = str(tmp_path / "ix")
    assert run(capsys, "index", str(corpus), "--index", index)[0] == 0
    for span, ids in [
        ("2014", {"a2014"}),
        ("2014-2016", {"a2014", "a2016"}),
        ("2016–2014", {"a2014", "a2016"}),
        ("2016-", {"a2016", "a2020"}),
        ("-2014", {"a2009", "a2014"}),
    ]:
        code, out, _ = run(capsys, "search", "alliance", "--index", index, "--json", "--year", span)
        assert code == 0 and {h["id"] for h in json.loads(out)} == ids, span
    code, _, err = run(capsys, "search", "alliance", "--index", index, "--year", "2014-16")
    assert code == 2 and "years such as 2014-2016" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "-démence"], 'goes after --: alliance-search search -- "-démence alliance"'),
        (["search", "démence", "--related-weight", "-1"], "must be 0 or more, got -1"),
        (["search", "démence", "--related-weight", "beaucoup"], "expected a number ≥ 0"),
    ],
)
def test_usage_errors_say_what_to_type(capsys, args, message) -> None:
    """A query starting with a dash had got only *the following arguments are
    required: query*; a negative weight exited with status 1, naming the Python
    parameter, where other bad options are usage errors (status 2)."""
    code, _, err = run(capsys, *args)
    assert code == 2 and message in err and "Traceback" not in err


def test_verbose_may_follow_the_command(capsys) -> None:
    code, out, _ = run(capsys, "search", "démence", "-v", "--json")
    assert code == 0 and DEMENTIA in {h["id"] for h in json.loads(out)}
    assert main(["search", "démence", "--json"]) == 0  # without it, as before


def test_search_by_author_from_the_terminal(capsys, tmp_path: Path) -> None:
    records = [
        {
            "id": "prison",
            "title": "Soigner en prison",
            "summary": "La contrainte et l'alliance en milieu carcéral.",
            "authors": ["Marie-Hélène Durand", "Paul Petit"],
            "year": 2019,
        },
        {
            "id": "mere",
            "title": "La mère adolescente",
            "summary": "Une mère adolescente face à la maternité.",
            "authors": ["Jean Durand"],
            "year": 2021,
        },
    ]
    corpus = tmp_path / "sommaire.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    ix = str(tmp_path / "ix")
    assert run(capsys, "index", str(corpus), "--index", ix)[0] == 0
    code, out, _ = run(capsys, "search", "", "--author", "durand", "--index", ix)
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == [
        "2 of 2 articles",
        "note: the articles within the filters (author «durand»), the most recent first",
    ]
    assert "    Marie-Hélène Durand, Paul Petit" in lines  # each hit's authors
    assert out.index("La mère adolescente") < out.index("Soigner en prison")
    assert "score" not in out  # a listing ranks nothing
    code, out, _ = run(capsys, "search", "maternité", "--author", "Petit", "--index", ix)
    assert "0 of 0 articles" in out
