"""Concept-aware ranking on the seed issue: expansion, explanations, filters, facets,
suggestions and similar articles."""

from __future__ import annotations

from pathlib import Path

import pytest

import alliance_search as als
from alliance_search.query import Expansion, parse_query
from alliance_search.search import DEFAULT_FIELD_WEIGHTS, FACET_SHARE

from .conftest import BORDERLINE, CHARCOT, DEMENTIA, NURSING, PSYCHOSIS

TEENS = "sm-que-le-spectacle-commence"
CAID = "sm-j-ai-deja-aligne-huit-infirmiers"
PRECARITY = "sm-soins-psychiques-aux-precaires"


@pytest.mark.parametrize(
    "query",
    [
        "TPB",
        "personnalité limite",
        "trouble de la personnalité borderline",
        "état-limite",
        "borderline",
    ],
)
def test_borderline_names_find_the_borderline_article(seed_index, query: str) -> None:
    assert seed_index.search(query)[0].id == BORDERLINE


def test_abbreviation_found_through_its_concept_only(seed_index) -> None:
    assert seed_index.search("TPB", expand=False).ids == []
    hit = seed_index.search("TPB")[0]
    assert {(m.route, m.concept) for m in hit.explanation} >= {("synonym", "etat-limite")}


def test_an_abbreviation_in_another_fields_sense_does_not_answer_for_the_disorder(
    tmp_path: Path,
) -> None:
    """Papyrus's two chemistry theses that write *DFT* (density functional theory) had
    ranked 1st and 2nd for *démence frontotemporale*, above the theses on dementia."""
    from .test_concepts import CHEMISTRY

    articles = [
        als.Article(id="chimie", title=CHEMISTRY[0], summary=CHEMISTRY[1]),
        als.Article(
            id="demence",
            title="Les soins aux personnes âgées atteintes de démence",
            summary="Les soignants décrivent les cris des résidents atteints de démence.",
        ),
    ]
    index = als.build_index(articles, tmp_path / "ix")
    assert index.search("démence frontotemporale").ids == ["demence"]
    assert index.search("", concept="demence-frontotemporale").ids == []


@pytest.mark.parametrize(
    "query",
    [
        "troubles neurocognitifs",
        "trouble neurocognitif majeur",
        "personnes démentes",
        "maladie d'Alzheimer",
        "EHPAD",  # dementia is a related term of nursing homes
    ],
)
def test_dementia_concepts(seed_index, query: str) -> None:
    assert seed_index.search(query)[0].id == DEMENTIA


def test_psychotic_episode_finds_the_article_with_an_empty_summary(seed_index) -> None:
    results = seed_index.search("épisode psychotique")
    assert results[0].id == PSYCHOSIS
    assert results[0].article.summary == ""
    assert any(m.field == "title" and m.found == "psychose" for m in results[0].explanation)


def test_a_concept_typed_as_no_article_writes_it_weighs_as_its_names(seed_index) -> None:
    # No seed article says "psychotique"; the psychosis article's title says "psychose".
    typed = seed_index.search("psychotique")
    assert typed.ids == [PSYCHOSIS]
    assert typed[0].score > 0.5 * seed_index.search("psychose")[0].score
    # So the rarer part of a longer query still leads, instead of "relation" and
    # "patient", which the nursing article holds.
    assert seed_index.search("relation avec un patient psychotique").ids[0] == PSYCHOSIS


@pytest.mark.parametrize("query", ["schizophrénie", "délire", "hallucinations"])
def test_a_psychotic_symptom_or_disorder_finds_the_psychosis_article(seed_index, query) -> None:
    # Psychosis is a related term of each: the only article on it comes first.
    hit = seed_index.search(query)[0]
    assert hit.id == PSYCHOSIS
    assert {(m.route, m.found) for m in hit.explanation} == {("related", "psychose")}


@pytest.mark.parametrize(
    ("query", "expected", "route", "found"),
    [
        ("violence", TEENS, "related", "agités"),  # agitation
        # «recension rapide des écrits» names a rapid review, a kind of literature review
        ("revue de la littérature", NURSING, "narrower", "Recension rapide des écrits"),
        ("personnes âgées", DEMENTIA, "related", "démence"),
        ("neurologie", CHARCOT, "related", "Charcot"),  # Charcot the neurologist
        ("documentation", "sm-pour-en-savoir-plus", "synonym", "réseau documentaire"),
    ],
)
def test_related_and_narrower_names_reach_articles_in_other_words(
    seed_index, query: str, expected: str, route: str, found: str
) -> None:
    hit = seed_index.search(query)[0]
    assert hit.id == expected
    assert (route, found) in {(m.route, m.found) for m in hit.explanation}


def test_the_words_of_a_concept_inside_a_longer_name_count_alone(seed_index) -> None:
    # «relation soignant» names the therapeutic relationship inside «relation
    # soignant-soigné»; the nursing article only says «la relation avec le patient».
    # (Before, it was not found at all.) The dossier's presentation, which says «soigner,
    # être soigné», comes close behind it.
    results = seed_index.search("relation soignant-soigné")
    assert results.ids[0] == NURSING
    assert ("title", "relation") in {(m.field, m.found) for m in results[0].explanation}


def test_hysteria_finds_charcot(seed_index) -> None:
    assert seed_index.search("hystérie")[0].id == CHARCOT


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dementia", DEMENTIA),
        ("Alzheimer's disease", DEMENTIA),
        ("psychotic episode", PSYCHOSIS),
        ("hysteria", CHARCOT),
        ("homelessness", PRECARITY),
    ],
)
def test_english_clinical_names_find_french_articles(seed_index, query: str, expected: str) -> None:
    # None of these English words occurs in the French issue: only the thesaurus links them.
    assert seed_index.search(query, expand=False).ids == []
    hit = seed_index.search(query)[0]
    assert hit.id == expected
    assert all(m.concept and m.route in {"synonym", "broader", "related"} for m in hit.explanation)


def test_distinct_concepts_add_up(seed_index) -> None:
    # the only article about both alliance and adolescents comes first
    results = seed_index.search("alliance thérapeutique avec les adolescents")
    assert results[0].id == CAID
    concepts = {m.concept for m in results[0].explanation if m.concept}
    assert {"alliance-therapeutique", "adolescent"} <= concepts


@pytest.mark.parametrize("query", ["child sexual abuse", "abus sexuel dans l'enfance"])
def test_concepts_inside_a_longer_name_count_as_its_parts(tmp_path: Path, query: str) -> None:
    # Neither article names the concept itself; the first names both of its parts in
    # other words (agression sexuelle, enfants), the second only one of them.
    both = als.Article(
        id="enfants",
        title="Le témoignage des enfants victimes d'agression sexuelle devant les tribunaux",
    )
    one = als.Article(
        id="adultes",
        title="Le témoignage des adultes victimes d'agression sexuelle devant les tribunaux",
    )
    index = als.build_index([one, both], tmp_path / "ix")
    results = index.search(query)
    assert results.ids == ["enfants", "adultes"]
    concepts = {m.concept for m in results[0].explanation}
    assert {"violence-sexuelle", "enfant"} <= concepts
    assert {m.concept for m in results[1].explanation} == {"violence-sexuelle"}


@pytest.mark.parametrize("query", ["child sexual abuse", "abus sexuel dans l'enfance"])
def test_a_concept_named_by_its_parts_counts_as_found(tmp_path: Path, query: str) -> None:
    # The first article names both concepts inside the query's name (agression sexuelle,
    # enfants); the second only a related term of the whole (pédophilie), in its title.
    # Naming every part is naming the concept: the first is not ranked as an article
    # that missed the query's only part.
    parts = als.Article(
        id="parties",
        title="Le témoignage des enfants victimes d'agression sexuelle devant les tribunaux",
        summary="Une étude des dépositions recueillies par les enquêteurs.",
    )
    related = als.Article(
        id="pedophilie",
        title="La pédophilie : une revue des études cliniques",
        summary="Une étude des dossiers recueillis par les enquêteurs.",
    )
    index = als.build_index([related, parts], tmp_path / "ix")
    assert index.search(query).ids == ["parties", "pedophilie"]


def test_concepts_inside_a_longer_name_count_by_their_narrower_concepts(tmp_path: Path) -> None:
    # «soignants» in «santé des soignants» names health professionals; nurses are one
    # of them, although neither article names the whole concept.
    nurses = als.Article(
        id="infirmiers",
        title="Les infirmiers face à l'épuisement",
        summary="Une enquête auprès des équipes de psychiatrie.",
    )
    parents = als.Article(
        id="parents", title="L'épuisement des parents", summary="Une enquête auprès des familles."
    )
    index = als.build_index([nurses, parents], tmp_path / "ix")
    results = index.search("santé des soignants")
    assert results.ids == ["infirmiers"]
    assert {(m.route, m.concept) for m in results[0].explanation} == {("narrower", "infirmier")}


def test_variants_of_one_concept_do_not_add_up(tmp_path: Path) -> None:
    one = als.Article(id="un", title="Étude", summary="Des patients borderline suivis en CMP.")
    three = als.Article(
        id="trois",
        title="Étude",
        summary="Des patients borderline, dits états limites, ou personnalités limites, "
        "suivis en CMP.",
    )
    index = als.build_index([one, three], tmp_path / "ix")
    scores = {h.id: h.score for h in index.search("TPB")}
    assert scores["trois"] < 1.5 * scores["un"]


@pytest.mark.parametrize(
    ("query", "other_sense"),
    [
        # related terms of one word that abstracts use in another sense
        ("urgences psychiatriques", "L'orientation sexuelle et l'orientation scolaire."),
        ("thérapie cognitivo-comportementale", "L'exposition à la violence conjugale."),
        ("personnes âgées", "La dépendance à l'alcool chez les étudiants."),
        # an age group is no related term of a subject
        ("cannabis", "Les adolescents et leurs parents."),
        ("delirium", "Le sujet âgé et sa famille."),
        # words of thesis abstracts in another discipline
        ("attention", "La concentration plasmatique du médicament."),
        ("psychothérapie psychodynamique", "Le transfert de connaissances en santé publique."),
        ("trouble dissociatif de l'identité", "Le stress altère la mémoire."),
        ("migrants", "La migration cellulaire dans les tumeurs."),
    ],
)  # fmt: skip
def test_related_terms_do_not_reach_a_word_used_in_another_sense(
    tmp_path: Path, query: str, other_sense: str
) -> None:
    articles = [
        als.Article(id="autre", title="Étude", summary=other_sense),
        als.Article(id="sujet", title="Étude", summary=f"Une enquête sur les {query}."),
    ]
    index = als.build_index(articles, tmp_path / "ix")
    assert index.search(query).ids == ["sujet"]


def test_synonym_at_least_as_strong_as_related_term(tmp_path: Path) -> None:
    synonym = als.Article(id="syn", title="Étude", summary="Le patient dément et sa famille.")
    related = als.Article(id="rel", title="Étude", summary="Le déclin cognitif et la famille.")
    index = als.build_index([synonym, related], tmp_path / "ix")
    results = index.search("démence")
    assert results.ids[0] == "syn"
    routes = {h.id: {m.route for m in h.explanation} for h in results}
    assert "synonym" in routes["syn"]
    assert routes.get("rel", {"related"}) <= {"related", "narrower"}


def test_broader_concept_stands_in_unless_it_heads_a_chapter(tmp_path: Path) -> None:
    """« maladie d'Alzheimer » finds an article on dementia (its broader concept), but
    « troubles neurocognitifs » does not pull in every article on mental disorders."""
    dementia = als.Article(id="d", title="Étude", summary="La démence en institution.")
    general = als.Article(
        id="g", title="Étude", summary="La pathologie psychiatrique en institution."
    )
    index = als.build_index([dementia, general], tmp_path / "ix")
    thesaurus = index.thesaurus
    assert thesaurus.find("démence").id == thesaurus.find("maladie d'Alzheimer").broader
    chapter = thesaurus.concepts[thesaurus.find("troubles neurocognitifs").broader]
    assert chapter.id == thesaurus.find("trouble mental").id and not chapter.broader
    alzheimer = index.search("maladie d'Alzheimer")
    assert alzheimer.ids == ["d"] and alzheimer[0].explanation[0].route == "broader"
    assert "g" not in index.search("troubles neurocognitifs").ids


def test_narrower_concepts_count_by_any_of_their_names(seed_index) -> None:
    """« jeu scénique » names the narrower *théâtre thérapeutique* without its label:
    a search for therapeutic mediation still finds the drama group, first."""
    thesaurus = seed_index.thesaurus
    theatre = thesaurus.find("jeu scénique")
    assert theatre.broader == thesaurus.find("médiation thérapeutique").id
    hit = seed_index.search("médiation thérapeutique")[0]
    assert hit.id == TEENS
    assert ("narrower", theatre.id, "jeu scénique") in {
        (m.route, m.concept, m.found) for m in hit.explanation
    }


def test_abbreviations_of_narrower_concepts_are_not_searched(tmp_path: Path) -> None:
    """*ToM* names theory of mind, narrower than social cognition; lowercased it is
    also *Tom*. A search for social cognition must not find Tom Cruise."""
    actor = als.Article(id="cinema", title="Le perfectionnisme moral de Tom Cruise")
    mind = als.Article(
        id="tom", title="Théorie de l'esprit", summary="La ToM chez l'enfant d'âge préscolaire."
    )
    index = als.build_index([actor, mind], tmp_path / "ix")
    assert index.thesaurus.find("ToM").broader == index.thesaurus.find("cognition sociale").id
    assert index.search("cognition sociale").ids == ["tom"]
    assert "tom" in index.search("ToM").ids  # typed, the abbreviation is searched


def test_abbreviations_are_searched_and_tagged_only_as_written(tmp_path: Path) -> None:
    """*IDE* (infirmier diplômé d'État) and *idées* share the stem *ide*: an article on
    ideas is neither found for nurses nor tagged with them."""
    index = als.build_index(
        _articles(
            ("idees", "Idées, espoir et illusion", "Des idées sur la psychiatrie de demain."),
            ("ide", "Nuits en psychiatrie", "Le travail de l'IDE en psychiatrie la nuit."),
        ),
        tmp_path / "ix",
    )
    results = index.search("infirmières en psychiatrie")
    assert results.ids == ["ide", "idees"]  # the ideas article, by *psychiatrie* only
    found = {(hit.id, m.found) for hit in results for m in hit.explanation}
    assert ("ide", "IDE") in found
    assert not any(word.startswith("idée") for _, word in found)
    assert index.search("IDE").ids == ["ide"]
    assert index.search("psychiatrie", concept="infirmier").ids == ["ide"]


def test_words_typed_in_capitals_keep_their_other_forms(tmp_path: Path) -> None:
    """*SOINS* typed with caps lock looks like an abbreviation, but the stemmer cuts it
    (*soin*): it still finds the singular, as *soins* does. *IDE*, left whole, does not
    find *idées*."""
    index = als.build_index(
        _articles(
            ("nuit", "Un soin de nuit", "Le coucher à l'hôpital."),
            ("idees", "Des idées", "Des idées neuves."),
        ),
        tmp_path / "ix",
    )
    assert index.search("SOINS").ids == index.search("soins").ids == ["nuit"]
    assert index.search("IDE").ids == []


def test_research_designs_are_concepts(tmp_path: Path) -> None:
    """A documentalist's « revue de littérature » finds the Québec *recension des
    écrits* before an article on literature, and so does the English name."""
    review = als.Article(
        id="recension",
        title="Les soins infirmiers en psychiatrie",
        summary="Une recension des écrits sur la relation avec le patient hospitalisé.",
    )
    letters = als.Article(
        id="lettres", title="La folie dans la littérature", summary="Romans du XIXe siècle."
    )
    index = als.build_index([review, letters], tmp_path / "ix")
    assert index.thesaurus["recension des écrits"].category == "methode"
    for query in ("revue de littérature", "literature review"):
        result = index.search(query)
        assert result.ids[0] == "recension", query
        assert ("synonym", "revue-litterature") in {
            (m.route, m.concept) for m in result[0].explanation
        }


def _articles(*rows: tuple[str, str, str]) -> list[als.Article]:
    return [als.Article(id=i, title=t, summary=s) for i, t, s in rows]


def test_a_research_design_narrows_the_subject(tmp_path: Path) -> None:
    """« schizophrénie : revue de la littérature »: the review on schizophrenia first,
    then the other articles on schizophrenia, and only then a review on sleep."""
    articles = _articles(
        ("revue-schizo", "La schizophrénie résistante : revue de la littérature",
         "Recension des écrits sur la clozapine dans la schizophrénie résistante."),
        ("vivre", "Vivre avec la schizophrénie",
         "Entretiens avec des patients atteints de schizophrénie et leurs familles."),
        ("travail", "Schizophrénie et emploi",
         "Le retour au travail de personnes vivant avec une schizophrénie."),
        ("cannabis", "Cannabis et schizophrénie",
         "Le cannabis précipite-t-il l'entrée dans la schizophrénie ?"),
        ("revue-sommeil", "Le sommeil des soignants : revue de la littérature",
         "Une revue de la littérature sur le travail de nuit des infirmières."),
        ("deuil", "Le deuil", "Accompagner les familles endeuillées."),
    )  # fmt: skip
    index = als.build_index(articles, tmp_path / "ix")
    results = index.search("schizophrénie : revue de la littérature")
    assert results.ids[0] == "revue-schizo"
    assert set(results.ids[1:4]) == {"vivre", "travail", "cannabis"}, results.ids
    assert results.ids[4] == "revue-sommeil"
    assert "«revue de la littérature» narrows the subject (a research design): it weighs less" in (
        results.notes
    )
    # Alone, the design is the subject.
    alone = index.search("revue de la littérature")
    assert set(alone.ids[:2]) == {"revue-schizo", "revue-sommeil"} and not alone.notes


def test_an_age_group_narrows_the_subject(tmp_path: Path) -> None:
    """« dépression chez l'adolescent »: depression in adolescents first, then
    depression at other ages, then adolescents without depression."""
    articles = _articles(
        ("ado-depression", "La dépression à l'adolescence",
         "Repérer la dépression chez les adolescents au collège."),
        ("adulte", "Dépression et travail", "La dépression des cadres en arrêt maladie."),
        ("agee", "La dépression du sujet âgé", "Dépression et isolement en EHPAD."),
        ("perinatal", "Dépression du post-partum", "Dépression maternelle après la naissance."),
        ("ado-ecole", "Adolescents et décrochage", "Des adolescents qui quittent l'école."),
        ("deuil", "Le deuil", "Accompagner les familles endeuillées."),
    )  # fmt: skip
    index = als.build_index(articles, tmp_path / "ix")
    for query in ("dépression chez l'adolescent", "la dépression des adolescents"):
        ids = index.search(query).ids
        assert ids[0] == "ado-depression", (query, ids)
        assert set(ids[1:4]) == {"adulte", "agee", "perinatal"}, (query, ids)
        assert ids[4] == "ado-ecole", (query, ids)
    assert index.thesaurus["adolescence"].category == "age"
    # A word that no article holds names no subject here.
    unknown = index.search("adolescents qwertzuiop", correct=False)
    assert not any("narrows" in note for note in unknown.notes)
    assert index.search("adolescence").ids[:2] in (
        ["ado-depression", "ado-ecole"],
        ["ado-ecole", "ado-depression"],
    )


def test_the_age_group_asked_for_outweighs_the_subject_in_a_title(tmp_path: Path) -> None:
    """Anorexia in adolescents named in a summary ranks above anorexia in adults named in
    a title: the age group asked for counts for more than where the subject is named."""
    articles = _articles(
        ("adultes", "Anorexie mentale : le poids du corps",
         "L'anorexie mentale de la femme adulte : une maladie chronique, vingt ans après "
         "le début."),
        ("ados", "Adolescents hospitalisés en pédopsychiatrie",
         "Des adolescents hospitalisés pour une anorexie mentale ou une dépression : le vécu "
         "de l'hospitalisation et le retour au collège."),
        ("sport", "Le sport à l'adolescence", "Des adolescents sportifs et leur estime de soi."),
        ("alcool", "Alcool et travail", "La consommation d'alcool des salariés."),
        ("tabac", "Arrêt du tabac", "Le sevrage tabagique en consultation."),
        ("deuil", "Le deuil", "Accompagner les familles endeuillées."),
        ("ecole", "Harcèlement à l'école", "Le harcèlement entre élèves au collège."),
    )  # fmt: skip
    index = als.build_index(articles, tmp_path / "ix")
    for query in ("anorexie mentale chez les adolescents", "anorexie des adolescents"):
        assert index.search(query).ids[:3] == ["ados", "adultes", "sport"], query


def test_young_people_are_an_age_group_that_adolescents_belong_to(tmp_path: Path) -> None:
    """*chez les jeunes* narrows the subject like an age group, and adolescents are
    young people: their suicide ranks before that of the elderly."""
    articles = _articles(
        ("ages", "Le suicide des personnes âgées", "Le suicide après 75 ans."),
        ("ados", "Le suicide à l'adolescence",
         "Les tentatives de suicide des adolescents hospitalisés en pédopsychiatrie."),
        ("tabac", "Arrêt du tabac", "Le sevrage tabagique en consultation."),
    )  # fmt: skip
    index = als.build_index(articles, tmp_path / "ix")
    results = index.search("suicide chez les jeunes")
    assert results.ids == ["ados", "ages"]
    assert "«jeunes» narrows the subject (an age group): it weighs less" in results.notes
    assert any(m.route == "related" and m.concept == "jeunes" for m in results[0].explanation)


@pytest.mark.parametrize(
    ("query", "kin"),
    [
        ("comment les parents d'enfants autistes vivent-ils l'annonce du diagnostic ?", True),
        ("le deuil d'un enfant", True),
        ("les mères d'adolescentes anorexiques", True),
        ("leur enfant hospitalisé", True),
        ("autisme chez les enfants", False),
        ("le deuil chez l'enfant", False),
    ],
)
def test_an_age_group_named_as_kin_is_part_of_the_subject(
    tmp_path: Path, query: str, kin: bool
) -> None:
    """*parents d'enfants autistes*: the children are who the parents are, not an age
    group that narrows the subject; *autisme chez les enfants* is one."""
    articles = _articles(("un", "Enfants et parents", "Le deuil, l'autisme, l'anorexie."))
    index = als.build_index(articles, tmp_path / "ix")
    narrows = [n for n in index.search(query).notes if "narrows the subject" in n]
    assert bool(narrows) is not kin


def test_the_alliance_with_adolescents_finds_the_adolescent_unit_first(seed_index) -> None:
    results = seed_index.search("alliance thérapeutique avec les adolescents")
    assert results[0].id == CAID
    assert "«adolescents» narrows the subject (an age group): it weighs less" in results.notes
    # Common words around an age group do not make a subject that it narrows.
    framed = seed_index.search("quelle place pour les adolescents dans le soin ?")
    assert set(framed.ids[:2]) == {CAID, TEENS}
    assert not any("narrows" in note for note in framed.notes)


def test_phrase_beats_scattered_words(tmp_path: Path) -> None:
    phrase = als.Article(id="p", title="Étude", summary="Le pacte de soins en psychiatrie.")
    scattered = als.Article(
        id="s", title="Étude", summary="Un pacte social; des soins en psychiatrie."
    )
    index = als.build_index([phrase, scattered], tmp_path / "ix")
    assert index.search("pacte de soins").ids == ["p", "s"]


def test_a_synonym_in_a_title_outweighs_a_passing_mention_of_the_word(tmp_path: Path) -> None:
    """*intimidation*: the thesis titled on peer victimisation, a name of the same
    concept, comes before the one that writes *intimidation* once in a long summary."""
    articles = _articles(
        ("titre", "La victimisation par les pairs au secondaire",
         "La victimisation par les pairs : une enquête auprès de 900 élèves sur les moqueries "
         "et les exclusions répétées, leurs effets sur l'estime de soi et le décrochage."),
        ("passant", "Le climat scolaire et la réussite",
         "Une enquête auprès de 900 élèves sur le climat de la classe : la relation avec "
         "l'enseignant, les règles, la sécurité perçue, le soutien des parents, les activités "
         "parascolaires, la motivation, le sentiment d'appartenance, les résultats en "
         "mathématiques et en français, et, parmi d'autres facteurs, l'intimidation. Les élèves "
         "qui perçoivent un climat positif réussissent mieux, surtout au premier cycle, et la "
         "relation avec l'enseignant explique la plus grande part de cet effet. Les écoles de "
         "milieux défavorisés présentent un climat plus difficile."),
        ("sommeil", "Le sommeil des adolescents", "Le sommeil des élèves du secondaire."),
        ("deuil", "Le deuil", "Accompagner les familles endeuillées."),
    )  # fmt: skip
    index = als.build_index(articles, tmp_path / "ix")
    assert index.search("intimidation").ids == ["titre", "passant"]


def test_title_beats_summary(tmp_path: Path) -> None:
    in_title = als.Article(id="t", title="La contention en psychiatrie", summary="Une étude.")
    in_summary = als.Article(id="s", title="Une étude", summary="La contention en psychiatrie.")
    index = als.build_index([in_summary, in_title], tmp_path / "ix")
    assert index.search("contention").ids == ["t", "s"]


def test_explicit_concepts_and_expansion_off(seed_index) -> None:
    assert seed_index.search("", concepts=["etat-limite"])[0].id == BORDERLINE
    assert seed_index.search("alliance", concepts=["demence"])[0].id == DEMENTIA
    assert seed_index.search("TPB", expand=False).ids == []
    with pytest.raises(als.AllianceSearchError, match="unknown concept 'schizo-truc'"):
        seed_index.search("x", concepts=["schizo-truc"])


def test_every_hit_explains_itself(seed_index) -> None:
    for query in ["alliance thérapeutique", "TPB", "adolescents agités", "troubles hystériques"]:
        for hit in seed_index.search(query):
            assert hit.explanation, (query, hit.id)
            for match in hit.explanation:
                assert match.field in {"title", "summary", "keywords"}
                assert match.route in {"exact", "stem", "phrase", "synonym", "related", "narrower"}
                assert match.found


def test_concept_tagging_and_concept_map(seed_index) -> None:
    concept_map = seed_index.concept_map()
    assert "etat-limite" in concept_map[BORDERLINE]
    assert "demence" in concept_map[DEMENTIA]
    assert "alliance-therapeutique" in concept_map[DEMENTIA]
    assert "charcot" in concept_map[CHARCOT]


def test_filters_by_concept_section_and_narrower(seed_index) -> None:
    assert seed_index.search("patients", concept="etat-limite").ids == [BORDERLINE]
    ids = seed_index.search("lien thérapeutique", concept="TPB").ids  # any name works
    assert ids == [BORDERLINE]
    # a broader concept includes its narrower ones
    assert BORDERLINE in seed_index.search("patients", concept="trouble-personnalite").ids
    assert seed_index.search("alliance", section="et-aussi", concept="etat-limite").ids == []


def test_a_section_filter_takes_the_section_as_printed(tmp_path: Path) -> None:
    """parse-toc writes a rubric *Lu pour vous* as ``lu-pour-vous``: the name as printed
    in the issue filters on it too."""
    toc = (
        "Dossier : Les soins\nLe soin au long cours\nUn texte sur le soin en psychiatrie.\n"
        "Lu pour vous\nUn livre sur le soin\nUn essai sur le soin psychique.\n"
    )
    index = als.build_index(als.parse_issue_toc(toc), tmp_path / "ix")
    for typed in ("Lu pour vous", "lu-pour-vous", "LU POUR VOUS"):
        assert index.search("soin", section=typed).ids == ["un-livre-sur-le-soin"], typed
    assert index.search("soin", section=["Lu pour vous", "Dossier"]).total == 2
    unmet = index.search("soin", section="Éditorial")
    assert unmet.ids == [] and "sections: dossier, lu-pour-vous" in unmet.notes[0]


def test_a_concept_filter_alone_lists_the_articles_on_it(seed_index) -> None:
    """An empty query with a concept filter had found nothing (*nothing to search
    for*), though ``concepts=`` found the articles."""
    concept_map = seed_index.concept_map()
    for name, concept_id in [
        ("démence", "demence"),
        ("alliance thérapeutique", "alliance-therapeutique"),
    ]:
        alone = seed_index.search("", concept=name)
        below = {concept_id} | {c.id for c in seed_index.thesaurus.narrower(concept_id)}
        tagged = {doc for doc, ids in concept_map.items() if below & set(ids)}
        assert set(alone.ids) == tagged and not alone.notes, name
        ranked = seed_index.search("", concepts=[name]).ids  # ranked as concepts= ranks them
        assert alone.ids == [doc for doc in ranked if doc in tagged]
    assert seed_index.search("", concept="démence").ids == [DEMENTIA]
    assert seed_index.search("", concept="démence", section="et-aussi").ids == []
    assert str(seed_index.search("", concept="démence")).startswith("1 of 1 article\n")


def test_facets_count_the_articles_that_answer_beyond_those_shown(seed_index) -> None:
    results = seed_index.search("alliance", limit=2)
    facets = results.facets()
    assert sum(facets["sections"].values()) == results.total == results.answering > 2
    assert facets["concepts"]["alliance-therapeutique"] >= 6


def test_facets_leave_out_articles_that_barely_match(seed_index) -> None:
    """The borderline article holds *thérapeutique* (in *lien thérapeutique*) and
    nothing else of *alliance thérapeutique avec les adolescents*: it matches, with a
    thousandth of the best score, but it does not answer the question."""
    results = seed_index.search("alliance thérapeutique avec les adolescents", limit=20)
    assert BORDERLINE in results.ids and results.total == len(results) == 10
    best = results[0].score
    answering = [hit for hit in results if hit.score >= best * FACET_SHARE]
    facets = results.facets()
    assert sum(facets["sections"].values()) == len(answering) == 8
    assert results.answering == 8  # what the facets count, beside the 10 matching
    assert "etat-limite" not in facets["concepts"]
    assert facets["concepts"]["alliance-therapeutique"] == 7


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("alliance thérapeutque", "alliance thérapeutique"),
        ("borderlin", "borderline"),
        ("schizofrénie", "schizophrénie"),
        ("demance", "démence"),
    ],
)
def test_did_you_mean(seed_index, typed: str, suggested: str) -> None:
    assert seed_index.search(typed, correct=False).suggestion == suggested


def test_no_suggestion_for_known_words(seed_index) -> None:
    for query in ["alliance thérapeutique", "démences", "TPB", "Charcot", "personnes démentes"]:
        results = seed_index.search(query)
        assert results.suggestion is None and results.corrected is None


def test_more_like_this(seed_index) -> None:
    similar = seed_index.more_like_this(DEMENTIA, limit=5)
    assert DEMENTIA not in similar.ids
    assert similar.ids and similar.ids[0].startswith(("sm-l-alliance", "sm-alliance"))
    with pytest.raises(als.AllianceSearchError, match="no article with id"):
        seed_index.more_like_this("absent")


def test_user_thesaurus_changes_search(tmp_path: Path, seed_articles) -> None:
    extra = tmp_path / "local.toml"
    extra.write_text(
        'format = 1\n[concepts.jeu-scenique]\nlabel = "jeu scénique"\ncategory = "traitement"\n'
        'synonyms = ["atelier théâtre"]\n',
        "utf-8",
    )
    thesaurus = als.load_thesaurus(extra)
    index = als.build_index(seed_articles, tmp_path / "ix", thesaurus=thesaurus)
    assert index.search("atelier théâtre")[0].id == TEENS
    assert "jeu-scenique" in index.concept_map()[TEENS]
    results = index.search("atelier théâtre")
    assert results.thesaurus is thesaurus  # facets and concept tables label with it
    pytest.importorskip("pandas")
    frame = results.facets_frame()
    assert "jeu scénique" in frame[frame.kind == "concepts"].label.tolist()


def test_an_article_naming_the_concept_beats_one_with_a_related_term(tmp_path: Path) -> None:
    # The first article says «troubles cognitifs» (related to démence) in its title and
    # short summary; the second names dementia once (syndrome démentiel), in a long one.
    related = als.Article(
        id="apparente",
        title="Troubles cognitifs et sommeil",
        summary="Les troubles cognitifs et le sommeil chez la personne âgée.",
    )
    named = als.Article(
        id="nommee",
        title="Nuits à l'hôpital",
        summary="Le récit de nuits de soins à l'hôpital général, des visites du soir aux "
        "transmissions du matin, auprès de patients âgés dont le sommeil est perturbé, "
        "l'un présentant un syndrome démentiel.",
    )
    others = [
        als.Article(id=f"chronique{i}", title=f"Chronique {i}", summary="La vie du service.")
        for i in range(20)
    ]
    index = als.build_index([related, named, *others], tmp_path / "ix")
    assert index.search("démence et sommeil").ids == ["nommee", "apparente"]
    # counted whole, the related term and its place in the title win
    assert index.search("démence et sommeil", related_share=1.0).ids == ["apparente", "nommee"]


def test_a_word_no_article_holds_is_noted(seed_index) -> None:
    results = seed_index.search("hostilité et sculpture")
    assert results.ids[0] == BORDERLINE  # the part that matches still ranks
    assert "no article holds «sculpture»" in results.notes
    assert not any("hostilité" in note for note in results.notes)
    # a concept found by none of its names says so
    notes = seed_index.search("boulimie").notes
    assert notes == ("no article names «boulimie», nor its other names or related terms",)
    assert seed_index.search("alliance thérapeutique").notes == ()
    # words that frame the question are not the subject: their absence goes unsaid
    notes = seed_index.search("comment prendre en charge la démence ?").notes
    assert not any(note.startswith("no article") for note in notes)
    notes = seed_index.search("borderline : que dit la littérature ?").notes
    assert not any(note.startswith("no article") for note in notes)


def test_a_part_whose_words_never_meet_is_noted_when_nothing_matches(seed_index) -> None:
    """*Contre-transfert*'s names and related terms are phrases whose words the seed
    holds apart (*contre*, *transfert*, *réaction*...): no article names it, and with
    nothing found the note says so, as for a word no article holds."""
    results = seed_index.search("contre-transfert")
    assert results.notes[0] == (
        "no article names «contre-transfert», nor its other names or related terms"
    )
    # within filters, nothing found says nothing of the whole index
    assert seed_index.search("contre-transfert", section="dossier").notes == ()
    # with another part found, the words' presence is all that is checked: no note
    mixed = seed_index.search("contre-transfert démence")
    assert mixed.ids[0] == DEMENTIA and mixed.notes == ()


def test_nothing_matched_shows_the_broader_concept(seed_index) -> None:
    """No article of the issue names the TCC: the two on psychotherapy stand in."""
    results = seed_index.search("TCC")
    assert [c.id for c in results.broadened] == ["psychotherapie"]
    assert results.notes[-1] == (
        "nothing matched: showing the articles on the broader concept «psychothérapie»"
    )
    assert set(results.ids) == {
        "sm-l-alliance-therapeutique-dans-la-psychotherapie",
        "sm-alliance-therapeutique-ce-que-dit-la-recherche",
    }
    assert results.total == 2
    # each hit says it was found through the broader concept of what was typed, also
    # in --json and the notebook, which show no notes
    for hit in results:
        assert {(m.query, m.route, m.concept) for m in hit.explanation} == {
            ("TCC", "broader", "psychotherapie")
        }
        assert hit.explanation[0].found.startswith("psychothérapie")
        assert hit.to_dict()["explanation"][0]["route"] == "broader"
    assert results.facets()["concepts"]["psychotherapie"] == 2
    # an article found through a concept below the broader one names the broader one:
    # Charcot is under the history of psychiatry, not broader than Winnicott
    winnicott = seed_index.search("Winnicott")
    assert [c.id for c in winnicott.broadened] == ["histoire-psychiatrie"]
    assert {m.concept for m in winnicott[0].explanation} == {"histoire-psychiatrie"}
    # the query's own concepts, not the words around them, are broadened
    assert [c.id for c in seed_index.search("contre-transfert").broadened] == [
        "relation-therapeutique"
    ]
    # not when something matched, nor within filters, nor words only ...
    assert seed_index.search("TCC démence").broadened == ()
    assert len(seed_index.search("TCC", section="et-aussi")) == 0
    assert len(seed_index.search("TCC", expand=False)) == 0
    # ... nor to a chapter of the whole field (boulimie → TCA → trouble mental)
    boulimie = seed_index.search("boulimie")
    assert len(boulimie) == 0 and boulimie.broadened == ()
    # limit=0 counts what would be shown
    counted = seed_index.search("TCC", limit=0)
    assert (len(counted), counted.total, counted.broadened) == (0, 2, results.broadened)
    # a broader concept named only two levels down (revue rapide, under revue de
    # littérature) finds nothing when searched: nothing is promised
    case = seed_index.search("étude de cas")
    assert len(case) == 0 and case.broadened == ()
    assert not any("showing" in note for note in case.notes)


def test_a_word_no_article_holds_is_searched_as_the_one_name_it_begins(seed_index) -> None:
    """*théâtre* is in no article of the issue; the psychodrama workshop is written as a
    *jeu scénique*, a name of *théâtre thérapeutique*, the one concept it begins."""
    for query in ("théâtre", "theatre", "théâtres"):
        results = seed_index.search(query)
        assert results.ids == ["sm-que-le-spectacle-commence"]
        assert f"«{query}»: also searched as «théâtre thérapeutique», whose name it begins" in (
            results.notes
        )
    # a word articles hold is searched as itself (*jeu* of *jeu scénique*)
    assert not any("also searched" in note for note in seed_index.search("jeu").notes)
    # one that begins the names of many concepts stays a word (*syndrome de Korsakoff*...)
    assert len(seed_index.search("syndrome")) == 0
    # and words only, when asked
    assert len(seed_index.search("théâtre", expand=False)) == 0
    # required or left out, it stands for the concept as well
    for query in ("théâtre ET adolescents", "adolescents +théâtre"):
        assert seed_index.search(query).ids == ["sm-que-le-spectacle-commence"]
    assert "sm-que-le-spectacle-commence" not in seed_index.search("adolescents -théâtre").ids
    # not through an English name (*visible minorities*), nor for a concept no
    # article names (*secteur psychiatrique*)
    for word in ("visible", "secteur"):
        assert not any("also searched" in note for note in seed_index.search(word).notes)


def test_a_word_typed_without_its_accent_is_held_as_written(tmp_path) -> None:
    """Snowball cuts *succes* (typed without its accent) to *succ* and *succès* to
    *succes*: the written form, which the index keeps, finds the article, and no
    note says that no article holds the word."""
    article = als.Article(id="c1", title="Le succès de carrière des infirmières")
    index = als.build_index([article], tmp_path / "ix")
    results = index.search("succes de carriere")
    assert results.ids == ["c1"]
    assert not any(note.startswith("no article") for note in results.notes)


def test_nearby_concepts_when_nothing_matches(seed_index) -> None:
    results = seed_index.search("contre-transfert")
    assert results.broadened  # what is shown is not what was asked
    assert results.nearby[0][0].id == "alliance-therapeutique"  # the most named first
    nearby = {concept.id: n for concept, n in results.nearby}
    narrower = seed_index.thesaurus.narrower("alliance-therapeutique")
    below = {"alliance-therapeutique"} | {c.id for c in narrower}
    tagged = [ids for ids in seed_index.concept_map().values() if below & set(ids)]
    assert nearby["alliance-therapeutique"] == len(tagged) > 1
    assert all(n > 0 for n in nearby.values()) and len(nearby) <= 5
    # a word no concept is named by whole: the concepts whose names hold it, and theirs
    assert "alliance-therapeutique" in {c.id for c, _ in seed_index.search("confiance").nearby}
    assert seed_index.search("xqzw").nearby == []
    # nor by a name, but by a related term: Minkowski wrote on lived time
    assert [c.id for c, _ in seed_index.search("Minkowski").nearby] == ["temporalite"]
    # counted within the search's filters: the "et aussi" pages name none of them
    assert seed_index.search("contre-transfert", section="dossier").nearby == results.nearby
    assert seed_index.search("contre-transfert", section="et-aussi").nearby == []
    # ... and within its operators: the one article on dementia is the one left out
    assert [c.id for c, _ in seed_index.search("maladie de Parkinson").nearby] == [
        "trouble-neurocognitif"
    ]
    assert seed_index.search("maladie de Parkinson -alliance").nearby == []
    parkinson = seed_index.search("maladie de Parkinson -borderline").nearby
    assert [(c.id, n) for c, n in parkinson] == [("trouble-neurocognitif", 1)]


# Abstracts that spell out the same letters in other senses (as Québec theses do).
_SPELT_OUT = [
    als.Article(
        id="tcc-cranien",
        title="Retour au travail des adultes",
        summary="Le traumatisme craniocérébral (TCC) modéré perturbe la reprise du travail. "
        "Après un TCC, la fatigue persiste ; les personnes ayant subi un TCC en témoignent.",
    ),
    als.Article(
        id="tcc-insomnie",
        title="Insomnie et anxiété",
        summary="La thérapie cognitivo-comportementale (TCC) réduit l'insomnie. "
        "La TCC est proposée en groupe.",
    ),
    als.Article(
        id="sep-travail",
        title="Insécurité de l'emploi",
        summary="Un sentiment d'efficacité personnelle (SEP) élevé protège les employés ; "
        "ceux dont le SEP est faible souffrent davantage.",
    ),
    als.Article(
        id="sep-fatigue",
        title="Fatigue et qualité de vie",
        summary="La sclérose en plaques (SEP) est une maladie inflammatoire. "
        "La fatigue est fréquente dans la SEP.",
    ),
]


@pytest.fixture(scope="module")
def spelt_out(tmp_path_factory: pytest.TempPathFactory) -> als.Index:
    return als.build_index(_SPELT_OUT, tmp_path_factory.mktemp("spelt") / "ix")


@pytest.mark.parametrize(
    ("query", "found", "other_sense"),
    [
        ("thérapie cognitivo-comportementale", "tcc-insomnie", "tcc-cranien"),
        ("TCC", "tcc-insomnie", "tcc-cranien"),  # the thesaurus's sense, said in a note
        ("sclérose en plaques", "sep-fatigue", "sep-travail"),
        ("SEP fatigue", "sep-fatigue", "sep-travail"),
    ],
)
def test_an_abbreviation_spelt_out_in_another_sense_does_not_match_the_concept(
    spelt_out: als.Index, query: str, found: str, other_sense: str
) -> None:
    ids = spelt_out.search(query).ids
    assert ids[0] == found
    assert other_sense not in ids


def test_an_abbreviation_spelt_out_as_a_concept_counts_as_its_name(
    spelt_out: als.Index,
) -> None:
    assert spelt_out.search("traumatisme craniocérébral").ids == ["tcc-cranien"]
    assert spelt_out.search("travail", concept="tcc").ids == []
    assert spelt_out.search("fatigue", concept="traumatisme-craniocerebral").ids == ["tcc-cranien"]
    facets = spelt_out.search("fatigue").facets()["concepts"]
    assert facets.get("sclerose-en-plaques") == 1
    assert "tcc" not in facets


def test_an_explanation_says_an_abbreviation_in_the_sense_the_article_gives_it(
    spelt_out: als.Index,
) -> None:
    """*TCC fatigue* finds the brain injury article by *fatigue*: its TCC is no
    therapy, and the explanation does not say it is."""
    hit = next(h for h in spelt_out.search("TCC fatigue") if h.id == "tcc-cranien")
    assert "fatigue" in {m.found for m in hit.explanation}
    assert all(m.concept != "tcc" for m in hit.explanation)
    therapy = spelt_out.search("TCC fatigue")[0]
    assert therapy.id == "tcc-insomnie"
    assert ("TCC", "tcc") in {(m.found, m.concept) for m in therapy.explanation}


def test_uses_of_an_abbreviation_spelt_out_as_a_concept_add_to_its_name(
    tmp_path: Path,
) -> None:
    """The article that says *TPL* three times more speaks of the disorder more than
    the one that names it once among other words: asked for by another of its names,
    it ranks first (before, *une-fois* did). What was typed still counts first."""
    once = als.Article(
        id="une-fois",
        title="Étude",
        summary="Le trouble de personnalité limite chez des patients suivis en "
        "consultation externe, décrits par leurs soignants.",
    )
    often = als.Article(
        id="souvent",
        title="Étude",
        summary="Le trouble de personnalité limite (TPL) chez des patients suivis : "
        "le TPL, un TPL sévère.",
    )
    index = als.build_index([once, often], tmp_path / "ix")
    assert index.search("état limite").ids == ["souvent", "une-fois"]
    assert index.search("borderline").ids == ["souvent", "une-fois"]


def test_a_typed_abbreviation_of_the_thesaurus_says_what_articles_spell_it_out_as(
    spelt_out: als.Index,
) -> None:
    results = spelt_out.search("TCC")
    assert results.ids == ["tcc-insomnie"]
    assert results.notes == (
        "«TCC» read as «thérapie cognitivo-comportementale»; articles that use it "
        "otherwise do not count: «traumatisme craniocérébral» (1); filter on another "
        "sense's concept to read it so",
    )


_AP = "L'activité physique (AP) et la dépression : l'AP régulière"


@pytest.mark.parametrize(
    ("spelling_out", "read_as_concept"),
    [
        ((_AP, _AP), True),
        ((_AP,), False),  # one article is too few
        ((_AP, _AP, "Une AP", "Une AP", "Une AP"), False),  # fewer than half who write it
        ((_AP, _AP, "Des APs suivies.", "Deux APs."), False),  # the plural writes it too
    ],
)
def test_a_typed_abbreviation_the_thesaurus_lacks_is_read_as_articles_spell_it_out(
    tmp_path: Path, spelling_out: tuple[str, ...], read_as_concept: bool
) -> None:
    articles = [
        als.Article(id=f"ap-{i}", title="Étude", summary=summary)
        for i, summary in enumerate(spelling_out)
    ]
    articles.append(als.Article(id="sport", title="L'exercice physique des aînés", summary=""))
    index = als.build_index(articles, tmp_path / "ix")
    results = index.search("AP")
    assert ("sport" in results.ids) is read_as_concept
    said = "«AP» read as «activité physique», as 2 articles use it so"
    assert (said in results.notes) is read_as_concept
    assert {f"ap-{i}" for i in range(len(spelling_out))} <= set(results.ids)


_AS = "L'agression sexuelle (AS) dans l'enfance : l'AS et ses suites."


def test_a_typed_abbreviation_read_as_a_concept_leaves_out_its_other_senses(
    tmp_path: Path,
) -> None:
    """*AS* is *agression sexuelle* in three theses, *analyse de survie* in a fourth:
    typed, it finds sexual violence, named in full or abbreviated, not the statistics."""
    articles = _articles(
        *((f"as-{i}", "Étude", _AS) for i in range(3)),
        ("violences", "Violences sexuelles chez les adolescentes", ""),
        ("as-seule", "Après l'AS", "Le dévoilement."),
        (
            "survie",
            "Statistique",
            "Une analyse de survie (AS) ; l'AS de Kaplan-Meier et la rechute.",
        ),
    )
    index = als.build_index(articles, tmp_path / "ix")
    results = index.search("AS")
    assert set(results.ids) == {"as-0", "as-1", "as-2", "violences", "as-seule"}
    assert results.notes == (
        "«AS» read as «violence sexuelle», as 3 articles use it so; articles that "
        "use it otherwise do not count: other senses (1)",
    )
    # still there for what it is, by its long form or its other words
    assert index.search("analyse de survie").ids == ["survie"]
    assert "survie" in index.search("AS rechute").ids


def test_a_typed_abbreviation_with_several_senses_says_so(tmp_path: Path) -> None:
    """*PA* is *pression artérielle* twice and *personne âgée* once: too few to read it
    as one concept, it is searched as written, in every sense, and a note says so."""
    pression = "La pression artérielle (PA) systolique ; la PA mesurée le matin."
    articles = _articles(
        *((f"pression-{i}", "Hypertension", pression) for i in range(2)),
        ("agee", "Chutes", "La personne âgée (PA) à domicile."),
    )
    index = als.build_index(articles, tmp_path / "ix")
    results = index.search("PA")
    assert set(results.ids) == {"pression-0", "pression-1", "agee"}
    assert results.notes == (
        "«PA» has several senses in these articles: other senses (2), «personne âgée» (1)",
    )
    explained = {(m.found, m.route) for m in results[0].explanation}
    assert ("PA", "exact") in explained


def test_an_abbreviation_of_the_thesaurus_typed_is_searched_as_written(tmp_path: Path) -> None:
    """*TS* (tentative de suicide) stems to *t*: typed, it is still the abbreviation
    as written, so the article that spells its TS out as *témoins sains* is left out."""
    articles = [
        als.Article(id="suicide", title="Étude", summary="Après une TS, le suivi des adolescents."),
        als.Article(
            id="temoins",
            title="Étude",
            summary="Des témoins sains (TS) appariés : les TS ont été recrutés.",
        ),
    ]
    index = als.build_index(articles, tmp_path / "ix")
    results = index.search("TS")
    assert results.ids == ["suicide"]
    assert results.notes == (
        "«TS» read as «tentative de suicide»; articles that use it otherwise do not "
        "count: other senses (1)",
    )


def test_an_abbreviation_written_like_a_function_word_is_searched(tmp_path: Path) -> None:
    """*MA* (maladie d'Alzheimer) is *ma* in lower case: typed or written in capitals,
    it is the abbreviation; *ma mère* and a title in capitals are not."""
    articles = _articles(
        ("ma", "Les aidants", "Les aidants de personnes atteintes de la MA : le fardeau de la MA."),
        ("alzheimer", "La maladie d'Alzheimer", "Un diagnostic."),
        ("mere", "Ma mère et moi", "Ma fille, ma mère : trois âges."),
        ("titre", "MA MÈRE ET LA MORT", "Un deuil."),
        (
            "affectives",
            "Génétique",
            "Schizophrénie (SCZ) et maladies affectives (MA) : la MA et la SCZ.",
        ),
    )
    index = als.build_index(articles, tmp_path / "ix")
    results = index.search("MA")
    assert set(results.ids) == {"ma", "alzheimer"}
    assert results.notes == (
        "«MA» read as «maladie d'Alzheimer»; articles that use it otherwise do not "
        "count: other senses (1)",
    )
    assert index.search("quels articles sur la MA ?").ids == results.ids
    assert index.search("fardeau", concept="maladie-alzheimer").ids == ["ma"]
    assert index.search("ma mère").ids[0] == "mere"


def test_a_typed_abbreviation_finds_it_written_in_capitals_only(tmp_path: Path) -> None:
    """*DI* (déficience intellectuelle) is also the Italian *di* and the *di-* of
    chemistry: typed in capitals or not, it finds the abbreviation as articles write
    it, in capitals, and those that name the concept."""
    articles = [
        als.Article(id="di", title="Emploi et DI", summary="Des adultes ayant une DI au travail."),
        als.Article(id="handicap", title="Le handicap intellectuel", summary="Vivre seul."),
        als.Article(id="italien", title="La casa di Dante", summary="Il poema di Dante."),
        als.Article(id="chimie", title="Polymères", summary="Des di-accepteurs et di-donneurs."),
    ]
    index = als.build_index(articles, tmp_path / "ix")
    assert set(index.search("DI").ids) == {"di", "handicap"}
    assert set(index.search("di").ids) == {"di", "handicap"}
    hit = index.search("DI")[0]
    assert {(m.found, m.field) for m in hit.explanation} >= {("DI", "title"), ("DI", "summary")}
    # *ToM* (theory of mind) is no *Tom*
    articles = [
        als.Article(id="tom", title="Tom et ses amis", summary="Tom joue avec Léa."),
        als.Article(id="esprit", title="La ToM chez l'enfant", summary="La ToM se développe."),
    ]
    index = als.build_index(articles, tmp_path / "ix2")
    assert index.search("ToM").ids == ["esprit"]


def test_results_that_only_hold_related_terms_say_so(tmp_path: Path) -> None:
    """No article names enuresis: the one on toilet training comes up by a related
    term, and a note says that the best results do not name it."""
    proprete = als.Article(
        id="proprete", title="L'apprentissage de la propreté", summary="Chez le jeune enfant."
    )
    index = als.build_index([proprete], tmp_path / "ix")
    results = index.search("énurésie")
    assert results.ids == ["proprete"]
    said = "the best results do not name «énurésie» nor its other names, only related terms"
    assert results.notes == (said,)
    assert said in index.search("énurésie chez l'enfant").notes
    named = als.Article(id="pipi", title="Le pipi au lit", summary="Une énurésie nocturne.")
    index = als.build_index([proprete, named], tmp_path / "ix2")
    assert index.search("énurésie").ids[0] == "pipi"
    assert index.search("énurésie").notes == ()


def test_results_found_by_the_broader_concept_only_say_so(seed_index) -> None:
    """The seed names dementia, not Alzheimer's disease: the note names the route."""
    results = seed_index.search("maladie d'Alzheimer")
    assert results.ids == [DEMENTIA]
    assert results.notes == (
        "the best results do not name «maladie d'Alzheimer» nor its other names, "
        "only its broader concept",
    )


def test_a_query_of_function_words_only_says_so(tmp_path: Path) -> None:
    """*celle-ci* and *le la* search nothing, and say so; *ci* is no abbreviation."""
    articles = [
        als.Article(
            id="ci",
            title="Conflits d'intérêts",
            summary="Les conflits d'intérêts (CI) en recherche clinique : les CI déclarés.",
        ),
        als.Article(id="celle", title="La relation", summary="Celle-ci dure ; ci-dessous."),
    ]
    index = als.build_index(articles, tmp_path / "ix")
    for query in ("celle-ci", "le la"):
        results = index.search(query)
        assert results.ids == []
        assert results.notes == (f"not searched: «{query}» (function words only)",)
    assert index.search("CI").ids == ["ci"]


def test_a_typed_abbreviation_is_read_in_the_sense_most_articles_spell_it_out_in(
    tmp_path: Path,
) -> None:
    """Two Québec theses spell TCC out as a brain injury, one as the therapy: typed
    *TCC* is read as the brain injury, which also finds the article that names it in
    full without the abbreviation."""
    articles = [
        *_SPELT_OUT[:2],
        als.Article(
            id="tcc-enfant",
            title="Après un traumatisme craniocérébral",
            summary="Un traumatisme craniocérébral (TCC) pédiatrique : le TCC et l'école.",
        ),
        als.Article(id="commotion", title="Traumatismes craniocérébraux", summary="Au hockey."),
    ]
    index = als.build_index(articles, tmp_path / "ix")
    results = index.search("TCC")
    assert set(results.ids) == {"tcc-cranien", "tcc-enfant", "commotion"}
    assert results.notes == (
        "«TCC» read as «traumatisme craniocérébral», as 2 articles use it so "
        "(1 as «thérapie cognitivo-comportementale»: type «thérapie "
        "cognitivo-comportementale» for that sense)",
    )
    # Named in full, the therapy is still the therapy.
    assert index.search("thérapie cognitivo-comportementale").ids == ["tcc-insomnie"]
    # Filtered on the therapy, typed *TCC* is the therapy (it had found nothing).
    therapy = index.search("TCC", concept="TCC")
    assert therapy.ids == ["tcc-insomnie"]
    assert therapy.notes == (
        "«TCC» read as «thérapie cognitivo-comportementale», the concept filtered on; "
        "articles also use it as «traumatisme craniocérébral» (2)",
    )
    injury = index.search("TCC", concept="traumatisme craniocérébral")
    assert set(injury.ids) == {"tcc-cranien", "tcc-enfant", "commotion"}
    assert injury.notes == (
        "«TCC» read as «traumatisme craniocérébral», the concept filtered on "
        "(2 articles use it so)",
    )


def test_the_rest_of_the_query_says_which_sense_a_typed_abbreviation_has(
    tmp_path: Path,
) -> None:
    """Most articles spell *TCC* out as a brain injury, but *TCC insomnie* asks for the
    therapy, which the articles on insomnia name; *TCC fatigue* for the injury."""
    articles = [
        *_SPELT_OUT[:2],
        als.Article(
            id="tcc-enfant",
            title="Après un traumatisme craniocérébral",
            summary="Un traumatisme craniocérébral (TCC) pédiatrique : le TCC et l'école.",
        ),
    ]
    index = als.build_index(articles, tmp_path / "ix")
    results = index.search("TCC insomnie")
    assert results.ids[0] == "tcc-insomnie"
    assert results.notes == (
        "«TCC» read as «thérapie cognitivo-comportementale»: 1 article names it with "
        "the rest of the query (0 «traumatisme craniocérébral»)",
    )
    assert ("TCC", "tcc") in {(m.found, m.concept) for m in results[0].explanation}
    fatigue = index.search("TCC fatigue")
    assert fatigue.ids[0] == "tcc-cranien"
    assert fatigue.notes[0].startswith("«TCC» read as «traumatisme craniocérébral», as 2")
    # On a tie, the thesaurus's sense: *TCC Alzheimer* had been read as the injury
    # because one thesis on concussions names Alzheimer's disease too.
    sommeil = als.Article(
        id="tcc-sommeil",
        title="Sommeil et traumatisme craniocérébral",
        summary="Après un traumatisme craniocérébral (TCC), l'insomnie est fréquente.",
    )
    index.update([sommeil])
    assert index.search("TCC").notes[0].startswith("«TCC» read as «traumatisme craniocérébral»")
    tie = index.search("TCC insomnie")
    assert tie.ids[0] == "tcc-insomnie"
    assert tie.notes == (
        "«TCC» read as «thérapie cognitivo-comportementale»: 1 article names it with "
        "the rest of the query (1 «traumatisme craniocérébral»)",
    )


def test_an_abbreviation_spelt_out_is_no_word_of_the_same_letters(tmp_path: Path) -> None:
    """TIC spelt out as information technologies is not the *tic* of tic disorders,
    in any field: neither found by *tics*, nor tagged, nor explained as one."""
    articles = [
        als.Article(
            id="numerique",
            title="Les TIC à l'école",
            summary="Les technologies de l'information et de la communication (TIC) en "
            "classe : les TIC et l'attention des élèves.",
        ),
        als.Article(id="tics", title="Les tics moteurs", summary="Des tics chez l'enfant."),
    ]
    index = als.build_index(articles, tmp_path / "ix")
    assert index.search("tics").ids == ["tics"]
    assert index.search("trouble des tics").ids == ["tics"]
    assert index.search("attention", concept="trouble-tics").ids == []
    hit = next(h for h in index.search("tics attention") if h.id == "numerique")
    assert all(m.concept != "trouble-tics" for m in hit.explanation)


def test_a_plural_abbreviation_spelt_out_is_not_another_abbreviation(tmp_path: Path) -> None:
    """*NPs* spelt out as nanoparticles is the plural of *NP*, not *NPS*, the new
    psychoactive substances, which the folded index writes the same."""
    articles = [
        als.Article(
            id="nano",
            title="Étude",
            summary="Les nanoparticules (NPs) chargées : les NPs traversent la barrière.",
        ),
        als.Article(id="nps", title="Étude", summary="Les NPS vendues en ligne."),
    ]
    index = als.build_index(articles, tmp_path / "ix")
    assert index.search("NPS").ids == ["nps"]


def test_a_name_of_several_words_weighs_as_the_concept_it_names(tmp_path: Path) -> None:
    """*milieu* and *scolaire* are each common: summed, their rarity had made *milieu
    scolaire* outweigh *suicide*, named by fewer articles than *milieu scolaire*."""
    articles = [
        *(
            als.Article(id=f"ecole{i}", title=f"La violence en milieu scolaire, étude {i}")
            for i in range(4)
        ),
        *(
            als.Article(id=f"suicide{i}", title=f"Le suicide des jeunes, étude {i}")
            for i in range(3)
        ),
        *(
            als.Article(id=f"vie{i}", title=f"Le milieu de vie des aînés, étude {i}")
            for i in range(2)
        ),
        *(als.Article(id=f"bus{i}", title=f"Le transport scolaire, étude {i}") for i in range(2)),
        *(
            als.Article(id=f"autre{i}", title=f"Le sommeil des adultes, étude {i}")
            for i in range(9)
        ),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    results = index.search("suicide en milieu scolaire")
    assert results.ids[0].startswith("suicide")
    assert "no article names «suicide» and «milieu scolaire» together" in results.notes

    def rarity(query: str) -> float:
        expansion = Expansion(thesaurus=als.default_thesaurus())
        parsed = parse_query(query, expansion=expansion).narrowed(index.searcher())
        _, parts = parsed.build(DEFAULT_FIELD_WEIGHTS, index.searcher(), 1.0)
        return next(part.rarity for part in parts if part.concept == "milieu-scolaire")

    # alone, or beside a qualifier only, the name weighs by its words as before
    assert rarity("suicide en milieu scolaire") < rarity("milieu scolaire chez l'adulte")
    assert rarity("milieu scolaire chez l'adulte") == rarity("milieu scolaire")


def test_death_is_found_by_the_words_articles_write_for_it(tmp_path: Path) -> None:
    """*la mort d'un patient* had not met the thesis on *le décès de la personne
    soignée*: the two words share no stem."""
    articles = [
        als.Article(
            id="rites",
            title="Les rites associés au décès de la personne soignée",
            summary="Des infirmières décrivent ce qu'elles font quand un patient est décédé.",
        ),
        als.Article(id="horaires", title="Les horaires des infirmières de nuit"),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    results = index.search("les infirmières face à la mort d'un patient")
    assert results.ids[0] == "rites"
    assert ("mort", "décès", "title") in {
        (m.concept, m.found, m.field) for m in results[0].explanation
    }
    assert index.search("décès").ids == index.search("mourir").ids == ["rites"]


def test_mental_health_beside_a_population_reaches_its_disorders(tmp_path: Path) -> None:
    """*santé mentale Inuit*: the theses on anxiety or suicide among Inuit had ranked
    below those on Inuit cinema, since *santé mentale* named none of its disorders."""
    articles = [
        als.Article(id="cinema", title="Le cinéma inuit contemporain"),
        als.Article(id="chiens", title="Les courses de chiens chez les Inuit"),
        als.Article(id="anxiete", title="L'anxiété des adolescents inuit du Nunavik"),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    assert index.search("santé mentale Inuit").ids[0] == "anxiete"
    hit = index.search("santé mentale Inuit")[0]
    assert ("related", "anxiété") in {(m.route, m.found) for m in hit.explanation}


def test_a_concept_filter_alone_lists_every_article_tagged_below_it(tmp_path) -> None:
    """The articles on a broad concept are ranked by its names, of which a search
    reads at most 32: those tagged through a narrower concept whose names fell beyond
    (*child sexual abuse* under *maltraitance infantile*) had been left out."""
    articles = [
        als.Article(id="csa", title="Disclosure of child sexual abuse by adolescents"),
        als.Article(id="neg", title="La négligence envers les tout-petits"),
        als.Article(id="mal", title="La maltraitance des enfants placés"),
        als.Article(id="deuil", title="Le deuil périnatal"),
    ]
    index = als.build_index(articles, tmp_path / "ix")
    results = index.search("", concept="maltraitance infantile", limit=None)
    assert results.ids[0] == "mal" and set(results.ids) == {"mal", "neg", "csa"}
    assert results.total == 3
    tagged = {"maltraitance-infantile", "negligence-enfant", "abus-sexuel-enfance"}
    assert tagged <= set(results.facets()["concepts"])  # the facets count all three
    assert index.search("", concept="maltraitance infantile", limit=1).ids == ["mal"]
