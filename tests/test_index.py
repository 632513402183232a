"""The Whoosh index: build, open, update by id, delete, version checks, atomic rebuild."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import whoosh.index

import alliance_search as als
from alliance_search.index import META_FILE

from .conftest import BORDERLINE, DEMENTIA, ROOT, SEED_JSONL


def test_build_and_reopen(tmp_path: Path, seed_articles) -> None:
    index = als.build_index(seed_articles, tmp_path / "ix")
    assert len(index) == 15
    index.close()
    reopened = als.open_index(tmp_path / "ix")
    assert len(reopened) == 15
    assert reopened.get(DEMENTIA).title == "Alliance thérapeutique dans la démence"
    assert DEMENTIA in reopened and "absent" not in reopened
    assert sorted(a.id for a in reopened.articles()) == sorted(a.id for a in seed_articles)


def test_build_from_a_corpus_path(tmp_path: Path) -> None:
    assert len(als.build_index(SEED_JSONL, tmp_path / "ix")) == 15


def test_stored_fields_round_trip(tmp_path: Path) -> None:
    article = als.Article(
        id="x1",
        title="Soins sans consentement",
        summary="Résumé.",
        section="dossier",
        journal="Santé mentale",
        issue="140",
        year=2009,
        authors=("Jeanne Martin", "Paul Durand"),
        keywords=("contrainte",),
        url="https://exemple.org/x1",
    )
    index = als.build_index([article], tmp_path / "ix")
    assert index.get("x1") == article


def test_update_replaces_and_never_duplicates(tmp_path: Path, seed_articles) -> None:
    index = als.build_index(seed_articles, tmp_path / "ix")
    changed = als.Article(id=DEMENTIA, title="Démence et alliance (version corrigée)")
    new = als.Article(id="nouveau", title="Anorexie mentale chez l’adolescente")
    index.update([changed, new])
    index.update([changed])
    assert len(index) == 16
    assert index.get(DEMENTIA).title == "Démence et alliance (version corrigée)"
    assert [h.id for h in index.search("anorexie", expand=False)] == ["nouveau"]
    assert index.search("corrigée")[0].id == DEMENTIA


def test_delete_by_id(tmp_path: Path, seed_articles) -> None:
    index = als.build_index(seed_articles, tmp_path / "ix")
    assert index.delete([DEMENTIA, "absent"]) == 1
    assert len(index) == 14
    assert DEMENTIA not in [h.id for h in index.search("démence")]


def test_failed_update_leaves_the_index_unchanged(tmp_path: Path, seed_articles) -> None:
    index = als.build_index(seed_articles, tmp_path / "ix")

    def records():
        yield als.Article(id="a", title="Premier article ajouté")
        raise RuntimeError("source interrompue")

    with pytest.raises(RuntimeError):
        index.update(records())
    assert len(index) == 15
    assert "a" not in index


def test_commit_every_keeps_the_batches_written_before_a_bad_record(
    tmp_path: Path, seed_articles
) -> None:
    index = als.build_index(seed_articles[:2], tmp_path / "ix")
    generation = index.searcher().reader().generation()
    lines = [json.dumps({"id": f"n{i}", "title": f"Démence et famille, cas {i}"}) for i in range(9)]
    lines[7] = json.dumps({"id": "n7", "title": ["pas", "un", "titre"]})
    corpus = tmp_path / "nouveaux.jsonl"
    corpus.write_text("\n".join(lines) + "\n", "utf-8")

    with pytest.raises(als.CorpusError, match="line 8, field 'title'") as failure:
        index.add_files(corpus, commit_every=3)
    # Two batches of three committed; n6 is lost with the batch the bad record is in.
    assert failure.value.__notes__ == [
        "the 6 articles before this batch of 3 were committed; running the same update "
        "again replaces them"
    ]
    assert index.searcher().reader().generation() == generation + 2
    assert len(index) == 8 and "n5" in index and "n6" not in index
    assert {h.id for h in index.search("famille", limit=None, expand=False)} == {
        f"n{i}" for i in range(6)
    }


def test_commit_every_commits_each_batch(tmp_path: Path, seed_articles) -> None:
    index = als.build_index(seed_articles[:2], tmp_path / "ix")
    generation = index.searcher().reader().generation()
    assert index.update(seed_articles, commit_every=4) == 15
    assert index.searcher().reader().generation() == generation + 4  # 4 + 4 + 4 + 3
    assert len(index) == 15
    assert index.search("TPB")[0].id == BORDERLINE


@pytest.mark.parametrize("value", [0, -1, 2.5, True])
def test_commit_every_must_be_a_positive_whole_number(
    tmp_path: Path, seed_articles, value: object
) -> None:
    index = als.build_index(seed_articles[:2], tmp_path / "ix")
    with pytest.raises(als.AllianceSearchError, match="commit_every must be a whole number"):
        index.update(seed_articles[2:4], commit_every=value)  # type: ignore[arg-type]
    assert len(index) == 2


def test_failed_rebuild_keeps_the_previous_index(tmp_path: Path, seed_articles) -> None:
    als.build_index(seed_articles, tmp_path / "ix")

    def records():
        yield als.Article(id="a", title="Premier")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        als.build_index(records(), tmp_path / "ix")
    assert len(als.open_index(tmp_path / "ix")) == 15
    assert [p.name for p in tmp_path.iterdir()] == ["ix"]  # no staging folder left behind


def test_build_replaces_an_existing_index(tmp_path: Path, seed_articles) -> None:
    als.build_index(seed_articles, tmp_path / "ix")
    index = als.build_index(seed_articles[:3], tmp_path / "ix")
    assert len(index) == 3


def test_build_refuses_a_folder_that_is_not_an_index(tmp_path: Path, seed_articles) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thèse.pdf").write_text("important")
    with pytest.raises(als.AllianceSearchError, match="not an alliance_search index"):
        als.build_index(seed_articles, folder)
    assert (folder / "thèse.pdf").read_text() == "important"


def test_missing_index_directory(tmp_path: Path) -> None:
    with pytest.raises(als.IndexNotFoundError, match=r"no index at .*absent.*alliance-search"):
        als.open_index(tmp_path / "absent")


def test_folder_without_metadata_is_not_opened(tmp_path: Path) -> None:
    with pytest.raises(als.IndexNotFoundError, match="not an alliance_search index") as empty:
        als.open_index(tmp_path)
    assert f"--index {tmp_path}`" in str(empty.value)  # an empty folder: build it there


def test_what_to_do_instead_of_a_folder_that_cannot_hold_an_index(
    tmp_path: Path, seed_articles: list[als.Article]
) -> None:
    """The advice had been to build the index where building then failed: in a
    folder of other files, or at a file's path."""
    (tmp_path / "thèses").mkdir()
    (tmp_path / "thèses" / "thèse.pdf").write_text("important")
    (tmp_path / "notes.txt").write_text("notes")
    for path, said in [
        (tmp_path / "thèses", "in an empty or new folder"),
        (tmp_path / "notes.txt", "it is a file; an index is a folder"),
    ]:
        with pytest.raises(als.IndexNotFoundError) as error:
            als.open_index(path)
        assert said in str(error.value)
        assert f"--index {path}`" not in str(error.value)
        with pytest.raises(als.AllianceSearchError):  # as the advice says
            als.build_index(seed_articles, path)


def test_incompatible_version_asks_for_a_rebuild(tmp_path: Path, seed_articles) -> None:
    als.build_index(seed_articles, tmp_path / "ix")
    meta_path = tmp_path / "ix" / META_FILE
    meta = json.loads(meta_path.read_text())
    meta["analyzer_version"] = 0
    meta["library_version"] = "0.0.1"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(als.IndexVersionError, match=r"built by alliance_search 0\.0\.1.*Rebuild"):
        als.open_index(tmp_path / "ix")


def test_searcher_sees_commits_made_after_it_was_opened(tmp_path: Path, seed_articles) -> None:
    index = als.build_index(seed_articles, tmp_path / "ix")
    assert index.search("anorexie", expand=False).total == 0
    other = als.open_index(tmp_path / "ix")
    other.update([als.Article(id="n", title="Anorexie mentale")])
    assert index.search("anorexie", expand=False).ids == ["n"]


def test_opening_while_another_process_commits_retries_on_the_new_state(
    tmp_path: Path, seed_articles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoosh lists the newest table of contents, then opens it: a commit in between
    deletes that file. Opening must read the new state, not fail (a CI run once did)."""
    index = als.build_index(seed_articles, tmp_path / "ix")
    latest = whoosh.index.TOC._latest_generation
    commits = []

    def commit_after_listing(storage, indexname):  # type: ignore[no-untyped-def]
        generation = latest(storage, indexname)
        if not commits:
            commits.append(generation)
            index.update([als.Article(id="n", title="Anorexie mentale")])
        return generation

    monkeypatch.setattr(whoosh.index.TOC, "_latest_generation", staticmethod(commit_after_listing))
    opened = als.open_index(index.path)
    assert commits and not (index.path / f"_MAIN_{commits[0]}.toc").exists()
    assert len(opened) == 16
    assert opened.search("anorexie", expand=False).ids == ["n"]


def test_wheel_ships_the_bundled_corpus(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
    )
    wheel = next(tmp_path.glob("alliance_search-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "alliance_search/corpus/sante-mentale-alliance-therapeutique.jsonl" in names
    assert "alliance_search/data/stopwords_fr.txt" in names
    assert "alliance_search/py.typed" in names  # type hints for users' checkers


def test_parallel_writer_and_optimize(tmp_path: Path, seed_articles) -> None:
    index = als.build_index(seed_articles[:5], tmp_path / "ix")
    assert index.update(seed_articles, procs=2) == 15
    assert len(index) == 15
    assert index.search("Charcot")[0].id == "sm-charcot-un-crayon-a-la-main"
    index.optimize()
    assert len(index) == 15
    assert len(index.searcher().reader().leaf_readers()) == 1


def test_last_article_of_a_batch_wins(tmp_path: Path) -> None:
    index = als.build_index([], tmp_path / "ix")
    first = als.Article(id="a", title="Premier titre")
    second = als.Article(id="a", title="Titre corrigé")
    assert index.update([first, second]) == 1
    assert len(index) == 1 and index.get("a").title == "Titre corrigé"


@pytest.mark.parametrize("procs", [1, 2])
def test_progress_bar_counts_every_article(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], procs: int
) -> None:
    pytest.importorskip("tqdm")
    batch = [
        als.Article(id=f"a{i}", title=f"Démence et alliance, cas {i}", summary="Soins.")
        for i in range(450)
    ]
    index = als.build_index([], tmp_path / "ix")
    index.update(batch, procs=procs, progress=True)
    err = capfd.readouterr().err
    assert "450/450" in err and "articles" in err
    assert len(index) == 450
    index.update(batch[:5])  # small batch, not a terminal: no bar
    assert capfd.readouterr().err == ""


def test_indexing_logs_and_never_prints(
    tmp_path: Path, seed_articles, capfd: pytest.CaptureFixture[str], caplog
) -> None:
    with caplog.at_level("INFO", logger="alliance_search"):
        als.build_index(seed_articles, tmp_path / "ix").search("démence")
    assert capfd.readouterr() == ("", "")
    assert any("indexed 15 articles" in r.getMessage() for r in caplog.records)


def test_remembered_frequencies_are_those_of_the_last_commit(tmp_path) -> None:
    index = als.build_index(
        [als.Article(id="a", title="Démence", summary="La démence en institution.")],
        tmp_path / "ix",
    )
    reader = index.searcher().reader()
    assert reader.doc_frequency("summary", "demenc") == 1
    assert reader.doc_frequency("summary", "demenc") == 1
    assert reader.doc_frequency.cache_info().hits >= 1  # remembered
    index.update([als.Article(id="b", title="Étude", summary="Une démence précoce.")])
    assert index.searcher().reader().doc_frequency("summary", "demenc") == 2
    assert index.search("démence").total == 2


def test_articles_built_in_code_are_checked_as_records_are(tmp_path) -> None:
    """An Article with an empty id, a title of None, or keywords as one string had
    been indexed as given (the string letter by letter); a dict or a path gave a
    bare traceback. Nothing already indexed is lost by a bad update."""
    index = als.build_index(als.load_corpus()[:3], tmp_path / "ix", progress=False)
    for bad, message in (
        ([als.Article(id="", title="Sans id")], "article 1, field 'id': is required"),
        (
            [als.Article(id="ok", title="Bon"), als.Article(id="n2", title=None)],  # type: ignore[arg-type]
            "article 2, field 'title': is required",
        ),
        ("corpus/", "update() takes articles, not a path"),
        ([42], "article 1: expected an Article or a mapping"),
    ):
        with pytest.raises(
            als.CorpusError if message.startswith("article") else als.AllianceSearchError,
            match=re.escape(message),
        ):
            index.update(bad)  # type: ignore[arg-type]
        assert len(index) == 3
    index.update([als.Article(id="n4", title="Soins", keywords="alliance; soin", year="2009")])  # type: ignore[arg-type]
    assert index.get("n4").keywords == ("alliance", "soin")
    assert index.search("soins", year=2009).ids == ["n4"]
    index.update([{"id": "n5", "title": "Anorexie"}])  # a mapping is read as a record
    assert "n5" in index
    # one id given alone is one id, not its letters
    assert index.delete("n5") == 1 and "n5" not in index


def test_a_damaged_index_says_how_to_rebuild_it(tmp_path) -> None:
    path = tmp_path / "ix"
    als.build_index(als.load_corpus()[:3], path, progress=False)
    next(path.glob("*.seg")).unlink()
    with pytest.raises(als.IndexDamagedError, match=r"cannot be read .* --rebuild"):
        als.open_index(path).search("démence")


def test_the_default_index_folder_expands_a_tilde(monkeypatch: pytest.MonkeyPatch) -> None:
    """``ALLIANCE_SEARCH_INDEX="~/ix"`` (quoted: no shell expands it) had made a folder
    named ``~`` in the working directory."""
    monkeypatch.setenv("ALLIANCE_SEARCH_INDEX", "~/alliance-ix")
    assert als.default_index_dir() == Path.home() / "alliance-ix"


def test_index_search_names_every_option_of_search() -> None:
    """``Index.search`` had taken ``**options: Any``: a notebook's completion and a
    type checker saw none of them, and a misspelt one failed only when run."""
    import inspect

    from alliance_search.search import search

    method = inspect.signature(als.Index.search).parameters
    function = inspect.signature(search).parameters
    assert list(method)[1:] == list(function)[1:]  # self / index aside
    for name in list(function)[1:]:
        assert method[name].default == function[name].default, name
        assert method[name].kind == function[name].kind, name
