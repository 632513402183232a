"""Words of a query that frame its subject rather than name it.

A query often says more than its subject: a lead that asks for documents (*quels
articles parlent de*), a question put after the subject (*…, que dit la
littérature ?*), how the subject is cared for (*prise en charge*), the relation a
long question asks about (*l'impact de … sur*), the verb of an inverted question,
what a negation leaves out (*sans les personnes âgées*), and an age group named as
someone's kin (*leur enfant*). :func:`alliance_search.query.parse_query` finds them
with the functions here, and sets them aside or makes them weigh little.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import TYPE_CHECKING

from .analysis import (
    WORD_PATTERN,
    alone_in_capitals,
    fold,
    is_stop_word,
    split_compound,
    split_elision,
)

if TYPE_CHECKING:
    from .concepts import Thesaurus

#: Words that ask for documents rather than name a subject (accents folded):
#: *quels articles parlent de*, *je cherche des textes sur*, *articles concernant*.
DOCUMENTS = frozenset(
    """article articles texte textes publication publications document documents reference
    references resume resumes ecrits bibliographie travaux litterature""".split()  # noqa: SIM905
)
_ASKING = frozenset(
    """cherche cherchons cherchez chercher trouver trouvez montre montrez montrer donne donnez
    donner voudrais voulons veux aimerais existe existent sait savons connait dit disent
    """.split()  # noqa: SIM905
)
#: Words that, first in a query, ask for documents when a word of ``_ABOUT`` ends
#: the lead: *études sur*, *recherches récentes concernant* (not *études de cas*).
_STUDIES = frozenset({"etude", "etudes", "recherche", "recherches"})
_ABOUT = frozenset({"sur", "concernant"})
#: Question words that, first in a query, frame it: *comment* prendre en charge...
_QUESTION = frozenset({"comment", "pourquoi", "quel", "quelle", "quels", "quelles"})
#: Nouns that, after such a question word, frame it too: *quelle place pour* les
#: familles, *quel est le rôle de* l'infirmier.
_QUESTION_NOUNS = frozenset({"place", "role", "interet", "apport"})
#: Nouns that frame it before *entre*: *quel est le lien entre* l'intimidation et...
_BETWEEN_NOUNS = frozenset(
    """lien liens relation relations association associations rapport rapports
    difference differences""".split()  # noqa: SIM905
)
#: Pronouns after a verb in questions (*y a-t-il*); other compounds of function words
#: are words of their own (*bien-être*).
_INVERSION = frozenset({"t", "il", "ils", "elle", "elles", "on"})
#: Framing only beside a word of the two sets above (else a subject: la recherche clinique).
_LINKING = frozenset(
    """recherche recherchons recherchez etude etudes parlent parle parlant traitent traite
    traitant portent porte portant abordent aborde abordant evoquent evoque evoquant concernent
    concerne concernant consacres consacrees relatifs relatives propos sujet theme liste
    listes recent recents recente recentes actuel actuels actuelle actuelles nouveau nouveaux
    nouvelle nouvelles dernier derniers derniere dernieres""".split()  # noqa: SIM905
)
#: Words of a question put after its subject (*… : quels articles ?*, *…, que dit la
#: littérature ?*, *… : état des lieux*): such a tail needs one of them...
_TAIL_ASKING = (
    DOCUMENTS
    | _ASKING
    | frozenset(
        "quel quels quelle quelles quoi donnees lieux point".split()  # noqa: SIM905
    )
)
#: ... may hold these too ...
_TAIL_WORDS = _TAIL_ASKING | _LINKING | _QUESTION | _INVERSION | frozenset({"etat"})
#: ... and follows punctuation or starts with one of these (*… dans la littérature*).
_TAIL_START = frozenset({"dans", "selon", "apres"})
#: A tail may also say only where the subject is asked about, in words that nearly
#: every clinical text fits (*… dans le soin*, *… en pratique*, *… au quotidien*); it
#: then starts with one of ``_SETTING_START``.
_SETTING = frozenset({"soin", "soins", "pratique", "quotidien"})
_SETTING_START = frozenset({"dans", "en", "au"})
_TAIL_PUNCTUATION = frozenset(":;,?!(—–")
#: How much the words of such a tail weigh: enough to order articles that are
#: otherwise alike (a title pasted whole), not to compete with the subject.
FRAMING_WEIGHT = 0.2


def request_end(text: str) -> int:
    """Where the subject of a query starts, after words that ask for documents.

    ``quels articles parlent de``, ``je cherche des textes sur``, ``articles
    concernant``: such a lead names no subject, and searching its words would favour
    summaries that say *cet article*. A lead is skipped only if it holds a word that
    asks for documents, ends with a linking word (*sur*, *de*, *concernant*) and is
    followed by more words; quoted text is never skipped. A question word first in
    the query (*comment*, *pourquoi*) is such a lead by itself, and *que sait-on de*
    asks too, as does *quel(le)(s)* first, with *place*, *rôle*, *intérêt* or *apport*
    after it (*quelle place pour*, *quel est le rôle de*), or with *lien*, *relation*,
    *association*, *rapport* or *différence* before *entre* (*quel est le lien
    entre*; not *quel lien thérapeutique*). *études* or *recherches* first asks too,
    up to *sur* or *concernant* (*études sur*, not *études de cas*).

    >>> text = "Quels articles parlent des patients borderline ?"
    >>> text[request_end(text):]
    'patients borderline ?'
    >>> request_end("recherche clinique et démence"), request_end("Article 64 du code pénal")
    (0, 0)
    >>> request_end("articles sur le bien-être"), request_end("y a-t-il des articles sur")
    (16, 0)
    >>> request_end("une liste d'articles sur l'anorexie")
    25
    >>> text = "Comment prendre en charge la schizophrénie ?"
    >>> text[request_end(text):], request_end("comment")
    ('prendre en charge la schizophrénie ?', 0)
    >>> text = "Quelle est la place des familles en psychiatrie ?"
    >>> text[request_end(text):]
    'familles en psychiatrie ?'
    >>> text = "études récentes sur les commotions cérébrales"
    >>> text[request_end(text):], request_end("études de cas sur la psychose")
    ('commotions cérébrales', 0)
    """
    end = 0  # end of the lead so far, if it may stop there
    asks = question = framed = before_between = studies = False
    for match in WORD_PATTERN.finditer(text):
        between = text[end : match.start()]
        if '"' in between or "«" in between:
            break
        word = match.group()[split_elision(match.group()) :]  # d'articles → articles
        parts = [fold(part) for _, part in split_compound(word)]
        if before_between and parts == ["entre"]:
            end, before_between = match.end(), False
            continue
        before_between = False
        linking = all(part in _LINKING or is_stop_word(part) for part in parts)
        linking = linking and not alone_in_capitals(text, *match.span())  # la MA (Alzheimer)
        if len(parts) > 1 and not _INVERSION.intersection(parts[1:]):
            linking = linking and not all(is_stop_word(part) for part in parts)  # bien-être
        if not end and not asks and parts[0] in _QUESTION:
            asks = linking = question = True  # a question word may end the lead by itself
        elif not end and not asks and parts == [parts[0]] and parts[0] in _STUDIES:
            asks = linking = studies = True  # the lead ends at *sur* or *concernant*
        elif question and not framed and parts == [parts[0]] and parts[0] in _QUESTION_NOUNS:
            linking = framed = True  # quelle place pour, quel est le rôle de
        elif question and not framed and parts == [parts[0]] and parts[0] in _BETWEEN_NOUNS:
            before_between = framed = True  # the lead ends after *entre*, if it follows
            continue
        elif any(part in DOCUMENTS or part in _ASKING for part in parts):
            asks = True
        elif not linking:
            break
        if asks and linking and (not studies or end or parts[-1] in _ABOUT):
            end = match.end()
    rest = text[end:]
    if not end or not rest.strip(" \t?!.:;,"):
        return 0
    return end + len(rest) - len(rest.lstrip())


def studies_asked(lead: str) -> list[str]:
    """The words of a query's ``lead`` (see :func:`request_end`) that ask for studies,
    first in it or after an article (*études sur*, *des recherches sur*; not the verb
    of *je recherche des textes sur*): they say what kind of document is asked for,
    which an article may be (*ce que dit la recherche*), so they weigh little rather
    than nothing.

    >>> studies_asked("recherche sur l'"), studies_asked("je recherche des textes sur")
    (['recherche'], [])
    >>> studies_asked("je cherche des études sur la")
    ['études']
    """
    found = []
    previous = None
    for word in WORD_PATTERN.findall(lead):
        cut = split_elision(word)  # d'études: after an article
        if fold(word[cut:]) in _STUDIES and (previous is None or cut or previous in _ARTICLES):
            found.append(word[cut:])
        previous = fold(word)
    return found


#: Words before an age group that make it someone's kin, not a population: *leur
#: enfant*, *le deuil d'un enfant*, *parents d'enfants autistes*.
_KIN_BEFORE = re.compile(
    r"(?:\b(?:leurs?|son|sa|ses|mon|ma|mes|ton|ta|tes|notre|nos|votre|vos)\s+"
    r"|\b(?:parents?|m[èe]res?|p[èe]res?|familles?|deuil|perte|d[ée]c[èe]s|mort|naissance)"
    r"\s+(?:d['’]une?\s+|de\s+leurs?\s+|d['’]|des\s+|de\s+))$",
    re.IGNORECASE,
)


def as_kin(text: str, start: int) -> bool:
    """Whether the age group named at ``start`` in ``text`` is someone's kin."""
    return bool(_KIN_BEFORE.search(text[max(0, start - 40) : start]))


#: Articles before a noun that asks for studies (*des études*).
_ARTICLES = frozenset({"des", "les", "de", "d", "la", "une", "un", "ces"})


def request_tail(text: str, start: int = 0) -> int:
    """Where a question put after the subject of a query starts (``len(text)`` if
    there is none): *… : que dit la littérature ?*, *…, quels articles ?*, *… dans
    la littérature*. Such a tail holds only function words and words that ask for
    documents or frame a question, at least one of the latter; it follows
    punctuation or starts with *dans*, *selon* or *d'après*; it never holds quoted
    text and never holds the first word of the query (from ``start``). A tail that
    only says where the subject is asked about, in words that fit any clinical text
    (*… dans le soin ?*, *… en pratique*, *… au quotidien*), is one too.

    >>> text = "Schizophrénie : que dit la littérature ?"
    >>> text[: request_tail(text)]
    'Schizophrénie : '
    >>> text = "burn-out des soignants, quels articles ?"
    >>> text[request_tail(text) :]
    'quels articles ?'
    >>> request_tail("la folie et la littérature") == len("la folie et la littérature")
    True
    >>> text = "Quelle place pour la zoothérapie dans le soin ?"
    >>> text[request_tail(text) :]
    'dans le soin ?'
    >>> text = "la douleur dans les soins palliatifs"
    >>> request_tail(text) == len(text)
    True
    """
    words = list(WORD_PATTERN.finditer(text, start))
    last_quote = max(text.rfind(quote) for quote in ('"', "«", "»"))
    tail = len(text)
    asks = setting = False
    for before, match in reversed(list(pairwise(words))):
        if last_quote >= before.end():
            break
        between = text[before.end() : match.start()]
        word = match.group()[split_elision(match.group()) :]
        parts = [fold(part) for _, part in split_compound(word)]
        if not all(part in _TAIL_WORDS or part in _SETTING or is_stop_word(part) for part in parts):
            break
        if alone_in_capitals(text, *match.span()):
            break
        asks = asks or any(part in _TAIL_ASKING for part in parts)
        setting = setting or any(part in _SETTING for part in parts)
        if asks:  # a question, after punctuation or *dans*
            starts = bool(_TAIL_PUNCTUATION.intersection(between)) or parts[0] in _TAIL_START
        else:  # where the subject is asked about: *dans le soin*, *en pratique*
            starts = setting and parts[0] in _SETTING_START
        if starts:
            tail = match.start()
    return tail


#: *Prise en charge* and its forms: in a query, how the subject is cared for, which
#: nearly every clinical text says, not a subject of its own (*prise* alone is also
#: the *prise de poids*).
CARE = re.compile(r"\b(?:prise|prises|pris|prendre|prend|prennent)\s+en\s+charge\b", re.IGNORECASE)


#: Words that, in a question of ``SENTENCE`` words or more that names a concept,
#: frame the subject rather than name it (accents folded): the relation asked about
#: (*l'impact de … sur le risque de …*), who has the subject (*les personnes
#: ayant …*), and what one thing does to another (*réduit*, *favorise*).
FRAME_WORDS = frozenset(
    """impact impacts effet effets role roles facteur facteurs lien liens influence
    influences consequence consequences risque risques difficulte difficultes efficacite
    interet apport apports personne personnes ayant atteint atteinte atteints atteintes
    souffrant souffrants presentant reduit reduire reduisent diminue diminuer diminuent
    augmente augmenter augmentent ameliore ameliorer ameliorent favorise favoriser
    favorisent permet permettre permettent influencent affecte affecter affectent""".split()  # noqa: SIM905
)
#: How many words make a query a sentence rather than a list of keywords.
SENTENCE = 8


def _within(words: list[tuple[int, tuple[str, ...], int, int]], low: int, high: int) -> list[int]:
    """The analysed ``words`` that lie between characters ``low`` and ``high``."""
    return [i for i, (_, _, start, end) in enumerate(words) if low <= start and end <= high]


def care_words(segment: str, words: list[tuple[int, tuple[str, ...], int, int]]) -> set[int]:
    """Which of the analysed ``words`` of ``segment`` write *prise en charge*."""
    return {i for match in CARE.finditer(segment) for i in _within(words, *match.span())}


#: A verb and the subject pronoun put after it in a question: *gèrent-elles*,
#: *affecte-t-elle*, *est-ce*, *peut-on* (not *-vous*, *-nous*: *rendez-vous*).
_INVERTED = re.compile(
    r"(?<![\w-])(\w+)(?:-t)?-(?:il|ils|elle|elles|on|ce)(?![\w-])", re.IGNORECASE
)


def inverted_words(
    segment: str, words: list[tuple[int, tuple[str, ...], int, int]]
) -> tuple[set[int], set[int]]:
    """The analysed ``words`` of ``segment`` in inverted questions: the function words
    (*est-ce*, *peut-on*, kept by analysis as a compound of function words), then the
    verbs, which ask about the subject rather than name it (*gèrent-elles*)."""
    function: set[int] = set()
    verbs: set[int] = set()
    for match in _INVERTED.finditer(segment):
        for i in _within(words, *match.span()):
            _, _, start, end = words[i]
            if is_stop_word(fold(segment[start:end]).lower()):
                function.add(i)
            elif end <= match.end(1):
                verbs.add(i)
    return function, verbs


#: What comes just before a verb: a subject pronoun, *qui*, *se*, *ne*, or their
#: elided forms (*ils consomment*, *qui rechutent*, *s'automutilent*, *n'adhèrent*).
_BEFORE_A_VERB = re.compile(
    r"(?:(?<![\w-])(?:qui|ils|elles|se|ne)\s+|(?<![\w-])[sn]['’])\Z", re.IGNORECASE
)


#: An inverted subject pronoun after a verb (*vivent-ils*, *agresse-t-elle*).
_AFTER_A_VERB = re.compile(r"(?:-t)?-(?:ils?|elles?|on)(?![\w-])", re.IGNORECASE)


#: A negation written in words, before what it leaves out: *sans les*, *sauf*,
#: *excepté*, *hormis*, *hors*, *en dehors des*, *mais pas de*, *, pas des*, *à
#: l'exclusion des*, each maybe followed by *chez* (not *pas* alone: *qui ne
#: consomment pas de cannabis*); and *non* before a word (*non psychotique*; not
#: *non-observance*).
_NEGATION = re.compile(
    r"(?:(?<![\w-])(?:sans|sauf|except[ée]e?s?|hormis|hors|en\s+dehors|mais\s+pas"
    r"|[àa]\s+l['’]exclusion)|,\s*pas)"
    r"(?:\s+chez)?(?:\s+(?:de\s+la|des|du|de|les|la|le|d['’]|l['’]))?\s*(?=\w)"
    r"|(?<![\w-])non\s+(?=\w)",
    re.IGNORECASE,
)
#: Where what a negation leaves out ends: punctuation, *et*, *ou*, *mais*, or a
#: preposition that starts another part of the subject (*sans traitement chez
#: l'adolescent*).
_NEGATED_END = re.compile(
    r"\s*[,;:.!?()«»\"]|\s+(?:et|ou|mais|chez|dans|pour|avec|selon|pendant|durant|lors)\s"
    r"|\s*$",
    re.IGNORECASE,
)
#: What *non* negates: the word after it.
_NEGATED_WORD = re.compile(r"[\w'’-]+")


def without_negations(body: str, thesaurus: Thesaurus) -> tuple[str, list[str]]:
    """``body`` (unquoted) without what a negation written in words leaves out when
    that names a concept (*dépression sans les personnes âgées*: the query had
    searched the personnes âgées it meant to leave out), blanked so offsets hold;
    with a note for each, which says how to leave those articles out. A negation
    inside a name (*sans domicile fixe*) is no negation."""
    negations = list(_NEGATION.finditer(body))
    if not negations:  # most queries: no detection to run
        return body, []
    named = [(m.start, m.end) for m in thesaurus.detect(body)]
    notes = []
    for match in reversed(negations):
        if any(start <= match.start() < end for start, end in named):
            continue
        attribute = match.group().lower().startswith("non")
        if attribute:  # *non pharmacologique*: what the articles are not, not what they omit
            stop = _NEGATED_WORD.match(body, match.end())
            end = stop.end() if stop is not None else len(body)
        else:
            stop = _NEGATED_END.search(body, match.end())
            end = stop.start() if stop is not None else len(body)
        left_out = body[match.end() : end]
        if not thesaurus.detect(left_out):
            continue
        said = body[match.start() : end]
        typed = f'-"{left_out}"' if " " in left_out else f"-{left_out}"
        shown = said.lstrip(", ")
        why = "negated" if attribute else f"to leave those articles out: {typed}"
        notes.append(f"not searched: «{shown}» ({why})")
        body = body[: match.start()] + " " * len(said) + body[end:]
    return body, notes[::-1]


def marked_as_verb(text: str, start: int, end: int) -> bool:
    """Whether the query marks its word ``text[start:end]`` as a verb: after *qui*,
    *ils*, *elles*, *se*, *ne*, or before an inverted subject pronoun."""
    return bool(_BEFORE_A_VERB.search(text, 0, start) or _AFTER_A_VERB.match(text, end))


def infinitive_of(word: str) -> str | None:
    """The infinitive of ``word`` (folded) if it may be a verb form in *-ent* of the
    first group (*rechutent* → *rechuter*), else ``None``."""
    return word[:-3] + "er" if len(word) > 5 and word.endswith("ent") else None
