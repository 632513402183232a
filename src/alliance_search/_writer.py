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
import marshal
import multiprocessing
import os
import signal
import socket
import traceback
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, LockError, clean_files
from whoosh.writing import PostingPool, SegmentWriter

from ._errors import IndexLockedError
from ._progress import Progress

log = logging.getLogger(__name__)

#: Whoosh's lock file for the default index name.
LOCK_FILE = "MAIN_WRITELOCK"
#: Who holds the write lock: pid, host, start time (JSON).
HOLDER_FILE = "alliance_search.writer"
#: Memory for each indexing process's posting pool (Whoosh ``limitmb``).
WRITER_LIMIT_MB = 32

Document = dict[str, Any]


class Writer(SegmentWriter):  # type: ignore[misc]
    """A Whoosh segment writer that can commit segments written by helper processes,
    and writes its postings with field lengths read once per document."""

    pool: Any

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.pool = _Pool(self.pool.tempstore, self.pool.segment, self.pool.limit)
        self.helper_segments: list[Any] = []
        self._replacing: Any = None

    def _merge_segments(self, mergetype: Any, optimize: Any, merge: Any) -> list[Any]:
        return [*super()._merge_segments(mergetype, optimize, merge), *self.helper_segments]

    def cancel(self) -> None:
        """Cancel, deleting the files of the segments being written (this writer's and
        its helpers') while the lock is still held: the folder is left as it was."""
        self._close_segment()
        with contextlib.suppress(Exception):
            toc = TOC.read(self.storage, self.indexname)
            clean_files(self.storage, self.indexname, toc.generation, toc.segments)
        self._finish()

    def replace(self, key: str) -> None:
        """Delete the committed document whose id is ``key``, if any.

        Whoosh's ``update_document`` and ``delete_by_term`` open a new searcher (and
        read the table of contents) for every call; one searcher serves them all here.
        """
        if not self.segments:
            return  # a new index: nothing to replace
        if self._replacing is None:
            self._replacing = self.searcher()
        docnum = self._replacing.document_number(id=key)
        if docnum is not None:
            self.delete_document(docnum)

    def _finish(self) -> None:
        if self._replacing is not None:
            self._replacing.close()
            self._replacing = None
        super()._finish()

    def _flush_segment(self) -> None:
        # As SegmentWriter._flush_segment, but Whoosh looks up the field length of
        # every posting in the length column; a table read once does the same.
        self.perdocwriter.close()
        lengths = _Lengths(self.per_document_reader()) if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if lengths is not None:
            lengths.close()


class _Pool(PostingPool):  # type: ignore[misc]
    """Whoosh's pool of postings, sorted in runs written to disk when it is full, with
    the runs written and read a chunk of postings at a time.

    Whoosh pickles each posting to the run file on its own and unpickles it on its
    own: that took about 40 % of the time of indexing 100,000 summaries (288 s, 181 s
    with this pool of the same size), and made small pools costly. ``marshal`` writes thousands of
    postings in one call.
    """

    def __init__(self, tempstore: Any, segment: Any, limit: int) -> None:
        super().__init__(tempstore, segment, limitmb=limit / (1024 * 1024))

    def _write_run(self, f: Any, items: Iterable[Any]) -> None:
        postings = iter(items)
        while chunk := list(islice(postings, _RUN_CHUNK)):
            data = marshal.dumps(chunk)
            f.write(len(data).to_bytes(8, "little"))
            f.write(data)
        f.close()

    def _read_run(self, path: str) -> Iterator[Any]:
        f = self._open_run(path)
        try:
            # marshal.load reads a file a few bytes at a time: one read per chunk.
            while size := int.from_bytes(f.read(8), "little"):
                yield from marshal.loads(f.read(size))
        finally:
            f.close()
            self._remove_run(path)


#: Postings written or read at a time in a pool's run file.
_RUN_CHUNK = 4_096


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
    items: Iterable[Any],
    make_document: Callable[[Any], Document],
    key: Callable[[Any], str],
    procs: int = 2,
    progress: Progress | None = None,
) -> int:
    """Index ``items`` (unique keys) as ``procs`` new segments, written by this process
    and forked helpers; returns the number of items.

    Items are read as they come and dealt out in batches: this process writes one
    batch in ``procs`` itself and sends the others, pickled, to the helpers. Each
    helper writes its batches as one segment and sends the segment's description
    back (its progress on the way); ``writer``, which holds the lock, deletes the
    documents being replaced and commits every segment at once. If anything fails,
    the helpers are killed and nothing is committed.
    """
    progress = progress or Progress()
    context = multiprocessing.get_context("fork")
    helpers: list[_Helper] = []
    try:
        for _ in range(procs - 1):
            helpers.append(_Helper.start(context, writer, make_document))
        own = _segment_writer(writer)
        count = 0
        batch: list[Any] = []
        turn = 0
        for item in items:
            writer.replace(key(item))
            batch.append(item)
            count += 1
            if len(batch) == BATCH_SIZE:
                turn = _deal(batch, turn, own, helpers, make_document, progress)
                batch = []
        if batch:
            _deal(batch, turn, own, helpers, make_document, progress)
        for helper in helpers:
            helper.finish()
        writer.helper_segments.append(own._finalize_segment())
        progress.phase("writing the index")
        for helper in helpers:
            segment = helper.segment(progress)
            if segment.doc_count_all():  # a helper given no batch wrote nothing
                writer.helper_segments.append(segment)
        return count
    finally:
        for helper in helpers:
            helper.stop()


#: Articles dealt out at a time to this process or a helper.
BATCH_SIZE = 200


def _deal(
    batch: list[Any],
    turn: int,
    own: Any,
    helpers: list[_Helper],
    make_document: Callable[[Any], Document],
    progress: Progress,
) -> int:
    """Give ``batch`` to whoever's turn it is; returns the next turn."""
    for helper in helpers:
        helper.read_progress(progress, block=False)
    if turn == 0:
        for item in batch:
            own.add_document(**make_document(item))
            progress.advance()
    else:
        helpers[turn - 1].send(batch)
    return (turn + 1) % (len(helpers) + 1)


def _segment_writer(writer: Writer) -> Writer:
    """A writer of one more segment of ``writer``'s index (it holds no lock)."""
    return Writer(writer.storage.open_index(writer.indexname), _lk=False, limitmb=WRITER_LIMIT_MB)


class _Helper:
    """A forked process writing the batches it receives as one segment."""

    def __init__(self, process: BaseProcess, batches: Connection, results: Connection) -> None:
        self.process = process
        self.batches = batches
        self.results = results
        self.outcome: tuple[str, Any] | None = None

    @classmethod
    def start(
        cls, context: Any, writer: Writer, make_document: Callable[[Any], Document]
    ) -> _Helper:
        batches_in, batches_out = context.Pipe(duplex=False)
        results_in, results_out = context.Pipe(duplex=False)
        process = context.Process(
            target=_helper_main,
            args=(writer, make_document, batches_in, results_out, os.getpid()),
            daemon=True,
            name="alliance-search-writer",
        )
        process.start()
        batches_in.close()
        results_out.close()
        return cls(process, batches_out, results_in)

    def send(self, batch: list[Any]) -> None:
        try:
            self.batches.send(batch)
        except (BrokenPipeError, ConnectionResetError):
            self.read_progress(Progress(), block=True)
            raise RuntimeError(f"indexing in a helper process failed: {self._failure()}") from None

    def finish(self) -> None:
        """No more batches: the helper finalises its segment."""
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.batches.send(None)

    def read_progress(self, progress: Progress, block: bool) -> None:
        """Pass on the helper's progress; with ``block``, wait for its outcome."""
        while self.outcome is None and (block or self.results.poll()):
            try:
                message: tuple[str, Any] = self.results.recv()
            except EOFError:
                self.process.join()
                message = ("error", f"it died (exit code {self.process.exitcode})")
            if message[0] == "progress":
                progress.advance(message[1])
            else:
                self.outcome = message
        if self.outcome is not None and self.outcome[0] != "ok" and not block:
            raise RuntimeError(f"indexing in a helper process failed: {self._failure()}")

    def segment(self, progress: Progress) -> Any:
        """The helper's segment, once written."""
        self.read_progress(progress, block=True)
        if self.outcome is None or self.outcome[0] != "ok":
            raise RuntimeError(f"indexing in a helper process failed: {self._failure()}")
        return self.outcome[1]

    def _failure(self) -> str:
        return str(self.outcome[1]) if self.outcome else "it stopped"

    def stop(self) -> None:
        self.batches.close()
        self.results.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


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
    make_document: Callable[[Any], Document],
    batches: Connection,
    results: Connection,
    parent: int,
) -> None:
    _die_with_parent(parent)
    try:
        own = _segment_writer(writer)
        while (batch := batches.recv()) is not None:
            for item in batch:
                own.add_document(**make_document(item))
            results.send(("progress", len(batch)))
        results.send(("ok", own._finalize_segment()))
    except BaseException:
        with contextlib.suppress(OSError):
            results.send(("error", traceback.format_exc()))
    finally:
        results.close()
