"""Shared fixtures: the bundled seed corpus and an index built from it once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

import alliance_search as als

ROOT = Path(__file__).resolve().parents[1]
SEED_TXT = ROOT / "corpus" / "sante-mentale-alliance-therapeutique.txt"
SEED_JSONL = ROOT / "corpus" / "sante-mentale-alliance-therapeutique.jsonl"

# Ids of the seed articles used in assertions.
BORDERLINE = "sm-etats-limites-et-lien-therapeutique"
DEMENTIA = "sm-alliance-therapeutique-dans-la-demence"
CHARCOT = "sm-charcot-un-crayon-a-la-main"
PSYCHOSIS = "sm-le-temps-vecu-dans-la-psychose"
PACT = "sm-la-fiabilite-pour-le-pacte-de-soins-et-l-alliance"
NURSING = "sm-soins-infirmiers-reinventer-la-relation"


@pytest.fixture(scope="session")
def seed_articles() -> list[als.Article]:
    return als.load_corpus(SEED_JSONL)


@pytest.fixture(scope="session")
def seed_index(
    tmp_path_factory: pytest.TempPathFactory, seed_articles: list[als.Article]
) -> als.Index:
    return als.build_index(seed_articles, tmp_path_factory.mktemp("seed") / "index")


@pytest.fixture(autouse=True)
def _isolated_default_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real default index from a test."""
    monkeypatch.setenv("ALLIANCE_SEARCH_INDEX", str(tmp_path / "default-index"))
