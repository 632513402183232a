"""Clinical concepts: the thesaurus, concept detection in text, lookup and explanation.

The thesaurus is a TOML file (``data/thesaurus.toml``, written for this project)::

    format = 1

    [concepts.etat-limite]
    label = "état limite"                 # preferred French label
    category = "trouble"
    synonyms = ["personnalité limite", "borderline", "TPB"]   # same meaning: full weight
    related = ["impulsivité", "automutilation"]               # associated: lower weight
    broader = "trouble-personnalite"      # id of a broader concept (optional)

Users add or override concepts with their own file of the same format
(:func:`load_thesaurus`). Terms are matched through the French analyzer, so case,
accents, elisions, hyphens and plurals do not matter, and multi-word terms match
only as phrases. Abbreviations (:func:`abbreviation`) match only as written, in any
case, singular or plural: *IDE* is a nurse, *idées* are not.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from . import _thesaurus_cache
from ._errors import AllianceSearchError, ThesaurusError, UnknownConceptError
from .abbreviations import definitions, in_parentheses, initials_spell, singular, unread
from .analysis import WORD_PATTERN, analyze, fold, in_capitals, linked, name_links, side_by_side

__all__ = [
    "Concept",
    "ConceptMention",
    "Sense",
    "Thesaurus",
    "abbreviation",
    "default_thesaurus",
    "defined_term",
    "load_thesaurus",
]

CATEGORIES = frozenset(
    {
        "trouble", "symptome", "traitement", "relation", "soin", "droit",
        "population", "age", "profession", "lieu", "histoire", "notion", "methode",
    }
)  # fmt: skip
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

Words = tuple[tuple[str, ...], ...]

#: A word of two to six capitals, perhaps with a plural *s* (not a part of *IL-6*).
_CAPITALS = re.compile(r"(?<![\w‐-])([^\W\d_a-zß-ÿ]{2,6})s?(?![\w‐-])")

#: An abbreviation of a mental disorder (a concept below the first of these) that a
#: text of ``_LONG_TEXT`` words or more uses at most ``_FEW_USES`` times without
#: spelling it out, and beside no disorder or symptom (below either) named in words,
#: is read in another sense (see :meth:`Thesaurus._unsupported`).
_CLINICAL = ("trouble-mental", "symptome-psychiatrique")
_LONG_TEXT = 100
_FEW_USES = 2

#: A hyphen and capitals after an abbreviation: a longer one (*PEP-AS*).
_JOINED = re.compile(r"[-‐]([A-ZÀ-ÖØ-Þ]{2,6})(?![\w])")

#: How :attr:`Thesaurus.sources` names the bundled thesaurus file.
BUNDLED = "thesaurus.toml (bundled)"

#: Part of the thesaurus fingerprint: raised when detection finds other concepts in
#: the same text, so that indexes tagged before are reported as out of date.
DETECTION_VERSION = 11


def abbreviation(term: str) -> bool:
    """A short name with two capitals or more (*TPB*, *ToM*, *IRMf*): once lowercased and
    stemmed it may be another word (*IDE* and *idées*), so it matches only as written.

    >>> abbreviation("IDE"), abbreviation("ToM"), abbreviation("Alzheimer")
    (True, True, False)
    """
    return " " not in term and in_capitals(term)


def written_as(surface: str, term: str, case: bool = False) -> bool:
    """Whether the word ``surface`` writes the abbreviation ``term`` (any accents,
    singular or plural; in any case, or with ``case`` in the term's or in capitals).

    >>> written_as("tpb", "TPB"), written_as("TSAs", "TSA"), written_as("idées", "IDE")
    (True, True, False)
    >>> written_as("Tom", "ToM", case=True), written_as("TOM", "ToM", case=True)
    (False, True)
    """
    form, written = fold(surface), fold(term)
    if form not in (written, written + "s"):
        return False
    return not case or surface.isupper() or surface.removesuffix("s") == term


@dataclass(frozen=True, slots=True)
class Concept:
    """A clinical concept: preferred label, synonyms, related terms, broader concept.

    >>> concept = default_thesaurus()["borderline"]
    >>> str(concept), concept.broader
    ('état limite (etat-limite)', 'trouble-personnalite')
    """

    id: str
    label: str
    category: str = "notion"
    synonyms: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    broader: str | None = None

    @property
    def terms(self) -> tuple[str, ...]:
        """The label followed by the synonyms: every name of the concept.

        >>> default_thesaurus()["etat-limite"].terms[0]
        'état limite'
        """
        return (self.label, *self.synonyms)

    def __str__(self) -> str:
        return f"{self.label} ({self.id})"


@dataclass(frozen=True, slots=True)
class ConceptMention:
    """A concept named in a text: which term, where (word positions and characters)."""

    concept: Concept
    term: str
    first_word: int
    last_word: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sense:
    """What an abbreviation stands for in a text that spells it out (see
    :meth:`Thesaurus.senses`): ``concept``, the thesaurus's own concept for it if the
    long form names that, otherwise the concept the long form names as a whole
    (``None`` if none); ``foreign`` when the thesaurus gives the abbreviation to
    another concept than the long form names (*TCC* spelt out as a brain injury).
    Neither a concept nor foreign: an abbreviation the thesaurus lacks, spelt out as
    nothing it holds (*microparticules (MP)*)."""

    abbreviation: str
    long_form: str
    concept: str | None
    foreign: bool

    @property
    def written(self) -> str:
        """The abbreviation as the ``exact`` field holds it (folded)."""
        return fold(self.abbreviation)

    def writes(self, surface: str) -> bool:
        """Whether the word ``surface`` writes the abbreviation, in its case or in
        capitals (*TIC*, not the *tic* of a tic disorder)."""
        return written_as(surface, self.abbreviation, case=True)

    @property
    def keeps_written(self) -> bool:
        """Whether the ``exact`` field also holds the abbreviation as written (beside
        :attr:`term`): where it stands for a concept in a sense not foreign to it, so
        that a typed abbreviation read in another sense does not find it there."""
        return self.concept is not None and not self.foreign

    @property
    def term(self) -> str:
        """The ``exact`` field's term for the abbreviation in this sense (see
        :func:`defined_term`; ``=tcc`` in a sense that names no concept)."""
        return defined_term(self.concept or "", self.written)


def defined_term(concept_id: str, written: str) -> str:
    """The ``exact`` field's term for the abbreviation ``written`` (folded) where an
    article spells it out as ``concept_id``: *traumatisme-craniocerebral=tcc*. No
    word of a text holds ``=``.

    >>> defined_term("etat-limite", "tpl")
    'etat-limite=tpl'
    """
    return f"{concept_id}={written}"


@dataclass(slots=True)
class _Entry:
    words: Words
    concept_id: str
    term: str
    #: Whether function words stand between each word of the name and the next.
    gaps: tuple[bool, ...] = ()
    #: The name's words as written.
    written: tuple[str, ...] = ()
    variants: tuple[frozenset[str], ...] = ()
    #: A one-word abbreviation matches only words that write it (see :func:`written_as`).
    as_written: bool = False

    def __post_init__(self) -> None:
        self.variants = tuple(frozenset(w) for w in self.words)
        self.as_written = len(self.words) == 1 and abbreviation(self.term)

    def accepts(self, surface: str, case: bool) -> bool:
        """Whether the word written ``surface`` (the first of the match) can name it."""
        return not self.as_written or written_as(surface, self.term, case)

    def spans(
        self, words: list[tuple[int, tuple[str, ...], int, int]], first: int, text: str
    ) -> bool:
        """Whether the words of ``text`` from ``first`` on, which hold the name's, are
        linked as the name's are: where the name has no function word between two of
        its words, the text has none either, or only such as :func:`linked` allows."""
        for k, gap in enumerate(self.gaps):
            if gap:
                continue
            start, end = words[first + k + 1][2:]
            between = text[words[first + k][3] : start]
            if not linked((between,), text[start:end], self.written[k + 1]):
                return False
        return True


@dataclass
class Thesaurus:
    """A set of concepts with a term index for detection.

    >>> thesaurus = default_thesaurus()
    >>> thesaurus["TPB"].id
    'etat-limite'
    >>> [m.concept.id for m in thesaurus.detect("alliance thérapeutique et patients borderline")]
    ['alliance-therapeutique', 'etat-limite']
    """

    concepts: dict[str, Concept]
    sources: tuple[str, ...] = ()
    _by_key: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _by_pair: dict[str, tuple[list[_Entry], dict[str, list[tuple[int, _Entry]]]]] = field(
        default_factory=dict, init=False, repr=False
    )
    #: The mentions and senses of the last texts read (an article's, read by
    #: :meth:`tag` and :meth:`senses` in turn when it is indexed).
    _read: OrderedDict[tuple[str, ...], tuple[list[tuple[str, ConceptMention]], list[Sense]]] = (
        field(default_factory=OrderedDict, init=False, repr=False, compare=False)
    )

    def __post_init__(self) -> None:
        """Index the concepts' names for lookup and detection."""
        by_first: dict[str, list[_Entry]] = {}
        # Concepts loaded last (a user's file) win when two claim the same term.
        for concept in reversed(self.concepts.values()):
            self._by_key.setdefault(concept.id, concept.id)
            for term in concept.terms:
                key, words, gaps, written = _name(term)
                self._by_key.setdefault(key, concept.id)
                if not words:
                    continue
                entry = _Entry(words, concept.id, term, gaps, written)
                for variant in words[0]:
                    by_first.setdefault(variant, []).append(entry)
        for variant, entries in by_first.items():
            entries.sort(key=lambda e: -len(e.words))
            # Longer terms also by their second word, so detection checks only the
            # few that can match (many terms start with *trouble* or *thérapie*).
            by_second: dict[str, list[tuple[int, _Entry]]] = {}
            for rank, entry in enumerate(entries):
                for second in entry.words[1] if len(entry.words) > 1 else ():
                    by_second.setdefault(second, []).append((rank, entry))
            singles = [e for e in entries if len(e.words) == 1]
            self._by_pair[variant] = (singles, by_second)

    # ------------------------------------------------------------------ lookup

    def __len__(self) -> int:
        """The number of concepts."""
        return len(self.concepts)

    def __iter__(self) -> Iterator[Concept]:
        """The concepts, the bundled ones first, then a user's."""
        return iter(self.concepts.values())

    def __contains__(self, name: object) -> bool:
        """Whether ``name`` is a concept's id or one of its names (see :meth:`find`)."""
        return isinstance(name, str) and self.find(name) is not None

    def __getitem__(self, name: str) -> Concept:
        concept = self.find(name)
        if concept is None:
            close = ", ".join(c.id for c in self.search(name)[:5])
            hint = f" (close: {close})" if close else ""
            raise UnknownConceptError(
                f"unknown concept {name!r}{hint}; `alliance-search concepts` lists them"
            )
        return concept

    def find(self, name: str) -> Concept | None:
        """The concept with this id, label or synonym (any case or accents), or ``None``.

        >>> default_thesaurus().find("Maladie d’Alzheimer").id
        'maladie-alzheimer'
        >>> default_thesaurus().find("crayon") is None
        True
        """
        if not isinstance(name, str):
            raise AllianceSearchError(f"a concept name is a string, got {name!r:.40}")
        concept_id = self._by_key.get(name) or self._by_key.get(_key(name))
        if concept_id is None:
            mentions = self.detect(name)
            if (
                len(mentions) == 1
                and mentions[0].start == 0
                and len(name.strip()) == mentions[0].end
            ):
                return mentions[0].concept
            return None
        return self.concepts[concept_id]

    def search(self, text: str) -> list[Concept]:
        """Concepts whose id, label or a synonym contains ``text`` (folded), best first.

        >>> [c.id for c in default_thesaurus().search("limite")]
        ['etat-limite']
        """
        return self._holding(text, lambda concept: [concept.id, *map(_key, concept.terms)])

    def spelt_like(self, text: str) -> list[Concept]:
        """Concepts one of whose names is ``text`` misspelt (one typing error, or two
        in a name of eight letters or more), closest first: what a "did you mean"
        offers for a concept no name of which holds ``text``.

        >>> [c.label for c in default_thesaurus().spelt_like("schizofrénie")]
        ['schizophrénie']
        """
        from .spelling import edit_distance  # spelling reads the thesaurus too

        needle = _key(text)
        limit = 2 if len(needle) >= 8 else 1
        found = []
        for concept in self:
            names = [_key(concept.label), *map(_key, concept.synonyms)]
            best = min(edit_distance(needle, name, limit) for name in names)
            if best <= limit:
                found.append((best, len(concept.label), concept))
        return [concept for *_, concept in sorted(found, key=lambda f: f[:2])]

    def related_to(self, text: str) -> list[Concept]:
        """Concepts one of whose related terms contains ``text`` (folded), those with
        a related term equal to it first.

        >>> [c.id for c in default_thesaurus().related_to("Minkowski")]
        ['temporalite']
        """
        return self._holding(text, lambda concept: [_key(term) for term in concept.related])

    def _holding(self, text: str, keys: Callable[[Concept], list[str]]) -> list[Concept]:
        """Concepts one of whose ``keys`` contains ``text`` (folded): those with a key
        equal to it first, then the shortest labels."""
        needle = _key(text)
        found = []
        for concept in self:
            held = keys(concept)
            if any(needle in key for key in held):
                found.append((needle not in held, len(concept.label), concept))
        return [c for *_, c in sorted(found, key=lambda x: (x[0], x[1]))]

    def narrower(self, concept_id: str) -> list[Concept]:
        """Concepts whose broader concept is ``concept_id``.

        >>> [c.id for c in default_thesaurus().narrower("demence")][:2]
        ['maladie-alzheimer', 'demence-corps-lewy']
        """
        return [c for c in self if c.broader == concept_id]

    def ancestors(self, concept_id: str) -> list[Concept]:
        """Broader concepts, nearest first.

        >>> [c.id for c in default_thesaurus().ancestors("etat-limite")]
        ['trouble-personnalite', 'trouble-mental']
        """
        chain: list[Concept] = []
        current = self.concepts[concept_id].broader
        while current and current in self.concepts and len(chain) < 20:
            chain.append(self.concepts[current])
            current = self.concepts[current].broader
        return chain

    def neighbours(self, concept_id: str) -> list[Concept]:
        """Concepts next to ``concept_id``: its broader concept, narrower concepts,
        related terms that name a concept, then the other concepts under its broader
        one. Chapters at the top of the hierarchy (*trouble mental*) are left out.

        >>> [c.id for c in default_thesaurus().neighbours("contre-transfert")][:2]
        ['transfert', 'alliance-therapeutique']
        """
        concept = self.concepts[concept_id]
        broader = self.concepts.get(concept.broader or "")
        related = (self.find(term) for term in concept.related)
        siblings = self.narrower(broader.id) if broader is not None else []
        found: dict[str, Concept] = {}
        for other in (broader, *self.narrower(concept_id), *related, *siblings):
            if other is not None and other.id != concept_id and other.broader:
                found.setdefault(other.id, other)
        return list(found.values())

    def explain(self, name: str) -> str:
        """A few lines describing a concept: label, synonyms, related, hierarchy.

        >>> print(default_thesaurus().explain("démence"))
        démence [demence] — trouble
          synonyms: dément, troubles neurocognitifs majeurs, ...
          related:  maladies apparentées, troubles cognitifs, ...
          broader:  trouble neurocognitif > trouble mental
          narrower: maladie d'Alzheimer, démence à corps de Lewy, ...
        """
        concept = self[name]
        lines = [f"{concept.label} [{concept.id}] — {concept.category}"]
        if concept.synonyms:
            lines.append("  synonyms: " + ", ".join(concept.synonyms))
        if concept.related:
            lines.append("  related:  " + ", ".join(concept.related))
        ancestors = self.ancestors(concept.id)
        if ancestors:
            lines.append("  broader:  " + " > ".join(c.label for c in ancestors))
        narrower = self.narrower(concept.id)
        if narrower:
            lines.append("  narrower: " + ", ".join(c.label for c in narrower))
        return "\n".join(lines)

    @cached_property
    def _vocabulary(self) -> dict[str, str]:
        words: dict[str, str] = {}
        for concept in self:
            for term in (*concept.terms, *concept.related):
                for word in re.findall(r"[^\W\d_]+", term.lower()):
                    if len(word) > 2:
                        words.setdefault(fold(word), word)
        return words

    @cached_property
    def _names_by_word(self) -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
        by_word: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for concept in self:
            for term in concept.terms:
                words = tuple(re.findall(r"[^\W_]+", term.lower()))
                if len(words) < 2:
                    continue
                name = (tuple(fold(word) for word in words), words)
                for word in set(name[0]):
                    by_word.setdefault(word, []).append(name)
        return by_word

    @cached_property
    def _abbreviations(self) -> frozenset[str]:
        return frozenset(
            fold(term) for concept in self for term in concept.terms if abbreviation(term)
        )

    def abbreviations(self) -> frozenset[str]:
        """The abbreviations among the names, folded.

        >>> {"tdah", "tpb"} <= default_thesaurus().abbreviations()
        True
        """
        return self._abbreviations

    def names_with(self, word: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """The names of several words that hold ``word`` (folded), each as its folded
        words and as written (lower case).

        >>> (("anxiete", "sociale"), ("anxiété", "sociale")) in default_thesaurus().names_with(
        ...     "sociale"
        ... )
        True
        """
        return self._names_by_word.get(word, [])

    def vocabulary(self) -> dict[str, str]:
        """Folded word → its accented spelling, for every word of every term.

        >>> default_thesaurus().vocabulary()["demence"]
        'démence'
        """
        return self._vocabulary

    # ------------------------------------------------------------------ detection
    def detect(self, text: str, *, case: bool = False) -> list[ConceptMention]:
        """Concepts named in ``text`` by a label or synonym; longest match first, no overlap.

        >>> mentions = default_thesaurus().detect("Un patient borderline face à la démence")
        >>> [(m.term, m.concept.id, m.start) for m in mentions]
        [('borderline', 'etat-limite', 11), ('démence', 'demence', 32)]
        """
        return self.detect_words(analyze(text), text, case=case)

    def detect_words(
        self,
        words: list[tuple[int, tuple[str, ...], int, int]],
        text: str,
        max_words: int | None = None,
        *,
        case: bool = False,
    ) -> list[ConceptMention]:
        """Like :meth:`detect`, on ``analyze(text)`` (or a run of its words);
        ``max_words`` ignores longer terms (to find the concepts inside a long name).
        With ``case``, an abbreviation must be written in its own case or in capitals
        (*Tom* is not *ToM*): for documents, whose authors write *TPB*, not for queries.

        >>> text = "alliance de travail et démence"
        >>> [m.concept.id for m in default_thesaurus().detect_words(analyze(text), text)]
        ['alliance-therapeutique', 'demence']
        """
        mentions: list[ConceptMention] = []
        i = 0
        while i < len(words):
            best: _Entry | None = None
            for variant in words[i][1]:
                # The longest term starting here, the first listed among equals; a
                # later variant of the word wins only with a longer term.
                singles, by_second = self._by_pair.get(variant, ([], {}))
                found: tuple[int, int, _Entry] | None = None
                if side_by_side(words, i, 2):
                    for second in words[i + 1][1]:
                        for rank, entry in by_second.get(second, ()):
                            n = len(entry.variants)
                            if max_words is not None and n > max_words:
                                continue
                            if (
                                side_by_side(words, i, n)
                                and all(
                                    not entry.variants[k].isdisjoint(words[i + k][1])
                                    for k in range(2, n)
                                )
                                and entry.spans(words, i, text)
                            ):
                                if found is None or (-n, rank) < (-found[0], found[1]):
                                    found = (n, rank, entry)
                                break
                if found is not None:
                    candidate: _Entry | None = found[2]
                elif not singles or not singles[0].as_written:
                    candidate = singles[0] if singles else None
                elif self._inside_longer(text, words[i][3]):
                    candidate = None  # *PEP* of *PEP-AS*, another abbreviation
                else:  # an abbreviation: only where the word writes it
                    surface = text[words[i][2] : words[i][3]]
                    candidate = next((e for e in singles if e.accepts(surface, case)), None)
                if candidate is not None and (
                    best is None or len(candidate.variants) > len(best.variants)
                ):
                    best = candidate
            if best is None:
                i += 1
                continue
            n = len(best.words)
            mentions.append(
                ConceptMention(
                    concept=self.concepts[best.concept_id],
                    term=best.term,
                    first_word=i,
                    last_word=i + n - 1,
                    start=words[i][2],
                    end=words[i + n - 1][3],
                )
            )
            i += n
        return mentions

    def _inside_longer(self, text: str, end: int) -> bool:
        """Whether the abbreviation ending at ``end`` is the first part of a longer one
        joined by a hyphen (*PEP-AS*, a programme, not *PEP*); not of two the thesaurus
        holds side by side (*TSA-TDAH*)."""
        joined = _JOINED.match(text, end)
        return joined is not None and (
            len(joined.group(1)) < 3 or fold(joined.group(1)) not in self._abbreviations
        )

    def tag(self, *texts: str) -> list[str]:
        """Ids of the concepts named in the texts, in order of first mention; not by
        an abbreviation the texts spell out as something else (see :meth:`senses`).

        >>> default_thesaurus().tag("Etats limites et lien thérapeutique", "patients borderline")
        ['etat-limite', 'lien-therapeutique']
        >>> default_thesaurus().tag("Le traumatisme craniocérébral (TCC). La TCC", "TCC")
        ['traumatisme-craniocerebral']
        >>> default_thesaurus().tag("Les technologies de la communication (TIC) à l'école")
        ['milieu-scolaire']
        """
        mentions, senses = self._reading(texts)
        foreign = [sense for sense in senses if sense.foreign]
        return list(
            dict.fromkeys(
                m.concept.id
                for surface, m in mentions
                if not any(sense.writes(surface) for sense in foreign)
            )
        )

    def _reading(
        self, texts: tuple[str, ...]
    ) -> tuple[list[tuple[str, ConceptMention]], list[Sense]]:
        """The concept mentions of ``texts`` (as documents write them), each with the
        words that name it, and the senses of the abbreviations they use."""
        read = self._read.get(texts)
        if read is None:
            mentions = [
                (t[m.start : m.end], m) for t in texts if t for m in self.detect(t, case=True)
            ]
            read = mentions, self._senses(texts, mentions)
            self._read[texts] = read
            while len(self._read) > 8:
                try:
                    self._read.popitem(last=False)
                except KeyError:  # emptied by another thread meanwhile
                    break
        return read

    def senses(self, *texts: str) -> list[Sense]:
        """The abbreviations the texts spell out (*le traumatisme craniocérébral
        (TCC)*; see :func:`~alliance_search.abbreviations.definitions`), the first
        definition of each: as a concept, in another sense than the thesaurus's, or,
        for one the thesaurus lacks, as nothing it holds.

        The long form names the abbreviation's own concept (``foreign`` false) if the
        thesaurus finds that concept in it, or if half of its words or more are words
        of the concept's names (*trouble d'attention avec ou sans hyperactivité* for
        *TDAH*). An abbreviation written in capitals and never put in parentheses
        takes the sense of a name beside it whose initials spell it (*Traumatisme
        craniocérébral* in a title, *le TCC* in the summary), if the texts name one
        such concept, and not the thesaurus's own for it by another name.

        >>> [(s.abbreviation, s.concept, s.foreign) for s in default_thesaurus().senses(
        ...     "Un sentiment d’efficacité personnelle (SEP) élevé. Le trouble de "
        ...     "personnalité limite (TPL). La thérapie cognitivo-comportementale (TCC).")]
        ... # doctest: +NORMALIZE_WHITESPACE
        [('SEP', 'sentiment-efficacite-personnelle', True), ('TPL', 'etat-limite', False),
         ('TCC', 'tcc', False)]
        """
        return list(self._reading(texts)[1])

    def _senses(
        self, texts: tuple[str, ...], mentions: list[tuple[str, ConceptMention]]
    ) -> list[Sense]:
        found: dict[str, Sense] = {}
        for text in texts:
            for definition in definitions(text) if text else ():
                short = singular(definition.abbreviation)
                written = fold(short)
                if written in found:
                    continue
                inside = self.detect(definition.long_form)
                whole = next(
                    (m for m in inside if m.start == 0 and m.end == len(definition.long_form)),
                    None,
                )
                concept = whole.concept.id if whole is not None else None
                # by an abbreviation, or a word (*TIC*, *tic*); a plural as written may
                # be another abbreviation (*NPs*, nanoparticles, and *NPS*)
                owner = self.find(short) or self.find(definition.abbreviation)
                if owner is None:
                    found[written] = Sense(short, definition.long_form, concept, False)
                elif self._names(definition.long_form, owner.id) or _shares_words(
                    definition.long_form, owner, inside
                ):
                    found[written] = Sense(short, definition.long_form, owner.id, False)
                else:
                    found[written] = Sense(short, definition.long_form, concept, True)
        for text in texts:
            for short, before in unread(text) if text else ():
                written = fold(singular(short))
                owner = self.find(singular(short)) or self.find(short)
                if owner is None or written in found or _shares_a_word(before, owner):
                    continue
                named = (surface for surface, m in mentions if m.concept.id == owner.id)
                if all(written_as(surface, singular(short)) for surface in named):
                    # spelt out in words that name nothing of the concept, which the texts
                    # name nowhere else: another sense (*cellules initiatrices de tumeur (TIC)*)
                    found[written] = Sense(singular(short), before, None, True)
        spelt = {fold(short) for text in texts if text for short in in_parentheses(text)}
        found.update(self._implied(texts, mentions, spelt | set(found)))
        found.update(self._unsupported(texts, mentions, spelt | set(found)))
        return list(found.values())

    def _unsupported(
        self,
        texts: tuple[str, ...],
        mentions: list[tuple[str, ConceptMention]],
        defined: set[str],
    ) -> dict[str, Sense]:
        """Senses of the abbreviations of mental disorders that a long text uses once or
        twice, never spells out, and beside no mental disorder or symptom named in
        words: another discipline's (*DFT*, density functional theory, in a chemistry
        thesis; *PEP*, a ventilator's pressure), not the thesaurus's."""
        by_word: dict[str, list[str]] = {}
        for surface, m in mentions:
            field = self._clinical.get(m.concept.id)
            if field is None:
                continue
            if not abbreviation(m.term):
                return {}  # a disorder or a symptom named in words: the texts' field
            if field == _CLINICAL[0]:
                by_word.setdefault(m.concept.id, []).append(surface)
        # counted only where there is something to read otherwise (indexing runs this)
        if not by_word or sum(len(WORD_PATTERN.findall(t)) for t in texts if t) < _LONG_TEXT:
            return {}
        found = {}
        for surfaces in by_word.values():
            if len(surfaces) <= _FEW_USES:
                for surface in surfaces:
                    short = singular(surface)
                    if fold(short) not in defined:
                        found[fold(short)] = Sense(short, "", None, True)
        return found

    @cached_property
    def _clinical(self) -> dict[str, str]:
        """Concept id → which of :data:`_CLINICAL` it is or is below (if any)."""
        fields = {}
        for concept in self:
            for above in (concept, *self.ancestors(concept.id)):
                if above.id in _CLINICAL:
                    fields[concept.id] = above.id
                    break
        return fields

    def _names(self, text: str, concept_id: str) -> bool:
        """Whether ``text`` names the concept, also inside a longer name of another
        (*traits de la personnalité limite*: *traits de personnalité*, *état limite*)."""
        return any(
            m.concept.id == concept_id
            for start in (match.start() for match in WORD_PATTERN.finditer(text))
            for m in self.detect(text[start:])
        )

    def _implied(
        self,
        texts: tuple[str, ...],
        mentions: list[tuple[str, ConceptMention]],
        defined: set[str],
    ) -> dict[str, Sense]:
        """Senses of the abbreviations (in capitals) the texts write without spelling
        them out, beside a name whose initials spell them (*Traumatisme craniocérébral*
        in a title, *le TCC* in the summary; see
        :func:`~alliance_search.abbreviations.initials_spell`): if the texts name one
        such concept, and the thesaurus's own for the abbreviation by no other name."""
        written = sorted(
            {
                short
                for text in texts
                if text
                for short in _CAPITALS.findall(text)
                if fold(short) not in defined
            }
        )
        found = {}
        # Names of several words, by their first letter.
        names: dict[str, list[tuple[str, ConceptMention]]] = {}
        for surface, m in mentions:
            if m.last_word > m.first_word:
                names.setdefault(fold(surface)[:1], []).append((surface, m))
        for short in written:
            spelling = {
                m.concept.id: surface
                for surface, m in names.get(fold(short)[:1], ())
                if initials_spell(short, surface)
            }
            if not spelling:
                continue
            owner = self.find(short)
            if owner is not None and any(
                m.concept.id == owner.id and not written_as(surface, short)
                for surface, m in mentions
            ):
                continue
            if owner is not None and any(self._kin(owner.id, c) for c in spelling):
                continue  # *TCCL* beside *traumatisme crânio-cérébral*: the same family
            if len(spelling) == 1:
                [(concept_id, name)] = spelling.items()
                found[fold(short)] = Sense(short, name, concept_id, owner is not None)
        return found

    def _kin(self, one: str, other: str) -> bool:
        """Whether one concept is the other, or above or below it."""
        if one == other:
            return True
        return any(c.id == other for c in self.ancestors(one)) or any(
            c.id == one for c in self.ancestors(other)
        )

    @property
    def fingerprint(self) -> str:
        """A short hash of the concepts' content (stored in indexes to detect changes).

        >>> len(default_thesaurus().fingerprint)
        16
        """
        digest = hashlib.sha256(f"detection {DETECTION_VERSION}".encode())
        for concept in sorted(self, key=lambda c: c.id):
            digest.update(repr(concept).encode())
        return digest.hexdigest()[:16]


def _shares_a_word(text: str, concept: Concept) -> bool:
    """Whether a word of ``text`` is a word of the concept's names (by stem)."""
    names = {variant for term in concept.terms for word in _words(term) for variant in word}
    return any(names.intersection(terms) for _, terms, _, _ in analyze(text))


def _shares_words(long_form: str, concept: Concept, others: list[ConceptMention]) -> bool:
    """Whether half or more of the words of ``long_form`` are words of the
    concept's names (by stem), and none of the words it lacks lies in a mention of one
    of the ``others``, concepts found in it (*maladies affectives* is no *maladie
    d'Alzheimer*: *affectives* names emotion).

    >>> alzheimer = default_thesaurus()["maladie-alzheimer"]
    >>> _shares_words("maladie de type Alzheimer", alzheimer, [])
    True
    >>> long_form = "maladies affectives"
    >>> _shares_words(long_form, alzheimer, default_thesaurus().detect(long_form))
    False
    """
    names = {variant for term in concept.terms for word in _words(term) for variant in word}
    words = analyze(long_form)
    if not words:
        return False
    apart = [(start, end) for _, terms, start, end in words if not names.intersection(terms)]
    if 2 * len(apart) > len(words):
        return False
    return not any(m.start <= start and end <= m.end for start, end in apart for m in others)


@cache
def _words(term: str) -> Words:
    return _name(term)[1]


#: :func:`_name` of the names analysed so far, or read back from the cache.
_NAMES: dict[str, tuple[str, Words, tuple[bool, ...], tuple[str, ...]]] = {}


def _name(term: str) -> tuple[str, Words, tuple[bool, ...], tuple[str, ...]]:
    """A name's lookup key (see :func:`_key`), its analysed words, whether function
    words stand between each and the next, and the words as written."""
    known = _NAMES.get(term)
    if known is None:
        words = analyze(term)
        gaps = tuple(link is None for link in name_links(term))
        written = tuple(term[w[2] : w[3]] for w in words)
        known = _NAMES[term] = (_key(term), tuple(w[1] for w in words), gaps, written)
    return known


def _key(name: str) -> str:
    return " ".join(fold(w) for w in re.split(r"[\s'’ʼ\-]+", name) if fold(w))


# --------------------------------------------------------------------------- loading


def _concept(concept_id: str, raw: Any, source: str) -> Concept:
    def fail(message: str, name: str | None = None) -> ThesaurusError:
        where = f"concept {concept_id!r}" + (f", field {name!r}" if name else "")
        return ThesaurusError(f"{source}: {where}: {message}")

    if not _ID.match(concept_id):
        raise fail("ids are lowercase ASCII words joined by hyphens (e.g. 'etat-limite')")
    if not isinstance(raw, dict):
        raise fail("must be a table with at least a 'label'")
    unknown = set(raw) - {"label", "category", "synonyms", "related", "broader"}
    if unknown:
        raise fail(f"unknown field(s) {', '.join(sorted(unknown))}")
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        raise fail("is required and must be a non-empty string", "label")
    category = raw.get("category", "notion")
    if category not in CATEGORIES:
        raise fail(f"must be one of {', '.join(sorted(CATEGORIES))}, got {category!r}", "category")
    lists = {}
    for name in ("synonyms", "related"):
        value = raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail("must be a list of non-empty strings", name)
        for term in value:
            if not _words(term):
                raise fail(f"term {term!r} has no searchable word", name)
        lists[name] = tuple(v.strip() for v in value)
    if not _words(label):
        raise fail(f"{label!r} has no searchable word", "label")
    broader = raw.get("broader")
    if broader is not None and (not isinstance(broader, str) or not _ID.match(broader)):
        raise fail("must be the id of another concept", "broader")
    return Concept(
        id=concept_id,
        label=label.strip(),
        category=category,
        synonyms=lists["synonyms"],
        related=lists["related"],
        broader=broader,
    )


def _text(path: Path | None) -> tuple[str, str]:
    """The name and text of a thesaurus file (``None``: the bundled one)."""
    if path is None:
        text = resources.files("alliance_search").joinpath("data/thesaurus.toml").read_text("utf-8")
        return BUNDLED, text
    source = str(path)
    try:
        return source, Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ThesaurusError(f"{source}: cannot read the thesaurus ({exc})") from None


def _parse(source: str, text: str) -> dict[str, Any]:
    """The ``[concepts.<id>]`` tables of the thesaurus file ``source``, which holds ``text``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ThesaurusError(f"{source}: invalid TOML ({exc})") from None
    if data.get("format", 1) != 1:
        raise ThesaurusError(f"{source}: unsupported thesaurus format {data.get('format')!r}")
    concepts = data.get("concepts")
    if not isinstance(concepts, dict):
        raise ThesaurusError(f"{source}: no [concepts.<id>] tables found")
    return concepts


def load_thesaurus(*paths: str | Path, bundled: bool = True) -> Thesaurus:
    """Load the bundled thesaurus, then each user file in turn (adding or overriding by id).

    A thesaurus built once is kept in a cache folder and read back from it, in a
    fraction of the time, while its files, this package and Python are the same (see
    :mod:`alliance_search._thesaurus_cache`; ``ALLIANCE_SEARCH_THESAURUS_CACHE=off``
    turns it off).

    >>> len(load_thesaurus()) >= 200
    True
    """
    files: list[Path | None] = [None] if bundled else []
    files.extend(Path(p) for p in paths)
    try:
        texts = [_text(path) for path in files]
    except ThesaurusError:  # raised again, after the errors of the files before it
        return _built(map(_text, files))
    key = _thesaurus_cache.cache_key(texts, DETECTION_VERSION)
    thesaurus = _restored(_thesaurus_cache.read(key)) if key else None
    if thesaurus is None:
        thesaurus = _built(texts)
        if key:
            _thesaurus_cache.write(key, _stored(thesaurus))
    return thesaurus


def _stored(thesaurus: Thesaurus) -> dict[str, Any]:
    """What the cache keeps of a built thesaurus: its sources, its concepts and the
    analysis of their names (see :func:`_name`)."""
    return {
        "sources": thesaurus.sources,
        "concepts": [
            (c.id, c.label, c.category, c.synonyms, c.related, c.broader) for c in thesaurus
        ],
        "names": {term: _name(term) for concept in thesaurus for term in concept.terms},
    }


def _restored(data: Any) -> Thesaurus | None:
    """The thesaurus that :func:`_stored` gave ``data`` of, or ``None`` if ``data`` is
    none or not of that shape."""
    if data is None:
        return None
    try:
        names = {
            term: (key, tuple(map(tuple, words)), tuple(gaps), tuple(written))
            for term, (key, words, gaps, written) in data["names"].items()
        }
        concepts = {
            row[0]: Concept(row[0], row[1], row[2], tuple(row[3]), tuple(row[4]), row[5])
            for row in data["concepts"]
        }
        sources = tuple(data["sources"])
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    _NAMES.update(names)
    return Thesaurus(concepts, sources)


def _built(texts: Iterable[tuple[str, str]]) -> Thesaurus:
    """The thesaurus of the files that ``texts`` names and holds, in order."""
    concepts: dict[str, Concept] = {}
    sources: list[str] = []
    origin: dict[str, str] = {}  # concept → the file that last defined it
    for source, text in texts:
        raw_concepts = _parse(source, text)
        sources.append(source)
        for concept_id, raw in raw_concepts.items():
            concepts[concept_id] = _concept(concept_id, raw, source)
            origin[concept_id] = source
    for concept in concepts.values():
        where = origin[concept.id]
        if concept.broader and concept.broader not in concepts:
            raise ThesaurusError(
                f"{where}: concept {concept.id!r}, field 'broader': unknown concept "
                f"{concept.broader!r}"
            )
        seen = {concept.id}
        current = concept.broader
        while current:
            if current in seen:
                raise ThesaurusError(
                    f"{where}: concept {concept.id!r}, field 'broader': cycle through {current!r}"
                )
            seen.add(current)
            current = concepts[current].broader
    return Thesaurus(concepts, tuple(sources))


_DEFAULT: Thesaurus | None = None


def default_thesaurus() -> Thesaurus:
    """The bundled thesaurus, loaded once.

    >>> default_thesaurus()["maladie d'Alzheimer"].broader
    'demence'
    """
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_thesaurus()
    return _DEFAULT
