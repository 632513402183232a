"""Index writers: the write lock, its holder record, and the two-process batch writer.

Whoosh locks an index with ``flock`` on ``MAIN_WRITELOCK``, which the kernel releases
when the writing process dies. Two things can still leave an index locked:

* a helper process that inherited the lock's file descriptor outlives the writer
  (Whoosh's own multiprocessing writer leaves such helpers blocked forever when the
  writer is killed); the helpers started here die with their parent
  (``PR_SET_PDEATHSIG``) and are killed when a batch fails;
* an index on a file system where locks outlive their process.

The process holding the lock records itself in :data:`HOLDER_FILE`, so that a
blocked writer can tell a live writer from a stale lock, and :func:`break_lock`
can clear a stale one (``alliance-search check --unlock``).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, cast

from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.writing import SegmentWriter

from ._errors import IndexLockedError
from ._progress import Progress

log = logging.getLogger(__name__)

#: Whoosh's lock file for the default index name.
LOCK_FILE = "MAIN_WRITELOCK"
#: Who holds the write lock: pid, host, start time (JSON).
HOLDER_FILE = "alliance_search.writer"
#: Memory for each indexing process's posting pool (Whoosh ``limitmb``).
WRITER_LIMIT_MB = 128
#: Helpers report their progress every this many articles.
PROGRESS_STEP = 100

Document = dict[str, Any]


class Writer(SegmentWriter):  # type: ignore[misc]
    """A Whoosh segment writer that can commit segments written by helper processes,
    and writes its postings with field lengths read once per document."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.helper_segments: list[Any] = []

    def _merge_segments(self, mergetype: Any, optimize: Any, merge: Any) -> list[Any]:
        return [*super()._merge_segments(mergetype, optimize, merge), *self.helper_segments]

    def _flush_segment(self) -> None:
        # As SegmentWriter._flush_segment, but Whoosh looks up the field length of
        # every posting in the length column; a table read once does the same.
        self.perdocwriter.close()
        lengths = _Lengths(self.per_document_reader()) if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if lengths is not None:
            lengths.close()


class _Lengths:
    """Field lengths of a segment being written, one list per field."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._tables: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        table = self._tables.get(fieldname)
        if table is None:
            length = self._reader.doc_field_length
            table = [length(d, fieldname, default) for d in range(self._reader.doc_count_all())]
            self._tables[fieldname] = table
        return table[docnum]

    def close(self) -> None:
        self._reader.close()


def open_writer(ix: Any, path: Path, timeout: float) -> Writer:
    """Take the index's write lock (waiting up to ``timeout`` s) and return a writer."""
    try:
        writer = Writer(ix, timeout=timeout, limitmb=WRITER_LIMIT_MB)
    except LockError:
        raise IndexLockedError(_locked_message(path, timeout)) from None
    with contextlib.suppress(OSError):
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        (path / HOLDER_FILE).write_text(json.dumps(holder), "utf-8")
    return writer


def release(writer: Writer, path: Path, *, commit: bool, **options: Any) -> None:
    """Commit (or cancel) ``writer`` and forget the holder record."""
    try:
        if commit:
            writer.commit(**options)
        else:
            writer.cancel()
    finally:
        with contextlib.suppress(OSError):
            (path / HOLDER_FILE).unlink()


def read_holder(path: Path) -> dict[str, Any] | None:
    """The last recorded lock holder of the index at ``path``, if any."""
    try:
        holder = json.loads((path / HOLDER_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return holder if isinstance(holder, dict) else None


def holder_is_alive(holder: dict[str, Any]) -> bool | None:
    """Whether the recorded holder still runs (``None`` if it ran on another host)."""
    if holder.get("host") != socket.gethostname():
        return None
    try:
        return process_exists(int(holder["pid"]))
    except (KeyError, TypeError, ValueError):
        return True


def process_exists(pid: int) -> bool:
    """Whether a process with this pid runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lock(path: Path) -> Any:
    return FileStorage(str(path)).lock(LOCK_FILE)


def is_locked(path: Path) -> bool:
    """Whether some process holds the write lock of the index at ``path`` right now."""
    lock = _lock(path)
    if lock.acquire(blocking=False):
        lock.release()
        return False
    return True


def break_lock(path: Path) -> bool:
    """Clear a stale write lock of the index at ``path``; returns whether there was one.

    Refuses (``IndexLockedError``) while the recorded writer is still running.
    Removing the lock file leaves any leftover holder locking a file nobody else
    uses; its uncommitted segment files are deleted by the next commit.
    """
    if not is_locked(path):
        return False
    holder = read_holder(path)
    if holder is not None and holder_is_alive(holder) is not False:
        raise IndexLockedError(
            f"the index at {path} is being written by process {holder.get('pid')} on "
            f"{holder.get('host')} (since {holder.get('started')}); wait for it to finish"
        )
    (path / LOCK_FILE).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        (path / HOLDER_FILE).unlink()
    log.warning("removed a stale write lock from %s", path)
    return True


def _locked_message(path: Path, timeout: float) -> str:
    message = (
        f"the index at {path} is being written by another process "
        f"(waited {timeout:g} s); try again when it has finished"
    )
    holder = read_holder(path)
    if holder is not None and holder_is_alive(holder) is False:
        message += (
            f". The process that took the lock (pid {holder.get('pid')}) has ended: if no "
            f"other program is writing this index, clear the stale lock with "
            f"`alliance-search check --index {path} --unlock`"
        )
    return message


# --------------------------------------------------------------------------- parallel


def can_fork() -> bool:
    """Whether helper processes can be forked here (Linux and other POSIX systems)."""
    return "fork" in multiprocessing.get_all_start_methods()


def write_parallel(
    writer: Writer,
    items: Sequence[Any],
    make_document: Callable[[Any], Document],
    key: Callable[[Any], str],
    procs: int = 2,
    progress: Progress | None = None,
) -> None:
    """Index ``items`` as ``procs`` new segments, written by this process and forked helpers.

    Helpers inherit their share through ``fork`` (nothing is pickled), write it as
    a segment and send the segment's description back (and their progress on the
    way); this process writes its own share the same way, and ``writer`` (which
    holds the lock) deletes the documents being replaced and commits every segment
    at once. If anything fails, the helpers are killed and nothing is committed.
    """
    progress = progress or Progress()
    shares = [items[i::procs] for i in range(procs)]
    context = multiprocessing.get_context("fork")
    helpers: dict[Connection, BaseProcess] = {}  # each helper's pipe → its process
    results: dict[Connection, tuple[str, Any]] = {}

    def collect(block: bool) -> None:
        """Read the helpers' messages; ``block``: wait until one has something to say."""
        waiting = [r for r in helpers if r not in results]
        if block:
            ready = cast(list[Connection], multiprocessing.connection.wait(waiting))
        else:
            ready = [r for r in waiting if r.poll()]
        for receiver in ready:
            while receiver not in results:
                try:
                    message: tuple[str, Any] = receiver.recv()
                except EOFError:
                    helpers[receiver].join()
                    message = ("error", f"it died (exit code {helpers[receiver].exitcode})")
                if message[0] == "progress":
                    progress.advance(message[1])
                else:
                    results[receiver] = message
                if not receiver.poll():
                    break

    def on_document(count: int) -> None:
        progress.advance(1)
        if count % PROGRESS_STEP == 0:
            collect(block=False)

    try:
        for share in shares[1:]:
            receiver, sender = context.Pipe(duplex=False)
            helper = context.Process(
                target=_helper_main,
                args=(writer, share, make_document, sender, os.getpid()),
                daemon=True,
                name="alliance-search-writer",
            )
            helper.start()
            sender.close()
            helpers[receiver] = helper
        for item in items:
            writer.delete_by_term("id", key(item))
        writer.helper_segments.append(_write_segment(writer, shares[0], make_document, on_document))
        progress.phase("writing the index")
        while len(results) < len(helpers):
            collect(block=True)
        for receiver in helpers:
            status, payload = results[receiver]
            if status != "ok":
                raise RuntimeError(f"indexing in a helper process failed: {payload}")
            writer.helper_segments.append(payload)
    finally:
        for receiver, process in helpers.items():
            receiver.close()
            if process.is_alive():
                process.kill()
            process.join()


def _write_segment(
    writer: Writer,
    items: Sequence[Any],
    make_document: Callable[[Any], Document],
    on_document: Callable[[int], None] | None = None,
) -> Any:
    """Write ``items`` as a new segment of ``writer``'s index (without the lock)."""
    segment_writer = Writer(
        writer.storage.open_index(writer.indexname), _lk=False, limitmb=WRITER_LIMIT_MB
    )
    for count, item in enumerate(items, 1):
        segment_writer.add_document(**make_document(item))
        if on_document is not None:
            on_document(count)
    return segment_writer._finalize_segment()


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux only)."""
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        with contextlib.suppress(OSError, AttributeError):
            pr_set_pdeathsig = 1
            ctypes.CDLL(libc_name, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _helper_main(
    writer: Writer,
    items: Sequence[Any],
    make_document: Callable[[Any], Document],
    sender: Any,
    parent: int,
) -> None:
    _die_with_parent(parent)

    def report(count: int) -> None:
        if count % PROGRESS_STEP == 0:
            sender.send(("progress", PROGRESS_STEP))

    try:
        segment = _write_segment(writer, items, make_document, report)
        sender.send(("progress", len(items) % PROGRESS_STEP))
        sender.send(("ok", segment))
    except BaseException:
        sender.send(("error", traceback.format_exc()))
    finally:
        sender.close()
