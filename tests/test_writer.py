"""Writing safely: the two-process writer, the write lock, kills and concurrent processes.

These tests start real processes (bounded in count and time) and kill them with
SIGKILL; they need a POSIX system with ``fork``.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest
from benchmarks.reliability import SUMMARY, kill_during_batch, start_script, stress

import alliance_search as als
from alliance_search import _writer
from alliance_search._scoring import _one_by_one
from alliance_search.cli import main

from .conftest import DEMENTIA

pytestmark = pytest.mark.skipif(not _writer.can_fork(), reason="needs fork (POSIX)")


def articles(prefix: str, count: int) -> list[als.Article]:
    return [
        als.Article(id=f"{prefix}{i}", title=f"Démence et alliance, cas {i}", summary=SUMMARY)
        for i in range(count)
    ]


def test_two_processes_index_the_same_as_one(tmp_path: Path, seed_articles) -> None:
    batch = [*seed_articles, *articles("n", 600)]
    serial = als.build_index(seed_articles[:4], tmp_path / "one")
    serial.update(batch, procs=1)
    parallel = als.build_index(seed_articles[:4], tmp_path / "two")
    assert parallel.update(batch, procs=2) == len(batch)
    assert len(parallel) == len(serial) == 615
    assert len(parallel.searcher().reader().leaf_readers()) == 3  # old + one per process
    for query in ("démence", "TPB", "Charcot", "cas 7", "équipe soignante"):
        # Same documents with the same scores (equal scores may come in another order).
        a, b = serial.search(query, limit=None), parallel.search(query, limit=None)
        assert len(a) > 0
        assert {h.id: round(h.score, 6) for h in a} == {h.id: round(h.score, 6) for h in b}
    assert parallel.concept_map()[DEMENTIA] == serial.concept_map()[DEMENTIA]


def _postings(index: als.Index) -> dict[tuple[str, bytes], list[tuple[int, float]]]:
    reader = index.searcher().reader()
    found = {}
    for field, term in reader.all_terms():
        ((ids, weights),) = _one_by_one(reader.postings(field, term))
        found[field, term] = list(zip(ids, weights, strict=True))
    return found


def test_a_pool_spilled_in_hundreds_of_runs_writes_the_same_postings(
    tmp_path: Path, seed_articles, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = [*seed_articles, *articles("n", 600)]
    in_memory = als.build_index(batch, tmp_path / "memory")
    # About 120 postings per run: a few hundred runs, more than Whoosh merges at once
    # (128), each written and read back in chunks of 7.
    monkeypatch.setattr(_writer, "WRITER_LIMIT_MB", 0.02)
    monkeypatch.setattr(_writer, "_RUN_CHUNK", 7)
    spilled = als.build_index(batch, tmp_path / "spilled")
    expected = _postings(in_memory)
    assert len(expected) > 1_000
    assert _postings(spilled) == expected
    assert [h.id for h in spilled.search("démence", limit=None)] == [
        h.id for h in in_memory.search("démence", limit=None)
    ]
    assert not list((tmp_path / "spilled").rglob("*.run"))  # runs live in MAIN.tmp/


def test_a_failing_helper_commits_nothing_and_leaves_no_process(
    tmp_path: Path, seed_articles, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = als.build_index(seed_articles, tmp_path / "ix")
    real = index._document

    def fail_in_helper(article: als.Article) -> dict:
        if os.getpid() != parent and article.id == "n250":  # in the 2nd batch: the helper's
            raise ValueError("bad record n250")
        return real(article)

    parent = os.getpid()
    monkeypatch.setattr(index, "_document", fail_in_helper)
    with pytest.raises(RuntimeError, match="bad record n250"):
        index.update(articles("n", 500), procs=2)
    assert not multiprocessing.active_children()
    assert len(index) == 15 and "n0" not in index
    index.update(articles("n", 3), timeout=1)  # the lock was released
    assert len(index) == 18


HOLD_WRITER = """
    import sys, time
    import alliance_search as als
    index = als.open_index(sys.argv[1])
    writer = index._writer(timeout=5)
    writer.add_document(id="pending", title="Article en cours d'écriture", exact="")
    print("locked", flush=True)
    time.sleep(60)
"""


def test_readers_see_the_last_commit_and_a_second_writer_times_out(
    tmp_path: Path, seed_articles
) -> None:
    index = als.build_index(seed_articles, tmp_path / "ix")
    holder = start_script(HOLD_WRITER, str(index.path))
    try:
        assert holder.stdout and holder.stdout.readline().strip() == "locked"
        reader = als.open_index(index.path)
        assert len(reader) == 15 and "pending" not in reader
        assert reader.search("démence")[0].id == DEMENTIA
        with pytest.raises(als.IndexLockedError, match="being written by another process"):
            index.update(articles("n", 2), timeout=0.3)
        with pytest.raises(als.IndexLockedError, match=rf"process {holder.pid} .*wait"):
            als.unlock_index(index.path)  # refused while the writer is alive
    finally:
        holder.kill()
        holder.wait()
    assert index.update(articles("n", 2), timeout=5) == 2  # the kernel released the lock
    assert len(index) == 17


@pytest.mark.parametrize("cycle", range(3))
def test_sigkill_during_a_large_batch_keeps_the_previous_commit(
    tmp_path: Path, seed_articles, cycle: int
) -> None:
    index = als.build_index(seed_articles, tmp_path / "ix")
    outcome = kill_during_batch(index.path, delay=0.5 + 0.5 * cycle)
    assert outcome.killed  # killed, not finished
    assert outcome.helpers == 1  # the batch was being written by a helper process too
    assert outcome.helpers_left == 0  # helpers die with their parent: no stale lock
    assert outcome.count_before == outcome.count_after == 15
    assert outcome.next_update_ok and outcome.check_ok

    reopened = als.open_index(index.path)
    assert "k0" not in reopened and reopened.search("démence")[0].id == DEMENTIA
    assert als.check_index(index.path).leftovers == []  # the next commit swept the debris


ORPHAN_HOLDER = """
    import os, sys, time
    import alliance_search as als
    index = als.open_index(sys.argv[1])
    index._writer(timeout=5)
    child = os.fork()
    if child == 0:  # inherits the lock's file descriptor and outlives its parent
        time.sleep(60)
        os._exit(0)
    print(child, flush=True)
    time.sleep(60)
"""


def test_a_stale_lock_is_reported_and_cleared_by_check_unlock(
    tmp_path: Path, seed_articles, capsys: pytest.CaptureFixture[str]
) -> None:
    index = als.build_index(seed_articles, tmp_path / "ix")
    writer = start_script(ORPHAN_HOLDER, str(index.path))
    assert writer.stdout
    orphan = int(writer.stdout.readline())
    try:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        with pytest.raises(als.IndexLockedError, match=r"has ended.*check --index .* --unlock"):
            index.update(articles("n", 2), timeout=0.3)
        report = als.check_index(index.path)
        assert report.locked and report.stale_lock and not report.ok

        assert main(["check", "--index", str(index.path), "--unlock"]) == 0
        assert "cleared a stale write lock" in capsys.readouterr().out
        assert index.update(articles("n", 2), timeout=1) == 2
        assert len(index) == 17
        assert als.check_index(index.path).ok
    finally:
        os.kill(orphan, signal.SIGKILL)


def test_concurrent_writers_and_readers_lose_and_duplicate_nothing(
    tmp_path: Path, seed_articles
) -> None:
    index = als.build_index(seed_articles, tmp_path / "ix")
    run = stress(index.path, writers=3, readers=2, batches=6, size=4)
    assert run.exit_codes == [0] * 5
    assert run.reader_errors == []  # no torn batch, no duplicate, no falling count
    assert run.states_seen >= 2  # readers followed the commits
    assert run.final == run.distinct == run.expected == 15 + 3 * 6 * 4 + 5
    final = als.open_index(index.path)
    assert final.get("shared-0").title.startswith("Version ")
    assert len(final.search("rédacteur", limit=None)) == 3 * 6 * 4


KILLED_BUILD = """
    import sys
    import alliance_search as als
    batch = [als.Article(id=f"b{i}", title=f"Article {i} sur la démence", summary=sys.argv[2])
             for i in range(6000)]
    print("building", flush=True)
    als.build_index(batch, sys.argv[1])
"""


def test_sigkill_during_a_rebuild_keeps_the_old_index_and_the_next_build_cleans_up(
    tmp_path: Path, seed_articles
) -> None:
    als.build_index(seed_articles, tmp_path / "ix")
    builder = start_script(KILLED_BUILD, str(tmp_path / "ix"), SUMMARY)
    assert builder.stdout and builder.stdout.readline().strip() == "building"
    time.sleep(1.0)
    os.kill(builder.pid, signal.SIGKILL)
    assert builder.wait() == -signal.SIGKILL
    leftovers = list(tmp_path.glob(".ix.building-*"))
    assert len(leftovers) == 1  # the abandoned staging folder
    assert len(als.open_index(tmp_path / "ix")) == 15  # the old index, untouched
    als.build_index(seed_articles[:3], tmp_path / "ix")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ix"]
