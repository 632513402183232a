"""Notebook data and plots: concept-map and facet DataFrames, heatmap, bar chart, extras."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

import alliance_search as als
from alliance_search.plots import concept_frame, plot_concepts, plot_facets

from .conftest import BORDERLINE, DEMENTIA

ADOLESCENTS = "alliance thérapeutique avec les adolescents"
EXTRA = "pip install 'alliance-search[notebook]'"


def tick_texts(labels: list) -> list[str]:
    return [label.get_text() for label in labels]


def title_of(figure: Figure) -> str:
    """The figure's title (``Figure.get_suptitle`` needs matplotlib 3.8; we support 3.7)."""
    return figure._suptitle.get_text() if figure._suptitle else ""


# ---------------------------------------------------------------------- DataFrames
def test_concept_frame_is_the_concept_map(seed_index: als.Index) -> None:
    concept_map = seed_index.concept_map()
    frame = concept_frame(seed_index, labels=False)
    assert frame.index.names == ["id", "title"]
    assert list(frame.index.get_level_values("id")) == list(concept_map)
    assert set(frame.to_numpy().ravel()) == {0, 1}
    for (article_id, title), row in frame.iterrows():
        assert title == seed_index.get(article_id).title
        assert set(row[row == 1].index) == set(concept_map[article_id])
    counts = frame.sum().tolist()
    assert counts == sorted(counts, reverse=True)  # most named concepts first
    assert frame.columns[0] == "alliance-therapeutique"


def test_concept_frame_labels_and_ids(seed_index: als.Index) -> None:
    frame = concept_frame(seed_index, [BORDERLINE, DEMENTIA])
    assert frame.columns.name == "concept"
    assert "état limite" in frame.columns and "démence" in frame.columns
    assert frame.loc[(BORDERLINE, "Etats limites et lien thérapeutique"), "état limite"] == 1
    assert frame.loc[(DEMENTIA, "Alliance thérapeutique dans la démence"), "état limite"] == 0
    with pytest.raises(als.AllianceSearchError, match="no article with id 'no-such-article'"):
        concept_frame(seed_index, ["no-such-article"])
    # one id alone: that article (it had been read letter by letter: no article «s»)
    alone = concept_frame(seed_index, BORDERLINE)
    assert alone.index.tolist() == [(BORDERLINE, "Etats limites et lien thérapeutique")]


def test_results_concept_frame_agrees_with_the_index(seed_index: als.Index) -> None:
    results = seed_index.search(ADOLESCENTS)
    from_hits = results.concept_frame(labels=False)
    from_index = concept_frame(seed_index, results.ids, labels=False)
    assert list(from_hits.index.get_level_values("id")) == results.ids  # rank order
    pd.testing.assert_frame_equal(from_hits.sort_index(axis=1), from_index.sort_index(axis=1))


def test_concept_frame_of_no_hits(seed_index: als.Index) -> None:
    frame = seed_index.search("autisme").concept_frame()
    assert frame.shape == (0, 0)


def test_duplicate_labels_get_their_id(tmp_path: Path) -> None:
    user = tmp_path / "mine.toml"
    user.write_text(
        'format = 1\n[concepts.demence-bis]\nlabel = "démence"\nsynonyms = ["sénilité"]\n',
        encoding="utf-8",
    )
    thesaurus = als.load_thesaurus(user)
    article = als.Article(id="a", title="Sénilité et syndrome démentiel", summary="")
    index = als.build_index([article], tmp_path / "ix", thesaurus=thesaurus)
    columns = concept_frame(index).columns.tolist()
    assert sorted(columns) == ["démence (demence)", "démence (demence-bis)"]


def test_facets_frame_is_tidy_and_labelled(seed_index: als.Index) -> None:
    results = seed_index.search(ADOLESCENTS)
    frame = results.facets_frame()
    assert frame.columns.tolist() == ["kind", "value", "label", "articles"]
    assert frame.articles.dtype == "int64"
    for kind, counts in results.facets().items():
        rows = frame[frame.kind == kind]
        assert dict(zip(rows.value, rows.articles, strict=True)) == counts
    labels = dict(zip(frame.value, frame.label, strict=True))
    assert labels["alliance-therapeutique"] == "alliance thérapeutique"
    assert labels["demence"] == "démence"
    assert labels["dossier"] == "dossier"
    assert seed_index.search("autisme").facets_frame().empty


# ---------------------------------------------------------------------- plots
def test_heatmap_cells_are_the_concept_map(seed_index: als.Index) -> None:
    frame = concept_frame(seed_index)
    figure = plot_concepts(seed_index, top=100)
    assert isinstance(figure, Figure)
    ax = figure.axes[0]
    columns = tick_texts(ax.get_xticklabels())
    assert sorted(columns) == sorted(frame.columns)  # every concept, by French label
    assert tick_texts(ax.get_yticklabels()) == list(frame.index.get_level_values("title"))
    cells = ax.images[0].get_array()
    assert cells.tolist() == frame[columns].to_numpy().tolist()
    assert "15 indexed articles" in title_of(figure)


def test_heatmap_of_results_keeps_rank_order_and_top(seed_index: als.Index) -> None:
    results = seed_index.search(ADOLESCENTS)
    figure = plot_concepts(results, top=5)
    ax = figure.axes[0]
    assert len(ax.get_xticklabels()) == 5
    assert tick_texts(ax.get_xticklabels())[0] == "alliance thérapeutique"
    assert tick_texts(ax.get_yticklabels()) == [hit.title for hit in results]
    assert ADOLESCENTS in title_of(figure).replace("\n", " ")
    assert "5 most frequent" in title_of(figure)


def test_heatmap_shows_a_concept_for_every_article_that_has_one(seed_index: als.Index) -> None:
    figure = plot_concepts(seed_index)  # top 20 of 31 concepts
    cells = figure.axes[0].images[0].get_array()
    untagged = sum(not names for names in seed_index.concept_map().values())
    assert sum(not any(row) for row in cells.tolist()) == untagged


def test_heatmap_limits_articles_and_shortens_titles(tmp_path: Path) -> None:
    long_title = (
        "Alliance thérapeutique et démence : une clinique du lien au long cours "
        "dans les unités de soins de longue durée"
    )
    articles = [
        als.Article(id=f"a{i}", title=f"{i} {long_title}", summary="démence") for i in range(12)
    ]
    index = als.build_index(articles, tmp_path / "ix")
    figure = plot_concepts(index, max_articles=10)
    rows = tick_texts(figure.axes[0].get_yticklabels())
    assert len(rows) == 10
    assert all(len(row) <= 50 and row.endswith("…") for row in rows)
    assert rows[0] == "0 Alliance thérapeutique et démence : une…"
    assert "first 10 of the 12" in title_of(figure)


def test_figure_size_follows_content(seed_index: als.Index) -> None:
    small = plot_concepts(seed_index.search("TPB"))
    large = plot_concepts(seed_index)
    assert small.get_figheight() < large.get_figheight()
    assert small.get_figwidth() < large.get_figwidth()
    assert plot_facets(seed_index.search("TPB"), "sections").get_figheight() < 2.5


def test_facet_bars_are_the_facet_counts(seed_index: als.Index) -> None:
    results = seed_index.search(ADOLESCENTS)
    frame = results.facets_frame()
    for kind in ("concepts", "sections"):
        figure = plot_facets(results, kind, top=50)
        ax = figure.axes[0]
        rows = frame[frame.kind == kind]
        assert tick_texts(ax.get_yticklabels()) == rows.label.tolist()
        assert [int(bar.get_width()) for bar in ax.patches] == rows.articles.tolist()
        assert ax.get_ylim()[0] > ax.get_ylim()[1]  # the largest at the top
    top = plot_facets(results, top=3)
    assert len(top.axes[0].patches) == 3
    concepts = int((frame.kind == "concepts").sum())
    assert concepts > 3 and f"3 most frequent of {concepts}" in title_of(top)
    # the articles the bars count, not every loose match
    assert results.answering < results.total
    assert title_of(top).startswith(f"Concepts of the {results.answering} articles answering")


def test_facets_of_a_bad_kind(seed_index: als.Index) -> None:
    with pytest.raises(als.AllianceSearchError, match="concepts, sections"):
        plot_facets(seed_index.search("TPB"), kind="journals")


def test_plots_given_the_wrong_thing_say_what_they_take(seed_index: als.Index) -> None:
    """An Index given to plot_facets, or an unknown id, had given AttributeError and
    KeyError tracebacks."""
    with pytest.raises(als.AllianceSearchError, match="takes the Results of a search, got Index"):
        plot_facets(seed_index)  # type: ignore[arg-type]
    with pytest.raises(als.AllianceSearchError, match="no article with id 'zzz'"):
        concept_frame(seed_index, ["zzz"])
    with pytest.raises(als.AllianceSearchError, match="no hit with id 'zzz'"):
        concept_frame(seed_index.search("TPB"), ["zzz"])


def test_empty_plots_say_so(seed_index: als.Index) -> None:
    empty = seed_index.search("autisme")
    for figure in (plot_concepts(empty), plot_facets(empty)):
        assert figure.axes[0].texts[0].get_text().startswith("No concept")


def test_figures_save_without_pyplot(seed_index: als.Index, tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    open_before = plt.get_fignums()
    results = seed_index.search(ADOLESCENTS)
    for name, figure in {
        "concepts": plot_concepts(results),
        "facets": plot_facets(results),
    }.items():
        figure.savefig(tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plt.get_fignums() == open_before  # nothing left open in pyplot


def test_jupyter_shows_figures_as_png(seed_index: als.Index, monkeypatch) -> None:
    from IPython.core.formatters import PNGFormatter, SVGFormatter

    formatters = {"image/png": PNGFormatter(), "image/svg+xml": SVGFormatter()}
    shell = types.SimpleNamespace(display_formatter=types.SimpleNamespace(formatters=formatters))
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: shell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake)
    figure = plot_facets(seed_index.search("TPB"))
    png = formatters["image/png"](figure)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"

    # A format the user chose (here SVG) is left alone.
    formatters = {"image/png": PNGFormatter(), "image/svg+xml": SVGFormatter()}
    formatters["image/svg+xml"].for_type(Figure, lambda f: "<svg/>")
    shell.display_formatter.formatters = formatters
    figure = plot_facets(seed_index.search("TPB"))
    assert formatters["image/png"](figure) is None


# ---------------------------------------------------------------------- missing extras
@pytest.mark.parametrize(
    ("call", "feature"),
    [
        (lambda ix: ix.search("TPB").to_pandas(), "to_pandas()"),
        (lambda ix: ix.search("TPB").facets_frame(), "facets_frame()"),
        (lambda ix: ix.search("TPB").concept_frame(), "concept_frame()"),
        (lambda ix: concept_frame(ix), "concept_frame()"),
        (lambda ix: plot_concepts(ix), "plot_concepts()"),  # the function called
    ],
)
def test_without_pandas(seed_index: als.Index, monkeypatch, call, feature: str) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(als.MissingExtraError) as caught:
        call(seed_index)
    assert str(caught.value) == f"{feature} needs pandas: {EXTRA}"
    assert isinstance(caught.value, ImportError)
    assert isinstance(caught.value, als.AllianceSearchError)


@pytest.mark.parametrize(
    ("plot", "feature"),
    [(plot_concepts, "plot_concepts()"), (plot_facets, "plot_facets()")],
)
def test_without_matplotlib(seed_index: als.Index, monkeypatch, plot, feature: str) -> None:
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=re.escape(feature)):
        plot(seed_index.search("TPB"))
    with pytest.raises(als.MissingExtraError) as caught:
        plot(seed_index.search("TPB"))
    assert str(caught.value) == f"{feature} needs matplotlib: {EXTRA}"


def test_importing_the_package_loads_neither_extra() -> None:
    import subprocess

    code = (
        "import sys, alliance_search, alliance_search.plots; "
        "print('pandas' in sys.modules, 'matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
