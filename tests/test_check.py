"""Index health: check against the corpus, damaged files, rebuild, the `check` command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import alliance_search as als
from alliance_search.cli import main
from alliance_search.index import INDEX_FORMAT, META_FILE

from .conftest import BORDERLINE, DEMENTIA, SEED_JSONL


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return Path(shutil.copy(SEED_JSONL, tmp_path / "numero.jsonl"))


def test_a_built_index_matches_the_corpus_it_records(tmp_path: Path, corpus: Path) -> None:
    als.build_index(corpus, tmp_path / "ix")
    report = als.check_index(tmp_path / "ix")
    assert report.ok, report.problems
    assert (report.articles, report.segments) == (15, 1)
    assert report.corpus == [str(corpus.resolve())]
    assert not report.locked and report.leftovers == []
    assert "OK" in str(report) and "15 in 1 segment" in str(report)


def test_differences_with_the_corpus_are_listed(tmp_path: Path, corpus: Path) -> None:
    index = als.build_index(corpus, tmp_path / "ix")
    index.delete([DEMENTIA])
    changed = index.get(BORDERLINE)
    index.update([als.Article(id=BORDERLINE, title=changed.title, summary="Résumé corrigé")])
    index.update([als.Article(id="hors-corpus", title="Article ajouté à la main")])
    report = als.check_index(tmp_path / "ix")
    assert not report.ok
    assert (report.missing, report.unexpected, report.changed) == (
        [DEMENTIA],
        ["hors-corpus"],
        [BORDERLINE],
    )
    assert "1 corpus article(s) missing from the index" in report.problems


def test_updates_from_files_are_recorded_and_applied_in_order(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fix = tmp_path / "correctif.jsonl"
    fix.write_text(
        json.dumps({"id": DEMENTIA, "title": "Démence : titre corrigé"}, ensure_ascii=False) + "\n",
        "utf-8",
    )
    assert main(["index", str(corpus), "--index", str(tmp_path / "ix")]) == 0
    assert main(["index", str(fix), "--index", str(tmp_path / "ix"), "--update"]) == 0
    report = als.check_index(tmp_path / "ix")
    assert report.ok, report.problems
    assert report.corpus == [str(corpus.resolve()), str(fix.resolve())]
    # Against the first file alone, the corrected article differs.
    assert als.check_index(tmp_path / "ix", [corpus]).changed == [DEMENTIA]


def test_damaged_files_are_reported_and_rebuilt(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    als.build_index(corpus, tmp_path / "ix")
    for segment in (tmp_path / "ix").glob("MAIN_*.seg"):
        segment.write_bytes(b"\0" * 100)
    code = main(["check", "--index", str(tmp_path / "ix")])
    out, err = capsys.readouterr()
    assert code == 1
    assert "PROBLEMS FOUND" in out and "cannot be read" in out and err == ""

    assert main(["check", "--index", str(tmp_path / "ix"), "--rebuild"]) == 0
    out, _ = capsys.readouterr()
    assert "rebuilt" in out and "OK" in out
    assert als.open_index(tmp_path / "ix").search("démence")[0].id == DEMENTIA


def test_check_reports_missing_and_old_indexes(tmp_path: Path, seed_articles) -> None:
    assert "no index at" in als.check_index(tmp_path / "absent").problems[0]
    als.build_index(seed_articles, tmp_path / "ix")
    meta = json.loads((tmp_path / "ix" / META_FILE).read_text("utf-8"))
    (tmp_path / "ix" / META_FILE).write_text(json.dumps({**meta, "index_format": 1}), "utf-8")
    report = als.check_index(tmp_path / "ix")
    assert not report.ok and "Rebuild it" in report.problems[0]


def test_an_older_index_is_rebuilt_from_the_corpus_it_records(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    als.build_index(corpus, tmp_path / "ix")
    meta = json.loads((tmp_path / "ix" / META_FILE).read_text("utf-8"))
    (tmp_path / "ix" / META_FILE).write_text(json.dumps({**meta, "index_format": 2}), "utf-8")
    with pytest.raises(als.IndexVersionError, match=r"check --index .* --rebuild"):
        als.open_index(tmp_path / "ix")
    assert main(["check", "--index", str(tmp_path / "ix"), "--rebuild"]) == 0
    index = als.open_index(tmp_path / "ix")
    assert len(index) == 15 and index.meta["index_format"] == INDEX_FORMAT
    assert index.search("démence")[0].id == "sm-alliance-therapeutique-dans-la-demence"


def test_rebuild_needs_a_corpus(
    tmp_path: Path, seed_articles, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    als.build_index(seed_articles, tmp_path / "ix")  # from articles: no file recorded
    assert main(["check", "--index", str(tmp_path / "ix"), "--rebuild"]) == 1
    assert "say which files to rebuild it from with --corpus" in capsys.readouterr().err
    code = main(["check", "--index", str(tmp_path / "ix"), "--rebuild", "--corpus", str(corpus)])
    assert code == 0
    assert als.check_index(tmp_path / "ix").corpus == [str(corpus.resolve())]


def test_check_json(tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    als.build_index(corpus, tmp_path / "ix")
    capsys.readouterr()
    assert main(["check", "--index", str(tmp_path / "ix"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (
        report["ok"] is True and report["articles"] == 15 and report["index_format"] == INDEX_FORMAT
    )
    assert main(["check", "--index", str(tmp_path / "ix"), "--unlock"]) == 0
    assert "was not locked" in capsys.readouterr().out


_LUDO = """
[concepts.ludotherapie]
label = "ludothérapie"
category = "traitement"
synonyms = ["thérapie par le jeu", "play therapy", "jeu scénique"]
"""


def test_an_index_tagged_with_a_user_thesaurus_opens_with_it_and_rebuilds_with_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An index built with one's own thesaurus file had opened with the bundled one
    only (so from the terminal its concepts were lost), and a rebuild dropped them."""
    thesaurus_file = tmp_path / "mes-concepts.toml"
    thesaurus_file.write_text(_LUDO, "utf-8")
    path = tmp_path / "ix"
    thesaurus = als.load_thesaurus(thesaurus_file)
    als.build_index(SEED_JSONL, path, thesaurus=thesaurus)
    meta = json.loads((path / META_FILE).read_text("utf-8"))
    assert meta["thesaurus_files"] == [str(thesaurus_file.resolve())]
    reopened = als.open_index(path)  # no thesaurus given: the one it records
    assert "ludotherapie" in reopened.thesaurus.concepts
    assert reopened.search("ludothérapie").ids == ["sm-que-le-spectacle-commence"]
    assert check_ok(path)
    # the file changes: check says the tags are out of date, and a rebuild takes it in
    thesaurus_file.write_text(_LUDO.replace(', "jeu scénique"', ""), "utf-8")
    report = als.check_index(path)
    assert not report.ok and "tagged with another thesaurus" in report.problems[0]
    rebuilt = als.rebuild_index(path)
    assert "ludotherapie" in rebuilt.thesaurus.concepts and check_ok(path)
    # a file that can no longer be loaded: said, searched with the bundled one, and
    # a rebuild refuses rather than drop the user's concepts
    thesaurus_file.write_text(_LUDO.replace('category = "traitement"', 'category = "jeu"'))
    with caplog.at_level("WARNING", logger="alliance_search"):
        fallback = als.open_index(path)
    assert "ludotherapie" not in fallback.thesaurus.concepts
    assert "cannot be loaded now" in caplog.text and "another thesaurus" not in caplog.text
    assert "cannot be loaded" in als.check_index(path).problems[0]
    with pytest.raises(als.ThesaurusError, match=r"ludotherapie.*category"):
        als.rebuild_index(path)
    assert json.loads((path / META_FILE).read_text("utf-8"))["thesaurus_files"]


def check_ok(path: Path) -> bool:
    return als.check_index(path).ok


def test_the_index_command_takes_a_thesaurus_file(tmp_path: Path, capsys) -> None:
    thesaurus_file = tmp_path / "mes-concepts.toml"
    thesaurus_file.write_text(_LUDO, "utf-8")
    index = str(tmp_path / "ix")
    args = ["index", str(SEED_JSONL), "--index", index, "--thesaurus", str(thesaurus_file)]
    assert main(args) == 0
    assert main(["search", "thérapie par le jeu", "--index", index, "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("[") :])[0]["id"] == "sm-que-le-spectacle-commence"


def test_a_rebuild_refuses_to_drop_articles_its_recorded_files_lack(
    tmp_path: Path, seed_articles: list[als.Article]
) -> None:
    """Built from articles given in Python, then updated from a file, an index records
    only that file: the rebuild had silently kept its articles and dropped the 15
    others."""
    extra = tmp_path / "numero-141.jsonl"
    extra.write_text(
        json.dumps({"id": "n141-deuil", "title": "Le deuil périnatal", "summary": "Un deuil."}),
        "utf-8",
    )
    path = tmp_path / "ix"
    als.build_index(seed_articles, path).add_files(extra)
    with pytest.raises(als.AllianceSearchError, match=r"15 article\(s\) of .*numero-141"):
        als.rebuild_index(path)
    assert len(als.open_index(path)) == 16  # left as it was
    # named explicitly, the files are what the user asks for
    assert len(als.rebuild_index(path, [SEED_JSONL, extra])) == 16
    assert len(als.rebuild_index(path)) == 16  # both files are now recorded
