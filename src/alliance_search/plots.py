"""Notebook helpers: the concept map as a DataFrame, and plots of concepts and facets.

pandas and matplotlib are optional (``pip install 'alliance-search[notebook]'``) and
imported only when a function here is called. Figures are made with
:class:`matplotlib.figure.Figure` directly, not with pyplot: no GUI backend is
touched (safe on a server or in a thread), pyplot's list of open figures does not
grow, and Jupyter shows a returned figure once, as a PNG image. Save one with
``fig.savefig("concepts.png")``.
"""

from __future__ import annotations

import io
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._errors import AllianceSearchError
from .display import FACET_KINDS, facets_frame, require
from .results import Results

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from .concepts import Thesaurus
    from .index import Index

__all__ = ["concept_frame", "plot_concepts", "plot_facets"]

_FONT = 9  # points, tick labels
_CHAR = 0.068  # inches taken by one character of a tick label
_TITLE_CHAR = 0.095  # ... and of the title
_CELL = 0.3  # inches per heatmap cell or bar
_TITLE_LENGTH = 50  # article titles longer than this are shortened on the axes
_EMPTY, _NAMED = "#f2f4f8", "#3b6fb6"  # cell and bar colours


def concept_frame(
    source: Index | Results,
    ids: Sequence[str] | None = None,
    *,
    thesaurus: Thesaurus | None = None,
    labels: bool = True,
) -> pd.DataFrame:
    """Articles × the concepts they name, as a 0/1 DataFrame (``notebook`` extra).

    From an :class:`~alliance_search.Index`: the concepts tagged at index time
    (:meth:`~alliance_search.Index.concept_map`) of the articles ``ids`` (one id, a
    list, or by default all, in index order). From :class:`~alliance_search.Results`:
    the hits' articles in rank order, tagged with ``thesaurus`` (default: the bundled
    one, which also tags indexes). Rows are indexed by ``(id, title)``; columns are the
    concepts' French labels (their ids with ``labels=False``), those named by most
    articles first.

    >>> frame = concept_frame(index, ["sm-alliance-therapeutique-dans-la-demence"])
    >>> frame.columns.tolist()
    ['alliance thérapeutique', 'démence', 'temporalité', 'dignité']
    >>> frame.values.tolist()
    [[1, 1, 1, 1]]
    """
    pd = require("pandas", "concept_frame()")
    if isinstance(ids, str):  # one article's id, not its letters
        ids = [ids]
    if isinstance(source, Results):
        thesaurus = thesaurus or source.thesaurus
        if thesaurus is None:
            from .concepts import default_thesaurus

            thesaurus = default_thesaurus()
        articles = {hit.id: hit.article for hit in source}
        for i in ids or ():
            if i not in articles:
                raise AllianceSearchError(f"no hit with id {i!r} in these results")
        chosen = [articles[i] for i in ids] if ids is not None else list(articles.values())
        rows = [(a.id, a.title) for a in chosen]
        tags = [thesaurus.tag(a.title, a.summary, *a.keywords) for a in chosen]
    else:
        thesaurus = thesaurus or source.thesaurus
        concept_map = source.concept_map()
        if ids is None:
            rows = [(a.id, a.title) for a in source.articles()]
        else:
            for i in ids:
                if i not in source:
                    raise AllianceSearchError(f"no article with id {i!r} in {source.path}")
            rows = [(i, source.get(i).title) for i in ids]
        tags = [concept_map[article_id] for article_id, _ in rows]
    counts: dict[str, int] = {}
    for named in tags:
        for concept_id in named:
            counts[concept_id] = counts.get(concept_id, 0) + 1
    columns = sorted(counts, key=lambda c: -counts[c])  # stable: first mention breaks ties
    matrix = [[int(c in named) for c in columns] for named in map(set, tags)]
    index = pd.MultiIndex.from_arrays(
        [[i for i, _ in rows], [t for _, t in rows]], names=["id", "title"]
    )
    names = _labels(columns, thesaurus) if labels else columns
    return pd.DataFrame(matrix, index=index, columns=pd.Index(names, name="concept"), dtype="int64")


def plot_concepts(
    source: Index | Results,
    top: int = 20,
    *,
    max_articles: int = 40,
    thesaurus: Thesaurus | None = None,
    title: str | None = None,
) -> Figure:
    """A heatmap of articles × concepts: which of the ``top`` concepts each article names.

    Rows are the hits of ``source`` in rank order, or the first ``max_articles``
    articles of an index; columns are the concepts named by most of those articles,
    by French label (see :func:`concept_frame`); among concepts named equally often,
    those naming an article that no column shows yet come first. Returns the
    matplotlib figure (``notebook`` extra); its size grows with rows and columns.

    >>> figure = plot_concepts(index.search("TPB"), top=3)
    >>> [label.get_text() for label in figure.axes[0].get_xticklabels()]
    ['état limite', 'impulsivité', 'lien thérapeutique']
    >>> [label.get_text() for label in figure.axes[0].get_yticklabels()]
    ['Etats limites et lien thérapeutique', 'Que le spectacle commence!']
    """
    require("pandas", "plot_concepts()")
    require("matplotlib", "plot_concepts()")
    from matplotlib.colors import ListedColormap

    frame = concept_frame(source, thesaurus=thesaurus).iloc[:max_articles]
    named = [c for c in frame.columns if frame[c].any()]
    shown = frame[_most_frequent(frame[named], top)]
    titles = [_shorten(t, _TITLE_LENGTH) for t in shown.index.get_level_values("title")]
    concepts = [str(c) for c in shown.columns]
    if title is None:
        title = _concepts_title(source, len(shown), len(concepts), len(named))
    if not concepts:
        return _empty_figure(title, "No concept to show", "plot_concepts()")

    left = _CHAR * max(map(len, titles)) + 0.3
    bottom = 0.72 * _CHAR * max(map(len, concepts)) + 0.3  # labels turned 45°
    width = max(6.0, left + _CELL * len(concepts) + 0.4)
    height = bottom + _CELL * len(titles) + 0.7
    figure = _figure(width, height, "plot_concepts()")
    ax = figure.add_subplot()
    ax.imshow(
        shown.to_numpy(),
        cmap=ListedColormap([_EMPTY, _NAMED]),
        vmin=0,
        vmax=1,
        aspect="auto",
        interpolation="nearest",
    )
    ax.set_xticks(
        range(len(concepts)),
        concepts,
        rotation=45,
        ha="right",
        rotation_mode="anchor",
        fontsize=_FONT,
    )
    ax.set_yticks(range(len(titles)), titles, fontsize=_FONT)
    ax.set_xticks([x - 0.5 for x in range(1, len(concepts))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(titles))], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="both", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    _title(figure, title, width)
    return figure


def plot_facets(
    results: Results,
    kind: str = "concepts",
    top: int = 15,
    *,
    thesaurus: Thesaurus | None = None,
    title: str | None = None,
) -> Figure:
    """A horizontal bar chart of the facets of ``results``: articles per concept or section.

    ``kind`` is ``"concepts"`` (bars labelled with the concepts' French labels) or
    ``"sections"``; the ``top`` most frequent are drawn, largest at the top, each
    with its count. Counts cover the articles that answer the query, not only the
    hits shown (see :meth:`~alliance_search.Results.facets`). Returns the matplotlib figure
    (``notebook`` extra).

    >>> figure = plot_facets(index.search("alliance thérapeutique avec les adolescents"))
    >>> ax = figure.axes[0]
    >>> [label.get_text() for label in ax.get_yticklabels()][:3]
    ['alliance thérapeutique', 'psychothérapie', 'adolescent']
    >>> [int(bar.get_width()) for bar in ax.patches][:3]
    [7, 2, 1]
    """
    if not isinstance(results, Results):
        raise AllianceSearchError(
            f"plot_facets() takes the Results of a search, got {type(results).__name__}"
        )
    if kind not in FACET_KINDS:
        raise AllianceSearchError(f"kind must be one of {', '.join(FACET_KINDS)}, not {kind!r}")
    require("pandas", "plot_facets()")
    require("matplotlib", "plot_facets()")
    from matplotlib.ticker import MaxNLocator

    frame = facets_frame(results, thesaurus)
    every = frame[frame.kind == kind]
    rows = every.head(top)
    labels = [_shorten(str(label), _TITLE_LENGTH) for label in rows.label]
    counts = [int(n) for n in rows.articles]
    if title is None:
        answering = results.answering
        articles = "the article" if answering == 1 else f"the {answering} articles"
        title = f"{kind.capitalize()} of {articles} answering «{results.query}»"
        if len(every) > len(rows):
            title += f" ({len(rows)} most frequent of {len(every)})"
    if not counts:
        return _empty_figure(title, f"No {kind} to show", "plot_facets()")

    width = max(6.0, _CHAR * max(map(len, labels)) + 4.0)
    height = _CELL * len(counts) + 1.3
    figure = _figure(width, height, "plot_facets()")
    ax = figure.add_subplot()
    bars = ax.barh(range(len(counts)), counts, height=0.7, color=_NAMED)
    ax.set_yticks(range(len(counts)), labels, fontsize=_FONT)
    ax.set_ylim(len(counts) - 0.5, -0.5)  # the largest at the top
    ax.bar_label(bars, padding=3, fontsize=_FONT)
    ax.set_xlim(0, max(counts) * 1.12)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="x", labelsize=_FONT)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("articles", fontsize=_FONT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _title(figure, title, width)
    return figure


# ---------------------------------------------------------------------- helpers
def _labels(concept_ids: Sequence[str], thesaurus: Thesaurus) -> list[str]:
    """French labels of concepts (ids for unknown ones), the id added where two clash."""
    labels = [thesaurus.concepts[c].label if c in thesaurus.concepts else c for c in concept_ids]
    return [
        f"{label} ({c})" if labels.count(label) > 1 else label
        for c, label in zip(concept_ids, labels, strict=True)
    ]


def _most_frequent(frame: Any, top: int) -> list[Any]:
    """The ``top`` columns named by most rows; among equals, those naming a row none chosen
    so far names come first, so that as many articles as possible show a concept."""
    counts = frame.sum().to_dict()
    left = list(frame.columns)  # by count, then first mention (see concept_frame)
    covered = frame.iloc[:, :0].any(axis=1)
    chosen: list[Any] = []
    while left and len(chosen) < top:
        best = max(left, key=lambda c: (counts[c], bool((frame[c].astype(bool) & ~covered).any())))
        chosen.append(best)
        left.remove(best)
        covered |= frame[best].astype(bool)
    return chosen


def _shorten(text: str, width: int) -> str:
    """``text`` cut at a word boundary to at most ``width`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut[width // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"


def _concepts_title(source: Index | Results, rows: int, columns: int, concepts: int) -> str:
    if isinstance(source, Results):
        found = "the article" if rows == 1 else f"the {rows} articles"
        title = f"Concepts named by {found} found for «{source.query}»"
    else:
        total = len(source)
        first = f"first {rows} of the {total}" if rows < total else f"{total}"
        title = f"Concepts named by the {first} indexed articles"
    if concepts > columns:
        title += f" ({columns} most frequent of {concepts})"
    return title


def _title(figure: Figure, title: str, width: float) -> None:
    """A title at the figure's top left, wrapped to the figure's width."""
    lines = textwrap.wrap(title, width=max(30, int((width - 0.2) / _TITLE_CHAR)))
    figure.suptitle("\n".join(lines), x=0.01, ha="left", fontsize=_FONT + 2)


def _figure(width: float, height: float, feature: str) -> Figure:
    """A pyplot-free figure that Jupyter displays as PNG."""
    figure_module = require("matplotlib.figure", feature)
    _show_in_ipython(figure_module.Figure)
    figure: Figure = figure_module.Figure(
        figsize=(round(width, 2), round(height, 2)), dpi=100, layout="constrained"
    )
    return figure


def _empty_figure(title: str, message: str, feature: str) -> Figure:
    figure = _figure(6.0, 1.4, feature)
    ax = figure.add_subplot()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=_FONT + 1, color="#666")
    ax.set_axis_off()
    _title(figure, title, 6.0)
    return figure


def _show_in_ipython(figure_class: type) -> None:
    """Register a PNG formatter for figures in IPython, unless a figure format is set.

    Jupyter shows figures made without pyplot only once matplotlib's inline backend
    is active (``import matplotlib.pyplot``, ``%matplotlib inline``); this does the
    same for PNG, and leaves any format the user chose alone.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    for mime in ("image/png", "image/svg+xml", "image/jpeg", "application/pdf"):
        formatter = formatters.get(mime)
        if formatter is None:
            continue
        try:
            formatter.lookup_by_type(figure_class)
            return
        except KeyError:
            continue
    formatters["image/png"].for_type(figure_class, _png)


def _png(figure: Figure) -> bytes:
    """The figure as PNG bytes, cropped to what is drawn."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()
