"""Term-at-a-time evaluation: the usual queries scored a posting block at a time.

Whoosh walks its matchers one document at a time, a few microseconds of Python
per posting per term; at 100,000 articles a two-word OR over common words is
50,000 postings and 100 ms. The queries people type are mostly terms, ANDs,
ORs, NOTs, phrases and date ranges, and those can be answered from whole
posting blocks instead: ids, weights and field lengths read in bulk, BM25F
computed with Whoosh's own formula and statistics, sets and dicts doing the
merging in C. :func:`top` does that and gives the same page as Whoosh (same
documents, same scores, ties broken by document number); it returns ``None``
for any query shape it does not know, and the caller falls back to Whoosh.

Phrases are checked lazily when they lead the query: candidates (documents
holding all the words) are scored first, then their positions are checked in
descending score order only until the page is full, so a common-word phrase
with 30,000 candidates checks a few dozen. The total is then the number of
candidates, an upper bound, and the page says it is not exact.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq
from whoosh.scoring import BM25F

from index.search import deadline
from index.search.nodes import Blended, DayRange, FastPhrase, in_order
from index.search.postings import field_lengths, norms, position_decoder, postings_of

Scores = dict[int, float]


class Unsupported(Exception):
    """A query shape this evaluator does not answer (the caller uses Whoosh)."""


@dataclass(frozen=True, slots=True)
class Page:
    """The top documents as ``(score, global docnum)``, best first, and the count."""

    hits: list[tuple[float, int]]
    total: int
    exact: bool


def top(
    searcher: Any,
    query: wq.Query,
    limit: int,
    *,
    allow: AbstractSet[int] | None = None,
    restrict: AbstractSet[int] | None = None,
) -> Page | None:
    """The ``limit`` best documents for ``query``, or ``None`` if it is not supported;
    with ``allow`` only those (global) documents, with ``restrict`` none of those: the
    ``is:`` and ``feed:`` filters, applied to the scored set in one pass rather than
    by a collector walking every match in Python."""
    weighting = searcher.weighting
    if type(weighting) is not BM25F or weighting._field_B:
        return None
    try:
        if type(query) is wq.Every and allow is not None and query.fieldname in (None, "", "*"):
            # "is:starred" alone: the allowed documents, each as Whoosh scores Every.
            every = dict.fromkeys(allow, float(query.boost))
            scores: Scores = _filtered(every, None, restrict)
            return Page(_best(scores, limit), len(scores), True)
        segments = [_Segment(sub, offset, weighting) for sub, offset in searcher.leaf_searchers()]
        if _leading_phrases(query):
            return _lazy_phrase_page(segments, query, limit, allow, restrict)
        scores = {}
        for segment in segments:
            found = segment.evaluate(query)
            offset = segment.offset
            scores.update({offset + doc: score for doc, score in found.items()})
    except Unsupported:
        return None
    scores = _filtered(scores, allow, restrict)
    return Page(_best(scores, limit), len(scores), True)


def _filtered(
    scores: Scores, allow: AbstractSet[int] | None, restrict: AbstractSet[int] | None
) -> Scores:
    """``scores`` of the documents the filters let through (the sets taken in C)."""
    if allow is None and not restrict:
        return scores
    kept = set(scores)
    if allow is not None:
        kept.intersection_update(allow)
    if restrict:
        kept.difference_update(restrict)
    return {doc: scores[doc] for doc in kept}


def matching(searcher: Any, query: wq.Query) -> list[list[int]] | None:
    """Each segment's documents matching ``query`` (the segment's own numbers, in
    ``leaf_searchers`` order), or ``None`` if the query's shape is not supported: what
    facets count. Phrases are checked for every candidate here, not lazily."""
    weighting = searcher.weighting
    if type(weighting) is not BM25F or weighting._field_B:
        return None
    try:
        return [
            sorted(_Segment(sub, offset, weighting).docs(query))
            for sub, offset in searcher.leaf_searchers()
        ]
    except Unsupported:
        return None


def _best(scores: Scores, limit: int) -> list[tuple[float, int]]:
    """Highest score first, then lowest document number (Whoosh's order)."""
    if len(scores) <= limit:
        chosen = list(scores.items())
    else:
        bar = heapq.nlargest(limit, scores.values())[-1]
        chosen = [(doc, score) for doc, score in scores.items() if score > bar]
        # Of the documents tied at the bar (all of them, for source:bbc), the first ones.
        tied = heapq.nsmallest(
            limit - len(chosen), (doc for doc, score in scores.items() if score == bar)
        )
        chosen += [(doc, bar) for doc in tied]
    ranked = sorted(chosen, key=lambda item: (-item[1], item[0]))
    return [(score, doc) for doc, score in ranked]


# Lazy phrases ------------------------------------------------------------------------------


def _leading_phrases(query: wq.Query) -> bool:
    """A phrase, or an OR of phrases and terms with at least one phrase: what a quoted
    search becomes (``Or([Phrase(title), Phrase(body)])``)."""
    if isinstance(query, FastPhrase):
        return True
    if type(query) is wq.Or and query.scale is None and query.boost == 1.0:
        kinds = [isinstance(q, FastPhrase) or type(q) is wq.Term for q in query.subqueries]
        return all(kinds) and any(isinstance(q, FastPhrase) for q in query.subqueries)
    return False


def _lazy_phrase_page(
    segments: list[_Segment],
    query: wq.Query,
    limit: int,
    allow: AbstractSet[int] | None = None,
    restrict: AbstractSet[int] | None = None,
) -> Page:
    parts = list(query.subqueries) if isinstance(query, wq.Or) else [query]
    bound: Scores = {}  # what each document scores if its phrases hold
    certain: Scores = {}  # what it scores from plain terms
    phrases: list[tuple[Scores, Callable[[int], bool]]] = []
    offsets = [segment.offset for segment in segments]
    for part in parts:
        scores: Scores = {}
        if isinstance(part, FastPhrase):
            checks = []
            for segment in segments:
                found, check = segment.phrase_candidates(part)
                scores.update({segment.offset + doc: score for doc, score in found.items()})
                checks.append(check)
            phrases.append((scores, _across(offsets, checks)))
        else:
            for segment in segments:
                found = segment.evaluate(part)
                scores.update({segment.offset + doc: score for doc, score in found.items()})
            _add(certain, scores)
        _add(bound, scores)
    bound = _filtered(bound, allow, restrict)
    order = [(-score, doc) for doc, score in bound.items()]
    heapq.heapify(order)  # best bound first; a heap, as most are never looked at
    page: list[tuple[float, int]] = []  # a min-heap of (score, -docnum)
    matched = 0
    while order:
        if len(page) >= limit and -order[0][0] < page[0][0]:
            break  # nothing left can reach the page, not even as a tie
        _, doc = heapq.heappop(order)
        holds = doc in certain
        score = certain.get(doc, 0.0)
        for scores, check in phrases:
            part = scores.get(doc)
            if part is not None and check(doc):
                score += part
                holds = True
        if not holds:
            continue
        matched += 1
        item = (score, -doc)
        if len(page) < limit:
            heapq.heappush(page, item)
        elif item > page[0]:
            heapq.heapreplace(page, item)
    hits = sorted(((score, -negated) for score, negated in page), key=lambda h: (-h[0], h[1]))
    exact = not order
    return Page(hits, matched if exact else len(bound), exact)


def _add(total: Scores, more: Scores) -> None:
    """Add ``more``'s scores into ``total``, document by document."""
    get = total.get
    for doc, score in more.items():
        total[doc] = get(doc, 0.0) + score


def _across(offsets: list[int], checks: list[Callable[[int], bool]]) -> Callable[[int], bool]:
    """One check over global document numbers from one check per segment."""

    def check(doc: int) -> bool:
        segment = bisect_right(offsets, doc) - 1
        return checks[segment](doc - offsets[segment])

    return check


# One segment ------------------------------------------------------------------------------


class _Segment:
    """One index segment's share of a search: its postings, lengths and deletions."""

    def __init__(self, searcher: Any, offset: int, weighting: BM25F) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.offset = offset
        self.weighting = weighting
        self.deleted = self.reader.deleted_docs_set if self.reader.has_deletions() else None

    # Nodes ----------------------------------------------------------------------------------

    def evaluate(self, query: wq.Query) -> Scores:
        kind = type(query)
        if kind is wq.Term:
            return self.term(query.fieldname, query.text, query.boost)
        if kind is Blended:
            return self._boosted(self._blended(query), query)
        if kind is wq.Or:
            if query.scale is not None or query.minmatch:
                raise Unsupported
            return self._boosted(self._union(query.subqueries), query)
        if kind is wq.And:
            return self._boosted(self._intersection(query.subqueries), query)
        if kind is wq.DisjunctionMax and not query.tiebreak:
            return self._boosted(self._best_of(query.subqueries), query)
        if kind is wq.AndNot:
            found = self.evaluate(query.a)
            for doc in self._matching(query.b):
                found.pop(doc, None)
            return found
        if kind is FastPhrase:
            scores, check = self.phrase_candidates(query)
            return {doc: score for doc, score in scores.items() if check(doc)}
        if kind is DayRange:
            return dict.fromkeys(self._day_ids(query), float(query.boost))
        if kind is wq.Every and query.fieldname in (None, "", "*"):
            return dict.fromkeys(self.reader.all_doc_ids(), float(query.boost))
        if query is wq.NullQuery or kind is type(wq.NullQuery):
            return {}
        raise Unsupported

    def docs(self, query: wq.Query) -> AbstractSet[int]:
        """The documents ``query`` matches, unscored: what a view counts. Terms, their
        ANDs, ORs and NOTs are set operations over posting ids (no BM25 per posting);
        anything else is evaluated and its scores dropped."""
        kind = type(query)
        if kind is wq.Term:
            return set(self._term_ids(query.fieldname, query.text))
        if kind is Blended:
            return set().union(*(self._term_ids(t.fieldname, t.text) for t in query.subqueries))
        subqueries = getattr(query, "subqueries", ())
        union = (kind is wq.Or and query.scale is None and not query.minmatch) or (
            kind is wq.DisjunctionMax
        )
        if union and not any(type(q) is wq.Not for q in subqueries):
            return set().union(*(self.docs(q) for q in subqueries))
        if kind is wq.And:
            positive = [q for q in subqueries if type(q) is not wq.Not]
            if positive:
                found = [self.docs(q) for q in positive]
                found.sort(key=len)
                common = set(found[0]).intersection(*found[1:])
                for q in subqueries:
                    if type(q) is wq.Not and common:
                        common.difference_update(self.docs(q.query))
                return common
        if kind is wq.AndNot:
            return set(self.docs(query.a)) - set(self.docs(query.b))
        return self.evaluate(query).keys()

    def _term_ids(self, fieldname: str, text: Any) -> Any:
        """A term's live document ids, as :meth:`term` would score them."""
        schema = self.reader.schema
        field = schema[fieldname] if fieldname in schema.names() else None
        if field is None:
            return ()
        if not field.scorable:
            raise Unsupported
        try:
            btext = field.to_bytes(text)
        except ValueError:
            return ()
        if (fieldname, btext) not in self.reader:
            return ()
        return postings_of(self.reader, self.deleted, fieldname, btext, values=False)[0]

    def _boosted(self, scores: Scores, query: wq.Query) -> Scores:
        boost = query.boost
        if boost != 1.0 and len(query.subqueries) > 1:
            return {doc: score * boost for doc, score in scores.items()}
        return scores

    def _blended(self, query: Blended) -> Scores:
        total: Scores = {}
        for term in query.subqueries:
            _add(total, self.term(term.fieldname, term.text, term.boost, idf=query.idf))
        return total

    def _union(self, queries: list[wq.Query]) -> Scores:
        if any(type(q) is wq.Not for q in queries):
            raise Unsupported
        total: Scores = {}
        for q in queries:
            found = self.evaluate(q)
            if total:
                _add(total, found)
            else:
                total = found
        return total

    def _best_of(self, queries: list[wq.Query]) -> Scores:
        """Each document's best score among ``queries`` (Whoosh's DisjunctionMax)."""
        best: Scores = {}
        for q in queries:
            for doc, score in self.evaluate(q).items():
                if score > best.get(doc, -1.0):
                    best[doc] = score
        return best

    def _intersection(self, queries: list[wq.Query]) -> Scores:
        positive = [q for q in queries if type(q) is not wq.Not]
        negative = [q.query for q in queries if type(q) is wq.Not]
        if not positive:
            raise Unsupported
        results = [self.evaluate(q) for q in positive]
        results.sort(key=len)
        common = set(results[0])
        for found in results[1:]:
            common.intersection_update(found)
            if not common:
                return {}
        for q in negative:
            common.difference_update(self._matching(q))
        # Whoosh scores each NOT inside an AND as a match of weight 1.
        extra = float(len(negative))
        if len(results) == 1:
            only = results[0]
            return {doc: only[doc] + extra for doc in common}
        return {doc: sum(found[doc] for found in results) + extra for doc in common}

    def _matching(self, query: wq.Query) -> set[int]:
        return set(self.evaluate(query))

    # Leaves ---------------------------------------------------------------------------------

    def term(self, fieldname: str, text: Any, boost: float, idf: float | None = None) -> Scores:
        deadline.check()  # an expanded prefix is hundreds of terms
        schema = self.reader.schema
        field = schema[fieldname] if fieldname in schema.names() else None
        if field is None:
            return {}
        if not field.scorable:
            raise Unsupported
        try:
            btext = field.to_bytes(text)
        except ValueError:
            return {}
        if (fieldname, btext) not in self.reader:
            return {}
        ids, weights, _ = postings_of(self.reader, self.deleted, fieldname, btext, values=False)
        return self._bm25(fieldname, btext, ids, weights, boost, idf)

    def _bm25(
        self,
        fieldname: str,
        btext: bytes,
        ids: Any,
        weights: Any,
        boost: float,
        idf: float | None = None,
    ) -> Scores:
        if idf is None:
            scorer = self.weighting.scorer(self.searcher, fieldname, btext)
            avgfl, b, k1, idf = scorer.avgfl, scorer.B, scorer.K1, scorer.idf
        else:  # a blended word (an expanded prefix): no scorer, whose idf costs a look-up
            # of the word in every segment, and the prefix's words are many
            avgfl = self._average_length(fieldname)
            b, k1 = self.weighting.B, self.weighting.K1
        norm = norms(k1, b, avgfl)
        lengths = field_lengths(self.reader, fieldname)
        k1p = k1 + 1
        if boost == 1.0:
            return {
                doc: idf * ((w * k1p) / (w + norm[lengths[doc]]))
                for doc, w in zip(ids, weights, strict=False)
            }
        return {
            doc: idf * ((w * k1p) / (w + norm[lengths[doc]])) * boost
            for doc, w in zip(ids, weights, strict=False)
        }

    def _average_length(self, fieldname: str) -> float:
        """The field's average length over the whole index, as BM25F's scorer reads it."""
        cache: dict[str, float] = self.__dict__.setdefault("_averages", {})
        found = cache.get(fieldname)
        if found is None:
            parent = self.searcher.get_parent()
            found = cache[fieldname] = parent.avg_field_length(fieldname) or 1
        return found

    def phrase_candidates(self, query: FastPhrase) -> tuple[Scores, Callable[[int], bool]]:
        """Documents holding every word, scored as Whoosh scores the phrase, and a check
        that the words really stand in order there."""
        words = query.indexed_words(self.reader)
        if words is None:
            return {}, lambda doc: False
        fieldname = query.fieldname
        field = self.reader.schema[fieldname]
        read = [
            postings_of(self.reader, self.deleted, fieldname, btext, values=True) for btext in words
        ]
        postings = [dict(zip(ids, values, strict=True)) for ids, _, values in read]
        if len(words) == 1:
            ids, weights, _ = read[0]
            scores = self._bm25(fieldname, words[0], ids, weights, 1.0)
        else:
            docs = list(set(postings[0]).intersection(*postings[1:]))
            parts = []
            for btext, (ids, weights, _) in zip(words, read, strict=True):
                weight_of = dict(zip(ids, weights, strict=True))
                parts.append(
                    self._bm25(fieldname, btext, docs, [weight_of[doc] for doc in docs], 1.0)
                )
            if len(parts) == 2:
                one, two = parts
                scores = {doc: one[doc] + two[doc] for doc in docs}
            else:
                scores = {doc: sum(part[doc] for part in parts) for doc in docs}
        boost = query.boost
        if boost != 1.0:
            scores = {doc: score * boost for doc, score in scores.items()}
        decode = position_decoder(field.format)
        slop = query.slop
        if len(postings) == 1:
            only = postings[0]
            return scores, only.__contains__
        if len(postings) == 2 and slop == 1:
            before, after = postings

            def check_pair(doc: int) -> bool:
                return not {p + 1 for p in decode(before[doc])}.isdisjoint(decode(after[doc]))

            return scores, check_pair

        def check(doc: int) -> bool:
            return in_order((decode(posting[doc]) for posting in postings), slop)

        return scores, check

    def _day_ids(self, query: DayRange) -> list[int]:
        """The segment's documents in the range (``reader.postings`` leaves deleted ones out)."""
        matcher = query.matcher(self.searcher)
        return list(matcher.all_ids()) if matcher.is_active() else []
