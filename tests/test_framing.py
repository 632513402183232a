"""Words of a query that frame its subject: a lead that asks for documents, a
question put after the subject."""

from __future__ import annotations

import pytest

from alliance_search._framing import request_end, request_tail


@pytest.mark.parametrize(
    ("typed", "subject"),
    [
        ("Quels articles parlent des patients borderline ?", "patients borderline ?"),
        ("je cherche des textes sur la démence", "démence"),
        ("Existe-t-il des publications à propos de l'hystérie ?", "l'hystérie ?"),
        ("articles concernant le bien-être", "bien-être"),  # a word, not two stop words
        ("y a-t-il des articles sur « pacte de soins »", "« pacte de soins »"),
        ("une liste d'articles sur l'anorexie", "l'anorexie"),  # elided article
        ("Comment prendre en charge la schizophrénie ?", "prendre en charge la schizophrénie ?"),
        ("pourquoi l'alliance échoue-t-elle ?", "l'alliance échoue-t-elle ?"),
        ("que sait-on de la démence ?", "démence ?"),
        ("etudes sur le methylphenidate", "methylphenidate"),  # studies, up to *sur*
        ("Recherches récentes concernant la pair-aidance", "pair-aidance"),
        # Nothing asks for documents, or nothing would be left: searched as typed.
        ("recherche clinique et démence", "recherche clinique et démence"),
        ("études de cas", "études de cas"),
        ("études de cas sur la psychose", "études de cas sur la psychose"),
        ("recherche qualitative sur le deuil", "recherche qualitative sur le deuil"),
        ("études sur", "études sur"),
        ("Article 64 du code pénal", "Article 64 du code pénal"),
        ("articles sur", "articles sur"),
        ("la porte ouverte", "la porte ouverte"),
        ("liste d'attente en CMP", "liste d'attente en CMP"),
        ("comment", "comment"),
        ("soins : comment faire", "soins : comment faire"),  # not first
    ],
)
def test_words_asking_for_documents_are_not_the_subject(typed: str, subject: str) -> None:
    assert typed[request_end(typed) :] == subject


@pytest.mark.parametrize(
    ("typed", "subject"),
    [
        ("Schizophrénie : que dit la littérature ?", "Schizophrénie : "),
        ("burn-out des soignants, quels articles ?", "burn-out des soignants, "),
        ("la démence dans la littérature", "la démence "),
        ("TCA : état des lieux", "TCA : "),
        ("Alliance thérapeutique : ce que dit la recherche", "Alliance thérapeutique : "),
        ("contention (articles récents)", "contention ("),
        # Subjects, quoted text, the whole query: searched as typed.
        ("la folie et la littérature", "la folie et la littérature"),
        ("quels articles ?", "quels articles ?"),
        ("démence : « que dit la littérature »", "démence : « que dit la littérature »"),
        ("soins : comment faire", "soins : comment faire"),
        ("patients âgés : recherche clinique", "patients âgés : recherche clinique"),
        # Where the subject is asked about, in words that fit any clinical text.
        ("Quelle place pour la zoothérapie dans le soin ?", "Quelle place pour la zoothérapie "),
        ("la relaxation au quotidien", "la relaxation "),
        ("psychiatrie en pratique", "psychiatrie "),
        ("la douleur dans les soins palliatifs", "la douleur dans les soins palliatifs"),
        ("infirmier en pratique avancée", "infirmier en pratique avancée"),
        ("schizophrénie, soins", "schizophrénie, soins"),
        ("soins", "soins"),
    ],
)
def test_a_question_after_the_subject_is_found(typed: str, subject: str) -> None:
    assert typed[: request_tail(typed)] == subject
