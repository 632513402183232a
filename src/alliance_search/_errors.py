"""Exceptions raised for mistakes a user can make (bad corpus, missing index, ...)."""

from __future__ import annotations


class AllianceSearchError(Exception):
    """Base class of every error alliance_search raises for a user mistake.

    >>> try:
    ...     index.search("alliance thérapeutique", limit=-1)
    ... except AllianceSearchError as erreur:
    ...     print(erreur)
    limit must be a whole number ≥ 0 or None, got -1
    """


class CorpusError(AllianceSearchError, ValueError):
    """A corpus file or record is invalid; the message names file, line and field.

    >>> from alliance_search import Article
    >>> Article.from_mapping({"id": "sm-1", "title": ""}, source="revue.jsonl", line=3)
    Traceback (most recent call last):
    ...
    alliance_search._errors.CorpusError: revue.jsonl, line 3, field 'title': is required and ...
    """

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
    """The index directory does not exist or holds no alliance_search index.

    >>> from alliance_search import open_index
    >>> open_index("index-introuvable")
    Traceback (most recent call last):
    ...
    alliance_search._errors.IndexNotFoundError: no index at index-introuvable: build one with ...
    """


class IndexVersionError(AllianceSearchError):
    """The index was built by an incompatible version and must be rebuilt.

    >>> from alliance_search import open_index
    >>> ancien = tmp_path / "index-ancien"
    >>> ancien.mkdir()
    >>> _ = (ancien / "alliance_search.json").write_text('{"index_format": 1}', "utf-8")
    >>> open_index(ancien)
    Traceback (most recent call last):
    ...
    alliance_search._errors.IndexVersionError: the index at ... (index format 1, analyzer None); ...
    """


class IndexDamagedError(AllianceSearchError):
    """The index files cannot be read (a file missing or cut short); the message says
    how to rebuild it."""


class IndexLockedError(AllianceSearchError):
    """Another process is writing the index.

    >>> import whoosh.index
    >>> ix = build_index(load_corpus()[:3], tmp_path / "index-verrouille")
    >>> autre = whoosh.index.open_dir(str(ix.path)).writer()  # another writer takes the lock
    >>> ix.delete(["sm-l-alliance-therapeutique-en-question"], timeout=0)
    Traceback (most recent call last):
    ...
    alliance_search._errors.IndexLockedError: the index at ... is being written by ...
    >>> autre.cancel()
    """


class UnknownConceptError(AllianceSearchError, KeyError):
    """No concept of the thesaurus has this id, label or synonym; the message offers
    close ones.

    >>> from alliance_search import default_thesaurus
    >>> default_thesaurus()["crayon"]
    Traceback (most recent call last):
    ...
    alliance_search._errors.UnknownConceptError: unknown concept 'crayon'...
    """

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0]) if self.args else ""


class ThesaurusError(AllianceSearchError, ValueError):
    """A thesaurus file is malformed; the message names the concept and field.

    >>> from alliance_search import load_thesaurus
    >>> fichier = tmp_path / "mon-thesaurus.toml"
    >>> _ = fichier.write_text('[concepts.Etat-Limite]\\nlabel = "état limite"\\n', "utf-8")
    >>> load_thesaurus(fichier)
    Traceback (most recent call last):
    ...
    alliance_search._errors.ThesaurusError: ...: concept 'Etat-Limite': ids are lowercase ASCII ...
    """


class MissingExtraError(AllianceSearchError, ImportError):
    """An optional dependency is missing; the message names the extra that installs it.

    >>> import sys
    >>> from unittest import mock
    >>> with mock.patch.dict(sys.modules, {"pandas": None}):  # as if pandas were not installed
    ...     index.search("démence").to_pandas()
    Traceback (most recent call last):
    ...
    alliance_search._errors.MissingExtraError: to_pandas() needs pandas: pip install ...
    """
