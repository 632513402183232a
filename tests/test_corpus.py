"""Corpus records: the table-of-contents parser, the loaders and every validation error."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

import alliance_search as als
from alliance_search.corpus import MAX_FIELD_CHARS

from .conftest import SEED_JSONL, SEED_TXT


def test_parse_issue_toc_reproduces_the_bundled_jsonl() -> None:
    parsed = als.parse_issue_toc(
        SEED_TXT.read_text("utf-8"), id_prefix="sm-", journal="Santé mentale"
    )
    assert parsed == als.load_corpus(SEED_JSONL)


def test_seed_has_the_presentation_ten_articles_and_four_others(seed_articles) -> None:
    assert len(seed_articles) == 15
    sections = [a.section for a in seed_articles]
    assert sections == ["dossier"] * 11 + ["et-aussi"] * 4
    titles = [a.title for a in seed_articles]
    assert titles[0] == "L'alliance thérapeutique en question"
    assert "Pour en savoir plus" in titles
    assert titles[-4:] == [
        "Charcot, un crayon à la main",
        "Le temps vécu dans la psychose",
        "Que le spectacle commence!",
        "Soins psychiques aux précaires",
    ]


def test_broken_summary_lines_are_joined_and_typography_is_kept(seed_articles) -> None:
    by_title = {a.title: a for a in seed_articles}
    nursing = by_title["Soins infirmiers : réinventer la relation?"].summary
    assert "doit aujourd’hui s’adapter et se reconfigurer." in nursing
    assert "\n" not in nursing
    dementia = by_title["Alliance thérapeutique dans la démence"].summary
    assert "« de son temps » mais plus encore sa temporalité" in dementia
    concept = by_title["L’alliance thérapeutique, un concept controversé"].summary
    assert concept.endswith(
        "patient. Apparemment évident, ce concept ne fait pas consensus. "
        "Exploration d’une notion dont la clinique reste à construire."
    )
    assert by_title["Avoir affaire l’un avec l’autre"].summary.endswith("Repères pour la pratique…")
    assert by_title["Le temps vécu dans la psychose"].summary == ""
    assert all(a.dossier == "L'alliance thérapeutique en question" for a in seed_articles)


def test_parse_issue_toc_on_another_pasted_issue() -> None:
    toc = (
        "Présentation du dossier sur la contention, qui interroge les pratiques des équipes.\n\n"
        "Isolement et contention\n"
        "Sommaire\n"
        "La chambre d’isolement\n"
        "Les soignants décrivent la mise en chambre d’isolement et ses effets sur la\n"
        "relation thérapeutique.\n"
        "Et aussi dans ce numéro\n"
        "Le psychodrame avec les adolescents\n"
    )
    articles = als.parse_issue_toc(toc, id_prefix="sm200-", year=2015)
    assert [(a.id, a.section) for a in articles] == [
        ("sm200-isolement-et-contention", "dossier"),
        ("sm200-la-chambre-d-isolement", "dossier"),
        ("sm200-le-psychodrame-avec-les-adolescents", "et-aussi"),
    ]
    assert articles[1].summary.endswith("effets sur la relation thérapeutique.")
    assert articles[0].summary.startswith("Présentation du dossier")
    assert {a.year for a in articles} == {2015}


def test_parse_issue_toc_reads_the_issue_line_above_the_contents() -> None:
    toc = (
        "Santé mentale n° 215 - Février 2017\n\n"
        "Le dossier interroge la contention et ses effets sur les équipes.\n\n"
        "Isolement et contention\n"
        "La chambre d’isolement\n"
        "Les soignants décrivent la mise en chambre d’isolement.\n"
    )
    articles = als.parse_issue_toc(toc, id_prefix="sm215-")
    assert [a.title for a in articles] == ["Isolement et contention", "La chambre d’isolement"]
    assert articles[0].summary.startswith("Le dossier interroge")
    assert {(a.journal, a.issue, a.year, a.dossier) for a in articles} == {
        ("Santé mentale", "n° 215 - Février 2017", 2017, "Isolement et contention")
    }
    given = als.parse_issue_toc(toc, journal="SM", issue="215", year=2016)
    assert {(a.journal, a.issue, a.year) for a in given} == {("SM", "215", 2016)}


@pytest.mark.parametrize(
    "dossier",
    [
        "Mai 1968 et la psychiatrie",
        "Soins sans consentement : la loi du 5 juillet 2011",
        "Le numéro 15, une revue qui soigne",
    ],
)
def test_parse_issue_toc_keeps_a_dossier_title_that_names_a_date_or_a_number(
    dossier: str,
) -> None:
    for blank in ("\n", "\n\n", "\n \u00a0\n"):
        toc = f"{dossier}{blank}La chambre d’isolement\nUn texte sur la chambre.\n"
        articles = als.parse_issue_toc(toc)
        assert [a.title for a in articles] == [dossier, "La chambre d’isolement"]
        assert {(a.issue, a.year) for a in articles} == {("", None)}


@pytest.mark.parametrize(
    ("line", "journal", "issue", "year"),
    [
        ("Santé mentale, février 2017", "Santé mentale", "février 2017", 2017),
        ("N° 180 – septembre 2013", "", "N° 180 – septembre 2013", 2013),
        ("Numéro 12, printemps 2020", "", "Numéro 12, printemps 2020", 2020),
        ("Février 2017 - N° 215", "", "Février 2017 - N° 215", 2017),
        ("Santé mentale nº 140", "Santé mentale", "nº 140", None),
        ("Sommaire du n° 140 - sept. 2009", "", "n° 140 - sept. 2009", 2009),
        (
            "Soins Psychiatrie, vol. 44, n° 345, mars-avril 2023",
            "Soins Psychiatrie",
            "vol. 44, n° 345, mars-avril 2023",
            2023,
        ),
        (
            "L'Information psychiatrique – 2022 – n° 7",
            "L'Information psychiatrique",
            "2022 – n° 7",
            2022,
        ),
    ],
)
def test_parse_issue_toc_reads_issue_lines_as_journal_sites_write_them(
    line: str, journal: str, issue: str, year: int | None
) -> None:
    # a "Sommaire" line above, a blank line holding spaces, Windows line ends, a BOM
    toc = f"\ufeffSommaire\r\n{line}\r\n  \r\nLe dossier\r\nLe soin\r\nUn texte sur le soin.\r\n"
    articles = als.parse_issue_toc(toc)
    assert [a.title for a in articles] == ["Le dossier", "Le soin"]
    assert {(a.journal, a.issue, a.year) for a in articles} == {(journal, issue, year)}


def test_parse_issue_toc_reads_an_issue_line_with_no_blank_line_below() -> None:
    toc = "Santé mentale n° 215 - Février 2017\nLe dossier\nLe soin\nUn texte sur le soin.\n"
    articles = als.parse_issue_toc(toc)
    assert [a.title for a in articles] == ["Le dossier", "Le soin"]
    assert {(a.journal, a.issue, a.year) for a in articles} == {
        ("Santé mentale", "n° 215 - Février 2017", 2017)
    }


def test_parse_issue_toc_reads_rubriques_and_aussi_dans_ce_numero_as_other_pages() -> None:
    for heading in (
        "Rubriques",
        "Aussi dans ce numéro",
        "Et aussi dans ce numéro :",
        "ET AUSSI DANS CE NUMÉRO…",
        "Et aussi :",
        "Dans ce numéro",
    ):
        toc = f"Le dossier\nLe soin\nUn texte sur le soin.\n{heading}\nLa chronique\n"
        articles = als.parse_issue_toc(toc)
        assert [(a.title, a.section) for a in articles] == [
            ("Le dossier", "dossier"),
            ("Le soin", "dossier"),
            ("La chronique", "et-aussi"),
        ]


# A table of contents as a printed issue writes it: page numbers before or after the
# titles, list marks, lines of authors, "Et aussi :" with its first title.
PAGED_TOC = """\
Santé mentale n° 190 – Septembre 2014

Dossier : Les soins sans consentement
Sommaire
• p. 24 – Le juge et le psychiatre
Par Marie Durand, psychiatre, et Paul Martin, juriste
Depuis la loi de 2011, le juge contrôle les hospitalisations sans consentement.
• p. 30 – le programme de soins, une contrainte hors les murs
Auteure : Jeanne Petit
Des soins sans consentement en ambulatoire : quelles limites ?
• Isolement et contention ....... 36
Les pratiques d'isolement interrogent les équipes
et leur rapport à la contrainte.
• 15 ans de soins à domicile, p. 42
Et aussi : Charcot, un crayon à la main (p. 60)
Un ouvrage illustré sur Charcot.
"""


def test_parse_issue_toc_leaves_page_numbers_list_marks_and_authors_out_of_titles() -> None:
    articles = als.parse_issue_toc(PAGED_TOC)
    assert {a.dossier for a in articles} == {"Les soins sans consentement"}
    assert [(a.title, a.section, a.authors) for a in articles] == [
        ("Le juge et le psychiatre", "dossier", ("Marie Durand", "Paul Martin")),
        ("le programme de soins, une contrainte hors les murs", "dossier", ("Jeanne Petit",)),
        ("Isolement et contention", "dossier", ()),
        ("15 ans de soins à domicile", "dossier", ()),
        ("Charcot, un crayon à la main", "et-aussi", ()),
    ]
    by_title = {a.title: a.summary for a in articles}
    # a title in lower case after its page number is a title, not the end of a summary
    assert by_title["Le juge et le psychiatre"].endswith("sans consentement.")
    # the line after a numbered title is its summary, though it ends with "?"
    assert by_title["le programme de soins, une contrainte hors les murs"] == (
        "Des soins sans consentement en ambulatoire : quelles limites ?"
    )
    assert by_title["Isolement et contention"] == (
        "Les pratiques d'isolement interrogent les équipes et leur rapport à la contrainte."
    )
    assert by_title["Charcot, un crayon à la main"] == "Un ouvrage illustré sur Charcot."
    assert {(a.journal, a.issue, a.year) for a in articles} == {
        ("Santé mentale", "n° 190 – Septembre 2014", 2014)
    }


def test_parse_issue_toc_reads_a_presentation_under_the_dossier_title() -> None:
    toc = (
        "DOSSIER : L'alliance thérapeutique en question\n"
        "L’alliance thérapeutique renvoie à une collaboration entre des partenaires "
        "autour d’un même but : soigner, être soigné.\n\n"
        "SOMMAIRE\n"
        "p. 24 – L’alliance thérapeutique, un concept controversé\n"
        "Jean Dupont, psychiatre\n"
        "Une relation consciente de collaboration entre un thérapeute et un patient.\n"
        "p. 30 – Avoir affaire l’un avec l’autre\n"
        "Repères pour la pratique…\n"
    )
    articles = als.parse_issue_toc(toc)
    assert [(a.title, a.summary[:25], a.authors) for a in articles] == [
        ("L'alliance thérapeutique en question", "L’alliance thérapeutique ", ()),
        (
            "L’alliance thérapeutique, un concept controversé",
            "Une relation consciente d",
            ("Jean Dupont",),
        ),
        ("Avoir affaire l’un avec l’autre", "Repères pour la pratique…", ()),
    ]


def test_parse_issue_toc_keeps_numbers_and_words_that_only_look_like_marks() -> None:
    toc = (
        "Le dossier\n"
        "Par-delà la folie\n"
        "Un texte sur la folie et ce que les soignants en disent\n"
        "par amour du soin, disent-ils.\n"
        "15 ans après la loi\n"
        "Un bilan.\n"
        "Covid 19 et psychiatrie\n"
        "Et aussi des soins\n"
        "Jean-Martin Charcot, un crayon à la main\n"
    )
    articles = als.parse_issue_toc(toc)
    assert [(a.title, a.authors) for a in articles] == [
        ("Le dossier", ()),
        ("Par-delà la folie", ()),
        ("15 ans après la loi", ()),
        ("Covid 19 et psychiatrie", ()),
        ("Et aussi des soins", ()),
        ("Jean-Martin Charcot, un crayon à la main", ()),
    ]
    assert articles[1].summary.endswith("disent par amour du soin, disent-ils.")
    assert {a.section for a in articles} == {"dossier"}


# A printed issue with rubrics before and after the dossier (written for this test).
RUBRICS_TOC = """\
SOMMAIRE

Éditorial
p. 3 – La psychiatrie à l'épreuve du manque de soignants
Par Anne Lefèvre, rédactrice en chef

Actualités
p. 5 – Pair-aidance : un métier se structure
Le statut des médiateurs de santé pairs reste flou dans de nombreux établissements.

Dossier : Le rétablissement en pratique
p. 12 – Le rétablissement, une notion à clarifier
Issue du mouvement des usagers, la notion bouscule les repères des soignants.
Par Jean Moreau, psychiatre
p. 18 – Plan de crise conjoint : mode d'emploi
Élaboré avec l'usager avant la crise, il favorise l'autodétermination.

Lu pour vous
p. 40 – « Les voix qu'on n'entend pas »
Un témoignage sur la vie avec des hallucinations auditives.

CULTURE
p. 44 – Le théâtre à l'hôpital
"""


def test_parse_issue_toc_reads_rubrics_and_a_dossier_heading_anywhere() -> None:
    articles = als.parse_issue_toc(RUBRICS_TOC)
    assert [(a.title, a.section, a.authors) for a in articles] == [
        ("La psychiatrie à l'épreuve du manque de soignants", "editorial", ("Anne Lefèvre",)),
        ("Pair-aidance : un métier se structure", "actualites", ()),
        # the heading "Dossier : …" with no presentation under it names the dossier only
        ("Le rétablissement, une notion à clarifier", "dossier", ("Jean Moreau",)),
        ("Plan de crise conjoint : mode d'emploi", "dossier", ()),
        ("« Les voix qu'on n'entend pas »", "lu-pour-vous", ()),
        ("Le théâtre à l'hôpital", "culture", ()),
    ]
    assert {a.dossier for a in articles} == {"Le rétablissement en pratique"}
    # the heading after an article without summary is no summary of it
    assert articles[0].summary == ""
    assert articles[1].summary.startswith("Le statut des médiateurs")


@pytest.mark.parametrize(
    ("toc", "expected"),
    [
        (  # a summary copied from a PDF, broken after *au* before a capital
            "Bipolaires\n\nPsychoéducation en groupe\nUn programme a été mis en place au\n"
            "Centre hospitalier Le Vinatier pour les patients stabilisés. Bilan.\n",
            [("Psychoéducation en groupe", "Un programme a été mis en place au Centre")],
        ),
        (  # a title in lower case after a summary's full stop is a title
            "Le dossier\nLa téléconsultation\nUn bilan de trois ans.\n"
            "e-santé mentale : promesses et limites\nCe que les applications changent.\n",
            [
                ("La téléconsultation", "Un bilan de trois ans."),
                ("e-santé mentale : promesses et limites", "Ce que les applications"),
            ],
        ),
        (  # a page number alone on its line, or after a dash
            "Le dossier\n12\nLe vécu des patients isolés\nUn texte sur l'isolement.\n"
            "La loi – 18\nUn texte sur la loi.\n",
            [
                ("Le vécu des patients isolés", "Un texte sur l'isolement."),
                ("La loi", "Un texte sur la loi."),
            ],
        ),
        (  # what a journal's site writes between its articles
            "Le dossier\nLe soin\nUn texte sur le soin.\nLire la suite\n"
            "Article réservé aux abonnés\nLa loi\nUn texte sur la loi.\nLire la suite\n",
            [("Le soin", "Un texte sur le soin."), ("La loi", "Un texte sur la loi.")],
        ),
        (  # numbers of a title, and *Par* before no name
            "Le dossier\n2 Français sur 3 ont déjà consulté un psy\nUne enquête.\n"
            "Par Internet, consulter un psy\nLa téléconsultation s'installe.\n",
            [
                ("2 Français sur 3 ont déjà consulté un psy", "Une enquête."),
                ("Par Internet, consulter un psy", "La téléconsultation s'installe."),
            ],
        ),
        (  # page numbers and a space, where most lines start with one
            "Le dossier\n3 Éditorial : soigner\n6 – Brèves\n12 – Le secteur a 60 ans\n"
            "Né de la circulaire de 1960.\n",
            [
                ("Éditorial : soigner", ""),
                ("Brèves", ""),
                ("Le secteur a 60 ans", "Né de la circulaire de 1960."),
            ],
        ),
    ],
)
def test_parse_issue_toc_reads_contents_copied_from_pdfs_and_sites(toc: str, expected) -> None:
    """Shapes a usability audit pasted (round 30), in tables of contents written for
    these tests."""
    articles = als.parse_issue_toc(toc)[1:]
    assert [a.title for a in articles] == [title for title, _ in expected]
    for article, (_, summary) in zip(articles, expected, strict=True):
        assert article.summary.startswith(summary) and (summary or not article.summary)


def test_parse_issue_toc_reads_a_first_word_in_capitals_as_the_dossier() -> None:
    toc = "AUTISME\nL'école inclusive\nUn texte sur l'école.\nCULTURE\nUn film\nUn texte.\n"
    articles = als.parse_issue_toc(toc)
    assert [(a.title, a.section) for a in articles] == [
        ("AUTISME", "dossier"),
        ("L'école inclusive", "dossier"),
        ("Un film", "culture"),
    ]
    assert {a.dossier for a in articles} == {"AUTISME"}


def test_parse_issue_toc_takes_authors_out_of_the_end_of_titles() -> None:
    toc = (
        "Le dossier\n"
        "Chemsex : une urgence de santé publique — Julien Garnier\nUn texte sur le chemsex.\n"
        "La réduction des risques, par Amélie Perrin\nUn texte sur les risques.\n"
        "Jeux d'argent (Olivier Fontaine)\nUn texte sur le jeu.\n"
        "Le soin — Le Vinatier\nUn texte sur un hôpital.\n"
        "Schizophrénie n° 3\nUn texte.\n"
    )
    articles = als.parse_issue_toc(toc)[1:]
    assert [(a.id, a.title, a.authors) for a in articles] == [
        (
            "chemsex-une-urgence-de-sante-publique",
            "Chemsex : une urgence de santé publique",
            ("Julien Garnier",),
        ),
        ("la-reduction-des-risques", "La réduction des risques", ("Amélie Perrin",)),
        ("jeux-d-argent", "Jeux d'argent", ("Olivier Fontaine",)),
        ("le-soin-le-vinatier", "Le soin — Le Vinatier", ()),  # a place, after an article
        ("schizophrenie-n-3", "Schizophrénie n° 3", ()),  # not n-deg-3
    ]
    assert articles[0].summary == "Un texte sur le chemsex."


def test_parse_issue_toc_warns_of_authors_before_any_title(caplog) -> None:
    toc = "Par Marie Durand\nLe dossier\nLe soin\nUn texte sur le soin.\n"
    with caplog.at_level(logging.WARNING, logger="alliance_search"):
        articles = als.parse_issue_toc(toc, source="sommaire.txt")
    assert [(a.title, a.authors) for a in articles] == [("Le dossier", ()), ("Le soin", ())]
    assert "sommaire.txt, line 1: authors before any title, left out" in caplog.text


# A site's contents where some summaries have no full stop, some titles do, and one
# title has its subtitle on the next line (written for these tests).
VIOLENCE_TOC = """\
Violence et soins
La violence à l'hôpital
Comment réagir face à un patient menaçant ?
La contention en question
Retour sur dix ans de pratique dans un service fermé
Le débriefing après un incident
Les équipes qui se parlent après une crise la vivent mieux.
Prévenir, plutôt que contenir.
Repérer les signes avant-coureurs évite bien des contentions.
{long_title}
Les proches se disent souvent tenus à l'écart des décisions de soin.
Soigner en prison
Entre contrainte et alliance
Les soignants des unités sanitaires composent avec les règles de la détention.
Le temps de l'isolement
Faut-il avoir peur des patients ?
Une enquête auprès de 300 infirmiers montre que la peur reste taboue dans les équipes.
Et aussi dans ce numéro
Soigner, encore.
Une soignante raconte trente ans de métier.
Le psychodrame avec les adolescents
Pourquoi jouer plutôt que parler ?
""".format(
    long_title="L'accompagnement des familles de patients hospitalisés sans consentement "
    "dans les services de psychiatrie"  # 105 characters, no final stop
)


def test_parse_issue_toc_tells_short_summaries_from_titles() -> None:
    articles = als.parse_issue_toc(VIOLENCE_TOC)
    by_title = {a.title: a.summary for a in articles}
    assert list(by_title) == [
        "Violence et soins",
        "La violence à l'hôpital",
        "La contention en question",
        "Le débriefing après un incident",
        "Prévenir, plutôt que contenir.",
        "L'accompagnement des familles de patients hospitalisés sans consentement dans les "
        "services de psychiatrie",
        "Soigner en prison : entre contrainte et alliance",
        "Le temps de l'isolement",
        "Faut-il avoir peur des patients ?",
        "Soigner, encore.",
        "Le psychodrame avec les adolescents",
    ]
    # a question under a title, above another title, is its summary
    assert by_title["La violence à l'hôpital"] == "Comment réagir face à un patient menaçant ?"
    # so is a line with no full stop, above a title and its summary
    assert by_title["La contention en question"] == (
        "Retour sur dix ans de pratique dans un service fermé"
    )
    assert by_title["Le psychodrame avec les adolescents"] == "Pourquoi jouer plutôt que parler ?"
    # a question above a summary is a title, the one above it has no summary
    assert by_title["Le temps de l'isolement"] == ""
    assert by_title["Faut-il avoir peur des patients ?"].startswith("Une enquête auprès")
    # a title with a full stop, or long, above a summary is no end of the summary before
    assert by_title["Le débriefing après un incident"].endswith("la vivent mieux.")
    assert by_title["Prévenir, plutôt que contenir."].startswith("Repérer les signes")
    assert by_title["Soigner en prison : entre contrainte et alliance"].startswith(
        "Les soignants des unités sanitaires"
    )
    # a line right under a heading is never the summary of the article before it
    assert by_title["Soigner, encore."] == "Une soignante raconte trente ans de métier."
    assert [a.section for a in articles][-2:] == ["et-aussi", "et-aussi"]


@pytest.mark.parametrize(
    ("toc", "expected"),
    [
        (  # a second paragraph with a full stop, above a title, stays in the summary
            "Le dossier\nLa loi\nUn texte sur la loi de 2011 et ses effets.\nUn bilan.\n"
            "Le soin\nUn texte sur le soin.\n",
            [
                ("La loi", "Un texte sur la loi de 2011 et ses effets. Un bilan."),
                ("Le soin", "Un texte sur le soin."),
            ],
        ),
        (  # a subtitle keeps its capital where its first word is a name
            "Le dossier\nUne équipe mobile pour les sans-abri\nMarseille, dix ans après\n"
            "Un texte sur l'équipe.\nLe soin\nL'hôpital de jour en question\nUn texte.\n",
            [
                (
                    "Une équipe mobile pour les sans-abri : Marseille, dix ans après",
                    "Un texte sur l'équipe.",
                ),
                ("Le soin : l'hôpital de jour en question", "Un texte."),
            ],
        ),
        (  # no subtitle under a title that has one after its colon, or under authors
            "Le dossier\nPsychiatrie : l'alliance en question\nEntre contrainte et soin\n"
            "Un texte sur le soin.\nLe soin\nPar Marie Durand, psychiatre\nLa loi\n"
            "Un texte sur la loi.\n",
            [
                ("Psychiatrie : l'alliance en question", ""),
                ("Entre contrainte et soin", "Un texte sur le soin."),
                ("Le soin", ""),
                ("La loi", "Un texte sur la loi."),
            ],
        ),
    ],
    ids=["second-paragraph", "subtitles", "no-subtitle"],
)
def test_parse_issue_toc_keeps_summaries_whole_and_joins_subtitles(toc: str, expected) -> None:
    articles = als.parse_issue_toc(toc)[1:]
    assert [(a.title, a.summary) for a in articles] == expected


def test_parse_issue_toc_gives_authors_written_above_their_titles_to_those() -> None:
    above = (
        "Dossier : Le rétablissement\n"
        "Par Claire Martin, psychiatre\n"
        "Le rétablissement, une notion à clarifier\n"
        "Issue du mouvement des usagers, la notion bouscule les repères des soignants.\n"
        "Par Jean Moreau, infirmier\n"
        "Plan de crise conjoint : mode d'emploi\n"
        "Élaboré avec l'usager avant la crise, il favorise l'autodétermination.\n"
        "Lu pour vous\n"
        "Par Anne Lefèvre\n"
        "« Les voix qu'on n'entend pas »\n"
        "Un témoignage sur la vie avec des hallucinations auditives.\n"
    )
    assert [(a.title, a.authors) for a in als.parse_issue_toc(above)] == [
        ("Le rétablissement, une notion à clarifier", ("Claire Martin",)),
        ("Plan de crise conjoint : mode d'emploi", ("Jean Moreau",)),
        ("« Les voix qu'on n'entend pas »", ("Anne Lefèvre",)),
    ]
    # under a summary, authors are the article's if its last ones are under its
    # summary too; they go down only where the article has authors already
    below = (
        "Le dossier\nLe soin\nUn texte sur le soin.\nPar Marie Durand, psychiatre\n"
        "La loi\nUn texte sur la loi.\nPar Paul Petit, juriste\n"
    )
    assert [a.authors for a in als.parse_issue_toc(below)] == [
        (),
        ("Marie Durand",),
        ("Paul Petit",),
    ]
    mixed = (
        "Le dossier\nLe soin\nPar Marie Durand, psychiatre\nUn texte sur le soin.\n"
        "Par Paul Petit, juriste\nLa loi\nUn texte sur la loi.\n"
    )
    assert [a.authors for a in als.parse_issue_toc(mixed)] == [
        (),
        ("Marie Durand",),
        ("Paul Petit",),
    ]


def test_parse_issue_toc_reads_names_only_as_authors_under_a_title() -> None:
    toc = (
        "Le dossier\n"
        "Les groupes d'entendeurs de voix\n"
        "Marie Durand et Paul Petit\n"
        "Un groupe d'entraide pour les personnes qui entendent des voix.\n"
        "La psychoéducation des familles\n"
        "Un programme pour les proches.\n"
        "Dr Anne Roux, Luc Martin-Dupré & Inès de La Salle\n"
        "Lu pour vous\n"
        "Sigmund Freud et Carl Jung\n"
        "Une amitié rompue, racontée à partir de leur correspondance.\n"
        "\n"
        "Jean Oury et Félix Guattari\n"
        "La clinique de La Borde, vue par deux de ses acteurs.\n"
        "Freud et Lacan\n"
        "Deux lectures de l'inconscient.\n"
        "Le soin en hôpital de jour\n"
        "Claire Martin\n"
        "Un texte sur l'hôpital de jour.\n"
        "Jean Oury\n"
        "Un portrait du fondateur de La Borde.\n"
    )
    articles = als.parse_issue_toc(toc)
    assert [(a.title, a.authors) for a in articles] == [
        ("Le dossier", ()),
        ("Les groupes d'entendeurs de voix", ("Marie Durand", "Paul Petit")),
        # under a summary and above none
        (
            "La psychoéducation des familles",
            ("Anne Roux", "Luc Martin-Dupré", "Inès de La Salle"),  # no *Dr*
        ),
        # under a heading, under a blank line, a single word each: titles
        ("Sigmund Freud et Carl Jung", ()),
        ("Jean Oury et Félix Guattari", ()),
        ("Freud et Lacan", ()),
        # one name: authors right under a title only (no subtitle), a title elsewhere
        ("Le soin en hôpital de jour", ("Claire Martin",)),
        ("Jean Oury", ()),
    ]
    assert articles[1].summary.startswith("Un groupe d'entraide")
    assert articles[-2].summary == "Un texte sur l'hôpital de jour."


def test_parse_issue_toc_reads_a_name_and_profession_as_a_title_above_a_summary() -> None:
    toc = (
        "Le dossier\n"
        "Le soin\n"
        "Un texte sur le soin.\n"
        "Et aussi dans ce numéro\n"
        "Henri Ey, psychiatre et philosophe\n"
        "Relire l'œuvre d'Henri Ey éclaire les débats actuels sur l'organisation des soins.\n"
        "La loi\n"
        "Jean Dupont, juriste\n"
        "Un texte sur la loi.\n"
        "Marie Martin, psychologue\n"
        "Un portrait de la psychologue Marie Martin.\n"
    )
    articles = als.parse_issue_toc(toc)
    assert [(a.title, a.authors) for a in articles] == [
        ("Le dossier", ()),
        ("Le soin", ()),
        ("Henri Ey, psychiatre et philosophe", ()),
        ("La loi", ("Jean Dupont",)),  # under a title: its author
        ("Marie Martin, psychologue", ()),
    ]
    assert articles[2].summary.startswith("Relire l'œuvre d'Henri Ey")
    assert articles[1].summary == "Un texte sur le soin."
    # the first line too, if a summary is under it
    first = als.parse_issue_toc("Henri Ey, psychiatre et philosophe\nRelire son œuvre.\n")
    assert [(a.title, a.summary) for a in first] == [
        ("Henri Ey, psychiatre et philosophe", "Relire son œuvre.")
    ]


def test_parse_issue_toc_rejects_empty_text() -> None:
    with pytest.raises(als.CorpusError, match="empty"):
        als.parse_issue_toc("  \n\n ")


# The source of a journal's web page, as a browser's "view source" shows it.
HTML_TOC = """\
<div class="sommaire">
  <h2>Dossier : Soigner en prison</h2>
  <p><a href="/article/soins-en-detention">Les soins en détention</a></p>
  <p>Les équipes des unités sanitaires décrivent leur travail auprès des détenus.</p>
</div>
"""
# A PDF file opened as text: its objects and streams, not the words on the page.
PDF_TOC = """\
Sommaire du numéro
4 0 obj
<< /Length 1520 /Filter /FlateDecode >>
stream
x\u009c\u00ad\u0093\u00cbn\u00db0
endstream
endobj
"""


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (HTML_TOC, "HTML source of a web page"),
        ("<html><body>" + HTML_TOC + "</body></html>", "save it as text"),
        (PDF_TOC, "inside of a PDF file"),
        ("%PDF-1.7\n" + PDF_TOC, "copy it into a text file"),
    ],
    ids=["html", "html-page", "pdf-objects", "pdf-header"],
)
def test_parse_issue_toc_refuses_html_and_the_inside_of_a_pdf(text: str, says: str) -> None:
    with pytest.raises(als.CorpusError, match=says) as caught:
        als.parse_issue_toc(text, source="sommaire.txt")
    assert str(caught.value).startswith("sommaire.txt: ")


def test_parse_issue_toc_reads_a_sign_or_a_word_that_only_looks_like_markup() -> None:
    toc = (
        "Le dossier\n"
        "Les enfants de <3 ans et l'écran\n"
        "Avant 3 ans, <1 h d'écran par jour : le stream et les <i>réseaux</i> en débat.\n"
    )
    articles = als.parse_issue_toc(toc)
    assert [a.title for a in articles] == ["Le dossier", "Les enfants de <3 ans et l'écran"]


def test_default_corpus_is_the_bundled_seed() -> None:
    assert als.load_corpus() == als.load_corpus(als.bundled_corpus_path())


RECORD = {
    "id": "a1",
    "title": "Anorexie mentale à l’adolescence",
    "summary": "Une prise en charge.",
}


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, "utf-8")
    return path


def test_loads_json_array_csv_and_folder(tmp_path: Path) -> None:
    write(
        tmp_path / "a.json",
        json.dumps([RECORD, {"id": "a2", "title": "Démence", "year": 2009}], ensure_ascii=False),
    )
    write(
        tmp_path / "b.csv",
        "id,title,summary,keywords,year\n"
        'b1,"Soins, sans consentement","Texte, avec virgule",contention; isolement,2012\n',
    )
    articles = als.load_corpus(tmp_path)
    assert [a.id for a in articles] == ["a1", "a2", "b1"]
    assert articles[1].year == 2009
    assert articles[2].title == "Soins, sans consentement"
    assert articles[2].keywords == ("contention", "isolement")
    assert articles[2].year == 2012


def test_a_bom_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", ("\ufeff" + json.dumps(RECORD) + "\n").encode("utf-8"))
    assert als.load_corpus(path)[0].id == "a1"


def expect_error(path: Path, *, line: int | None, field: str | None, match: str) -> None:
    with pytest.raises(als.CorpusError, match=match) as info:
        als.load_corpus(path)
    err = info.value
    assert err.source == str(path) or err.source == str(path.parent)
    assert err.line == line
    assert err.field == field
    assert str(path.name) in str(err)


@pytest.mark.parametrize(
    ("records", "line", "field", "match"),
    [
        ([RECORD, {"title": "Sans identifiant"}], 2, "id", "required"),
        ([RECORD, {"id": "x", "title": ""}], 2, "title", "required"),
        ([{"id": 12, "title": "Id numérique"}], 1, "id", "must be a string"),
        ([{"id": "x", "title": ["liste"]}], 1, "title", "must be a string"),
        ([{"id": "x", "title": "T", "summary": {"a": 1}}], 1, "summary", "must be a string"),
        ([{"id": "x", "title": "T", "year": "deux mille"}], 1, "year", "year"),
        ([{"id": "x", "title": "T", "authors": [1, 2]}], 1, "authors", "list of strings"),
        ([RECORD, RECORD], 2, "id", "duplicate id 'a1'"),
        (["not an object"], 1, None, "expected an object"),
    ],
)
def test_invalid_jsonl_records(tmp_path: Path, records, line, field, match) -> None:
    path = write(tmp_path / "bad.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    expect_error(path, line=line, field=field, match=match)


def test_malformed_json_line(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.jsonl", json.dumps(RECORD) + '\n\n{"id": "x", "title": \n')
    expect_error(path, line=3, field=None, match="invalid JSON")


def test_a_json_line_cut_short_is_said_so(tmp_path: Path) -> None:
    """A record missing its closing brace had been reported at column 1 (of the line
    break after it), where nothing is wrong."""
    cut = json.dumps(RECORD)[:-1]  # no closing brace
    path = write(tmp_path / "cut.jsonl", f"{json.dumps(RECORD)}\n{cut}\n{json.dumps(RECORD)}\n")
    expect_error(path, line=2, field=None, match="end of the line: a missing } or closing quote")
    unquoted = '{"id": "x", "title": La démence}'
    path = write(tmp_path / "unquoted.jsonl", unquoted + "\n")
    expect_error(path, line=1, field=None, match=f"at column {unquoted.index('La') + 1}")


def test_malformed_json_array_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.json", '[\n  {"id": "a", "title": "A"},\n  {"id": "b"}\n]')
    expect_error(path, line=3, field="title", match="required")
    path = write(tmp_path / "bad2.json", '[\n  {"id": "a", "title": "A"}\n  {"id": "b"}\n]')
    expect_error(path, line=3, field=None, match="expected ',' or ']'")
    path = write(tmp_path / "obj.json", '{"id": "a", "title": "A"}')
    expect_error(path, line=1, field=None, match="array")


def test_non_utf8_bytes(tmp_path: Path) -> None:
    path = write(
        tmp_path / "latin1.jsonl",
        (json.dumps(RECORD) + "\n").encode()
        + '{"id": "b", "title": "Démence"}\n'.encode("latin-1"),
    )
    expect_error(path, line=2, field=None, match="UTF-8")


def test_empty_file_and_empty_folder(tmp_path: Path) -> None:
    expect_error(write(tmp_path / "empty.jsonl", "\n  \n"), line=None, field=None, match="empty")
    folder = tmp_path / "nothing"
    folder.mkdir()
    (folder / "notes.txt").write_text("pas un corpus")
    with pytest.raises(als.CorpusError, match="no corpus file") as info:
        als.load_corpus(folder)
    assert info.value.source == str(folder)


def test_missing_path_and_unsupported_type(tmp_path: Path) -> None:
    with pytest.raises(als.CorpusError, match="no such file"):
        als.load_corpus(tmp_path / "absent.jsonl")
    with pytest.raises(als.CorpusError, match="unsupported file type"):
        als.load_corpus(write(tmp_path / "x.xml", "<a/>"))


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path / "1.jsonl", json.dumps(RECORD) + "\n")
    second = write(
        tmp_path / "2.jsonl",
        json.dumps({"id": "z", "title": "Z"}) + "\n" + json.dumps(RECORD) + "\n",
    )
    with pytest.raises(
        als.CorpusError, match=r"duplicate id 'a1' \(first seen at .*1.jsonl, line 1\)"
    ) as info:
        als.load_corpus(tmp_path)
    assert (info.value.source, info.value.line) == (str(second), 2)


def test_csv_without_header_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", "a1,Anorexie mentale\n")
    expect_error(path, line=1, field=None, match="header row")


def test_csv_row_with_too_many_cells(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", "id,title\na1,Anorexie\na2,Démence,en trop\n")
    expect_error(path, line=3, field=None, match="more cells")


def test_csv_missing_title_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", "id,title\na1,Anorexie\na2,\n")
    expect_error(path, line=3, field="title", match="required")


def test_field_over_the_size_limit(tmp_path: Path) -> None:
    big = {"id": "big", "title": "T", "summary": "x" * (MAX_FIELD_CHARS + 1)}
    path = write(tmp_path / "big.jsonl", json.dumps(big) + "\n")
    expect_error(path, line=1, field="summary", match="characters long")


def test_unknown_fields_give_one_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write(tmp_path / "extra.jsonl", json.dumps({**RECORD, "doi": "10.1/x"}) + "\n")
    with caplog.at_level(logging.WARNING, logger="alliance_search"):
        articles = als.load_corpus(path)
    assert articles[0].id == "a1"
    assert any("unknown field(s) doi" in r.getMessage() for r in caplog.records)


def test_unknown_fields_are_said_once_per_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A Zotero export with a *doi* field on each of 300 records had logged 300 lines."""
    lines = [json.dumps({**RECORD, "id": f"a{i}", "doi": f"10.1/{i}"}) for i in range(300)]
    path = write(tmp_path / "export.jsonl", "\n".join(lines) + "\n")
    with caplog.at_level(logging.WARNING, logger="alliance_search"):
        assert len(als.load_corpus(path)) == 300
    said = [r.getMessage() for r in caplog.records if "unknown field" in r.getMessage()]
    assert said == [f"{path}: ignoring unknown field(s) doi (300 records)"]


def test_write_jsonl_round_trip(tmp_path: Path, seed_articles) -> None:
    out = tmp_path / "copy.jsonl"
    als.write_jsonl(seed_articles, out)
    assert als.load_corpus(out) == seed_articles
    assert "’" in out.read_text("utf-8")  # typography kept, not escaped


def test_a_csv_saved_by_a_french_spreadsheet_is_read(tmp_path: Path) -> None:
    """French Excel separates cells with semicolons and may capitalise the header;
    such a file had been refused for missing the columns it names."""
    semicolons = tmp_path / "sommaire.csv"
    semicolons.write_text("\ufeffID;Title;summary\ns1;Alliance;La relation, au centre.\n", "utf-8")
    [article] = als.load_corpus(semicolons)
    assert (article.id, article.title, article.summary) == (
        "s1",
        "Alliance",
        "La relation, au centre.",
    )
    tabs = tmp_path / "tabs.csv"
    tabs.write_text("id\ttitle\ns2\tDémence\n", "utf-8")
    assert [a.id for a in als.load_corpus(tabs)] == ["s2"]


@pytest.mark.parametrize(("name", "text"), [("vide.json", "[]"), ("entete.csv", "id,title\n")])
def test_a_file_with_no_records_is_refused(tmp_path: Path, name: str, text: str) -> None:
    """An empty JSON array or a header row alone had built an empty index silently."""
    path = tmp_path / name
    path.write_text(text, "utf-8")
    with pytest.raises(als.CorpusError, match=f"{name}: the file holds no records"):
        als.load_corpus(path)


def test_a_quote_left_open_in_a_csv_is_named(tmp_path: Path) -> None:
    """A quote never closed swallowed the rest of the file, which was reported as a
    missing title; a multi-line quoted summary is still read."""
    path = tmp_path / "guillemet.csv"
    path.write_text('id,title\ns0,Bon\n"s1,Alliance\ns2,Autre\n', "utf-8")
    with pytest.raises(
        als.CorpusError, match=r"guillemet.csv, line 3: a quoted cell is not closed"
    ):
        als.load_corpus(path)
    multi = tmp_path / "multi.csv"
    multi.write_text('id,title,summary\ns1,"Le ""pacte""","Deux\nlignes."\n', "utf-8")
    [article] = als.load_corpus(multi)
    assert (article.title, article.summary) == ('Le "pacte"', "Deux\nlignes.")


def test_years_written_as_floats_are_years(tmp_path: Path) -> None:
    """A spreadsheet or a pandas export writes years as *2009.0* when some are missing
    (NaN): such a corpus had been refused (*must be a year such as 2009, got 2009.0*)."""
    path = tmp_path / "articles.jsonl"
    lines = [
        {"id": "a", "title": "La démence", "year": 2009.0},
        {"id": "b", "title": "Le deuil", "year": "2011.0"},
        {"id": "c", "title": "L'autisme", "year": float("nan")},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines), "utf-8")
    assert [a.year for a in als.load_corpus(path)] == [2009, 2011, None]
    path.write_text(json.dumps({"id": "d", "title": "Le jeu", "year": 2009.5}), "utf-8")
    with pytest.raises(als.CorpusError, match=r"articles.jsonl, line 1, field 'year'.*2009\.5"):
        als.load_corpus(path)


def test_a_folder_leaves_out_hidden_files_and_folders(tmp_path: Path) -> None:
    """Jupyter's ``.ipynb_checkpoints`` copy of a corpus file had been read too, and
    refused as a duplicate of every record."""
    folder = tmp_path / "corpus"
    for sub in ("", ".ipynb_checkpoints", "archives"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    write(folder / "numero-140.jsonl", json.dumps(RECORD) + "\n")
    write(folder / ".ipynb_checkpoints" / "numero-140-checkpoint.jsonl", json.dumps(RECORD))
    write(folder / ".brouillon.jsonl", json.dumps({**RECORD, "id": "brouillon"}))
    write(folder / "archives" / "numero-139.jsonl", json.dumps({**RECORD, "id": "n139"}))
    assert {a.id for a in als.load_corpus(folder)} == {RECORD["id"], "n139"}


def test_a_csv_with_french_column_names(tmp_path: Path) -> None:
    """A spreadsheet written in French (*Titre*, *Résumé*, *Mots-clés*) had been refused:
    the header had to name *id* and *title*."""
    path = write(
        tmp_path / "export.csv",
        "\ufeffIdentifiant;Titre;Résumé;Auteurs;Année;Mots-clés;Rubrique\r\n"
        'n1;La démence au quotidien;Vivre avec.;A. Martin;2016.0;"démence; aidants";dossier\r\n',
    )
    (article,) = als.load_corpus(path)
    assert (article.id, article.title, article.summary) == (
        "n1",
        "La démence au quotidien",
        "Vivre avec.",
    )
    assert (article.year, article.keywords, article.section) == (
        2016,
        ("démence", "aidants"),
        "dossier",
    )
    # one field named twice, in two languages: which one is meant cannot be told
    path = write(tmp_path / "double.csv", "id;titre;title\nn1;La démence;Le deuil\n")
    expect_error(path, line=1, field=None, match="names the field 'title' twice: 'titre', 'title'")


def test_a_folder_says_which_text_files_it_leaves_out(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A table of contents in text inside a corpus folder had been skipped without a
    word; one already parsed into a corpus file of the same name is not worth one."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    write(folder / "numero-140.jsonl", json.dumps(RECORD) + "\n")
    write(folder / "numero-140.txt", "Sommaire déjà converti")
    with caplog.at_level("WARNING", logger="alliance_search"):
        als.load_corpus(folder)
    assert "left out" not in caplog.text
    write(folder / "numero-141.txt", "Sommaire à convertir")
    with caplog.at_level("WARNING", logger="alliance_search"):
        als.load_corpus(folder)
    assert "left out 1 text file(s) such as numero-141.txt" in caplog.text
    assert "alliance-search parse-toc" in caplog.text


def test_parse_issue_toc_reads_a_byline_under_each_summary() -> None:
    """The usual printed layout: title, summary, author. *Histoire des TCC* is no
    person's name, titles before names (*le Dr*) are left out, and a rubric with a
    page number is an article in that rubric's section."""
    toc = (
        "Santé mentale n° 280\n\n"
        "Dossier : Les TCC\n\n"
        "Histoire des TCC\n"
        "Des premiers travaux comportementaux aux thérapies de troisième vague.\n"
        "Par Jean Lévêque\n\n"
        "Place des IPA en psychiatrie\n"
        "Les infirmiers en pratique avancée prennent leur place dans les équipes.\n"
        "Par le Dr Gérard Fontaine\n\n"
        "L'alcool chez les adolescents\n"
        "Une consommation précoce qui inquiète les équipes.\n"
        "Paul Petit\n\n"
        "Le soin au quotidien\n"
        "Un regard sur les gestes ordinaires du soin en unité fermée.\n"
        "Agenda ...... 44\n"
    )
    articles = als.parse_issue_toc(toc)
    assert [(a.title, a.authors, a.section) for a in articles] == [
        ("Histoire des TCC", ("Jean Lévêque",), "dossier"),
        ("Place des IPA en psychiatrie", ("Gérard Fontaine",), "dossier"),
        ("L'alcool chez les adolescents", ("Paul Petit",), "dossier"),
        ("Le soin au quotidien", (), "dossier"),
        ("Agenda", (), "agenda"),
    ]
    assert articles[3].summary.startswith("Un regard sur les gestes")
