"""Query execution at scale: faster equivalents of what Whoosh's parser builds.

Whoosh answers a query correctly but, at 100,000 articles, slowly in three places
(measured in ``bench/scale.py``):

* **Date ranges.** ``published`` is indexed to the microsecond in eight precision
  tiers, so a month expands to hundreds of terms; :func:`plan` answers whole-day
  ranges from the hidden ``day`` field, and :class:`DayRange` unions that field's
  postings in one sorted pass instead of Whoosh's array-union matcher, which
  clears and scans a 2,048-slot array per block of documents (78 ms for a
  month's range intersected with one word, 4 ms here).
* **Phrases.** Whoosh checks a phrase with its general span machinery, about
  40 microseconds per candidate document; :class:`FastPhrase` keeps the same
  semantics (ordered words, each within ``slop`` positions of the last) with a
  set look-up per position, and lets the collector skip whole posting blocks
  that cannot reach the top hits.
* **Ties.** Whoosh's top-N collector only raises its bar after a document has
  *beaten* the weakest of the top N, so when every match scores the same
  (``source:reuters``) it scores all 30,000 of them; :class:`TopHits` raises the
  bar as soon as the page is full, which lets block-max skipping work.

When blocks are skipped the number of matches is no longer counted: the result
then carries Whoosh's estimate, an upper bound, and says so.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable
from datetime import time
from typing import Any

from whoosh import fields, matching
from whoosh import query as wq
from whoosh.collectors import TopCollector
from whoosh.matching import binary
from whoosh.query.terms import Term
from whoosh.support.levenshtein import damerau_levenshtein
from whoosh.util import make_binary_tree
from whoosh.util.numeric import tiered_ranges

from index.search.schema import day_number

_END_OF_DAY = time(23, 59, 59)


def plan(query: wq.Query, schema: Any, searcher: Any = None) -> wq.Query:
    """``query`` rewritten into faster equivalents that match the same documents.

    Given the ``searcher``, prefix, wildcard and fuzzy terms are also expanded, once
    for the whole index, into an OR of the words they stand for (see :func:`_expand`).
    """
    if isinstance(query, wq.DateRange) and query.fieldname == "published" and "day" in schema:
        return _day_range(query)
    if isinstance(query, wq.Phrase) and type(query) is wq.Phrase:
        return FastPhrase(
            query.fieldname,
            query.words,
            slop=query.slop,
            boost=query.boost,
            char_ranges=query.char_ranges,
        )
    if searcher is not None and type(query) in _EXPANDABLE:
        return _expand(query, searcher)
    if isinstance(query, wq.Not):
        return wq.Not(plan(query.query, schema, searcher), boost=query.boost)
    if query.is_leaf():
        return query
    return query.apply(lambda child: plan(child, schema, searcher))


_EXPANDABLE = (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)

MAX_EXPANSION = 512
"""Words a prefix, wildcard or fuzzy term may stand for before it is left to Whoosh."""


def _expand(query: Any, searcher: Any) -> wq.Query:
    """The words ``query`` stands for in any segment, as a :class:`Blended` OR.

    Whoosh expands such a term again in every segment (20 at 100,000 articles),
    scores prefixes and wildcards as constants (``gove*`` listed the oldest
    articles first) and fuzzy variants by their own rarity (a one-off misspelling
    outranked the word itself). Here the words are found once, segment by segment,
    and scored as one word would be; a fuzzy variant counts less the further it
    is from what was typed. With more than ``MAX_EXPANSION`` words the query is
    left to Whoosh.
    """
    field = searcher.schema[query.fieldname]
    words: set[bytes] = set()
    for sub, _ in searcher.leaf_searchers():
        for word in query._btexts(sub.reader()):
            words.add(word if isinstance(word, bytes) else field.to_bytes(word))
            if len(words) > MAX_EXPANSION:
                return query
    if type(query) is wq.Prefix:
        words |= _stems_of_prefix(query, searcher)
    if not words:
        return wq.NullQuery
    texts = [field.from_bytes(word) for word in sorted(words)]
    typed = query.text if isinstance(query, wq.FuzzyTerm) else None
    terms = [
        Term(query.fieldname, text, boost=query.boost * _closeness(text, typed)) for text in texts
    ]
    frequency = max(searcher.doc_frequency(query.fieldname, word) for word in words)
    idf = searcher.weighting.idf(searcher, query.fieldname, next(iter(words)))
    if frequency:
        count = searcher.doc_count_all()
        idf = math.log(count / (frequency + 1)) + 1
    return Blended(terms, idf=idf)


STEM_SLACK = 4
"""How much shorter than a typed prefix a word's stem may be and still be its word."""


def _stems_of_prefix(query: wq.Prefix, searcher: Any) -> set[bytes]:
    """Indexed stems that the typed prefix itself begins with: ``governm*`` is typed
    towards "government", which the body field holds as "govern"."""
    field = searcher.schema[query.fieldname]
    if not isinstance(field, fields.TEXT):
        return set()
    text = query.text
    found = set()
    for size in range(max(3, len(text) - STEM_SLACK), len(text)):
        word = field.to_bytes(text[:size])
        if searcher.doc_frequency(query.fieldname, word):
            found.add(word)
    return found


def _closeness(word: str, typed: str | None) -> float:
    """1 for the word typed (or any word of a prefix); less for each edit away from it."""
    if typed is None:
        return 1.0
    edits = int(damerau_levenshtein(word, typed))
    return 1.0 / (1 + edits)


class Blended(wq.Or):  # type: ignore[misc]
    """An OR of the words one typed term stands for, all scored with one ``idf`` (that of
    the most common of them, as Lucene's blended rewrite does). Whoosh, if it runs it,
    scores it as a plain OR."""

    def __init__(self, subqueries: list[wq.Query], boost: float = 1.0, idf: float = 1.0) -> None:
        super().__init__(subqueries, boost=boost)
        self.idf = idf

    def apply(self, fn: Any) -> Blended:
        return Blended([fn(q) for q in self.subqueries], boost=self.boost, idf=self.idf)

    def normalize(self) -> Any:
        normal = super().normalize()
        if isinstance(normal, Blended):
            normal.idf = self.idf
        return normal


def _day_range(query: wq.DateRange) -> wq.Query:
    """Whole-day ``published`` ranges as a :class:`DayRange`; others unchanged."""
    start, end = query.startdate, query.enddate
    whole_start = start is None or (start.time() == time.min and not query.startexcl)
    whole_end = end is None or (end.time() >= _END_OF_DAY and not query.endexcl)
    if not (whole_start and whole_end):
        return query
    return DayRange(
        "day",
        day_number(start.date()) if start is not None else None,
        day_number(end.date()) if end is not None else None,
        boost=query.boost,
    )


class DayRange(wq.NumericRange):  # type: ignore[misc]
    """A constant-score range over the ``day`` field, its postings unioned in one pass."""

    def __init__(self, fieldname: str, start: int | None, end: int | None, boost: float = 1.0):
        super().__init__(fieldname, start, end, boost=boost, constantscore=True)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        reader = searcher.reader()
        field = reader.schema[self.fieldname]
        start = field.prepare_number(self.start) if self.start is not None else None
        end = field.prepare_number(self.end) if self.end is not None else None
        to_bytes = field.sortable_to_bytes
        ids: set[int] = set()
        tiers = tiered_ranges(
            field.numtype, field.bits, field.signed, start, end, field.shift_step, False, False
        )
        for low, high, shift in tiers:
            low_bytes, high_bytes = to_bytes(low, shift), to_bytes(high, shift)
            for _, text in reader.terms_from(self.fieldname, low_bytes):
                if text > high_bytes:
                    break
                ids.update(reader.postings(self.fieldname, text).all_ids())
        if not ids:
            return matching.NullMatcher()
        return matching.ListMatcher(array("I", sorted(ids)), all_weights=self.boost)


class FastPhrase(wq.Phrase):  # type: ignore[misc]
    """Whoosh's ``Phrase``, checked with position sets and block-max friendly."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        fieldname = self.fieldname
        if fieldname in searcher.schema:
            field = searcher.schema[fieldname]
            if not field.format or not field.format.supports("positions"):
                raise wq.QueryError(f"Phrase search: {fieldname!r} field has no positions")
        words = self.indexed_words(searcher.reader())
        if words is None:
            return matching.NullMatcher()
        matchers = [Term(fieldname, word).matcher(searcher, context) for word in words]
        found: Any = matchers[0] if len(matchers) == 1 else PhraseMatcher(matchers, self.slop)
        if self.boost != 1.0:
            found = matching.WrappingMatcher(found, boost=self.boost)
        return found

    def indexed_words(self, reader: Any) -> list[bytes] | None:
        """The phrase's words as the reader's terms, or ``None`` if one is not there
        (then nothing in this segment can match)."""
        if self.fieldname not in reader.schema:
            return None
        field = reader.schema[self.fieldname]
        words = []
        for word in self.words:
            try:
                text = field.to_bytes(word)
            except ValueError:
                return None
            if (self.fieldname, text) not in reader:
                return None
            words.append(text)
        return words


def in_order(positions: Iterable[Iterable[int]], slop: int) -> bool:
    """Whether words at these positions (one iterable per word, in phrase order) stand
    in order, each within ``slop`` positions after the one before."""
    words = iter(positions)
    ends = set(next(words, ()))
    for found in words:
        if slop == 1:
            ends = {p for p in found if p - 1 in ends}
        else:
            ends = {p for p in found if any(0 < p - e <= slop for e in ends)}
        if not ends:
            return False
    return bool(ends)


class PhraseMatcher(matching.WrappingMatcher):  # type: ignore[misc]
    """The documents where the words occur in order, each within ``slop`` positions
    of the one before (Whoosh's ``SpanNear2`` semantics with ``mindist=1``).

    Scores like Whoosh's phrase (the sum of the words' scores), and passes block
    quality through, so a top-N collector can skip blocks; after a skip it moves on
    to the next document that really holds the phrase.
    """

    def __init__(self, words: list[Any], slop: int) -> None:
        self._words = words
        self._slop = slop
        super().__init__(make_binary_tree(binary.IntersectionMatcher, words))
        if self.child.is_active():
            self._find_next()

    def _here(self) -> bool:
        return in_order([word.value_as("positions") for word in self._words], self._slop)

    def _find_next(self) -> bool:
        child = self.child
        moved = False
        while child.is_active() and not self._here():
            moved = bool(child.next()) or moved
        return moved

    def copy(self) -> PhraseMatcher:
        return self.__class__([word.copy() for word in self._words], self._slop)

    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else matching.NullMatcher()

    def next(self) -> bool:
        moved = bool(self.child.next())
        return self._find_next() or moved

    def skip_to(self, docnum: int) -> None:
        self.child.skip_to(docnum)
        self._find_next()

    def skip_to_quality(self, minquality: float) -> int:
        skipped = int(self.child.skip_to_quality(minquality))
        self._find_next()
        return skipped

    def all_ids(self) -> Any:
        while self.is_active():
            yield self.id()
            self.next()


class TopHits(TopCollector):  # type: ignore[misc]
    """Whoosh's top-N collector with the bar raised as soon as the page is full,
    and an honest account of whether every match was counted (``exact``)."""

    def __init__(self, limit: int = 10) -> None:
        # replace=0: Whoosh's matcher replacement drops the parts of an OR that could
        # not reach the page on their own, and so under-scores documents matching
        # several of them (tests/index/test_plan.py shows it); block skipping is kept.
        super().__init__(limit=limit, replace=0)

    def prepare(self, top_searcher: Any, q: Any, context: Any) -> None:
        super().prepare(top_searcher, q, context)
        self.exact = True

    def _collect(self, global_docnum: int, score: float) -> Any:
        key = super()._collect(global_docnum, score)
        if len(self.items) >= self.limit:
            self.minscore = self.items[0][0]
        return key

    def computes_count(self) -> bool:
        return bool(getattr(self, "exact", True))

    def matches(self) -> Any:
        """Whoosh's loop without matcher replacement, noting when a block skip may have
        passed over matching documents (the count is then not exact)."""
        minscore = self.minscore
        matcher: Any = self.matcher  # set by Collector.set_subsearcher
        usequality = self._use_block_quality()
        check = True
        while matcher.is_active():
            if self.minscore != minscore:
                minscore = self.minscore
                check = True
            if usequality and check and minscore:
                skipped = matcher.skip_to_quality(minscore)
                if skipped:
                    self.exact = False
                    self.skipped_times += skipped
                if not matcher.is_active():
                    break
            yield matcher.id()
            check = matcher.next()
