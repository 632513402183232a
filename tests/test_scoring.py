"""Term-at-a-time scoring gives Whoosh's own scores, on every kind of query tree."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import alliance_search as als
from alliance_search import _scoring
from alliance_search._scoring import ScoreCache, TermScorer
from alliance_search.query import Expansion, parse_query
from alliance_search.search import DEFAULT_FIELD_WEIGHTS

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


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, seed_articles) -> als.Index:
    """Several segments, deleted documents and single-posting terms."""
    path = tmp_path_factory.mktemp("scoring") / "ix"
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


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("expand", [True, False])
def test_same_scores_as_whoosh(index: als.Index, text: str, expand: bool) -> None:
    searcher = index.searcher()
    assert len(searcher.reader().leaf_readers()) > 1 and searcher.reader().has_deletions()
    parsed = parse_query(text, expansion=Expansion(thesaurus=index.thesaurus if expand else None))
    q, _ = parsed.build(DEFAULT_FIELD_WEIGHTS, searcher)
    whoosh = {hit.docnum: hit.score for hit in searcher.search(q, limit=None, optimize=False)}
    ours = TermScorer(searcher).scores(q)
    assert set(ours) == set(whoosh)
    for doc, score in whoosh.items():
        assert ours[doc] == pytest.approx(score, rel=1e-12)
    if "absent" not in text and (expand or text != "TPB"):  # TPB is only a synonym
        assert whoosh, "the query should match something"


def test_matched_terms_are_whooshs(index: als.Index) -> None:
    searcher = index.searcher()
    parsed = parse_query('"pacte de soins" alliance', expansion=Expansion(index.thesaurus))
    q, _ = parsed.build(DEFAULT_FIELD_WEIGHTS, searcher)
    scorer = TermScorer(searcher)
    top, matching = scorer.top(q, None)
    matching = matching()
    for hit in searcher.search(q, limit=None, optimize=False, terms=True):
        assert scorer.matched_terms(hit.docnum) == set(hit.matched_terms())
    assert len(matching) == len(top) > 0


@pytest.fixture(params=["small index", "pruning forced"])
def pruning(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """On an index this small no term costs enough to prune; "forced" prunes anyway."""
    if request.param == "pruning forced":
        monkeypatch.setattr(_scoring, "_CHEAP", 0)
        monkeypatch.setattr(_scoring, "_SPARSE", 1)
    return request.param == "pruning forced"


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("limit", [1, 3, 10])
def test_top_k_with_pruning_is_exact(
    index: als.Index, text: str, limit: int, pruning: bool
) -> None:
    searcher = index.searcher()
    parsed = parse_query(text, expansion=Expansion(thesaurus=index.thesaurus))
    q, _ = parsed.build(DEFAULT_FIELD_WEIGHTS, searcher)
    whoosh = searcher.search(q, limit=limit, optimize=False)
    top, matching = TermScorer(searcher).top(q, limit)
    matching = matching()
    assert [d for _, d in top] == [hit.docnum for hit in whoosh]
    assert [s for s, _ in top] == pytest.approx([hit.score for hit in whoosh], rel=1e-12)
    assert len(matching) == len(searcher.search(q, limit=None))  # the total is exact too


def test_pruning_reads_only_what_can_reach_the_top(
    index: als.Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rare word read first: the frequent ones are read only where it occurs."""
    monkeypatch.setattr(_scoring, "_CHEAP", 0)
    searcher = index.searcher()
    parsed = parse_query("Charcot patient soins", expansion=Expansion())
    q, _ = parsed.build(DEFAULT_FIELD_WEIGHTS, searcher)
    scorer = TermScorer(searcher)
    candidates = scorer._candidates(q, 1, lambda doc: True)
    charcot = scorer._leaf("summary", "charcot")
    assert candidates is not None and charcot and set(charcot) <= candidates
    assert len(candidates) < len(scorer._matching(q, lambda doc: True))
    top, _ = scorer.top(q, 1)
    assert [d for _, d in top] == [searcher.search(q, limit=1, optimize=False)[0].docnum]


def test_top_keeps_whooshs_order_and_filters(index: als.Index) -> None:
    searcher = index.searcher()
    q, _ = parse_query("alliance", expansion=Expansion()).build(DEFAULT_FIELD_WEIGHTS, searcher)
    top, matching = TermScorer(searcher).top(q, 5)
    matching = matching()
    whoosh = searcher.search(q, limit=5, optimize=False)
    assert [d for _, d in top] == [hit.docnum for hit in whoosh]
    odd = TermScorer(searcher).top(q, None, lambda doc: doc % 2 == 1)[1]()
    assert odd and all(doc % 2 for doc in odd) and set(odd) < set(matching)


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


def test_repeated_queries_reuse_term_scores(seed_index) -> None:
    first = seed_index.search("alliance thérapeutique", limit=5)
    again = seed_index.search("alliance thérapeutique", limit=5)
    assert [(h.id, h.score) for h in first] == [(h.id, h.score) for h in again]
    assert seed_index._scores.get(("summary", b"allianc")) is not None
