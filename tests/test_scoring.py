"""Term-at-a-time scoring gives Whoosh's own scores, on every kind of query tree."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from whoosh.fields import Schema
from whoosh.formats import Positions

import alliance_search as als
from alliance_search import _scoring
from alliance_search import index as index_module
from alliance_search._scoring import ScoreCache
from alliance_search.analysis import analyze
from alliance_search.query import Expansion, parse_query
from alliance_search.search import DEFAULT_FIELD_WEIGHTS, _Share

QUERIES = [
    "démence",
    "TPB",
    "état limite",
    "maladie d'Alzheimer",
    "alliance thérapeutique avec les adolescents",
    '"pacte de soins"',
    '"alliance thérapeutique" famille',
    "soins sans consentement",
    "relation infirmière avec le patient",
    "équipe soignante hospitalisation",
    "Charcot hystérie",
    "schizophrénie psychose temps vécu",
    "mot-absent introuvable",
]

SUMMARIES = [
    "L’alliance thérapeutique avec les patients borderline demande une équipe soignante "
    "stable et un cadre clair.",
    "Les soins sans consentement et l’hospitalisation sous contrainte posent la question "
    "de l’alliance avec la famille.",
    "Maladie d’Alzheimer et démence : la relation infirmière avec le patient âgé.",
    "Psychose et temps vécu : la schizophrénie au quotidien d’un service de psychiatrie.",
]


class _Positions(Positions):  # type: ignore[misc]
    """Whoosh's own positional postings (texts joined), for the reference index."""

    def word_values(self, value, analyzer, **kwargs):  # type: ignore[no-untyped-def]
        texts = [value] if isinstance(value, str) else value
        return super().word_values("\n".join(texts), analyzer, **kwargs)


def _positional_schema() -> Schema:
    schema = _original_schema()
    for name in ("title", "summary", "keywords", "exact"):
        schema[name].format = _Positions(field_boost=schema[name].format.field_boost)
    return schema


_original_schema = index_module.make_schema


def _build(path: Path, seed_articles) -> als.Index:
    """Several segments, deleted documents and single-posting terms."""
    index = als.build_index(seed_articles, path)
    extra = [
        als.Article(id=f"x{i}", title=f"Article {i} : {SUMMARIES[i % 4][:40]}", summary=text)
        for i, text in enumerate(itertools.islice(itertools.cycle(SUMMARIES), 40))
    ]
    index.update(extra[:20], procs=1)
    index.update(extra[20:], procs=2)
    index.delete(["x3", "x25", seed_articles[0].id])
    index.update([als.Article(id="x7", title="Titre corrigé", summary=SUMMARIES[0])])
    return index


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, seed_articles) -> als.Index:
    return _build(tmp_path_factory.mktemp("scoring") / "ix", seed_articles)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, seed_articles) -> Any:
    """The same index built with Whoosh's positional postings: Whoosh's own matchers
    (phrases included) give the expected scores, compared article by article."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "make_schema", _positional_schema)
        built = _build(tmp_path_factory.mktemp("reference") / "ix", seed_articles)
    return built.searcher()


def _whoosh(reference: Any, index: als.Index, text: str, limit: int | None, expand: bool = True):
    """Whoosh's ``(article id, score)`` hits on the reference index, best first."""
    thesaurus = index.thesaurus if expand else None
    parsed = parse_query(text, expansion=Expansion(thesaurus=thesaurus))
    q, _ = parsed.build(DEFAULT_FIELD_WEIGHTS, reference)
    hits = reference.search(q, limit=limit, optimize=False)
    return [(hit["id"], hit.score) for hit in hits], len(reference.search(q, limit=None))


def _query(index: als.Index, text: str, expand: bool = True) -> Any:
    parsed = parse_query(text, expansion=Expansion(thesaurus=index.thesaurus if expand else None))
    return parsed.build(DEFAULT_FIELD_WEIGHTS, index.searcher())[0]


def _ids(index: als.Index, pairs: list[tuple[float, int]]) -> list[tuple[str, float]]:
    searcher = index.searcher()
    return [(searcher.stored_fields(doc)["id"], score) for score, doc in pairs]


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("expand", [True, False])
def test_same_scores_as_whoosh(index: als.Index, reference: Any, text: str, expand: bool) -> None:
    searcher = index.searcher()
    assert len(searcher.reader().leaf_readers()) > 1 and searcher.reader().has_deletions()
    whoosh = dict(_whoosh(reference, index, text, None, expand)[0])
    scores = index._scorer().scores(_query(index, text, expand))
    ours = dict(_ids(index, [(s, d) for d, s in scores.items()]))
    assert set(ours) == set(whoosh)
    for doc, score in whoosh.items():
        assert ours[doc] == pytest.approx(score, rel=1e-12)
    if "absent" not in text and (expand or text != "TPB"):  # TPB is only a synonym
        assert whoosh, "the query should match something"


def test_matched_terms_are_whooshs(index: als.Index, reference: Any) -> None:
    text = '"pacte de soins" alliance'
    parsed = parse_query(text, expansion=Expansion(index.thesaurus))
    scorer = index._scorer()
    top, matching = scorer.top(parsed.build(DEFAULT_FIELD_WEIGHTS, index.searcher())[0], None)
    ids = {doc: index.searcher().stored_fields(doc)["id"] for _, doc in top}
    q, _ = parsed.build(DEFAULT_FIELD_WEIGHTS, reference)
    expected = {
        hit["id"]: set(hit.matched_terms())
        for hit in reference.search(q, limit=None, optimize=False, terms=True)
    }
    ours = {ids[doc]: scorer.matched_terms(doc) for doc in ids}
    # Whoosh records the words of a phrase; the scorer records the phrase as well.
    assert {i: {k for k in keys if k[0] != "phrase"} for i, keys in ours.items()} == expected
    phrases = {k for keys in ours.values() for k in keys if k[0] == "phrase"}
    assert {
        ("phrase", "title", ("pact", "soin")),
        ("phrase", "exact", ("pacte", "soins")),
    } <= phrases
    assert len(matching()) == len(top) > 0


@pytest.fixture(params=["small index", "pruning forced", "k-th score from a sample"])
def pruning(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """On an index this small no term costs enough to prune; "forced" prunes anyway,
    "sample" also looks for the k-th best score among the documents of the terms and
    phrases found in at most ``limit`` documents only."""
    if request.param != "small index":
        monkeypatch.setattr(_scoring, "_CHEAP", 0)
        monkeypatch.setattr(_scoring, "_SPARSE", 1)
    if request.param == "k-th score from a sample":
        monkeypatch.setattr(_scoring, "_RARE", 1)
    return request.param != "small index"


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("limit", [1, 3, 10])
def test_top_k_with_pruning_is_exact(
    index: als.Index, reference: Any, text: str, limit: int, pruning: bool
) -> None:
    whoosh, total = _whoosh(reference, index, text, limit)
    top, matching = index._scorer().top(_query(index, text), limit)
    ours = _ids(index, top)
    assert [i for i, _ in ours] == [i for i, _ in whoosh]
    assert [s for _, s in ours] == pytest.approx([s for _, s in whoosh], rel=1e-12)
    assert len(matching()) == total  # the count is exact too


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("limit", [1, 3, 10])
def test_top_k_is_exact_after_the_share_of_the_query(
    index: als.Index, text: str, limit: int, pruning: bool
) -> None:
    """Ranked by score times the share of the query matched, as search ranks: the top
    k found with pruning are the k best of every match."""
    parsed = parse_query(text, expansion=Expansion(thesaurus=index.thesaurus))
    q, parts = parsed.build(DEFAULT_FIELD_WEIGHTS, index.searcher())
    share = _Share(parts, 3.0)
    everything, _ = index._scorer().top(q, None, final=share)
    top, _ = index._scorer().top(q, limit, final=share)
    assert [d for _, d in top] == [d for _, d in everything[:limit]]
    assert [s for s, _ in top] == pytest.approx([s for s, _ in everything[:limit]], rel=1e-12)


def test_pruning_reads_only_what_can_reach_the_top(
    index: als.Index, reference: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rare word read first: the frequent ones are read only where it occurs."""
    monkeypatch.setattr(_scoring, "_CHEAP", 0)
    searcher = index.searcher()
    parsed = parse_query("Charcot patient soins", expansion=Expansion())
    q, _ = parsed.build(DEFAULT_FIELD_WEIGHTS, searcher)
    scorer = index._scorer()
    candidates, _ = scorer._candidates(q, 1, lambda doc: True)
    charcot = scorer._leaf("summary", "charcot")
    assert candidates is not None and charcot and set(charcot) <= candidates
    assert len(candidates) < len(scorer._matching(q, lambda doc: True))
    top, _ = scorer.top(q, 1)
    expected = _whoosh(reference, index, "Charcot patient soins", 1, expand=False)[0]
    assert [i for i, _ in _ids(index, top)] == [i for i, _ in expected]
    assert [s for s, _ in top] == pytest.approx([s for _, s in expected], rel=1e-12)


def test_top_keeps_whooshs_order_and_filters(index: als.Index, reference: Any) -> None:
    q = _query(index, "alliance", expand=False)
    top, matching = index._scorer().top(q, 5)
    assert [i for i, _ in _ids(index, top)] == [
        i for i, _ in _whoosh(reference, index, "alliance", 5, False)[0]
    ]
    odd = index._scorer().top(q, None, lambda doc: doc % 2 == 1)[1]()
    assert odd and all(doc % 2 for doc in odd) and set(odd) < set(matching())


@pytest.mark.parametrize("text", ['"pacte de soins"', '"soins de pacte"', '"équipe soignante"'])
def test_phrases_are_checked_on_the_stored_text(index: als.Index, text: str) -> None:
    """Without positions in the postings, a phrase is checked by analysing the stored
    text again: it matches exactly the articles holding its words side by side."""
    words = [terms[-1] for _, terms, _, _ in analyze(text.strip('"'))]
    searcher = index.searcher()
    expected = set()
    for doc in range(searcher.doc_count_all()):
        if not searcher.reader().is_deleted(doc):
            stored = searcher.stored_fields(doc)
            for name in ("title", "summary", "keywords"):
                found = [terms for _, terms, _, _ in analyze(stored.get(name) or "")]
                if any(
                    all(words[k] in found[i + k] for k in range(len(words)))
                    for i in range(len(found) - len(words) + 1)
                ):
                    expected.add(doc)
    q = _query(index, text, expand=False)
    assert set(index._scorer().scores(q)) == expected
    assert bool(expected) == (text != '"soins de pacte"')


def test_norms_follow_new_commits(tmp_path: Path, seed_articles) -> None:
    index = als.build_index(seed_articles, tmp_path / "ix")
    before = index.search("démence")[0].score
    index.update([als.Article(id="long", title="Démence", summary=" ".join(["soin"] * 500))])
    after = index.search("démence")
    assert "long" in after.ids and after[0].score != pytest.approx(before)


def test_score_cache_keeps_recent_terms_within_its_budget() -> None:
    cache = ScoreCache(budget=12)
    three = dict.fromkeys(range(3), 1.0)
    cache.put(("summary", b"soin"), three)
    cache.put(("summary", b"patient"), {4: 1.0, 5: 1.0})
    assert cache.get(("summary", b"soin")) is three  # now the most recent
    cache.put(("summary", b"trouble"), three)
    cache.put(("summary", b"malad"), three)
    cache.put(("summary", b"famill"), three)  # 14 postings > 12: the oldest goes
    assert cache.get(("summary", b"patient")) is None
    assert cache.get(("summary", b"soin")) is three
    cache.put(("title", b"demenc"), dict.fromkeys(range(4), 1.0))  # over a quarter
    assert cache.get(("title", b"demenc")) is None


def test_phrase_checks_reuse_recent_texts(seed_index) -> None:
    cache = ScoreCache(texts=2)
    for doc in range(3):
        cache.remember(("summary", doc), {"soin": [doc]})
    assert list(cache.positions) == [("summary", 1), ("summary", 2)]
    first = seed_index.search('"alliance thérapeutique"', limit=3)
    checked = dict(seed_index._scores.positions)
    assert checked and all(positions for positions in checked.values())
    again = seed_index.search('"alliance thérapeutique"', limit=3)
    assert [(h.id, h.score) for h in again] == [(h.id, h.score) for h in first]
    kept = seed_index._scores.positions
    assert all(kept[key] is positions for key, positions in checked.items())  # not redone


def test_repeated_queries_reuse_term_scores(seed_index) -> None:
    first = seed_index.search("alliance thérapeutique", limit=5)
    again = seed_index.search("alliance thérapeutique", limit=5)
    assert [(h.id, h.score) for h in first] == [(h.id, h.score) for h in again]
    assert seed_index._scores.get(("summary", b"allianc")) is not None
