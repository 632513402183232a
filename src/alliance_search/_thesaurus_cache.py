"""A cache of built thesauri between runs, so that a terminal search does not parse,
check and analyse the 998 concepts of the bundled thesaurus each time.

What is cached is plain data (JSON, never pickle: a cache file cannot run code),
under a key that covers all that the built thesaurus depends on: the names and
contents of its files, the code and data of this package that check and analyse
them, the stemmer and the accent-folding library, and Python's version. A file that
is absent, stale, corrupt or unreadable is a miss, and a folder that cannot be
written is no error: the thesaurus is then built as without a cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import unidecode

from .analysis import _STEMMER, ANALYZER_VERSION

__all__ = ["CACHE_ENV", "cache_dir", "cache_key", "read", "write"]

#: The environment variable naming the folder of :func:`cache_dir` (``off``: none).
CACHE_ENV = "ALLIANCE_SEARCH_THESAURUS_CACHE"
#: Bumped whenever the cache files change shape.
_FORMAT = 2
#: How many built thesauri the cache folder keeps: the last written.
KEPT = 8
#: The files of this package that the building of a thesaurus depends on.
_BUILT_BY = ("concepts.py", "analysis.py", "data/stopwords_fr.txt", "data/stem_families_fr.txt")


def cache_dir() -> Path | None:
    """Where built thesauri are kept: ``$ALLIANCE_SEARCH_THESAURUS_CACHE`` if set
    (``off``: nowhere), else ``$XDG_CACHE_HOME/alliance_search/thesaurus``
    (``~/.cache/alliance_search/thesaurus``).

    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {CACHE_ENV: "", "XDG_CACHE_HOME": "/cache"}):
    ...     cache_dir().as_posix()
    '/cache/alliance_search/thesaurus'
    >>> with mock.patch.dict(os.environ, {CACHE_ENV: "OFF"}):
    ...     cache_dir() is None
    True
    """
    folder = os.environ.get(CACHE_ENV)
    if folder is not None and folder.strip().lower() == "off":
        return None
    if folder:
        return Path(folder).expanduser()
    try:
        cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    except RuntimeError:  # no home folder
        return None
    return Path(cache) / "alliance_search" / "thesaurus"


def cache_key(texts: list[tuple[str, str]], detection_version: int) -> str | None:
    """A hash of all that the thesaurus of ``texts`` (the names and contents of its
    files) is built from; ``None`` if the package's files cannot be read (nothing is
    cached then)."""
    from . import __version__

    package = resources.files("alliance_search")
    stemmer = sys.modules.get(type(_STEMMER).__module__)
    stamp: list[Any] = [
        _FORMAT,
        __version__,
        ANALYZER_VERSION,
        detection_version,
        sys.version,
        [(source, hashlib.sha256(text.encode()).hexdigest()) for source, text in texts],
    ]
    try:
        for name in _BUILT_BY:
            stamp.append(hashlib.sha256(package.joinpath(name).read_bytes()).hexdigest())
        # installed anew, a library's files are written anew
        for module in (stemmer, unidecode):
            path = getattr(module, "__file__", None) or ""
            file = os.stat(path)
            stamp.append((path, file.st_size, file.st_mtime_ns))
    except OSError:
        return None
    return hashlib.sha256(json.dumps(stamp).encode()).hexdigest()


def _file(folder: Path, key: str) -> Path:
    return folder / f"thesaurus-{key[:32]}.cache"


def _head(key: str, body: bytes) -> bytes:
    """The first line of a cache file: its key, and a hash of the rest (its body)."""
    return f"{key} {hashlib.sha256(body).hexdigest()}".encode()


def read(key: str) -> Any:
    """The data kept under ``key``, or ``None`` if there is none (or a file that
    cannot be read as such: another key, or a body that its hash does not match)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        head, _, body = _file(folder, key).read_bytes().partition(b"\n")
        if head != _head(key, body):
            return None
        return json.loads(body)
    except (OSError, ValueError):  # absent, unreadable, not JSON: built again
        return None


def write(key: str, data: Any) -> None:
    """Keep ``data`` under ``key``, if the folder can be written; remove the files
    written longest ago beyond :data:`KEPT`."""
    folder = cache_dir()
    if folder is None:
        return
    temporary = None
    try:
        body = json.dumps(data, ensure_ascii=False).encode()
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=folder, prefix=".thesaurus-", suffix=".tmp", delete=False
        ) as file:
            temporary = Path(file.name)
            file.write(_head(key, body) + b"\n" + body)
        os.replace(temporary, _file(folder, key))
        kept = sorted(
            folder.glob("thesaurus-*.cache"), key=lambda path: path.stat().st_mtime, reverse=True
        )
        for old in kept[KEPT:]:
            old.unlink(missing_ok=True)
    except (OSError, ValueError):  # not written: built again next time
        if temporary is not None:
            temporary.unlink(missing_ok=True)
