"""Peer search engines behind one small interface, for ranking-quality comparisons.

Each system indexes the title and summary of ``{"id", "title", "summary"}`` dicts (other
keys are ignored) and returns document ids, best first. Every peer is configured for
French the way its own documentation suggests. Optional packages (tantivy, bm25s,
PyStemmer, alliance_search itself) are imported defensively: a system whose package is
missing reports it through ``missing`` instead of failing at import time.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

try:
    from whoosh import index as whoosh_index
    from whoosh.analysis import LanguageAnalyzer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import MultifieldParser, OrGroup
except ImportError:  # pragma: no cover - whoosh is a dependency of the project
    whoosh_index = None

try:
    import tantivy
except ImportError:
    tantivy = None

try:
    import bm25s
    import Stemmer
except ImportError:
    bm25s = None
    Stemmer = None

try:
    import psycopg2
except ImportError:
    psycopg2 = None

try:
    import alliance_search as als

    _ALS_MISSING = (
        None
        if hasattr(als, "Article") and hasattr(als, "build_index")
        else "alliance_search does not export Article and build_index yet"
    )
except Exception as exc:  # the library is under development: never break the peers
    als = None
    _ALS_MISSING = f"alliance_search cannot be imported ({type(exc).__name__}: {exc})"

__all__ = [
    "BM25S",
    "SYSTEMS",
    "AllianceSearch",
    "PostgresFTS",
    "SQLiteFTS5",
    "System",
    "Tantivy",
    "WhooshFrench",
    "make_system",
]

_FIELDS = ("title", "summary")


@runtime_checkable
class System(Protocol):
    """A search engine that can index documents and answer queries."""

    name: str

    def index(self, docs: list[dict], workdir: Path) -> None:
        """Index ``docs`` (dicts with id, title, summary), using ``workdir`` for files."""
        ...

    def search(self, query: str, k: int) -> list[str]:
        """Return the ids of the ``k`` best documents for ``query``, best first."""
        ...


def _text(doc: dict, field: str) -> str:
    value = doc.get(field)
    return value if isinstance(value, str) else ""


class WhooshFrench:
    """Whoosh with ``LanguageAnalyzer('fr')`` on title and summary, OR query, BM25F."""

    name = "whoosh"
    missing: ClassVar[str | None] = None if whoosh_index is not None else "whoosh not installed"

    def __init__(self) -> None:
        self._searcher: Any = None
        self._parser: Any = None

    def index(self, docs: list[dict], workdir: Path) -> None:
        analyzer = LanguageAnalyzer("fr")
        schema = Schema(
            id=ID(stored=True, unique=True),
            title=TEXT(analyzer=analyzer),
            summary=TEXT(analyzer=analyzer),
        )
        path = workdir / "whoosh"
        path.mkdir(parents=True, exist_ok=True)
        ix = whoosh_index.create_in(str(path), schema)
        with ix.writer() as writer:
            for doc in docs:
                writer.add_document(
                    id=str(doc["id"]), title=_text(doc, "title"), summary=_text(doc, "summary")
                )
        self._searcher = ix.searcher()  # default weighting: BM25F
        self._parser = MultifieldParser(list(_FIELDS), schema, group=OrGroup)

    def open(self, workdir: Path) -> None:
        """Open the index that :meth:`index` wrote in ``workdir``, as a new session would."""
        ix = whoosh_index.open_dir(str(workdir / "whoosh"))
        self._searcher = ix.searcher()
        self._parser = MultifieldParser(list(_FIELDS), ix.schema, group=OrGroup)

    def search(self, query: str, k: int) -> list[str]:
        parsed = self._parser.parse(query)
        return [hit["id"] for hit in self._searcher.search(parsed, limit=k)]

    def close(self) -> None:
        """Release the searcher's open files."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


# Characters with a meaning in tantivy's query language (quotes, field:, (groups), +/-,
# ranges, boosts, fuzziness, wildcards, regexes...). Only letters and digits are kept;
# the French analyzer splits on the same characters anyway.
_TANTIVY_SYNTAX = re.compile(r"[^\w]+|_")
_TANTIVY_OPERATORS = {"AND", "OR", "NOT", "IN", "TO"}


class Tantivy:
    """tantivy-py with a French analyzer (stop words, Snowball stemmer, ASCII folding)."""

    name = "tantivy"
    missing: ClassVar[str | None] = None if tantivy is not None else "tantivy not installed"

    def __init__(self) -> None:
        self._index: Any = None
        self.errors = 0  # queries the parser still rejected after escaping

    @staticmethod
    def _analyzer() -> Any:
        return (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stopword("french"))
            .filter(tantivy.Filter.stemmer("french"))
            .filter(tantivy.Filter.ascii_fold())
            .build()
        )

    def index(self, docs: list[dict], workdir: Path) -> None:
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        for field in _FIELDS:
            builder.add_text_field(field, tokenizer_name="fr")
        schema = builder.build()
        path = workdir / "tantivy"
        path.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(schema, path=str(path), reuse=False)
        index.register_tokenizer("fr", self._analyzer())
        writer = index.writer()
        for doc in docs:
            writer.add_document(
                tantivy.Document(
                    id=str(doc["id"]), title=_text(doc, "title"), summary=_text(doc, "summary")
                )
            )
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        self._index = index

    def open(self, workdir: Path) -> None:
        """Open the index that :meth:`index` wrote in ``workdir``."""
        index = tantivy.Index.open(str(workdir / "tantivy"))
        index.register_tokenizer("fr", self._analyzer())
        self._index = index

    @staticmethod
    def escape(query: str) -> str:
        """Reduce a user query to plain words the tantivy query parser accepts."""
        words = _TANTIVY_SYNTAX.sub(" ", query).split()
        return " ".join(w.lower() if w in _TANTIVY_OPERATORS else w for w in words)

    def search(self, query: str, k: int) -> list[str]:
        text = self.escape(query)
        if not text:
            return []
        try:
            parsed = self._index.parse_query(text, list(_FIELDS))
            searcher = self._index.searcher()
            hits = searcher.search(parsed, limit=k).hits
        except ValueError:
            self.errors += 1
            return []
        return [searcher.doc(address)["id"][0] for _score, address in hits]


class BM25S:
    """bm25s (Lucene BM25) over title + summary with French stop words and Snowball stemmer."""

    name = "bm25s"
    missing: ClassVar[str | None] = (
        None if bm25s is not None else "bm25s or PyStemmer not installed"
    )

    def __init__(self) -> None:
        self._retriever: Any = None
        self._stemmer: Any = None
        self._ids: list[str] = []

    def _tokenize(self, texts: list[str], *, return_ids: bool) -> Any:
        return bm25s.tokenize(
            texts,
            stopwords="fr",
            stemmer=self._stemmer,
            return_ids=return_ids,
            show_progress=False,
        )

    def index(self, docs: list[dict], workdir: Path) -> None:
        self._stemmer = Stemmer.Stemmer("french")
        self._ids = [str(doc["id"]) for doc in docs]
        corpus = [f"{_text(doc, 'title')} {_text(doc, 'summary')}" for doc in docs]
        self._retriever = bm25s.BM25()
        self._retriever.index(self._tokenize(corpus, return_ids=True), show_progress=False)

    def search(self, query: str, k: int) -> list[str]:
        if not self._ids:
            return []
        tokens = self._tokenize([query], return_ids=False)
        if not any(tokens[0]):
            return []
        k = min(k, len(self._ids))  # bm25s refuses k larger than the corpus
        results = self._retriever.retrieve(tokens, k=k, show_progress=False)
        # Unmatched documents fill the top k with a score of 0: they are not results.
        return [
            self._ids[int(i)]
            for i, score in zip(results.documents[0], results.scores[0], strict=True)
            if score > 0
        ]


_FTS_WORD = re.compile(r"\w")


class SQLiteFTS5:
    """SQLite FTS5 (``unicode61 remove_diacritics 2``), words OR-ed, ranked by ``bm25()``."""

    name = "sqlite"
    missing: ClassVar[str | None] = None

    def __init__(self) -> None:
        self._db: sqlite3.Connection | None = None

    def index(self, docs: list[dict], workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        path = workdir / "fts5.sqlite"
        path.unlink(missing_ok=True)
        db = sqlite3.connect(path)
        db.execute(
            "CREATE VIRTUAL TABLE fts USING fts5("
            "id UNINDEXED, title, summary, tokenize = 'unicode61 remove_diacritics 2')"
        )
        with db:
            db.executemany(
                "INSERT INTO fts (id, title, summary) VALUES (?, ?, ?)",
                ((str(d["id"]), _text(d, "title"), _text(d, "summary")) for d in docs),
            )
        self._db = db

    def open(self, workdir: Path) -> None:
        """Open the database that :meth:`index` wrote in ``workdir``."""
        self._db = sqlite3.connect(workdir / "fts5.sqlite")

    @staticmethod
    def match_expression(query: str) -> str:
        """FTS5 MATCH expression: every whitespace-separated word double-quoted, OR-ed."""
        words = [w for w in query.split() if _FTS_WORD.search(w)]
        return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)

    def search(self, query: str, k: int) -> list[str]:
        expression = self.match_expression(query)
        if not expression or self._db is None:
            return []
        rows = self._db.execute(
            "SELECT id FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT ?", (expression, k)
        )
        return [row[0] for row in rows]

    def close(self) -> None:
        """Close the database connection."""
        if self._db is not None:
            self._db.close()
            self._db = None


_PG_USER = "postgres"


def _pg_bindir() -> Path | None:
    """Directory holding initdb and pg_ctl: on PATH, else the Debian PostgreSQL 15 path."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    debian = Path("/usr/lib/postgresql/15/bin")
    if (debian / "pg_ctl").exists() and (debian / "initdb").exists():
        return debian
    return None


def _pg_uid() -> tuple[int, int] | None:
    try:
        entry = pwd.getpwnam(_PG_USER)
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


def _pg_missing() -> str | None:
    if psycopg2 is None:
        return "psycopg2 not installed (pip install psycopg2-binary)"
    if _pg_bindir() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) not found"
    if _pg_uid() is None:
        return f"no system user {_PG_USER!r} to run the PostgreSQL server"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "runuser not found (needed to start PostgreSQL as a non-root user)"
    return None


_PG_SETUP = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION fr ( COPY = french );
ALTER TEXT SEARCH CONFIGURATION fr
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
CREATE TABLE docs (
    id text PRIMARY KEY,
    title text NOT NULL,
    summary text NOT NULL,
    vec tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('fr', title), 'A') || setweight(to_tsvector('fr', summary), 'B')
    ) STORED
);
CREATE INDEX docs_vec ON docs USING GIN (vec);
"""

# plainto_tsquery ANDs the lexemes; turning '&' into '|' ORs them. The user text only
# ever travels as a parameter; lexemes are quoted by tsquery's own text output.
_PG_SEARCH = """
WITH q AS (
    SELECT replace(plainto_tsquery('fr', %(query)s)::text, '&', '|')::tsquery AS q
)
SELECT d.id FROM docs d, q
WHERE q.q <> ''::tsquery AND d.vec @@ q.q
ORDER BY ts_rank(d.vec, q.q) DESC, d.id
LIMIT %(k)s
"""


class PostgresFTS:
    """PostgreSQL full-text search: config ``fr`` (unaccent + french_stem), title weighted
    A and summary B, words OR-ed, ranked by ``ts_rank``. Runs a throwaway local server."""

    name = "postgres"
    missing: ClassVar[str | None] = _pg_missing()

    def __init__(self) -> None:
        self._db: Any = None
        self._datadir: Path | None = None
        self._running = False

    def _run(self, *args: str) -> None:
        bindir = _pg_bindir()
        assert bindir is not None
        command = [str(bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:  # postgres refuses to run as root
            command = ["runuser", "-u", _PG_USER, "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def index(self, docs: list[dict], workdir: Path) -> None:
        # The cluster lives in its own temporary directory rather than under ``workdir``:
        # the benchmark's workdirs are private (0700) to root, out of reach of user postgres.
        ids = _pg_uid()
        assert ids is not None
        datadir = Path(tempfile.mkdtemp(prefix="pgpeer-"))
        self._datadir = datadir
        atexit.register(self.close)
        if os.geteuid() == 0:
            os.chown(datadir, *ids)
        self._run(
            "initdb", "-D", str(datadir), "-A", "trust", "-U", _PG_USER,
            "--locale=C.UTF-8", "-E", "UTF8",
        )  # fmt: skip
        self._run(
            "pg_ctl", "-D", str(datadir), "-l", str(datadir / "server.log"),
            "-o", f"-k {datadir} -c listen_addresses=''", "-w", "start",
        )  # fmt: skip
        self._running = True
        self._db = psycopg2.connect(host=str(datadir), dbname="postgres", user=_PG_USER)
        with self._db, self._db.cursor() as cur:
            cur.execute(_PG_SETUP)
            cur.executemany(
                "INSERT INTO docs (id, title, summary) VALUES (%s, %s, %s)",
                [(str(d["id"]), _text(d, "title"), _text(d, "summary")) for d in docs],
            )
            cur.execute("ANALYZE docs")

    def search(self, query: str, k: int) -> list[str]:
        if self._db is None:
            return []
        with self._db.cursor() as cur:
            cur.execute(_PG_SEARCH, {"query": query, "k": k})
            rows = cur.fetchall()
        self._db.rollback()  # read-only: end the transaction
        return [row[0] for row in rows]

    def close(self) -> None:
        """Close the connection, stop the server and delete its data directory."""
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._running and self._datadir is not None:
            self._running = False
            with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
                self._run("pg_ctl", "-D", str(self._datadir), "-m", "immediate", "-w", "stop")
        if self._datadir is not None:
            shutil.rmtree(self._datadir, ignore_errors=True)
            self._datadir = None
        atexit.unregister(self.close)


#: The title given to a dataset's record that has none (see :meth:`AllianceSearch.index`).
UNTITLED = "—"


class AllianceSearch:
    """alliance_search through its public API; keyword options go to ``index.search``."""

    missing: ClassVar[str | None] = _ALS_MISSING

    def __init__(self, name: str | None = None, **search_options: Any) -> None:
        if name is None:
            options = ", ".join(f"{key}={value!r}" for key, value in search_options.items())
            name = f"alliance_search ({options})" if options else "alliance_search"
        self.name = name
        self.search_options = search_options
        self._index: Any = None

    def index(self, docs: list[dict], workdir: Path) -> None:
        # The library requires a title; a dataset's record without one gets a dash,
        # which holds no word, so its summary alone is searched, as by the peers.
        articles = [
            als.Article(
                id=str(d["id"]),
                title=_text(d, "title").strip() or UNTITLED,
                summary=_text(d, "summary"),
            )
            for d in docs
        ]
        self._index = als.build_index(articles, workdir / "als")

    def search(self, query: str, k: int) -> list[str]:
        results = self._index.search(query, limit=k, **self.search_options)
        return [hit.id for hit in results]


# Command-line names of the systems, in table order.
SYSTEMS: dict[str, tuple[type, dict[str, Any]]] = {
    "whoosh": (WhooshFrench, {}),
    "tantivy": (Tantivy, {}),
    "bm25s": (BM25S, {}),
    "sqlite": (SQLiteFTS5, {}),
    "postgres": (PostgresFTS, {}),
    "als": (AllianceSearch, {}),
    "als-noconcepts": (AllianceSearch, {"name": "alliance_search (no concepts)", "expand": False}),
    "als-nocorrect": (
        AllianceSearch,
        {"name": "alliance_search (no correction)", "correct": False},
    ),
}


def make_system(key: str) -> System:
    """Instantiate the system registered under ``key`` in :data:`SYSTEMS`."""
    cls, options = SYSTEMS[key]
    return cls(**options)
