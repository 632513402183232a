"""From query text to a Whoosh query.

A query is split into *clauses*: one per word, one per quoted phrase (and, once
concepts are detected, one per concept). A clause has *alternatives* (the word
itself, or the synonyms of a concept); alternatives of one clause combine by
maximum (``DisjunctionMax``), so variants of one idea never add up, while clauses
add up, so a document matching more of the query ranks higher. Nothing is
required: a missing word never empties the result. Words that ask for documents
rather than name a subject are set aside or weigh little (see
:mod:`alliance_search._framing`), and concepts that only narrow the subject (a research
design, an age group) weigh less than it (:data:`QUALIFIERS`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from whoosh import query as wq
from whoosh.matching import DisjunctionMaxMatcher, NullMatcher

from ._framing import (
    CARE,
    DOCUMENTS,
    FRAME_WORDS,
    FRAMING_WEIGHT,
    SENTENCE,
    as_kin,
    care_words,
    infinitive_of,
    inverted_words,
    marked_as_verb,
    request_end,
    request_tail,
    studies_asked,
    without_negations,
)
from .analysis import (
    CASED,
    WORD_PATTERN,
    analyze,
    fold,
    name_links,
    split_elision,
    stem_variants,
)
from .concepts import (
    Concept,
    ConceptMention,
    Thesaurus,
    abbreviation,
    defined_term,
    written_as,
)

if TYPE_CHECKING:
    from whoosh.reading import IndexReader
    from whoosh.searching import Searcher

__all__ = [
    "QUALIFIERS",
    "Alternative",
    "Clause",
    "Expansion",
    "MatchKey",
    "ParsedQuery",
    "Qualifier",
    "QueryPart",
    "match_keys",
    "parse_query",
    "prefix_clause",
    "rarity",
]

Words = tuple[tuple[str, ...], ...]

#: Matching quote pairs understood as "exact phrase" delimiters.
QUOTE_PAIRS = {'"': '"', "“": "”", "«": "»", "„": "“"}
#: Analysed words kept from one query; the rest is ignored (with a note in the query).
MAX_CLAUSES = 64
#: Names, narrower concepts and related terms kept for one concept (in that order;
#: the other names of narrower concepts come last).
MAX_ALTERNATIVES = 32
#: Field holding the words as written (folded, unstemmed).
EXACT_FIELD = "exact"
#: The analysed fields an article's words are found in.
_TEXT_FIELDS = ("title", "summary", "keywords")
#: The field of the concepts each article is tagged with.
CONCEPTS_FIELD = "concepts"


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way a clause can match: a word, a phrase or a thesaurus term.

    ``words`` holds, per position, the index terms of that word (its stem variants).
    An abbreviation (``written_only``) is searched as written only, in the exact field:
    its stem may be another word's (*IDE*, *idées*). With ``defined``, it is searched
    only where an article spells it out as that concept (see
    :meth:`ParsedQuery.with_defined`).
    """

    text: str
    words: tuple[tuple[str, ...], ...]
    route: str = "exact"
    weight: float = 1.0
    concept: str | None = None
    exact: tuple[str, ...] = ()  # the words as written (folded), for the exact field
    written_only: bool = False
    defined: str | None = None
    #: Words typed side by side (a proximity bonus): any function words may link
    #: them in a text (*psychose et temps vécu* for *psychose temps vécu*).
    loose: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def links(self) -> tuple[str | None, ...]:
        """How the phrase's words are linked (see :func:`~.analysis.name_links`),
        where its text says it."""
        if self.loose:
            return ()
        links = name_links(self.text)
        return links if len(links) == len(self.words) - 1 else ()

    def whoosh_query(self, fieldname: str, reader: IndexReader | None = None) -> wq.Query | None:
        """The Whoosh query matching this alternative in one field.

        ``None`` when it cannot match there: no written form for the ``exact`` field,
        or (given a ``reader``) a word that occurs in no document of that field, so
        that no matcher is built for nothing.
        """

        def present(term: str) -> bool:
            return reader is None or reader.doc_frequency(fieldname, term) > 0

        if self.written_only:
            if fieldname != EXACT_FIELD:
                return None
            forms = tuple(filter(present, _written_forms(self)))
            return _word_query(fieldname, forms) if forms else None
        if fieldname == EXACT_FIELD:
            if not self.exact:
                return None
            found = [
                form if present(form) else _written_inflection(form, terms, reader)
                for form, terms in zip(self.exact, self.words, strict=True)
            ]
            written = [form for form in found if form]
            if len(written) < len(found):
                return None
            if len(written) == 1:
                return wq.Term(fieldname, written[0])
            return LinkedPhrase(fieldname, written, links=self.links)
        if self.is_phrase:
            # The accent-free stem (last variant) is indexed for every word.
            words = [variants[-1] for variants in self.words]
            if not all(map(present, words)):
                return None
            return LinkedPhrase(fieldname, words, links=self.links)
        variants = [v for v in self.words[0] if present(v)]
        return _word_query(fieldname, tuple(variants)) if variants else None


class _DisMaxMatcher(DisjunctionMaxMatcher):  # type: ignore[misc]
    """Whoosh's max-of-two matcher with two fixes (checked on whoosh 2.7.4).

    ``score`` must only look at the sub-matchers positioned on the current
    document (the original takes the max of both, so a document matching one
    variant gets the other's unrelated score), and ``replace`` must keep the one
    sub-matcher still active (the original drops both).
    """

    def score(self) -> float:
        a, b = self.a, self.b
        if not a.is_active():
            return float(b.score())
        if not b.is_active():
            return float(a.score())
        a_id, b_id = a.id(), b.id()
        if a_id < b_id:
            return float(a.score())
        if b_id < a_id:
            return float(b.score())
        return float(max(a.score(), b.score()))

    def replace(self, minquality: float = 0) -> Any:
        a, b = self.a, self.b
        if (
            minquality
            and a.is_active()
            and b.is_active()
            and a.max_quality() < minquality
            and b.max_quality() < minquality
        ):
            return NullMatcher()
        if not a.is_active():
            return b.replace(minquality)
        if not b.is_active():
            return a.replace(minquality)
        a, b = a.replace(minquality), b.replace(minquality)
        if not a.is_active():
            return b
        if not b.is_active():
            return a
        if a is not self.a or b is not self.b:
            return self.__class__(a, b)
        return self


class LinkedPhrase(wq.Phrase):  # type: ignore[misc]
    """A phrase of words side by side that, where its name has no function word
    between two of its words, a text matches only with none there either, or such as
    :func:`~.analysis.linked` allows (*mère adolescente* is not *mères
    d'adolescentes*). ``links`` holds, for each word after the first, ``None`` (any
    function words may precede it) or the word as the name writes it."""

    def __init__(
        self,
        fieldname: str,
        words: list[str],
        slop: int = 1,
        boost: float = 1.0,
        char_ranges: Any = None,
        links: tuple[str | None, ...] = (),
    ) -> None:
        super().__init__(fieldname, words, slop, boost, char_ranges)
        self.links = links if len(links) == len(words) - 1 and any(links) else ()

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and self.links == getattr(other, "links", ())

    def __hash__(self) -> int:
        return int(super().__hash__()) ^ hash(self.links)

    def normalize(self) -> wq.Query:
        if len(self.words) < 2 or None in self.words:
            return wq.Phrase(self.fieldname, self.words, self.slop, self.boost).normalize()
        return self


def phrase_key(q: wq.Phrase) -> MatchKey:
    """What the scorer records a phrase as found by (see :data:`MatchKey`)."""
    return "phrase", q.fieldname, tuple(q.words), getattr(q, "links", ())


class Sum(wq.Or):  # type: ignore[misc]
    """Documents matching any subquery, scored by the sum of the matching ones.

    Always a tree of union matchers: Whoosh's automatic choice preloads every
    sub-result into arrays on small indexes, which costs more than it saves here.
    """

    matcher_type = wq.Or.DEFAULT_MATCHER


class DisMax(wq.DisjunctionMax):  # type: ignore[misc]
    """Documents matching any subquery, scored by the best one (variants never add up)."""

    def _matcher(self, subs: Any, searcher: Any, context: Any) -> Any:
        reader = searcher.reader()
        return self._tree_matcher(
            subs,
            _DisMaxMatcher,
            searcher,
            context,
            lambda q: q.estimate_size(reader),
            tiebreak=self.tiebreak,
        )


def _inflections(form: str) -> list[str]:
    """Plural, singular, feminine and masculine candidates of a folded word."""
    found = []
    if form.endswith("aux"):
        found.append(form[:-3] + "al")
    if form.endswith(("s", "x")):
        found.append(form[:-1])
        if form.endswith("es"):
            found.append(form[:-2])
    else:
        found += [form + "s", form + "e", form + "es"]
        if form.endswith(("au", "eu")):
            found.append(form + "x")
        if form.endswith("al"):
            found.append(form[:-2] + "aux")
        if form.endswith("e"):
            found += [form[:-1], form[:-1] + "s"]
    return found


def _written_inflection(
    form: str, terms: tuple[str, ...], reader: IndexReader | None
) -> str | None:
    """The most written inflection of ``form`` (*démentes* → *dément*) that shares one
    of its index terms, for a word written as typed in no article; else ``None``."""
    if reader is None or len(form) < 4:
        return None
    held = [
        (reader.doc_frequency(EXACT_FIELD, other), other)
        for other in _inflections(form)
        if set(stem_variants(other)) & set(terms)
    ]
    count, best = max(held, default=(0, ""))
    return best if count else None


#: The routes by which a clause reaches articles that do not name its concept.
INDIRECT = frozenset(["related", "broader"])


def _held(alt: Alternative, reader: IndexReader) -> bool:
    """Whether some article can match ``alt``: all its words in a title, summary or
    keywords, by their stems or as written (*succes* typed without its accent is
    *succès* as written, not by its stem); an abbreviation: as written."""
    if alt.written_only:
        return any(reader.doc_frequency(EXACT_FIELD, f) for f in _written_forms(alt))
    written = alt.exact if len(alt.exact) == len(alt.words) else (None,) * len(alt.words)
    return all(
        any(reader.doc_frequency(f, term) for term in variants for f in _TEXT_FIELDS)
        or (form is not None and reader.doc_frequency(EXACT_FIELD, form) > 0)
        for variants, form in zip(alt.words, written, strict=True)
    )


def _written_forms(alt: Alternative) -> tuple[str, ...]:
    """An abbreviation as articles write it in capitals (folded; see
    :func:`~alliance_search.analysis.in_capitals`), singular and plural (*TSA*,
    *TSAs*); the term of its sense where an article spells it out as a concept."""
    if alt.defined is not None:
        return (defined_term(alt.defined, alt.exact[0]),)
    return CASED + alt.exact[0], CASED + alt.exact[0] + "s"


def _spelt_out(reader: IndexReader, thesaurus: Thesaurus, written: str) -> dict[str, int]:
    """How many articles spell the abbreviation ``written`` (folded) out as each
    concept (``""``: as no concept), those that do not left out."""
    counts = {
        concept.id: reader.doc_frequency(EXACT_FIELD, defined_term(concept.id, written))
        for concept in thesaurus
    }
    counts[""] = reader.doc_frequency(EXACT_FIELD, defined_term("", written))
    return {concept: n for concept, n in counts.items() if n}


def _articles(count: int, verb: str) -> str:
    """*1 article names*, *2 articles name*."""
    return f"{count} article {verb}s" if count == 1 else f"{count} articles {verb}"


def _senses_said(thesaurus: Thesaurus, spelt: dict[str, int]) -> str:
    """The senses articles spell an abbreviation out in, as a note says them."""
    return ", ".join(
        f"«{thesaurus.concepts[c].label}» ({n})" if c else f"other senses ({n})"
        for c, n in sorted(spelt.items(), key=lambda x: -x[1])
    )


def _with_spelt_out_names(clause: Clause, reader: IndexReader) -> Clause:
    """``clause`` with, for each concept it names by its own or a narrower concept's
    names, the abbreviations articles spell out as that concept."""
    added: list[Alternative] = []
    seen: set[str] = set()
    for alt in clause.alternatives:
        if alt.concept is None or alt.route not in ("exact", "synonym", "narrower"):
            continue
        if alt.concept in seen:
            continue
        seen.add(alt.concept)
        prefix = defined_term(alt.concept, "")
        for term in reader.expand_prefix(EXACT_FIELD, prefix):
            written = (term.decode() if isinstance(term, bytes) else term)[len(prefix) :]
            analysed = analyze(written)
            if len(analysed) != 1:
                continue
            added.append(
                Alternative(
                    text=written,
                    words=(analysed[0][1],),
                    route="synonym" if alt.route == "exact" else alt.route,
                    weight=alt.weight,
                    concept=alt.concept,
                    exact=(written,),
                    written_only=True,
                    defined=alt.concept,
                )
            )
    if not added:
        return clause
    return replace(clause, alternatives=clause.alternatives + tuple(added))


def _word_query(fieldname: str, variants: tuple[str, ...]) -> wq.Query:
    if len(variants) == 1:
        return wq.Term(fieldname, variants[0])
    return DisMax([wq.Term(fieldname, v) for v in variants])


@dataclass(frozen=True, slots=True)
class Clause:
    """A unit of meaning in the query; its alternatives combine by maximum.

    ``reference`` is the alternative whose rarity the others are scaled to (what
    the user typed, or the concept's label); ``weight`` scales the whole clause.
    ``narrows`` is the :data:`QUALIFIERS` category of a concept that may narrow the
    subject (and of the words of its name); ``penalty`` marks a clause that only
    narrows the subject (see :meth:`ParsedQuery.narrowed`) or frames the question
    (see :func:`alliance_search._framing.request_tail`): it is what an article loses
    for missing it, ``None`` for the parts of the subject.
    """

    label: str
    alternatives: tuple[Alternative, ...]
    kind: str = "word"  # word | phrase | concept | part (a word of a concept's name)
    concept: str | None = None
    weight: float = 1.0
    reference: Alternative | None = None
    narrows: str | None = None
    penalty: float | None = None
    #: For a part (kind ``part``): the concept whose name it is a word or an inner
    #: concept of.
    within: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """The analysed query: clauses that add up, plus proximity bonuses."""

    text: str
    clauses: tuple[Clause, ...]
    proximity: tuple[Alternative, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.clauses)

    def narrowed(self, searcher: Searcher) -> ParsedQuery:
        """The query with its qualifiers (:data:`QUALIFIERS`) demoted below its
        subject, and a note for each, so that an article on the subject alone ranks
        above one on the qualifier alone, and one on both first.

        The subject is what the query names besides: a concept of another category,
        or words a quarter rarer in the collection, at least, than the rarest
        qualifier's words (*quelle place pour … dans le soin* names none). A research
        design also narrows an age group. A query of qualifiers only (*adolescence*)
        is left as it is."""
        candidates = [c for c in self.clauses if c.narrows is not None and c.kind == "concept"]
        if not candidates:
            return self
        reader = searcher.reader()
        count = reader.doc_count_all()

        def rarity_of(clause: Clause) -> float:
            """The mean rarity of the words of what was typed (0 if an article holds
            none of them: such words name nothing in this collection)."""
            reference = clause.reference or clause.alternatives[0]
            holding = _holding(reference, reader)
            if not any(holding):
                return 0.0
            return sum(_rarity([n], count) for n in holding) / len(holding)

        least = min(rarity_of(c) for c in candidates)
        top = len(QUALIFIERS)

        def level(clause: Clause) -> int:
            if clause.narrows is not None:
                return _QUALIFIER_RANK[clause.narrows]
            if clause.kind == "part" or clause.penalty is not None:
                return -1
            if clause.kind == "concept" or rarity_of(clause) >= _SUBJECT_RARITY * least:
                return top
            return -1

        subject = max(level(c) for c in self.clauses)
        clauses, notes = [], []
        for clause in self.clauses:
            if clause.narrows is not None and level(clause) < subject:
                qualifier = QUALIFIERS[clause.narrows]
                clause = replace(
                    clause, weight=clause.weight * qualifier.weight, penalty=qualifier.penalty
                )
                if clause.kind == "concept":
                    notes.append(
                        f"«{clause.label}» narrows the subject ({qualifier.what}): it weighs less"
                    )
            clauses.append(clause)
        return replace(self, clauses=tuple(clauses), notes=self.notes + tuple(notes))

    def with_defined(
        self, searcher: Searcher, expansion: Expansion, wanted: Collection[str] = ()
    ) -> ParsedQuery:
        """The query read with the abbreviations articles of the index spell out
        (see :meth:`Thesaurus.senses`).

        - Each concept a clause names also has, as names, the abbreviations articles
          spell out as that concept (*TCC* for *traumatisme craniocérébral* in Québec
          theses): in those articles, each use of the abbreviation counts.
        - A typed abbreviation is read as the concept that at least two articles
          spell it out as, with a note, if that is more articles than spell it out
          in the thesaurus's sense (*TCC* on papyrus: 18 as a brain injury, 5 as the
          therapy), or, for an abbreviation the thesaurus does not hold (*AS*,
          *agression sexuelle*), more than half of the articles that write it. The
          thesaurus's sense stays if at least as many of its articles as of the
          other's match the rest of the query (*TCC insomnie*).
        - A sense among the ``wanted`` concepts (those a search is filtered on) is
          the one read, whatever the counts (*TCC* filtered on the therapy).
        - Otherwise a typed abbreviation of the thesaurus keeps its concept; a note
          says how many articles spell it out otherwise, and as what. One the
          thesaurus lacks is searched as written, also where articles spell it out
          as nothing the thesaurus holds; a note says so if some spell it out as a
          concept too (*PA*: *pression artérielle*, *personne âgée*).
        """
        thesaurus = expansion.thesaurus
        if thesaurus is None:
            return self
        reader = searcher.reader()
        notes = []
        reread: dict[int, Clause] = {}  # clause number → the clause it is read as
        for number, clause in enumerate(self.clauses):
            typed = clause.reference or clause.alternatives[0]
            if not typed.written_only or clause.kind not in ("word", "concept"):
                continue
            if clause.penalty is not None:
                continue
            spelt = _spelt_out(reader, thesaurus, typed.exact[0])
            own = spelt.pop(clause.concept, 0) if clause.concept is not None else 0
            named = sorted(((n, c) for c, n in spelt.items() if c), reverse=True)
            if named and clause.concept is not None and clause.concept in wanted:
                owner = thesaurus.concepts[clause.concept].label
                notes.append(
                    f"«{typed.text}» read as «{owner}», the concept filtered on; articles "
                    f"also use it as {_senses_said(thesaurus, spelt)}"
                )
                continue
            if named:
                count, best = next(((n, c) for n, c in named if c in wanted), named[0])
                if best in wanted:
                    count, own = max(count, 2), 0  # the filter says which sense
                if clause.kind == "word":
                    forms = [wq.Term(EXACT_FIELD, form) for form in _written_forms(typed)]
                    forms.append(wq.Term(EXACT_FIELD, defined_term("", typed.exact[0])))
                    writing = len(set(searcher.docs_for_query(wq.Or(forms))))  # *PÉs* too
                    enough = 2 * count > writing
                else:
                    enough = count > own
                    if enough and clause.concept is not None:
                        # the rest of the query may say which sense it means
                        meets = self._meeting_the_rest(searcher, clause, (best, clause.concept))
                        # (on a tie, the thesaurus's sense: *TCC Alzheimer* meets
                        # one thesis on each)
                        if meets[clause.concept] >= max(meets[best], 1):
                            owner = thesaurus.concepts[clause.concept].label
                            notes.append(
                                f"«{typed.text}» read as «{owner}»: "
                                f"{_articles(meets[clause.concept], 'name')} it with the "
                                f"rest of the query ({meets[best]} "
                                f"«{thesaurus.concepts[best].label}»)"
                            )
                            continue
                if count >= 2 and enough:
                    concept = thesaurus.concepts[best]
                    read = concept_clause(concept, expansion)
                    if clause.kind == "word":
                        read = concept_clause(concept, expansion, typed)
                    reread[number] = replace(read, label=typed.text, weight=clause.weight)
                    said = f"«{typed.text}» read as «{concept.label}», as {count} articles "
                    said += "use it so"
                    if best in wanted:
                        said = f"«{typed.text}» read as «{concept.label}», the concept "
                        said += f"filtered on ({_articles(spelt[best], 'use')} it so)"
                    elif clause.concept is not None:
                        owner = thesaurus.concepts[clause.concept].label
                        said += f" ({own or 'none'} as «{owner}»: type «{owner}» for that sense)"
                    elif "" in spelt:  # spelt out as no concept: no longer written
                        said += "; articles that use it otherwise do not count: "
                        said += f"other senses ({spelt['']})"
                    notes.append(said)
                    continue
            if clause.kind == "concept" and clause.concept is not None and spelt:
                label = thesaurus.concepts[clause.concept].label
                other = "; filter on another sense's concept to read it so" if named else ""
                notes.append(
                    f"«{typed.text}» read as «{label}»; articles that use it "
                    f"otherwise do not count: {_senses_said(thesaurus, spelt)}{other}"
                )
            if clause.kind == "word" and "" in spelt:
                # where spelt out as no concept, the index holds it by that sense only
                unread = replace(typed, defined="")
                reread[number] = replace(clause, alternatives=(*clause.alternatives, unread))
                if named:
                    notes.append(
                        f"«{typed.text}» has several senses in these articles: "
                        f"{_senses_said(thesaurus, spelt)}"
                    )
        # A concept read otherwise leaves the words of its typed name with it.
        dropped = {self.clauses[n].concept for n in reread} - {None}
        clauses = []
        for number, clause in enumerate(self.clauses):
            if clause.kind == "part" and clause.within in dropped:
                continue
            clauses.append(_with_spelt_out_names(reread.get(number, clause), reader))
        return replace(self, clauses=tuple(clauses), notes=self.notes + tuple(notes))

    def with_words_in_capitals(
        self, searcher: Searcher, thesaurus: Thesaurus | None
    ) -> ParsedQuery:
        """The query with each word typed in capitals that looks like an abbreviation
        but is a word of the articles searched as a word, in all its forms (*DEUIL*,
        *REGARD*, *ALCOOL*, a title pasted in capitals): articles write *TDAH* in
        capitals whenever they write it, *regard* never. An abbreviation of the
        thesaurus stays one, and so does a word no article writes (*MMSE*)."""
        reader = searcher.reader()
        known = thesaurus.abbreviations() if thesaurus is not None else frozenset()

        def read(alt: Alternative) -> Alternative:
            if not alt.written_only or alt.defined is not None:
                return alt
            if len(alt.exact) != 1 or alt.exact[0] in known:
                return alt
            plain = reader.doc_frequency(EXACT_FIELD, alt.exact[0])
            capitals = sum(reader.doc_frequency(EXACT_FIELD, f) for f in _written_forms(alt))
            return replace(alt, written_only=False) if 2 * capitals < plain else alt

        clauses = []
        for clause in self.clauses:
            alternatives = tuple(map(read, clause.alternatives))
            reference = read(clause.reference) if clause.reference is not None else None
            if alternatives != clause.alternatives or reference != clause.reference:
                clause = replace(clause, alternatives=alternatives, reference=reference)
            clauses.append(clause)
        return replace(self, clauses=tuple(clauses))

    def with_verb_forms(self, searcher: Searcher) -> ParsedQuery:
        """The query with each verb form in *-ent* that no article holds also searched
        by its infinitive's stem: Snowball leaves most of them whole (*automutilent*,
        *rechutent*, *stigmatisent*), so they never met the nouns of the same family
        (*automutilation*, *rechute*, *stigmatisation*). (Forms the query marks as
        verbs were read so when parsed: :func:`_verb_forms`; see :meth:`verb_forms`.)"""
        reader = searcher.reader()
        clauses, changed = [], False
        for clause in self.clauses:
            typed = clause.alternatives[0]
            written = fold(typed.text)
            infinitive = infinitive_of(written)
            if (
                clause.kind != "word"
                or len(typed.words) != 1
                or infinitive is None
                or typed.written_only
                or _held(typed, reader)
            ):
                clauses.append(clause)
                continue
            stems = tuple(t for t in stem_variants(infinitive) if t not in typed.words[0])
            read = replace(typed, words=(typed.words[0] + stems,))
            if stems and _held(read, reader):
                alternatives = (read, *clause.alternatives[1:])
                clauses.append(replace(clause, alternatives=alternatives))
                changed = True
            else:
                clauses.append(clause)
        return replace(self, clauses=tuple(clauses)) if changed else self

    def with_names_begun(self, searcher: Searcher, expansion: Expansion) -> ParsedQuery:
        """The query with each word that no article holds, even through its stem, and
        that begins the names of one concept only (*théâtre*: *théâtre thérapeutique*;
        *asymétrie*: *asymétrie relationnelle*), also searched as that concept, with a
        note: in a small collection the word may be missing where the concept is
        written otherwise (*jeu scénique*)."""
        thesaurus = expansion.thesaurus
        if thesaurus is None:
            return self
        reader = searcher.reader()
        own = {clause.concept for clause in self.clauses if clause.concept}
        added: list[Clause] = []
        notes: list[str] = []
        for clause in self.clauses:
            typed = clause.alternatives[0]
            if (
                clause.kind != "word"
                or clause.penalty is not None
                or typed.written_only
                or len(typed.words) != 1
                or _held(typed, reader)
            ):
                continue
            word = fold(typed.text).lower()
            forms = {word, word[:-1]} if word.endswith(("s", "x")) else {word}
            begun = {
                concept.id
                for form in forms
                for folded, written in thesaurus.names_with(form)
                if folded[0] == form and (concept := thesaurus.find(" ".join(written)))
            }
            if len(begun) != 1 or begun <= own:
                continue
            concept = thesaurus.concepts[begun.pop()]
            # Its label must begin with the word (not an English name: *visible* of
            # *visible minorities*), and articles must name it.
            label = [fold(w).lower() for w in concept.label.split()]
            if label[0] not in forms or not reader.doc_frequency(CONCEPTS_FIELD, concept.id):
                continue
            named = concept_clause(concept, expansion)
            own.add(concept.id)
            added.append(named)
            notes.append(
                f"«{typed.text}»: also searched as «{concept.label}», whose name it begins"
            )
        if not added:
            return self
        return replace(self, clauses=self.clauses + tuple(added), notes=self.notes + tuple(notes))

    def verb_forms(self) -> dict[str, tuple[str, ...]]:
        """Each verb form in *-ent* of the query that is also searched by its
        infinitive's stem → those stems; not the verb of a question that weighs
        little (*gèrent-elles*)."""
        found: dict[str, tuple[str, ...]] = {}
        for clause in self.clauses:
            typed = clause.reference or clause.alternatives[0]
            infinitive = infinitive_of(fold(typed.text))
            if infinitive is None or len(typed.words) != 1 or clause.weight == FRAMING_WEIGHT:
                continue
            stems = tuple(t for t in stem_variants(infinitive) if t != fold(typed.text))
            if stems and set(stems) <= set(typed.words[0]):
                found.setdefault(typed.text, stems)
        return found

    def _meeting_the_rest(
        self, searcher: Searcher, clause: Clause, concepts: tuple[str, ...]
    ) -> dict[str, int]:
        """For each of ``concepts``, how many articles tagged with it also match some
        other clause of the :meth:`subject` than ``clause``: by its concept's tag, or
        by all the words of what was typed (*insomnie* beside *TCC*)."""
        rest: set[int] = set()
        for other in self.subject():
            if other is clause:
                continue
            if other.kind == "concept" and other.concept is not None:
                rest.update(searcher.docs_for_query(wq.Term(CONCEPTS_FIELD, other.concept)))
                continue
            typed = other.reference or other.alternatives[0]
            words = [
                wq.Or([wq.Term(f, t) for t in variants for f in _TEXT_FIELDS])
                for variants in typed.words
            ]
            if words:
                rest.update(searcher.docs_for_query(wq.And(words)))
        return {
            concept: len(
                rest.intersection(searcher.docs_for_query(wq.Term(CONCEPTS_FIELD, concept)))
            )
            for concept in concepts
        }

    def subject(self) -> list[Clause]:
        """The clauses that make the query's subject: not the words of a concept's
        name, nor those that only frame the question (:data:`FRAMING_WEIGHT`)."""
        return [c for c in self.clauses if c.kind != "part" and c.penalty != 0.0]

    def absent(self, searcher: Searcher) -> list[Clause]:
        """The clauses of the :meth:`subject` that no article can match: none of their
        alternatives has all its words in a title, summary or keywords."""
        reader = searcher.reader()
        return [
            clause
            for clause in self.subject()
            if not any(_held(alt, reader) for alt in clause.alternatives)
        ]

    def indirect(self, searcher: Searcher) -> list[Clause]:
        """The concept clauses of the :meth:`subject` that can reach articles by
        related or broader terms (:data:`INDIRECT` routes)."""
        reader = searcher.reader()
        return [
            clause
            for clause in self.subject()
            if clause.kind == "concept"
            and any(a.route in INDIRECT and _held(a, reader) for a in clause.alternatives)
        ]

    def whoosh_query(
        self, field_weights: dict[str, float], searcher: Searcher | None = None
    ) -> wq.Query:
        """See :meth:`build`; the Whoosh query alone."""
        return self.build(field_weights, searcher)[0]

    def build(
        self,
        field_weights: dict[str, float],
        searcher: Searcher | None = None,
        rarity_weighting: float = 0.0,
    ) -> tuple[wq.Query, list[QueryPart]]:
        """Combine clauses (sum) of alternatives (max) over weighted fields (sum).

        Also returns, per clause that can match (words of a concept's name aside),
        the ``(field, term)`` pairs it searches and how much it tells (see
        :func:`rarity`), so that callers can weigh the parts of the query a document
        matched. A concept whose name is made of other concepts (*child sexual
        abuse*: *enfant*, *violence sexuelle*) can also be found by naming each of
        them (:attr:`QueryPart.groups`), even where no article names it whole.

        With a ``searcher`` for collection statistics, every alternative is rescaled
        to the rarity of the clause's reference (what was typed, or the concept's
        label): a synonym, a longer name or a related term then scores like the
        concept it stands for (times its weight), not by its own rarity or length.
        With ``rarity_weighting`` > 0 as well, the clauses of a query of several
        words are weighed by their reference's rarity to that power (relative to the
        query's mean), so that *comment*, *prendre* and *charge* do not outweigh
        *schizophrénie*.
        """
        idf = searcher.idf if searcher is not None else None
        reader = searcher.reader() if searcher is not None else None
        count = reader.doc_count_all() if reader is not None else 0
        parts: list[wq.Query] = []
        rarities: list[float] = []
        clause_terms: list[QueryPart] = []
        references = [
            (_reference(clause, reader) if reader is not None else clause.reference)
            or clause.alternatives[0]
            for clause in self.clauses
        ]
        strengths = [_strength(ref, idf) if idf else 0.0 for ref in references]
        holdings = [_holding(ref, reader) if reader is not None else None for ref in references]
        # A concept that narrows the subject weighs at most as much as the subject's
        # strongest part (times its own weight), however rare it is.
        subject_strength = max(
            (
                strength
                for clause, strength in zip(self.clauses, strengths, strict=True)
                if clause.penalty is None and clause.kind != "part"
            ),
            default=0.0,
        )
        # The concepts of a subject of several concepts (qualifiers aside), which are
        # weighed against each other.
        compared = {
            id(c)
            for c in self.subject()
            if c.kind == "concept" and c.concept is not None and c.penalty is None
        }
        if len(compared) < 2:
            compared = set()
        # A word that names no concept weighs at most as much as the rarest concept of
        # the subject: rarer, it narrows the subject but must not outweigh it
        # (*autisme scolarisation* had put three theses without autism first).
        word_cap = max(
            (
                _rarity(h, count)
                for c, h in zip(self.clauses, holdings, strict=True)
                if c.kind == "concept" and c.penalty is None and h is not None
            ),
            default=0.0,
        )
        named: dict[str, list[frozenset[MatchKey]]] = {}  # concept → its parts' keys
        inner: dict[str, bool] = {}  # concept → whether every part is a concept
        positions: dict[str, int] = {}  # concept → its index in clause_terms
        unnamed: dict[str, QueryPart] = {}
        for clause, reference, reference_strength, holding in zip(
            self.clauses, references, strengths, holdings, strict=True
        ):
            weight = clause.weight
            if clause.penalty is not None and reference_strength > subject_strength > 0:
                weight *= subject_strength / reference_strength
            # The exact form of a concept's other names stands in for what was typed
            # only if that matches no article, even through its stem (psychotique →
            # psychose, nurses → infirmières).
            stood_in = reference is not (clause.reference or clause.alternatives[0])
            names_exact = holding is not None and (stood_in or not all(holding))
            alternatives = []
            by_name: set[MatchKey] = set()
            loose: set[MatchKey] = set()  # found through related terms or the broader concept
            # ... unless made of words the user typed (*alliance*, related to *alliance
            # thérapeutique*)
            typed = set((clause.reference or clause.alternatives[0]).words)
            for alt in clause.alternatives:
                bonus = alt.route in ("exact", "phrase") or (alt.route == "synonym" and names_exact)
                if alt.route == "synonym" and not names_exact and not alt.written_only:
                    alt = replace(alt, exact=())
                scale = weight
                if idf and reference_strength > 0:
                    strength = _strength(alt, idf)
                    if strength > 0:
                        scale *= reference_strength / strength
                q = _fields_query(alt, field_weights, scale, reader, bonus)
                if q is not None:
                    alternatives.append(q)
                    if alt.route in ("related", "broader") and not typed.issuperset(alt.words):
                        loose.update(match_keys(q))
                    # An inner concept is found by its names, not its words alone.
                    if clause.within is not None and (
                        alt.concept is not None or clause.concept == clause.within
                    ):
                        by_name.update(match_keys(q))
            if clause.within is not None:
                named.setdefault(clause.within, []).append(frozenset(by_name))
                inner[clause.within] = inner.get(clause.within, True) and (
                    clause.concept != clause.within
                )
            clause_rarity = 1.0 if holding is None else _rarity(holding, count)
            if clause.kind == "word" and clause.penalty is None and word_cap > 0:
                clause_rarity = min(clause_rarity, word_cap)
            if reader is not None and clause.concept is not None and id(clause) in compared:
                # Beside another concept, a name of several words is no rarer than the
                # concept it names: *milieu scolaire* (5.4 summed) must not outweigh
                # *suicide* (5.1).
                tagged = reader.doc_frequency(CONCEPTS_FIELD, clause.concept)
                if tagged > 0 and holding is not None and len(holding) > 1:
                    clause_rarity = min(clause_rarity, _rarity([tagged], count))
            if not alternatives:
                if clause.kind == "concept" and clause.concept is not None:
                    # named by no article: it may still be named by its parts
                    unnamed[clause.concept] = QueryPart(
                        frozenset(),
                        clause_rarity,
                        clause.penalty,
                        label=clause.label,
                        concept=clause.concept,
                    )
                continue
            part = alternatives[0] if len(alternatives) == 1 else DisMax(alternatives)
            parts.append(part)
            rarities.append(clause_rarity)
            if clause.kind == "part":
                continue  # a word of a concept's name: the concept clause counts instead
            if clause.kind == "concept" and clause.concept is not None:
                positions.setdefault(clause.concept, len(clause_terms))
            terms = match_keys(part)
            strict = terms - loose
            clause_terms.append(
                QueryPart(
                    strict,
                    rarities[-1],
                    clause.penalty,
                    loose=terms - strict,
                    label=clause.label,
                    concept=clause.concept if clause.kind == "concept" else None,
                )
            )
        for concept, groups in named.items():
            if not inner[concept] or len(groups) < 2 or not all(groups):
                continue
            i = positions.get(concept)
            if i is not None:
                clause_terms[i] = replace(clause_terms[i], groups=tuple(groups))
            elif concept in unnamed:
                clause_terms.append(replace(unnamed[concept], groups=tuple(groups)))
        if rarity_weighting > 0 and len(parts) > 1:
            powers = [r**rarity_weighting for r in rarities]
            mean = sum(powers) / len(powers)
            for part, power in zip(parts, powers, strict=True):
                part.boost *= power / mean
        for alt in self.proximity:
            q = _fields_query(alt, field_weights, 1.0, reader)
            if q is not None:
                parts.append(q)
        if not parts:
            return wq.NullQuery, clause_terms
        return (parts[0] if len(parts) == 1 else Sum(parts)), clause_terms


#: What a scorer records as found in a document: ``(field, term)`` for a word,
#: ``("phrase", field, words, links)`` for a phrase (see :class:`LinkedPhrase`).
MatchKey = tuple[Any, ...]


def match_keys(q: wq.Query) -> frozenset[MatchKey]:
    """What ``q`` can be found by, as the scorer records it (see :data:`MatchKey`).

    A phrase counts as a whole: an article that holds *psychiatrie* has not matched
    *coercition en psychiatrie*.
    """
    keys: set[MatchKey] = set()
    for leaf in q.leaves():
        if isinstance(leaf, wq.Phrase):
            keys.add(phrase_key(leaf))
        else:
            keys.update(
                (f, t if isinstance(t, bytes) else t.encode()) for f, t in leaf.iter_all_terms()
            )
    return frozenset(keys)


@dataclass(frozen=True, slots=True)
class QueryPart:
    """What one clause of a query can be found by (:func:`match_keys`) and how much
    it tells (its :func:`rarity`)."""

    terms: frozenset[MatchKey]
    rarity: float
    penalty: float | None = None  # for a part that narrows the subject, see Clause
    #: For a concept whose name is made of concepts only (*dépression prénatale*:
    #: *dépression*, *périnatalité*), what each of those is found by, through its
    #: own names: an article that finds every group has found the concept by its parts.
    groups: tuple[frozenset[MatchKey], ...] = ()
    #: What finds the clause only through a related term or the broader concept: an
    #: article that holds only these found part of it (see search's ``related_share``).
    loose: frozenset[MatchKey] = frozenset()
    label: str = ""  # the clause's, for notes
    concept: str | None = None  # the concept the clause stands for, if any


def rarity(alt: Alternative, reader: IndexReader) -> float:
    """How much finding ``alt`` tells about a document: the BM25 inverse document
    frequency ``ln(1 + (N - n + ½) / (n + ½))`` of each of its words, summed (``n``
    articles hold the word, under any of its terms, in the title or the summary).

    Near zero for a word most articles hold (*étude*), about ``ln(2N)`` for a word
    no article holds (a concept then found only through its other names). Whoosh's
    own idf (``ln(N / (n + 1)) + 1``) never falls below one, which lets three common
    words outweigh a rare one."""
    return _rarity(_holding(alt, reader), reader.doc_count_all())


def _rarity(holding: list[int], count: int) -> float:
    return sum(math.log(1 + (count - n + 0.5) / (n + 0.5)) for n in holding)


def _reference(clause: Clause, reader: IndexReader) -> Alternative | None:
    """What ``clause`` is weighed by: what was typed, or for a concept typed by a name
    no article writes (*nurses*, where the articles write *infirmières*), its first
    name that articles write (its label, most often), which then stands for what was
    typed. Else an unwritten word would make its concept the rarest part of the
    query."""
    typed = clause.reference
    if clause.kind != "concept" or typed is None or _held(typed, reader):
        return typed
    names = (a for a in clause.alternatives if a.route == "synonym" and not a.written_only)
    return next((name for name in names if _held(name, reader)), typed)


def _holding(alt: Alternative, reader: IndexReader) -> list[int]:
    """Per word of ``alt``: how many articles hold it (under its most frequent term)
    in the title or the summary (an abbreviation: as written)."""
    if alt.written_only:
        return [max(reader.doc_frequency(EXACT_FIELD, form) for form in _written_forms(alt))]
    return [
        max(reader.doc_frequency(f, term) for term in variants for f in ("title", "summary"))
        for variants in alt.words
    ]


def _strength(alt: Alternative, idf: Callable[[str, str], float]) -> float:
    """Rough best score of an alternative: the summed rarity (``idf(field, term)``) of
    its words (an abbreviation's as written)."""
    if alt.written_only:
        return min(idf(EXACT_FIELD, form) for form in _written_forms(alt))
    return sum(max(idf("summary", v) for v in variants) for variants in alt.words)


#: How much more a concept's synonyms weigh in a title than the field weights say,
#: where the exact-form bonus that what was typed earns does not reach them: a thesis
#: titled *victimisation par les pairs* then ranks with one that writes
#: *intimidation* once in its summary. (A narrower concept's name stays as it was.)
NAME_TITLE_FACTOR = 2.0


def _fields_query(
    alt: Alternative,
    field_weights: dict[str, float],
    scale: float = 1.0,
    reader: IndexReader | None = None,
    bonus: bool = True,
) -> wq.Query | None:
    """``alt`` over the weighted fields, each field's query boosted by its weight.

    An abbreviation, searched in the exact field only, stands there for the summary
    (its weight), plus the exact field's own weight if it earns the exact-form
    ``bonus`` (what the user typed, or a name standing in for it). A synonym without
    that bonus weighs :data:`NAME_TITLE_FACTOR` times more in titles."""
    if alt.written_only:
        weight = field_weights.get("summary", 1.0)
        if bonus:
            weight += field_weights.get(EXACT_FIELD, 0.0)
        field_weights = {EXACT_FIELD: weight}
    elif not bonus and alt.route == "synonym" and "title" in field_weights:
        field_weights = {**field_weights, "title": field_weights["title"] * NAME_TITLE_FACTOR}
    per_field = []
    for name, weight in field_weights.items():
        q = alt.whoosh_query(name, reader)
        if q is not None:
            q.boost = weight * alt.weight * scale
            per_field.append(q)
    if not per_field:
        return None
    return per_field[0] if len(per_field) == 1 else Sum(per_field)


def split_quoted(text: str) -> list[tuple[str, bool]]:
    """Split query text into ``(segment, is_quoted)``; an unclosed quote is plain text.

    >>> split_quoted('alliance "pacte de soins" « caïd')
    [('alliance ', False), ('pacte de soins', True), ('   caïd', False)]
    """
    segments: list[tuple[str, bool]] = []
    plain: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        close = QUOTE_PAIRS.get(ch)
        end = text.find(close, i + 1) if close else -1
        if close and end != -1:
            if plain:
                segments.append(("".join(plain), False))
                plain = []
            segments.append((text[i + 1 : end], True))
            i = end + 1
            continue
        plain.append(" " if ch in QUOTE_PAIRS or ch in QUOTE_PAIRS.values() else ch)
        i += 1
    if plain:
        segments.append(("".join(plain), False))
    return segments


def _written(text: str, words: list[tuple[int, tuple[str, ...], int, int]]) -> tuple[str, ...]:
    """The folded written form of analysed words (what the ``exact`` field holds)."""
    return tuple(fold(text[start:end]) for _, _, start, end in words)


def alternative(
    text: str, route: str = "exact", weight: float = 1.0, concept: str | None = None
) -> Alternative | None:
    """Analyse ``text`` into an :class:`Alternative` (``None`` if nothing is left)."""
    words = analyze(text)
    if not words:
        return None
    # What the user typed earns the exact-form bonus; a concept's other names only
    # when what was typed is written nowhere (see ParsedQuery.build).
    written_only = len(words) == 1 and abbreviation(text.strip())
    exact = _written(text, words) if route in ("exact", "synonym") or written_only else ()
    return Alternative(
        text=text.strip(),
        words=tuple(terms for _, terms, _, _ in words),
        route=route,
        weight=weight,
        concept=concept,
        exact=exact,
        written_only=written_only,
    )


_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Expansion:
    """How concepts expand a query.

    A concept named in the query becomes one clause: what was typed, the concept's
    other names (synonyms), its narrower concepts (by any of their names), its
    broader concept and its related terms, combined by maximum. The individual
    words of a multi-word name, or the concepts it names inside (by their own
    and their narrower concepts' names), still count, with ``words_weight``, but do
    not count as parts of the query of their own (see coordination in
    :func:`alliance_search.search.search`).
    """

    thesaurus: Thesaurus | None = None
    synonym_weight: float = 1.0
    narrower_weight: float = 0.6
    broader_weight: float = 0.4
    related_weight: float = 0.4
    words_weight: float = 0.5


def concept_clause(
    concept: Concept,
    expansion: Expansion,
    typed: Alternative | None = None,
) -> Clause:
    """The clause standing for ``concept``: what was typed for it, its names, narrower
    and broader concepts and related terms, best first."""
    alternatives: list[Alternative] = []
    seen: set[Words] = set()

    def add(alt: Alternative | None) -> None:
        if alt is not None and alt.words not in seen and alt.weight > 0:
            seen.add(alt.words)
            alternatives.append(alt)

    if typed is not None:
        add(replace(typed, concept=concept.id))
    for term in concept.terms:
        add(alternative(term, "synonym", expansion.synonym_weight, concept.id))
    thesaurus = expansion.thesaurus
    if thesaurus is not None:
        for narrower in thesaurus.narrower(concept.id):
            add(alternative(narrower.label, "narrower", expansion.narrower_weight, narrower.id))
        broader = thesaurus.concepts.get(concept.broader or "")
        # A concept at the top of the hierarchy (a chapter such as *trouble mental*) is
        # too general to stand for the concepts below it.
        if broader is not None and broader.broader:
            for term in broader.terms:
                add(alternative(term, "broader", expansion.broader_weight, broader.id))
    for term in concept.related:
        add(alternative(term, "related", expansion.related_weight, concept.id))
    if thesaurus is not None:  # narrower concepts by their other names, as far as room is left
        for narrower in thesaurus.narrower(concept.id):
            for term in narrower.terms:
                if not abbreviation(term):  # ToM is theory of mind, tom is Tom Cruise
                    add(alternative(term, "narrower", expansion.narrower_weight, narrower.id))
    del alternatives[MAX_ALTERNATIVES:]
    return Clause(
        label=typed.text if typed else concept.label,
        alternatives=tuple(alternatives),
        kind="concept",
        concept=concept.id,
        reference=typed or alternative(concept.label),
    )


def _verb_forms(
    segment: str, words: list[tuple[int, tuple[str, ...], int, int]], verbs: set[int]
) -> list[tuple[int, tuple[str, ...], int, int]]:
    """``words`` with each verb form in *-ent* also read by its infinitive's stem
    (put first: phrases look up the last).

    Snowball leaves most of these forms whole (*rechutent*, *automutilent*), so they
    never meet the nouns of their family (*rechute*, *automutilation*). A word is a
    verb form when the query says so: after *qui*, *ils*, *elles*, *se*, *ne*, or the
    verb of an inverted question (``verbs``: *s'automutilent-ils*). Others are
    left to :meth:`ParsedQuery.with_verb_forms`, which reads the index."""
    read = []
    for i, (position, terms, start, end) in enumerate(words):
        surface = segment[start:end]
        written = fold(surface).lower()
        infinitive = infinitive_of(written)
        if (
            terms == (written,)  # left whole (Snowball cuts *régulièrement*)
            and infinitive is not None
            and not _typed_abbreviation(surface)
            and (i in verbs or marked_as_verb(segment, start, end))
        ):
            terms = tuple(t for t in stem_variants(infinitive) if t not in terms) + terms
        read.append((position, terms, start, end))
    return read


def _typed_abbreviation(surface: str) -> bool:
    """A word typed as an abbreviation that the stemmer leaves whole (*IDE*, *TPB*); not
    a word typed in capitals that stands for its other forms too (*SOINS*, *soin*)."""
    return abbreviation(surface) and stem_variants(surface.lower()) == (fold(surface),)


def _word(surface: str, terms: tuple[str, ...], weight: float = 1.0) -> Alternative:
    """One word of the query as typed."""
    return Alternative(
        text=surface,
        words=(terms,),
        weight=weight,
        exact=(fold(surface),),
        written_only=_typed_abbreviation(surface),
    )


def prefix_clause(prefix: str, written: Iterable[str]) -> Clause | None:
    """The clause standing for a truncated word (``psych*``): the ``written`` words
    that start with it (most frequent first), any of which matches, or ``None``."""
    alternatives = []
    for form in written:
        analysed = analyze(form)
        if len(analysed) == 1:
            alternatives.append(_word(form, analysed[0][1]))
    if not alternatives:
        return None
    return Clause(label=prefix + "*", alternatives=tuple(alternatives[:MAX_ALTERNATIVES]))


def _typed(
    segment: str, span: list[tuple[int, tuple[str, ...], int, int]], mention: ConceptMention
) -> Alternative:
    """What the user typed for a concept mention: an abbreviation if it writes one
    of the thesaurus's (*TS*, whose stem *t* is every *T*), or looks like one."""
    text = _SPACES.sub(" ", segment[mention.start : mention.end])
    thesaurus_abbreviation = abbreviation(mention.term) and written_as(text, mention.term)
    return Alternative(
        text=text,
        words=tuple(terms for _, terms, _, _ in span),
        exact=_written(segment, span),
        written_only=len(span) == 1 and (thesaurus_abbreviation or _typed_abbreviation(text)),
    )


def _inner_parts(
    thesaurus: Thesaurus,
    segment: str,
    span: list[tuple[int, tuple[str, ...], int, int]],
    expansion: Expansion,
) -> list[tuple[int, Clause, int]]:
    """Concepts named inside a multi-word concept name (*sexual abuse* and *child* in
    *child sexual abuse*): ``(first word, clause, end word)`` relative to ``span``.

    Each stands for its words as a part of the query (``words_weight``), with the
    concept's names and its narrower concepts' names as alternatives, so that a text
    naming the parts in other words (*agression sexuelle* and *enfants*; *infirmiers*
    for the *soignants* of *santé des soignants*) still shares them. The words of a
    multi-word part also count alone, at ``words_weight``: *relation soignant* in
    *relation soignant-soigné* names *relation thérapeutique*, and a text that only
    says *relation* shares a little of it."""
    if len(span) < 2:
        return []
    by_names = Expansion(
        thesaurus=thesaurus,
        synonym_weight=expansion.synonym_weight,
        narrower_weight=expansion.narrower_weight,
        broader_weight=0.0,
        related_weight=0.0,
    )
    parts = []
    for mention in thesaurus.detect_words(span, segment, max_words=len(span) - 1):
        sub = span[mention.first_word : mention.last_word + 1]
        clause = concept_clause(mention.concept, by_names, _typed(segment, sub, mention))
        if len(sub) > 1:  # its words alone count too, as the words of any name do
            alone = tuple(
                _word(segment[start:end], terms, expansion.words_weight)
                for _, terms, start, end in sub
            )
            clause = replace(clause, alternatives=clause.alternatives + alone)
        clause = replace(clause, kind="part", weight=expansion.words_weight)
        parts.append((mention.first_word, clause, mention.last_word + 1))
    return parts


@dataclass(frozen=True, slots=True)
class Qualifier:
    """How a category of concepts narrows a subject: what it is, the weight of its
    clause (times the subject's strongest part, at most) and what an article that
    misses it loses at most (see :func:`alliance_search.search.search`)."""

    what: str
    weight: float
    penalty: float


#: Categories of concepts that narrow a subject rather than name one, weakest first:
#: a research design (*revue de la littérature sur la schizophrénie*), then an age
#: group (*dépression chez l'adolescent*).
QUALIFIERS: dict[str, Qualifier] = {
    "methode": Qualifier("a research design", weight=0.4, penalty=0.1),
    "age": Qualifier("an age group", weight=0.55, penalty=0.7),
}
_QUALIFIER_RANK = {category: rank for rank, category in enumerate(QUALIFIERS)}
#: How much rarer than a qualifier's words a word must be to count as a subject.
_SUBJECT_RARITY = 1.25


def _mark_qualifiers(
    clauses: list[Clause], thesaurus: Thesaurus, kin: frozenset[str] = frozenset()
) -> list[Clause]:
    """Mark the concepts of a :data:`QUALIFIERS` category, and the words of their
    names, with that category (see :meth:`ParsedQuery.narrowed`); not those named
    as someone's kin (``kin``)."""
    categories: dict[str, str] = {}
    for clause in clauses:
        concept = thesaurus.concepts.get(clause.concept or "")
        if (
            clause.kind == "concept"
            and concept is not None
            and concept.category in QUALIFIERS
            and concept.id not in kin
        ):
            categories[concept.id] = concept.category
    return [
        replace(c, narrows=categories[c.concept])
        if c.kind in ("concept", "part") and c.concept in categories
        else c
        for c in clauses
    ]


def parse_query(
    text: str,
    *,
    expansion: Expansion | None = None,
    concepts: Iterable[Concept] = (),
    proximity_weight: float = 0.5,
) -> ParsedQuery:
    """Analyse query text into clauses.

    One clause per distinct word and one per quoted phrase, after any lead that asks
    for documents (see :func:`alliance_search._framing.request_end`). With a thesaurus in
    ``expansion``, each concept the words name adds a concept clause (see
    :func:`concept_clause`); ``concepts`` adds clauses for concepts named explicitly.

    >>> [c.label for c in parse_query("l'alliance « thérapeutique » des ados").clauses]
    ['alliance', 'thérapeutique', 'ados']
    """
    expansion = expansion or Expansion()
    thesaurus = expansion.thesaurus
    clauses: list[Clause] = []
    seen: set[Words] = set()
    # Per run of adjacent words: (surface, terms, hyphen before, hyphen after).
    runs: list[list[tuple[str, tuple[str, ...], bool, bool]]] = []
    notes: list[str] = []

    def add(clause: Clause, key: Words) -> None:
        if key not in seen:
            seen.add(key)
            clauses.append(clause)

    concept_clauses = [concept_clause(concept, expansion) for concept in concepts]
    lead = request_end(text)
    studies: list[str] = []  # *études*, *recherches* asked for: they weigh little
    kin: set[str] = set()  # age groups named as someone's kin (*leur enfant*)
    if lead:
        asked = {fold(w[split_elision(w) :]) for w in WORD_PATTERN.findall(text[:lead])}
        why = "asks for documents" if asked & DOCUMENTS else "frames the question"
        studies = studies_asked(text[:lead])
        if studies:
            why = f"asks for documents; «{'», «'.join(studies)}» weighs little"
        notes.append(f"not searched: «{text[:lead].strip()}» ({why})")
    tail = request_tail(text, lead)
    body = text[lead:tail]
    care_frames = bool(CARE.search(body)) and bool(analyze(CARE.sub(" ", body)))
    care_said: list[str] = []  # the forms of *prise en charge* that weigh little
    sentence = len(WORD_PATTERN.findall(body)) >= SENTENCE
    frames_said: list[str] = []  # words that frame a sentence's subject
    inverted_said: list[str] = []  # the verbs of inverted questions, which weigh little
    for segment, quoted in split_quoted(body):
        if thesaurus is not None and not quoted:  # a quoted phrase is searched whole
            segment, negations = without_negations(segment, thesaurus)
            notes.extend(negations)
        words = analyze(segment)
        if not words:
            continue
        function, verbs = inverted_words(segment, words)
        if not quoted:
            words = _verb_forms(segment, words, verbs)
        if quoted and len(words) > 1:
            alt = Alternative(
                text=_SPACES.sub(" ", segment.strip()),
                words=tuple(terms for _, terms, _, _ in words),
                route="phrase",
                exact=_written(segment, words),
            )
            add(Clause(label=alt.text, alternatives=(alt,), kind="phrase"), alt.words)
            continue
        covered: dict[int, str] = {}  # word → concept whose name it is part of
        abbreviated: set[int] = set()  # words that write an abbreviation of the thesaurus
        # First word → (clause, end word) of a concept named inside a longer name.
        inner: dict[int, tuple[Clause, int]] = {}
        if thesaurus is not None:
            for mention in thesaurus.detect_words(words, segment):
                if as_kin(segment, mention.start):
                    kin.add(mention.concept.id)
                span = words[mention.first_word : mention.last_word + 1]
                typed = _typed(segment, span, mention)
                concept_clauses.append(concept_clause(mention.concept, expansion, typed))
                if typed.written_only:
                    abbreviated.add(mention.first_word)
                for i in range(mention.first_word, mention.last_word + 1):
                    covered.setdefault(i, mention.concept.id)
                for first, part, stop in _inner_parts(thesaurus, segment, span, expansion):
                    part = replace(part, within=mention.concept.id)
                    inner[mention.first_word + first] = (part, mention.first_word + stop)
        run: list[tuple[str, tuple[str, ...], bool, bool]] = []
        skip: set[int] = set()
        care = care_words(segment, words) if care_frames else set()
        frames = set()
        if sentence and covered and not quoted:
            frames = {
                i
                for i, (_, _, start, end) in enumerate(words)
                if i not in covered and fold(segment[start:end]).lower() in FRAME_WORDS
            }
        for i, (_, terms, start, end) in enumerate(words):
            surface = segment[start:end]
            word = _word(surface, terms)
            if i in abbreviated:
                word = replace(word, written_only=True)
            if i not in covered and i in function | verbs | care | frames:
                # est-ce, peut-on: no word of the subject; gèrent-elles: what is asked;
                # prise en charge: how the subject is cared for; l'impact de: what is
                # asked about the subject. A run of words ends.
                if i in verbs:
                    inverted_said.append(surface)
                elif i in care:
                    care_said.extend(m.group() for m in CARE.finditer(segment))
                elif i in frames:
                    frames_said.append(surface)
                if i not in function:
                    add(Clause(surface, (word,), weight=FRAMING_WEIGHT, penalty=0.0), (terms,))
                runs.append(run)
                run = []
                continue
            hyphens = segment[start - 1 : start] == "-", segment[end : end + 1] == "-"
            run.append((surface, terms, *hyphens))
            if i in inner:  # the inner concept's clause stands for its words
                part, stop = inner[i]
                add(part, (("part:" + (part.concept or ""),),))
                skip.update(range(i, stop))
            if i in skip:
                continue
            if i in covered:
                clause = Clause(
                    label=surface,
                    alternatives=(word,),
                    kind="part",
                    concept=covered[i],
                    weight=expansion.words_weight,
                    within=covered[i],
                )
            else:
                clause = Clause(label=surface, alternatives=(word,))
            add(clause, (terms,))
        runs.append(run)
    if care_said:
        notes.append(f"weighs little: «{care_said[0]}» (how the subject is cared for)")
    if inverted_said:
        said = "», «".join(inverted_said)
        notes.append(f"weighs little: «{said}» (the verb of the question)")
    if frames_said:
        said = "», «".join(dict.fromkeys(frames_said))
        notes.append(f"weighs little: «{said}» (frames the subject)")
    for clause in concept_clauses:
        if clause.alternatives:
            add(clause, (("concept:" + (clause.concept or ""),),))
    for surface in studies:  # a study, on papyrus any thesis; in a journal, research
        word = _word(surface, analyze(surface)[0][1])
        add(Clause(surface, (word,), weight=FRAMING_WEIGHT, penalty=0.0), word.words)
    question = text[tail:]
    framing = analyze(question)
    for _, terms, start, end in framing:
        surface = question[start:end]
        word = _word(surface, terms)
        add(
            Clause(label=surface, alternatives=(word,), weight=FRAMING_WEIGHT, penalty=0.0),
            word.words,
        )
    if framing:
        notes.append(f"weighs little: «{question.strip()}» (frames the question)")
    if not clauses and WORD_PATTERN.search(body):
        notes.append(f"not searched: «{body.strip()}» (function words only)")
    if thesaurus is not None:
        clauses = _mark_qualifiers(clauses, thesaurus, frozenset(kin))
    if len(clauses) > MAX_CLAUSES:
        notes.append(f"only the first {MAX_CLAUSES} words of the query were used")
        clauses = clauses[:MAX_CLAUSES]
    proximity: list[Alternative] = []
    if proximity_weight > 0:
        for run in runs:
            for (w1, t1, before, joined), (w2, t2, linked, after) in pairwise(run):
                # a pair never splits a hyphenated word (*dépression post-* of
                # *dépression post-partum* is also *dépression post-traumatique*)
                splits = not (joined and linked) and (before or after)
                if fold(w1) != fold(w2) and not splits and len(proximity) < MAX_CLAUSES:
                    proximity.append(
                        Alternative(
                            text=f"{w1} {w2}",
                            words=(t1, t2),
                            route="phrase",
                            weight=proximity_weight,
                            exact=(),
                            loose=True,
                        )
                    )
    return ParsedQuery(
        text=text, clauses=tuple(clauses), proximity=tuple(proximity), notes=tuple(notes)
    )
