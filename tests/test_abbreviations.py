"""Abbreviations spelt out by a text: the long form before the parenthesis."""

from __future__ import annotations

import pytest

from alliance_search.abbreviations import definitions, singular


@pytest.mark.parametrize(
    ("text", "abbreviation", "long_form"),
    [
        (
            "Le traumatisme craniocérébral (TCC) est un enjeu de santé considérable.",
            "TCC",
            "traumatisme craniocérébral",
        ),
        (
            "Les employés ayant un sentiment d’efficacité personnelle (SEP) élevé.",
            "SEP",
            "sentiment d’efficacité personnelle",
        ),
        (
            "Le diagnostic du trouble de personnalité limite (TPL) à l’adolescence.",
            "TPL",
            "trouble de personnalité limite",
        ),
        (
            "La maladie d’Alzheimer (MA) est souvent accompagnée d’anxiété.",
            "MA",
            "maladie d’Alzheimer",
        ),
        (
            "Un trouble du spectre de l’autisme (TSA ; DSM-5) chez l’enfant.",
            "TSA",
            "trouble du spectre de l’autisme",
        ),
        (
            "La thérapie cognitive-comportementale (TCC), une approche prometteuse.",
            "TCC",
            "thérapie cognitive-comportementale",
        ),
        # a line break copied from a PDF in mid-sentence
        (
            "Les enfants ayant un trouble du spectre\nde l’autisme (TSA) et leurs parents.",
            "TSA",
            "trouble du spectre\nde l’autisme",
        ),
        ("Le traitement par la dopamine (DA) chez le rat.", "DA", "dopamine"),
        # the run whose initials spell it best, not the shortest that holds its letters
        (
            "Les problèmes liés à la pharmacothérapie (PRP) chez la personne âgée.",
            "PRP",
            "problèmes liés à la pharmacothérapie",
        ),
        (
            "Une leucémie lymphoblastique aiguë (LLA) chez l'enfant.",
            "LLA",
            "leucémie lymphoblastique aiguë",
        ),
        # ... but a word that holds them beats a run of words that do not
        (
            "Enregistrer l'activité à l'aide de l'électroencéphalographie (EEG).",
            "EEG",
            "électroencéphalographie",
        ),
        # in square brackets, as some abstracts write it
        (
            "L'activité du cortex médian préfrontal [CMP] pendant la méditation.",
            "CMP",
            "cortex médian préfrontal",
        ),
        # one word after a content word: the run goes on (*ambiant* alone is not AA)
        (
            "Des rats exposés à l'oxygène vs air ambiant (AA) du 3e au 10e jour.",
            "AA",
            "air ambiant",
        ),
    ],
)
def test_the_long_form_is_the_run_whose_initials_best_spell_the_abbreviation(
    text: str, abbreviation: str, long_form: str
) -> None:
    [found] = definitions(text)
    assert (found.abbreviation, found.long_form) == (abbreviation, long_form)
    assert text[found.start : found.end] == long_form


@pytest.mark.parametrize(
    "text",
    [
        "Les patients (voir tableau 2) ont été suivis.",  # not an abbreviation
        "Une étude québécoise (CIHR) sur le sommeil.",  # no run of words spells it
        "Le patient. (TCC) en est la cause.",  # a sentence ends before it
        "Des TCC sont de sévérité légère (TCCL) dans cet échantillon.",  # starts with one
        "Un score de 12 (ET) a été mesuré.",  # no word before it starts with E
        "Mesurée dans la viabilité des neutrophiles stimulés (LPS).",  # starts with *la*
        # an English name in French order: *mésenchymateuses* alone is not MSC
        "Des cellules souches mésenchymateuses (MSC) injectées.",
    ],
)
def test_nothing_is_defined_where_no_long_form_fits(text: str) -> None:
    assert definitions(text) == []


def test_several_definitions_in_order() -> None:
    text = (
        "Chez les personnes âgées avec un trouble cognitif léger (TCL) ou une maladie "
        "de Parkinson (MP), les fonctions exécutives (FE) déclinent."
    )
    assert [d.abbreviation for d in definitions(text)] == ["TCL", "MP", "FE"]


def test_a_plural_abbreviation_is_read_as_its_singular() -> None:
    assert singular("TSAs") == "TSA"
    assert singular("IRMf") == "IRMf"
    [found] = definitions("Des tests de sensibilité auditive (TSAs) répétés.")
    assert (found.abbreviation, singular(found.abbreviation)) == ("TSAs", "TSA")
