"""Index health: verify an index, clear a stale write lock, rebuild from the corpus.

What ``alliance-search check`` runs. A check never modifies the index; ``unlock``
and ``rebuild_index`` do, and say so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.reading import SegmentReader

from . import _writer
from ._errors import AllianceSearchError, CorpusError, ThesaurusError
from .corpus import Article, load_corpus
from .index import (
    Index,
    _check_meta,
    _open_dir,
    article_from_stored,
    build_index,
    read_meta,
    recorded_thesaurus,
)

__all__ = ["CheckReport", "check_index", "rebuild_index", "unlock_index"]

_SEGMENT_FILE = re.compile(r"^(MAIN_[0-9a-z]+)\.")
_TOC_FILE = re.compile(r"^_MAIN_(\d+)\.toc$")


@dataclass
class CheckReport:
    """What :func:`check_index` found. ``ok`` is true when ``problems`` is empty.

    >>> report = check_index("index-absent")
    >>> report.ok
    False
    >>> print(report)
    index index-absent: PROBLEMS FOUND
      problem: no index at index-absent: build one with ...
    """

    path: Path
    articles: int | None = None
    segments: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    corpus: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    locked: bool = False
    stale_lock: bool = False
    leftovers: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problem found.

        >>> check_index(index.path).ok
        True
        """
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the report.

        >>> report = check_index(index.path).to_dict()
        >>> report["ok"], report["articles"], report["missing"]
        (True, 15, [])
        """
        return {
            "path": str(self.path),
            "ok": self.ok,
            "articles": self.articles,
            "segments": self.segments,
            "index_format": self.meta.get("index_format"),
            "library_version": self.meta.get("library_version"),
            "created": self.meta.get("created"),
            "corpus": self.corpus,
            "missing": self.missing,
            "unexpected": self.unexpected,
            "changed": self.changed,
            "locked": self.locked,
            "stale_lock": self.stale_lock,
            "leftovers": self.leftovers,
            "problems": self.problems,
        }

    def __str__(self) -> str:
        lines = [f"index {self.path}: {'OK' if self.ok else 'PROBLEMS FOUND'}"]
        if self.articles is not None:
            lines.append(f"  articles: {self.articles} in {self.segments} segment(s)")
        if self.meta:
            lines.append(
                f"  format {self.meta.get('index_format')}, built by alliance_search "
                f"{self.meta.get('library_version')} on {self.meta.get('created')}"
            )
        if self.corpus:
            lines.append(f"  compared with: {', '.join(self.corpus)}")
        if self.locked:
            state = "stale (its writer has ended)" if self.stale_lock else "held by a writer"
            lines.append(f"  write lock: {state}")
        if self.leftovers:
            lines.append(
                f"  {len(self.leftovers)} leftover file(s) of an unfinished write "
                "(removed by the next commit)"
            )
        lines.extend(f"  problem: {problem}" for problem in self.problems)
        return "\n".join(lines)


def check_index(path: str | Path, corpus: Sequence[str | Path] | None = None) -> CheckReport:
    """Verify the index at ``path``: it opens, its version fits, every stored article
    reads back, ids are unique, and (given ``corpus`` files, or else the files the
    index was built from) it holds exactly the corpus's articles.

    >>> report = check_index(index.path)
    >>> report.ok, report.articles
    (True, 15)
    """
    report = CheckReport(Path(path))
    try:
        report.meta = _check_meta(report.path)
    except AllianceSearchError as exc:
        report.problems.append(str(exc))
        return report
    _check_lock(report)
    tagged_with = report.meta.get("thesaurus")
    now: str | None = tagged_with
    try:
        now = recorded_thesaurus(report.meta).fingerprint
    except ThesaurusError as exc:
        report.problems.append(f"the thesaurus it was tagged with cannot be loaded: {exc}")
    if tagged_with and tagged_with != now:
        report.problems.append(
            "its articles were tagged with another thesaurus than the one it opens with (a "
            "thesaurus file or the library changed since); concept filters and facets may "
            f"be out of date: rebuild it with `alliance-search check --index {report.path} "
            "--rebuild`"
        )
    try:
        ix = _open_dir(report.path)
        with ix.reader() as reader:  # one committed state, whatever writers do meanwhile
            leaves = [leaf for leaf, _ in reader.leaf_readers()]
            segments = [leaf.segment() for leaf in leaves if isinstance(leaf, SegmentReader)]
            report.segments = len(segments)
            report.articles = reader.doc_count()
            stored = {}
            for fields in reader.all_stored_fields():
                article_id = fields.get("id")
                if article_id in stored:
                    report.problems.append(f"article {article_id!r} is indexed twice")
                stored[article_id] = article_from_stored(fields)
        report.leftovers = _leftovers(report.path, {s.segment_id() for s in segments})
    except Exception as exc:  # any failure to read the files is what we report
        report.problems.append(f"the index files cannot be read ({type(exc).__name__}: {exc})")
        return report
    if len(stored) != report.articles:
        report.problems.append(
            f"{report.articles} documents counted but {len(stored)} distinct ids stored"
        )
    sources = list(corpus) if corpus else list(report.meta.get("corpus", []))
    if sources:
        _compare(report, stored, sources)
    return report


def _check_lock(report: CheckReport) -> None:
    report.locked = _writer.is_locked(report.path)
    if report.locked:
        holder = _writer.read_holder(report.path)
        report.stale_lock = holder is not None and _writer.holder_is_alive(holder) is False
        if report.stale_lock:
            report.problems.append(
                f"stale write lock left by process {holder and holder.get('pid')}; clear it "
                f"with `alliance-search check --index {report.path} --unlock`"
            )


def _leftovers(path: Path, segment_ids: set[str]) -> list[str]:
    """Files of an interrupted write: segments not in the index, temporary folders."""
    found = []
    for entry in sorted(path.iterdir()):
        segment = _SEGMENT_FILE.match(entry.name)
        if (segment and segment.group(1) not in segment_ids) or entry.name.endswith(".tmp"):
            found.append(entry.name)
    tocs = sorted((p.name for p in path.iterdir() if _TOC_FILE.match(p.name)), key=_toc_number)
    found.extend(tocs[:-1])
    return found


def _toc_number(name: str) -> int:
    match = _TOC_FILE.match(name)
    return int(match.group(1)) if match else -1


def load_sources(sources: Sequence[str | Path]) -> list[Article]:
    """Articles of corpus files applied in order: a later file's article replaces an
    earlier one with the same id (as ``alliance-search index --update`` does)."""
    articles: dict[str, Article] = {}
    for source in sources:
        for article in load_corpus(source):
            articles[article.id] = article
    return list(articles.values())


def _compare(report: CheckReport, stored: dict[str, Article], sources: Sequence[Any]) -> None:
    report.corpus = [str(s) for s in sources]
    try:
        expected = {a.id: a for a in load_sources(sources)}
    except CorpusError as exc:
        report.problems.append(f"the corpus cannot be read: {exc}")
        return
    report.missing = sorted(set(expected) - set(stored))
    report.unexpected = sorted(set(stored) - set(expected))
    report.changed = sorted(i for i in set(expected) & set(stored) if expected[i] != stored[i])
    for count, what in (
        (len(report.missing), "corpus article(s) missing from the index"),
        (len(report.unexpected), "indexed article(s) not in the corpus"),
        (len(report.changed), "article(s) that differ from the corpus"),
    ):
        if count:
            report.problems.append(f"{count} {what}")


def unlock_index(path: str | Path) -> bool:
    """Clear a stale write lock left by a writer that has ended; returns whether
    there was a lock to clear. Refuses while the writer still runs.

    >>> ix = build_index(load_corpus()[:3], tmp_path / "index-a-deverrouiller")
    >>> unlock_index(ix.path)  # no writer has left a lock behind
    False
    """
    target = Path(path)
    _check_meta(target)
    return _writer.break_lock(target)


def rebuild_index(
    path: str | Path, corpus: Sequence[str | Path] | None = None, *, progress: bool | None = None
) -> Index:
    """Rebuild the index at ``path`` from ``corpus`` files, or else from the files it
    was built from (recorded in the index). The old index stays until the new one
    is complete.

    >>> from alliance_search import bundled_corpus_path
    >>> ix = build_index(bundled_corpus_path(), tmp_path / "index-a-reconstruire")
    >>> ix.delete(["sm-pour-en-savoir-plus"])
    1
    >>> len(rebuild_index(ix.path))  # from the corpus files recorded in the index
    15
    """
    target = Path(path)
    sources: list[Any] = list(corpus or ())
    try:
        meta = read_meta(target)
    except AllianceSearchError:
        meta = {}
    if not sources:
        sources = list(meta.get("corpus", []))  # even an older index's
    if not sources:
        raise AllianceSearchError(
            f"no corpus recorded for {target}; say which files to rebuild it from with --corpus"
        )
    articles = load_sources(sources)
    if not corpus:  # from the files it records: only if none of its articles is lost
        _refuse_to_drop(target, sources, {article.id for article in articles})
    thesaurus = recorded_thesaurus(meta)  # tagged with the same thesaurus as before
    return build_index(articles, target, thesaurus=thesaurus, sources=sources, progress=progress)


def _refuse_to_drop(target: Path, sources: Sequence[Any], kept: set[str]) -> None:
    """Raise if the index at ``target`` holds articles that none of ``sources`` holds
    (added from Python rather than from files): a rebuild from them would drop those
    articles. An index whose articles cannot be read is rebuilt anyway."""
    try:
        with _open_dir(target).reader() as reader:
            held = {fields.get("id") for fields in reader.all_stored_fields()}
    except Exception:  # damaged or unreadable: what a rebuild is for
        return
    lost = sorted(str(article_id) for article_id in held - kept)
    if lost:
        shown = ", ".join(lost[:3]) + (", ..." if len(lost) > 3 else "")
        raise AllianceSearchError(
            f"{len(lost)} article(s) of {target} are in none of the corpus files it records "
            f"({', '.join(map(str, sources))}): {shown}; a rebuild from those files would drop "
            "them. Name the files to rebuild from, all of them, or these ones if the articles "
            f"were taken out of them on purpose: alliance-search check --index {target} "
            "--rebuild --corpus FILE..."
        )
