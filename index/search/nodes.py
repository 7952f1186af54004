"""The query nodes the plan rewrites into, and the collector that runs them in Whoosh.

:class:`Blended` (one typed term's words, one idf), :class:`DayRange` (whole days
from the hidden ``day`` field), :class:`FastPhrase` (positions checked with set
look-ups) and :class:`TopHits` (a top-N collector whose bar rises as soon as the
page is full). :mod:`index.search.plan` builds them; :mod:`index.search.bulk`
answers them a posting block at a time, Whoosh's matchers otherwise.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import Any

from whoosh import matching
from whoosh import query as wq
from whoosh.collectors import TopCollector
from whoosh.matching import binary
from whoosh.query.terms import Term
from whoosh.util import make_binary_tree
from whoosh.util.numeric import tiered_ranges

from index.search import deadline


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
        seen = 0
        while matcher.is_active():
            seen += 1
            if seen % deadline.CHECK_EVERY == 0:
                deadline.check()
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
