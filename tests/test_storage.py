"""Compound segments read part by part through memory maps: same bytes, no copies."""

from __future__ import annotations

import mmap
import pickle
from pathlib import Path

from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage

import alliance_search as als
from alliance_search._storage import MappedStorage, PartMap

from .conftest import DEMENTIA


def test_a_part_at_any_offset_reads_as_a_file_of_its_own(tmp_path: Path) -> None:
    before = b"x" * (mmap.ALLOCATIONGRANULARITY + 123)  # the part starts off a boundary
    record = pickle.dumps({"terme": "démence"})
    part = b"\x00\x00\x00\x07" + record + b"fin"
    path = tmp_path / "segment.bin"
    path.write_bytes(before + part + b"suite")
    with path.open("rb") as raw:
        mapped = PartMap(raw.fileno(), len(before), len(part), name="part")
    assert mapped.tell() == 0 and mapped.get(0, 4) == b"\x00\x00\x00\x07"
    assert mapped.read_int() == 7  # reads where it stands
    assert mapped.read_pickle() == {"terme": "démence"}
    assert mapped.read(3) == b"fin" and mapped.read(10) == b""  # its end, not the file's
    assert mapped.seek(-3, 2) == len(part) - 3 and mapped.read(3) == b"fin"
    assert mapped.seek(4) == 4 and mapped.seek(len(record), 1) == 4 + len(record)
    assert mapped.subset(4 + len(record), 3).get(0, 3) == b"fin"
    mapped.close()
    assert mapped.is_closed


def test_an_index_reads_the_same_bytes_without_copying_its_parts(
    tmp_path: Path, seed_articles
) -> None:
    """Whoosh maps a compound segment whole and copies each part it opens into a
    ``BytesIO``; the index maps each part instead, to the same bytes."""
    index = als.build_index(seed_articles, tmp_path / "ix")
    assert isinstance(als.open_index(index.path)._ix.storage, MappedStorage)
    segments = sorted(p.name for p in index.path.glob("*.seg"))
    assert segments
    for name in segments:
        theirs = CompoundStorage(FileStorage(str(index.path)).open_file(name))
        ours = CompoundStorage(MappedStorage(str(index.path)).open_file(name))
        assert ours._source is None  # not mapped whole: parts are asked for one by one
        for part in theirs.list():
            mine = ours.open_file(part)
            assert isinstance(mine, PartMap) or ours.file_length(part) == 0
            length = theirs.file_length(part)
            assert mine.get(0, length) == theirs.open_file(part).get(0, length)
        ours.close()
        theirs.close()


def test_parts_first_read_after_a_merge_deleted_the_segment_still_read(
    tmp_path: Path, seed_articles
) -> None:
    """A searcher keeps its segment files open: stored texts it reads for the first
    time after another writer merged and deleted those files are still there."""
    als.build_index(seed_articles, tmp_path / "ix").close()
    index = als.open_index(tmp_path / "ix")
    index.searcher()  # opens the segments: their terms and postings, not yet the rest
    for segment in index.path.glob("*.seg"):
        segment.unlink()
    results = index.search("démence")  # field lengths and stored texts read now
    assert results[0].id == DEMENTIA and "dément" in results[0].snippet
