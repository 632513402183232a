"""Compound segments read through memory maps, without copying their parts.

Whoosh assembles each segment into one compound ``.seg`` file, maps it, and serves
each part through a ``BytesIO`` made from the map, which copies the part into memory:
a search session on the 100,000-summary benchmark index held about 136 MB of such
copies, and every searcher after a commit made its own. :class:`MappedStorage`
hands Whoosh the ``.seg`` file without a descriptor, so that Whoosh asks the file
for each part (``subset``), and the file answers with :class:`PartMap`: a read-only
map of that part alone, whose pages are the operating system's file cache. The
descriptor stays open as long as the segment's storage, as Whoosh keeps it: a part
first read after a merge deleted the file still reads (as with Whoosh's own map).
Each map holds a descriptor of its own (a segment has about seven parts, Whoosh's
single map held one).
"""

from __future__ import annotations

import contextlib
import mmap
import os
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile, StructFile

__all__ = ["MappedStorage", "PartMap"]


class PartMap(BufferFile):  # type: ignore[misc]
    """One part of a compound file, ``length`` bytes at ``offset``, as a read-only map.

    Maps start at a multiple of the allocation granularity: positions in the part are
    shifted by the bytes mapped before it. The map is Whoosh's file too (read,
    readline, seek and tell are the map's, with positions shifted)."""

    def __init__(self, fileno: int, offset: int, length: int, name: str | None = None) -> None:
        start = offset - offset % mmap.ALLOCATIONGRANULARITY
        self._shift = offset - start
        self._length = length
        self._map = mmap.mmap(fileno, self._shift + length, access=mmap.ACCESS_READ, offset=start)
        self._map.seek(self._shift)
        self._buf = self._map
        self.file = self._map
        self._name = name
        self.onclose = None
        self.is_real = False
        self.is_closed = False

    def get(self, position: int, length: int) -> bytes:
        start = self._shift + position
        return self._map[start : start + length]

    def seek(self, position: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            position += self._map.tell()
        elif whence == os.SEEK_END:
            position += self._shift + self._length
        else:
            position += self._shift
        self._map.seek(position)
        return self.tell()

    def tell(self) -> int:
        return int(self._map.tell() - self._shift)

    def subset(self, position: int, length: int, name: str | None = None) -> BufferFile:
        return BufferFile(self.get(position, length), name=name or self._name)

    def close(self) -> None:
        if not self.is_closed:
            self.is_closed = True
            with contextlib.suppress(BufferError):  # a view still alive keeps it
                self._map.close()


class _CompoundFile(StructFile):  # type: ignore[misc]
    """A ``.seg`` file whose parts open as :class:`PartMap`. It shows Whoosh no
    descriptor (``fileno``), so that Whoosh does not map it whole and copy parts."""

    def __init__(self, raw: Any, name: str | None = None) -> None:
        super().__init__(raw, name=name)
        self._raw = raw
        if hasattr(self, "fileno"):
            del self.fileno
        self.is_real = False

    def subset(self, offset: int, length: int, name: str | None = None) -> StructFile:
        if length <= 0:
            return BufferFile(b"", name=name or self._name)
        return PartMap(self._raw.fileno(), offset, length, name=name or self._name)


class MappedStorage(FileStorage):  # type: ignore[misc]
    """Whoosh's file storage, its compound segments read part by part through maps."""

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        if name.endswith(".seg") and not kwargs:
            return _CompoundFile(open(self._fpath(name), "rb"), name=name)
        return super().open_file(name, **kwargs)
