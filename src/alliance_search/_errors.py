"""Exceptions raised for mistakes a user can make (bad corpus, missing index, ...)."""

from __future__ import annotations


class AllianceSearchError(Exception):
    """Base class of every error alliance_search raises for a user mistake."""


class CorpusError(AllianceSearchError, ValueError):
    """A corpus file or record is invalid; the message names file, line and field."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.field = field
        where = ", ".join(
            part
            for part in (
                source,
                f"line {line}" if line is not None else None,
                f"field {field!r}" if field else None,
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class IndexNotFoundError(AllianceSearchError, FileNotFoundError):
    """The index directory does not exist or holds no alliance_search index."""


class IndexVersionError(AllianceSearchError):
    """The index was built by an incompatible version and must be rebuilt."""


class IndexLockedError(AllianceSearchError):
    """Another process is writing the index."""


class ThesaurusError(AllianceSearchError, ValueError):
    """A thesaurus file is malformed; the message names the concept and field."""


class MissingExtraError(AllianceSearchError, ImportError):
    """An optional dependency is missing; the message names the extra that installs it."""
