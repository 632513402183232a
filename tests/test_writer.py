"""Writing safely: the two-process writer, the write lock, kills and concurrent processes.

These tests start real processes (bounded in count and time) and kill them with
SIGKILL; they need a POSIX system with ``fork``.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

import alliance_search as als
from alliance_search import _writer
from alliance_search.cli import main

from .conftest import DEMENTIA

pytestmark = pytest.mark.skipif(not _writer.can_fork(), reason="needs fork (POSIX)")

SUMMARY = (
    "Les patients atteints de démence perdent peu à peu la mémoire des soins, mais "
    "l’alliance thérapeutique reste possible quand l’équipe soignante s’appuie sur "
    "les émotions, les habitudes de vie et la présence des familles au quotidien."
)


def articles(prefix: str, count: int) -> list[als.Article]:
    return [
        als.Article(id=f"{prefix}{i}", title=f"Démence et alliance, cas {i}", summary=SUMMARY)
        for i in range(count)
    ]


def start(script: str, *args: str) -> subprocess.Popen[str]:
    """Run a Python script in a new process whose stdout we read line by line."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        stdout=subprocess.PIPE,
        text=True,
    )


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def wait_gone(pids: list[int], seconds: float = 10.0) -> list[int]:
    deadline = time.monotonic() + seconds
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [p for p in alive if Path(f"/proc/{p}").exists() and not _zombie(p)]
    return alive


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_two_processes_index_the_same_as_one(tmp_path: Path, seed_articles) -> None:
    batch = [*seed_articles, *articles("n", 40)]
    serial = als.build_index(seed_articles[:4], tmp_path / "one")
    serial.update(batch, procs=1)
    parallel = als.build_index(seed_articles[:4], tmp_path / "two")
    assert parallel.update(batch, procs=2) == len(batch)
    assert len(parallel) == len(serial) == 55
    assert len(parallel.searcher().reader().leaf_readers()) == 3  # old + one per process
    for query in ("démence", "TPB", "Charcot", "cas 7", "équipe soignante"):
        # Same documents with the same scores (equal scores may come in another order).
        a, b = serial.search(query, limit=None), parallel.search(query, limit=None)
        assert len(a) > 0
        assert {h.id: round(h.score, 6) for h in a} == {h.id: round(h.score, 6) for h in b}
    assert parallel.concept_map()[DEMENTIA] == serial.concept_map()[DEMENTIA]


def test_a_failing_helper_commits_nothing_and_leaves_no_process(
    tmp_path: Path, seed_articles, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = als.build_index(seed_articles, tmp_path / "ix")
    real = index._document

    def fail_in_helper(article: als.Article) -> dict:
        if os.getpid() != parent and article.id == "n13":
            raise ValueError("bad record n13")
        return real(article)

    parent = os.getpid()
    monkeypatch.setattr(index, "_document", fail_in_helper)
    with pytest.raises(RuntimeError, match="bad record n13"):
        index.update(articles("n", 30), procs=2)
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
    holder = start(HOLD_WRITER, str(index.path))
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


KILLED_WRITER = """
    import sys
    import alliance_search as als
    index = als.open_index(sys.argv[1])
    batch = [als.Article(id=f"k{i}", title=f"Article {i} sur la démence", summary=sys.argv[2])
             for i in range(6000)]
    print("writing", flush=True)
    index.update(batch, procs=2)
    print("committed", flush=True)
"""


@pytest.mark.parametrize("cycle", range(3))
def test_sigkill_during_a_large_batch_keeps_the_previous_commit(
    tmp_path: Path, seed_articles, cycle: int
) -> None:
    index = als.build_index(seed_articles, tmp_path / "ix")
    writer = start(KILLED_WRITER, str(index.path), SUMMARY)
    assert writer.stdout and writer.stdout.readline().strip() == "writing"
    time.sleep(0.5 + 0.5 * cycle)  # while both processes are indexing
    helpers = children_of(writer.pid)
    os.kill(writer.pid, signal.SIGKILL)
    assert writer.wait() == -signal.SIGKILL  # killed, not finished
    assert helpers, "the batch should be written by a helper process too"
    assert wait_gone(helpers) == []  # helpers die with their parent: no stale lock

    reopened = als.open_index(index.path)
    assert len(reopened) == 15 and "k0" not in reopened
    assert reopened.search("démence")[0].id == DEMENTIA
    assert reopened.update(articles("n", 5), timeout=5) == 5
    assert len(reopened) == 20
    report = als.check_index(index.path)
    assert report.ok and report.leftovers == []  # the next commit swept the debris


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
    writer = start(ORPHAN_HOLDER, str(index.path))
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


def _writer_process(path: str, writer: int, batches: int, size: int) -> None:
    index = als.open_index(path)
    for batch in range(batches):
        fresh = [
            als.Article(id=f"w{writer}-b{batch}-{i}", title=f"Lot {batch} du rédacteur {writer}")
            for i in range(size)
        ]
        shared = [
            als.Article(id=f"shared-{i}", title=f"Version {writer}.{batch} de l'article commun")
            for i in range(5)
        ]
        index.update(fresh + shared, timeout=60)


def _reader_process(path: str, size: int, done: Any, reports: Any) -> None:
    """Check every committed state seen: batches whole, no id twice, count never falls.

    Reads until the writers are done, then once more; reports the counts seen.
    """
    seen: list[int] = []
    while True:
        finished = done.is_set()
        with als.open_index(path) as index:
            searcher = index.searcher()  # one committed state
            ids = [fields["id"] for fields in searcher.all_stored_fields()]
            count = searcher.doc_count()
        problems = []
        if len(ids) != len(set(ids)) or count != len(ids):
            problems.append(f"{count} articles counted, {len(set(ids))} distinct ids")
        if seen and count < seen[-1]:
            problems.append(f"count fell from {seen[-1]} to {count}")
        batches: dict[str, int] = {}
        for article_id in ids:
            if article_id.startswith("w"):
                key = article_id.rsplit("-", 1)[0]
                batches[key] = batches.get(key, 0) + 1
        problems += [f"half a batch: {k} {n}" for k, n in batches.items() if n != size]
        if problems:
            reports.put(("error", "; ".join(problems)))
            return
        if not seen or count != seen[-1]:
            seen.append(count)
        if finished:
            reports.put(("ok", seen))
            return
        time.sleep(0.01)


def test_concurrent_writers_and_readers_lose_and_duplicate_nothing(
    tmp_path: Path, seed_articles
) -> None:
    index = als.build_index(seed_articles, tmp_path / "ix")
    path = str(index.path)
    writers, batches, size = 3, 6, 4
    context = multiprocessing.get_context("fork")
    done, reports = context.Event(), context.Queue()
    writing = [
        context.Process(target=_writer_process, args=(path, w, batches, size))
        for w in range(writers)
    ]
    reading = [
        context.Process(target=_reader_process, args=(path, size, done, reports)) for _ in range(2)
    ]
    for process in writing + reading:
        process.start()
    for process in writing:
        process.join(timeout=120)
    done.set()
    results = [reports.get(timeout=60) for _ in reading]
    for process in reading:
        process.join(timeout=60)
    assert [p.exitcode for p in writing + reading] == [0] * (writers + 2)
    expected = 15 + writers * batches * size + 5
    for status, seen in results:
        assert status == "ok", seen
        assert seen[0] >= 15 and seen[-1] == expected  # readers followed the commits

    final = als.open_index(path)
    ids = [a.id for a in final.articles()]
    assert len(ids) == len(set(ids)) == expected
    assert final.get("shared-0").title.startswith("Version ")
    assert len(final.search("rédacteur", limit=None)) == writers * batches * size
