"""Counting a view: its top entities, its timeline, what appears with an entity.

A view is the set of articles a query matches (or the whole library). Its
documents come from :func:`index.search.bulk.matching` (posting blocks, not a
matcher walk; Whoosh's own matcher for the query shapes it does not know) and are
counted against the per-segment forward tables of :mod:`index.search.forward`.
Everything here speaks in entity keys ("person:antony blinken", as the ``entity``
field stores them) and global document numbers; turning keys back into display
names and document numbers into articles is the caller's business.
"""

from __future__ import annotations

import heapq
from array import array
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import chain
from typing import Any

from whoosh import query as wq

from index.models import Bucket, Timeline
from index.search import bulk
from index.search.forward import MEMORY_TABLES, NO_DAY, Table, segments, table_name
from index.search.postings import postings_of
from index.search.schema import ENTITY_FIELDS, EPOCH
from index.search.segment_cache import Recent

LABEL_OF_PREFIX = {field: label for label, field in ENTITY_FIELDS.items()}
"""Key prefix ("person") -> entity label ("PERSON")."""
DAY_SPAN = 92
WEEK_SPAN = 2 * 366
MONTH_SPAN = 15 * 366
"""The widest span (in days) charted per day, per week, per month; wider is per year."""


@dataclass(slots=True)
class View:
    """A view's documents, segment by segment (each segment's own numbers)."""

    parts: list[tuple[Any, int, Table, Any]]
    """``(segment reader, offset, table, local document numbers)``."""

    @property
    def total(self) -> int:
        return sum(len(docs) for _, _, _, docs in self.parts)

    def global_docs(self) -> list[int]:
        return [offset + d for _, offset, _, docs in self.parts for d in docs]


def view(
    searcher: Any,
    query: wq.Query | None,
    *,
    allow: AbstractSet[int] | None = None,
    restrict: AbstractSet[int] | None = None,
) -> View:
    """The documents of ``query`` (already planned), or of the whole library for ``None``;
    with ``allow`` only those global document numbers, with ``restrict`` none of those
    (the ``is:``, ``feed:`` and ``tag:`` filters)."""
    whole = _unfiltered(searcher, query)
    if allow is None and not restrict:
        return whole
    parts = []
    for reader, offset, table, docs in whole.parts:
        kept = [
            d
            for d in docs
            if (allow is None or offset + d in allow) and not (restrict and offset + d in restrict)
        ]
        parts.append((reader, offset, table, kept))
    return View(parts)


def _unfiltered(searcher: Any, query: wq.Query | None) -> View:
    tables = segments(searcher)
    if query is None:
        parts = []
        for reader, offset, table in tables:
            if reader.has_deletions():
                deleted = reader.deleted_docs_set
                docs: Any = [d for d in range(reader.doc_count_all()) if d not in deleted]
            else:
                docs = range(reader.doc_count_all())
            parts.append((reader, offset, table, docs))
        return View(parts)
    found = bulk.matching(searcher, query)
    if found is None:  # a shape the bulk evaluator does not know: Whoosh's matcher
        found = [list(query.docs(sub)) for sub, _ in searcher.leaf_searchers()]
    return View([(r, o, t, docs) for (r, o, t), docs in zip(tables, found, strict=True)])


def entity_view(searcher: Any, key: str) -> View:
    """The documents that hold entity ``key``."""
    parts = []
    btext = key.encode("utf-8")
    for reader, offset, table in segments(searcher):
        docs: list[int] = []
        if ("entity", btext) in reader:
            deleted = reader.deleted_docs_set if reader.has_deletions() else None
            docs = list(postings_of(reader, deleted, "entity", btext, values=False)[0])
        parts.append((reader, offset, table, docs))
    return View(parts)


def counts(v: View, *, whole: bool = False) -> Counter[str]:
    """Articles per entity key in the view (``whole``: the view is the library, so each
    segment's totals serve instead of a count)."""
    if not whole:
        return Counter(
            chain.from_iterable(
                chain.from_iterable(map(table.docs.__getitem__, docs))
                for _, _, table, docs in v.parts
            )
        )
    total: Counter[str] = Counter()
    for reader, _, table, _ in v.parts:
        deleted = reader.deleted_docs_set if reader.has_deletions() else None
        total.update(table.all_counts(deleted))
    return total


def _order(item: tuple[str, int]) -> tuple[int, str]:
    """Most articles first, then by key: the same order every time."""
    return -item[1], item[0]


def top_by_label(counted: Counter[str], limit: int) -> dict[str, list[tuple[str, int]]]:
    """The ``limit`` most frequent keys of each label, most articles first (ties: by key).

    The few hundred most frequent keys of any label nearly always hold every label's
    top (found by ``most_common``, a C-level heap; then every key tied with the last
    of them, so the order of ties never depends on the count's order); only when they
    do not is the whole count sorted."""
    by_label: dict[str, list[tuple[str, int]]] = {label: [] for label in ENTITY_FIELDS}
    shortlist = counted.most_common(limit * 40)
    if len(shortlist) < len(counted):
        bar = shortlist[-1][1]
        ranked = sorted(((k, c) for k, c in counted.items() if c >= bar), key=_order)
    else:
        ranked = sorted(shortlist, key=_order)
    for attempt in (ranked, None):
        if attempt is None:
            ranked = sorted(counted.items(), key=_order)
        for items in by_label.values():
            items.clear()
        for key, count in ranked:
            label = LABEL_OF_PREFIX.get(key.partition(":")[0])
            if label is not None and len(by_label[label]) < limit:
                by_label[label].append((key, count))
        if all(len(items) == limit for items in by_label.values()) or len(ranked) == len(counted):
            break
    return by_label


THRESHOLD_VIEW = 5_000
"""Views of more documents than this find their top entities by :func:`top_in_view`."""
MAX_CANDIDATES = 2_000
"""Past this many keys counted one by one, :func:`top_in_view` gives up (a count of the
whole view is then the cheaper way)."""

_HOLDERS: Recent[str, dict[str, array[int]]] = Recent(MEMORY_TABLES)
"""Segment name -> entity key -> the segment's documents that hold it."""


def holders(reader: Any, table: Table) -> dict[str, array[int]]:
    """The table turned around: each entity key's documents in the segment (built from
    the forward table, once per segment, kept beside it)."""
    name = table_name(reader)
    found = _HOLDERS.get(name)
    if found is None:
        lists: dict[str, list[int]] = {}
        for doc, keys in enumerate(table.docs):
            for key in keys:
                lists.setdefault(key, []).append(doc)
        found = {key: array("i", dict.fromkeys(docs)) for key, docs in lists.items()}
        _HOLDERS.put(name, found)
    return found


def top_in_view(
    v: View, ranked: dict[str, list[tuple[str, int]]], limit: int
) -> dict[str, list[tuple[str, int]]] | None:
    """The ``limit`` most frequent keys of each label in a large view, without counting
    every key of every document: ``ranked`` holds each label's keys by their count in the
    whole library, most first, and no key is in more of the view's articles than of the
    library's. So keys are counted one by one (the view's documents that hold them, a
    set intersection in C) until a label's ``limit``-th count beats the library count
    of the next key: no key after it can enter. The same tops as :func:`top_by_label`
    over :func:`counts`, ties by key. ``None`` for a small view, or when too many keys
    had to be counted (then count the view)."""
    if v.total <= THRESHOLD_VIEW:
        return None
    parts = [(set(docs), holders(reader, table)) for reader, _, table, docs in v.parts if docs]
    return _tops_by_threshold(parts, ranked, limit)


def _tops_by_threshold(
    parts: list[tuple[set[int], dict[str, Any]]],
    ranked: dict[str, list[tuple[str, int]]],
    limit: int,
) -> dict[str, list[tuple[str, int]]] | None:
    """:func:`top_in_view`'s walk over ``(the view's documents, key -> holders)`` of
    each segment."""
    tried = 0
    by_label: dict[str, list[tuple[str, int]]] = {}
    for label, candidates in ranked.items():
        found: list[tuple[str, int]] = []
        bar = 0
        for key, in_library in candidates:
            if len(found) >= limit and in_library < bar:
                break
            tried += 1
            if tried > MAX_CANDIDATES:
                return None
            count = 0
            for docs, held in parts:
                holding = held.get(key)
                if holding is not None:
                    count += len(docs.intersection(holding))
            if count and (len(found) < limit or count >= bar):
                found.append((key, count))
                found.sort(key=_order)
                del found[limit:]
                if len(found) >= limit:
                    bar = found[-1][1]
        by_label[label] = found
    return by_label


def ranked_by_label(counted: Counter[str]) -> dict[str, list[tuple[str, int]]]:
    """Each label's keys, most articles first (ties by key): ``top_in_view``'s order."""
    by_label: dict[str, list[tuple[str, int]]] = {label: [] for label in ENTITY_FIELDS}
    for key, count in sorted(counted.items(), key=_order):
        label = LABEL_OF_PREFIX.get(key.partition(":")[0])
        if label is not None and count > 0:
            by_label[label].append((key, count))
    return by_label


def top(counted: Counter[str], limit: int, *, without: str = "") -> list[tuple[str, int]]:
    """The ``limit`` most frequent keys of any label, ``without`` one."""
    items = ((k, c) for k, c in counted.items() if k != without and ":" in k)
    return heapq.nsmallest(limit, items, key=_order)


def latest(v: View, limit: int) -> list[int]:
    """Global numbers of the view's newest documents (undated ones last)."""
    candidates = ((table.days[d], offset + d) for _, offset, table, docs in v.parts for d in docs)
    return [doc for _, doc in heapq.nlargest(limit, candidates)]


# Timelines ----------------------------------------------------------------------------------


def choose_bucket(first: int, last: int) -> Bucket:
    span = last - first
    if span <= DAY_SPAN:
        return "day"
    if span <= WEEK_SPAN:
        return "week"
    return "month" if span <= MONTH_SPAN else "year"


@lru_cache(maxsize=65_536)
def bucket_start(day: int, bucket: Bucket) -> date:
    value = EPOCH + timedelta(days=day)
    if bucket == "day":
        return value
    if bucket == "week":
        return value - timedelta(days=value.weekday())
    if bucket == "month":
        return value.replace(day=1)
    return value.replace(month=1, day=1)


def _next_start(start: date, bucket: Bucket) -> date:
    if bucket == "day":
        return start + timedelta(days=1)
    if bucket == "week":
        return start + timedelta(days=7)
    if bucket == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def timeline(v: View, bucket: Bucket | None = None) -> Timeline:
    """The view's timeline, bucketed by its span unless ``bucket`` is given; mentioned
    dates outside the published span are left out (a history's "1945" would stretch
    the chart past the news)."""
    published: Counter[int] = Counter()
    mentioned: Counter[int] = Counter()
    for _, _, table, docs in v.parts:
        whole = isinstance(docs, range) and len(docs) == len(table.days)
        published.update(table.days if whole else map(table.days.__getitem__, docs))
        rows = table.mentioned if whole else map(table.mentioned.__getitem__, docs)
        mentioned.update(chain.from_iterable(rows))
    undated = published.pop(NO_DAY, 0)
    if not published:
        return Timeline(bucket or "day", (), (), (), undated)
    first, last = min(published), max(published)
    chosen = bucket or choose_bucket(first, last)
    starts: list[date] = []
    start, end = bucket_start(first, chosen), bucket_start(last, chosen)
    while start <= end:
        starts.append(start)
        start = _next_start(start, chosen)
    index = {s: n for n, s in enumerate(starts)}
    pub = [0] * len(starts)
    men = [0] * len(starts)
    starts_of: dict[int, date] = {}
    for series, counter in ((pub, published), (men, mentioned)):
        for day, count in counter.items():
            if not first <= day <= last:
                continue
            begins = starts_of.get(day)
            if begins is None:
                begins = starts_of[day] = bucket_start(day, chosen)
            series[index[begins]] += count
    return Timeline(chosen, tuple(starts), tuple(pub), tuple(men), undated)
