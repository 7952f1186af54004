"""Which evaluator answers a query: the block-at-a-time path, or Whoosh's own.

:func:`top` is the fork that ``Library.search`` used to hold: relevance pages
the bulk evaluator (:mod:`index.search.bulk`) can answer come from it, date
sorts and query shapes it does not know go to Whoosh's collector
(:class:`index.search.nodes.TopHits`). Either way the caller gets one page
type, each article once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from whoosh import query as wq
from whoosh.collectors import FilterCollector

from index.search import bulk
from index.search.deadline import DeadlineCollector
from index.search.nodes import TopHits

Row = tuple[Any, Any, int]
"""A hit's stored fields, its score and its rank."""


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Row]
    total: int
    exact: bool
    """False when ``total`` is an upper bound (blocks that could not reach the page were
    skipped without counting their matches)."""


def top(
    searcher: Any,
    query: wq.Query,
    *,
    limit: int,
    sort: Literal["relevance", "date"],
    allow: set[int] | None = None,
    restrict: set[int] | None = None,
) -> Page:
    """The ``limit`` best (or newest) hits of a planned query, each article once; with
    ``allow`` only those documents, with ``restrict`` none of those (``is:`` filters,
    as document numbers)."""
    filtered = allow is not None or restrict is not None
    page = None
    if sort == "relevance":
        page = bulk.top(searcher, query, limit, allow=allow, restrict=restrict)
    if page is not None:
        rows = [
            (searcher.stored_fields(docnum), score, rank)
            for rank, (score, docnum) in enumerate(page.hits)
        ]
        exact, total = page.exact, page.total
    else:
        if sort == "date":
            collector: Any = searcher.collector(limit=limit, sortedby="published", reverse=True)
        else:
            collector = TopHits(limit=limit)
        # The filter outside the deadline: a FilterCollector filters in its own walk of the
        # matches, which the deadline collector's walk (inside it) times.
        outer: Any = DeadlineCollector(collector)
        if filtered:
            outer = FilterCollector(outer, allow=allow, restrict=restrict)
        searcher.search_with_collector(query, outer)
        results = outer.results()
        rows = [(hit.fields(), hit.score, hit.rank) for hit in results]
        exact = results.has_exact_length() or len(rows) < limit
        total = _total(results, len(rows), limit)
    unique = _first_of_each_id(rows)
    total = max(len(unique), int(total) - (len(rows) - len(unique)))
    return Page(unique, total, exact)


def _first_of_each_id(rows: list[Row]) -> list[Row]:
    """Hits with each article once, ranked again: a library written before one id was one
    document (until ``add`` or ``recover`` repairs it) can hold two documents for an id."""
    seen: set[str] = set()
    kept: list[Row] = []
    for fields, score, _ in rows:
        if fields["id"] not in seen:
            seen.add(fields["id"])
            kept.append((fields, score, len(kept)))
    return kept


def _total(results: Any, shown: int, limit: int) -> int:
    """How many articles match: exact when Whoosh knows it or when the page was not full
    (a phrase query's estimate can be larger than what really matches)."""
    if results.has_exact_length() or shown < limit:
        return shown if shown < limit else len(results)
    return int(results.estimated_length())
