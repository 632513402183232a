"""Smoke tests of the benchmark peers on a handful of tiny French documents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from benchmarks import peers

DOCS = [
    {
        "id": "demence",
        "title": "Accompagner la démence en établissement",
        "summary": "Les soignants décrivent la maladie d'Alzheimer et les autres démences "
        "du sujet âgé : troubles de la mémoire, désorientation, épuisement des aidants.",
        "year": 2019,  # extra keys are ignored
    },
    {
        "id": "borderline",
        "title": "Soigner les patients borderline",
        "summary": "Le trouble de la personnalité limite met à l'épreuve le lien "
        "thérapeutique : impulsivité, automutilations, peur de l'abandon.",
    },
    {
        "id": "anorexie",
        "title": "L'anorexie mentale à l'adolescence",
        "summary": "Restriction alimentaire, peur de grossir et image du corps chez "
        "les adolescentes hospitalisées ; place de la famille dans les soins.",
    },
    {
        "id": "depression",
        "title": "Dépression du post-partum",
        "summary": "Repérer la dépression maternelle après la naissance et soutenir "
        "le lien mère-enfant.",
    },
    {
        "id": "schizophrenie",
        "title": "Réhabilitation psychosociale dans la schizophrénie",
        "summary": "Remédiation cognitive, emploi accompagné et rétablissement des "
        "personnes vivant avec une schizophrénie.",
    },
]

QUERIES = [
    ("démence", "demence"),
    ("patients borderline", "borderline"),
    ("anorexie mentale", "anorexie"),
    ("dépressions maternelles", "depression"),  # plural forms: needs stemming or overlap
    ("schizophrénie réhabilitation", "schizophrenie"),
]

PEERS = [
    pytest.param((peers.WhooshFrench, "whoosh"), id="whoosh"),
    pytest.param((peers.Tantivy, "tantivy"), id="tantivy"),
    pytest.param((peers.BM25S, "bm25s"), id="bm25s"),
    pytest.param((peers.SQLiteFTS5, None), id="sqlite"),
]


@pytest.fixture(params=PEERS)
def system(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[peers.System]:
    cls, package = request.param
    if package is not None:
        pytest.importorskip(package)
    if package == "bm25s":
        pytest.importorskip("Stemmer")
    instance = cls()
    instance.index(DOCS, tmp_path)
    yield instance
    close = getattr(instance, "close", None)
    if callable(close):
        close()


def test_peer_follows_the_protocol(system: peers.System) -> None:
    assert isinstance(system, peers.System)
    assert system.name


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_peer_ranks_the_obvious_document_first(
    system: peers.System, query: str, expected: str
) -> None:
    results = system.search(query, 3)
    if system.name == "sqlite" and query == "dépressions maternelles":
        # FTS5 unicode61 does not stem: the plural forms do not meet the singular ones.
        assert expected not in results
        return
    assert results, f"{system.name} found nothing for {query!r}"
    assert results[0] == expected
    assert len(results) <= 3
    assert len(set(results)) == len(results)


def test_peer_survives_query_syntax(system: peers.System) -> None:
    for query in ['"démence', "title:(anorexie", "AND OR NOT", "-patients +borderline*", ""]:
        results = system.search(query, 5)
        assert isinstance(results, list)


def test_peer_returns_nothing_for_unknown_words(system: peers.System) -> None:
    assert system.search("xylophone quasar", 5) == []


def test_sqlite_fts5_escapes_quotes_and_parentheses(tmp_path: Path) -> None:
    fts = peers.SQLiteFTS5()
    fts.index(DOCS, tmp_path)
    try:
        query = 'anorexie "mentale (restrictive) AND NEAR( OR * ^'
        assert fts.match_expression(query) == (
            '"anorexie" OR """mentale" OR "(restrictive)" OR "AND" OR "NEAR(" OR "OR"'
        )
        assert fts.search(query, 5)[0] == "anorexie"
        assert fts.search('")(', 5) == []
    finally:
        fts.close()


def test_tantivy_escape_keeps_only_words() -> None:
    assert peers.Tantivy.escape('title:"démence" (sénile) -AND+ l\'anorexie~2') == (
        "title démence sénile and l anorexie 2"
    )


def test_bm25s_clamps_k_to_the_corpus(tmp_path: Path) -> None:
    pytest.importorskip("bm25s")
    pytest.importorskip("Stemmer")
    bm25 = peers.BM25S()
    bm25.index(DOCS, tmp_path)
    assert bm25.search("démence", 50) == ["demence"]


def test_alliance_search_name_from_options() -> None:
    assert peers.AllianceSearch().name == "alliance_search"
    assert peers.AllianceSearch(expand=False).name == "alliance_search (expand=False)"
    named = peers.AllianceSearch(name="alliance_search (no concepts)", expand=False)
    assert named.name == "alliance_search (no concepts)"
    assert named.search_options == {"expand": False}


def test_alliance_search_uses_the_public_contract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: dict[str, object] = {}

    class Hit:
        def __init__(self, id: str) -> None:
            self.id = id

    class FakeIndex:
        def search(self, query: str, limit: int, **options: object) -> list[Hit]:
            calls["search"] = (query, limit, options)
            return [Hit("b"), Hit("a")]

    class FakeLibrary:
        @staticmethod
        def Article(**fields: str) -> dict[str, str]:
            return fields

        @staticmethod
        def build_index(articles: list[dict[str, str]], path: Path) -> FakeIndex:
            calls["build"] = (articles, path)
            return FakeIndex()

    monkeypatch.setattr(peers, "als", FakeLibrary)
    system = peers.AllianceSearch(expand=False)
    system.index([{"id": "a", "title": "Démence", "summary": "Sénile", "year": 2001}], tmp_path)
    assert calls["build"] == (
        [{"id": "a", "title": "Démence", "summary": "Sénile"}],
        tmp_path / "als",
    )
    assert system.search("démence", 7) == ["b", "a"]
    assert calls["search"] == ("démence", 7, {"expand": False})


def test_alliance_search_indexes_records_without_a_title(tmp_path: Path) -> None:
    # The library requires a title; a dataset may have records without one.
    system = peers.AllianceSearch()
    system.index(
        [
            {"id": "sans-titre", "title": "", "summary": "La démence et l'alliance thérapeutique."},
            {"id": "vide", "title": None, "summary": None},
            {"id": "titre", "title": "Schizophrénie et emploi", "summary": ""},
        ],
        tmp_path,
    )
    assert system.search("démence", 10) == ["sans-titre"]
    assert system.search("schizophrénie", 10) == ["titre"]
    assert system.search(peers.UNTITLED, 10) == []


def test_postgres_fts_ranks_ors_and_stops(tmp_path: Path) -> None:
    if peers.PostgresFTS.missing:
        pytest.skip(peers.PostgresFTS.missing)
    pg = peers.PostgresFTS()
    try:
        pg.index(DOCS, tmp_path)
        for query, expected in [
            *QUERIES,
            ("DEMENCE", "demence"),
            ("anorexie xylophone", "anorexie"),
        ]:
            assert pg.search(query, 3)[0] == expected, query
        for query in [
            "'; DROP TABLE docs; --",
            "& | ! <-> :* (",
            "le la de des du",
            "xylophone",
            "",
        ]:
            assert pg.search(query, 5) == []
        assert pg.search("démence", 5) == ["demence"]  # the table survived
        datadir = pg._datadir
    finally:
        pg.close()
    assert datadir is not None and not datadir.exists()
