"""A forward index per segment: each document's entity keys and days, for counting views.

Facets, timelines and co-occurrence count what a *set* of documents holds, and the
inverted index answers the other question: reading every entity term's postings
costs a Whoosh matcher per term (tens of thousands at 100,000 articles, seconds),
and reading 30,000 documents' stored fields costs a second. So each segment gets a
table, built once from its stored fields (the ``entity`` keys and ``published``)
and the ``mentioned`` postings: per document a tuple of its entity keys, its
publication day and the days it mentions. Counting a view is then one C-level
``Counter`` over the tuples of its documents.

A segment never changes once written (deletions live beside it), so its table is
kept for good: in memory by segment id, and in a pickle in the user's cache dir
(``NEWSREADER_CACHE_DIR``; the gazetteer's precedent), named by the index folder,
the segment id and its size, so the next process loads it in milliseconds. Tables
of segments that merges removed are deleted when a new one is written.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from sys import intern
from typing import Any

from index.paths import read_cached, write_cached
from index.search.postings import postings_of
from index.search.schema import day_number
from index.search.segment_cache import (
    Recent,
    cache_file,
    remove_stale,
    segment_name,
)

FORMAT = 3
"""Bump when ``Table`` changes shape, so old pickles are not read (3: ``ids``)."""
NO_DAY = -(2**31)
"""``days`` of a document without a publication date (or a deleted one)."""
table_name = segment_name
"""A segment's name across processes (what its cached files are named by)."""
MEMORY_TABLES = 64
"""Segment tables kept in memory (a library has at most a few dozen segments)."""


@dataclass(slots=True)
class Table:
    """One segment's forward index (document numbers are the segment's own).

    A document's entities are its keys themselves, interned: one string object per key
    across all segments, whose hash is cached and whose equality is identity, so
    counting keys costs what counting ordinals would (a third less than equal strings
    that are different objects), and counts from several segments merge without
    translating ordinals."""

    docs: list[tuple[str, ...]]
    """Document -> its entity keys as the ``entity`` field stores them
    ("person:antony blinken")."""
    days: array[int]
    """Document -> publication day (days since 1970-01-01) or ``NO_DAY``."""
    mentioned: list[tuple[int, ...]]
    """Document -> the days its text mentions."""
    ids: list[str] = field(default_factory=list)
    """Document -> its article id (what ``is:`` filters are given, from the database)."""
    totals: Counter[str] | None = None
    """Articles per key over the whole segment, deleted ones included (lazily)."""

    def counts(self, docs: Any) -> Counter[str]:
        """Articles per entity key among ``docs``."""
        return Counter(chain.from_iterable(map(self.docs.__getitem__, docs)))

    def all_counts(self, deleted: set[int] | frozenset[int] | None) -> Counter[str]:
        """Articles per entity key over the live documents: the segment's totals,
        computed once, less what its deleted documents held."""
        if self.totals is None:
            self.totals = Counter(chain.from_iterable(self.docs))
        if not deleted:
            return self.totals
        counts = Counter(self.totals)
        counts.subtract(self.counts(d for d in deleted if d < len(self.docs)))
        return +counts


_MEMORY: Recent[str, Table] = Recent(MEMORY_TABLES)
"""Segment name -> its table."""


def segments(searcher: Any) -> list[tuple[Any, int, Table]]:
    """``(segment reader, offset, table)`` for each segment of ``searcher``."""
    out = []
    wrote = False
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        table, built = table_of(reader)
        wrote = wrote or built
        out.append((reader, offset, table))
    if wrote:
        _remove_stale([reader for reader, _, _ in out])
    return out


def docnums_of(searcher: Any, ids: AbstractSet[str]) -> set[int]:
    """The index's document numbers of the articles ``ids`` (deleted ones included: a
    matcher never yields those), one pass over each segment's id column."""
    found: set[int] = set()
    if not ids:
        return found
    for _, offset, table in segments(searcher):
        found.update(offset + local for local, key in enumerate(table.ids) if key in ids)
    return found


def ids_of(searcher: Any, docnums: Any) -> list[str]:
    """The article ids of document numbers (as a matcher yields them), in their order."""
    spans = [
        (offset, offset + len(table.ids), table.ids) for _, offset, table in segments(searcher)
    ]
    found: list[str] = []
    for docnum in docnums:
        for start, end, ids in spans:
            if start <= docnum < end:
                if ids[docnum - start]:
                    found.append(ids[docnum - start])
                break
    return found


def table_of(reader: Any) -> tuple[Table, bool]:
    """The table of one segment reader (from memory, the disk cache, or built), and
    whether it was built now."""
    name = table_name(reader)
    table = _MEMORY.get(name)
    if table is not None:
        return table, False
    path = _cache_path(reader, name)
    table = _read(path) if path else None
    built = table is None
    if table is None:
        table = build(reader)
        if path:
            _write(path, table)
    _MEMORY.put(name, table)
    return table, built


def build(reader: Any) -> Table:
    """Read a segment's stored fields and ``mentioned`` postings into a table."""
    count = reader.doc_count_all()
    docs: list[tuple[str, ...]] = [()] * count
    days = array("i", [NO_DAY]) * count
    ids = [""] * count
    for docnum, stored in reader.iter_docs():
        ids[docnum] = stored.get("id") or ""
        raw = stored.get("entity") or ""
        docs[docnum] = tuple(intern(key) for key in raw.split(",") if key)
        published = stored.get("published")
        if isinstance(published, datetime):
            days[docnum] = day_number(published.date())
        elif isinstance(published, date):
            days[docnum] = day_number(published)
    return Table(docs, days, _mentioned(reader, count), ids)


def _mentioned(reader: Any, count: int) -> list[tuple[int, ...]]:
    """Document -> mentioned days, from the ``mentioned`` field's terms (one per day)."""
    schema = reader.schema
    if "mentioned" not in schema.names():
        return [()] * count
    field_ = schema["mentioned"]
    per_doc: list[list[int]] = [[] for _ in range(count)]
    for btext in list(reader.lexicon("mentioned")):
        try:
            value = field_.from_bytes(btext)
        except Exception:  # not a date term: nothing to count
            continue
        if not isinstance(value, datetime):
            continue
        day = day_number(value.date())
        ids, _, _ = postings_of(reader, None, "mentioned", btext, values=False)
        for doc in ids:
            per_doc[doc].append(day)
    return [tuple(days) for days in per_doc]


# The disk cache ------------------------------------------------------------------------------


def _cache_path(reader: Any, name: str) -> str | None:
    """Where the pickle goes; ``None`` for an index in memory or with caching off."""
    return cache_file(reader, "forward", f"{name}-v{FORMAT}")


def _read(path: str) -> Table | None:
    try:
        version, keys, rows, days, mentioned, ids = read_cached(path)
        if version != FORMAT:
            return None
        keys = [intern(key) for key in keys]
        docs = [tuple(map(keys.__getitem__, row)) for row in rows]
        return Table(docs, array("i", days), mentioned, ids)
    except Exception:  # absent, partial or from another version: build instead
        return None


def _write(path: str, table: Table) -> None:
    """Write atomically; a read-only or full cache dir just means no disk cache.

    Rows are written as ordinals into the segment's key list: reading them back then
    interns each key once instead of hashing every occurrence."""
    ordinal: dict[str, int] = {}
    rows = [tuple(ordinal.setdefault(key, len(ordinal)) for key in row) for row in table.docs]
    write_cached(
        path, (FORMAT, list(ordinal), rows, table.days.tobytes(), table.mentioned, table.ids)
    )


def _remove_stale(readers: list[Any]) -> None:
    """Delete the cached tables of this index's segments that merges removed."""
    remove_stale(p for p in (_cache_path(r, table_name(r)) for r in readers) if p)
