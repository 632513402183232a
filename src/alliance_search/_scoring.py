"""Scoring a query tree term by term, with Whoosh's BM25F and plain Python dicts.

Whoosh scores document by document through a tree of matchers: every posting of
every term moves a chain of Python objects. Concept queries have dozens of terms
over four fields, which makes that slow on large indexes (seconds at 100,000
summaries). Here each term's posting list is read block by block and scored in one
loop, and the tree's nodes combine those per-term scores (sum for :class:`Sum`, max
for :class:`DisMax`, times the node's boost), as Whoosh's matchers would: the scores
are the same (tested), in a fraction of the time. For the top k, rare terms are
read first and frequent ones only for the documents that can still reach the top
(:meth:`TermScorer._candidates`): a document read so far is bounded by what it holds
and the most the other terms can add, one not read yet by the share of the query it
can still match. The index holds no positions: phrases are checked
by analysing again the stored text of the documents that hold all their words and
could reach the top results. The top k may be ranked by a final score computed from
the scores and the terms found (search multiplies by the share of the query matched):
the pruning then bounds that final score. Any other kind of query falls back to
Whoosh's matcher.
"""

from __future__ import annotations

import bisect
import heapq
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, Protocol

from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length, length_to_byte

from .analysis import FrenchAnalyzer, Link, link_words, linked, term_positions
from .query import DisMax, LinkedPhrase, MatchKey, Sum, match_keys, phrase_key

__all__ = ["ScoreCache", "Scores", "TermScorer"]

#: Document number → score.
Scores = dict[int, float]

#: A document field's term positions, and the function words before some of them.
Positions = tuple[dict[str, list[int]], dict[int, Link]]


#: A term or phrase of the query → the documents that hold it, or ``None`` if any may.
Holders = Callable[[MatchKey], Collection[int] | None]


class FinalScore(Protocol):
    """Documents' scores → the scores they are ranked by (see :meth:`TermScorer.top`),
    given which documents hold each term and phrase of the query (``holders``)."""

    def __call__(self, scores: Scores, holders: Holders) -> Scores: ...


_LENGTHS = [byte_to_length(b) for b in range(256)]


class ScoreCache:
    """What scorers of one searcher can share: per-field length norms, the scores of
    recently used terms (least recently used dropped beyond ``budget`` postings), and
    the term positions of recently checked texts.

    Terms such as *trouble*, *soin* or *patient* come back in query after query; a
    notebook session or a search service pays for their posting lists once.
    """

    def __init__(self, budget: int = 2_000_000, texts: int = 4_096) -> None:
        self.norms: dict[str, list[float]] = {}
        #: ``(field, term)`` → the most the term scores in any document (unboosted).
        self.most: dict[tuple[str, bytes], float] = {}
        self.budget = budget
        self._terms: OrderedDict[tuple[str, bytes], Scores] = OrderedDict()
        self._size = 0
        #: ``(field, document)`` → term positions, for the ``texts`` most recent.
        self.positions: OrderedDict[tuple[str, int], Positions] = OrderedDict()
        self._texts = texts

    def remember(self, key: tuple[str, int], positions: Positions) -> None:
        """Keep the term positions of one document's field (the oldest dropped)."""
        self.positions[key] = positions
        if len(self.positions) > self._texts:
            self.positions.popitem(last=False)

    def get(self, key: tuple[str, bytes]) -> Scores | None:
        scores = self._terms.get(key)
        if scores is not None:
            self._terms.move_to_end(key)
        return scores

    def put(self, key: tuple[str, bytes], scores: Scores) -> None:
        if len(scores) > self.budget // 4 or key in self._terms:
            return
        self._terms[key] = scores
        self._size += len(scores)
        while self._size > self.budget:
            _, dropped = self._terms.popitem(last=False)
            self._size -= len(dropped)


class TermScorer:
    """Scores query trees against one searcher (one committed state of the index).

    Build one per query; ``cache`` (length norms and recent term scores) can be
    shared by every scorer of the same searcher.
    """

    def __init__(
        self,
        searcher: Any,
        cache: ScoreCache | None = None,
        sources: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.searcher = searcher
        #: Field → the stored fields whose texts it indexed, one after the other
        #: (default: itself), where phrases are checked.
        self.sources = dict(sources or {})
        weighting = searcher.weighting
        self._bm25 = weighting if isinstance(weighting, BM25F) else None
        # Norms and term scores depend only on the searcher: scorers may share them.
        self._cache = cache or ScoreCache()
        self._norms = self._cache.norms
        self._terms: dict[tuple[str, bytes], Scores] = {}
        #: Scores of terms in some documents only (the documents, the scores).
        self._partial: dict[tuple[str, bytes], tuple[set[int], Scores]] = {}
        #: ``(field, words)`` → a phrase's upper bound in every document (unboosted).
        self._bounds: dict[tuple[str, tuple[str, ...]], Scores] = {}
        #: ``(field, term)`` or a phrase's key (:func:`phrase_key`) → documents where it
        #: matched (as Whoosh's ``terms=True``, phrases as a whole too).
        self.matched: dict[MatchKey, set[int]] = {}

    # ------------------------------------------------------------------ tree
    def scores(self, q: Any) -> Scores:
        """Score of every document matching ``q``."""
        return self._tree(q, self._phrase)

    def _tree(
        self,
        q: Any,
        phrase: Callable[[wq.Phrase, set[int] | None], Scores],
        among: set[int] | None = None,
        term: Callable[[wq.Term, set[int] | None], Scores] | None = None,
    ) -> Scores:
        """Scores of ``q``, its phrases scored by ``phrase`` and its terms by ``term``
        (their postings by default); only of ``among`` if given."""
        if isinstance(q, wq.Term):
            return (term or self._term)(q, among)
        if _is_combination(q):
            subs = q.subqueries
            if not subs:
                return {}
            if len(subs) == 1:  # as Whoosh: a lone subquery's boost only
                return self._tree(subs[0], phrase, among, term)
            children = [self._tree(sub, phrase, among, term) for sub in subs]
            combined = _sum(children) if isinstance(q, Sum) else _max(children)
            return _boosted(combined, q.boost)
        if _is_null(q):
            return {}
        if self._is_phrase(q):
            return phrase(q, among)
        scores = self._by_matcher(q)
        return scores if among is None else {d: scores[d] for d in among if d in scores}

    def _bound(self, q: Any, value: Callable[[Any], float]) -> float:
        """The most ``q`` can score in any one document, given the most each term and
        phrase can score (``value``, before boosts); infinite for other queries."""
        if isinstance(q, wq.Term) or (not _is_combination(q) and self._is_phrase(q)):
            return float(value(q) * q.boost)
        if _is_combination(q):
            subs = q.subqueries
            if not subs:
                return 0.0
            if len(subs) == 1:
                return self._bound(subs[0], value)
            children = [self._bound(sub, value) for sub in subs]
            return float((sum(children) if isinstance(q, Sum) else max(children)) * q.boost)
        return 0.0 if _is_null(q) else float("inf")

    def _is_phrase(self, q: Any) -> bool:
        """A phrase this module checks itself: adjacent words in a field analysed by
        the French analyzer (positions come from analysing the stored text again)."""
        if not isinstance(q, wq.Phrase) or q.slop != 1 or q.fieldname not in self.searcher.schema:
            return False
        return isinstance(self.searcher.schema[q.fieldname].analyzer, FrenchAnalyzer)

    def _phrase(self, q: wq.Phrase, among: set[int] | None = None) -> Scores:
        """Documents holding the words side by side, scored (as Whoosh's phrase matcher)
        by the sum of the words' scores; only ``among`` these documents if given."""
        candidates = self._phrase_bound(q, among, boost=False)
        scores = {doc: s for doc, s in candidates.items() if self._adjacent(q, doc)}
        field = self.searcher.schema[q.fieldname]
        for word in q.words:
            self.matched.setdefault((q.fieldname, field.to_bytes(word)), set()).update(scores)
        self.matched.setdefault(phrase_key(q), set()).update(scores)
        return _boosted(scores, q.boost)

    def _adjacent(self, q: wq.Phrase, doc: int) -> bool:
        """Whether the phrase's words follow each other in one document, linked as
        the phrase says (see :class:`LinkedPhrase`)."""
        where, links = self._positions(q.fieldname, doc)
        starts = where.get(q.words[0], ())
        for k in range(1, len(q.words)):
            following = where.get(q.words[k], ())
            starts = [p for p in starts if p + k in following]
            if not starts:
                return False
        wanted = getattr(q, "links", ())
        if wanted and links:
            return any(
                all(
                    written is None
                    or p + k not in links
                    or linked(*link_words(links[p + k]), written)
                    for k, written in enumerate(wanted, 1)
                )
                for p in starts
            )
        return bool(starts)

    def _positions(self, fieldname: str, doc: int) -> Positions:
        """Term → positions in one document's field, from its stored text, and the
        function words before some positions (see :func:`term_positions`)."""
        key = (fieldname, doc)
        found = self._cache.positions.get(key)
        if found is None:
            stored = self.searcher.stored_fields(doc)
            texts = [stored.get(name) or "" for name in self.sources.get(fieldname, (fieldname,))]
            stem = self.searcher.schema[fieldname].analyzer.stem
            links: dict[int, Link] = {}
            found = (term_positions(texts, stem, links), links)
            self._cache.remember(key, found)
        return found

    def _phrase_bound(
        self, q: wq.Phrase, among: set[int] | None = None, boost: bool = True
    ) -> Scores:
        """What the phrase would score in every document holding all its words (an
        upper bound: positions unchecked); only in ``among`` if given."""
        key = (q.fieldname, tuple(q.words))
        bound = self._bounds.get(key)
        if bound is None:
            if among is not None:  # not kept: the whole bound is kept when read
                bound = self._common(q, among)
                return _boosted(bound, q.boost) if boost else bound
            bound = self._bounds[key] = self._common(q, None)
        elif among is not None:
            bound = _restricted(bound, among)
        return _boosted(bound, q.boost) if boost else bound

    def _common(self, q: wq.Phrase, among: set[int] | None) -> Scores:
        """The sum of the phrase's words' scores in the documents holding all of them."""
        leaves: list[Scores] = [self._leaf(q.fieldname, word, among) for word in q.words]
        if not leaves or not all(leaves):
            return {}
        # ``keys() & set`` iterates the smaller side (``set &= dict`` the dict).
        by_size = sorted(leaves, key=len)
        common: set[int] | Any = by_size[0].keys()
        for leaf in by_size[1:]:
            common = leaf.keys() & common
            if not common:
                return {}
        # Added word by word, in order: the same sums as ``sum()``, without a generator
        # per document.
        first, *rest = leaves
        bound = {doc: first[doc] for doc in common}
        for leaf in rest:
            bound = {doc: score + leaf[doc] for doc, score in bound.items()}
        return bound

    # ------------------------------------------------------------------ top k
    def top(
        self,
        q: Any,
        limit: int | None,
        allow: Callable[[int], bool] | None = None,
        final: FinalScore | None = None,
    ) -> tuple[list[tuple[float, int]], Callable[[], list[int]]]:
        """The ``limit`` best ``(score, docnum)`` pairs (all if None), best first, and a
        function listing every matching document (``allow`` filters them), computed
        when first called: counting every match costs more than finding the best.

        ``final`` turns documents' scores into the scores they are ranked by, given
        the documents that hold each term and phrase (search multiplies by the share
        of the query each matched). It must never raise a score, nor lower it when
        more documents hold a term. So a score is an upper bound of the final score;
        the final score given what was found so far, a lower bound; and given that
        any document may hold what was not read yet, an upper bound again.

        The result is exact. Only the documents that can reach the ``limit`` best are
        scored in full (see :meth:`_candidates`). Among them, scores without phrases
        are a lower bound and scores as if every phrase matched an upper bound;
        documents have their phrase positions checked in order of their upper bound,
        until it falls below the ``limit``-th best exact score.
        """

        def allowed(doc: int) -> bool:
            return allow is None or allow(doc)

        adjust = final or _unchanged
        if limit == 0:  # how many match, not which
            return [], _once(lambda: self._matching(q, allowed))
        if limit is None:
            scores = self.scores(q)
            scores = adjust({d: s for d, s in scores.items() if allowed(d)}, self._found)
            pairs = [(s, d) for d, s in scores.items()]
            return sorted(pairs, key=_best_first, reverse=True), lambda: [d for _, d in pairs]
        among, kth = self._candidates(q, limit, allowed, adjust)
        upper = self._tree(q, self._phrase_bound, among)
        if among is not None:  # the documents that can still reach the k-th score
            among = {d for d, bound in upper.items() if bound >= kth}
            upper = {d: upper[d] for d in among}
        lower = self._tree(q, _no_phrase, among)
        exact = adjust(
            {d: s for d, s in lower.items() if upper[d] <= s and allowed(d)}, self._found
        )
        # Every term is read for these documents; any phrase not checked may match.
        most = adjust(
            {d: bound for d, bound in upper.items() if bound > lower.get(d, 0.0) and allowed(d)},
            self._found_or_phrase,
        )
        uncertain = sorted(most, key=lambda d: -most[d])
        best = heapq.nlargest(limit, exact.values())
        start = 0
        while start < len(uncertain):
            kth = best[-1] if len(best) >= limit else float("-inf")
            if most[uncertain[start]] < kth:
                break
            chunk = set(uncertain[start : start + _CHUNK])
            start += _CHUNK
            exact.update(adjust(self._verified(q, chunk), self._found))
            best = heapq.nlargest(limit, exact.values())
        pairs = [(s, d) for d, s in exact.items()]
        return heapq.nlargest(limit, pairs, key=_best_first), _once(
            lambda: self._matching(q, allowed)
        )

    def _candidates(
        self,
        q: Any,
        limit: int,
        allowed: Callable[[int], bool],
        adjust: FinalScore | None = None,
    ) -> tuple[set[int] | None, float]:
        """The documents that can still be among the ``limit`` best (``None``: all),
        and a lower bound of the ``limit``-th best score.

        Terms and phrases are read in order of the most they can add to a score
        (Whoosh records each term's highest frequency and shortest field length), so
        rare, telling words come first. Before each costly read (a frequent word), the
        reading stops if no document outside those read can reach the ``limit``-th best
        score already found; what remains to read is then read only for the documents
        whose possible score still reaches it (MaxScore, term at a time).
        """
        leaves = self._leaf_weights(q)
        if leaves is None:
            return None, float("-inf")
        adjust = adjust or _unchanged
        most: dict[Any, float] = {}
        words: dict[Any, list[Any]] = {}  # phrase → its words' keys
        for key, (_, node) in leaves.items():
            if isinstance(node, wq.Term):
                most[key] = self._most(node.fieldname, key[1])
            else:
                most[key] = sum(self._most(node.fieldname, word) for word in node.words)
                words[key] = [self._key(node.fieldname, word) for word in node.words]
        order = sorted(leaves, key=lambda key: -most[key] * leaves[key][0])
        terms: set[Any] = set()  # terms read: the documents holding them are all seen
        phrases: set[Any] = set()  # phrases whose possible documents are all seen

        def read_term(t: wq.Term, among: set[int] | None) -> Scores:
            return self._term(t, among) if self._node_key(t) in terms else {}

        def read_phrase(p: wq.Phrase, among: set[int] | None) -> Scores:
            return self._phrase_bound(p, among) if self._node_key(p) in phrases else {}

        def check_phrase(p: wq.Phrase, among: set[int] | None) -> Scores:
            return self._phrase(p, among) if self._node_key(p) in phrases else {}

        def unseen(node: Any) -> float:
            """The most ``node`` adds to a document not seen yet."""
            key = self._node_key(node)
            if key in terms or key in phrases:
                return 0.0
            if key in words and any(word in terms for word in words[key]):
                return 0.0  # a word read, so any document holding it was seen
            return most[key]

        def unread(key: MatchKey) -> Collection[int] | None:
            """Who may hold a term or phrase, for a document not seen yet: none of
            those read (nor a phrase with a word read), anyone for the others."""
            if key in terms or key in phrases:
                return ()
            if key in words and any(word in terms for word in words[key]):
                return ()
            return None

        def still(node: Any) -> float:
            """The most ``node`` can still add to a document seen."""
            key = self._node_key(node)
            return 0.0 if key in terms or key in phrases else most[key]

        # The k-th best score so far costs a pass over what was read: it is computed
        # again only when it may stop the reading, or after the postings read doubled.
        kth, read, read_at_kth, outside_at_kth = float("-inf"), 0, 0, float("inf")
        rare: set[int] = set()  # the documents of the rarer terms and phrases read
        for position, key in enumerate(order):
            node = leaves[key][1]
            cost = self._cost(node)
            if position and cost > _CHEAP:
                # A document not seen yet holds none of what was read: its final
                # score is bounded as such (the share of the query it can match).
                outside = adjust({_UNSEEN: self._bound(q, unseen)}, unread)[_UNSEEN]
                if read >= 2 * read_at_kth or outside_at_kth > outside < kth * _CLOSE:
                    bound = read_phrase if phrases else None
                    # A new set: terms' scores in a set of documents are kept per set.
                    sample = set(rare) if len(rare) >= limit else None
                    kth = self._kth(
                        q, limit, allowed, read_term, bound, check_phrase, sample, adjust
                    )
                    read_at_kth, outside_at_kth = read, outside
                if outside < kth:
                    most_seen, _ = self._possible(q, read_term, read_phrase, still)
                    # Summed in another order than the scores: a little room for rounding.
                    possible = {
                        d: b * _ROUNDING for d, b in most_seen.items() if b * _ROUNDING >= kth
                    }

                    def holders(key: MatchKey) -> Collection[int] | None:
                        """Who may hold a term or phrase, of those read (else anyone)."""
                        if key in terms:
                            return self.matched.get(key, ())
                        if key in phrases:
                            return self._bounds.get(key[1:3], {}).keys()
                        return None

                    bounded = adjust({d: b for d, b in possible.items() if allowed(d)}, holders)
                    return {d for d, b in bounded.items() if b >= kth}, kth
            if isinstance(node, wq.Term):
                found = self._leaf(node.fieldname, node.text)
                terms.add(key)
            else:
                found = self._phrase_bound(node, boost=False)
                phrases.add(key)
            if len(found) <= _RARE * limit:
                rare.update(found)
            read += cost
        return None, float("-inf")

    def _possible(
        self,
        q: Any,
        term: Callable[[wq.Term, set[int] | None], Scores],
        phrase: Callable[[wq.Phrase, set[int] | None], Scores],
        most: Callable[[Any], float],
    ) -> tuple[Scores, float]:
        """The most ``q`` can score in each document found by what was read (``term``
        and ``phrase`` give it), any other term or phrase scoring its ``most`` (before
        boosts); and the most in a document found by none of what was read."""
        if isinstance(q, wq.Term):
            return term(q, None), most(q) * q.boost
        if _is_combination(q):
            subs = q.subqueries
            if not subs:
                return {}, 0.0
            if len(subs) == 1:
                return self._possible(subs[0], term, phrase, most)
            children = [self._possible(sub, term, phrase, most) for sub in subs]
            if isinstance(q, Sum):
                combined, default = _sum_with_defaults(children)
            else:
                combined, default = _max_with_defaults(children)
            return _boosted(combined, q.boost), default * q.boost
        if _is_null(q):
            return {}, 0.0
        if self._is_phrase(q):
            return phrase(q, None), most(q) * q.boost
        return self._by_matcher(q), float("inf")

    def _kth(
        self,
        q: Any,
        limit: int,
        allowed: Callable[[int], bool],
        term: Callable[[wq.Term, set[int] | None], Scores],
        bound: Callable[[wq.Phrase, set[int] | None], Scores] | None,
        check: Callable[[wq.Phrase, set[int] | None], Scores],
        sample: set[int] | None = None,
        adjust: FinalScore | None = None,
    ) -> float:
        """A lower bound of the ``limit``-th best score, from what was read (``term``
        and ``bound`` give it, ``check`` checks phrases): the score without phrases,
        and, when phrases were read (``bound``), for the ``limit`` documents that could
        score most, the score with the phrases checked (the best documents of a
        concept often match only phrases). Only of the ``sample`` documents if given
        (any documents give a lower bound; those of rare terms give a close one)."""
        adjust = adjust or _unchanged
        lower = self._tree(q, _no_phrase, sample, term)
        scores = adjust({d: s for d, s in lower.items() if allowed(d)}, self._found)
        if bound is not None:
            possible = self._tree(q, bound, sample, term)
            promising = heapq.nlargest(
                limit, (d for d in possible if allowed(d)), key=lambda d: (possible[d], -d)
            )
            checked = self._tree(q, check, set(promising), term)
            scores.update(adjust(checked, self._found))
        best = heapq.nlargest(limit, scores.values())
        return best[-1] if len(best) >= limit else float("-inf")

    def _leaf_weights(self, q: Any) -> dict[Any, tuple[float, Any]] | None:
        """Every term and phrase of ``q`` with the largest product of boosts above it
        (``None`` if ``q`` holds another kind of query)."""
        found: dict[Any, tuple[float, Any]] = {}

        def walk(node: Any, weight: float) -> bool:
            if isinstance(node, wq.Term) or self._is_phrase(node):
                key = self._node_key(node)
                weight *= node.boost
                if key is not None and (key not in found or found[key][0] < weight):
                    found[key] = (weight, node)
                return True
            if _is_combination(node):
                subs = node.subqueries
                inner = weight if len(subs) == 1 else weight * node.boost
                return all(walk(sub, inner) for sub in subs)
            return _is_null(node)

        return found if walk(q, 1.0) else None

    def _most(self, fieldname: str, text: str | bytes) -> float:
        """The highest score (unboosted) a term has in any document: BM25 of its highest
        frequency at its shortest field length, from the term statistics."""
        key = self._key(fieldname, text)
        if key is None:
            return 0.0
        known = self._cache.most
        most = known.get(key)
        if most is None:
            if len(known) >= _MOST_KEPT:
                known.clear()
            most = known[key] = self._term_most(key)
        return most

    def _term_most(self, key: tuple[str, bytes]) -> float:
        """:meth:`_most`, read from the term's statistics in every segment."""
        fieldname = key[0]
        bm25 = self._bm25
        if bm25 is None or not self.searcher.schema[fieldname].scorable:
            return float("inf")
        b, k1 = bm25._field_B.get(fieldname, bm25.B), bm25.K1
        average = self.searcher.avg_field_length(fieldname) or 1
        best = 0.0
        for sub, _ in _leaves(self.searcher):
            reader = sub.reader()
            if key not in reader:
                continue
            info = reader.term_info(*key)
            weight = info.max_weight()
            shortest = byte_to_length(length_to_byte(info.min_length()))
            best = max(best, weight / (weight + k1 * ((1 - b) + b * shortest / average)))
        idf = self.searcher.idf(fieldname, key[1])
        return float(idf * (k1 + 1) * best * (1 + 1e-9))

    def _cost(self, node: Any) -> int:
        """Postings of a term or phrase: what reading it, or scoring with it, costs."""
        words = [node.text] if isinstance(node, wq.Term) else list(node.words)
        keys = [self._key(node.fieldname, word) for word in words]
        return sum(self.searcher.doc_frequency(*key) for key in keys if key is not None)

    def documents(self, q: Any) -> set[int]:
        """Every document matching ``q`` (phrases checked on the stored text)."""
        return set(self._matching(q, lambda doc: True))

    def _matching(self, q: Any, allowed: Callable[[int], bool]) -> list[int]:
        """Every document matching ``q`` that ``allowed`` lets through."""
        docs: set[int] = set()
        phrases = []
        for node in _nodes(q):
            if isinstance(node, wq.Term):
                docs.update(self._leaf(node.fieldname, node.text))
            elif self._is_phrase(node):
                phrases.append(node)
            else:
                docs.update(self._by_matcher(node))
        # Documents that only a phrase can match, checked one document at a time (its
        # text analysed once for all its phrases).
        to_check: dict[int, list[wq.Phrase]] = {}
        for phrase in phrases:
            for doc in set(self._phrase_bound(phrase)).difference(docs):
                to_check.setdefault(doc, []).append(phrase)
        for doc in sorted(to_check):
            if any(self._adjacent(phrase, doc) for phrase in to_check[doc]):
                docs.add(doc)
        return [d for d in docs if allowed(d)]

    def _verified(self, q: Any, docs: set[int]) -> Scores:
        """Exact scores of ``docs`` (phrase positions checked); absent if no match."""
        return self._tree(q, self._phrase, docs)

    def _found(self, key: MatchKey) -> Collection[int]:
        """The documents a term or phrase was found in so far."""
        return self.matched.get(key, ())

    def _found_or_phrase(self, key: MatchKey) -> Collection[int] | None:
        """As :meth:`_found`, but any document may hold a phrase (not checked yet)."""
        return None if key[0] == "phrase" else self.matched.get(key, ())

    def matched_terms(self, docnum: int) -> set[MatchKey]:
        """The terms and phrases of the last scored query found in a document."""
        return {key for key, docs in self.matched.items() if docnum in docs}

    def holding(self, keys: Iterable[MatchKey], among: set[int] | None = None) -> set[int]:
        """Which documents (of ``among`` if given, reading only their postings) hold
        one of ``keys``; a phrase's words side by side, unless ``among`` is None."""
        found: set[int] = set()
        for key in keys:
            rest = None if among is None else among - found
            if rest is not None and not rest:
                break
            if key[0] == "phrase":
                q = LinkedPhrase(key[1], list(key[2]), links=key[3])
                words = self._phrase_bound(q, rest, boost=False)
                if rest is None:
                    found.update(words)
                else:
                    found.update(doc for doc in words if self._adjacent(q, doc))
            else:
                found.update(self._leaf(key[0], key[1], rest))
        return found

    # ------------------------------------------------------------------ leaves
    def _term(self, q: wq.Term, among: set[int] | None = None) -> Scores:
        scores = self._leaf(q.fieldname, q.text, among)
        if scores:
            key = (q.fieldname, self.searcher.schema[q.fieldname].to_bytes(q.text))
            self.matched.setdefault(key, set()).update(scores)
        return _boosted(scores, q.boost)

    def _node_key(self, node: Any) -> Any:
        """What identifies a term or phrase of a query tree (the same for equal nodes)."""
        if isinstance(node, wq.Term):
            return self._key(node.fieldname, node.text)
        return phrase_key(node)

    def _key(self, fieldname: str, text: str | bytes) -> tuple[str, bytes] | None:
        if fieldname not in self.searcher.schema:
            return None
        try:
            return fieldname, self.searcher.schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    def _leaf(self, fieldname: str, text: str | bytes, among: set[int] | None = None) -> Scores:
        """Unboosted scores of one term (cached); only of ``among`` if given."""
        key = self._key(fieldname, text)
        if key is None:
            return {}
        if among is not None:
            known = self._partial.get(key)
            if known is None or known[0] is not among:
                if known is not None and len(among) < len(known[0]) and among <= known[0]:
                    known = (among, _restricted(known[1], among))  # of fewer documents
                else:
                    known = (among, self._among(key, among))
                self._partial[key] = known
            return known[1]
        scores = self._terms.get(key)
        if scores is None:
            scores = self._cache.get(key)
            if scores is None:
                scores = self._postings(*key)
                self._cache.put(key, scores)
            self._terms[key] = scores
        return scores

    def _among(self, key: tuple[str, bytes], among: set[int]) -> Scores:
        """Scores of a term in ``among`` only: from its scores if read, else reading
        only the blocks of postings that hold them if they are few."""
        scores = self._terms.get(key)
        if scores is None:
            scores = self._cache.get(key)
        if scores is None:
            if len(among) * _SPARSE < self.searcher.doc_frequency(*key):
                return self._postings(*key, among)
            scores = self._leaf(*key)
        return _restricted(scores, among)

    def _postings(self, fieldname: str, text: bytes, among: set[int] | None = None) -> Scores:
        """BM25F score of every document holding the term (Whoosh's formula); only of
        ``among`` if given, skipping the blocks of postings that hold none of them."""
        searcher = self.searcher
        if (fieldname, text) not in searcher.reader():
            return {}
        bm25 = self._bm25
        if bm25 is None or not searcher.schema[fieldname].scorable:
            found = self._by_matcher(wq.Term(fieldname, text))
            return found if among is None else {d: found[d] for d in among if d in found}
        b, k1 = bm25._field_B.get(fieldname, bm25.B), bm25.K1
        idf = searcher.idf(fieldname, text)
        norms = self._field_norms(fieldname, b, k1)
        scale = idf * (k1 + 1)
        scores: Scores = {}
        for sub, offset in _leaves(searcher):
            reader = sub.reader()
            if (fieldname, text) not in reader:
                continue
            end = offset + reader.doc_count_all()
            wanted = (
                None if among is None else sorted(d - offset for d in among if offset <= d < end)
            )
            for ids, weights in _blocks(reader.postings(fieldname, text), wanted):
                docs = [i + offset for i in ids] if offset else ids
                pairs = zip(docs, weights, strict=True)
                if among is None:
                    scores.update({d: scale * w / (w + norms[d]) for d, w in pairs})
                else:
                    scores.update({d: scale * w / (w + norms[d]) for d, w in pairs if d in among})
        return scores

    def _field_norms(self, fieldname: str, b: float, k1: float) -> list[float]:
        """Per document, ``k1 × (1 − b + b × length / average length)``."""
        norms = self._norms.get(fieldname)
        if norms is None:
            searcher = self.searcher
            average = searcher.avg_field_length(fieldname) or 1
            norms = []
            for sub, _ in _leaves(searcher):
                reader = sub.reader()
                lengths = _field_lengths(reader, fieldname)
                norms.extend(k1 * ((1 - b) + b * length / average) for length in lengths)
            self._norms[fieldname] = norms
        return norms

    def _by_matcher(self, q: Any) -> Scores:
        """Scores from Whoosh's own matcher (phrases and anything else)."""
        matcher = q.matcher(self.searcher, self.searcher.context())
        scores: Scores = {}
        while matcher.is_active():
            scores[matcher.id()] = matcher.score()
            matcher.next()
        for key in match_keys(q) | {
            (field, term if isinstance(term, bytes) else term.encode())
            for field, term in q.iter_all_terms()
        }:
            self.matched.setdefault(key, set()).update(scores)
        return scores


_MATCHERS = {Sum: Sum.matcher, DisMax: DisMax.matcher}
#: Terms whose highest possible score a searcher's scorers remember.
_MOST_KEPT = 65_536
#: Bounds summed in another order than the scores they bound are raised by this.
_ROUNDING = 1 + 1e-9
#: A document number no document has: one not seen yet, whose score is bounded.
_UNSEEN = -1
#: Documents whose phrases are checked at a time (in order of their upper bound).
_CHUNK = 16
#: Postings below which a term is scored without first checking whether it can matter.
_CHEAP = 2_000
#: How close the best possible score outside must come to the k-th best score found
#: for the latter to be computed again.
_CLOSE = 1.25
#: Terms and phrases in at most this many documents per result wanted give the
#: documents among which the k-th best score is looked for first.
_RARE = 50
#: A term is read for some documents only when it has this many times more postings.
_SPARSE = 8


def _no_phrase(phrase: wq.Phrase, among: set[int] | None) -> Scores:
    return {}


def _is_combination(q: Any) -> bool:
    """A sum or maximum node that this module combines itself."""
    return isinstance(q, Sum | DisMax) and type(q).matcher is _MATCHERS[type(q)]


def _is_null(q: Any) -> bool:
    return q is wq.NullQuery or isinstance(q, wq.NullQuery.__class__)


def _nodes(q: Any) -> Iterable[Any]:
    """The leaves of a query tree (terms, phrases and anything else not combined here)."""
    if _is_combination(q):
        for sub in q.subqueries:
            yield from _nodes(sub)
    elif not _is_null(q):
        yield q


def _once(compute: Callable[[], list[int]]) -> Callable[[], list[int]]:
    """``compute``, run on the first call only."""
    done: list[list[int]] = []

    def get() -> list[int]:
        if not done:
            done.append(compute())
        return done[0]

    return get


def _unchanged(scores: Scores, holders: Holders) -> Scores:
    return scores


def _best_first(pair: tuple[float, int]) -> tuple[float, int]:
    """Sort key: higher score first, then earlier document (Whoosh's order)."""
    return pair[0], -pair[1]


def _leaves(searcher: Any) -> list[tuple[Any, int]]:
    if searcher.is_atomic():
        return [(searcher, 0)]
    return list(searcher.leaf_searchers())


def _field_lengths(reader: Any, fieldname: str) -> list[int]:
    """The length of ``fieldname`` in every document of one segment."""
    count = reader.doc_count_all()
    column = None
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return [reader.doc_field_length(d, fieldname, 0) for d in range(count)]
    try:  # one read of the column's bytes (one byte per document)
        stored = bytes(column._dbfile.get(column._basepos, column._count * column._fixedlen))
        assert column._fixedlen == 1
    except (AttributeError, AssertionError):
        return [_LENGTHS[column[d]] for d in range(count)]
    return [_LENGTHS[b] for b in stored] + [0] * (count - len(stored))


def _blocks(
    matcher: Any, wanted: Sequence[int] | None = None
) -> Iterable[tuple[Sequence[int], Sequence[float]]]:
    """Document numbers and weights of a term's postings, a block at a time; with
    ``wanted`` (sorted document numbers), only the blocks that can hold one of them."""
    deleted: frozenset[int] = frozenset()
    if isinstance(matcher, FilterMatcher):
        if not matcher._exclude:
            yield from _one_by_one(matcher)
            return
        deleted = frozenset(matcher._ids)
        matcher = matcher.child
    if not hasattr(matcher, "_read_ids") or not hasattr(matcher, "_atend"):
        yield from _one_by_one(matcher)
        return
    i = 0
    while not matcher._atend:
        if wanted is not None:
            if i >= len(wanted):
                return
            last = matcher._maxid
            if wanted[i] > last:
                matcher._next_block()
                continue
            i = bisect.bisect_right(wanted, last, i)
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        ids, weights = matcher._ids, matcher._weights
        if deleted:
            kept = [k for k, d in enumerate(ids) if d not in deleted]
            yield [ids[k] for k in kept], [weights[k] for k in kept]
        else:
            yield ids, weights
        matcher._next_block()


def _one_by_one(matcher: Any) -> Iterable[tuple[list[int], list[float]]]:
    """All the postings of a matcher as one block, read through its public methods."""
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    yield ids, weights


def _restricted(scores: Scores, among: set[int]) -> Scores:
    """The scores of ``among`` only."""
    if len(among) < len(scores):
        return {d: scores[d] for d in among if d in scores}
    return {d: s for d, s in scores.items() if d in among}


def _boosted(scores: Scores, boost: float) -> Scores:
    if boost == 1.0:
        return scores
    return {d: s * boost for d, s in scores.items()}


def _sum_with_defaults(children: list[tuple[Scores, float]]) -> tuple[Scores, float]:
    """Sum of scores, each child giving its default to the documents it lacks."""
    default = sum(d for _, d in children)
    total = dict.fromkeys(set().union(*(scores for scores, _ in children)), default)
    for scores, own in children:
        for d, s in scores.items():
            total[d] += s - own
    return total, default


def _max_with_defaults(children: list[tuple[Scores, float]]) -> tuple[Scores, float]:
    """Maximum of scores, each child giving its default to the documents it lacks."""
    best = _max([scores for scores, _ in children] or [{}])
    pending = set(best)  # the documents that every child considered so far holds
    for scores, own in sorted(children, key=lambda child: -child[1]):
        if own <= 0 or not pending:
            break
        lacking = [d for d in pending if d not in scores]
        for d in lacking:
            if best[d] < own:
                best[d] = own
        pending.difference_update(lacking)
    return best, max((d for _, d in children), default=0.0)


def _sum(children: list[Scores]) -> Scores:
    children = sorted(children, key=len, reverse=True)
    total = dict(children[0])
    for child in children[1:]:
        for d, s in child.items():
            total[d] = total.get(d, 0.0) + s
    return total


def _max(children: list[Scores]) -> Scores:
    children = sorted(children, key=len, reverse=True)
    best = dict(children[0])
    for child in children[1:]:
        for d, s in child.items():
            if s > best.get(d, float("-inf")):
                best[d] = s
    return best
