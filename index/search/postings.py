"""Reading a segment's postings in bulk: ids, weights and raw values a block at a time.

What :mod:`index.search.bulk` and :mod:`index.search.related` score from. Whoosh's
matchers hand out one posting per Python call; here a block's ids and weights
are taken whole from its block reader, long lists of common words stay decoded
(:class:`_PostingCache`), and field lengths come from the codec's one-byte
column.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from functools import lru_cache
from itertools import accumulate
from pickle import loads
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length, length_to_byte

from index.search.analyzers import OverlapPositions


def term_postings(
    searcher: Any, fieldname: str, text: str
) -> Iterator[tuple[int, Any, Any, bytes]]:
    """A term's postings a segment at a time: ``(offset, ids, weights, lengths)``, where
    ``lengths[id]`` is the document's field-length byte (``byte_to_length`` decodes it)."""
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        btext = reader.schema[fieldname].to_bytes(text)
        if (fieldname, btext) not in reader:
            continue
        deleted = reader.deleted_docs_set if reader.has_deletions() else None
        ids, weights, _ = postings_of(reader, deleted, fieldname, btext, values=False)
        yield offset, ids, weights, field_lengths(reader, fieldname)


_LENGTHS: weakref.WeakKeyDictionary[Any, dict[str, bytes]] = weakref.WeakKeyDictionary()


def postings_of(
    reader: Any, deleted: set[int] | None, fieldname: str, btext: bytes, *, values: bool
) -> tuple[Any, Any, Any]:
    """All of a term's document ids and weights (and raw values), deleted ones left out.

    Long posting lists are remembered (see :class:`_PostingCache`): decoding them
    is most of a common word's cost, and the same words come back query after
    query, keystroke after keystroke.
    """
    cache = _CACHE.of(reader)
    key = (fieldname, btext)
    cached: tuple[Any, Any, Any] | None = cache.get(key)
    if cached is not None and (cached[2] or not values):
        with suppress(KeyError):  # dropped by another thread meanwhile: still valid
            cache.move_to_end(key)
        return cached
    found = _read_postings(reader, deleted, fieldname, btext, values=values)
    _CACHE.remember(reader, key, found)
    return found


def _read_postings(
    reader: Any, deleted: set[int] | None, fieldname: str, btext: bytes, *, values: bool
) -> tuple[Any, Any, Any]:
    matcher = reader.postings(fieldname, btext)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    ids: list[int] = []
    weights: list[float] = []
    raw: list[bytes] = []
    if all(hasattr(matcher, a) for a in ("_read_ids", "_read_weights", "_next_block")):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            if values:
                matcher._read_values()
                raw.extend(matcher._values)
            matcher._next_block()
    else:  # another codec: one posting at a time
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if values:
                raw.append(matcher.value())
            matcher.next()
    if deleted:
        keep = [i for i, doc in enumerate(ids) if doc not in deleted]
        ids = [ids[i] for i in keep]
        weights = [weights[i] for i in keep]
        raw = [raw[i] for i in keep] if values else raw
    return ids, weights, raw


def field_lengths(reader: Any, fieldname: str) -> bytes:
    """The segment's field-length bytes, one per document, read once per reader."""
    cache = _LENGTHS.setdefault(reader, {})
    found = cache.get(fieldname)
    if found is None:
        count = reader.doc_count_all()
        found = _length_column(reader, fieldname)
        if found is None:
            found = bytes(
                length_to_byte(reader.doc_field_length(doc, fieldname, 0)) for doc in range(count)
            )
        found = found.ljust(count + 1, b"\0")
        cache[fieldname] = found
    return found


class _PostingCache:
    """Decoded posting lists of common words, least recently used first out.

    Per segment reader (a reader never changes; a new searcher brings new readers and
    the old ones' entries go with them), bounded in all to ``BUDGET`` postings:
    about 30 MB. Lists shorter than ``SHORTEST`` are cheap to read and not kept.
    """

    BUDGET = 300_000
    SHORTEST = 1_000

    def __init__(self) -> None:
        self._readers: weakref.WeakKeyDictionary[Any, OrderedDict[Any, Any]] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def of(self, reader: Any) -> OrderedDict[Any, Any]:
        with self._lock:
            found = self._readers.get(reader)
            if found is None:
                found = self._readers[reader] = OrderedDict()
            return found

    def remember(self, reader: Any, key: Any, entry: tuple[Any, Any, Any]) -> None:
        if len(entry[0]) < self.SHORTEST:
            return
        with self._lock:
            entries = self._readers.setdefault(reader, OrderedDict())
            entries[key] = entry
            entries.move_to_end(key)
            total = sum(len(e[0]) for cached in self._readers.values() for e in cached.values())
            for cached in list(self._readers.values()):
                while total > self.BUDGET and cached:
                    _, dropped = cached.popitem(last=False)
                    total -= len(dropped[0])


_CACHE = _PostingCache()


@lru_cache(maxsize=64)
def norms(k1: float, b: float, average: float) -> list[float]:
    """BM25's length part for each of the 256 length bytes (per field, per library state)."""
    return [k1 * ((1 - b) + b * byte_to_length(n or 1) / average) for n in range(256)]


def _length_column(reader: Any, fieldname: str) -> bytes | None:
    """The raw one-byte-per-document length column of Whoosh's codec, if it is that."""
    try:
        column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        if column is None or column._fixedlen != 1:
            return None
        return bytes(column._dbfile.get(column._basepos, column._count))
    except Exception:  # another codec or column layout: read document by document
        return None


def position_decoder(format_: Any) -> Callable[[bytes], Iterable[int]]:
    """Positions from a posting's value: Whoosh's ``Positions`` layout (a count, then
    the pickled gaps) decoded with C-level pickle and accumulate; any other format
    through its own decoder."""
    if type(format_) not in (Positions, OverlapPositions):
        return format_.decode_positions  # type: ignore[no-any-return]

    def decode(value: bytes) -> Iterable[int]:
        if not value.endswith(b"."):
            value += b"."
        return accumulate(loads(value[_INT_SIZE:]))

    return decode
