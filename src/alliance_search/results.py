"""Search results: :class:`Hit`, :class:`Match` and the :class:`Results` sequence."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, overload

from .corpus import Article

if TYPE_CHECKING:
    import pandas as pd

    from .concepts import Concept, Thesaurus

__all__ = ["Hit", "Match", "Results"]

MARK_OPEN, MARK_CLOSE = "**", "**"

#: (snippet text, highlighted spans, explanation) of one hit.
Description = tuple[str, tuple[tuple[int, int], ...], tuple["Match", ...]]


@dataclass(frozen=True, slots=True)
class Match:
    """Why a hit matched: one query clause found in one field.

    ``route`` is ``exact`` (the word as typed), ``stem`` (another form of the word),
    ``phrase`` (a quoted phrase, or two adjacent words found as typed), ``near`` (two
    adjacent words found side by side with other function words between, *mères
    d'adolescentes* for *mère adolescente*: no phrase, a small bonus), ``synonym``,
    ``narrower``, ``broader`` or ``related`` (through a thesaurus concept).

    >>> match = index.search("borderline")[0].explanation[0]
    >>> print(match)  # as the terminal shows it
    borderline → title «Etats limites» (synonym, etat-limite)
    >>> match.route, match.concept
    ('synonym', 'etat-limite')
    """

    query: str
    field: str
    found: str
    route: str
    concept: str | None = None

    def __str__(self) -> str:
        via = f", {self.concept}" if self.concept else ""
        return f"{self.query} → {self.field} «{self.found}» ({self.route}{via})"


class Hit:
    """One ranked article with its score, snippet and explanation.

    ``snippet`` has the matched words between ``**`` (an asterisk of the text is
    written ``\\*``, as Markdown escapes it); ``snippet_text`` and
    ``snippet_spans`` give the same without markers, for renderers. Snippet and
    explanation are computed on first access, so hits never looked at cost nothing.

    >>> hit = index.search("démence")[0]
    >>> hit.rank, hit.id, hit.concepts
    (1, 'sm-alliance-therapeutique-dans-la-demence', ('demence',))
    """

    __slots__ = ("_describe", "_described", "article", "rank", "score")

    def __init__(
        self, rank: int, score: float, article: Article, describe: Callable[[Article], Description]
    ) -> None:
        self.rank = rank
        self.score = score
        self.article = article
        self._describe = describe
        self._described: Description | None = None

    def _description(self) -> Description:
        if self._described is None:
            self._described = self._describe(self.article)
        return self._described

    @property
    def snippet_text(self) -> str:
        """The snippet without markers.

        >>> index.search("démence")[0].snippet_text[:42]
        'Le tiers, par un acte de relation qu’on pe'
        """
        return self._description()[0]

    @property
    def snippet_spans(self) -> tuple[tuple[int, int], ...]:
        """``(start, end)`` of each matched word in :attr:`snippet_text`.

        >>> hit = index.search("Charcot")[0]
        >>> [hit.snippet_text[a:b] for a, b in hit.snippet_spans]
        ['Jean', 'Martin', 'Charcot']
        """
        return self._description()[1]

    @property
    def explanation(self) -> tuple[Match, ...]:
        """Which query words or concepts matched, in which field, by what route.

        >>> [(m.field, m.found, m.route) for m in index.search("Charcot")[0].explanation]
        [('title', 'Charcot', 'exact'), ('summary', 'Charcot', 'exact')]
        """
        return self._description()[2]

    @property
    def id(self) -> str:
        """The article's id.

        >>> index.search("Charcot")[0].id
        'sm-charcot-un-crayon-a-la-main'
        """
        return self.article.id

    @property
    def title(self) -> str:
        """The article's title.

        >>> index.search("Charcot")[0].title
        'Charcot, un crayon à la main'
        """
        return self.article.title

    @property
    def section(self) -> str:
        """The article's section of the issue (``dossier``, ``et-aussi``, ...).

        >>> index.search("Charcot")[0].section
        'et-aussi'
        """
        return self.article.section

    @property
    def authors(self) -> tuple[str, ...]:
        """The article's authors (empty where the corpus names none).

        >>> index.search("Charcot")[0].authors
        ()
        """
        return self.article.authors

    @property
    def concepts(self) -> tuple[str, ...]:
        """Concept ids that made this article match (in explanation order).

        >>> index.search("TPB")[0].concepts
        ('etat-limite',)
        """
        return tuple(dict.fromkeys(m.concept for m in self.explanation if m.concept))

    @property
    def snippet(self) -> str:
        """The snippet with matched words marked ``**like this**``.

        >>> "**Charcot**" in index.search("Charcot")[0].snippet
        True
        """
        return mark(
            self.snippet_text, self.snippet_spans, MARK_OPEN, MARK_CLOSE, escape=_escape_stars
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: id, title, section, score, rank, snippet, explanation...

        >>> record = index.search("démence")[0].to_dict()
        >>> record["title"], record["explanation"][0]
        ('Alliance thérapeutique dans la démence', {'query': 'démence', 'field': 'title', ...})
        """
        return {
            "rank": self.rank,
            "id": self.id,
            "title": self.title,
            "section": self.section,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "explanation": [
                {
                    "query": m.query,
                    "field": m.field,
                    "found": m.found,
                    "route": m.route,
                    "concept": m.concept,
                }
                for m in self.explanation
            ],
            "year": self.article.year,
            "journal": self.article.journal,
            "authors": list(self.article.authors),
            "url": self.article.url,
        }

    def __repr__(self) -> str:
        return f"<Hit #{self.rank} {self.score:.2f} {self.id!r}: {self.title[:60]!r}>"

    def _repr_html_(self) -> str:
        from .display import hits_html

        return hits_html([self])


def broadened_hit(
    hit: Hit,
    asked: Mapping[str, str],
    default: str,
    under: Callable[[str | None], str | None] = lambda concept: concept,
) -> Hit:
    """``hit`` of a search for broader concepts, explained as found through the broader
    concept of what was asked (``asked``: broader concept id → the query's words for
    the narrower one; ``default`` for a match through a concept not in it). ``under``
    gives the broader concept searched that a matched concept falls under (itself, or
    one of its own broader concepts): a match through *Charcot*, below *histoire de la
    psychiatrie*, names the latter, not Charcot as broader than what was asked."""
    describe = hit._describe

    def explain(article: Article) -> Description:
        text, spans, matches = describe(article)
        rerouted = []
        for m in matches:
            concept = under(m.concept)
            query = asked.get(concept or "", default)
            rerouted.append(replace(m, query=query, route="broader", concept=concept))
        return text, spans, tuple(rerouted)

    return Hit(hit.rank, hit.score, hit.article, explain)


def _escape_stars(text: str) -> str:
    """Escape asterisks as Markdown does, so that only the markers are ``**``."""
    return text.replace("*", "\\*")


def mark(
    text: str, spans: Sequence[tuple[int, int]], open_: str, close: str, escape: Any = None
) -> str:
    """Wrap ``spans`` of ``text`` in markers, escaping the rest with ``escape`` if given."""
    esc = escape or (lambda s: s)
    out: list[str] = []
    index = 0
    for start, end in spans:
        out.append(esc(text[index:start]))
        out.append(open_ + esc(text[start:end]) + close)
        index = end
    out.append(esc(text[index:]))
    return "".join(out)


#: How many characters of a query a header or caption shows.
SHOWN_QUERY = 160


def shortened(query: str, limit: int = SHOWN_QUERY) -> str:
    """``query`` on one line, cut to ``limit`` characters with an ellipsis if longer.

    >>> shortened("états limites"), shortened("dépression " * 40, 20)
    ('états limites', 'dépression dépressi…')
    """
    query = " ".join(query.split())
    return query if len(query) <= limit else query[: limit - 1] + "…"


class Results(Sequence[Hit]):
    """The ranked hits of one query (a sequence of :class:`Hit`).

    >>> results = index.search("démence")
    >>> results[0].title, len(results)
    ('Alliance thérapeutique dans la démence', 1)
    """

    def __init__(
        self,
        query: str,
        hits: Sequence[Hit],
        *,
        total: int | Callable[[], int],
        notes: Sequence[str] = (),
        suggestion: str | Callable[[], str | None] | None = None,
        nearby: Sequence[tuple[Concept, int]] | Callable[[], Sequence[tuple[Concept, int]]] = (),
        facets: Callable[[], dict[str, dict[str, int]]] | None = None,
        answering: int | Callable[[], int] | None = None,
        thesaurus: Thesaurus | None = None,
        corrected: str | None = None,
        broadened: Sequence[Concept] = (),
    ) -> None:
        self.query = query
        #: The broader concepts whose articles are shown because nothing matched the
        #: query itself (*TCC* in an issue without any: *psychothérapie*), else ().
        self.broadened = tuple(broadened)
        #: What was searched instead of ``query`` when some of its words were misspelt
        #: (see :func:`~alliance_search.spelling.correct`), else None.
        self.corrected = corrected
        #: The thesaurus of the index searched (labels for facets and concept tables).
        self.thesaurus = thesaurus
        self.hits = tuple(hits)
        self._total = total
        self.notes = tuple(notes)
        self._suggestion = suggestion
        self._nearby = nearby
        self._facets = facets
        self._facet_counts: dict[str, dict[str, int]] | None = None
        self._answering = answering

    @property
    def suggestion(self) -> str | None:
        """A spelling correction of what was searched, or None (looked up on first
        access). By default misspelt words are searched corrected (see
        :attr:`corrected`), so this mostly serves ``correct=False``.

        >>> index.search("schizofrénie", correct=False).suggestion
        'schizophrénie'
        """
        if callable(self._suggestion):
            self._suggestion = self._suggestion()
        return self._suggestion

    @property
    def nearby(self) -> list[tuple[Concept, int]]:
        """Concepts next to the query's in the thesaurus (broader, narrower, related,
        under the same broader concept), or whose names hold a word it typed, that
        articles of the index name (within the search's filters), with how many: where
        to go when nothing matched (looked up on first access).

        >>> [(c.label, n) for c, n in index.search("contre-transfert").nearby][:1]
        [('alliance thérapeutique', 7)]
        """
        if callable(self._nearby):
            self._nearby = self._nearby()
        return list(self._nearby)

    @property
    def total(self) -> int:
        """How many articles match in all, not only those shown.

        >>> index.search("alliance", limit=2).total > 2
        True
        """
        if callable(self._total):
            self._total = int(self._total())
        return self._total

    @property
    def answering(self) -> int:
        """How many articles :meth:`facets` counts: those that answer the query, out of
        the :attr:`total` that match it (all of them when the query has one part).

        >>> results = index.search("alliance thérapeutique dans la démence")
        >>> results.answering <= results.total
        True
        """
        if self._answering is None:
            self._answering = self.total if self._facets else 0
        elif callable(self._answering):
            self._answering = int(self._answering())
        return self._answering

    def facets(self) -> dict[str, dict[str, int]]:
        """Articles per concept and per section, over the articles that answer the query
        (not only those shown; :attr:`answering` says how many): those scoring at least
        :data:`~.search.FACET_SHARE` of the best article's score, not every loose match
        of a long question.

        >>> index.search("alliance", limit=1).facets()["sections"]
        {'dossier': 8}
        """
        if self._facet_counts is None:
            self._facet_counts = (
                self._facets() if self._facets else {"concepts": {}, "sections": {}}
            )
        return self._facet_counts

    @overload
    def __getitem__(self, i: int) -> Hit: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Hit]: ...
    def __getitem__(self, i: int | slice) -> Hit | Sequence[Hit]:
        return self.hits[i]

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    @property
    def ids(self) -> list[str]:
        """Article ids, best first.

        >>> index.search("maladie d'Alzheimer").ids
        ['sm-alliance-therapeutique-dans-la-demence']
        """
        return [hit.id for hit in self.hits]

    def to_dicts(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per hit (see :meth:`Hit.to_dict`).

        >>> [(d["rank"], d["id"]) for d in index.search("TPB").to_dicts()]
        [(1, 'sm-etats-limites-et-lien-therapeutique'), (2, 'sm-que-le-spectacle-commence')]
        """
        return [hit.to_dict() for hit in self.hits]

    def to_json(self, indent: int | None = 2) -> str:
        """The hits as a JSON array (non-ASCII kept as written).

        >>> print(index.search("TPB", limit=1).to_json(indent=None))
        [{"rank": 1, "id": "sm-etats-limites-et-lien-therapeutique", "title": "Etats limites ...}]
        """
        return json.dumps(self.to_dicts(), ensure_ascii=False, indent=indent)

    def to_ris(self) -> str:
        """The hits as RIS records, for a reference manager (Zotero, EndNote, Mendeley).

        >>> print("\\n".join(index.search("TPB", limit=1).to_ris().splitlines()[:3]))
        TY  - JOUR
        TI  - Etats limites et lien thérapeutique
        T2  - Santé mentale
        """
        from .display import to_ris

        return to_ris(self.hits)

    def to_pandas(self) -> pd.DataFrame:
        """The hits as a pandas DataFrame (needs the ``notebook`` extra).

        >>> frame = index.search("TPB").to_pandas()
        >>> frame.title.tolist()
        ['Etats limites et lien thérapeutique', 'Que le spectacle commence!']
        """
        from .display import to_pandas

        return to_pandas(self)

    def facets_frame(self, thesaurus: Thesaurus | None = None) -> pd.DataFrame:
        """:meth:`facets` as a tidy DataFrame: kind, value, label, articles (``notebook`` extra).

        >>> frame = index.search("maladie d'Alzheimer").facets_frame()
        >>> frame[frame.kind == "concepts"].label.tolist()
        ['alliance thérapeutique', 'démence', 'dignité', 'temporalité']
        """
        from .display import facets_frame

        return facets_frame(self, thesaurus)

    def concept_frame(
        self, thesaurus: Thesaurus | None = None, *, labels: bool = True
    ) -> pd.DataFrame:
        """Hits × concepts they name, as a 0/1 DataFrame (see :func:`~.plots.concept_frame`).

        >>> index.search("TPB").concept_frame()["état limite"].tolist()
        [1, 0]
        """
        from .plots import concept_frame

        return concept_frame(self, thesaurus=thesaurus, labels=labels)

    def __repr__(self) -> str:
        shown = ", ".join(repr(h.id) for h in self.hits[:5])
        more = ", ..." if len(self.hits) > 5 else ""
        searched = f" (searched {self.corrected!r})" if self.corrected else ""
        return (
            f"<Results {shortened(self.query)!r}{searched}: {len(self.hits)} of {self.total} hits"
            f" [{shown}{more}]>"
        )

    def __str__(self) -> str:
        from .display import format_results

        return format_results(self, color=False)

    def _repr_html_(self) -> str:
        from .display import results_html

        return results_html(self)
