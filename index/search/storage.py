"""Where the Whoosh index lives and how it grows: storage, writer memory, merge policy.

The index of a library home is memory-mapped and read in place (see
:mod:`index.search.mmap`); segments are merged only when they pile up.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader
from whoosh.writing import IndexWriter

from index.paths import LibraryPaths
from index.search import mmap

mmap.install()

INDEX_NAME = "articles"
"""The Whoosh index name inside a library home's index folder."""


def index_storage(paths: LibraryPaths) -> FileStorage:
    """The Whoosh storage of a library home: memory-mapped, read in place.

    See :mod:`index.search.mmap`: stock Whoosh copies every mapped file when
    a searcher opens (1.2 GB and 480 ms at 100,000 articles); with the fix,
    opening costs tens of milliseconds and a few MB, and term look-ups stay as
    fast as with the copy.
    """
    return FileStorage(str(paths.index_dir), supports_mmap=True)


WRITER_MB = 64
"""Whoosh's posting pool before it spills to disk (it counts bytes, Python objects
take about three times that): bounds the memory of a 10,000-article batch."""

MAX_SEGMENTS = 24
"""Index segments tolerated before the smallest are merged (see :func:`bounded_merge`)."""
MERGE_DOWN_TO = 16


def bounded_merge(writer: IndexWriter, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: merge only when segments pile up, and then the smallest.

    Whoosh's default (MERGE_SMALL) merges erratically at scale: with 1,000-article
    batches it re-merges everything every ~18 commits (a 100,000-article ingest
    merged 0.85 articles per article, each merge costing as much CPU as indexing
    the articles anew). Here a bulk ingest of 10,000-article batches merges
    nothing up to 240,000 articles, while many small ``add`` runs (tiny
    segments) are folded together cheaply once there are more than
    ``MAX_SEGMENTS``.
    """
    if len(segments) <= MAX_SEGMENTS:
        return segments
    ordered = sorted(segments, key=lambda segment: segment.doc_count_all())
    merged = ordered[: len(segments) - MERGE_DOWN_TO + 1]
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return ordered[len(merged) :]


TERM_STATISTICS = 100_000
"""Term frequencies remembered per searcher (a few MB)."""


def remember_term_statistics(reader: Any) -> None:
    """Cache a reader's per-term frequencies: its segments never change, and related
    items ask for the same common words article after article, each a hash look-up in
    every segment (20 at 100,000 articles)."""
    for name in ("frequency", "doc_frequency"):
        method = getattr(reader, name, None)
        if method is not None:
            setattr(reader, name, lru_cache(maxsize=TERM_STATISTICS)(method))
