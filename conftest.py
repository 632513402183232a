"""Doctest namespace: the examples in docstrings run against a real seed index. Built
thesauri are cached in a folder of the session."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

import alliance_search as als
from alliance_search._thesaurus_cache import CACHE_ENV


def pytest_configure(config: pytest.Config) -> None:
    """Thesauri built by the tests (and by the commands they run) are cached in a
    folder of the session, never in the user's."""
    os.environ[CACHE_ENV] = tempfile.mkdtemp(prefix="alliance-search-thesauri-")


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = os.environ.pop(CACHE_ENV, "")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace: dict, tmp_path_factory: pytest.TempPathFactory) -> None:
    if "index" not in doctest_namespace:
        folder = tmp_path_factory.mktemp("doctest")
        doctest_namespace["tmp_path"] = folder
        doctest_namespace["index"] = als.build_index(als.load_corpus(), folder / "seed-index")
        doctest_namespace["load_corpus"] = als.load_corpus
        doctest_namespace["build_index"] = als.build_index
