"""Ranking: run a parsed query on an index, then build snippets and explanations."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import replace
from functools import cache, partial
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from whoosh import query as wq
from whoosh import sorting

from ._errors import AllianceSearchError
from .analysis import (
    WORD_PATTERN,
    analyze,
    fold,
    in_capitals,
    linked,
    name_links,
    side_by_side,
    stem_variants,
    term_positions,
)
from .concepts import Concept, Sense, Thesaurus, written_as
from .corpus import parse_year, slug
from .index import article_from_stored
from .query import (
    EXACT_FIELD,
    INDIRECT,
    Alternative,
    Clause,
    Expansion,
    MatchKey,
    ParsedQuery,
    QueryPart,
    concept_clause,
    parse_query,
    prefix_clause,
)
from .results import Hit, Match, Results, broadened_hit
from .spelling import written
from .syntax import Operators, group_items, is_group, parse_operators, said, syntax_notes, truncated

if TYPE_CHECKING:
    from whoosh.searching import Searcher

    from ._scoring import FinalScore, Holders, Scores, TermScorer
    from .corpus import Article
    from .index import Index

__all__ = ["DEFAULT_FIELD_WEIGHTS", "describe", "more_like_this", "search"]

log = logging.getLogger(__name__)

#: Query-time weight of each field; a field's BM25 scores are multiplied and added.
DEFAULT_FIELD_WEIGHTS = {"title": 2.0, "summary": 1.0, "keywords": 1.5, "exact": 4.0}
SNIPPET_CHARS = 240
#: How many nearby concepts :attr:`Results.nearby` offers.
NEARBY = 5
_SNIPPET_LEAD = 50

Year = int | tuple[int | None, int | None]
Words = list[tuple[int, tuple[str, ...], int, int]]


def find_concept(thesaurus: Thesaurus, name: str) -> Concept:
    """The concept named ``name`` (id, label or synonym), or a clear error."""
    return thesaurus[name]


def with_narrower(thesaurus: Thesaurus, name: str) -> list[Concept]:
    """The concept and every concept below it in the hierarchy."""
    todo = [find_concept(thesaurus, name)]
    found: dict[str, Concept] = {}
    while todo:
        current = todo.pop()
        if current.id not in found:
            found[current.id] = current
            todo.extend(thesaurus.narrower(current.id))
    return list(found.values())


def _filter(
    searcher: Searcher,
    thesaurus: Thesaurus,
    section: str | Sequence[str] | None = None,
    journal: str | None = None,
    year: Year | None = None,
    concept: str | Sequence[str] | None = None,
    author: str | Sequence[str] | None = None,
) -> wq.Query | None:
    parts: list[wq.Query] = []
    if section:
        names = _as_held(searcher, "section", section)
        parts.append(wq.Or([wq.Term("section", s) for s in names]))
    if journal:
        parts.append(wq.Or([wq.Term("journal", j) for j in _as_held(searcher, "journal", journal)]))
    if year is not None:
        low, high = _years(year)
        kept = [y for y in _years_held(searcher) if _within_years(y, low, high)]
        parts.append(wq.Or([wq.Term("year", y) for y in kept]) if kept else wq.NullQuery)
    if concept:
        names = [concept] if isinstance(concept, str) else list(concept)
        ids = [c.id for name in names for c in with_narrower(thesaurus, name)]
        parts.append(wq.Or([wq.Term("concepts", c) for c in ids]))
    if author:
        parts.append(_by_author(searcher, author))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _by_author(searcher: Searcher, author: str | Sequence[str]) -> wq.Query:
    """The articles one of whose authors ``author`` names (see :func:`names_author`),
    or one of the names if several."""
    if not isinstance(author, str):
        if not isinstance(author, Sequence) or not all(isinstance(a, str) for a in author):
            raise AllianceSearchError(f"author must be a name or names, got {author!r:.40}")
        return wq.Or([_by_author(searcher, name) for name in author])
    words = [terms for _, terms, start, end in analyze(author, stem=False) if end - start > 1]
    if not words:
        return wq.NullQuery
    reader = searcher.reader()
    if "authors" not in reader.indexed_field_names():
        return wq.NullQuery
    found = wq.And([wq.Or([wq.Term("authors", t) for t in terms]) for terms in words])
    ids = []
    for doc in searcher.docs_for_query(found):
        article = article_from_stored(searcher.stored_fields(doc))
        if any(names_author(name, author) for name in article.authors):
            ids.append(article.id)
    return wq.Or([wq.Term("id", i) for i in ids]) if ids else wq.NullQuery


#: A query of this many words or fewer may be an author's name (see _author_notes).
_NAME_WORDS = 4
#: Words written with a capital, one after the other: maybe a name in a query.
_CAPITALIZED = re.compile(r"[^\W\d_a-zß-ÿ][\w'’-]*(?:[ \t]+[^\W\d_a-zß-ÿ][\w'’-]*){0,2}")


def _author_notes(searcher: Searcher, text: str) -> tuple[str, ...]:
    """A note for each name of an author of the index's articles that the query
    writes (*Durand*, *articles de Durand*, *Fournier dépression*): the query searches
    the texts, the ``author`` filter the authors."""
    if not text.strip() or not _held_authors(searcher):
        return ()
    whole = [text.strip()] if len(WORD_PATTERN.findall(text)) <= _NAME_WORDS else []
    notes = []
    for name in [*whole, *(m.group() for m in _CAPITALIZED.finditer(text))]:
        by = sum(1 for _ in searcher.docs_for_query(_by_author(searcher, name)))
        if by:
            articles = "1 article" if by == 1 else f"{by} articles"
            notes.append(
                f"«{name}» names an author of {articles}: search with author={name!r} (--author)"
            )
            if name in whole:
                break
    return tuple(notes)


def _held_authors(searcher: Searcher) -> bool:
    return bool(searcher.reader().field_length("authors"))


def names_author(name: str, typed: str) -> bool:
    """Whether ``typed`` names the author ``name``: each of its words is a word of the
    name (any case or accents), or its initial.

    >>> names_author("Marie-Hélène Durand", "M.-H. durand"), names_author("Marie Durand", "Paul")
    (True, False)
    """
    words = [fold(w).lower() for w in _NAME_WORD.findall(name)]
    wanted = [fold(w).lower() for w in _NAME_WORD.findall(typed)]
    return bool(wanted) and all(
        w in words if len(w) > 1 else any(x.startswith(w) for x in words) for w in wanted
    )


_NAME_WORD = re.compile(r"[^\W\d_]+")


def _listing(
    searcher: Searcher,
    whoosh_filter: wq.Query,
    limit: int | None,
    thesaurus: Thesaurus,
    section: str | Sequence[str] | None,
    journal: str | None,
    year: Year | None,
    author: str | Sequence[str] | None,
) -> Results:
    """The articles within the filters of a search with no query (*the articles of an
    author*, *the Lu pour vous pages*), the most recent first, then by title."""
    docs = sorted(
        searcher.docs_for_query(whoosh_filter),
        key=lambda doc: _recent_first(searcher.stored_fields(doc)),
    )
    said = _filters_said(section, journal, year, None, author)
    notes: tuple[str, ...] = (f"the articles within the filters ({said}), the most recent first",)
    if not docs:
        notes = _unmet_filters(searcher, thesaurus, section, journal, year, None, author)
    ranked = [(0.0, doc) for doc in docs[:limit]]
    return Results(
        "",
        _hits(searcher, ranked, ParsedQuery(text="", clauses=()), thesaurus),
        total=len(docs),
        notes=notes,
        facets=partial(_facets, searcher, lambda: docs),
        answering=len(docs),
        thesaurus=thesaurus,
    )


def _recent_first(stored: dict[str, Any]) -> tuple[int, str, str]:
    return -(stored.get("year") or 0), fold(stored.get("title") or "").lower(), stored["id"]


def _held(searcher: Searcher, name: str) -> list[str]:
    """The values of the field ``name`` that articles have."""
    reader = searcher.reader()
    if name not in reader.indexed_field_names():
        return []
    return [value for value in sorted(t.decode() for t in reader.lexicon(name)) if value]


def _as_held(searcher: Searcher, name: str, wanted: str | Sequence[str]) -> list[str]:
    """The values of ``name`` that articles have and ``wanted`` names, as written or
    as the table-of-contents parser writes them (*Lu pour vous*: ``lu-pour-vous``; see
    :func:`~.corpus.slug`); those of ``wanted`` if none."""
    values = [wanted] if isinstance(wanted, str) else list(wanted)
    slugs = {slug(value) for value in values}
    held = [value for value in _held(searcher, name) if value in values or slug(value) in slugs]
    return held or values


def _years_held(searcher: Searcher) -> list[int]:
    """The years the index's articles have, each once (Whoosh's ``NumericRange`` is
    not used: over wide spans, such as 1000 to 2010, its ranges of shifted terms let
    later years through)."""
    field = searcher.schema["year"]
    return [field.from_bytes(term) for term in field.sortable_terms(searcher.reader(), "year")]


def _within_years(year: int, low: int | None, high: int | None) -> bool:
    return (low is None or year >= low) and (high is None or year <= high)


def _filters_said(
    section: str | Sequence[str] | None,
    journal: str | None,
    year: Year | None,
    concept: str | Sequence[str] | None,
    author: str | Sequence[str] | None = None,
) -> str:
    """The filters of a search, as a note says them: *section «dossier», 2009 to 2012*."""
    said = []
    named = (("section", section), ("journal", journal), ("concept", concept), ("author", author))
    for name, wanted in named:
        if wanted:
            values = [wanted] if isinstance(wanted, str) else list(wanted)
            said.append(f"{name} «{', '.join(values)}»")
    if year is not None:
        said.append(_span(*_years(year)))
    return ", ".join(said)


def _unmet_filters(
    searcher: Searcher,
    thesaurus: Thesaurus,
    section: str | Sequence[str] | None,
    journal: str | None,
    year: Year | None,
    concept: str | Sequence[str] | None,
    author: str | Sequence[str] | None = None,
) -> tuple[str, ...]:
    """Notes on the filters that no article meets, with the values articles have."""
    notes = []
    if author and not any(searcher.docs_for_query(_by_author(searcher, author))):
        if not _held_authors(searcher):
            notes.append("no article of this index has authors")
        else:
            typed = author if isinstance(author, str) else "», «".join(author)
            notes.append(f"no article has an author named «{typed}»")
    for name, wanted in (("section", section), ("journal", journal)):
        if not wanted:
            continue
        values = [wanted] if isinstance(wanted, str) else list(wanted)
        held = _held(searcher, name)
        if not held:
            notes.append(f"no article of this index has a {name}")
        elif not set(_as_held(searcher, name, wanted)) & set(held):
            have = ", ".join(held[:8])
            notes.append(f"no article has {name} «{', '.join(values)}» ({name}s: {have})")
    if year is not None:
        low, high = _years(year)
        years = _years_held(searcher)
        if not years:
            notes.append("no article of this index has a year")
        elif not any(_within_years(y, low, high) for y in years):
            notes.append(f"no article is from {_span(low, high)}")
    tagging = _filter(searcher, thesaurus, concept=concept)
    tagged = searcher.docs_for_query(tagging) if tagging is not None else ()
    if concept and not notes and next(iter(tagged), None) is None:
        names = [concept] if isinstance(concept, str) else list(concept)
        notes.append(f"no article is tagged with «{', '.join(names)}»")
    if not notes:
        notes.append("no article meets all the filters together")
    return tuple(notes)


def _check_limit(limit: object, also: str = "") -> None:
    """Raise a clear error unless ``limit`` is a whole number ≥ 0."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        allowed = f"a whole number ≥ 0 {also}".strip()
        raise AllianceSearchError(f"limit must be {allowed}, got {limit!r}")


def _years(year: object) -> tuple[int | None, int | None]:
    """The years a ``year`` filter keeps, from and to: a year (*2009*, also written
    ``"2009"``) or a pair of them, either of which may be ``None`` (no bound)."""

    def fail(message: str, name: str) -> AllianceSearchError:
        return AllianceSearchError(
            f"year must be a year such as 2009 or a pair (2005, 2010), (2005, None), got {year!r}"
        )

    def one(value: object) -> int:
        parsed = parse_year(value, fail)  # as the corpus reads a record's year
        if parsed is None:
            raise fail("", "year")
        return parsed

    if isinstance(year, tuple | list) and len(year) == 2:
        if year[0] is None and year[1] is None:
            raise fail("", "year")
        low = None if year[0] is None else one(year[0])
        high = None if year[1] is None else one(year[1])
        if low is not None and high is not None and low > high:
            return high, low
        return low, high
    return one(year), one(year)


def _span(low: int | None, high: int | None) -> str:
    """Years from ``low`` to ``high`` as a note says them: *2009*, *2009 to 2012*,
    *2009 or after*, *2012 or before*."""
    if low == high:
        return str(low)
    if low is None:
        return f"{high} or before"
    return f"{low} or after" if high is None else f"{low} to {high}"


def search(
    index: Index,
    query: str,
    limit: int | None = 10,
    *,
    section: str | Sequence[str] | None = None,
    journal: str | None = None,
    year: Year | None = None,
    concept: str | Sequence[str] | None = None,
    author: str | Sequence[str] | None = None,
    expand: bool = True,
    concepts: Sequence[str] = (),
    related_weight: float = 0.4,
    narrower_weight: float = 0.6,
    broader_weight: float = 0.4,
    words_weight: float = 0.5,
    field_weights: dict[str, float] | None = None,
    proximity_weight: float = 0.5,
    coordination: float = 3.0,
    related_share: float = 0.6,
    rarity_weighting: float = 1.0,
    correct: bool = True,
) -> Results:
    """Rank the index's articles for ``query`` (French, typed as people type it).

    Every word counts but none is required. Words that name a thesaurus concept are
    expanded to its synonyms (full weight), narrower concepts and related terms (lower
    weights); variants of one concept count once (maximum), distinct concepts add up.
    Quoted phrases and adjacent query words found side by side score extra; the title
    weighs more than the summary. Parts of the query weigh by their rarity in the
    collection (``rarity_weighting``; 0 weighs them alike), and the share of the query
    an article matches multiplies its score (``coordination``, the exponent); a part
    found only through a related term or the broader concept counts for
    ``related_share`` of itself (1 counts it whole). Beside a
    subject, a research design or an age group narrows it and weighs less (see
    :data:`alliance_search.query.QUALIFIERS`).
    ``expand=False`` searches the words only; ``concepts=["etat-limite"]`` names
    concepts explicitly. ``section``, ``journal``, ``year`` (a year or a ``(from,
    to)`` pair), ``concept`` (with its narrower concepts) and ``author`` (a name or
    part of one, any case or accents: *Durand*, *Marie Durand*, *M. Durand*) filter;
    with an empty query, ``concept`` also ranks the articles on it, as ``concepts``
    would, and ``author`` lists the author's articles.

    Operators (see :mod:`alliance_search.syntax`): ``-mot`` or ``SAUF mot`` leaves out
    the articles naming it, ``+mot`` or ``mot ET mot`` keeps only those, ``titre:mot``
    wants it in the title, ``psych*`` stands for the words starting with ``psych``.

    A misspelt word that matches nothing is searched as its correction when that is
    safe (see :func:`~alliance_search.spelling.correct`; ``Results.corrected`` holds
    what was searched instead); ``correct=False`` searches the words as typed. Other
    unknown words get a "did you mean" (``Results.suggestion``). When nothing matches
    (no filter, no word required or left out), the articles on the broader concept
    of the query's concepts are shown instead, with a note (``Results.broadened``).

    >>> index.search("maladie d'Alzheimer", limit=3).ids
    ['sm-alliance-therapeutique-dans-la-demence']
    """
    if not isinstance(query, str):
        raise AllianceSearchError(f"the query must be a string, got {type(query).__name__}")
    if limit is not None:
        _check_limit(limit, "or None")
    if not isinstance(related_share, int | float) or not 0 <= related_share <= 1:
        raise AllianceSearchError(f"related_share must be from 0 to 1, got {related_share!r}")
    weights = {
        "related_weight": related_weight,
        "narrower_weight": narrower_weight,
        "broader_weight": broader_weight,
        "words_weight": words_weight,
    }
    for name, value in weights.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise AllianceSearchError(f"{name} must be a number ≥ 0, got {value!r}")
    if isinstance(concepts, str):  # one concept
        concepts = [concepts]
    if isinstance(author, str):  # blank: no filter
        author = author.strip() or None
    elif isinstance(author, Sequence):
        author = [name for name in author if not isinstance(name, str) or name.strip()] or None
    listing = not query.strip() and not concepts and bool(concept)
    if listing and concept:  # the articles on a concept: by its names, then any other tagged
        concepts = [concept] if isinstance(concept, str) else list(concept)
    thesaurus = index.thesaurus
    expansion = Expansion(
        thesaurus=thesaurus if expand else None,
        related_weight=related_weight,
        narrower_weight=narrower_weight,
        broader_weight=broader_weight,
        words_weight=words_weight,
    )
    operators = parse_operators(query)
    text = operators.text
    fixed = index.correct(text) if correct and text.strip() else None
    corrected = operators.render(fixed, query) if fixed is not None else None
    if fixed is not None:
        operators = operators.corrected(fixed)
    if thesaurus is not None and expand:
        operators = _as_named(operators, thesaurus)
    if corrected is not None:
        log.info("searching %r instead of %r", corrected, query)
    parsed = parse_query(
        fixed or text,
        expansion=expansion,
        concepts=[find_concept(thesaurus, name) for name in concepts],
        proximity_weight=proximity_weight,
    )
    searcher = index.searcher()
    if operators.prefixes:
        parsed = _with_prefixes(parsed, searcher, thesaurus, operators.prefixes)
    parsed = parsed.with_words_in_capitals(searcher, thesaurus).narrowed(searcher)
    filtered = [concept] if isinstance(concept, str) else list(concept or ())
    named = {c.id for name in [*filtered, *concepts] for c in with_narrower(thesaurus, name)}
    parsed = parsed.with_defined(searcher, expansion, named)
    parsed = parsed.with_verb_forms(searcher).with_names_begun(searcher, expansion)
    verbs = _verb_notes(parsed.verb_forms(), searcher, thesaurus)
    parsed = replace(parsed, notes=parsed.notes + verbs)
    if operators:
        parsed = replace(parsed, notes=parsed.notes + operators.notes)
    if query.strip() or not concepts:  # concepts=[...] alone have something to search
        parsed = replace(parsed, notes=parsed.notes + syntax_notes(query))
    absent = parsed.absent(searcher)
    parsed = replace(parsed, notes=parsed.notes + _absent_notes(absent))
    # Looked up when asked for; words corrected unasked need no suggestion.
    suggestion = partial(index.suggest, fixed or text) if text.strip() else None
    whoosh_filter = _filter(searcher, thesaurus, section, journal, year, concept, author)
    searched = {clause.concept for clause in parsed.clauses if clause.concept}
    operated = bool(operators.required or operators.excluded or operators.in_title)

    def operators_allow() -> Callable[[int], bool] | None:  # the operators, no filter
        return _constrained(index, expansion, operators, None, searched) if operated else None

    nearby = partial(_nearby, searcher, thesaurus, parsed, whoosh_filter, operators_allow)
    if not query.strip() and not concepts and whoosh_filter is not None:
        return _listing(searcher, whoosh_filter, limit, thesaurus, section, journal, year, author)
    if not parsed:
        return Results(
            query,
            [],
            total=0,
            notes=parsed.notes,
            suggestion=suggestion,
            nearby=nearby,
            thesaurus=thesaurus,
            corrected=corrected,
        )
    whoosh_query, clause_terms = parsed.build(
        field_weights or DEFAULT_FIELD_WEIGHTS, searcher, rarity_weighting
    )
    allowed = set(searcher.docs_for_query(whoosh_filter)) if whoosh_filter is not None else None
    allow: Callable[[int], bool] | None = allowed.__contains__ if allowed is not None else None
    if allowed is not None and not allowed:  # say which filter keeps no article
        unmet = _unmet_filters(searcher, thesaurus, section, journal, year, concept, author)
        parsed = replace(parsed, notes=parsed.notes + unmet)
    if operated:
        allow = _constrained(index, expansion, operators, allowed, searched)
    scorer = index._scorer()
    final = None
    if coordination > 0 and clause_terms and len(parsed.clauses) > 1:
        final = _Share(clause_terms, coordination, related_share)
    ranked, matching = scorer.top(whoosh_query, limit, allow, final)
    if listing and allowed:
        # Every article tagged with the concept or a narrower one, though the names
        # searched (at most MAX_ALTERNATIVES) may not reach them all: those the ranking
        # missed follow, in index order.
        tagged = [doc for doc in sorted(allowed) if allow is None or allow(doc)]
        seen = {doc for _, doc in ranked}
        unranked = [(0.0, doc) for doc in tagged if doc not in seen]
        room = len(unranked) if limit is None else max(0, limit - len(ranked))
        ranked = ranked + unranked[:room]
        matching = partial(list, tagged)
    answering = cache(
        matching if listing else partial(_answering, scorer, whoosh_query, allow, final, matching)
    )
    # limit=0 ranks none of the matches, and counts them
    nothing = allow is None and not (ranked if limit != 0 else matching())
    if nothing:
        # Nothing matched in the whole index: every part of the query is missing,
        # also one whose words articles hold apart but never side by side.
        rest = [clause for clause in parsed.subject() if clause not in absent]
        parsed = replace(parsed, notes=parsed.notes + _absent_notes(rest))
    wider = _broader_with_articles(parsed, searcher, thesaurus) if nothing and expand else {}
    found = None
    if wider:
        # ... but the broader concept of what was asked has articles: show those, and
        # say so (*TCC* in an issue without any: its psychotherapies).
        found = search(
            index,
            "",
            limit,
            concepts=list(wider),
            related_weight=related_weight,
            narrower_weight=narrower_weight,
            broader_weight=broader_weight,
            words_weight=words_weight,
            field_weights=field_weights,
            proximity_weight=proximity_weight,
            coordination=coordination,
            related_share=related_share,
            rarity_weighting=rarity_weighting,
        )
    if found is not None and found.total:
        labels = ", ".join(f"«{c.label}»" for c, _ in wider.values())
        concepts_ = "concepts" if len(wider) > 1 else "concept"
        note = f"nothing matched: showing the articles on the broader {concepts_} {labels}"
        asked = {concept_id: label for concept_id, (_, label) in wider.items()}
        default = next(iter(asked.values())) if len(set(asked.values())) == 1 else query
        return Results(
            query,
            [broadened_hit(hit, asked, default, _under(thesaurus, asked)) for hit in found.hits],
            total=found.total,
            notes=(*parsed.notes, note),
            suggestion=suggestion,
            nearby=nearby,
            facets=found.facets,
            answering=lambda: found.answering,
            thesaurus=thesaurus,
            corrected=corrected,
            broadened=[c for c, _ in wider.values()],
        )
    if not ranked and limit != 0 and allowed:  # the filters keep articles, none matching
        outside = len(scorer.top(whoosh_query, 0, operators_allow(), final)[1]())
        if outside:
            filters = _filters_said(section, journal, year, concept, author)
            without = "1 article matches" if outside == 1 else f"{outside} articles match"
            note = f"no article matches within the filters ({filters}); {without} without them"
            parsed = replace(parsed, notes=(*parsed.notes, note))
    if not ranked and limit != 0 and (operators.required or operators.in_title):
        wanted = ", ".join(said(item) for item in (*operators.required, *operators.in_title))
        note = f"no article matches all that is required: {wanted}"
        parsed = replace(parsed, notes=(*parsed.notes, note))
    if not author:
        parsed = replace(parsed, notes=parsed.notes + _author_notes(searcher, text))
    hits = _hits(searcher, ranked, parsed, thesaurus)
    if hits:
        indirect = _indirect_notes(parsed, searcher, ranked[:_BEST], hits[:_BEST])
        apart = () if final is None else _apart_notes(clause_terms, scorer, ranked[0][1], allow)
        parsed = replace(parsed, notes=parsed.notes + indirect + apart)
    return Results(
        query,
        hits,
        total=lambda: len(matching()),
        notes=parsed.notes,
        suggestion=suggestion,
        nearby=nearby,
        facets=partial(_facets, searcher, answering),
        answering=lambda: len(answering()),
        thesaurus=thesaurus,
        corrected=corrected,
    )


#: The most concepts (with itself) a broader concept shown instead may stand for.
_WIDEST = 50


def _under(thesaurus: Thesaurus, searched: Collection[str]) -> Callable[[str | None], str | None]:
    """The concept of ``searched`` that a concept is, or falls under (its first broader
    concept among them), else the concept itself."""

    def under(concept_id: str | None) -> str | None:
        current = concept_id
        while current is not None and current not in searched:
            concept = thesaurus.concepts.get(current)
            current = concept.broader if concept is not None else None
        return current if current is not None else concept_id

    return under


def _broader_with_articles(
    parsed: ParsedQuery, searcher: Searcher, thesaurus: Thesaurus | None
) -> dict[str, tuple[Concept, str]]:
    """The broader concept of each concept of the query's subject, where articles of
    the index name it (by itself or a narrower concept), with what was asked for
    (concept id → (concept, the clause's label)). Only one level up, and not a
    chapter of more than :data:`_WIDEST` concepts (*trouble mental* would stand for
    *troubles alimentaires*)."""
    if thesaurus is None:
        return {}
    reader = searcher.reader()
    found: dict[str, tuple[Concept, str]] = {}
    for clause in parsed.subject():
        if clause.kind != "concept" or clause.concept not in thesaurus.concepts:
            continue
        broader = thesaurus.concepts.get(thesaurus.concepts[clause.concept].broader or "")
        below = with_narrower(thesaurus, broader.id) if broader is not None else []
        named = any(reader.doc_frequency("concepts", c.id) for c in below)
        if broader is not None and named and len(below) <= _WIDEST:
            found.setdefault(broader.id, (broader, clause.label))
    return found


#: How many of the best hits :func:`_indirect_notes` reads.
_BEST = 3


def _indirect_notes(
    parsed: ParsedQuery,
    searcher: Searcher,
    ranked: Sequence[tuple[float, int]],
    best: Sequence[Hit],
) -> tuple[str, ...]:
    """A note for each concept of the query that the ``best`` hits (``ranked``) match
    only by its related or broader terms (*énurésie*, found by *propreté*): none names
    it by any name of its own or of a narrower concept."""
    tagged = {  # an article tagged with a concept names it
        concept
        for _, docnum in ranked
        for concept in (searcher.stored_fields(docnum).get("concepts") or "").split(",")
    }
    clauses = [c for c in parsed.subject() if c.kind == "concept" and c.concept not in tagged]
    if not clauses:
        return ()
    texts = [
        term_positions([h.article.title, h.article.summary, "; ".join(h.article.keywords)])
        for h in best
    ]

    def found(clause: Clause, route: Callable[[str], bool]) -> bool:
        return any(
            _holds(positions, alt)
            for alt in clause.alternatives
            if route(alt.route)
            for positions in texts
        )

    # what finds it: its related terms, its broader concept (*démence* for *maladie
    # d'Alzheimer*), or both
    said = {
        (True, False): "related terms",
        (False, True): "its broader concept",
        (True, True): "related terms and its broader concept",
    }
    return tuple(
        f"the best results do not name «{clause.label}» nor its other names, only "
        + said[found(clause, "related".__eq__), found(clause, "broader".__eq__)]
        for clause in clauses
        if found(clause, INDIRECT.__contains__)
        and not found(clause, lambda route: route not in INDIRECT)
    )


def _apart_notes(
    parts: Sequence[QueryPart],
    scorer: TermScorer,
    best: int,
    allow: Callable[[int], bool] | None,
) -> tuple[str, ...]:
    """A note when no article (that the search lets through, ``allow``) names every
    concept of the query's subject (``parts``) together, as the ``best`` hit then does
    not (*autisme et intervention précoce*): each result names only some of them (or
    none, found by related terms). Plain words are left out: *autres*, *associés*
    of a question tell too little to say what articles lack."""
    subject = [part for part in parts if part.penalty is None and part.concept]
    if len(subject) < 2 or not all(part.terms or part.groups for part in subject):
        return ()
    found = scorer.matched_terms(best)
    if all(_found(part, found.__contains__) for part in subject):
        return ()
    # The articles that hold the words of the rarest part, then those of them that
    # name every part (itself last: its phrases had not been checked).
    rarest, *others = sorted(subject, key=lambda part: -part.rarity)
    docs = {d for d in _naming(scorer, rarest) if allow is None or allow(d)}
    if len(docs) > _TOGETHER_CHECKED:
        return ()
    for part in (*others, rarest):
        docs = _naming(scorer, part, docs)
        if not docs:
            break
    else:
        return ()
    labels = " and ".join(f"«{part.label}»" for part in subject)
    return (f"no article names {labels} together",)


#: Beyond this many articles holding the words of the query's rarest part,
#: :func:`_apart_notes` stays silent rather than check them all.
_TOGETHER_CHECKED = 200


def _found(part: QueryPart, holds: Callable[[MatchKey], bool]) -> bool:
    """Whether an article that ``holds`` these terms and phrases names ``part``."""
    return any(map(holds, part.terms)) or (
        bool(part.groups) and all(any(map(holds, group)) for group in part.groups)
    )


def _naming(scorer: TermScorer, part: QueryPart, among: set[int] | None = None) -> set[int]:
    """The articles (of ``among``) that name ``part``: by its terms and phrases, or by
    every group; with no ``among``, by the words of its phrases anywhere."""
    held = scorer.holding(part.terms, among)
    rest = None if among is None else among - held
    if part.groups and (rest is None or rest):
        for group in part.groups:
            rest = scorer.holding(group, rest)
        held |= rest or set()
    return held


def _holds(positions: dict[str, list[int]], alt: Alternative) -> bool:
    """Whether a text whose terms are at ``positions`` holds ``alt``'s words in a row
    (an abbreviation by its stem: a close enough check for a note)."""
    starts = {p for term in alt.words[0] for p in positions.get(term, ())}
    for k, variants in enumerate(alt.words[1:], 1):
        starts &= {p - k for term in variants for p in positions.get(term, ())}
    return bool(starts)


def _verb_notes(
    verbs: dict[str, tuple[str, ...]], searcher: Searcher, thesaurus: Thesaurus
) -> tuple[str, ...]:
    """For each verb form searched by its infinitive's stem as well (``verbs``), a note
    naming the word of that family that most articles write (*rechutent*: *rechute*);
    none if no article writes one."""
    reader = searcher.reader()
    notes = []
    for typed, stems in verbs.items():
        own = fold(typed)
        family = [
            word
            for word in (t.decode() for t in reader.expand_prefix(EXACT_FIELD, min(stems, key=len)))
            if word != own and "=" not in word and set(stem_variants(word)) & set(stems)
        ]
        if family:
            most = max(family, key=lambda w: reader.doc_frequency(EXACT_FIELD, w))
            form = written(searcher, thesaurus, [most])[0]
            notes.append(f"«{typed}» also searched with its word family («{form}»)")
    return tuple(notes)


def _absent_notes(clauses: Sequence[Clause]) -> tuple[str, ...]:
    """A note for each of ``clauses``, parts of the query that no article matches."""
    return tuple(
        f"no article names «{clause.label}», nor its other names or related terms"
        if clause.kind == "concept"
        else f"no article holds «{clause.label}»"
        for clause in clauses
    )


def _nearby(
    searcher: Searcher,
    thesaurus: Thesaurus,
    parsed: ParsedQuery,
    within: wq.Query | None = None,
    operators_allow: Callable[[], Callable[[int], bool] | None] = lambda: None,
) -> list[tuple[Concept, int]]:
    """Concepts next to those the query names (see :meth:`Thesaurus.neighbours`), or
    whose names or related terms hold a word it typed, that articles of the index name
    (by themselves or their narrower concepts; only articles the search's filters,
    ``within``, and its operators, ``operators_allow()``, let through): the most named
    first, with how many articles."""
    own = {clause.concept for clause in parsed.clauses if clause.concept}
    candidates: dict[str, Concept] = {}
    for clause in parsed.clauses:
        if clause.kind == "part":
            continue
        if clause.concept is not None:
            near = thesaurus.neighbours(clause.concept)
        else:  # concepts named with the word, and theirs; then those it is related to
            long = len(clause.label) > 3
            named = thesaurus.search(clause.label) if long else []
            related = thesaurus.related_to(clause.label) if long else []
            near = [*named, *(n for c in named for n in thesaurus.neighbours(c.id)), *related]
        for concept in near:
            if concept.id not in own:
                candidates.setdefault(concept.id, concept)
    counted = []
    allow = operators_allow() if candidates else None
    for concept in candidates.values():
        ids = [c.id for c in with_narrower(thesaurus, concept.id)]
        naming: wq.Query = wq.Or([wq.Term("concepts", i) for i in ids])
        if within is not None:
            naming = wq.And([naming, within])
        docs = searcher.docs_for_query(naming)
        articles = sum(1 for doc in docs if allow is None or allow(doc))
        if articles:
            counted.append((concept, articles))
    counted.sort(key=lambda pair: -pair[1])  # ties keep the nearest first
    return counted[:NEARBY]


def _with_prefixes(
    parsed: ParsedQuery, searcher: Searcher, thesaurus: Thesaurus, prefixes: Sequence[str]
) -> ParsedQuery:
    """``parsed`` with a clause per truncated word (``psych*``): the written words that
    start with it, the most frequent first; a note says which."""
    clauses, notes = list(parsed.clauses), list(parsed.notes)
    for prefix in prefixes:
        words = _starting_with(searcher, prefix)
        clause = prefix_clause(prefix, words)
        if clause is None:
            notes.append(f"no word starts with «{prefix}»")
            continue
        clauses.append(clause)
        folded = [alt.text for alt in clause.alternatives[:5]]
        shown = ", ".join(written(searcher, thesaurus, folded))
        more = len(words) - min(5, len(words))
        notes.append(f"«{prefix}*»: {shown}" + (f" and {more} more" if more > 0 else ""))
    return replace(parsed, clauses=tuple(clauses), notes=tuple(notes))


def _starting_with(searcher: Searcher, prefix: str) -> list[str]:
    """The written (folded) words of the index that start with ``prefix``, the most
    frequent first."""
    reader = searcher.reader()
    words = (
        w.decode() if isinstance(w, bytes) else w
        for w in reader.expand_prefix(EXACT_FIELD, fold(prefix))
    )
    written = (word for word in words if "=" not in word)  # not the senses' terms
    return sorted(written, key=lambda word: -reader.doc_frequency(EXACT_FIELD, word))


def _as_named(operators: Operators, thesaurus: Thesaurus) -> Operators:
    """The required and title words that are one word of a longer name in the ranked
    text, as that name: *santé mentale ET autochtones* requires *santé mentale* (by
    any of its names), not *mentale*, which *mentalité* matches too."""
    text = operators.text
    names = [text[m.start : m.end] for m in thesaurus.detect(text)]
    names = [name for name in names if len(analyze(name)) > 1]

    def named(item: str) -> str:
        if item.startswith(('"', "(")) or truncated(item) or len(analyze(item)) != 1:
            return item
        word = next(terms for _, terms, _, _ in analyze(item))
        return next((n for n in names if word in [t for _, t, _, _ in analyze(n)]), item)

    return replace(
        operators,
        required=tuple(dict.fromkeys(map(named, operators.required))),
        in_title=tuple(dict.fromkeys(map(named, operators.in_title))),
    )


def _constrained(
    index: Index,
    expansion: Expansion,
    operators: Operators,
    allowed: set[int] | None,
    searched: Collection[str] = (),
) -> Callable[[int], bool]:
    """Which documents the operators let through (of ``allowed``, if given): those
    that match every required word or phrase and none excluded, by any name of their
    concept (narrower concepts included, not related terms). An excluded abbreviation
    of a concept the query ``searched`` excludes only the articles that write it
    (*autisme -TSA*: the articles on autism that do not write *TSA*)."""
    names_only = replace(expansion, related_weight=0.0, broader_weight=0.0)
    scorer = index._scorer()
    searcher = index.searcher()

    def holding(text: str, title: bool = False, excluded: bool = False) -> set[int]:
        if is_group(text):  # (dépression OU anxiété): any of them, or all with ET
            items, every = group_items(text)
            found = [holding(item, title, excluded) for item in items]
            if not found:
                return set()
            return set.intersection(*found) if every else set.union(*found)
        prefix = truncated(text)
        if prefix:  # any word starting with it
            clause = prefix_clause(prefix, _starting_with(searcher, prefix))
            parsed = ParsedQuery(text, (clause,) if clause else ())
        else:  # read as the search reads it (*théâtre*, in no article: its concept)
            parsed = parse_query(text, expansion=names_only, proximity_weight=0.0)
            parsed = parsed.with_names_begun(searcher, names_only)
        clauses = []
        for clause in parsed.clauses:
            if clause.kind == "part":
                continue
            if title:  # an abbreviation is looked up by its word in the title (TDAH)
                kept = tuple(
                    replace(a, written_only=False) if a.defined is None else a
                    for a in clause.alternatives
                    if not a.written_only or a.defined is None
                )
                clause = replace(clause, alternatives=kept)
            elif excluded and clause.concept in searched:
                written = tuple(a for a in clause.alternatives[:1] if a.written_only)
                clause = replace(clause, alternatives=written or clause.alternatives)
            clauses.append(clause)
        fields = {"title": 1.0} if title else DEFAULT_FIELD_WEIGHTS
        q, _ = replace(parsed, clauses=tuple(clauses)).build(fields, searcher)
        return scorer.documents(q)

    for text in operators.required:
        found = holding(text)
        allowed = found if allowed is None else allowed & found
    for text in operators.in_title:
        found = holding(text, title=True)
        allowed = found if allowed is None else allowed & found
    excluded = set().union(*(holding(text, excluded=True) for text in operators.excluded))
    if allowed is not None:
        return (allowed - excluded).__contains__
    return lambda doc: doc not in excluded


class _Share:
    """Documents' scores times the share of the query each matched (:func:`_share`)
    to the power ``coordination``, given the documents that hold each term and phrase
    (as the scorer knows them so far: ``None``, any document may).

    A part is found by its terms, or by every group of a concept named by its parts
    (:attr:`QueryPart.groups`); found only through its related terms or broader
    concept (:attr:`QueryPart.loose`), it counts for ``related_share`` of itself."""

    def __init__(
        self, parts: list[QueryPart], coordination: float, related_share: float = 1.0
    ) -> None:
        self._parts = parts
        self._coordination = coordination
        self._related_share = related_share
        self._keys = [list(part.terms) for part in parts]
        self._factors: dict[tuple[int, int], float] = {}  # parts found, as bits → factor

    def __call__(self, scores: Scores, holders: Holders) -> Scores:
        found = dict.fromkeys(scores, 0)
        for i, keys in enumerate(self._keys):
            _mark(found, keys, holders, 1 << i)
        loose = dict.fromkeys(scores, 0)
        for i, part in enumerate(self._parts):
            bit = 1 << i
            if part.groups:  # a concept named in other words: by every part of its name
                missed = {d: 0 for d, bits in found.items() if not bits & bit}
                for j, group in enumerate(part.groups):
                    _mark(missed, group, holders, 1 << j)
                every = (1 << len(part.groups)) - 1
                for d, bits in missed.items():
                    if bits == every:
                        found[d] |= bit
            if part.loose:  # found only through a related term: in part
                missed = {d: 0 for d, bits in found.items() if not bits & bit}
                _mark(missed, part.loose, holders, bit)
                for d, bits in missed.items():
                    loose[d] |= bits
        return {d: s * self._factor(found[d], loose[d]) for d, s in scores.items()}

    def _factor(self, bits: int, loose: int) -> float:
        factor = self._factors.get((bits, loose))
        if factor is None:
            hits = [
                1.0 if bits >> i & 1 else self._related_share if loose >> i & 1 else 0.0
                for i in range(len(self._parts))
            ]
            factor = float(_share(hits, self._parts) ** self._coordination)
            self._factors[bits, loose] = factor
        return factor


def _mark(found: dict[int, int], keys: Iterable[MatchKey], holders: Holders, bit: int) -> None:
    """Set ``bit`` for the documents of ``found`` that hold one of ``keys``."""
    for key in keys:
        docs = holders(key)
        if docs is None:
            for d in found:
                found[d] |= bit
            return
        if len(docs) < len(found):
            hits = [d for d in docs if d in found]
        else:
            hits = [d for d in found if d in docs]
        for d in hits:
            found[d] |= bit


#: What an article that matches only parts narrowing the subject (an age group, a
#: research design) keeps of its share: *adolescents et décrochage* stays below
#: articles on *dépression* at other ages for *dépression chez l'adolescent*.
_QUALIFIER_ONLY = 0.5


def _share(found: Sequence[float], parts: Sequence[QueryPart]) -> float:
    """Share of the query an article matched, given how much of each of ``parts`` it
    ``found`` (1, 0, or less when only a related term found it): each part weighed
    by its rarity squared and smoothed by one mean part, (mean + matched) / (mean +
    all). With parts of equal rarity, (1 + parts matched) / (1 + parts).

    A part that narrows the subject counts apart: missing it multiplies by 1 - its
    penalty, scaled by its rarity squared over its own and the subject's (a part as
    common as *adulte* costs little, one the subject does not tell apart costs
    the full penalty). An article that matches none of the subject keeps
    :data:`_QUALIFIER_ONLY` of its share."""
    subject = [(part, hit) for part, hit in zip(parts, found, strict=True) if part.penalty is None]
    weights = [part.rarity**2 for part, _ in subject]
    total = sum(weights)
    coverage = 1.0
    if total > 0:
        mean = total / len(weights)
        matched = sum(w * hit for (_, hit), w in zip(subject, weights, strict=True))
        coverage = (mean + matched) / (mean + total)
        if matched == 0:
            coverage *= _QUALIFIER_ONLY
    for part, hit in zip(parts, found, strict=True):
        if part.penalty is not None and hit < 1:
            own = part.rarity**2
            share = own / (own + total) if own + total > 0 else 1.0
            coverage *= 1.0 - part.penalty * share * (1 - hit)
    return coverage


def _hits(
    searcher: Searcher,
    ranked: Sequence[tuple[float, int]],
    parsed: ParsedQuery,
    thesaurus: Thesaurus | None = None,
) -> list[Hit]:
    """Hits from ``(score, document number)`` pairs, best first; explained on demand."""
    explain = partial(describe, parsed=parsed, thesaurus=thesaurus)
    return [
        Hit(rank, score, article_from_stored(searcher.stored_fields(docnum)), explain)
        for rank, (score, docnum) in enumerate(ranked, 1)
    ]


#: Facets count the articles that answer the query: those scoring at least this share
#: of the best article's score. Every word of a long question matches hundreds of
#: articles loosely (*facteurs de risque de la dépression chez les adolescents*:
#: 1,210 of papyrus's 3,377), whose concepts (*enfant*, *questionnaire*) had drowned
#: the query's own (*dépression*, *facteur de risque*).
FACET_SHARE = 0.02
#: How many of the best articles are scored for the facets; if all of them answer,
#: every match is counted.
_FACET_DEPTH = 500


def _answering(
    scorer: TermScorer,
    whoosh_query: wq.Query,
    allow: Callable[[int], bool] | None,
    final: FinalScore | None,
    matching: Callable[[], list[int]],
) -> list[int]:
    """The matching articles that answer the query (see :data:`FACET_SHARE`)."""
    ranked, _ = scorer.top(whoosh_query, _FACET_DEPTH, allow, final)
    if not ranked:
        return []
    least = ranked[0][0] * FACET_SHARE
    if len(ranked) == _FACET_DEPTH and ranked[-1][0] >= least:
        return matching()
    return [doc for score, doc in ranked if score >= least]


def _facets(searcher: Searcher, answering: Callable[[], list[int]]) -> dict[str, dict[str, int]]:
    """Count the articles that answer the query per concept and per section."""
    docs = answering()
    facets = {
        "concepts": sorting.FieldFacet("concepts", allow_overlap=True, maptype=sorting.Count),
        "sections": sorting.FieldFacet("section", maptype=sorting.Count),
    }
    if not docs:
        return {name: {} for name in facets}
    found = searcher.search(wq.Every(), limit=None, filter=set(docs), groupedby=facets)
    counts = {}
    for name in facets:
        groups = {str(k): int(v) for k, v in found.groups(name).items() if k}
        counts[name] = dict(sorted(groups.items(), key=lambda kv: (-kv[1], kv[0])))
    return counts


def _key_terms(searcher: Searcher, text: str, numterms: int) -> list[tuple[str, float]]:
    """The most telling terms of ``text`` that other articles share: tf × idf over
    terms found in at least two articles, weights scaled to at most 1."""
    reader = searcher.reader()
    counts: dict[str, int] = {}
    for _, terms, _, _ in analyze(text):
        counts[terms[-1]] = counts.get(terms[-1], 0) + 1
    scored = [
        (term, tf * searcher.idf("summary", term))
        for term, tf in counts.items()
        if reader.doc_frequency("summary", term) + reader.doc_frequency("title", term) >= 2
    ]
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    top = scored[0][1] if scored else 1.0
    return [(term, weight / top) for term, weight in scored[:numterms]]


def more_like_this(index: Index, article_id: str, limit: int = 5, *, numterms: int = 12) -> Results:
    """Articles similar to ``article_id``: its distinctive words and its concepts.

    >>> index.more_like_this("sm-alliance-therapeutique-dans-la-demence").ids[0]
    'sm-l-alliance-therapeutique-en-question'
    """
    _check_limit(limit)
    searcher = index.searcher()
    stored = searcher.document(id=article_id)
    if stored is None:
        raise AllianceSearchError(f"no article with id {article_id!r} in {index.path}")
    article = article_from_stored(stored)
    text = "\n".join((article.title, article.summary, *article.keywords))
    surfaces: dict[str, str] = {}
    for _, terms, start, end in analyze(text):
        for term in terms:
            surfaces.setdefault(term, text[start:end])
    expansion = Expansion(thesaurus=index.thesaurus, related_weight=0.0, narrower_weight=0.0)
    clauses: list[Clause] = [
        concept_clause(index.thesaurus.concepts[c], expansion)
        for c in (stored.get("concepts") or "").split(",")
        if c in index.thesaurus.concepts
    ]
    for term, weight in _key_terms(searcher, text, numterms):
        alt = Alternative(surfaces.get(term, term), ((term,),), weight=weight)
        clauses.append(Clause(label=alt.text, alternatives=(alt,)))
    parsed = ParsedQuery(text=f"like {article_id}", clauses=tuple(clauses))
    if not parsed:
        return Results(parsed.text, [], total=0)
    whoosh_query = parsed.whoosh_query(DEFAULT_FIELD_WEIGHTS, searcher)
    itself = searcher.document_number(id=article_id)
    ranked, matching = index._scorer().top(whoosh_query, limit, lambda doc: doc != itself)
    return Results(
        parsed.text,
        _hits(searcher, ranked, parsed, index.thesaurus),
        total=lambda: len(matching()),
        thesaurus=index.thesaurus,
    )


# --------------------------------------------------------------------------- explain


class _FieldWords:
    """The analysed words of one field, with an index from term to word number."""

    def __init__(self, text: str, foreign: Sequence[Sense] = ()) -> None:
        self.text = text
        self.words = analyze(text)
        #: Words that write an abbreviation the article spells out in another sense
        #: than the thesaurus's: no word of any name (*TIC*, not *tic*).
        self.foreign = {
            i
            for i, (_, _, start, end) in enumerate(self.words)
            if any(sense.writes(text[start:end]) for sense in foreign)
        }
        self.where: dict[str, list[int]] = {}
        for i, (_, terms, _, _) in enumerate(self.words):
            for term in terms:
                self.where.setdefault(term, []).append(i)

    def occurrences(self, alt: Alternative) -> list[tuple[int, int]]:
        """``(first, last)`` word numbers of each place where ``alt`` occurs."""
        n = len(alt.words)
        starts = sorted({i for v in alt.words[0] for i in self.where.get(v, ())})
        if alt.written_only:  # an abbreviation as written, not a word of the same stem
            starts = [i for i in starts if self.writes(i, alt.text)]
        else:
            starts = [i for i in starts if i not in self.foreign]
        links = alt.links if n > 1 else ()
        found = []
        for i in starts:
            if (
                side_by_side(self.words, i, n)
                and all(set(alt.words[k]).intersection(self.words[i + k][1]) for k in range(1, n))
                and all(
                    written is None or self.links(i + k, written)
                    for k, written in enumerate(links, 1)
                )
            ):
                found.append((i, i + n - 1))
        return found

    def links(self, i: int, written: str) -> bool:
        """Whether word ``i`` continues a name as its word ``written`` (see
        :func:`~.analysis.linked`)."""
        start, end = self.words[i][2:]
        return linked((self.text[self.words[i - 1][3] : start],), self.text[start:end], written)

    def span(self, first: int, last: int) -> tuple[int, int]:
        return self.words[first][2], self.words[last][3]

    def writes(self, i: int, abbreviation: str) -> bool:
        """Whether word ``i`` writes ``abbreviation`` in capitals, as the index holds it."""
        surface = self.text[slice(*self.span(i, i))]
        return in_capitals(surface) and written_as(surface, abbreviation)


def _linked_as_typed(typed: str, found: str) -> bool:
    """Whether the words of ``found`` are linked as ``typed`` links them (see
    :func:`~.analysis.linked`): *mère adolescente*, not *mères d'adolescentes*."""
    words = analyze(found)
    links = name_links(typed)
    if len(links) != len(words) - 1:
        return True
    return all(
        written is None or linked((found[one[3] : two[2]],), found[two[2] : two[3]], written)
        for (one, two), written in zip(pairwise(words), links, strict=True)
    )


def _route(alt: Alternative, surface: str) -> str:
    if alt.loose and alt.route == "phrase" and not _linked_as_typed(alt.text, surface):
        return "near"
    if alt.route != "exact":
        return alt.route
    return "exact" if fold(surface) == fold(alt.text) else "stem"


def _clause_matches(
    field: _FieldWords, name: str, label: str, alternatives: Sequence[Alternative]
) -> tuple[list[Match], list[tuple[int, int]]]:
    """Explain the first alternative of a clause found in a field; return where it
    is, and where the clause's other direct alternatives are (the synonyms and
    narrower names of a concept found as typed: *autistes* beside *autisme*), so that
    the snippet highlights them too. Related and broader terms are highlighted only
    when nothing closer is found."""
    for number, alt in enumerate(alternatives):
        places = field.occurrences(alt)
        if places:
            surface = field.text[slice(*field.span(*places[0]))]
            if alt.route not in INDIRECT:
                direct = (a for a in alternatives[number + 1 :] if a.route not in INDIRECT)
                places = sorted({*places, *(p for a in direct for p in field.occurrences(a))})
            return [Match(label, name, surface, _route(alt, surface), alt.concept)], places
    return [], []


def describe(
    article: Article, parsed: ParsedQuery, thesaurus: Thesaurus | None = None
) -> tuple[str, tuple[tuple[int, int], ...], tuple[Match, ...]]:
    """Snippet text, highlighted spans in it, and the explanation of one hit; with
    the ``thesaurus``, an abbreviation counts in the sense the article spells it out
    in (see :meth:`Thesaurus.senses`), as it did in the index."""
    texts = {
        "title": article.title,
        "summary": article.summary,
        "keywords": "; ".join(article.keywords),
    }
    senses = {s.written: s for s in thesaurus.senses(*texts.values())} if thesaurus else {}

    def meant(alt: Alternative) -> bool:
        """Whether ``alt`` can match in this article: an abbreviation only in the
        sense the article gives it, if it spells it out."""
        if not alt.written_only or not senses:
            return alt.defined is None
        sense = senses.get(alt.exact[0])
        if alt.defined is not None:
            return sense is not None and (sense.concept or "") == alt.defined
        return sense is None or sense.keeps_written

    word_spans: dict[str, set[tuple[int, int]]] = {name: set() for name in texts}
    clause_spans: dict[str, list[tuple[int, int, int]]] = {name: [] for name in texts}
    matches: list[Match] = []
    for name, text in texts.items():
        if not text:
            continue
        field = _FieldWords(text, [sense for sense in senses.values() if sense.foreign])
        for number, clause in enumerate(parsed.clauses):
            alternatives = [alt for alt in clause.alternatives if meant(alt)]
            found, places = _clause_matches(field, name, clause.label, alternatives)
            matches.extend(found)
            for first, last in places:
                word_spans[name].update(field.span(i, i) for i in range(first, last + 1))
                clause_spans[name].append((*field.span(first, last), number))
        seen = {(m.field, m.found) for m in matches}
        for alt in parsed.proximity:
            found, _ = _clause_matches(field, name, alt.text, [alt])
            matches.extend(m for m in found if (m.field, m.found) not in seen)
    # The summary, where the query matched or not: a title matched is shown beside
    # the snippet anyway, and the summary's start tells what the article is about.
    shown = "summary" if texts["summary"] else "title"
    snippet, spans = _window(texts[shown], sorted(word_spans[shown]), clause_spans[shown])
    # The same words found for a word and for the concept they name: say it once,
    # with the concept.
    best: dict[tuple[str, str], Match] = {}
    for m in matches:
        key = (m.field, m.found.lower())
        if key not in best or (m.concept and not best[key].concept):
            best[key] = m
    order = {name: i for i, name in enumerate(texts)}
    kept = sorted(best.values(), key=lambda m: order[m.field])
    return snippet, spans, tuple(kept)


def _window(
    text: str, spans: list[tuple[int, int]], clause_spans: list[tuple[int, int, int]]
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Cut ``text`` to at most SNIPPET_CHARS around the densest matches."""
    if len(text) <= SNIPPET_CHARS:
        return text, _merge(spans)
    best_start, best_score = 0, -1
    for start, _, _ in sorted(clause_spans) or [(0, 0, 0)]:
        lo = max(0, start - _SNIPPET_LEAD)
        score = len({c for s, e, c in clause_spans if lo <= s and e <= lo + SNIPPET_CHARS})
        if score > best_score:
            best_start, best_score = lo, score
    lo = best_start
    if lo > 0:
        space = text.find(" ", lo)
        lo = space + 1 if 0 <= space < lo + _SNIPPET_LEAD else lo
    hi = min(len(text), lo + SNIPPET_CHARS)
    if hi < len(text):
        space = text.rfind(" ", lo, hi)
        hi = space if space > lo + SNIPPET_CHARS // 2 else hi
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    shift = len(prefix) - lo
    inside = [(s + shift, e + shift) for s, e in spans if lo <= s and e <= hi]
    return prefix + text[lo:hi] + suffix, _merge(inside)


def _merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)
