"""Doctest namespace: the examples in docstrings run against a real seed index."""

from __future__ import annotations

import pytest

import alliance_search as als


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace: dict, tmp_path_factory: pytest.TempPathFactory) -> None:
    if "index" not in doctest_namespace:
        folder = tmp_path_factory.mktemp("doctest")
        doctest_namespace["tmp_path"] = folder
        doctest_namespace["index"] = als.build_index(als.load_corpus(), folder / "seed-index")
        doctest_namespace["load_corpus"] = als.load_corpus
        doctest_namespace["build_index"] = als.build_index
