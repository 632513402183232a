"""Rendering: terminal text and notebook HTML, with every document string escaped."""

from __future__ import annotations

from pathlib import Path

import alliance_search as als
from alliance_search.display import format_results


def test_html_escapes_document_and_query_text(tmp_path: Path) -> None:
    article = als.Article(
        id="x<1>",
        title="<script>alert('titre')</script> démence",
        summary="La démence <img src=x onerror=alert(1)> & « caïd »",
        section="<b>dossier</b>",
        authors=("Anne <i>Martin</i>", "Luc Moreau"),
    )
    index = als.build_index([article], tmp_path / "ix")
    results = index.search("démence <script>")
    page = results._repr_html_()
    assert "<script>" not in page and "<img" not in page and "<b>dossier" not in page
    assert "&lt;script&gt;alert(&#x27;titre&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<mark>démence</mark>" in page
    assert "démence &lt;script&gt;" in page  # the query, in the caption
    assert "<table" in results[0]._repr_html_()
    assert "<div class='als-authors'>Anne &lt;i&gt;Martin&lt;/i&gt;, Luc Moreau</div>" in page
    assert results.to_pandas().loc[0, "authors"] == "Anne <i>Martin</i>, Luc Moreau"


def test_notebook_caption_says_what_the_query_notes(seed_index) -> None:
    page = seed_index.search("lien thérapeutique -borderline")._repr_html_()
    assert "excluded: «borderline»" in page
    page = seed_index.search("alliance thérapeutique avec les adolescents")._repr_html_()
    assert "«adolescents» narrows the subject (an age group): it weighs less" in page


def test_terminal_format(seed_index) -> None:
    text = format_results(seed_index.search("patients borderline"))
    first = text.splitlines()[2]
    assert first.startswith(" 1. Etats limites et lien thérapeutique [dossier]")
    assert "**borderline**" in text
    coloured = format_results(seed_index.search("patients borderline"), color=True)
    assert "\x1b[1;33mborderline\x1b[0m" in coloured


def test_repr_is_short(seed_index) -> None:
    hit = seed_index.search("Charcot")[0]
    assert (
        repr(hit)
        == "<Hit #1 "
        + f"{hit.score:.2f}"
        + " 'sm-charcot-un-crayon-a-la-main': 'Charcot, un crayon à la main'>"
    )


def test_to_pandas_has_one_row_per_hit(seed_index) -> None:
    results = seed_index.search("patients borderline")
    frame = results.to_pandas()
    assert frame.columns.tolist()[:6] == ["rank", "id", "title", "section", "score", "snippet"]
    assert frame["id"].tolist() == results.ids
    assert frame["rank"].tolist() == list(range(1, len(results) + 1))
    assert frame.loc[0, "title"] == "Etats limites et lien thérapeutique"
    assert "etat-limite" in frame.loc[0, "concepts"]
    assert "**borderline**" in frame.loc[0, "snippet"]


def test_a_match_prints_as_the_terminal_shows_it(seed_index) -> None:
    hit = seed_index.search("TPB")[0]
    match = hit.explanation[0]
    assert str(match) == "TPB → title «Etats limites» (synonym, etat-limite)"
    shown = " ".join(format_results(seed_index.search("TPB"), width=400).split())
    assert f"matched: {match}" in shown


def test_data_frames_are_typed_as_data_frames(seed_index) -> None:
    """Completion and help() in a notebook see a DataFrame, not Any."""
    import inspect

    import pandas as pd

    results = seed_index.search("démence")
    made = {
        als.Results.to_pandas: results.to_pandas(),
        als.Results.facets_frame: results.facets_frame(),
        als.Results.concept_frame: results.concept_frame(),
        als.concept_frame: als.concept_frame(seed_index),
    }
    for function, frame in made.items():
        assert isinstance(frame, pd.DataFrame)
        assert inspect.signature(function).return_annotation == "pd.DataFrame", function


def test_html_explanation_shows_concepts_first_and_folds_the_rest(seed_index) -> None:
    results = seed_index.search("alliance thérapeutique avec les adolescents")
    hit = next(h for h in results if len(h.explanation) > 4)
    page = hit._repr_html_()
    why = page.split("<td class='als-why'>")[1]
    shown, folded = why.split("<details>")
    assert shown.count("<br>") == 2  # three lines shown
    assert "alliance-therapeutique)" in shown.split("<br>")[0]  # a concept match first
    assert f"<summary>{len(hit.explanation) - 3} more</summary>" in folded
    short = seed_index.search("TPB")[0]
    assert "<details>" not in short._repr_html_()


def test_ris_records_for_a_reference_manager(tmp_path) -> None:
    article = als.Article(
        id="sm140-caid",
        title="J'ai déjà aligné huit infirmiers",
        summary="L'arrivée d'un « caïd » de 15 ans\nsuscite des appréhensions.",
        section="et-aussi",
        journal="Santé mentale",
        issue="140",
        year=2009,
        authors=("Anne Martin", "Paul Durand"),
        keywords=("adolescent", "alliance"),
        url="https://example.org/sm140",
    )
    other = als.Article(id="sm140-autre", title="Soins psychiques aux précaires")
    parsed = als.Article(
        id="sm141-deuil",
        title="Accompagner le deuil périnatal",
        issue="n° 141 - Octobre 2009",  # as parse-toc stores it
        authors=("Inès de La Salle",),
    )
    index = als.build_index([article, other, parsed], tmp_path / "ix")
    deuil = index.search("deuil périnatal").to_ris().splitlines()
    assert "AU  - de La Salle, Inès" in deuil and "IS  - 141" in deuil  # the number only
    ris = index.search("caïd infirmiers").to_ris()
    assert ris.splitlines() == [
        "TY  - JOUR",
        "TI  - J'ai déjà aligné huit infirmiers",
        "AU  - Martin, Anne",  # surname first, as reference managers read it
        "AU  - Durand, Paul",
        "T2  - Santé mentale",
        "IS  - 140",
        "PY  - 2009",
        "SE  - et-aussi",
        "KW  - adolescent",
        "KW  - alliance",
        "AB  - L'arrivée d'un « caïd » de 15 ans suscite des appréhensions.",  # one line
        "UR  - https://example.org/sm140",
        "ID  - sm140-caid",
        "ER  - ",
    ]
    # empty fields are left out
    assert index.search("précaires").to_ris().splitlines() == [
        "TY  - JOUR",
        "TI  - Soins psychiques aux précaires",
        "ID  - sm140-autre",
        "ER  - ",
    ]
    assert index.search("zzzz").to_ris() == ""


def test_an_empty_result_points_to_nearby_concepts(seed_index) -> None:
    results = seed_index.search("contre-transfert")
    label, count = results.nearby[0][0].label, results.nearby[0][1]
    line = f"nearby concepts with articles: {label} ({count})"
    assert line in format_results(results)
    assert line in results._repr_html_()
    assert "nearby concepts" not in format_results(seed_index.search("alliance"))


def test_line_breaks_in_a_title_or_snippet_stay_out_of_the_terminal_layout(
    tmp_path: Path,
) -> None:
    """Titles pasted from PDFs hold line breaks (125 of the 3,377 papyrus theses): the
    rank line had broken in two, its score on a line of its own."""
    article = als.Article(
        id="t1",
        title="Le rôle de l'alliance thérapeutique :\r\nune étude de trajectoire",
        summary="L'alliance thérapeutique\nchez les adolescents\r\nhospitalisés.",
    )
    results = als.build_index([article], tmp_path / "ix").search("alliance thérapeutique")
    for color in (False, True):
        lines = format_results(results, color=color).splitlines()
        rank = next(line for line in lines if line.startswith(" 1. "))
        assert "une étude de trajectoire" in rank and "score" in rank
        snippet = lines[lines.index(rank) + 1]
        assert "adolescents" in snippet and "\r" not in snippet, color


def test_a_long_query_is_shown_shortened(seed_index) -> None:
    query = "alliance thérapeutique " * 40
    results = seed_index.search(query)
    header = format_results(results).splitlines()[0]
    assert len(header) < 200 and header.endswith("…»")
    assert "…" in repr(results) and query.strip() not in repr(results)
    assert query.strip() not in results._repr_html_()


def test_concept_ids_are_not_broken_at_their_hyphen(seed_index) -> None:
    text = format_results(seed_index.search("états limites"))  # the README sample
    assert "etat-\n" not in text and "(exact, etat-limite)" in text.replace("\n      ", " ")


def test_to_pandas_keeps_years_whole_where_some_are_missing(tmp_path: Path) -> None:
    """Years had come out as floats (2016.0, nan) as soon as one was missing."""
    articles = [
        als.Article(id="a", title="La démence au quotidien", year=2016),
        als.Article(id="b", title="La démence à domicile"),
    ]
    frame = als.build_index(articles, tmp_path / "ix").search("démence").to_pandas()
    years = dict(zip(frame["id"], frame["year"], strict=True))
    assert str(frame["year"].dtype) == "Int64"
    assert years["a"] == 2016 and str(years["a"]) == "2016"
    assert frame.loc[frame["id"] == "b", "year"].isna().all()


def test_a_snippet_highlights_every_name_of_the_concept_found(tmp_path: Path) -> None:
    """*autisme* found as typed had left *autistes*, a name of the same concept, plain
    in the same passage; related terms are still not highlighted beside it."""
    article = als.Article(
        id="fratrie",
        title="Fratrie et autisme",
        summary="L'autisme d'un frère marque la vie des personnes non autistes de la "
        "famille, et leur attachement.",
    )
    hit = als.build_index([article], tmp_path / "ix").search("autisme")[0]
    marked = [hit.snippet_text[a:b] for a, b in hit.snippet_spans]
    assert marked == ["autisme", "autistes"]
    assert [m.found for m in hit.explanation if m.field == "summary"] == ["autisme"]
