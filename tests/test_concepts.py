"""The thesaurus: format, validation, user files, detection, lookup and explanation."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

import alliance_search as als
from alliance_search import _thesaurus_cache, concepts
from alliance_search._thesaurus_cache import CACHE_ENV
from alliance_search.analysis import analyze
from alliance_search.concepts import CATEGORIES, default_thesaurus, load_thesaurus


@pytest.fixture(scope="module")
def thesaurus() -> als.Thesaurus:
    return default_thesaurus()


def test_bundled_thesaurus_is_large_and_well_formed(thesaurus) -> None:
    assert len(thesaurus) >= 200
    categories = Counter(c.category for c in thesaurus)
    assert set(categories) <= CATEGORIES
    for category in (
        "trouble",
        "symptome",
        "traitement",
        "relation",
        "soin",
        "population",
        "profession",
        "histoire",
        "methode",
    ):
        assert categories[category] >= 5, categories
    for concept in thesaurus:
        if concept.broader:
            assert concept.broader in thesaurus.concepts


def test_every_term_names_one_concept_only(thesaurus) -> None:
    owners: dict[str, set[str]] = {}
    for concept in thesaurus:
        for term in concept.terms:
            key = " ".join(terms[-1] for _, terms, _, _ in analyze(term))
            owners.setdefault(key, set()).add(concept.id)
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    assert not shared


@pytest.mark.parametrize(
    ("name", "concept_id"),
    [
        ("TPB", "etat-limite"),
        ("borderline", "etat-limite"),
        ("états-limites", "etat-limite"),
        ("personnalité limite", "etat-limite"),
        ("TCC", "tcc"),
        ("TOC", "toc"),
        ("burn-out", "epuisement-professionnel"),
        ("burnout", "epuisement-professionnel"),
        ("maladie d'Alzheimer", "maladie-alzheimer"),
        ("alzheimer", "maladie-alzheimer"),
        ("schizophrène", "schizophrenie"),
        ("CMP", "cmp"),
        ("borderline personality disorder", "etat-limite"),
        ("PTSD", "tspt"),
        ("stress posttraumatique", "tspt"),  # one word, as Québec theses write it
        ("dementia", "demence"),
        ("recension des écrits", "revue-litterature"),
        ("RCT", "essai-randomise"),
        ("focus groups", "groupe-de-discussion"),
        ("entrevues semi-dirigées", "entretien-de-recherche"),
        ("intimidation", "harcelement-scolaire"),
        ("contrevenants", "delinquance"),
        ("troubles concomitants", "troubles-concomitants"),
        ("CLSC", "clsc"),
        ("alcohol", "alcoolisme"),
        ("troubles extériorisés", "trouble-comportement"),  # Québec's externalizing
        ("problèmes intériorisés", "troubles-interiorises"),
        ("enfant hyperactif", "tdah"),
        ("TCCL", "traumatisme-craniocerebral-leger"),
        ("présentéisme", "presenteisme"),
        ("réadmissions", "rehospitalisation"),
        ("children", "enfant"),  # an English plural the analyzer cannot know
        ("early intervention", "intervention-precoce"),
        ("lésés médullaires", "lesion-moelle-epiniere"),
        ("jeunes de la rue", "itinerance"),
        ("facteurs de protection", "facteur-protection"),
        ("conflit travail-famille", "conciliation-travail-famille"),
        ("work-life balance", "conciliation-travail-famille"),
        ("approche en réseau", "travail-en-reseau"),
        ("harcèlement psychologique", "harcelement-au-travail"),  # as Québec law names it
        ("crises épileptiques", "epilepsie"),
        ("médiation théâtrale", "theatre-therapeutique"),
        ("patients difficiles", "patient-difficile"),
        ("traumatismes dans l'enfance", "trauma-enfance"),
        ("adverse childhood experiences", "trauma-enfance"),
        ("violence envers les femmes", "violence-faite-aux-femmes"),
        ("soins de longue durée", "ehpad"),  # the CHSLD
        ("recours aux services de santé mentale", "utilisation-services-sante-mentale"),
        ("service use", "utilisation-services"),
        # round 27: French services, written out or as abbreviations
        ("CSAPA", "csapa"),
        ("addictologie de liaison", "elsa"),
        ("hospitalisation libre", "soins-libres"),
        ("ESMS", "esms"),
        ("famille d'accueil thérapeutique", "accueil-familial-therapeutique"),
        ("pédocriminalité", "abus-sexuel-enfance"),
        ("psychiatrie transculturelle", "ethnopsychiatrie"),
        ("chutes des personnes âgées", "chute-personne-agee"),
        ("patients pédiatriques", "enfant"),  # round 27, from the audits of unseen queries
        ("leucémie lymphoblastique", "leucemie"),
        ("réticence vaccinale", "hesitation-vaccinale"),
        ("concussion", "traumatisme-craniocerebral-leger"),  # from an audit of English queries
        ("intensive care unit", "soins-intensifs"),
        ("behaviour problems", "trouble-comportement"),
        ("grief", "deuil"),
    ],
)
def test_lookup_by_any_name(thesaurus, name: str, concept_id: str) -> None:
    assert thesaurus[name].id == concept_id
    assert name in thesaurus


def test_detection_in_text_with_phrases_accents_and_plurals(thesaurus) -> None:
    text = "L’alliance thérapeutique avec des patients états-limites et des personnes démentes"
    found = [(m.concept.id, text[m.start : m.end]) for m in thesaurus.detect(text)]
    assert ("alliance-therapeutique", "alliance thérapeutique") in found
    assert ("etat-limite", "états-limites") in found
    assert any(cid == "demence" for cid, _ in found)


def test_names_are_not_detected_across_the_end_of_a_clause(thesaurus) -> None:
    """Sentences written on papyrus: *logement. L'abordabilité* had been read as
    *logement d'abord*, *qualité de vie.Les travaux* as *qualité de vie au travail*."""
    assert thesaurus.tag("la température du logement. L’abordabilité est mesurée") == ["logement"]
    assert thesaurus.tag("leur qualité de vie.Les travaux de cette thèse") == ["qualite-de-vie"]
    assert "psychologie-sociale" not in thesaurus.tag("plans psychologiques, sociaux")
    # inside a clause, and names written with initials, as before
    assert thesaurus.tag("la qualité de vie au travail") == ["qualite-vie-travail"]
    assert thesaurus.tag("D. W. Winnicott, pédiatre") == ["winnicott"]


# A thesis in chemistry (written for this test): *DFT* is density functional theory.
CHEMISTRY = (
    "Synthèse d'un ester et étude DFT du transfert d'hydrogène",
    "Les composés carbonylés sont des candidats prometteurs pour les cathodes des piles "
    "organiques, car ils sont abondants, peu coûteux et faciles à modifier. Ce mémoire "
    "décrit la synthèse totale d'un ester méthylique à partir de précurseurs commerciaux, "
    "puis l'étude théorique du transfert d'hydrogène qui en contrôle la sélectivité. Les "
    "calculs DFT montrent que l'intermédiaire radicalaire adopte une conformation qui "
    "favorise un seul diastéréoisomère. Les courbes de décharge calculées concordent avec "
    "les mesures faites au laboratoire sur trois piles. Ces résultats guident le choix des "
    "substituants pour de nouvelles cathodes plus stables et plus durables, et ouvrent la "
    "voie à des piles organiques plus sûres pour le stockage de l'énergie.",
)


def test_an_abbreviation_of_a_disorder_alone_in_another_field_is_another_sense(
    thesaurus,
) -> None:
    """A long text that writes a disorder's abbreviation once or twice, never spells it
    out and names no disorder or symptom in words uses it in another sense."""
    assert "demence-frontotemporale" not in thesaurus.tag(*CHEMISTRY)
    assert [(s.abbreviation, s.concept, s.foreign) for s in thesaurus.senses(*CHEMISTRY)] == [
        ("DFT", None, True)
    ]
    # beside a symptom named in words, as in a clinical text, it keeps its sense
    clinical = (CHEMISTRY[0], CHEMISTRY[1] + " Les patients présentaient une apathie.")
    assert "demence-frontotemporale" in thesaurus.tag(*clinical)
    # and a short text cannot tell: a summary of the seed's length keeps it
    assert thesaurus.tag("Les TCA chez l'adolescente : quel soin ?") == [
        "trouble-conduites-alimentaires",
        "adolescent",
    ]


def test_an_abbreviation_joined_to_capitals_is_part_of_a_longer_one(thesaurus) -> None:
    """Papyrus's *Programme d'entraînement parental (PEP-AS)* had been tagged as a
    first psychotic episode (*PEP*)."""
    assert "premier-episode-psychotique" not in thesaurus.tag("Le programme PEP-AS")
    assert "premier-episode-psychotique" in thesaurus.tag("Après un PEP, le retour")
    # two abbreviations the thesaurus holds, side by side, and a subtype
    assert {"autisme", "tdah"} <= set(thesaurus.tag("La comorbidité TSA-TDAH"))
    assert thesaurus.tag("Le TDAH-I") == ["tdah"]


def test_help_shows_only_the_public_fields_of_a_thesaurus() -> None:
    import inspect

    assert list(inspect.signature(als.Thesaurus).parameters) == ["concepts", "sources"]


def test_names_without_function_words_are_not_read_across_other_words(thesaurus) -> None:
    """Where a name has no function word between two of its words, a text's *et*,
    *chez* or *de* before the same word does not link them (papyrus wrote
    *psychologiques et sociales* 5 times, read as *psychologie sociale*)."""
    tagged = thesaurus.tag("Le vécu des mères d'adolescentes suivies en pédopsychiatrie")
    assert "mere-adolescente" not in tagged and "adolescent" in tagged
    assert thesaurus.tag("Une jeune mère adolescente") == ["jeunes", "mere-adolescente"]
    assert thesaurus.tag("Les difficultés psychologiques et sociales") == ["psychologie"]
    assert thesaurus.tag("Une anxiété observée chez les participants") == ["anxiete"]
    # de before another form of the word, avec, words of degree: the same concept
    assert thesaurus.tag("Les symptômes d’anxiété des aidants") == ["anxiete", "aidant"]
    assert thesaurus.tag("Après la séparation de leurs parents") == ["separation-parentale"]
    assert thesaurus.tag("Un partenariat avec le patient") == ["patient-partenaire"]
    assert thesaurus.tag("Les personnes plus âgées") == ["personne-agee"]
    # determiners before the name's word as written, not before another word
    assert "soins-sans-consentement" in thesaurus.tag(
        "Les soins psychiatriques sans le consentement des patients"
    )
    assert "recherche-qualitative" not in thesaurus.tag("Nous avons analysé la qualité des soins")
    assert "recherche-qualitative" in thesaurus.tag("Une analyse qualitative des entretiens")


def test_detection_of_shorter_names_inside_a_longer_one(thesaurus) -> None:
    text = "abus sexuel dans l'enfance"
    words = analyze(text)
    assert [m.concept.id for m in thesaurus.detect_words(words, text)] == ["abus-sexuel-enfance"]
    inside = thesaurus.detect_words(words, text, max_words=len(words) - 1)
    assert [(m.concept.id, m.term, m.first_word, m.last_word) for m in inside] == [
        ("violence-sexuelle", "abus sexuel", 0, 1),
        ("enfant", "enfance", 2, 2),
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # IDE (infirmier diplômé d'État) and *idées* share the stem *ide*.
        ("Une idée reçue, des idées neuves", []),
        ("Les IDE de nuit et les idées reçues", [("infirmier", "IDE")]),
        ("les ide du service", [("infirmier", "ide")]),  # typed in lower case
        ("Deux TSAs diagnostiqués", [("autisme", "TSAs")]),  # plural
        ("Le VIH en hiver", [("vih", "VIH")]),  # HIV and *hiver*
        ("La ToM et le tome II du traité", [("theorie-de-l-esprit", "ToM")]),
        # MA (maladie d'Alzheimer) is a function word in any other case
        ("Chez ma mère, la MA a débuté tôt", [("maladie-alzheimer", "MA")]),
        ("LA DÉMENCE ET MA MÈRE", [("demence", "DÉMENCE")]),
    ],
)
def test_abbreviations_are_detected_only_as_written(thesaurus, text: str, found) -> None:
    mentions = thesaurus.detect(text)
    assert [(m.concept.id, text[m.start : m.end]) for m in mentions] == found


def test_documents_write_abbreviations_in_their_case(thesaurus) -> None:
    """Tagging an article, *Tom* is a first name and *ide* no nurse; a query is typed
    as it comes (*tom*, *tpb*)."""
    assert thesaurus.tag("Le dernier film de Tom Cruise", "un ide") == []
    assert thesaurus.tag("La ToM chez les IDE", "LA TOM") == ["theorie-de-l-esprit", "infirmier"]
    assert [m.concept.id for m in thesaurus.detect("tom et tpb")] == [
        "theorie-de-l-esprit",
        "etat-limite",
    ]


@pytest.mark.parametrize(
    ("texts", "sense", "not_sense"),
    [
        # Québec theses spell TCC out as a brain injury: not the therapy.
        (
            ("Le traumatisme craniocérébral (TCC) chez l'enfant", "Après un TCC, la fatigue."),
            "traumatisme-craniocerebral",
            "tcc",
        ),
        (
            ("Un faible sentiment d’efficacité personnelle (SEP) au travail", "Le SEP baisse."),
            "sentiment-efficacite-personnelle",
            "sclerose-en-plaques",
        ),
        # Spelt out in its own sense, or not spelt out: the thesaurus's sense.
        (("La thérapie cognitivo-comportementale (TCC) de l'insomnie",), "tcc", None),
        (("Une TCC de groupe", "Le SEP baisse."), "tcc", None),
        (("Le SEP baisse.",), "sclerose-en-plaques", None),
        # A plural abbreviation spelt out: its singular is not autism either.
        (
            ("Des tests de sensibilité auditive (TSAs) répétés.", "Un TSA normal."),
            None,
            "autisme",
        ),
        # In other words that share most of the name's: the same sense.
        (("Un trouble d’attention avec ou sans hyperactivité (TDAH)",), "tdah", None),
        (("L'état de stress posttraumatique (ÉSPT) des policiers",), "tspt", None),
        # inside a longer name of another concept: still its sense
        (("Des traits de la personnalité limite (TPL) : le TPL",), "etat-limite", None),
        # put in parentheses after words no long form is read from: another sense if
        # those words share none with the concept's names, and nothing else names it
        (
            ("Des cellules initiatrices de tumeur (TIC) ; les TIC prolifèrent.",),
            None,
            "trouble-tics",
        ),
        (("La stimulation transcrânienne par courant direct (tDCS) en dépression",), "tdcs", None),
        (("Les TIC (TIC) et la maladie de Gilles de la Tourette",), "trouble-tics", None),
        # ... unless the words it lacks name another concept.
        (("Schizophrénie (SCZ) et maladies affectives (MA)",), None, "maladie-alzheimer"),
        (("Le trouble d'insomnie chronique (TIC)",), "insomnie", "trouble-tics"),
    ],
)
def test_an_abbreviation_counts_in_the_sense_the_text_spells_it_out_in(
    thesaurus, texts: tuple[str, ...], sense: str | None, not_sense: str | None
) -> None:
    tags = thesaurus.tag(*texts)
    assert sense is None or sense in tags
    assert not_sense not in tags


@pytest.mark.parametrize(
    ("texts", "implied"),
    [
        # written beside a name whose initials spell it, and not the therapy
        (
            ("Traumatisme craniocérébral et suicide", "Le lien entre le TCC et le suicide."),
            [("TCC", "traumatisme-craniocerebral", True)],
        ),
        (
            ("Insécurité d'emploi", "Un sentiment d'efficacité personnelle fort ; le SEP."),
            [("SEP", "sentiment-efficacite-personnelle", True)],
        ),
        # the thesaurus's own concept is named too: its sense
        (("La thérapie cognitivo-comportementale", "La TCC du traumatisme craniocérébral."), []),
        # spelt out in parentheses, in words it cannot read: no guess
        (("La glomérulosclérose segmentaire focale (FSGS)", "Des facteurs génétiques."), []),
        # the initials are not the abbreviation's letters
        (("Une réponse inflammatoire", "Le taux d'IL et la réponse inflammatoire."), []),
    ],
)
def test_an_abbreviation_written_beside_a_name_that_spells_it_takes_its_sense(
    thesaurus, texts: tuple[str, ...], implied: list[tuple[str, str, bool]]
) -> None:
    senses = thesaurus.senses(*texts)
    assert [(s.abbreviation, s.concept, s.foreign) for s in senses] == implied


def test_senses_of_the_abbreviations_a_text_spells_out(thesaurus) -> None:
    senses = thesaurus.senses(
        "Le trouble cognitif léger (TCL) précède la démence.",
        "Des travailleuses du sexe (TS) et des témoins sains (TS).",
        "La thérapie cognitivo-comportementale (TCC) et l'activité physique (AP).",
    )
    assert [(s.abbreviation, s.concept, s.foreign, s.term) for s in senses] == [
        # TCL is the thesaurus's mild brain injury: here, mild cognitive impairment.
        ("TCL", "trouble-neurocognitif-leger", True, "trouble-neurocognitif-leger=tcl"),
        # TS is the thesaurus's suicide attempt; the first definition counts.
        ("TS", "travail-du-sexe", True, "travail-du-sexe=ts"),
        # TCC spelt out in the thesaurus's sense.
        ("TCC", "tcc", False, "tcc=tcc"),
        # AP is no name of the thesaurus's: a name more for the concept.
        ("AP", "activite-physique", False, "activite-physique=ap"),
    ]


def test_an_abbreviation_spelt_out_as_nothing_the_thesaurus_holds_has_a_sense_too(
    thesaurus,
) -> None:
    """The index holds *AS* spelt out as a survival analysis by that sense only, so
    that a query reading *AS* as sexual assault leaves it out."""
    senses = thesaurus.senses("Une analyse de survie (AS) et l'agression sexuelle (AS).")
    assert [(s.abbreviation, s.concept, s.foreign, s.term) for s in senses] == [
        ("AS", None, False, "=as")
    ]
    assert not senses[0].keeps_written
    assault = thesaurus.senses("L'agression sexuelle (AS).")[0]
    assert assault.concept == "violence-sexuelle" and assault.keeps_written


#: Names of several words that analysis leaves as one (stop words, single letters),
#: reviewed: that word names the concept too, or no other French word.
_ONE_WORD_LEFT = {
    "PCL-R", "clivage du moi", "the unconscious", "bien-traitance", "J.-M. Charcot",
    "D. W. Winnicott", "bien vieillir", "MacCAT-T", "hépatite C",
}  # fmt: skip


def test_names_of_several_words_do_not_shrink_to_a_common_word(thesaurus) -> None:
    """*complexe K* is *complexe* once *K* is dropped, *aller-vers* is *aller*,
    *La Borde* is *bord*: as names or related terms they found any text with the
    common word."""
    shrunk = {
        term
        for concept in thesaurus
        for term in (*concept.terms, *concept.related)
        if len(re.split(r"[\s\-]+", term.strip())) > 1 and len(analyze(term)) == 1
    }
    assert shrunk == _ONE_WORD_LEFT
    # *mal de dos* names back pain, not the *mal-être* of old; nothing else is named.
    found = thesaurus.detect("le mal de dos et les défenses du moi au bord du lac")
    assert [m.concept.id for m in found] == ["lombalgie"]


def test_french_services_are_not_named_by_words_of_other_senses(thesaurus) -> None:
    """Round 27: the SAMU social is no SAMU, a longer name of a concept wins
    (*unité de soins de longue durée* is no *soins de longue durée*, the CHSLD), and
    bare *tutelle*, *exil*, *chute* name nothing (*la tutelle du ministère*)."""
    found = thesaurus.detect("le Samu social, l'unité de soins de longue durée et le SAMU")
    assert [m.concept.id for m in found] == ["samu-social", "usld", "samu"]
    text = "la tutelle du ministère, l'exil d'un poète, la chute du mur"
    assert thesaurus.detect(text) == []
    # a substance is not its use: the drug trade names no consumption (round 27)
    found = thesaurus.detect("le trafic de drogue au port, la drogue saisie")
    assert [m.concept.id for m in found] == ["trafic-de-drogues"]
    assert "drogue" in thesaurus["consommation-substances"].related


def test_a_related_term_is_never_a_name_of_its_own_concept(thesaurus) -> None:
    assert [(c.id, t) for c in thesaurus for t in c.related if t in c.terms] == []
    assert [c.id for c in thesaurus if len(set(c.related)) != len(c.related)] == []


def test_multi_word_terms_match_only_as_phrases(thesaurus) -> None:
    assert "alliance-therapeutique" not in thesaurus.tag("une alliance, puis le thérapeutique")


def test_names_that_share_a_stem_with_other_words_are_written_whole(thesaurus) -> None:
    # Snowball cuts présentéisme onto présentée: it has a stem of its own
    found = [m.concept.id for m in thesaurus.detect("l'étude présentée au colloque")]
    assert "presenteisme" not in found
    text = "le présentéisme au travail et l'absentéisme des infirmières"
    assert [m.concept.id for m in thesaurus.detect(text)][:2] == ["presenteisme", "absenteisme"]
    # the elderly and oneself are neglected otherwise than children
    assert thesaurus.detect("la maltraitance des aînés")[0].concept.id == "maltraitance-aines"
    assert thesaurus.detect("un syndrome de Diogène")[0].concept.id == "auto-negligence"
    assert thesaurus.detect("des signes de négligence")[0].concept.id == "negligence-enfant"


def test_neighbours_are_broader_narrower_related_and_siblings(thesaurus) -> None:
    near = [c.id for c in thesaurus.neighbours("demence")]
    assert near[0] == "trouble-neurocognitif"  # broader first
    assert "maladie-alzheimer" in near  # narrower
    assert "aidant" in near  # a related term that names a concept
    assert "trouble-neurocognitif-leger" in near  # under the same broader concept
    assert "demence" not in near and "trouble-mental" not in near  # itself; a chapter
    assert near.index("maladie-alzheimer") < near.index("trouble-neurocognitif-leger")


def test_explain_lists_synonyms_and_hierarchy(thesaurus) -> None:
    text = thesaurus.explain("TPB")
    assert text.startswith("état limite [etat-limite]")
    assert "borderline" in text and "broader:" in text


def test_user_file_adds_and_overrides(tmp_path: Path) -> None:
    user = tmp_path / "mes-concepts.toml"
    user.write_text(
        "format = 1\n"
        '[concepts.jeu-scenique]\nlabel = "jeu scénique"\ncategory = "traitement"\n'
        'synonyms = ["atelier théâtre"]\nbroader = "mediation-therapeutique"\n'
        '[concepts.etat-limite]\nlabel = "état limite"\ncategory = "trouble"\n'
        'synonyms = ["borderline"]\n',
        "utf-8",
    )
    thesaurus = load_thesaurus(user)
    assert thesaurus["atelier theatre"].id == "jeu-scenique"
    assert thesaurus["etat-limite"].synonyms == ("borderline",)
    assert "TPB" not in thesaurus  # overridden concept lost its bundled synonyms
    assert len(thesaurus) == len(default_thesaurus()) + 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[concepts.x-y]\ncategory = "trouble"\n', "concept 'x-y', field 'label'"),
        (
            '[concepts.x-y]\nlabel = "x"\nsynonyms = "pas une liste"\n',
            "concept 'x-y', field 'synonyms'",
        ),
        ('[concepts.x-y]\nlabel = "x"\nrelated = [3]\n', "concept 'x-y', field 'related'"),
        ('[concepts.x-y]\nlabel = "x"\ncategory = "divers"\n', "concept 'x-y', field 'category'"),
        (
            '[concepts.x-y]\nlabel = "deuil"\nbroader = "inconnu"\n',
            "concept 'x-y', field 'broader'",
        ),
        ('[concepts.x-y]\nlabel = "x"\ncolor = "red"\n', "concept 'x-y': unknown field(s) color"),
        ('[concepts."État"]\nlabel = "x"\n', "concept 'État'"),
        ('[concepts.x-y]\nlabel = "« »"\n', "concept 'x-y', field 'label'"),
        (
            '[concepts.a]\nlabel = "deuil"\nbroader = "b"\n'
            '[concepts.b]\nlabel = "perte"\nbroader = "a"\n',
            "cycle",
        ),
        ("[concepts.x-y\n", "invalid TOML"),
    ],
)
def test_malformed_user_file_names_concept_and_field(tmp_path: Path, body: str, message: str):
    path = tmp_path / "bad.toml"
    path.write_text("format = 1\n" + body, "utf-8")
    with pytest.raises(als.ThesaurusError) as info:
        load_thesaurus(path, bundled=False)
    assert message in str(info.value)
    assert str(info.value).startswith(str(path))  # the file too (broader, cycle: since round 25)


def test_bundled_file_is_plain_toml_with_a_documented_header() -> None:
    text = resources.files("alliance_search").joinpath("data/thesaurus.toml").read_text("utf-8")
    assert text.lstrip().startswith("#")
    assert tomllib.loads(text)["format"] == 1


# --------------------------------------------------------------------------- cache

TEXTS = (
    "Le trouble de personnalité limite (TPL) chez les patients borderline",
    "La TCC et la maladie d’Alzheimer. Le traumatisme craniocérébral (TCC) et les IDE.",
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The thesaurus files parsed from now on (those read from the cache are not)."""
    texts: list[str] = []
    loads = tomllib.loads

    def parse(text: str) -> dict:
        texts.append(text)
        return loads(text)

    monkeypatch.setattr(tomllib, "loads", parse)
    return texts


def _same(one: als.Thesaurus, other: als.Thesaurus) -> None:
    assert one == other  # concepts, sources and the tables detection looks terms up in
    assert one.fingerprint == other.fingerprint
    for text in TEXTS:
        assert one.detect(text, case=True) == other.detect(text, case=True)
        assert one.detect(text) == other.detect(text)
    assert one.tag(*TEXTS) == other.tag(*TEXTS)
    assert one.senses(*TEXTS) == other.senses(*TEXTS)
    assert one.find("personnalité limite") == other.find("personnalité limite")


def test_a_built_thesaurus_is_read_back_from_the_cache(cache: Path, parsed: list[str]) -> None:
    built = load_thesaurus()
    assert len(parsed) == 1
    assert len(list(cache.glob("*.cache"))) == 1
    read = load_thesaurus()
    assert len(parsed) == 1  # not parsed again
    _same(read, built)
    assert read.tag(*TEXTS) == [
        "etat-limite",
        "maladie-alzheimer",
        "traumatisme-craniocerebral",
        "infirmier",
    ]


def test_a_changed_file_is_not_read_from_the_cache(
    cache: Path, parsed: list[str], tmp_path: Path
) -> None:
    user = tmp_path / "mine.toml"
    before = '[concepts.pacte-soins]\nlabel = "pacte de soins"\n'
    user.write_text(before, "utf-8")
    first = load_thesaurus(user, bundled=False)
    user.write_text(before + 'synonyms = ["contrat de soins"]\n', "utf-8")
    changed = load_thesaurus(user, bundled=False)
    assert changed.find("contrat de soins") is not None
    assert first.find("contrat de soins") is None
    assert len(parsed) == 2
    assert len(list(cache.glob("*.cache"))) == 2
    user.write_text(before, "utf-8")
    _same(load_thesaurus(user, bundled=False), first)
    assert len(parsed) == 2  # each text has its own cache


@pytest.mark.parametrize(
    ("module", "name"),
    [(concepts, "DETECTION_VERSION"), (_thesaurus_cache, "ANALYZER_VERSION"), (als, "__version__")],
)
def test_a_thesaurus_cached_by_other_code_is_built_again(
    cache: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch, module: object, name: str
) -> None:
    built = load_thesaurus()
    monkeypatch.setattr(module, name, f"{getattr(module, name)}-other")
    _same(load_thesaurus(), built)
    assert len(parsed) == 2
    assert len(list(cache.glob("*.cache"))) == 2


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda text: "\x00\xff garbage",
        lambda text: "",
        lambda text: text[: len(text) // 2],  # a write cut short
        lambda text: text.split("\n", 1)[1],  # no first line
        lambda text: text.replace('"état limite", "trouble"', '"état limite", "notion"', 1),
    ],
)
def test_a_corrupt_cache_file_is_built_again_and_rewritten(
    cache: Path, parsed: list[str], corrupt
) -> None:
    built = load_thesaurus()
    [file] = cache.glob("*.cache")
    text = file.read_text("utf-8")
    changed = corrupt(text)
    assert changed != text
    file.write_text(changed, "utf-8")
    _same(load_thesaurus(), built)
    assert len(parsed) == 2
    assert file.read_text("utf-8") == text
    load_thesaurus()
    assert len(parsed) == 2


def test_a_cache_folder_that_cannot_be_written_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: list[str]
) -> None:
    (tmp_path / "file").write_text("", "utf-8")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "file" / "cache"))
    built = load_thesaurus()
    _same(load_thesaurus(), built)
    assert len(parsed) == 2
    monkeypatch.setenv(CACHE_ENV, "off")
    _same(load_thesaurus(), built)
    assert len(parsed) == 3


def test_the_cache_keeps_the_last_thesauri_written(
    cache: Path, parsed: list[str], tmp_path: Path
) -> None:
    for n in range(_thesaurus_cache.KEPT + 2):
        user = tmp_path / f"concepts-{n}.toml"
        user.write_text(f'[concepts.c{n}]\nlabel = "concept {n}"\n', "utf-8")
        load_thesaurus(user, bundled=False)
    assert len(list(cache.glob("*.cache"))) == _thesaurus_cache.KEPT
    load_thesaurus(user, bundled=False)  # the last one is kept
    assert len(parsed) == _thesaurus_cache.KEPT + 2


def test_a_file_in_error_is_not_cached_and_errors_come_in_file_order(
    cache: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[concepts.x]\nlabel = "x"\ncategory = "nothing"\n', "utf-8")
    for _ in range(2):
        with pytest.raises(als.ThesaurusError, match="category"):
            load_thesaurus(bad, bundled=False)
    assert not list(cache.glob("*.cache"))
    with pytest.raises(als.ThesaurusError, match="category"):
        load_thesaurus(bad, tmp_path / "missing.toml", bundled=False)
    with pytest.raises(als.ThesaurusError, match="cannot read"):
        load_thesaurus(tmp_path / "missing.toml", bad, bundled=False)
