"""Search operators: what a documentalist's query requires, excludes or truncates."""

from __future__ import annotations

import pytest

import alliance_search as als
from alliance_search.syntax import Operators, group_items, parse_operators, syntax_notes


@pytest.mark.parametrize(
    "query",
    [
        "alliance thérapeutique et adolescents",  # et, ou: French words, not operators
        "schizophrénie ou troubles bipolaires",
        "SCHIZOPHRÉNIE ET CANNABIS",  # a pasted title in capitals
        "Alliance - adolescents",  # a dash between words
        "anti-dépresseurs et post-partum",
        "Alliance thérapeutique : ce que dit la recherche",
        "« alliance thérapeutique » avec les ados",
        "note: les ados",  # a word before a colon, not a field
        "ps* et toc",  # too short to truncate
        'alliance -" soins',  # a stray sign and quote
        "titre:« » démence",
        "psychose (schizophrénie)",  # parentheses that clarify, not a group
        "dépression (post-partum) et allaitement",
    ],
)
def test_a_query_without_operators_is_left_as_typed(query: str) -> None:
    operators = parse_operators(query)
    assert operators == Operators(text=query)
    assert not operators


@pytest.mark.parametrize(
    ("query", "text", "excluded"),
    [
        ("schizophrénie -cannabis", "schizophrénie", ("cannabis",)),
        ("schizophrénie SAUF cannabis", "schizophrénie", ("cannabis",)),
        ("schizophrénie NOT cannabis", "schizophrénie", ("cannabis",)),
        (
            'dépression -"post-partum" -« baby blues »',
            "dépression",
            ('"post-partum"', '"baby blues"'),
        ),
    ],
)
def test_excluded_words_and_phrases_are_not_ranked_by(
    query: str, text: str, excluded: tuple[str, ...]
) -> None:
    operators = parse_operators(query)
    assert (operators.text, operators.excluded, operators.required) == (text, excluded, ())
    assert operators.notes == tuple(f"excluded: «{item.strip(chr(34))}»" for item in excluded)


@pytest.mark.parametrize(
    ("query", "text", "required"),
    [
        ("schizophrénie ET cannabis", "schizophrénie, cannabis", ("schizophrénie", "cannabis")),
        ("schizophrénie AND cannabis", "schizophrénie, cannabis", ("schizophrénie", "cannabis")),
        ("+TPB adolescents", "TPB adolescents", ("TPB",)),
        (
            '+"alliance thérapeutique" ados',
            '"alliance thérapeutique" ados',
            ('"alliance thérapeutique"',),
        ),
        (
            "« alliance thérapeutique » ET ados",
            '"alliance thérapeutique", ados',
            ('"alliance thérapeutique"', "ados"),
        ),
        # OU is what a query does anyway: dropped
        ("démence OU Alzheimer", "démence, Alzheimer", ()),
    ],
)
def test_required_words_are_still_ranked_by(
    query: str, text: str, required: tuple[str, ...]
) -> None:
    operators = parse_operators(query)
    assert (operators.text, operators.required, operators.excluded) == (text, required, ())


def test_a_word_wanted_in_the_title() -> None:
    operators = parse_operators('titre:"premier épisode" psychose title:cannabis')
    assert operators.text == '"premier épisode" psychose cannabis'
    assert operators.in_title == ('"premier épisode"', "cannabis")
    assert operators.required == ()


def test_truncated_words_are_set_apart() -> None:
    operators = parse_operators("psychot* ET cannabis -schizo*")
    # A truncated word is searched by the words it stands for (see search), a
    # negated one is an excluded word as typed.
    assert operators.prefixes == ("psychot",)
    # ET requires the truncated word too (it had been left optional, silently)
    assert operators.required == ("psychot*", "cannabis")
    assert parse_operators("autis* +scolari*").required == ("scolari*",)
    assert operators.excluded == ("schizo*",)
    assert operators.text == "cannabis"


def test_render_puts_the_operators_back_after_a_correction() -> None:
    operators = parse_operators('schizofrénie -cannabis -"premier épisode" psychot*')
    assert operators.text == "schizofrénie"
    assert (
        operators.render("schizophrénie") == 'schizophrénie -cannabis -"premier épisode" psychot*'
    )


def test_what_cannot_be_searched_is_said() -> None:
    """``ps*`` is too short to truncate, ``***`` or a lone sign holds nothing to search:
    these had given a word search or nothing, without a word said."""
    assert syntax_notes("ps* adolescents") == (
        "«ps*»: a truncation keeps 3 letters at least; searched as the word «ps»",
    )
    for query in ("***", "-", "« »"):
        assert syntax_notes(query) == (
            'nothing to search for: type words, a "phrase" in quotes, or psych*',
        ), query
    for query in ("psych* adolescents", "+autisme -TSA", "taux de 5 %", "l'IDE"):
        assert syntax_notes(query) == (), query


def test_corrections_reach_the_required_and_title_items() -> None:
    """*alliance thérapeutque ET démence* had required the misspelt word, so nothing
    matched although the corrected query was shown."""
    operators = parse_operators("alliance thérapeutque ET démence titre:psychoze")
    fixed = operators.corrected("alliance thérapeutique, démence psychose")
    assert fixed.required == ("thérapeutique", "démence")
    assert fixed.in_title == ("psychose",)
    assert fixed.text == "alliance thérapeutique, démence psychose"
    # words that do not line up: only the ranked text changes
    assert operators.corrected("alliance").required == operators.required


def test_items_an_operator_stands_between_are_not_read_as_one_name() -> None:
    """*psychose ET cannabis* had been read as *psychose cannabique* (a psychosis
    induced by a substance), and a note named «psychose cannabis»."""
    text = parse_operators("psychose ET cannabis").text
    found = [m.concept.id for m in als.default_thesaurus().detect(text)]
    assert found == ["psychose", "cannabis"]


def test_a_group_in_parentheses_is_one_item() -> None:
    """*(dépression OU anxiété) ET adolescents* had required «anxiété)», with its
    parenthesis, and left out the theses on depression in adolescents."""
    operators = parse_operators("(dépression OU anxiété) ET adolescents")
    assert operators.required == ("(dépression OU anxiété)", "adolescents")
    assert operators.text == "dépression, anxiété, adolescents"
    assert operators.notes == ("required: «dépression» or «anxiété»", "required: «adolescents»")
    assert group_items('(psychose ET "premier épisode")') == (
        ["psychose", '"premier épisode"'],
        True,
    )
    excluded = parse_operators("psychose -(cannabis OU alcool)")
    assert (excluded.text, excluded.excluded) == ("psychose", ("cannabis", "alcool"))
    in_title = parse_operators("titre:(TDAH OU hyperactivité)")
    assert in_title.in_title == ("(TDAH OU hyperactivité)",)
    assert in_title.notes == ("in the title: «TDAH» or «hyperactivité»",)
    # truncated words in a group stand for the words they start
    truncations = parse_operators("(psych* OU anxi*) enfants")
    assert (truncations.prefixes, truncations.text) == (("psych", "anxi"), "enfants")
    # a parenthesis left open is no part of the word
    assert parse_operators("(dépression ET anxiété").required == ("dépression", "anxiété")


@pytest.mark.parametrize(
    "query",
    ["titre : dépression", "titre: dépression", "Titre :dépression", "titre\u00a0: dépression"],
)
def test_a_title_field_spaced_as_french_typography_spaces_it(query: str) -> None:
    """*titre : dépression* had searched the word *titre*, and no title filter."""
    operators = parse_operators(query)
    assert (operators.text, operators.in_title) == ("dépression", ("dépression",))


def test_a_colon_after_another_word_is_no_field() -> None:
    query = "Schizophrénie : que dit la littérature ?"
    assert not parse_operators(query)
    assert parse_operators(query).text == query
    assert parse_operators("titre :").text == "titre :"  # nothing after it: a word


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("alliance thérapeutque ET démence", "alliance thérapeutique ET démence"),
        ("titre:alliance thérapeutque", "titre:alliance thérapeutique"),
        ("(alliance OU démence) thérapeutque", "(alliance OU démence) thérapeutique"),
        ("psych* thérapeutque", "psych* thérapeutique"),
        ("schizofrénie -cannabis", "schizophrénie -cannabis"),
    ],
)
def test_a_correction_shown_keeps_the_operators_where_they_were_typed(
    seed_index: als.Index, query: str, shown: str
) -> None:
    """The correction shown had dropped *ET*, *titre:* and the parentheses, so that
    searching it again searched something else (one article became nine)."""
    results = seed_index.search(query)
    assert results.corrected == shown
    again = seed_index.search(shown)
    assert again.corrected is None
    assert again.ids == results.ids


def test_a_title_field_before_function_words_goes_to_the_next_word(seed_index) -> None:
    """*titre : les états limites* had required *les* in the title, which nothing can
    be searched by: no article matched."""
    assert parse_operators("titre : les états limites").in_title == ("états",)
    assert parse_operators("titre:l'alliance").in_title == ("l'alliance",)
    results = seed_index.search("Titre : Le temps vécu dans la psychose")
    assert results.ids == ["sm-le-temps-vecu-dans-la-psychose"]
    assert seed_index.search("titre : les états limites").ids == [
        "sm-etats-limites-et-lien-therapeutique"
    ]
