"""Spelling: the edit distance, which words count as known, and how queries are corrected."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.support.levenshtein import damerau_levenshtein

import alliance_search as als
from alliance_search.spelling import edit_distance

from .conftest import BORDERLINE, DEMENTIA, NURSING


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("borderlin", "borderline", 1),  # insertion
        ("demance", "démence", 2),  # two substitutions (accents count)
        ("brunout", "burnout", 1),  # two neighbouring letters swapped
        ("traumatisem", "traumatisme", 1),
        ("kitten", "sitting", 3),
        ("ca", "abc", 3),  # optimal string alignment: no edit of a swapped pair
        ("", "soin", 4),
        ("soin", "soin", 0),
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance == edit_distance(b, a)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="aeéirst", max_size=9),
    st.text(alphabet="aeéirst", max_size=9),
    st.integers(min_value=0, max_value=3),
)
def test_bounded_edit_distance_agrees_with_whoosh(a: str, b: str, limit: int) -> None:
    full = damerau_levenshtein(a, b) if a and b else max(len(a), len(b))
    assert edit_distance(a, b) == full
    assert edit_distance(a, b, limit) == min(full, limit + 1)


def test_misspelt_words_are_searched_corrected(seed_index) -> None:
    results = seed_index.search("maladie d'Alsheimer")
    assert results.corrected == "maladie d'Alzheimer"  # capital kept
    assert results.ids == [DEMENTIA]
    assert "Showing results for: maladie d'Alzheimer" in str(results)
    assert repr(results).startswith(
        '<Results "maladie d\'Alsheimer" (searched "maladie d\'Alzheimer"): 1 of 1 hits'
    )
    as_typed = seed_index.search("maladie d'Alsheimer", correct=False)
    assert as_typed.corrected is None and as_typed.ids == []
    assert as_typed.suggestion == "maladie d'Alzheimer"


def test_a_required_word_misspelt_is_required_corrected(seed_index) -> None:
    results = seed_index.search("alliance thérapeutque ET démence")
    assert results.corrected == "alliance thérapeutique ET démence"  # its operator kept
    assert results.ids[0] == DEMENTIA
    # corrected, the word completes a name, which is required whole (round 25)
    assert "required: «alliance thérapeutique»" in results.notes


def test_swapped_letters_and_quoted_phrases(seed_index) -> None:
    results = seed_index.search('"soins infirmeirs"')
    assert results.corrected == '"soins infirmiers"'
    assert results.ids[0] == NURSING


def test_only_safe_corrections_are_made_unasked(seed_index) -> None:
    # Twelve letters, two edits: corrected.
    assert seed_index.search("schizofrénie").corrected == "schizophrénie"
    # borderlin matches through its stem already: only suggested
    assert seed_index.search("borderlin").corrected is None
    assert seed_index.search("borderlin").suggestion == "borderline"
    for query in [
        "jeunes qui fuguent",  # fuguent → fugue: another form of the same word
        "patients qui refusent les soins",  # refusent → référent: two edits, eight letters
        # a verb absent from the articles, two edits from a thesaurus word (géronto)
        "comment les infirmières gèrent-elles l'agressivité ?",
    ]:
        results = seed_index.search(query)
        assert results.corrected is None, query
        # two edits from a word no article writes: not even suggested
        assert results.suggestion is None, query
    # aider → aide: the same word; and a short word is only ever changed into one
    # that an article writes (no seed article writes aide)
    assert seed_index.search("aider les aidants").corrected is None
    # Words asking for documents are neither corrected nor suggested.
    question = seed_index.search("Quels articles parlent de la demance ?")
    assert question.corrected == "Quels articles parlent de la démence ?"
    assert question.ids == [DEMENTIA]
    assert seed_index.search("Quels articles parlent des patients ?").suggestion is None


@pytest.mark.parametrize(
    ("query", "corrected"),
    [
        ("maladie d'Qlzheimer", "maladie d'Alzheimer"),  # a neighbouring key
        ("maladie d'lzheimer", "maladie d'alzheimer"),  # the first letter dropped
        ("sdémence", "démence"),  # a letter added before
        ("édmence", "démence"),  # the first two swapped
        ("vorderline", "borderline"),
        # a feminine plural of a written word (*dément*), its accents restored
        ("personnes fémentes", "personnes démentes"),
    ],
)
def test_typing_errors_in_the_first_letter_are_corrected(
    seed_index, query: str, corrected: str
) -> None:
    results = seed_index.search(query)
    assert results.corrected == corrected
    assert results.ids[0] in {DEMENTIA, BORDERLINE}


def test_the_rest_of_the_query_chooses_which_letter_was_wrong(tmp_path: Path) -> None:
    """*osciale* is one edit from *oscille* and, its first two letters swapped, from
    *sociale*: beside *cognition*, *sociale*; two errors at the front are left."""
    articles = [
        als.Article(id="cognition", title="La cognition sociale chez l'adulte"),
        als.Article(id="pendule", title="Le pendule oscille sans fin"),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    results = index.search("cognition osciale")
    assert results.corrected == "cognition sociale"
    assert results.ids == ["cognition"]
    assert index.search("pendule qui osciale").corrected == "pendule qui oscille"
    assert index.search("xxcognition").corrected is None


def test_a_first_sound_spelt_otherwise_is_corrected(tmp_path: Path) -> None:
    """*fobie* is one edit from *foie* and sounds like *phobie*; *otisme*, *ipnose*
    and *sycose* start the way they sound (*autisme*, *hypnose*, *psychose*)."""
    articles = [
        als.Article(id="phobie", title="La phobie sociale de l'adolescent"),
        als.Article(id="foie", title="Le foie et l'alcool"),
        als.Article(id="autisme", title="L'autisme à l'école"),
        als.Article(id="hypnose", title="L'hypnose en soins palliatifs"),
        als.Article(id="psychose", title="La psychose débutante"),
        als.Article(id="score", title="Un score de gravité"),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    for query, corrected in [
        ("fobie", "phobie"),
        ("fobie sociale", "phobie sociale"),
        ("otisme", "autisme"),
        ("ipnose", "hypnose"),
    ]:
        results = index.search(query)
        assert results.corrected == corrected, query
        assert results.ids[0] == corrected.split()[0], query
    # two edits in a short word: offered, not made unasked
    sycose = index.search("sycose")
    assert sycose.corrected is None and sycose.suggestion == "psychose"
    # *ceuil*: *deuil* (a neighbouring key) or *seuil* (the same sound); the clinical
    # word, which the thesaurus names, although the other is more frequent
    articles = [
        als.Article(id="deuil", title="Le deuil périnatal"),
        als.Article(id="seuil-1", title="Le seuil de la douleur"),
        als.Article(id="seuil-2", title="Un seuil clinique"),
    ]
    index = als.build_index(articles, tmp_path / "ix2", progress=False)
    assert index.search("ceuil").corrected == "deuil"


@pytest.mark.parametrize(
    "query",
    [
        "comment garder le lien avec un malade qui perd la mémoire ?",  # not père
        "pour aller plus loin sur l'alliance",  # not loi
        "un livre sur la psychiatrie",  # not libre
    ],
)
def test_short_words_absent_from_the_articles_are_not_turned_into_thesaurus_words(
    seed_index, query: str
) -> None:
    results = seed_index.search(query)
    assert results.corrected is None
    assert not {"père", "loi", "libre"} & set((results.suggestion or "").split())


def test_known_words_are_left_alone(seed_index) -> None:
    # Written in an article, a thesaurus term (English too), a plural or feminine
    # of a written word with the same stem: nothing to correct.
    for query in ["patients borderline", "TSPT", "dementia", "personnes démentes", "Charcot"]:
        assert seed_index.search(query).corrected is None, query
    # nor is a function word that analysis keeps in a compound (peut-on: not «pet»)
    results = seed_index.search("peut-on soigner la démence ?")
    assert results.corrected is None
    assert results.ids[0] == DEMENTIA


def test_abbreviations_and_verb_forms_are_not_corrected(tmp_path: Path) -> None:
    """*MMSE* is not a misspelt *mise*, *HoNOS* not *Hoos*; *vivent* and *agressent*,
    which the query marks as verbs, are not *vivant* and *agresseur*."""
    articles = [
        als.Article(id="mise", title="La mise en œuvre d'un programme"),
        als.Article(id="hoos", title="Le questionnaire HOOS après une prothèse de hanche"),
        als.Article(id="vivant", title="Les patients vivant seuls"),
        als.Article(id="agresseur", title="L'agresseur et sa victime"),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    for query in ("MMSE", "HoNOS", "MoCA"):
        results = index.search(query)
        assert results.corrected is None and results.ids == [], query
        assert results.notes == (f"no article holds «{query}»",)
        assert index.suggest(query) is None, query
    for query in (
        "comment les soignants vivent-ils la relation ?",
        "patients qui agressent les soignants",
        "adolescents qui fuguent",
    ):
        assert index.search(query).corrected is None, query
        assert index.suggest(query) is None, query
    # typed in lower case, a misspelling is still corrected
    assert index.search("mmise en oeuvre").corrected == "mise en oeuvre"
    # a verb form whose family articles write is searched with it, not corrected
    results = index.search("vivent seuls")
    assert results.corrected is None and results.ids == ["vivant"]
    assert "«vivent» also searched with its word family («vivant»)" in results.notes


def test_a_name_of_the_thesaurus_no_article_holds_is_not_corrected(tmp_path: Path) -> None:
    """*sexting*, one edit from *setting*, names a concept (*sextage*): it is searched
    as typed, through its concept's related terms, and never as *setting*."""
    articles = [
        als.Article(id="setting", title="Harm reduction in a housing first setting"),
        als.Article(id="sexualite", title="La santé sexuelle des adolescents"),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    results = index.search("sexting")
    assert results.corrected is None
    assert results.ids == ["sexualite"]


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> als.Index:
    summaries = [
        "Les jeunes adultes et leurs parents face au premier épisode psychotique.",
        "Des jeunes en foyer tiennent un carnet de leur parcours de soins.",
        "Groupe de parole pour des jeunes aidants.",
        "La protection de la jeunesse et le placement des enfants.",
        "Protection de la jeunesse : un signalement prudent, un suivi individuel.",
        "Le service hospitalier accueille les familles.",
    ]
    articles = [
        als.Article(id=f"a{i}", title=f"Article {i}", summary=text)
        for i, text in enumerate(summaries)
    ]
    return als.build_index(articles, tmp_path_factory.mktemp("small") / "index", progress=False)


def test_inflections_count_as_known_only_with_the_same_stem(small_index) -> None:
    vocabulary = small_index.thesaurus.vocabulary()
    assert not {"carnet", "carnets", "prudent", "prudentes", "individuele"} & set(vocabulary)
    suggest = small_index.suggest
    assert suggest("carnets") is None  # plural of a written word
    assert suggest("prudentes") is None  # feminine plural of a written word
    # jeunes → jeun but jeunese → jeunes: a misspelling, not a feminine.
    assert suggest("jeunese") == "jeunes"
    # A feminine that doubles its consonant is misspelt with one.
    assert suggest("individuele") in {"individuel", "individuelle"}


def test_a_misspelling_that_matches_through_its_stem_is_only_suggested(small_index) -> None:
    # hospitaliation → hospitali, the stem of hospitalier: it matches as typed, so
    # it is searched as typed and the correction is offered.
    results = small_index.search("hospitaliation")
    assert results.ids == ["a5"] and results.corrected is None
    assert results.suggestion == "hospitalisation"


def test_an_inflection_of_a_known_word_is_not_corrected(seed_index) -> None:
    # désorientées, as typed, shares its stem with the thesaurus's désorienté; folded
    # (desorientees), Snowball cuts it otherwise, which once made it look misspelt.
    assert seed_index.correct("personnes âgées désorientées") is None
    results = seed_index.search("personnes âgées désorientées")
    assert results.corrected is None
    assert results.ids[0] == "sm-alliance-therapeutique-dans-la-demence"  # related: démence


def test_equally_close_words_are_chosen_by_the_rest_of_the_query(small_index) -> None:
    # jeunes and jeunesse are both one edit away from jeunese; jeunes is more
    # frequent, jeunesse is written beside protection.
    assert small_index.search("jeunese").corrected == "jeunes"
    results = small_index.search("protection de la jeunese")
    assert results.corrected == "protection de la jeunesse"
    assert set(results.ids[:2]) == {"a3", "a4"}


def test_a_word_that_completes_a_name_with_its_neighbours_is_corrected(tmp_path: Path) -> None:
    """*dépendence*, *thérapeutic*, *anxiety*: English spellings articles write (so
    known words) that, spelt the French way, complete a name of the thesaurus with the
    words beside them. They had been searched as typed, which put English abstracts
    on other subjects first."""
    articles = [
        als.Article(
            id="en",
            title="Alcohol dependence and therapeutic drug monitoring",
            summary="Anxiety and affective symptoms were measured; a social network was mapped.",
        ),
        als.Article(id="dependance", title="La dépendance affective dans le couple"),
        als.Article(id="alliance", title="L'alliance thérapeutique avec les adolescents"),
        als.Article(id="anxiete", title="L'anxiété sociale à l'école"),
        als.Article(id="dentaire", title="La santé dentale des enfants"),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    for typed, meant, first in (
        ("dépendence affective", "dépendance affective", "dependance"),
        ("alliance thérapeutic", "alliance thérapeutique", "alliance"),
        (
            "Alliance Thérapeutic avec les adolescents",
            "Alliance Thérapeutique avec les adolescents",
            "alliance",
        ),
        ("anxiety sociale", "anxiété sociale", "anxiete"),
        ('"dépendence affective"', '"dépendance affective"', "dependance"),
    ):
        results = index.search(typed)
        assert results.corrected == meant, typed
        assert results.ids[0] == first, typed
    # a French word one letter from a name's word is another word, not a typo
    assert index.search("maladie dentale").corrected is None
    assert index.suggest("maladie dentale") is None
    # nor is a word that names the concept with its neighbours as typed
    assert index.search("anxiété sociale").corrected is None


def test_a_completion_the_articles_write_as_typed_is_only_suggested(tmp_path: Path) -> None:
    """An article that writes *alliance therapeutic* shows the words can be meant."""
    articles = [
        als.Article(id="en", title="The alliance therapeutic process in groups"),
        als.Article(id="fr", title="L'alliance thérapeutique en groupe"),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    results = index.search("alliance therapeutic")
    assert results.corrected is None
    assert results.suggestion == "alliance thérapeutique"


def test_an_english_name_of_the_thesaurus_is_not_corrected_into_french(tmp_path: Path) -> None:
    """*prisoners*, which no article writes, had been corrected into *prisons*."""
    articles = [
        als.Article(id="prisons", title="Les prisons du Québec"),
        als.Article(id="violence", title="La violence en milieu carcéral"),
    ]
    index = als.build_index(articles, tmp_path / "ix", progress=False)
    results = index.search("violence prisoners")
    assert results.corrected is None
    assert results.ids[0] == "violence"


def test_no_correction_to_a_function_word(seed_index) -> None:
    """A surname (*Durand*) had been corrected to *durant*, then not searched as a
    function word."""
    results = seed_index.search("Durand")
    assert results.corrected is None and results.suggestion is None
    assert results.notes == ("no article holds «Durand»",)
