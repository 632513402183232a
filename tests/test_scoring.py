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
        ("phrase", "title", ("pact", "soin"), ()),
        ("phrase", "exact", ("pacte", "soins"), ()),
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


def test_sums_and_maxima_with_defaults_by_hand() -> None:
    """A child gives its default (the most an unread term can add) to the documents it
    lacks: 1 holds a = 2 and b = 1, 2 holds a = 0.5 only, b's default is 3."""
    a: tuple[dict[int, float], float] = ({1: 2.0, 2: 0.5}, 0.0)
    b: tuple[dict[int, float], float] = ({1: 1.0}, 3.0)
    assert _scoring._sum_with_defaults([a, b]) == ({1: 3.0, 2: 3.5}, 3.0)
    assert _scoring._max_with_defaults([a, b]) == ({1: 2.0, 2: 3.0}, 3.0)
    c: tuple[dict[int, float], float] = ({2: 4.0}, 1.5)
    assert _scoring._max_with_defaults([a, b, c]) == ({1: 2.0, 2: 4.0}, 3.0)
    assert _scoring._sum_with_defaults([a, b, c]) == ({1: 4.5, 2: 7.5}, 4.5)


#: Words of the seed issue's subjects, drawn into larger synthetic articles below.
_DRAWN = (  # noqa: SIM905 (a sentence reads better than a column of words)
    "alliance thérapeutique patient borderline état limite démence maladie d'Alzheimer "
    "famille adolescent soins sans consentement hospitalisation sous contrainte équipe "
    "soignante infirmière relation psychose schizophrénie temps vécu Charcot hystérie "
    "pacte de soins contrat confiance cadre institution psychiatrie secteur"
).split()


@pytest.fixture(scope="module")
def drawn_index(tmp_path_factory: pytest.TempPathFactory, seed_articles) -> als.Index:
    """The seed and 400 articles drawn from its words and sentences: enough documents
    for terms of very different frequencies, so that pruning has something to skip."""
    import random

    rng = random.Random(20)
    sentences = [s for a in seed_articles for s in a.summary.split(". ") if s] + SUMMARIES
    articles = list(seed_articles)
    for i in range(400):
        title = " ".join(rng.choices(_DRAWN, k=rng.randint(2, 6)))
        summary = ". ".join(rng.choices(sentences, k=rng.randint(1, 4)))
        articles.append(als.Article(id=f"d{i}", title=title.capitalize(), summary=summary))
    return als.build_index(articles, tmp_path_factory.mktemp("drawn") / "ix")


_DRAWN_QUERIES = [
    *QUERIES,
    "Charcot patient soins",
    "hystérie temps vécu famille",
    "borderline famille psychose cadre",
    "infirmière démence confiance institution",
    "adolescent alliance contrainte secteur",
    "schizophrénie équipe",
]


@pytest.mark.parametrize("text", _DRAWN_QUERIES)
def test_pruned_top_k_is_exact_on_a_larger_index(
    drawn_index: als.Index, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Documents not read yet are bounded by the share of the query they can still
    match, documents read by what they hold and what they may still get: the top k
    found that way, with every read costly enough to prune, are the k best."""
    monkeypatch.setattr(_scoring, "_CHEAP", 0)
    parsed = parse_query(text, expansion=Expansion(thesaurus=drawn_index.thesaurus))
    q, parts = parsed.build(DEFAULT_FIELD_WEIGHTS, drawn_index.searcher())
    for share in (_Share(parts, 3.0), None):
        everything, _ = drawn_index._scorer().top(q, None, final=share)
        for limit in (1, 5, 10):
            top, _ = drawn_index._scorer().top(q, limit, final=share)
            assert [d for _, d in top] == [d for _, d in everything[:limit]]
            assert [s for s, _ in top] == pytest.approx(
                [s for s, _ in everything[:limit]], rel=1e-12
            )


def test_articles_not_read_yet_are_bounded_by_their_share_of_the_query(
    drawn_index: als.Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before a costly read, the most an article not read yet can score is taken as
    the share of the query it can still match: it holds none of the terms read, and
    may hold any other. That bound is below the bound without the share once a whole
    part of the query has been read."""
    monkeypatch.setattr(_scoring, "_CHEAP", 0)
    parsed = parse_query("Charcot hystérie famille soins", expansion=Expansion())
    q, parts = parsed.build(DEFAULT_FIELD_WEIGHTS, drawn_index.searcher())
    share = _Share(parts, 3.0)
    scorer = drawn_index._scorer()
    bounds: list[tuple[float, float]] = []

    def spy(scores: dict[int, float], holders: Any) -> dict[int, float]:
        final = share(scores, holders)
        if _scoring._UNSEEN in scores:
            for key in scorer._terms:  # read in full: no article not seen holds them
                assert not holders(key)
            unread = [key for part in parts for key in part.terms if key not in scorer._terms]
            assert all(holders(key) is None for key in unread if key[0] != "phrase")
            bounds.append((scores[_scoring._UNSEEN], final[_scoring._UNSEEN]))
        return final

    top, _ = scorer.top(q, 3, final=spy)
    everything, _ = drawn_index._scorer().top(q, None, final=share)
    assert [d for _, d in top] == [d for _, d in everything[:3]]
    assert [s for s, _ in top] == pytest.approx([s for s, _ in everything[:3]], rel=1e-12)
    assert bounds and all(final <= raw for raw, final in bounds)
    assert any(final < raw for raw, final in bounds)


def test_the_share_of_the_query_prunes_what_cannot_rank(
    drawn_index: als.Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article with none of the rare words read first can match only part of the
    query: with the share counted, fewer candidates are left to score in full."""
    monkeypatch.setattr(_scoring, "_CHEAP", 0)
    parsed = parse_query("Charcot hystérie famille soins", expansion=Expansion())
    q, parts = parsed.build(DEFAULT_FIELD_WEIGHTS, drawn_index.searcher())
    every = drawn_index._scorer().documents(q)
    plain, _ = drawn_index._scorer()._candidates(q, 3, lambda doc: True)
    shared, _ = drawn_index._scorer()._candidates(q, 3, lambda doc: True, _Share(parts, 3.0))
    assert shared is not None and len(shared) < 0.7 * len(plain or every)


def test_highest_possible_scores_are_remembered_within_a_limit(
    seed_index: als.Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pruning needs each term's highest possible score, read from its statistics in
    every segment: a searcher's scorers remember them, up to ``_MOST_KEPT`` terms."""
    cache = ScoreCache()
    scorer = _scoring.TermScorer(seed_index.searcher(), cache)
    most = scorer._most("summary", "allianc")
    assert most > 0 and cache.most == {("summary", b"allianc"): most}
    leaf = scorer._leaf("summary", "allianc")
    assert max(leaf.values()) <= most  # a bound of every article's score
    monkeypatch.setattr(_scoring, "_MOST_KEPT", 2)
    for word in ("patient", "soin", "equip", "relat"):
        assert scorer._most("summary", word) > 0
        assert len(cache.most) <= 2
    assert ("summary", b"relat") in cache.most
