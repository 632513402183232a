"""Speed benchmark: indexing and query cost of alliance_search and its peers, 1k to 1M summaries.

Usage::

    python -m benchmarks.speed [--sizes 1000,10000,100000] [--huge] [--systems NAMES]
                               [--seed 42] [--queries 100] [--concept-queries 20]
                               [--plot docs/speed.png] [--json PATH]
                               [--timeout SECONDS] [--workdir DIR]

For each corpus size N a child process streams a synthetic French corpus
(:func:`generate_corpus`) into a JSON Lines file. Then, for each system, a fresh child
process streams that file into the system's index (timed; peak memory of the process and of
any helper it forks),
measures the index on disk, and times top-10 queries: free-text queries drawn from the
corpus vocabulary and concept queries (thesaurus labels and abbreviations). The parent
only orchestrates, so its own memory does not count. One Markdown table is printed per N,
then the log-log slope of indexing time against N; a PNG plot and, on request, the raw
numbers as JSON are written.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SIZES = (1_000, 10_000, 100_000)
HUGE_SIZE = 1_000_000
DEFAULT_PLOT = ROOT / "docs" / "speed.png"
TOP_K = 10
WARMUP_QUERIES = 5
#: Bumped whenever generate_corpus produces different documents (part of corpus file names).
CORPUS_VERSION = 1

# Command-line names of the systems, in table order, and their display names.
SYSTEMS = {
    "als": "alliance_search",
    "whoosh": "whoosh",
    "tantivy": "tantivy",
    "bm25s": "bm25s",
    "sqlite": "sqlite",
}
BASELINE = "whoosh"
#: Systems whose index a later process can open again, for more rounds of queries.
REOPENED = frozenset({"als", "whoosh", "tantivy", "sqlite"})

# ----------------------------------------------------------------------------- corpus

VOCABULARY_SIZE = 30_000
SUMMARY_WORDS = (60, 150)
SENTENCE_WORDS = (8, 20)
SECTIONS = (
    ("dossier", 5), ("pratique", 3), ("recherche", 2), ("et-aussi", 2),
    ("formation", 1), ("histoire", 1),
)  # fmt: skip
# Elided forms as wordfreq lists them ("l", "qu") and their full form before a consonant.
ELIDED = {
    "l": "le", "d": "de", "j": "je", "qu": "que", "n": "ne", "s": "se", "c": "ce",
    "m": "me", "t": "te", "jusqu": "jusque", "lorsqu": "lorsque", "puisqu": "puisque",
}  # fmt: skip
VOWELS = frozenset("aeiouyhàâäéèêëîïôöùûüœæ")
TITLE_LINKS = ("et", "dans", "chez", "face à", "pour", "entre", ":", "au risque de", "ou")
# Concept queries always asked, then others drawn from the thesaurus.
FIXED_CONCEPT_QUERIES = (
    "TPB",
    "état limite",
    "troubles neurocognitifs",
    "hospitalisation sous contrainte",
)
# Words ranked above this in French frequency are mostly function words: not query words.
QUERY_MIN_RANK = 100
# Free-text query words are drawn from the words of the corpus's first documents.
QUERY_POOL_DOCS = 1_000
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@dataclass(frozen=True)
class Vocabulary:
    """Word and term distributions the synthetic corpus and the queries are drawn from."""

    words: tuple[str, ...]  # French words, most frequent first
    cum_weights: tuple[float, ...]  # cumulative frequencies of ``words``
    content_words: tuple[str, ...]  # less frequent words (no function words)
    content_cum_weights: tuple[float, ...]  # flattened (square root) frequencies
    concepts: tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...]
    concept_cum_weights: tuple[float, ...]  # Zipf over concepts, broad ones first
    clinical_words: tuple[str, ...]  # single words of every thesaurus term


def _accumulate(weights: Iterable[float]) -> tuple[float, ...]:
    total = 0.0
    out = []
    for weight in weights:
        total += weight
        out.append(total)
    return tuple(out)


def _is_word(word: str) -> bool:
    parts = word.replace("-", " ").replace("'", " ").split()
    return bool(parts) and all(part.isalpha() for part in parts)


@cache
def load_vocabulary() -> Vocabulary:
    """French word frequencies from ``wordfreq`` and clinical terms from the thesaurus."""
    import wordfreq

    from alliance_search import default_thesaurus

    words = tuple(w for w in wordfreq.top_n_list("fr", VOCABULARY_SIZE) if _is_word(w))
    frequencies = [wordfreq.word_frequency(w, "fr") for w in words]
    content = [
        (w, f)
        for rank, (w, f) in enumerate(zip(words, frequencies, strict=True))
        if rank >= QUERY_MIN_RANK and len(w) > 2 and w not in ELIDED
    ]
    thesaurus = default_thesaurus()
    concepts = tuple((c.terms[:1], c.synonyms, c.related) for c in thesaurus)
    return Vocabulary(
        words=words,
        cum_weights=_accumulate(frequencies),
        content_words=tuple(w for w, _ in content),
        content_cum_weights=_accumulate(math.sqrt(f) for _, f in content),
        concepts=concepts,
        concept_cum_weights=_accumulate(1 / (rank + 2) for rank in range(len(concepts))),
        clinical_words=tuple(sorted(set(thesaurus.vocabulary().values()))),
    )


def _term(rng: random.Random, concept: tuple[tuple[str, ...], ...]) -> str:
    """One name of a concept: its label half the time, else a synonym or related term."""
    label, synonyms, related = concept
    roll = rng.random()
    if roll < 0.3 and synonyms:
        return rng.choice(synonyms)
    if roll < 0.5 and related:
        return rng.choice(related)
    return label[0]


def _elide(tokens: list[str], rng: random.Random) -> list[str]:
    """Join elided articles to the next word (``l`` ``état`` → ``l’état``)."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in ELIDED:
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            if following and following[0].lower() in VOWELS:
                out.append(token + rng.choice("'’") + following)
                i += 2
                continue
            token = ELIDED[token]
        out.append(token)
        i += 1
    return out


def _sentences(tokens: list[str], rng: random.Random) -> str:
    """Cut tokens into capitalised sentences with the odd comma."""
    parts: list[str] = []
    i = 0
    while i < len(tokens):
        n = rng.randint(*SENTENCE_WORDS)
        chunk = tokens[i : i + n]
        i += n
        if len(chunk) > 6 and rng.random() < 0.5:
            cut = rng.randint(3, len(chunk) - 3)
            chunk[cut] += ","
        sentence = " ".join(chunk)
        parts.append(sentence[:1].upper() + sentence[1:] + ".")
    return " ".join(parts)


def generate_corpus(n: int, seed: int = 42) -> Iterator[dict[str, Any]]:
    """Yield ``n`` synthetic French summaries (id, title, summary, section, keywords).

    Ordinary words follow real French frequencies (wordfreq); each document is about
    one to three thesaurus concepts (broad ones more often) named by their labels,
    synonyms or related terms. Deterministic for a given ``seed``.
    """
    vocab = load_vocabulary()
    rng = random.Random(seed)
    sections = [name for name, _ in SECTIONS]
    section_weights = _accumulate(weight for _, weight in SECTIONS)
    for i in range(n):
        topics = rng.choices(vocab.concepts, cum_weights=vocab.concept_cum_weights, k=3)
        topics = topics[: rng.randint(1, 3)]
        target = rng.randint(*SUMMARY_WORDS)
        mentions = []
        for _ in range(max(1, target // 25)):
            if rng.random() < 0.8:
                concept = rng.choice(topics)
            else:
                concept = rng.choices(vocab.concepts, cum_weights=vocab.concept_cum_weights)[0]
            mentions.append(_term(rng, concept))
        general = target - sum(len(m.split()) for m in mentions)
        tokens = rng.choices(vocab.words, cum_weights=vocab.cum_weights, k=max(general, 10))
        for mention in mentions:
            tokens.insert(rng.randrange(len(tokens) + 1), mention)
        summary = _sentences(_elide(tokens, rng), rng)
        head = _term(rng, topics[0])
        tail = rng.choices(
            vocab.content_words, cum_weights=vocab.content_cum_weights, k=rng.randint(1, 4)
        )
        title = f"{head} {rng.choice(TITLE_LINKS)} {' '.join(tail)}"
        keywords = list(dict.fromkeys(t[0][0] for t in topics))
        keywords += rng.sample(vocab.clinical_words, rng.randint(0, 2))
        yield {
            "id": f"syn-{i:07d}",
            "title": title[:1].upper() + title[1:],
            "summary": summary,
            "section": rng.choices(sections, cum_weights=section_weights)[0],
            "keywords": keywords,
        }


@cache
def _query_words(seed: int) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Content words of the corpus's first documents, with square-root count weights.

    Corpora of one seed share their first documents, so every query word occurs in
    every corpus of :data:`QUERY_POOL_DOCS` summaries or more: queries carry no typos
    and need no spelling correction.
    """
    vocab = load_vocabulary()
    function_words = set(vocab.words[:QUERY_MIN_RANK])
    counts: Counter[str] = Counter()
    for doc in generate_corpus(QUERY_POOL_DOCS, seed):
        for text in (doc["title"], doc["summary"]):
            counts.update(
                w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in function_words
            )
    words = sorted(counts)
    return tuple(words), _accumulate(math.sqrt(counts[w]) for w in words)


def _draw_key(salt: str, name: str) -> bytes:
    """A deterministic pseudo-random rank of ``name``, the same whatever else is drawn."""
    return hashlib.blake2b(f"{salt}:{name}".encode(), digest_size=8).digest()


def make_queries(
    seed: int, n_free: int, n_concept: int, *, warmup: int = 0
) -> tuple[list[str], list[str]]:
    """Free-text queries (2–6 corpus words) and concept queries (thesaurus names).

    With ``warmup``, return that many extra queries of each kind, distinct from the
    measured ones, instead.
    """
    vocab = load_vocabulary()
    words, weights = _query_words(seed)
    rng = random.Random(f"queries-{seed}-{warmup}")
    free = [
        " ".join(rng.choices(words, cum_weights=weights, k=rng.randint(2, 6)))
        for _ in range(warmup or n_free)
    ]
    abbreviations = sorted(
        {s for _, synonyms, _ in vocab.concepts for s in synonyms if s.isupper() and len(s) <= 6}
    )
    labels = sorted({label[0] for label, _, _ in vocab.concepts})
    candidates = [t for t in abbreviations + labels if t not in FIXED_CONCEPT_QUERIES]
    # Each name is ranked by its own keyed hash, not by a shuffle of the whole list, so
    # that a concept added to the thesaurus replaces a drawn query only if its name
    # ranks among the first: a larger thesaurus keeps nearly the same sample.
    drawn = sorted(candidates, key=partial(_draw_key, f"concepts-{seed}"))
    ordered = list(FIXED_CONCEPT_QUERIES) + drawn
    if warmup:
        return free, ordered[::-1][:warmup]
    return free, ordered[:n_concept]


def write_corpus(path: Path, n: int, seed: int) -> dict[str, Any]:
    """Stream :func:`generate_corpus` into a JSON Lines file; return a few statistics."""
    start = time.perf_counter()
    words = 0
    tmp = path.with_suffix(".partial")
    with tmp.open("w", encoding="utf-8") as out:
        for doc in generate_corpus(n, seed):
            words += len(doc["summary"].split())
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return {
        "docs": n,
        "seconds": time.perf_counter() - start,
        "bytes": path.stat().st_size,
        "mean_summary_words": words / n if n else 0.0,
    }


def read_corpus(path: Path) -> Iterator[dict[str, Any]]:
    """Stream the documents of a JSON Lines corpus file."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


# ----------------------------------------------------------------------------- systems


class Bench(Protocol):
    """What the benchmark needs from a system."""

    name: str

    def build(self, docs: Iterable[dict], workdir: Path) -> Path:
        """Index ``docs``; return the file or folder holding the index on disk."""
        ...

    def open(self, workdir: Path) -> None:
        """Open the index :meth:`build` wrote in ``workdir`` (a later round of queries)."""
        ...

    def query(self, text: str, k: int) -> int:
        """Run a top-``k`` query, preparing what a result page shows; return the hit count."""
        ...

    def close(self) -> None:
        """Release open files."""
        ...


class AllianceBench:
    """alliance_search: ``build_index`` streaming the corpus file, then ``search`` with snippets."""

    name = SYSTEMS["als"]

    def __init__(self) -> None:
        self._index: Any = None
        #: When set, the JSON Lines file the documents come from.
        self.corpus_file: Path | None = None

    def build(self, docs: Iterable[dict], workdir: Path) -> Path:
        import alliance_search as als

        path = workdir / "als"
        if self.corpus_file is not None:
            # The corpus file itself: alliance_search validates and streams it.
            als.build_index(self.corpus_file, path, progress=False).close()
        else:
            articles = (
                als.Article(
                    id=d["id"],
                    title=d["title"],
                    summary=d["summary"],
                    section=d.get("section", ""),
                    keywords=tuple(d.get("keywords", ())),
                )
                for d in docs
            )
            als.build_index(articles, path, progress=False).close()
        self._index = als.open_index(path)  # fresh, as a new session would
        return path

    def open(self, workdir: Path) -> None:
        import alliance_search as als

        self._index = als.open_index(workdir / "als")

    def query(self, text: str, k: int) -> int:
        results = self._index.search(text, limit=k)
        snippets = [hit.snippet for hit in results]  # lazy: built only for the hits shown
        return len(snippets)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()


# Optional packages imported by benchmarks.peers. A worker blocks those its system does
# not use, so that a system's peak RSS does not include another system's libraries.
_PEER_PACKAGES = ("tantivy", "bm25s", "Stemmer", "psycopg2", "alliance_search")
_PEER_NEEDS = {"whoosh": (), "tantivy": ("tantivy",), "bm25s": ("bm25s", "Stemmer"), "sqlite": ()}


class PeerBench:
    """A peer of :mod:`benchmarks.peers`, unchanged: same analysis and query as in quality.

    Peers return document ids only (no highlighting: plain Whoosh's latency is its
    disjunctive query and top-10 stored ids, without ``hit.highlights``).
    """

    def __init__(self, key: str) -> None:
        for package in _PEER_PACKAGES:
            if package not in _PEER_NEEDS[key]:
                sys.modules.setdefault(package, None)  # type: ignore[arg-type]
        from benchmarks import peers

        self.key = key
        self.name = SYSTEMS[key]
        self.peer: Any = peers.make_system(key)
        if getattr(self.peer, "missing", None):
            raise RuntimeError(self.peer.missing)

    def build(self, docs: Iterable[dict], workdir: Path) -> Path:
        if self.key == "bm25s":
            # bm25s indexes a list in memory; saving it is part of building an index.
            self.peer.index(list(docs), workdir)
            path = workdir / "bm25s"
            self.peer._retriever.save(str(path))
            return path
        self.peer.index(docs, workdir)  # the other peers iterate the stream once
        return (
            workdir / {"whoosh": "whoosh", "tantivy": "tantivy", "sqlite": "fts5.sqlite"}[self.key]
        )

    def open(self, workdir: Path) -> None:
        if self.key not in REOPENED:
            raise RuntimeError(f"{self.name} keeps its index in memory: it cannot be reopened")
        self.peer.open(workdir)

    def query(self, text: str, k: int) -> int:
        return len(self.peer.search(text, k))

    def close(self) -> None:
        close = getattr(self.peer, "close", None)
        if callable(close):
            close()


def make_bench(key: str) -> Bench:
    """The system registered under ``key`` in :data:`SYSTEMS`."""
    return AllianceBench() if key == "als" else PeerBench(key)


# ----------------------------------------------------------------------------- measures


def disk_bytes(path: Path) -> int:
    """Size of a file, or of every file under a folder."""
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _status_mb(field: str) -> float | None:
    """A memory line of ``/proc/self/status`` (``VmHWM``, ``VmRSS``) in MB; None off Linux."""
    with contextlib.suppress(OSError, ValueError, IndexError), open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return None


def peak_rss_self_mb() -> float:
    """Peak resident set size of this process in MB.

    On Linux, ``VmHWM``: ``getrusage(RUSAGE_SELF).ru_maxrss`` also counts the RSS of
    the process that forked this one, as it was just before ``exec``.
    """
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def peak_rss_children_mb() -> float:
    """Largest peak RSS in MB among the finished child processes this one waited for."""
    kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


class TreeMemorySampler:
    """Samples the memory of this process and its descendants (Linux ``/proc``).

    Records the peak of the summed PSS (pages shared after a fork counted once, split
    between the processes sharing them: the memory really used), the peak of the
    summed RSS (shared pages counted in every process) and the most helper processes
    seen at once.
    """

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.pss_peak_mb: float | None = None
        self.rss_peak_mb: float | None = None
        self.helpers = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _tree(pid: int) -> list[int]:
        pids, todo = [], [pid]
        while todo:
            current = todo.pop()
            pids.append(current)
            with contextlib.suppress(OSError):
                for task in os.listdir(f"/proc/{current}/task"):
                    with open(f"/proc/{current}/task/{task}/children") as f:
                        todo.extend(int(c) for c in f.read().split())
        return pids

    @staticmethod
    def _rss_pss_kb(pid: int) -> tuple[int, int]:
        rss = pss = 0
        with contextlib.suppress(OSError, ValueError), open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
                    break
        return rss, pss

    def sample(self) -> None:
        """Take one sample now."""
        pids = self._tree(os.getpid())
        sizes = [self._rss_pss_kb(pid) for pid in pids]
        rss = sum(r for r, _ in sizes) / 1024
        pss = sum(p for _, p in sizes) / 1024
        self.helpers = max(self.helpers, len(pids) - 1)
        if pss and (self.pss_peak_mb is None or pss > self.pss_peak_mb):
            self.pss_peak_mb = pss
        if rss and (self.rss_peak_mb is None or rss > self.rss_peak_mb):
            self.rss_peak_mb = rss

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> TreeMemorySampler:
        if Path("/proc/self/smaps_rollup").exists():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
            self.sample()


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile with linear interpolation (NumPy's default)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def loglog_slope(points: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(y) against log(x); ``None`` under two usable points."""
    usable = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(usable) < 2:
        return None
    mean_x = statistics.fmean(x for x, _ in usable)
    mean_y = statistics.fmean(y for _, y in usable)
    sxx = sum((x - mean_x) ** 2 for x, _ in usable)
    if sxx == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in usable) / sxx


def _own_cpu_seconds() -> float:
    """CPU time (user + system) of this process and of the children it waited for."""
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _machine_busy_seconds() -> float | None:
    """CPU time every process of the machine has used since boot (Linux ``/proc/stat``)."""
    with contextlib.suppress(OSError, ValueError, IndexError), open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:9]]
        idle = ticks[3] + ticks[4]  # idle + iowait
        return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")
    return None


class CpuMeter:
    """Wall time, own CPU time, and CPU time other processes of the machine used meanwhile.

    Other sessions competing for the CPUs inflate wall times: ``others_share`` (the
    fraction of all CPUs they kept busy) says how much to trust them.
    """

    def __enter__(self) -> CpuMeter:
        self._start = (time.perf_counter(), _own_cpu_seconds(), _machine_busy_seconds())
        return self

    def __exit__(self, *exc: object) -> None:
        wall, own, busy = self._start
        self.wall = time.perf_counter() - wall
        self.cpu = _own_cpu_seconds() - own
        end = _machine_busy_seconds()
        self.others_share: float | None = None
        if busy is not None and end is not None and self.wall > 0:
            others = max(0.0, end - busy - self.cpu)
            self.others_share = min(1.0, others / (self.wall * (os.cpu_count() or 1)))


def _timed(system: Bench, queries: Sequence[str]) -> tuple[list[float], list[float], list[int]]:
    """Wall and CPU milliseconds of each query, and its hit count."""
    wall, cpu, hits = [], [], []
    for text in queries:
        start, start_cpu = time.perf_counter(), time.process_time()
        hits.append(system.query(text, TOP_K))
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu, hits


def run_system_job(job: dict[str, Any]) -> dict[str, Any]:
    """In a fresh process: index the corpus file with one system, then time queries."""
    system = make_bench(job["system"])
    if isinstance(system, AllianceBench):
        system.corpus_file = Path(job["corpus"])
    workdir = Path(job["workdir"])
    workdir.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"baseline_rss_mb": _status_mb("VmRSS") or peak_rss_self_mb()}
    try:
        with TreeMemorySampler() as sampler, CpuMeter() as build:
            location = system.build(read_corpus(Path(job["corpus"])), workdir)
        result.update(
            index_seconds=build.wall,
            index_cpu_seconds=build.cpu,
            index_others_cpu_share=build.others_share,
            rss_self_mb=peak_rss_self_mb(),
            rss_children_mb=peak_rss_children_mb(),
            tree_pss_peak_mb=sampler.pss_peak_mb,
            tree_rss_peak_mb=sampler.rss_peak_mb,
            helpers_seen=sampler.helpers,
            disk_bytes=disk_bytes(location),
        )
        _timed(system, job["warmup"])
        with CpuMeter() as queries:
            free_ms, free_cpu_ms, free_hits = _timed(system, job["free"])
            concept_ms, concept_cpu_ms, concept_hits = _timed(system, job["concept"])
    finally:
        system.close()
    result.update(
        free_ms=free_ms,
        concept_ms=concept_ms,
        free_cpu_ms=free_cpu_ms,
        concept_cpu_ms=concept_cpu_ms,
        query_others_cpu_share=queries.others_share,
        free_mean_hits=statistics.fmean(free_hits) if free_hits else 0.0,
        concept_mean_hits=statistics.fmean(concept_hits) if concept_hits else 0.0,
        query_rss_mb=peak_rss_self_mb(),
    )
    return result


def run_queries_job(job: dict[str, Any]) -> dict[str, Any]:
    """In a fresh process: open the index a system job built, then time the queries
    again after the same warm-up (one more round)."""
    system = make_bench(job["system"])
    try:
        system.open(Path(job["workdir"]))
        _timed(system, job["warmup"])
        free_ms, free_cpu_ms, _ = _timed(system, job["free"])
        concept_ms, concept_cpu_ms, _ = _timed(system, job["concept"])
    finally:
        system.close()
    return {
        "free_ms": free_ms,
        "concept_ms": concept_ms,
        "free_cpu_ms": free_cpu_ms,
        "concept_cpu_ms": concept_cpu_ms,
        # A process that only searched: what a search session holds at its peak.
        "search_rss_mb": peak_rss_self_mb(),
    }


def combine_rounds(data: dict[str, Any], rounds: Sequence[dict[str, Any]]) -> None:
    """Add later rounds of query times to a system job's ``data``: each query's time
    becomes its median over every round; the rounds themselves are kept under
    ``<measure>_rounds``."""
    for measure in ("free_ms", "concept_ms", "free_cpu_ms", "concept_cpu_ms"):
        every = [data[measure], *(r[measure] for r in rounds)]
        data[f"{measure}_rounds"] = every
        data[measure] = [statistics.median(times) for times in zip(*every, strict=True)]
    searched = [r["search_rss_mb"] for r in rounds if r.get("search_rss_mb") is not None]
    if searched:
        data["search_rss_mb"] = max(searched)


def worker(job_path: Path) -> int:
    """Entry point of a child process: run the job described in ``job_path``."""
    job = json.loads(job_path.read_text("utf-8"))
    if job["kind"] == "corpus":
        result = write_corpus(Path(job["corpus"]), job["n"], job["seed"])
    elif job["kind"] == "queries":
        result = run_queries_job(job)
    else:
        result = run_system_job(job)
    Path(job["result"]).write_text(json.dumps(result), "utf-8")
    return 0


# ----------------------------------------------------------------------------- parent


@dataclass
class Run:
    """One system at one corpus size: measures, or why there are none."""

    n: int
    key: str
    status: str = "ok"  # ok | failed | timeout
    note: str = ""
    data: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return SYSTEMS[self.key]

    @property
    def ok(self) -> bool:
        return self.status == "ok" and self.data is not None

    def get(self, name: str) -> float | None:
        """A summary figure: index_seconds, docs_per_second, disk_mb, peak_mem_mb, free_p50..."""
        if not self.ok:
            return None
        d = self.data or {}
        if name == "docs_per_second":
            return self.n / d["index_seconds"] if d["index_seconds"] > 0 else None
        if name == "disk_mb":
            return d["disk_bytes"] / 1e6
        if name == "peak_mem_mb":
            # Helpers' RSS counts pages shared with their parent again: use the tree's PSS.
            return max(d["rss_self_mb"], d.get("tree_pss_peak_mb") or 0.0)
        kind, _, stat = name.partition("_")
        if stat in ("p50", "p95") and kind in ("free", "concept"):
            return percentile(d[f"{kind}_ms"], float(stat[1:]))
        value = d.get(name)
        return float(value) if value is not None else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record of the run, raw measures and summary figures."""
        figures = {
            name: self.get(name)
            for name in (
                "index_seconds", "index_cpu_seconds", "docs_per_second", "disk_mb", "peak_mem_mb",
                "free_p50", "free_p95", "concept_p50", "concept_p95",
            )
        }  # fmt: skip
        return {
            "n": self.n,
            "system": self.key,
            "name": self.name,
            "status": self.status,
            "note": self.note,
            **{
                f"{k}_ms" if k.startswith(("free", "concept")) else k: v for k, v in figures.items()
            },
            "raw": self.data,
        }


def _child(job: dict[str, Any], workdir: Path, timeout: float | None) -> tuple[str, Any]:
    """Run one job in a child process; ``(status, result or error text)``."""
    job_path = workdir / f"job-{job['kind']}-{job.get('system', '')}-{job['n']}.json"
    job["result"] = str(job_path.with_suffix(".result.json"))
    job_path.write_text(json.dumps(job, ensure_ascii=False), "utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "benchmarks.speed", "--worker", str(job_path)]
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as proc:
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # the child and any helper it forked
            proc.communicate()
            return "timeout", f"stopped after {timeout:.0f} s"
    if proc.returncode != 0:
        lines = [line for line in stderr.strip().splitlines() if line.strip()]
        return "failed", lines[-1] if lines else f"exit status {proc.returncode}"
    return "ok", json.loads(Path(job["result"]).read_text("utf-8"))


def machine() -> dict[str, Any]:
    """CPU count, CPU model, platform, Python version and memory of this machine."""
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        model = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "")
    memory_gb = None
    with contextlib.suppress(ValueError, OSError, AttributeError):
        memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "memory_gb": round(memory_gb, 1) if memory_gb else None,
    }


def format_machine(info: dict[str, Any]) -> str:
    """One line describing the machine."""
    cpu = f"{info['cpu_count']} CPUs" + (f" ({info['cpu_model']})" if info["cpu_model"] else "")
    memory = f", {info['memory_gb']} GB RAM" if info.get("memory_gb") else ""
    return f"Machine: {cpu}{memory}, {info['platform']}, Python {info['python']}"


def _num(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _ratio(run: Run, base: Run | None, name: str) -> str:
    mine = run.get(name)
    theirs = base.get(name) if base is not None else None
    if mine is None or not theirs:
        return "—"
    return f"{mine / theirs:.2f}"


COLUMNS = (
    "system", "index s", "index CPU s", "docs/s", "index × whoosh", "disk MB", "disk × whoosh",
    "peak mem MB",
    "free p50 ms", "free p95 ms", "concept p50 ms", "concept p95 ms",
    "free p95 × whoosh", "concept p95 × whoosh",
)  # fmt: skip


def format_table(runs: Sequence[Run]) -> str:
    """Markdown table of one corpus size, ratios against plain Whoosh."""
    base = next((r for r in runs if r.key == BASELINE and r.ok), None)
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---|" + "---:|" * (len(COLUMNS) - 1)]
    for run in runs:
        if not run.ok:
            cells = [f"{run.status}: {run.note}"] + ["—"] * (len(COLUMNS) - 2)
        else:
            cells = [
                _num(run.get("index_seconds")),
                _num(run.get("index_cpu_seconds")),
                f"{run.get('docs_per_second') or 0:.0f}",
                _ratio(run, base, "index_seconds"),
                _num(run.get("disk_mb")),
                _ratio(run, base, "disk_mb"),
                _num(run.get("peak_mem_mb")),
                _num(run.get("free_p50")),
                _num(run.get("free_p95")),
                _num(run.get("concept_p50")),
                _num(run.get("concept_p95")),
                _ratio(run, base, "free_p95"),
                _ratio(run, base, "concept_p95"),
            ]
        lines.append(f"| {run.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_notes(runs: Sequence[Run]) -> str:
    """Footnotes: how memory is measured, helpers' memory, mean hits per query."""
    notes = [
        "- peak mem: the larger of the indexing process's peak RSS (VmHWM) and the peak of "
        "the summed PSS of that process and the helpers it forks (sampled every 0.1 s; "
        "PSS counts the pages a fork shares once)."
    ]
    for run in runs:
        d = run.data or {}
        if run.ok and (d.get("helpers_seen") or d["rss_children_mb"] > 0):
            notes.append(
                f"- {run.name}: indexing process peak RSS {d['rss_self_mb']:.0f} MB; "
                f"{d.get('helpers_seen', 0)} helper processes at once, the largest peaking at "
                f"{d['rss_children_mb']:.0f} MB RSS; tree peaks: summed RSS "
                f"{_num(d.get('tree_rss_peak_mb'))} MB, summed PSS "
                f"{_num(d.get('tree_pss_peak_mb'))} MB."
            )

    def others(run: Run, phase: str) -> str:
        share = (run.data or {}).get(f"{phase}_others_cpu_share")
        return f"{run.name} " + ("—" if share is None else f"{100 * share:.0f}%")

    done = [r for r in runs if r.ok]
    if done:
        notes.append(
            "- Share of the CPUs used by other processes of the machine (inflates wall times "
            "when high), while indexing: "
            + ", ".join(others(r, "index") for r in done)
            + "; while answering queries: "
            + ", ".join(others(r, "query") for r in done)
            + "."
        )
    baseline = {round((r.data or {}).get("baseline_rss_mb", 0)) for r in runs if r.ok}
    if baseline:
        low, high = min(baseline), max(baseline)
        span = f"{low}" if low == high else f"{low}–{high}"
        notes.append(f"- RSS of a worker before indexing (interpreter + libraries): {span} MB.")
    hits = ", ".join(
        f"{r.name} {(r.data or {})['free_mean_hits']:.1f}/{(r.data or {})['concept_mean_hits']:.1f}"
        for r in runs
        if r.ok
    )
    if hits:
        notes.append(f"- Mean hits per query (free-text/concept, top {TOP_K}): {hits}.")
    searched = ", ".join(
        f"{r.name} {(r.data or {})['search_rss_mb']:.0f} MB"
        for r in runs
        if r.ok and (r.data or {}).get("search_rss_mb") is not None
    )
    if searched:
        notes.append(
            "- Peak RSS of a process that opened the index and answered the queries (later "
            f"rounds; mapped index pages count): {searched}."
        )
    return "\n".join(notes)


def slopes(runs: Sequence[Run]) -> dict[str, dict[str, float | None]]:
    """Per system, log-log slopes against N of indexing time and query p95."""
    out: dict[str, dict[str, float | None]] = {}
    for key in dict.fromkeys(r.key for r in runs):
        mine = [r for r in runs if r.key == key and r.ok]
        out[SYSTEMS[key]] = {
            name: loglog_slope([(r.n, r.get(name) or 0.0) for r in mine])
            for name in ("index_seconds", "index_cpu_seconds", "free_p95", "concept_p95")
        } | {"sizes": [r.n for r in mine]}  # type: ignore[dict-item]
    return out


def format_slopes(fitted: dict[str, dict[str, Any]]) -> str:
    """Markdown table of the fitted slopes (1 = linear in N)."""
    lines = [
        "| system | sizes fitted | indexing time slope | indexing CPU slope | free p95 slope "
        "| concept p95 slope |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, values in fitted.items():
        sizes = ", ".join(f"{n:,}" for n in values["sizes"]) or "—"
        keys = ("index_seconds", "index_cpu_seconds", "free_p95", "concept_p95")
        cells = [_num(values[k]) for k in keys]
        lines.append(f"| {name} | {sizes} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(runs: Sequence[Run], path: Path, title: str) -> None:
    """Log-log PNG: indexing time and query p95 against N, one line per system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5), constrained_layout=True)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, key in enumerate(dict.fromkeys(r.key for r in runs)):
        mine = sorted((r for r in runs if r.key == key and r.ok), key=lambda r: r.n)
        if not mine:
            continue
        color = colors[i % len(colors)]
        sizes = [r.n for r in mine]
        left.plot(sizes, [r.get("index_seconds") for r in mine], "o-", color=color,
                  label=SYSTEMS[key])  # fmt: skip
        right.plot(sizes, [r.get("free_p95") for r in mine], "o-", color=color,
                   label=f"{SYSTEMS[key]} free-text")  # fmt: skip
        right.plot(sizes, [r.get("concept_p95") for r in mine], "s--", color=color,
                   label=f"{SYSTEMS[key]} concept")  # fmt: skip
    for axis, ylabel, heading in (
        (left, "index build time (s)", "Indexing time"),
        (right, f"query p95 latency, top {TOP_K} (ms)", "Query latency p95"),
    ):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("summaries indexed (N)")
        axis.set_ylabel(ylabel)
        axis.set_title(heading)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize="small")
    fig.suptitle(title, fontsize="small")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        if not part:
            continue
        factor = {"k": 1_000, "m": 1_000_000}.get(part[-1], 1)
        number = part[:-1] if factor > 1 else part
        try:
            value = int(float(number) * factor)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a size: {part!r}") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"sizes must be positive, got {part!r}")
        sizes.append(value)
    return sizes


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.speed",
        description="Indexing and query speed of alliance_search against plain Whoosh and "
        "peers, on synthetic French corpora of growing size.",
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=list(DEFAULT_SIZES),
        help="comma-separated corpus sizes, e.g. 1000,10k,100k (default: 1000,10000,100000)",
    )
    parser.add_argument("--huge", action="store_true", help=f"also run N = {HUGE_SIZE:,}")
    parser.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help=f"comma-separated systems among {', '.join(SYSTEMS)} (default: all)",
    )
    parser.add_argument("--seed", type=int, default=42, help="corpus and query seed (42)")
    parser.add_argument(
        "--queries", type=int, default=100, help="free-text queries timed (default: 100)"
    )
    parser.add_argument(
        "--concept-queries", type=int, default=20, help="concept queries timed (default: 20)"
    )
    parser.add_argument(
        "--plot", type=Path, default=DEFAULT_PLOT, help=f"PNG to write (default: {DEFAULT_PLOT})"
    )
    parser.add_argument("--json", type=Path, help="also dump the raw numbers to this JSON file")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of queries per system and size, the systems taking turns; each query "
        "counts its median time (default: 3; bm25s, whose index lives in memory, runs one)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=3600,
        help="seconds allowed to one system at one size, indexing and queries (default: 3600)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        help="folder for corpus files and indexes (default: a temporary folder, removed)",
    )
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return args
    args.systems = [name.strip() for name in args.systems.split(",") if name.strip()]
    unknown = [name for name in args.systems if name not in SYSTEMS]
    if unknown:
        parser.error(f"unknown system(s): {', '.join(unknown)}; choose among {', '.join(SYSTEMS)}")
    if args.huge and HUGE_SIZE not in args.sizes:
        args.sizes.append(HUGE_SIZE)
    args.sizes = sorted(set(args.sizes))
    if args.queries < 1 or args.concept_queries < 1:
        parser.error("--queries and --concept-queries must be at least 1")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def _progress(message: str) -> None:
    print(f"> {message}", file=sys.stderr, flush=True)


def _later_rounds(
    args: argparse.Namespace,
    workdir: Path,
    n: int,
    here: list[Run],
    queries: tuple[list[str], list[str], list[str]],
) -> None:
    """Time the queries ``args.rounds - 1`` more times on the indexes built at size
    ``n``, the systems taking turns (in reverse order every other round), so that a
    machine slower for a few minutes slows every system alike. Systems whose index
    lives in memory only (bm25s) keep their first round."""
    free, concept, warmup = queries
    again = [run for run in here if run.ok and run.key in REOPENED]
    extra: dict[str, list[dict[str, Any]]] = {run.key: [] for run in again}
    for round_number in range(1, args.rounds):
        order = again[::-1] if round_number % 2 else again
        for run in order:
            _progress(f"N = {n:,}: {run.name}, queries again ({round_number + 1}/{args.rounds})")
            job = {
                "kind": "queries", "system": run.key, "n": n,
                "workdir": str(workdir / f"{run.key}-{n}"),
                "free": free, "concept": concept, "warmup": warmup,
            }  # fmt: skip
            status, result = _child(job, workdir, args.timeout)
            if status != "ok":
                _progress(f"N = {n:,}: {run.name} round {round_number + 1} {status}: {result}")
                continue
            extra[run.key].append(result)
    for run in again:
        if extra[run.key]:
            combine_rounds(run.data or {}, extra[run.key])


def benchmark(args: argparse.Namespace, workdir: Path) -> tuple[list[Run], dict[str, Any]]:
    """Run every size and system, printing one table per size as it completes."""
    free, concept = make_queries(args.seed, args.queries, args.concept_queries)
    warm_free, warm_concept = make_queries(args.seed, 0, 0, warmup=WARMUP_QUERIES)
    runs: list[Run] = []
    corpora: dict[int, Any] = {}
    for n in args.sizes:
        corpus = workdir / f"corpus-v{CORPUS_VERSION}-{n}-{args.seed}.jsonl"
        job = {"kind": "corpus", "n": n, "seed": args.seed, "corpus": str(corpus)}
        _progress(f"N = {n:,}: generating the corpus")
        status, stats = _child(job, workdir, args.timeout)
        if status != "ok":
            print(f"\n## N = {n:,}: corpus generation {status}: {stats}", flush=True)
            continue
        corpora[n] = stats
        here: list[Run] = []
        for key in args.systems:
            _progress(f"N = {n:,}: {SYSTEMS[key]}")
            job = {
                "kind": "system", "system": key, "n": n, "corpus": str(corpus),
                "workdir": str(workdir / f"{key}-{n}"),
                "free": free, "concept": concept, "warmup": warm_free + warm_concept,
            }  # fmt: skip
            status, result = _child(job, workdir, args.timeout)
            if status == "ok":
                here.append(Run(n, key, data=result))
            else:
                here.append(Run(n, key, status=status, note=str(result)))
                _progress(f"N = {n:,}: {SYSTEMS[key]} {status}: {result}")
        _later_rounds(args, workdir, n, here, (free, concept, warm_free + warm_concept))
        for key in args.systems:
            shutil.rmtree(workdir / f"{key}-{n}", ignore_errors=True)
        runs.extend(here)
        print(
            f"\n## N = {n:,} summaries (corpus {stats['bytes'] / 1e6:.1f} MB JSONL, "
            f"{stats['mean_summary_words']:.0f} words per summary on average)\n",
            flush=True,
        )
        print(format_table(here))
        notes = format_notes(here)
        if notes:
            print("\n" + notes, flush=True)
    return runs, corpora


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m benchmarks.speed``."""
    args = parse_args(argv)
    if args.worker:
        return worker(args.worker)
    info = machine()
    print(format_machine(info))
    print(
        f"Seed {args.seed}; {args.queries} free-text and {args.concept_queries} concept "
        f"queries per system and size, top {TOP_K}, after {2 * WARMUP_QUERIES} warm-up "
        f"queries; each query's median time over {args.rounds} round(s), each round a new "
        "process, the systems taking turns (bm25s, whose index lives in memory: one round). "
        "alliance_search indexes title, summary, keywords and section and builds the "
        "snippets of its hits; peers (benchmarks.peers) index title and summary and return ids."
    )
    with contextlib.ExitStack() as stack:
        if args.workdir:
            workdir = args.workdir
            workdir.mkdir(parents=True, exist_ok=True)
        else:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="speed-")))
        runs, corpora = benchmark(args, workdir)
    fitted = slopes(runs)
    print("\n## Growth with N (least-squares slope of log cost against log N; 1 = linear)\n")
    print(format_slopes(fitted))
    if runs:
        plot(runs, args.plot, format_machine(info))
        print(f"\nPlot: {args.plot}")
    if args.json:
        free, concept = make_queries(args.seed, args.queries, args.concept_queries)
        record = {
            "machine": info,
            "settings": {
                "sizes": args.sizes, "systems": args.systems, "seed": args.seed,
                "queries": args.queries, "concept_queries": args.concept_queries, "k": TOP_K,
            },
            "queries": {"free": free, "concept": concept},
            "corpora": {str(n): stats for n, stats in corpora.items()},
            "runs": [run.to_dict() for run in runs],
            "slopes": fitted,
        }  # fmt: skip
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(record, indent=2, ensure_ascii=False), "utf-8")
        print(f"Raw numbers: {args.json}")
    return 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
