"""alliance_search: search French mental-health article summaries by clinical concept.

Quick start::

    import alliance_search as als

    index = als.build_index(als.load_corpus(), "mon-index")   # the bundled seed issue
    results = index.search("états limites")
    results[0].title          # 'Etats limites et lien thérapeutique'
    results[0].snippet        # 'Les patients borderline ... **limites** ...'
    results                   # an HTML table in Jupyter

Main entry points: :func:`load_corpus`, :func:`parse_issue_toc`, :func:`build_index`,
:func:`open_index`, :class:`Index`, :class:`Results`, :class:`Hit`,
:func:`french_analyzer`; index upkeep: :func:`check_index`, :func:`rebuild_index`,
:func:`unlock_index`; in a notebook (``notebook`` extra: pandas, matplotlib):
:meth:`Results.to_pandas`, :meth:`Results.facets_frame`, :func:`concept_frame`,
:func:`plot_concepts`, :func:`plot_facets`. Errors a user can cause derive from
:class:`AllianceSearchError`.
"""

from ._errors import (
    AllianceSearchError,
    CorpusError,
    IndexDamagedError,
    IndexLockedError,
    IndexNotFoundError,
    IndexVersionError,
    MissingExtraError,
    ThesaurusError,
    UnknownConceptError,
)
from .analysis import analyze, french_analyzer
from .check import CheckReport, check_index, rebuild_index, unlock_index
from .concepts import Concept, Thesaurus, default_thesaurus, load_thesaurus
from .corpus import Article, bundled_corpus_path, load_corpus, parse_issue_toc, write_jsonl
from .index import Index, build_index, default_index_dir, open_index
from .plots import concept_frame, plot_concepts, plot_facets
from .results import Hit, Match, Results

__version__ = "0.1.0"

__all__ = [
    "AllianceSearchError",
    "Article",
    "CheckReport",
    "Concept",
    "CorpusError",
    "Hit",
    "Index",
    "IndexDamagedError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexVersionError",
    "Match",
    "MissingExtraError",
    "Results",
    "Thesaurus",
    "ThesaurusError",
    "UnknownConceptError",
    "__version__",
    "analyze",
    "build_index",
    "bundled_corpus_path",
    "check_index",
    "concept_frame",
    "default_index_dir",
    "default_thesaurus",
    "french_analyzer",
    "load_corpus",
    "load_thesaurus",
    "open_index",
    "parse_issue_toc",
    "plot_concepts",
    "plot_facets",
    "rebuild_index",
    "unlock_index",
    "write_jsonl",
]
