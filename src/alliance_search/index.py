"""The Whoosh index: schema, build (atomic), open (version-checked), update, delete."""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import whoosh.index
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.query import Term

from . import _progress, _writer
from ._errors import (
    AllianceSearchError,
    IndexDamagedError,
    IndexNotFoundError,
    IndexVersionError,
    ThesaurusError,
)
from ._scoring import ScoreCache, TermScorer
from ._storage import MappedStorage
from .analysis import ANALYZER_VERSION, FrenchFrequency, Texts, french_analyzer
from .concepts import BUNDLED, Sense, Thesaurus, default_thesaurus, load_thesaurus
from .corpus import Article, checked, corpus_files, count_records, iter_corpus

if TYPE_CHECKING:
    from whoosh.searching import Searcher

    from .results import Results
    from .search import Year

__all__ = ["INDEX_FORMAT", "Index", "build_index", "default_index_dir", "open_index"]

log = logging.getLogger(__name__)

#: Bumped whenever the schema or stored fields change; stored in every index.
INDEX_FORMAT = 4
META_FILE = "alliance_search.json"
#: Batches at least this large are indexed by two processes when 2 cores are available.
PARALLEL_MIN_ARTICLES = 1000
LIST_SEPARATOR = "; "


def default_index_dir() -> Path:
    """Where the CLI keeps its index when ``--index`` is not given.

    ``$ALLIANCE_SEARCH_INDEX`` if set, else ``$XDG_CACHE_HOME/alliance_search/index``
    (``~/.cache/alliance_search/index``).

    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"ALLIANCE_SEARCH_INDEX": "", "XDG_CACHE_HOME": "/cache"}):
    ...     default_index_dir().as_posix()
    '/cache/alliance_search/index'
    """
    if os.environ.get("ALLIANCE_SEARCH_INDEX"):  # ~ too, which no shell expands in quotes
        return Path(os.environ["ALLIANCE_SEARCH_INDEX"]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "alliance_search" / "index"


#: Stored fields holding the texts an indexed field analysed (where phrases are checked).
PHRASE_SOURCES = {"exact": ("title", "summary", "keywords")}


def make_schema() -> Schema:
    """The Whoosh schema: one French analyzer shared by every analysed field."""
    analyzer = french_analyzer()

    def text(**options: Any) -> TEXT:
        field = TEXT(phrase=True, **{"analyzer": analyzer, **options})
        field.format = FrenchFrequency(field_boost=field.format.field_boost)
        return field

    return Schema(
        id=ID(stored=True, unique=True),
        title=text(stored=True),
        summary=text(stored=True),
        keywords=text(stored=True),
        section=ID(stored=True),
        journal=ID(stored=True),
        year=NUMERIC(int, stored=True, signed=False),
        concepts=KEYWORD(stored=True, commas=True, scorable=False),
        # Words as written (folded, not stemmed): exact-form matches score extra,
        # and spelling suggestions are drawn from this vocabulary; abbreviations
        # also as written in capitals (*^tsa*).
        exact=text(analyzer=french_analyzer(stem=False, cased=True)),
        dossier=STORED,
        issue=STORED,
        # Each author's name, folded (``author=`` filters on it).
        authors=TEXT(stored=True, analyzer=french_analyzer(stem=False), phrase=False),
        url=STORED,
    )


def _document(
    article: Article, concepts: Sequence[str] = (), senses: Sequence[Sense] = ()
) -> dict[str, Any]:
    """The fields of ``article``'s document, tagged with ``concepts``. The ``exact``
    field holds an abbreviation the article spells out (``senses``) by its sense
    there, and also as written where that sense is a concept of its own (see
    :attr:`Sense.keeps_written`). Where the thesaurus gives it to another concept, the
    analysed fields leave it out too."""
    renamed: dict[str, tuple[str, ...]] = {}
    for sense in senses:
        for form in (sense.written, sense.written + "s"):
            renamed[form] = (form, sense.term) if sense.keeps_written else (sense.term,)
    doc: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "summary": article.summary,
        "keywords": LIST_SEPARATOR.join(article.keywords),
        "section": article.section,
        "journal": article.journal,
        "concepts": ",".join(concepts),
        "exact": Texts(
            (article.title, article.summary, LIST_SEPARATOR.join(article.keywords)), renamed
        ),
        "dossier": article.dossier,
        "issue": article.issue,
        "authors": LIST_SEPARATOR.join(article.authors),
        "url": article.url,
    }
    foreign = [sense for sense in senses if sense.foreign]
    if foreign:  # nor are its uses words of the analysed fields (*TIC*, not *tic*)

        def skipped(surface: str) -> bool:
            return any(sense.writes(surface) for sense in foreign)

        for name in ("title", "summary", "keywords"):
            doc[f"_stored_{name}"] = doc[name]
            doc[name] = Texts((doc[name],), skipped=skipped)
    if article.year is not None:
        doc["year"] = article.year
    return doc


def article_from_stored(fields: dict[str, Any]) -> Article:
    """Rebuild an :class:`Article` from the stored fields of an indexed document."""

    def split(value: str | None) -> tuple[str, ...]:
        return tuple(v for v in (value or "").split(LIST_SEPARATOR) if v)

    return Article(
        id=fields["id"],
        title=fields.get("title", ""),
        summary=fields.get("summary", ""),
        section=fields.get("section", ""),
        dossier=fields.get("dossier", ""),
        journal=fields.get("journal", ""),
        issue=fields.get("issue", ""),
        year=fields.get("year"),
        authors=split(fields.get("authors")),
        keywords=split(fields.get("keywords")),
        url=fields.get("url", ""),
    )


def _meta() -> dict[str, Any]:
    from . import __version__

    return {
        "format": "alliance_search index",
        "index_format": INDEX_FORMAT,
        "analyzer_version": ANALYZER_VERSION,
        "library_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _thesaurus_meta(thesaurus: Thesaurus) -> dict[str, Any]:
    """What an index records of the thesaurus it is tagged with: its fingerprint, and
    the files it was loaded from (absolute), so that opening the index loads them
    again (see :func:`recorded_thesaurus`)."""
    meta: dict[str, Any] = {"thesaurus": thesaurus.fingerprint}
    files = [source for source in thesaurus.sources if source != BUNDLED]
    if files:  # a user's files, besides the bundled one or instead of it
        meta["thesaurus_files"] = [str(Path(file).resolve()) for file in files]
        meta["thesaurus_bundled"] = BUNDLED in thesaurus.sources
    return meta


def recorded_thesaurus(meta: dict[str, Any]) -> Thesaurus:
    """The thesaurus an index (described by ``meta``) was tagged with: the files it
    records, loaded again, or else the bundled thesaurus. Raises
    :class:`ThesaurusError` if those files can no longer be loaded."""
    files = meta.get("thesaurus_files")
    if not files:
        return default_thesaurus()
    return load_thesaurus(*files, bundled=bool(meta.get("thesaurus_bundled", True)))


def _write_meta(path: Path, meta: dict[str, Any]) -> None:
    """Replace the metadata file atomically (a reader sees the old or the new one)."""
    temporary = path / f".{META_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps(meta, indent=2, ensure_ascii=False), "utf-8")
    os.replace(temporary, path / META_FILE)


def _is_index_dir(path: Path) -> bool:
    return (path / META_FILE).is_file()


def _open_dir(path: Path, tries: int = 20) -> whoosh.index.FileIndex:
    """Open the Whoosh index at ``path``, retrying while a concurrent commit swaps files.

    Whoosh picks the newest table of contents by listing the directory, then opens it;
    a writer committing in between deletes that file. Its own ``reader()`` retries for
    this, its ``open_dir`` does not.
    """
    failures = 0
    while True:
        try:
            return MappedStorage(str(path)).open_index()
        except FileNotFoundError:
            failures += 1
            if failures >= tries or not _is_index_dir(path):
                raise
            time.sleep(0.05)


def _damaged(path: Path, exc: Exception) -> IndexDamagedError:
    """The error for an index whose files cannot be read."""
    return IndexDamagedError(
        f"the index at {path} cannot be read ({type(exc).__name__}: {exc}); rebuild it "
        f"from the corpus it records with `alliance-search check --index {path} --rebuild`"
    )


def _check_meta(path: Path) -> dict[str, Any]:
    """The index's metadata, checked: this version of the library can read it."""
    meta = read_meta(path)
    found = (meta.get("index_format"), meta.get("analyzer_version"))
    if found != (INDEX_FORMAT, ANALYZER_VERSION):
        raise IndexVersionError(
            f"the index at {path} was built by alliance_search {meta.get('library_version', '?')} "
            f"(index format {found[0]}, analyzer {found[1]}); this version needs format "
            f"{INDEX_FORMAT}, analyzer {ANALYZER_VERSION}. Rebuild it from the corpus it "
            f"records with `alliance-search check --index {path} --rebuild`"
        )
    return meta


def read_meta(path: Path) -> dict[str, Any]:
    """The metadata of the index at ``path``, whichever version wrote it."""
    if path.exists() and not path.is_dir():
        raise IndexNotFoundError(
            f"no index at {path}: it is a file; an index is a folder (build one with "
            "`alliance-search index CORPUS --index FOLDER`)"
        )
    if not path.is_dir():
        raise IndexNotFoundError(
            f"no index at {path}: build one with `alliance-search index CORPUS --index {path}` "
            "or alliance_search.build_index(...)"
        )
    meta_path = path / META_FILE
    if not meta_path.is_file():
        empty = not any(path.iterdir())
        where = f"there with `alliance-search index CORPUS --index {path}`"
        elsewhere = "in an empty or new folder: `alliance-search index CORPUS --index FOLDER`"
        raise IndexNotFoundError(
            f"{path} is not an alliance_search index (no {META_FILE}); build one "
            + (where if empty else elsewhere)
        )
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexVersionError(f"{meta_path} is unreadable ({exc}); rebuild the index") from None
    if not isinstance(meta, dict):
        raise IndexVersionError(f"{meta_path} is not an index description; rebuild the index")
    return meta


class Index:
    """A searchable collection of articles stored in a directory.

    Create one with :func:`build_index`, open one with :func:`open_index`.

    >>> index = build_index(load_corpus(), tmp_path / "index")
    >>> index.search("démence")[0].title
    'Alliance thérapeutique dans la démence'
    """

    def __init__(self, path: str | Path, thesaurus: Thesaurus | None = None) -> None:
        self.path = Path(path)
        self.meta = _check_meta(self.path)
        recorded = True  # whether the thesaurus the index records could be loaded
        if thesaurus is None:
            try:
                thesaurus = recorded_thesaurus(self.meta)
            except ThesaurusError as exc:
                log.warning(
                    "the index at %s was tagged with the thesaurus %s, which cannot be "
                    "loaded now (%s); searching with the bundled thesaurus",
                    self.path,
                    ", ".join(self.meta.get("thesaurus_files", ())),
                    exc,
                )
                thesaurus, recorded = default_thesaurus(), False
        self.thesaurus = thesaurus
        try:
            self._ix = _open_dir(self.path)
        except (FileNotFoundError, whoosh.index.EmptyIndexError) as exc:
            raise _damaged(self.path, exc) from None
        self._searcher: Searcher | None = None
        self._scores = ScoreCache()
        tagged_with = self.meta.get("thesaurus")
        if recorded and tagged_with and tagged_with != self.thesaurus.fingerprint:
            log.warning(
                "the index at %s was tagged with another thesaurus; concept filters, "
                "facets and the abbreviations articles spell out may be out of date "
                "until it is rebuilt",
                self.path,
            )

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        """Articles in the last committed state (the one searches see)."""
        return int(self.searcher().doc_count())

    def __repr__(self) -> str:
        return f"<Index {str(self.path)!r}: {len(self)} articles>"

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the open searcher and its files.

        >>> ix = build_index(load_corpus()[:3], tmp_path / "index-a-fermer")
        >>> len(ix)
        3
        >>> ix.close()  # ``with build_index(...) as ix:`` closes it too
        """
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
            self._scores = ScoreCache()

    def searcher(self) -> Searcher:
        """A Whoosh searcher on the last committed state, reused between queries.

        >>> index.searcher().doc_count()
        15
        """
        if self._searcher is None:
            try:
                self._searcher = _remembering(self._ix.searcher())
            except (FileNotFoundError, whoosh.index.EmptyIndexError) as exc:
                raise _damaged(self.path, exc) from None
        elif not self._searcher.up_to_date():
            self._searcher = _remembering(self._searcher.refresh())
            self._scores = ScoreCache()
        return self._searcher

    def _scorer(self) -> TermScorer:
        """A scorer for one query on the current searcher (norms and term scores shared)."""
        searcher = self.searcher()
        return TermScorer(searcher, self._scores, PHRASE_SOURCES)

    def __contains__(self, article_id: object) -> bool:
        return (
            isinstance(article_id, str)
            and self.searcher().document_number(id=article_id) is not None
        )

    def get(self, article_id: str) -> Article:
        """Return the article with this id (``KeyError`` if absent).

        >>> index.get("sm-alliance-therapeutique-dans-la-demence").title
        'Alliance thérapeutique dans la démence'
        """
        fields = self.searcher().document(id=article_id)
        if fields is None:
            raise KeyError(article_id)
        return article_from_stored(fields)

    def articles(self) -> Iterator[Article]:
        """Iterate over every indexed article (in index order).

        >>> [a.title for a in index.articles() if a.section == "et-aussi"][:2]
        ['Charcot, un crayon à la main', 'Le temps vécu dans la psychose']
        """
        for fields in self.searcher().all_stored_fields():
            yield article_from_stored(fields)

    def search(
        self,
        query: str,
        limit: int | None = 10,
        *,
        section: str | Sequence[str] | None = None,
        journal: str | None = None,
        year: Year | None = None,
        concept: str | Sequence[str] | None = None,
        author: str | Sequence[str] | None = None,
        expand: bool = True,
        concepts: Sequence[str] = (),
        related_weight: float = 0.4,
        narrower_weight: float = 0.6,
        broader_weight: float = 0.4,
        words_weight: float = 0.5,
        field_weights: dict[str, float] | None = None,
        proximity_weight: float = 0.5,
        coordination: float = 3.0,
        related_share: float = 0.6,
        rarity_weighting: float = 1.0,
        correct: bool = True,
    ) -> Results:
        """Rank articles for a French query (see :func:`alliance_search.search.search`
        for every option).

        ``section``, ``journal``, ``year`` (2009, or a span such as ``(2005, 2010)`` or
        ``(2005, None)``), ``concept`` and ``author`` (*Durand*, *M. Durand*) filter;
        ``concepts`` names concepts to search explicitly; ``expand=False`` searches the
        words only; ``correct=False`` searches misspelt words as typed (a suggestion is
        offered instead).

        >>> index.search("etats limites")[0].title
        'Etats limites et lien thérapeutique'
        """
        from .search import search

        return search(
            self,
            query,
            limit,
            section=section,
            journal=journal,
            year=year,
            concept=concept,
            author=author,
            expand=expand,
            concepts=concepts,
            related_weight=related_weight,
            narrower_weight=narrower_weight,
            broader_weight=broader_weight,
            words_weight=words_weight,
            field_weights=field_weights,
            proximity_weight=proximity_weight,
            coordination=coordination,
            related_share=related_share,
            rarity_weighting=rarity_weighting,
            correct=correct,
        )

    def more_like_this(self, article_id: str, limit: int = 5) -> Results:
        """Articles similar to ``article_id`` (shared distinctive words and concepts).

        >>> for hit in index.more_like_this("sm-etats-limites-et-lien-therapeutique", limit=2):
        ...     print(hit.title)
        L’alliance thérapeutique, un concept controversé
        L'alliance thérapeutique en question
        """
        from .search import more_like_this

        return more_like_this(self, article_id, limit)

    def suggest(self, query: str) -> str | None:
        """A spelling correction of ``query`` from the corpus and thesaurus, or ``None``.

        >>> index.suggest("alliance thérapeutque")
        'alliance thérapeutique'
        """
        from .spelling import suggest

        return suggest(self.searcher(), self.thesaurus, query)

    def correct(self, query: str) -> str | None:
        """``query`` with the misspellings that are safe to correct unasked, or ``None``
        (what :meth:`search` searches instead; see :func:`alliance_search.spelling.correct`).

        >>> index.correct("maladie d'Alsheimer"), index.correct("patients qui refusent")
        ("maladie d'Alzheimer", None)
        """
        from .spelling import correct

        return correct(self.searcher(), self.thesaurus, query)

    def concept_map(self) -> dict[str, list[str]]:
        """Article id → ids of the concepts it names (tagged at index time).

        >>> index.concept_map()["sm-alliance-therapeutique-dans-la-demence"]
        ['alliance-therapeutique', 'demence', 'temporalite', 'dignite']
        """
        return {
            fields["id"]: [c for c in (fields.get("concepts") or "").split(",") if c]
            for fields in self.searcher().all_stored_fields()
        }

    # ------------------------------------------------------------------ writing
    def _writer(self, timeout: float) -> _writer.Writer:
        return _writer.open_writer(self._ix, self.path, timeout)

    def update(
        self,
        articles: Iterable[Article],
        *,
        timeout: float = 10.0,
        procs: int | None = None,
        sources: Sequence[str | Path] = (),
        progress: bool | None = None,
        commit_every: int | None = None,
    ) -> int:
        """Add articles, replacing any already indexed with the same id; returns the count.

        All or nothing: if anything fails (or the process is killed), the index keeps
        its previous state. With ``commit_every``, the articles are committed that many
        at a time, and a failure loses only the batch being written (the error says
        how many were committed). Within one call, the last article given for an id wins.
        ``procs`` sets the number of indexing processes, each writing a segment
        (default: 2 for 1,000 articles or more on a machine with 2 cores or more).
        If another process is writing, waits up to ``timeout`` seconds, then raises
        :class:`IndexLockedError`. ``sources`` (the corpus files the articles came
        from) are recorded in the index so that ``alliance-search check`` can
        compare and rebuild. ``progress``: show a progress bar (None: for 1,000
        articles or more, in a terminal or Jupyter, when tqdm is installed).

        >>> ix = build_index(load_corpus()[:3], tmp_path / "index-a-completer")
        >>> ix.update([Article(id="sm-nouveau", title="Alliance thérapeutique et adolescence")])
        1
        >>> len(ix), ix.search("adolescence").ids
        (4, ['sm-nouveau'])
        """
        if isinstance(articles, str | Path):
            raise AllianceSearchError(
                f"update() takes articles, not a path ({str(articles)!r:.60}); to index "
                "corpus files, use add_files()"
            )
        valid = (checked(article, number) for number, article in enumerate(articles, 1))
        batch = list({article.id: article for article in valid}.values())
        return self._write(batch, len(batch), timeout, procs, sources, progress, commit_every)

    def add_files(
        self,
        *paths: str | Path,
        timeout: float = 10.0,
        procs: int | None = None,
        progress: bool | None = None,
        commit_every: int | None = None,
    ) -> int:
        """Add (or replace) the articles of corpus files, read as they are indexed.

        The streaming form of ``update(load_corpus(*paths))``: memory stays flat
        however large the files. A bad record stops the run and nothing is
        committed, as with :meth:`update`, or, with ``commit_every``, nothing of the
        batch it is in; the files are recorded as sources.

        >>> from alliance_search import bundled_corpus_path
        >>> ix = build_index(load_corpus()[:3], tmp_path / "index-a-remplir")
        >>> ix.add_files(bundled_corpus_path())  # 3 articles replaced, 12 added
        15
        """
        total = count_records(*paths)
        return self._write(
            iter_corpus(*paths), total, timeout, procs, paths, progress, commit_every
        )

    def _write(
        self,
        articles: Iterable[Article],
        total: int | None,
        timeout: float,
        procs: int | None,
        sources: Sequence[str | Path],
        progress: bool | None,
        commit_every: int | None = None,
    ) -> int:
        """Index articles whose ids are unique: in one commit, or in one commit every
        ``commit_every`` articles."""
        if commit_every is not None and (
            isinstance(commit_every, bool) or not isinstance(commit_every, int) or commit_every < 1
        ):
            raise AllianceSearchError(
                f"commit_every must be a whole number ≥ 1 or None, got {commit_every!r}"
            )
        if procs is None:
            large = total is None or total >= PARALLEL_MIN_ARTICLES
            procs = 2 if large and (os.cpu_count() or 1) >= 2 else 1
        if not _writer.can_fork() or (total is not None and total < 2):
            procs = 1
        with _progress.progress(total, progress) as bar:
            if commit_every is None:
                count = self._commit(articles, timeout, procs, sources, bar)
            else:
                count = 0
                remaining = iter(articles)
                try:
                    while (first := next(remaining, None)) is not None:
                        batch = chain([first], islice(remaining, commit_every - 1))
                        count += self._commit(batch, timeout, procs, sources, bar)
                except BaseException as exc:
                    if count:
                        exc.add_note(
                            f"the {count:,} articles before this batch of {commit_every:,} "
                            f"were committed; running the same update again replaces them"
                        )
                    raise
        log.info("indexed %d articles into %s", count, self.path)
        return count

    def _commit(
        self,
        articles: Iterable[Article],
        timeout: float,
        procs: int,
        sources: Sequence[str | Path],
        bar: _progress.Progress,
    ) -> int:
        """Index articles in one commit; nothing is committed if anything fails."""
        writer = self._writer(timeout)
        try:
            bar.phase("indexing")
            if procs > 1:
                count = _writer.write_parallel(
                    writer, articles, self._document, lambda a: a.id, procs, bar
                )
            else:
                count = 0
                for article in articles:
                    writer.replace(article.id)
                    writer.add_document(**self._document(article))
                    count += 1
                    bar.advance()
                bar.phase("writing the index")
            if sources:
                self._record_sources(sources)
            _writer.release(writer, self.path, commit=True)
        except BaseException:
            if not writer.is_closed:
                _writer.release(writer, self.path, commit=False)
            raise
        return count

    def optimize(self, *, timeout: float = 10.0) -> None:
        """Merge the index's segments into one (faster searches after many updates).

        >>> from alliance_search import check_index
        >>> ix = build_index(load_corpus()[:3], tmp_path / "index-a-optimiser")
        >>> ix.update(load_corpus()[3:5])
        2
        >>> check_index(ix.path).segments
        2
        >>> ix.optimize()
        >>> check_index(ix.path).segments
        1
        """
        _writer.release(self._writer(timeout), self.path, commit=True, optimize=True)

    def delete(self, ids: Iterable[str], *, timeout: float = 10.0) -> int:
        """Delete articles by id; returns how many were found and deleted.

        >>> ix = build_index(load_corpus()[:3], tmp_path / "index-a-elaguer")
        >>> ix.delete(["sm-l-alliance-therapeutique-en-question", "sm-inconnu"])
        1
        >>> len(ix)
        2
        """
        if isinstance(ids, str):  # one id
            ids = [ids]
        if not isinstance(ids, Iterable):
            raise AllianceSearchError(f"delete() takes a list of ids, got {ids!r:.40}")
        writer = self._writer(timeout)
        deleted = 0
        try:
            for article_id in ids:
                deleted += writer.delete_by_query(Term("id", article_id))
        except BaseException:
            _writer.release(writer, self.path, commit=False)
            raise
        _writer.release(writer, self.path, commit=True)
        return deleted

    def _record_sources(self, sources: Sequence[str | Path]) -> None:
        known = list(self.meta.get("corpus", []))
        for source in sources:
            resolved = str(Path(source).resolve())
            if resolved in known:
                known.remove(resolved)  # keep the order in which files were last applied
            known.append(resolved)
        self.meta = {**self.meta, "corpus": known}
        _write_meta(self.path, self.meta)

    def _document(self, article: Article) -> dict[str, Any]:
        texts = (article.title, article.summary, *article.keywords)
        return _document(article, self.thesaurus.tag(*texts), self.thesaurus.senses(*texts))


def open_index(path: str | Path, thesaurus: Thesaurus | None = None) -> Index:
    """Open an existing index, checking that this version of the library can read it.

    >>> open_index("/nowhere")
    Traceback (most recent call last):
    ...
    alliance_search._errors.IndexNotFoundError: no index at /nowhere: ...
    """
    return Index(path, thesaurus)


#: Document frequencies a searcher remembers (a query looks up those of every name,
#: narrower and related term of its concepts, in four fields).
FREQUENCY_CACHE = 65_536


def _remembering(searcher: Searcher) -> Searcher:
    """``searcher``, its reader remembering the document frequencies it looked up.

    They cannot change under one searcher (a commit gives a new one); a segment
    lookup each, summed over segments, they took a tenth of a concept query."""
    reader = searcher.reader()
    reader.doc_frequency = functools.lru_cache(maxsize=FREQUENCY_CACHE)(reader.doc_frequency)
    return searcher


def build_index(
    source: Iterable[Article] | str | Path | Sequence[str | Path],
    path: str | Path,
    *,
    thesaurus: Thesaurus | None = None,
    sources: Sequence[str | Path] = (),
    progress: bool | None = None,
) -> Index:
    """Build (or replace) the index at ``path`` from articles or from corpus files.

    Corpus files (a path, or a list of paths) are read as they are indexed, so
    memory stays flat however large they are. The new index is written beside
    ``path`` and swapped in only when complete, so an error while building (a bad
    record, or a killed process) leaves any previous index untouched. The corpus
    files (or ``sources``) are recorded in the index for ``alliance-search check``.
    ``progress`` as in :meth:`Index.update`.

    >>> index = build_index(load_corpus(), tmp_path / "index")
    >>> len(build_index("corpus", tmp_path / "from-files"))
    15
    """
    files = _corpus_paths(source)
    if files is None:
        articles = list(cast(Iterable[Article], source))
    else:
        for file in files:  # fail early on a missing or unsupported path
            corpus_files(Path(file))
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise AllianceSearchError(f"{target} exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not _is_index_dir(target):
        raise AllianceSearchError(
            f"{target} is a non-empty folder that is not an alliance_search index; "
            "choose an empty or new folder"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(target)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{target.name}.building-{os.getpid()}-", dir=target.parent)
    )
    try:
        whoosh.index.create_in(str(staging), make_schema())
        thesaurus = thesaurus or default_thesaurus()
        meta = {**_meta(), **_thesaurus_meta(thesaurus)}
        _write_meta(staging, meta)
        with Index(staging, thesaurus) as fresh:
            if files is None:
                fresh.update(articles, sources=sources, progress=progress)
            else:
                fresh.add_files(*files, progress=progress)
        _swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Index(target, thesaurus)


def _remove_abandoned_builds(target: Path) -> None:
    """Delete the staging folders of builds whose process has ended (killed)."""
    for leftover in target.parent.glob(f".{target.name}.building-*-*"):
        pid = leftover.name.rsplit(".building-", 1)[1].split("-", 1)[0]
        if pid.isdigit() and not _writer.process_exists(int(pid)):
            log.info("removing %s, left by an interrupted build", leftover)
            shutil.rmtree(leftover, ignore_errors=True)


def _corpus_paths(source: object) -> list[str | Path] | None:
    """The corpus files ``source`` names (a path or a list of paths), or None."""
    if isinstance(source, str | Path):
        return [source]
    if (
        isinstance(source, list | tuple)
        and source
        and all(isinstance(item, str | Path) for item in source)
    ):
        return list(source)
    return None


def _swap_into_place(staging: Path, target: Path) -> None:
    if not target.exists():
        os.replace(staging, target)
        return
    retired = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.replace(target, retired)
    os.replace(staging, target)
    shutil.rmtree(retired, ignore_errors=True)
