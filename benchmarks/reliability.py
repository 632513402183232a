"""Reliability runs: SIGKILL during large batches, concurrent writers and readers.

Usage::

    python -m benchmarks.reliability [--kills 20] [--writers 4] [--readers 4]
                                     [--batches 10] [--size 25]

Prints a Markdown table of what was tried and what was lost (the README's figures).
The test suite runs the same code at a smaller scale (tests/test_writer.py). Needs
Linux (``fork`` and ``/proc``).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import alliance_search as als

SUMMARY = (
    "Les patients atteints de démence perdent peu à peu la mémoire des soins, mais "
    "l’alliance thérapeutique reste possible quand l’équipe soignante s’appuie sur "
    "les émotions, les habitudes de vie et la présence des familles au quotidien."
)

KILLED_WRITER = """
    import sys
    import alliance_search as als
    index = als.open_index(sys.argv[1])
    batch = [als.Article(id=f"k{i}", title=f"Article {i} sur la démence", summary=sys.argv[2])
             for i in range(int(sys.argv[3]))]
    print("writing", flush=True)
    index.update(batch, procs=2)
    print("committed", flush=True)
"""


def start_script(script: str, *args: str) -> subprocess.Popen[str]:
    """Run a Python script in a new process whose stdout is read line by line."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args], stdout=subprocess.PIPE, text=True
    )


def children_of(pid: int) -> list[int]:
    """Pids of the processes whose parent is ``pid`` (Linux ``/proc``)."""
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


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_gone(pids: list[int], seconds: float = 10.0) -> list[int]:
    """Wait until the processes have ended; returns those still running."""
    deadline = time.monotonic() + seconds
    alive = [p for p in pids if _running(p)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [p for p in alive if _running(p)]
    return alive


@dataclass
class KillOutcome:
    """What a SIGKILL in the middle of a batch left behind."""

    killed: bool  # the writer was killed before it committed
    helpers: int  # helper processes it had started
    helpers_left: int  # helpers still running after the kill
    count_before: int
    count_after: int  # articles in the reopened index
    next_update_ok: bool  # a new writer got the lock and committed
    check_ok: bool  # check_index found no problem afterwards


def kill_during_batch(path: Path, delay: float, batch: int = 6000) -> KillOutcome:
    """Start a large two-process update of the index at ``path``, SIGKILL it
    ``delay`` seconds after its helper started, then reopen, update and check the index."""
    before = len(als.open_index(path))
    writer = start_script(KILLED_WRITER, str(path), SUMMARY, str(batch))
    assert writer.stdout is not None
    writer.stdout.readline()  # "writing"
    deadline = time.monotonic() + 60  # a slow machine may take a while to start the helper
    while writer.poll() is None and not children_of(writer.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(delay)
    helpers = children_of(writer.pid)
    os.kill(writer.pid, signal.SIGKILL)
    killed = writer.wait() == -signal.SIGKILL
    left = wait_gone(helpers)
    index = als.open_index(path)
    after = len(index)
    fresh = [als.Article(id=f"after-{before}-{i}", title="Article ajouté après") for i in range(5)]
    try:
        next_ok = index.update(fresh, timeout=5) == 5 and len(index) == after + 5
    except als.IndexLockedError:
        next_ok = False
    return KillOutcome(
        killed, len(helpers), len(left), before, after, next_ok, als.check_index(path).ok
    )


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
        index.update(fresh + shared, timeout=120)


def _state_problems(ids: list[str], count: int, seen: list[int], size: int) -> list[str]:
    """What is wrong with one committed state: duplicates, a falling count, torn batches."""
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
    return problems + [f"half a batch: {k} {n}" for k, n in batches.items() if n != size]


def _reader_process(path: str, size: int, done: Any, reports: Any, ready: Any) -> None:
    """Check every committed state seen: batches whole, no id twice, count never falls.

    Says when it has read the first state (``ready``), reads until the writers are
    done, then once more; reports the counts seen, or what stopped it.
    """
    seen: list[int] = []
    reads = 0
    try:
        while True:
            finished = done.is_set()
            with als.open_index(path) as index:
                searcher = index.searcher()  # one committed state
                ids = [fields["id"] for fields in searcher.all_stored_fields()]
                count = searcher.doc_count()
            reads += 1
            if reads == 1:
                ready.put(True)
            problems = _state_problems(ids, count, seen, size)
            if problems:
                reports.put(("error", "; ".join(problems), reads))
                return
            if not seen or count != seen[-1]:
                seen.append(count)
            if finished:
                reports.put(("ok", seen, reads))
                return
            time.sleep(0.01)
    except Exception as exc:  # a reader that cannot read reports it, never hangs the run
        if reads == 0:
            ready.put(False)
        reports.put(("error", f"{type(exc).__name__}: {exc}", reads))


@dataclass
class StressOutcome:
    """What concurrent writers and readers saw and left."""

    writers: int
    readers: int
    commits: int
    reads: int  # committed states read in all
    states_seen: int  # distinct article counts seen by the readers
    reader_errors: list[str]  # torn batches, duplicates or falling counts seen
    exit_codes: list[int | None]
    expected: int
    final: int
    distinct: int  # distinct ids at the end (final - distinct = duplicates)


def stress(path: Path, writers: int, readers: int, batches: int, size: int) -> StressOutcome:
    """Run writer and reader processes on the index at ``path`` at the same time.

    Each writer commits ``batches`` batches of ``size`` new articles plus 5 articles
    every writer rewrites; readers check each committed state as they go.
    """
    start = len(als.open_index(path))
    context = multiprocessing.get_context("fork")
    done, reports, ready = context.Event(), context.Queue(), context.Queue()
    writing = [
        context.Process(target=_writer_process, args=(str(path), w, batches, size))
        for w in range(writers)
    ]
    reading = [
        context.Process(target=_reader_process, args=(str(path), size, done, reports, ready))
        for _ in range(readers)
    ]
    for process in reading:
        process.start()
    for _ in reading:  # every reader has seen the state before the writers start
        ready.get(timeout=120)
    for process in writing:
        process.start()
    for process in writing:
        process.join(timeout=600)
    done.set()
    results = [reports.get(timeout=120) for _ in reading]
    for process in reading:
        process.join(timeout=60)
    final = als.open_index(path)
    ids = [a.id for a in final.articles()]
    return StressOutcome(
        writers=writers,
        readers=readers,
        commits=writers * batches,
        reads=sum(r[2] for r in results),
        states_seen=len({count for status, seen, _ in results if status == "ok" for count in seen}),
        reader_errors=[r[1] for r in results if r[0] != "ok"],
        exit_codes=[p.exitcode for p in writing + reading],
        expected=start + writers * batches * size + 5,
        final=len(ids),
        distinct=len(set(ids)),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reliability")
    parser.add_argument("--kills", type=int, default=20, help="SIGKILL cycles (default 20)")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--batches", type=int, default=10, help="commits per writer")
    parser.add_argument("--size", type=int, default=25, help="new articles per commit")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "index"
        als.build_index(als.load_corpus(), path)
        outcomes = [kill_during_batch(path, 0.3 + 0.15 * (i % 10)) for i in range(args.kills)]
        survived = [
            o
            for o in outcomes
            if o.helpers_left == 0 and o.count_after == o.count_before and o.next_update_ok
        ]
        killed = sum(o.killed for o in outcomes)
        lost = sum(max(0, o.count_before - o.count_after) for o in outcomes)
        run = stress(path, args.writers, args.readers, args.batches, args.size)

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}\n")
    print("| run | tried | result |")
    print("|---|---|---|")
    print(
        f"| SIGKILL during a 6,000-article two-process update | {args.kills} kills "
        f"({killed} before the commit) | {len(survived)} reopened at the previous commit, "
        f"helpers gone, next update committed; {lost} articles lost; "
        f"check_index clean after {sum(o.check_ok for o in outcomes)} |"
    )
    lost = run.expected - run.distinct
    print(
        f"| concurrent writers and readers | {run.writers} writers × {args.batches} commits, "
        f"{run.readers} readers ({run.reads} reads, {run.states_seen} states seen) | "
        f"{len(run.reader_errors)} torn or duplicated states seen; {lost} articles lost, "
        f"{run.final - run.distinct} duplicated; exit codes {sorted(set(run.exit_codes))} |"
    )
    ok = (
        len(survived) == args.kills
        and not run.reader_errors
        and run.final == run.distinct == run.expected
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
