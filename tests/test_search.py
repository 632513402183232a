"""Ranking on the seed issue: queries typed as French users type them."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alliance_search as als
from alliance_search._framing import FRAMING_WEIGHT, request_tail
from alliance_search.analysis import analyze, fold
from alliance_search.display import notes_lines
from alliance_search.query import (
    Expansion,
    QueryPart,
    alternative,
    parse_query,
    rarity,
)
from alliance_search.search import DEFAULT_FIELD_WEIGHTS, _Share, _share

from .conftest import BORDERLINE, CHARCOT, DEMENTIA, NURSING, PACT, PSYCHOSIS

ALLIANCE_IN_TITLE = {
    "sm-l-alliance-therapeutique-en-question",
    "sm-l-alliance-therapeutique-un-concept-controverse",
    "sm-alliance-therapeutique-ce-que-dit-la-recherche",
    "sm-l-alliance-therapeutique-dans-la-psychotherapie",
    DEMENTIA,
    PACT,
}


@pytest.mark.parametrize(
    "query", ["etats limites", "états-limites", "ÉTATS LIMITES", "« états limites »"]
)
def test_borderline_article_first(seed_index, query: str) -> None:
    assert seed_index.search(query)[0].id == BORDERLINE


@pytest.mark.parametrize("query", ["démence", "demence", "DÉMENCE", "démences"])
def test_dementia_article_first(seed_index, query: str) -> None:
    results = seed_index.search(query)
    assert results[0].id == DEMENTIA


def test_charcot_first(seed_index) -> None:
    results = seed_index.search("Charcot")
    assert results[0].id == CHARCOT
    assert results[0].score > 0


def test_single_word_queries_have_positive_scores(seed_index) -> None:
    for query in ["psychose", "précarité", "adolescents"]:
        results = seed_index.search(query)
        assert results and all(hit.score > 0 for hit in results)


def test_alliance_articles_before_the_others(seed_index) -> None:
    for query in ["l'alliance thérapeutique", "L’alliance therapeutique"]:
        ids = seed_index.search(query, limit=None).ids
        first = ids[: len(ALLIANCE_IN_TITLE)]
        assert set(first) == ALLIANCE_IN_TITLE, ids


def test_more_matched_words_rank_higher_but_none_is_required(seed_index) -> None:
    results = seed_index.search("relation infirmière avec le patient")
    assert results[0].id == NURSING
    assert len(results) > 1  # articles with only some of the words are still found
    assert seed_index.search("démence xylophone")[0].id == DEMENTIA


def test_exact_phrase_ranks_above_scattered_words(seed_index) -> None:
    results = seed_index.search('"pacte de soins"')
    assert results[0].id == PACT
    assert results[0].explanation[0].route == "phrase"


@pytest.mark.parametrize(
    ("typed", "written"),
    [("démentes", "dément"), ("soignantes", "soignante"), ("infirmière", "infirmier")],
)
def test_a_form_written_nowhere_counts_as_its_written_inflection(
    seed_index, typed: str, written: str
) -> None:
    # The seed says "dément", "soignante", "infirmiers", never the typed form: the
    # bonus for a word written as typed goes to its written plural, singular or gender.
    typed_hits, written_hits = seed_index.search(typed), seed_index.search(written)
    assert typed_hits.ids == written_hits.ids
    assert [h.score for h in typed_hits] == pytest.approx([h.score for h in written_hits])
    assert seed_index.search(f"la place des {typed}").ids[0] == written_hits.ids[0]


def test_singular_query_meets_plural_text_as_a_phrase(tmp_path) -> None:
    together = als.Article(id="ensemble", title="Les déficits cognitifs des usagers en psychiatrie")
    apart = als.Article(
        id="epars", title="Déficits de l'attention et fonctionnement cognitif des usagers"
    )
    index = als.build_index([apart, together], tmp_path / "ix")
    results = index.search("déficit cognitif")  # a concept's name, searched as a phrase
    assert results.ids == ["ensemble", "epars"]
    assert "déficits cognitifs" in {m.found for m in results[0].explanation}
    words = index.search("déficit cognitif", expand=False)  # two adjacent words
    phrases = {(h.id, m.found) for h in words for m in h.explanation if m.route == "phrase"}
    assert phrases == {("ensemble", "déficits cognitifs")}
    assert set(index.search("usager").ids) == {"ensemble", "epars"}


def test_a_phrase_is_not_read_across_words_that_change_its_sense(tmp_path) -> None:
    """*mères d'adolescentes* are not *mères adolescentes*, *psychologiques et sociales*
    is no *psychologie sociale*; *symptômes d'anxiété* are *symptômes anxieux*."""
    articles = [
        als.Article(
            id="meres-d-ados",
            title="Accompagner les mères d'adolescentes en crise",
            summary="Les mères d'adolescentes hospitalisées parlent de leur épuisement.",
        ),
        als.Article(
            id="mere-ado",
            title="La mère adolescente et son bébé",
            summary="Une mère adolescente face à la maternité précoce.",
        ),
        als.Article(
            id="facteurs",
            title="Approches psychologiques et sociales du deuil",
            summary="Des facteurs psychologiques et sociales entrent en jeu.",
        ),
        als.Article(id="discipline", title="La psychologie sociale du soin"),
        als.Article(id="anxiete", title="Les symptômes d'anxiété chez l'enfant"),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    for query, phrase, apart in [
        ("mère adolescente", "mere-ado", "meres-d-ados"),
        ("psychologie sociale", "discipline", "facteurs"),
    ]:
        results = index.search(query)
        assert results.ids == [phrase, apart]
        assert results[1].score < results[0].score / 10  # not the concept's name
        # the typed words found near each other, not the name nor a phrase
        assert {m.route for m in results[1].explanation if " " in m.found} == {"near"}
        assert "near" not in {m.route for m in results[0].explanation}
    quoted = index.search('"psychologie sociale"', expand=False)
    assert quoted.ids == ["discipline"]
    found = {m.found for m in index.search("symptômes anxieux")[0].explanation}
    assert "symptômes d'anxiété" in found
    asked = index.search("mères d'adolescentes")  # as typed, either reading
    assert asked.ids == ["meres-d-ados", "mere-ado"]


def test_a_question_after_the_subject_weighs_little(tmp_path) -> None:
    """The words of *que dit la littérature ?* only order articles otherwise alike."""
    articles = [
        als.Article(id="soins", title="Soigner la démence", summary="Les soins au quotidien."),
        als.Article(
            id="familles", title="Démence et familles", summary="Les aidants face à la démence."
        ),
        als.Article(
            id="ehpad",
            title="La démence en EHPAD",
            summary="Vivre avec une démence en institution.",
        ),
        als.Article(
            id="sommeil",
            title="Que dit la littérature sur le sommeil ?",
            summary="Ce que dit la littérature récente sur l'insomnie des soignants.",
        ),
    ]
    index = als.build_index(articles, tmp_path / "ix")
    for query in ("démence : que dit la littérature ?", "démence, quels articles ?"):
        results = index.search(query)
        assert set(results.ids[:3]) == {"soins", "familles", "ehpad"}, (query, results.ids)
        tail = query[request_tail(query) :]
        assert f"weighs little: «{tail}» (frames the question)" in results.notes


def test_where_the_subject_is_asked_about_weighs_little(tmp_path) -> None:
    """*… dans le soin* fits any clinical text: the subject ranks, not care in general."""
    articles = [
        als.Article(id="ehpad", title="La démence en EHPAD", summary="Vivre avec une démence."),
        als.Article(id="familles", title="Démence et familles", summary="Les aidants."),
        *(
            als.Article(
                id=f"soin{i}",
                title=f"Le soin au quotidien ({i})",
                summary="Le soin, la pratique du soin et les soins de tous les jours.",
            )
            for i in range(3)
        ),
        *(
            als.Article(id=f"autre{i}", title=f"Chronique {i}", summary="La vie du service.")
            for i in range(10)
        ),
    ]
    index = als.build_index(articles, tmp_path / "ix")
    results = index.search("la démence dans le soin")
    assert set(results.ids[:2]) == {"ehpad", "familles"}, results.ids
    assert "weighs little: «dans le soin» (frames the question)" in results.notes


def test_a_pasted_title_still_finds_its_article(seed_index) -> None:
    title = "Alliance thérapeutique : ce que dit la recherche"
    assert seed_index.search(title)[0].id == "sm-alliance-therapeutique-ce-que-dit-la-recherche"


def test_studies_asked_for_weigh_little_but_count(seed_index) -> None:
    """*recherche sur …* asks for research: on the alliance, the article on what
    research says comes first, not an article that never speaks of research."""
    results = seed_index.search("recherche sur l'alliance thérapeutique")
    assert results[0].id == "sm-alliance-therapeutique-ce-que-dit-la-recherche"
    assert results.notes == (
        "not searched: «recherche sur» (asks for documents; «recherche» weighs little)",
    )
    alliance = seed_index.search("l'alliance thérapeutique")
    assert set(results.ids) == set(alliance.ids)  # the subject finds them all
    # A verb that asks is no study: «recherche» in *je recherche des textes sur*.
    verb = seed_index.search("je recherche des textes sur l'alliance thérapeutique")
    assert verb.ids == alliance.ids


def test_a_question_finds_what_its_subject_finds(seed_index, tmp_path) -> None:
    question = seed_index.search("Quels articles parlent des patients borderline ?")
    assert question.ids == seed_index.search("patients borderline").ids
    assert question.ids[0] == BORDERLINE
    assert "not searched: «Quels articles parlent des» (asks for documents)" in question.notes
    articles = [
        als.Article(
            id="contention",
            title="Contention en psychiatrie",
            summary="La contention mécanique reste une pratique controversée.",
        ),
        als.Article(
            id="presse",
            title="Lire la presse professionnelle",
            summary="Cet article recense les articles et publications sur les textes de loi.",
        ),
    ]
    index = als.build_index(articles, tmp_path / "index", progress=False)
    assert index.search("quels articles parlent de la contention ?").ids == ["contention"]


def test_empty_and_stop_word_queries_give_empty_results(seed_index) -> None:
    for query in ["", "   ", "le la les", "de l’ et", "?!", "« »"]:
        results = seed_index.search(query)
        assert len(results) == 0 and results.total == 0


@pytest.mark.parametrize(
    "query",
    [
        '"alliance thérapeutique',
        "(démence",
        "démence)",
        "« caïd",
        'a"b"c"',
        "AND OR NOT",
        "démence*",
        "title:Charcot",
        "[{^~",
    ],
)
def test_unbalanced_quotes_and_syntax_are_still_searched(seed_index, query: str) -> None:
    results = seed_index.search(query)
    assert isinstance(results, als.Results)
    if "démence" in query:
        assert results[0].id == DEMENTIA
    if "Charcot" in query:
        assert results[0].id == CHARCOT


def test_hits_carry_fields_and_marked_snippet(seed_index) -> None:
    hit = seed_index.search("patients borderline")[0]
    assert (hit.id, hit.rank, hit.section) == (BORDERLINE, 1, "dossier")
    assert hit.title == "Etats limites et lien thérapeutique"
    assert "**patients** **borderline**" in hit.snippet
    for start, end in hit.snippet_spans:
        assert hit.snippet_text[start:end].lower() in {"patients", "borderline"}
    fields = {(m.query, m.field, m.route) for m in hit.explanation}
    assert ("borderline", "summary", "exact") in fields


def test_asterisks_of_the_text_are_escaped_in_the_marked_snippet(tmp_path) -> None:
    article = als.Article(
        id="a1",
        title="Soins sous contrainte",
        summary="Les soins sans consentement ** marqués ** en psychiatrie (p < 0,05*).",
    )
    results = als.build_index([article], tmp_path / "ix").search("soins consentement")
    hit = results[0]
    assert hit.snippet == (
        "Les **soins** sans **consentement** \\*\\* marqués \\*\\* en psychiatrie (p < 0,05\\*)."
    )
    assert hit.snippet_text == article.summary
    assert hit.to_dict()["snippet"] == hit.snippet
    # plain terminal text is not Markdown: the text's asterisks stay as written
    assert "sans **consentement** ** marqués ** en psychiatrie (p < 0,05*)." in str(results)


def test_a_title_match_shows_the_start_of_the_summary(seed_index) -> None:
    """The title is shown beside the snippet: repeating it would tell nothing more."""
    hit = seed_index.search("huit infirmiers")[0]
    assert hit.id == "sm-j-ai-deja-aligne-huit-infirmiers"
    assert hit.snippet_text.startswith("L’arrivée de Paul-Eudes, 15 ans")
    assert hit.snippet_spans == () and "**" not in hit.snippet
    assert {m.field for m in hit.explanation} == {"title"}


def test_snippet_falls_back_to_the_title_when_the_summary_is_empty(seed_index) -> None:
    hit = seed_index.search("psychose")[0]
    assert hit.id == PSYCHOSIS
    assert hit.snippet == "Le temps vécu dans la **psychose**"


def test_the_therapist_is_not_found_in_therapeutic_alliance(seed_index) -> None:
    """*thérapeute* is written in two summaries; eight hold *thérapeutique*."""
    results = seed_index.search("thérapeute", limit=None)
    assert results.total == 2
    assert all(m.found == "thérapeute" for hit in results for m in hit.explanation)


def test_a_definition_is_found_where_the_summary_defines(seed_index) -> None:
    """*peut être définie comme*: the one summary that defines the alliance."""
    hit = seed_index.search("définition de l'alliance")[0]
    assert hit.id == "sm-l-alliance-therapeutique-un-concept-controverse"
    assert any(m.found == "définie" and m.route == "stem" for m in hit.explanation)


def test_stem_route_in_explanation(seed_index) -> None:
    hit = seed_index.search("infirmière")[0]
    assert any(m.route == "stem" and m.found.lower() == "infirmiers" for m in hit.explanation)


def test_long_summary_snippet_is_a_window_around_the_match(tmp_path) -> None:
    summary = (
        ("Une étude descriptive. " * 30)
        + "La démence frontotemporale est rare. "
        + ("Suite du texte sans intérêt. " * 30)
    )
    index = als.build_index(
        [als.Article(id="long", title="Étude", summary=summary)], tmp_path / "i"
    )
    hit = index.search("démence")[0]
    assert len(hit.snippet_text) <= 245
    assert hit.snippet_text.startswith("…") and hit.snippet_text.endswith("…")
    assert "**démence**" in hit.snippet


def test_limits(seed_index) -> None:
    assert len(seed_index.search("alliance", limit=0)) == 0
    assert len(seed_index.search("alliance", limit=2)) == 2
    assert len(seed_index.search("alliance", limit=10**9)) == seed_index.search("alliance").total
    with pytest.raises(als.AllianceSearchError, match="limit"):
        seed_index.search("alliance", limit=-1)


def test_filters(seed_index) -> None:
    ids = seed_index.search("adolescents", section="et-aussi").ids
    assert ids == ["sm-que-le-spectacle-commence"]
    assert seed_index.search("alliance", section=["et-aussi"]).ids == []


def test_very_long_query_is_bounded(seed_index) -> None:
    results = seed_index.search(" ".join(f"mot{i} démence" for i in range(5000)))
    assert results[0].id == DEMENTIA
    assert results.notes


def test_results_repr_and_dicts(seed_index) -> None:
    results = seed_index.search("Charcot")
    assert repr(results).startswith("<Results 'Charcot': 1 of 1 hits")
    record = results.to_dicts()[0]
    assert {"id", "title", "section", "score", "rank", "snippet", "explanation"} <= set(record)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_search_never_raises_on_arbitrary_queries(seed_index, query: str) -> None:
    results = seed_index.search(query, limit=3)
    assert len(results) <= 3
    for hit in results:
        assert hit.snippet_text and hit.explanation


@pytest.mark.parametrize(
    "query",
    [
        "\x00démence\x07",
        "démence 😀",
        "ذهان démence",
        "\u202edémence",
        "* ? : ^ ~ ( ) [ ] { }",
        "démence" * 2000,
        "\t\n  ",
        "’’’",
        "--",
        "l'",
        "qu’",
    ],
)
def test_odd_queries(seed_index, query: str) -> None:
    results = seed_index.search(query)
    if "démence" in query and len(query) < 100:
        assert results[0].id == DEMENTIA


# Articles on care in general, each saying how teams "prennent en charge" someone, and
# two on schizophrenia: a query mixing common words with a rare one.
_CARE = [
    ("Prendre en charge la douleur chronique", "Comment l'équipe prend en charge la douleur"),
    ("La prise en charge des chutes", "Prendre en charge une chute à domicile"),
    ("Prise en charge du diabète", "L'équipe prend en charge le patient diabétique"),
    ("Accueillir aux urgences", "Comment prendre en charge un patient agité aux urgences"),
    ("Le retour à domicile", "Prendre en charge la sortie d'hospitalisation"),
    ("La charge de travail infirmière", "Prendre en charge plus de patients avec moins de temps"),
]


@pytest.fixture(scope="module")
def care_index(tmp_path_factory: pytest.TempPathFactory) -> als.Index:
    articles = [
        als.Article(id=f"soin-{n}", title=title, summary=summary)
        for n, (title, summary) in enumerate(_CARE)
    ]
    articles += [
        als.Article(
            id="schizophrenie",
            title="Remédiation cognitive",
            summary="Chez les personnes vivant avec une schizophrénie, la remédiation "
            "cognitive améliore la mémoire de travail.",
        ),
        als.Article(
            id="schizophrenie-soins",
            title="Prendre en charge la schizophrénie",
            summary="Prendre en charge la schizophrénie dès le premier épisode.",
        ),
    ]
    return als.build_index(articles, tmp_path_factory.mktemp("care") / "index", progress=False)


def test_rarity_falls_with_the_articles_holding_a_word(care_index) -> None:
    reader = care_index.searcher().reader()
    common, rare, absent = (
        rarity(alternative(word), reader) for word in ("charge", "schizophrénie", "démence")
    )
    # 7 of 8 articles hold charge, 2 schizophrénie, none démence.
    assert common == pytest.approx(math.log(1 + 1.5 / 7.5))
    assert rare == pytest.approx(math.log(1 + 6.5 / 2.5))
    assert absent == pytest.approx(math.log(1 + 8.5 / 0.5))
    assert common < 0.2 < rare < absent


def test_common_words_do_not_outweigh_a_rare_one(care_index) -> None:
    # Counted alike, as they once were, "prendre" and "charge" put the article that
    # only names schizophrenia in its summary 7th, after five on other care.
    results = care_index.search("prendre en charge la schizophrénie")
    assert results.ids[:2] == ["schizophrenie-soins", "schizophrenie"]

    def lead(weighting: float) -> float:
        scores = {
            hit.id: hit.score
            for hit in care_index.search(
                "prendre en charge la schizophrénie", rarity_weighting=weighting
            )
        }
        return scores["schizophrenie"] / max(v for k, v in scores.items() if k.startswith("soin"))

    assert lead(1.0) > 2 * lead(0.0) > 0


def test_a_leading_question_word_is_not_searched(seed_index, care_index) -> None:
    # The only seed summary with "Comment" is not about borderline patients.
    results = seed_index.search("Comment prendre en charge les patients borderline ?")
    assert results.ids[0] == BORDERLINE
    assert "not searched: «Comment» (frames the question)" in results.notes
    question = care_index.search("comment prendre en charge la schizophrénie ?")
    assert question.ids[:2] == ["schizophrenie-soins", "schizophrenie"]


def test_prise_en_charge_weighs_little_beside_a_subject(care_index) -> None:
    def weights(query: str) -> dict[str, float]:
        return {c.label: c.weight for c in parse_query(query).clauses}

    assert weights("la prise en charge précoce de la psychose") == {
        "prise": FRAMING_WEIGHT,
        "charge": FRAMING_WEIGHT,
        "précoce": 1.0,
        "psychose": 1.0,
    }
    assert set(weights("prise de poids").values()) == {1.0}  # another prise
    # nothing else to search: the subject itself
    assert set(weights("la prise en charge").values()) == {1.0}
    results = care_index.search("prise en charge de la schizophrénie")
    assert results.ids[:2] == ["schizophrenie-soins", "schizophrenie"]
    assert "weighs little: «prise en charge» (how the subject is cared for)" in results.notes
    # a concept that names it keeps it whole (prise en charge somatique: somatic care)
    expansion = Expansion(thesaurus=als.default_thesaurus())
    parsed = parse_query("prise en charge somatique", expansion=expansion)
    assert not parsed.notes and {c.weight for c in parsed.clauses} == {0.5, 1.0}


def test_an_inverted_question_searches_its_subject_not_its_verb(care_index) -> None:
    def weights(query: str) -> dict[str, float]:
        return {c.label: c.weight for c in parse_query(query).clauses}

    # the verb before -elles, -t-il asks; est-ce, peut-on are function words
    assert weights("les infirmières gèrent-elles la douleur ?") == {
        "infirmières": 1.0,
        "gèrent": FRAMING_WEIGHT,
        "douleur": 1.0,
    }
    assert weights("la douleur affecte-t-elle le sommeil ?")["affecte"] == FRAMING_WEIGHT
    assert set(weights("est-ce que la psychothérapie est efficace ?")) == {
        "psychothérapie",
        "efficace",
    }
    assert set(weights("peut-on prévenir la rechute ?")) == {"prévenir", "rechute"}
    # nouns made of a verb and a pronoun are not questions
    assert weights("rendez-vous manqués") == {"rendez": 1.0, "manqués": 1.0}
    results = care_index.search("comment l'équipe prend-elle en charge la schizophrénie ?")
    assert results.ids[0] == "schizophrenie-soins"
    assert "weighs little: «prend» (the verb of the question)" in results.notes


def test_words_next_to_each_other_never_pair_across_a_hyphen() -> None:
    # *dépression post-* would also find *dépression post-traumatique*
    parsed = parse_query("soutien social et dépression post-partum")
    assert [alt.text for alt in parsed.proximity] == [
        "soutien social",
        "social dépression",
        "post partum",
    ]


def test_a_note_says_when_no_article_names_the_subjects_together(tmp_path) -> None:
    """Each result names one subject of the query: a note says that none names both
    (words apart do not name *intervention précoce*); the search's filters count."""
    articles = [
        als.Article(id="autisme", title="L'autisme chez l'enfant", section="dossier"),
        als.Article(id="psychose", title="L'intervention précoce dans la psychose"),
        als.Article(
            id="apart",
            title="Intervention auprès des enfants autistes",
            summary="Un repérage précoce des troubles du langage.",
        ),
    ]
    note = "no article names «autisme» and «intervention précoce» together"
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    assert note in index.search("autisme et intervention précoce").notes
    both = als.Article(
        id="both",
        title="Intervention précoce et autisme : un programme pour les familles",
        section="recherche",
    )
    index = als.build_index([*articles, both], tmp_path / "ix2", progress=False)
    results = index.search("autisme et intervention précoce")
    assert results.ids[0] == "both"
    assert note not in results.notes
    # the article that names both is not among those searched
    assert note in index.search("autisme et intervention précoce", section="dossier").notes
    # one subject, or a subject and an age group that narrows it: nothing to say
    assert not any("together" in n for n in index.search("autisme chez l'adulte").notes)
    # nor is anything said of plain words, which tell too little (*autres*, *musique*)
    with_music = [*articles, als.Article(id="musique", title="La musique en institution")]
    index = als.build_index(with_music, tmp_path / "ix3", progress=False)
    results = index.search("autisme et musique")
    assert set(results.ids[:2]) == {"autisme", "musique"}
    assert not any("together" in n for n in results.notes)


def test_a_phrase_never_spans_the_end_of_a_sentence(tmp_path) -> None:
    """*qualité de vie. Le travail* holds neither the phrase nor the concept *qualité de
    vie au travail*: the article that writes it comes second, tagged as it says."""
    articles = [
        als.Article(
            id="phrases",
            title="Soigner la nuit",
            summary="Mesurer la qualité de vie. Le travail de nuit.",
        ),
        als.Article(id="concept", title="La qualité de vie au travail des infirmières de nuit"),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    results = index.search("qualité de vie au travail")
    assert results.ids == ["concept", "phrases"]
    found = {m.found for m in results[1].explanation}
    assert found == {"qualité de vie", "travail"}  # not «vie. Le travail»
    assert index.search("qualité de vie au travail", concept="qualite-vie-travail").ids == [
        "concept"
    ]


def test_a_verb_form_no_article_holds_meets_the_nouns_of_its_family(tmp_path) -> None:
    """Snowball leaves *automutilent* whole: it is also searched by the stem of
    *automutiler*, which *automutilation* shares; a word articles hold is left alone."""
    articles = [
        als.Article(id="automutilation", title="L'automutilation à l'adolescence"),
        als.Article(id="sport", title="Le sport à l'adolescence"),
        als.Article(id="consomment", title="Ils consomment du cannabis"),
        als.Article(id="consommation", title="La consommation de cannabis"),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    results = index.search("adolescents qui s'automutilent")
    assert results.ids[0] == "automutilation"
    assert "«automutilent» also searched with its word family («automutilation»)" in results.notes
    # *consomment* is held: searched as it is, not also as *consommer*
    held = index.search("consomment")
    assert held.ids == ["consomment"]
    assert not any("also searched" in n for n in held.notes)


def test_a_verb_form_the_query_marks_as_a_verb_meets_its_nouns(tmp_path) -> None:
    """After *qui*, *ils*, *se*, *ne* or in an inverted question, a form in *-ent* is a
    verb: also searched by its infinitive's stem, even when articles hold it."""
    articles = [
        als.Article(id="rechute", title="La rechute après un premier épisode psychotique"),
        als.Article(id="rechutent", title="Pourquoi les patients rechutent"),
        als.Article(id="sport", title="Le sport chez les patients hospitalisés"),
        als.Article(id="gere", title="La douleur que l'infirmière gère au quotidien"),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    results = index.search("patients qui rechutent")
    assert set(results.ids[:2]) == {"rechute", "rechutent"}
    # the note names the word of the family that articles write
    assert "«rechutent» also searched with its word family («rechute»)" in results.notes
    # alone, a held form is searched as written
    assert index.search("rechutent").ids == ["rechutent"]
    expansion = Expansion(thesaurus=als.default_thesaurus())

    def clauses(query: str) -> dict[str, tuple[str | None, float]]:
        parsed = parse_query(query, expansion=expansion)
        return {c.label: (c.concept, c.weight) for c in parsed.clauses if c.kind != "part"}

    # the verb of an inverted question that names a concept is the subject itself
    parsed = parse_query("pourquoi les adolescents s'automutilent-ils ?", expansion=expansion)
    assert clauses("pourquoi les adolescents s'automutilent-ils ?")["automutilent"] == (
        "automutilation",
        1.0,
    )
    assert not any("weighs little" in note for note in parsed.notes)
    assert clauses("ils ne se suicident pas")["suicident"] == ("suicide", 1.0)
    # one that names none still weighs little, with no note on its family (*gère*)
    assert clauses("les infirmières gèrent-elles la douleur ?")["gèrent"] == (
        None,
        FRAMING_WEIGHT,
    )
    notes = index.search("les infirmières gèrent-elles la douleur ?").notes
    assert "weighs little: «gèrent» (the verb of the question)" in notes
    assert not any("also searched" in note for note in notes)
    assert (
        "«gèrent» also searched with its word family («gère»)"
        in index.search("celles qui gèrent la douleur").notes
    )
    # nor are adverbs: nothing more is searched
    for query in ("ceux qui régulièrement", "ceux qui fréquemment", "ceux qui récemment"):
        parsed = parse_query(query)
        assert parsed.clauses[0].alternatives[0].words == (analyze(query)[0][1],), query


def test_what_a_negation_in_words_leaves_out_is_not_searched(tmp_path) -> None:
    """*sans les personnes âgées* had searched the older people it meant to leave out;
    a note says how to leave those articles out."""
    articles = [
        als.Article(id="agees", title="La dépression chez les personnes âgées"),
        als.Article(
            id="jeunes",
            title="La dépression chez le jeune adulte",
            summary="Une dépression sur trois débute avant trente ans.",
        ),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    results = index.search("dépression sans les personnes âgées")
    assert results.ids[0] == "jeunes"
    assert results.notes[0] == (
        'not searched: «sans les personnes âgées» (to leave those articles out: -"personnes âgées")'
    )
    expansion = Expansion(thesaurus=als.default_thesaurus())

    def concepts(query: str) -> set[str | None]:
        return {c.concept for c in parse_query(query, expansion=expansion).clauses}

    assert "personne-agee" not in concepts("dépression sauf chez les personnes âgées")
    assert "personne-agee" not in concepts("burn-out, pas des personnes âgées")
    assert "euthanasie" not in concepts("suicide excepté euthanasie")
    # a negation inside a name, a plain word, or *pas* of a verb: searched as before
    assert "itinerance" in concepts("personnes sans domicile fixe")
    assert "cannabis" in concepts("adolescents qui ne consomment pas de cannabis")
    assert not parse_query("vivre sans travail", expansion=expansion).notes
    # nor is a quoted phrase: it is searched whole
    quoted = parse_query('"dépression sans psychose" adolescents', expansion=expansion)
    assert not quoted.notes and quoted.clauses[0].label == "dépression sans psychose"


def test_hors_en_dehors_and_non_are_negations_too() -> None:
    """*hors autisme* had put ten autism theses first for a query on anxious children;
    *non psychotiques* searched the psychoses. What a negation leaves out stops where
    another part of the subject starts (*chez l'adolescent*)."""
    expansion = Expansion(thesaurus=als.default_thesaurus())

    def parsed(query: str) -> tuple[set[str | None], tuple[str, ...]]:
        result = parse_query(query, expansion=expansion)
        return {c.concept for c in result.clauses}, result.notes

    concepts, notes = parsed("anxiété chez l'enfant hors autisme")
    assert {"anxiete", "enfant"} <= concepts and "autisme" not in concepts
    assert notes == ("not searched: «hors autisme» (to leave those articles out: -autisme)",)
    concepts, notes = parsed("suicide en dehors des adolescents")
    assert "adolescent" not in concepts and "suicide" in concepts
    # *non* negates the word after it: those articles are not to be left out
    concepts, notes = parsed("troubles non psychotiques chez l'adulte")
    assert "psychose" not in concepts and "adulte" in concepts
    assert notes == ("not searched: «non psychotiques» (negated)",)
    assert "observance" in parsed("non-observance")[0]
    # the exclusion offered holds the concept, not *chez*
    assert parsed("dépression sauf chez les personnes âgées")[1] == (
        "not searched: «sauf chez les personnes âgées» "
        '(to leave those articles out: -"personnes âgées")',
    )
    # *chez l'adolescent* is not part of what *sans* leaves out
    concepts, notes = parsed("dépression sans hospitalisation chez l'adolescent")
    assert "adolescent" in concepts and "hospitalisation" not in concepts
    assert notes == (
        "not searched: «sans hospitalisation» (to leave those articles out: -hospitalisation)",
    )


def test_a_question_on_the_link_between_subjects_searches_the_subjects(seed_index) -> None:
    """*quel est le lien entre* frames the question; *lien thérapeutique* is a subject."""
    results = seed_index.search("Quel est le lien entre démence et alliance ?")
    assert "not searched: «Quel est le lien entre» (frames the question)" in results.notes
    assert results.ids == seed_index.search("démence et alliance").ids
    assert [c.label for c in parse_query("quelle différence entre TCC et psychanalyse").clauses][
        :2
    ] == ["TCC", "psychanalyse"]
    assert "lien" in {c.label for c in parse_query("quel lien thérapeutique ?").clauses}


def test_a_question_on_the_place_or_role_of_a_subject_searches_the_subject(seed_index) -> None:
    results = seed_index.search("Quelle place pour les adolescents agités ?")
    assert "not searched: «Quelle place pour les» (frames the question)" in results.notes
    assert results.ids == seed_index.search("adolescents agités").ids


def test_a_part_of_the_query_is_found_by_its_own_terms_only(tmp_path) -> None:
    # "réhospitalisation" stands for its broader concept's names too, among them the
    # phrase "hospitalisation psychiatrique": an article that only says "psychiatrie"
    # has found the query's "psychiatrie", not its "réhospitalisation".
    articles = [
        als.Article(
            id="histoire",
            title="Histoire de la psychiatrie",
            summary="La psychiatrie des aliénistes et la naissance de la psychiatrie asilaire.",
        ),
        als.Article(
            id="rehospitalisation",
            title="Prévenir la réhospitalisation",
            summary="La réhospitalisation dans l'année : facteurs et suivi après la sortie.",
        ),
        als.Article(id="sejour", title="Un premier séjour", summary="Le premier séjour."),
    ]
    index = als.build_index(articles, tmp_path / "index", progress=False)
    parsed = parse_query(
        "réhospitalisation en psychiatrie", expansion=Expansion(thesaurus=index.thesaurus)
    )
    texts = {a.text for c in parsed.clauses for a in c.alternatives}
    assert "hospitalisation psychiatrique" in texts
    query, parts = parsed.build(DEFAULT_FIELD_WEIGHTS, index.searcher())
    labels = [clause.label for clause in parsed.clauses if clause.kind != "part"]
    scorer = index._scorer()
    scorer.top(query, None)

    def found(article_id: str) -> list[str]:
        matched = scorer.matched_terms(index.searcher().document_number(id=article_id))
        return [label for label, part in zip(labels, parts, strict=True) if part.terms & matched]

    assert found("histoire") == ["psychiatrie"]
    assert found("rehospitalisation") == ["réhospitalisation"]


def test_a_word_typed_without_accents_finds_its_written_form(tmp_path) -> None:
    """*temperament* stems to *temp*, as *temps* does; the form written in the
    summary still puts the article on temperament first."""
    index = als.build_index(
        [
            als.Article(id="temps", title="Le temps vécu", summary="Le temps de la psychose."),
            als.Article(id="temperament", title="Étude", summary="Le tempérament de l'enfant."),
        ],
        tmp_path / "ix",
    )
    assert index.search("temperament").ids[0] == "temperament"
    assert "temperament" not in index.search("temps", expand=False).ids


@pytest.mark.parametrize("limit", [1, 3, 10])
@pytest.mark.parametrize(
    ("query", "first", "second", "both"),
    [
        # Eighty articles speak of one of the two subjects at length: before the share
        # of the query they matched, each scores more than the one article on both.
        (
            "schizophrénie et sommeil",
            ("Schizophrénie", "La schizophrénie, encore."),
            ("Sommeil", "Le sommeil, encore le sommeil."),
            "Schizophrénie et sommeil.",
        ),
        # The same with the two concepts inside one name: the article on both alone
        # found «abus sexuel dans l'enfance», by its parts.
        (
            "abus sexuel dans l'enfance",
            ("Agression sexuelle", "Le viol, encore."),
            ("Enfants", "Les enfants, encore."),
            "Agression sexuelle et enfants.",
        ),
    ],
)
def test_the_top_is_exact_after_the_share_of_the_query(
    tmp_path, limit: int, query: str, first: tuple[str, str], second: tuple[str, str], both: str
) -> None:
    # The ranking must not stop at the thirty best scores before the share.
    articles = [
        als.Article(id=f"{name}{i}", title=title, summary=summary)
        for name, (title, summary) in (("un", first), ("autre", second))
        for i in range(40)
    ]
    articles.append(
        als.Article(
            id="les-deux",
            title="Observations",
            summary=f"Le texte décrit longuement des observations cliniques variées. {both}",
        )
    )
    index = als.build_index(articles, tmp_path / "ix")
    everything = index.search(query, limit=None)
    assert everything.ids[0] == "les-deux"
    top = index.search(query, limit=limit)
    assert [(h.id, h.score) for h in top] == [(h.id, h.score) for h in everything][:limit]


def test_coverage_counts_a_part_that_narrows_the_subject_apart() -> None:
    subject = QueryPart(frozenset({("summary", "schizophren")}), rarity=2.0)
    design = QueryPart(frozenset({("summary", "revu")}), rarity=2.0, penalty=0.5)
    common = QueryPart(frozenset({("summary", "adult")}), rarity=1.0, penalty=0.5)
    assert _share([True, True], [subject, design]) == 1
    # Missing the design: 1 - 0.5 × 4 / (4 + 4); missing the subject: (4 + 0) / (4 + 4),
    # halved as the design alone is found.
    assert _share([True, False], [subject, design]) == pytest.approx(0.75)
    assert _share([False, True], [subject, design]) == pytest.approx(0.25)
    # A commoner qualifier costs less: 1 - 0.5 × 1 / (1 + 4).
    assert _share([True, False], [subject, common]) == pytest.approx(0.9)
    # Found through a related term (0.4 of it), a qualifier costs 0.6 of that.
    assert _share([1.0, 0.4], [subject, design]) == pytest.approx(1 - 0.5 * 0.5 * 0.6)


def test_a_concept_is_found_by_its_parts_when_each_is_a_concept() -> None:
    expansion = Expansion(thesaurus=als.default_thesaurus())
    _, parts = parse_query("dépression prénatale", expansion=expansion).build(DEFAULT_FIELD_WEIGHTS)
    [whole] = parts
    depression, pregnancy = whole.groups  # dépression; prénatal, grossesse, ...
    assert ("summary", b"depress") in depression and ("summary", b"grossess") in pregnancy
    assert not whole.terms & pregnancy  # not a name of the whole: found only beside the other
    # «cour» is a plain word (it shares its stem with «au cours de»): no parts then.
    _, parts = parse_query("cour de santé mentale", expansion=expansion).build(
        DEFAULT_FIELD_WEIGHTS
    )
    assert [part.groups for part in parts] == [()]


def test_share_counts_a_concept_found_by_every_part() -> None:
    whole = QueryPart(
        frozenset({("summary", "prenatal-depression")}),
        rarity=2.0,
        groups=(frozenset({("summary", "depress")}), frozenset({("summary", "grossess")})),
    )
    other = QueryPart(frozenset({("summary", "sommeil")}), rarity=2.0)
    holders = {
        ("summary", "depress"): {1, 2},
        ("summary", "grossess"): {1, 3},
        ("summary", "sommeil"): {1, 2, 3, 4},
    }
    share = _Share([whole, other], coordination=1.0)
    scores = share(dict.fromkeys([1, 2, 3, 4], 1.0), lambda key: holders.get(key, set()))
    assert scores[1] == 1.0  # both parts of the concept: found
    # one part only: the concept missed, (4 + 4) / (4 + 8)
    assert scores[2] == scores[3] == scores[4] == pytest.approx(2 / 3)
    # a part read for no document yet (None) may be held by any: an upper bound
    bound = share({2: 1.0}, lambda key: None if key[1] == "grossess" else holders.get(key))
    assert bound[2] == 1.0


def test_an_excluded_word_removes_the_articles_naming_its_concept(seed_index) -> None:
    assert BORDERLINE in seed_index.search("lien thérapeutique", limit=None).ids
    for query in (
        "lien thérapeutique -borderline",
        "lien thérapeutique SAUF TPB",  # the abbreviation names the same concept
        'lien thérapeutique -"états limites"',  # a phrase, as written
    ):
        results = seed_index.search(query, limit=None)
        assert BORDERLINE not in results.ids, query
        assert results.total == len(results.ids) > 0
    # An abbreviation of the concept searched excludes only the articles writing it:
    # the borderline article does not write «TPB».
    assert seed_index.search("états limites -TPB").ids[0] == BORDERLINE
    # A quoted phrase stands for itself, not for its concept: the article does not say
    # «personnalité limite».
    assert BORDERLINE in seed_index.search('lien thérapeutique -"personnalité limite"').ids
    # Only exclusions: nothing to rank by.
    results = seed_index.search("-démence")
    assert results.ids == [] and results.notes == (
        "excluded: «démence»",
        "nothing left to search for: add the words the articles should name",
    )


def test_required_words_keep_only_the_articles_naming_them(seed_index) -> None:
    results = seed_index.search("alliance ET démence", limit=None)
    assert results.ids == [DEMENTIA]
    assert results.notes == ("required: «alliance»", "required: «démence»")
    # a quoted phrase is required as a phrase: no seed article on adolescents says it
    assert seed_index.search('"alliance thérapeutique" ET démence').ids == [DEMENTIA]
    assert seed_index.search('"alliance thérapeutique" ET adolescents').ids == []
    assert len(seed_index.search("alliance ET adolescents").ids) == 1
    # by any name of the concept: the borderline article says «borderline», not «TPB»
    assert seed_index.search("lien thérapeutique +TPB", limit=None).ids == [BORDERLINE]


def test_a_word_wanted_in_the_title(seed_index) -> None:
    anywhere = seed_index.search("alliance", limit=None)
    in_title = seed_index.search("titre:alliance", limit=None)
    assert 0 < in_title.total < anywhere.total
    assert all("alliance" in fold(hit.title) for hit in in_title)
    assert in_title.notes == ("in the title: «alliance»",)


def test_a_truncated_word_stands_for_the_words_starting_with_it(seed_index) -> None:
    results = seed_index.search("psych*", limit=None)
    assert PSYCHOSIS in results.ids  # «Le temps vécu dans la psychose»
    for hit in results:
        words = [fold(w) for w in re.findall(r"\w+", f"{hit.title} {hit.article.summary}")]
        assert any(word.startswith("psych") for word in words), hit.title
    [note] = results.notes
    assert note.startswith("«psych*»: ") and "psychothérapies" in note  # as written
    assert seed_index.search("zqx*").notes == ("no word starts with «zqx»",)
    excluded = seed_index.search("alliance -psych*", limit=None).ids
    assert excluded and all(i not in excluded for i in results.ids)


def test_a_correction_keeps_the_operators(seed_index) -> None:
    results = seed_index.search("alliance thérapeutque -démence", limit=None)
    assert results.corrected == "alliance thérapeutique -démence"
    assert DEMENTIA not in results.ids and results.ids


def test_a_related_term_finds_only_part_of_a_concept() -> None:
    expansion = Expansion(thesaurus=als.default_thesaurus())
    _, [part] = parse_query("démence", expansion=expansion).build(DEFAULT_FIELD_WEIGHTS)
    # «aidant» is a related term of démence, «dément» one of its names
    assert ("summary", b"aidant") in part.loose and ("summary", b"aidant") not in part.terms
    assert ("summary", b"dement") in part.terms
    sleep = QueryPart(frozenset({("summary", b"sommeil")}), rarity=2.0)
    dementia = replace(part, rarity=2.0)
    holders = {
        ("summary", b"sommeil"): {1, 2, 3},
        ("summary", b"dement"): {1},
        ("summary", b"aidant"): {1, 2},
    }
    scores = _Share([dementia, sleep], coordination=1.0, related_share=0.6)(
        dict.fromkeys([1, 2, 3], 1.0), lambda key: holders.get(key, set())
    )
    # (4 + 4 + 4) / 12; (4 + 0.6 × 4 + 4) / 12; (4 + 4) / 12
    assert scores == pytest.approx({1: 1.0, 2: 10.4 / 12, 3: 8 / 12})


def test_words_that_frame_a_sentence_weigh_little(tmp_path) -> None:
    """In a question, *l'impact de … sur le risque de …* asks about the subject; it
    had put a thesis on road risk, which says *impact* and *risque* often, before the
    one on cannabis and psychosis."""
    articles = [
        als.Article(
            id="routes",
            title="L'impact de la consommation de cannabis sur le risque routier",
            summary="Le risque d'accident et son impact : un risque accru chez les jeunes "
            "conducteurs, quel impact pour la prévention du risque ?",
        ),
        als.Article(
            id="psychose",
            title="Psychose et consommation de cannabis chez les jeunes",
            summary="Un premier épisode psychotique suit souvent une consommation "
            "régulière de cannabis.",
        ),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    question = "quel est l'impact de la consommation de cannabis sur le risque de psychose ?"
    results = index.search(question)
    assert results.ids == ["psychose", "routes"]
    assert "weighs little: «impact», «risque» (frames the subject)" in results.notes
    expansion = Expansion(thesaurus=als.default_thesaurus())
    weights = {c.label: c.weight for c in parse_query(question, expansion=expansion).clauses}
    assert weights["impact"] == weights["risque"] == FRAMING_WEIGHT
    # a list of keywords is left as typed, and so is a sentence that names no concept
    keywords = parse_query("impact cannabis risque psychose", expansion=expansion)
    assert keywords.clauses[0].weight == 1.0
    plain = index.search("quel est l'impact de la taille des villes sur le risque routier ?")
    assert not any("frames the subject" in note for note in plain.notes)


def test_words_typed_in_capitals_that_articles_write_as_words_are_words(tmp_path) -> None:
    """*DEUIL*, *REGARD*, *ALCOOL* look like abbreviations (short, in capitals, left
    whole by the stemmer); they were searched only where an article writes them in
    capitals, so *REGARD* found nothing and *DEUIL* missed *Le deuil au Québec*."""
    articles = [
        als.Article(id="deuil", title="Le deuil au Québec", summary="Les deuils des familles."),
        als.Article(id="regard", title="Un regard infirmier sur l'automutilation"),
        als.Article(id="tdah", title="Le TDAH chez l'adulte", summary="Le TDAH persiste."),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    for word in ("DEUIL", "REGARD", "Regard"):
        results = index.search(word)
        assert results.ids == index.search(word.lower()).ids == [word.lower()], word
        assert not results.notes, word
    assert index.search("UN REGARD INFIRMIER SUR L'AUTOMUTILATION").ids[0] == "regard"
    # an abbreviation articles write in capitals stays one, and so does one no
    # article writes
    assert index.search("TDAH").ids == ["tdah"]
    assert index.search("MMSE").notes == ("no article holds «MMSE»",)


def test_a_concept_typed_by_a_name_no_article_writes_weighs_as_its_written_names(
    tmp_path,
) -> None:
    """No article writes *nurses*: it stands for *infirmières*, which many write, and
    must not count as the rarest part of *burnout nurses* (the burnout theses had
    fallen behind every thesis on nursing staff)."""
    articles = [
        als.Article(
            id=f"dotation-{i}",
            title=f"La dotation en infirmières des unités de soins ({i})",
            summary="Les infirmières et les infirmiers auxiliaires se partagent les quarts.",
        )
        for i in range(4)
    ]
    articles += [
        als.Article(
            id="epuisement",
            title="L'épuisement professionnel des soignants",
            summary="Le burnout touche les infirmières des urgences.",
        ),
        als.Article(id="enseignants", title="Le burnout des enseignants"),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    results = index.search("burnout nurses")
    assert set(results.ids[:2]) == {"epuisement", "enseignants"}
    assert results.ids == index.search("burnout infirmières").ids


def test_operators_on_groups_truncations_names_and_abbreviations(tmp_path) -> None:
    """What a documentalist types: a group in parentheses, a truncated word that is
    required, a word of a longer name (*santé mentale ET autochtones* had required
    *mentale*, which *mentalités* matched), an abbreviation wanted in the title."""
    articles = [
        als.Article(id="dep-ado", title="La dépression des adolescents"),
        als.Article(id="anx-ado", title="L'anxiété à l'adolescence"),
        als.Article(id="dep-adulte", title="La dépression chez l'adulte"),
        als.Article(id="mentalites", title="Les mentalités autochtones et le droit"),
        als.Article(id="sm-autochtones", title="La santé mentale des jeunes autochtones"),
        als.Article(id="tdah-titre", title="Le TDAH à l'école", summary="Un outil."),
        als.Article(id="tdah-resume", title="Un outil scolaire", summary="Pour le TDAH."),
        als.Article(id="autisme-ecole", title="La scolarisation des enfants autistes"),
        als.Article(id="autisme", title="L'autisme chez l'adulte"),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    grouped = index.search("(dépression OU anxiété) ET adolescents", limit=None)
    assert set(grouped.ids) == {"dep-ado", "anx-ado"}
    assert "required: «dépression» or «anxiété»" in grouped.notes
    assert index.search("autis* ET scolari*", limit=None).ids == ["autisme-ecole"]
    named = index.search("santé mentale ET autochtones", limit=None)
    assert named.ids == ["sm-autochtones"]
    assert "required: «santé mentale»" in named.notes
    assert index.search("titre:TDAH", limit=None).ids == ["tdah-titre"]
    nothing = index.search("démence ET autochtones")
    assert nothing.ids == []
    assert nothing.notes[-1] == (
        "no article matches all that is required: «démence», «autochtones»"
    )


def test_a_rare_word_that_names_no_concept_does_not_outweigh_the_concept(tmp_path) -> None:
    """*autisme scolarisation*: *scolarisation*, rarer than *autisme* here, had put the
    thesis on school enrolment in economics first, above the theses on autism."""
    articles = [
        als.Article(id="economie", title="La scolarisation primaire universelle au Cameroun"),
        *(als.Article(id=f"autisme-{i}", title=f"L'autisme chez l'enfant ({i})") for i in range(3)),
        als.Article(id="ecole", title="L'inclusion scolaire et le soutien aux familles"),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    assert index.search("autisme scolarisation").ids[0].startswith("autisme-")
    # alone, or beside no concept, the word weighs by its own rarity
    assert index.search("scolarisation").ids == ["economie"]
    assert index.search("primaire scolarisation").ids[0] == "economie"


def test_search_options_given_wrongly_get_clear_errors(seed_index, tmp_path) -> None:
    """A year as text, a float or three years, a negative weight had given bare
    Python errors or silently dropped hits; one concept name given alone had been
    read letter by letter; a query of concepts alone was told it had nothing to
    search."""
    for year in (2010.5, -5, (2010, 2011, 2012), (None, None)):
        with pytest.raises(als.AllianceSearchError, match="year must be a year such as 2009"):
            seed_index.search("alliance", year=year)
    dated = [
        als.Article(id="a2009", title="L'alliance en 2009", year=2009),
        als.Article(id="a2015", title="L'alliance en 2015", year=2015),
    ]
    index = als.build_index(dated, tmp_path / "ix", progress=False)
    assert index.search("alliance", year="2009").ids == ["a2009"]
    assert index.search("alliance", year=(2016, 2010)).ids == ["a2015"]
    # a wide span: Whoosh's NumericRange had let 2015 through 1000 to 2010
    assert index.search("alliance", year=(1000, 2010)).ids == ["a2009"]
    # open ranges, and a year written as a float (as pandas writes them)
    assert index.search("alliance", year=(2010, None)).ids == ["a2015"]
    assert index.search("alliance", year=(None, 2010)).ids == ["a2009"]
    assert index.search("alliance", year=2009.0).ids == ["a2009"]
    late = index.search("alliance", year=(2016, None))
    assert late.notes == ("no article is from 2016 or after",)
    with pytest.raises(als.AllianceSearchError, match="related_weight must be a number ≥ 0"):
        seed_index.search("TPB", related_weight=-5)
    alone = seed_index.search("", concepts="demence")
    assert alone.ids == [DEMENTIA] and alone.notes == ()
    assert seed_index.more_like_this(DEMENTIA, limit=0).ids == []
    with pytest.raises(als.AllianceSearchError, match="limit must be a whole number"):
        seed_index.more_like_this(DEMENTIA, limit=-1)
    with pytest.raises(als.UnknownConceptError, match="unknown concept 'crayon'"):
        seed_index.thesaurus.explain("crayon")


def test_filters_that_keep_nothing_and_limit_zero_say_so(seed_index) -> None:
    """A section no article has, or a year in an index without years, had given 0 of 0
    with no word; limit=0 had reported no match at all. A section typed with a
    capital is the section (round 30)."""
    assert seed_index.search("alliance", section="Dossier").total == 8
    results = seed_index.search("alliance", section="Éditorial")
    assert results.total == 0
    assert results.notes == ("no article has section «Éditorial» (sections: dossier, et-aussi)",)
    assert seed_index.search("alliance", year=2010).notes == (
        "no article of this index has a year",
    )
    counted = seed_index.search("alliance", limit=0)
    assert counted.ids == [] and counted.total == seed_index.search("alliance", limit=None).total
    assert sum(counted.facets()["sections"].values()) == counted.total > 0
    assert not any("nearby" in line for line in notes_lines(counted))


def test_filters_that_hide_every_match_say_how_many_match_without_them(
    seed_index, tmp_path
) -> None:
    """*démence* in the *et aussi* pages had given 0 of 0 with no word, although an
    article of the dossier is on dementia."""
    results = seed_index.search("démence", section="et-aussi")
    assert results.total == 0
    assert results.notes == (
        "no article matches within the filters (section «et-aussi»); "
        "1 article matches without them",
    )
    hysteria = seed_index.search("hystérie", section="dossier", concept="démence")
    assert hysteria.notes[-1] == (
        "no article matches within the filters (section «dossier», concept «démence»); "
        "1 article matches without them"
    )
    # filters that keep nothing together, though each keeps articles
    together = seed_index.search("démence", section="et-aussi", concept="démence")
    assert together.notes == ("no article meets all the filters together",)
    assert seed_index.search("xqzw", section="et-aussi").notes[-1].startswith("no article holds")
    # a section no article has: said as such, not as an empty list of sections
    undated = als.build_index(
        [als.Article(id="a", title="La démence", summary="Vivre avec une démence.")],
        tmp_path / "ix",
    )
    assert undated.search("démence", section="dossier").notes == (
        "no article of this index has a section",
    )


_AUTHORED = [
    als.Article(
        id="prison",
        title="Soigner en prison",
        summary="La contrainte et l'alliance thérapeutique en milieu carcéral.",
        authors=("Marie-Hélène Durand", "Paul Petit"),
        year=2019,
    ),
    als.Article(
        id="mere",
        title="La mère adolescente et son bébé",
        summary="Une mère adolescente face à la maternité précoce.",
        authors=("Jean Durand",),
        year=2021,
    ),
    als.Article(
        id="psychose",
        title="Alliance et psychose",
        summary="L'alliance thérapeutique dans la psychose débutante.",
        authors=("Élodie Lefèvre",),
        year=2020,
    ),
    als.Article(id="anonyme", title="L'alliance en prison", summary="Un article sans auteur."),
]


@pytest.fixture(scope="module")
def authored_index(tmp_path_factory: pytest.TempPathFactory) -> als.Index:
    return als.build_index(_AUTHORED, tmp_path_factory.mktemp("authors") / "ix", progress=False)


@pytest.mark.parametrize(
    ("author", "ids"),
    [
        ("Durand", ["mere", "prison"]),  # every Durand, the most recent first
        ("durand", ["mere", "prison"]),
        ("Marie-Hélène Durand", ["prison"]),
        ("M.-H. Durand", ["prison"]),  # initials
        ("Durand Jean", ["mere"]),  # in any order
        ("Lefevre", ["psychose"]),  # without accents
        ("Jean Petit", []),  # two authors' words, not one author's name
        ("Marie", ["prison"]),
    ],
)
def test_an_empty_query_with_an_author_lists_the_author_s_articles(
    authored_index: als.Index, author: str, ids: list[str]
) -> None:
    results = authored_index.search("", author=author)
    assert results.ids == ids and results.total == len(ids)
    if ids:
        assert results.notes == (
            f"the articles within the filters (author «{author}»), the most recent first",
        )
    else:
        assert results.notes == (f"no article has an author named «{author}»",)


def test_the_author_filter_narrows_a_search(authored_index: als.Index) -> None:
    assert set(authored_index.search("alliance thérapeutique").ids) >= {"prison", "psychose"}
    assert authored_index.search("alliance thérapeutique", author="Durand").ids == ["prison"]
    none = authored_index.search("alliance thérapeutique", author="Dupont")
    assert none.ids == [] and none.notes[-1] == "no article has an author named «Dupont»"
    hit = authored_index.search("", author="Petit")[0]
    assert hit.to_dict()["authors"] == ["Marie-Hélène Durand", "Paul Petit"]


def test_a_query_that_names_an_author_says_so(authored_index: als.Index) -> None:
    """The query searches the texts; a documentalist who typed a name learns of the
    ``author`` filter."""
    results = authored_index.search("Durand")
    assert results.ids == []
    assert results.notes[-1] == (
        "«Durand» names an author of 2 articles: search with author='Durand' (--author)"
    )
    assert not any("author" in note for note in authored_index.search("psychose").notes)
    # a name inside a longer query, and a name that looks like a misspelt word
    assert authored_index.search("articles de Lefèvre sur la psychose").notes[-1] == (
        "«Lefèvre» names an author of 1 article: search with author='Lefèvre' (--author)"
    )
    petit = authored_index.search("Petit")
    assert petit.corrected is None and petit.notes[-1].startswith("«Petit» names an author")


def test_the_author_filter_on_an_index_without_authors(seed_index) -> None:
    results = seed_index.search("alliance", author="Durand")
    assert results.ids == [] and "no article of this index has authors" in results.notes


def test_an_empty_query_with_a_filter_lists_the_articles_within_it(seed_index) -> None:
    results = seed_index.search("", section="dossier", limit=None)
    assert results.total == len(results) > 3
    assert {hit.section for hit in results} == {"dossier"}
    titles = [hit.title for hit in results]  # no year: by title
    assert titles == sorted(titles, key=lambda t: als.analysis.fold(t).lower())


def test_an_author_s_name_is_not_corrected_into_a_word(tmp_path) -> None:
    """*Brun* is one edit from *burn*, which the articles write: it is a name here."""
    articles = [
        als.Article(
            id="burn",
            title="Le burn-out des soignants",
            summary="Le burn out touche les équipes de psychiatrie.",
            authors=("Jean Fournier",),
        ),
        als.Article(
            id="prison",
            title="Soigner en prison",
            summary="La contrainte et l'alliance en milieu carcéral.",
            authors=("Paul Brun",),
        ),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    results = index.search("Brun")
    assert results.corrected is None and results.ids == []
    assert results.notes[-1].startswith("«Brun» names an author of 1 article")
    assert index.search("", author="Brun").ids == ["prison"]


def test_the_author_filter_takes_several_names_and_ignores_a_blank_one(
    authored_index: als.Index,
) -> None:
    both = authored_index.search("", author=["Lefèvre", "Jean Durand"])
    assert both.ids == ["mere", "psychose"]
    assert authored_index.search("", author=["Dupont", "Roux"]).notes == (
        "no article has an author named «Dupont», «Roux»",
    )
    blank = authored_index.search("alliance thérapeutique", author="  ")
    assert blank.ids == authored_index.search("alliance thérapeutique").ids
    assert [hit.authors for hit in authored_index.search("", author="Petit")] == [
        ("Marie-Hélène Durand", "Paul Petit")
    ]
