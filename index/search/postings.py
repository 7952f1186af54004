"""Reading a segment's postings in bulk: ids, weights and raw values a block at a time.

What :mod:`index.search.bulk` and :mod:`index.search.related` score from. Whoosh's
matchers hand out one posting per Python call; here a block's ids and weights
are taken whole from its block reader, long lists of common words stay decoded
(:class:`_PostingCache`), and field lengths come from the codec's one-byte
column.
"""

from __future__ import annotations

import mmap
import os
import threading
import time
import weakref
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from functools import lru_cache
from itertools import accumulate
from pickle import UnpicklingError, dumps, loads
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length, length_to_byte

from index.search.analyzers import OverlapPositions
from index.search.segment_cache import cache_file, remove_stale, segment_name


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
    if not values:
        side = _SIDECARS.of(reader)
        found = side.get(fieldname, btext) if side is not None else None
        if found is not None:
            ids, weights = found
            if deleted:
                keep = [i for i, doc in enumerate(ids) if doc not in deleted]
                return [ids[i] for i in keep], [weights[i] for i in keep], []
            return ids, weights, []
    return _whoosh_postings(reader, deleted, fieldname, btext, values=values)


def _whoosh_postings(
    reader: Any, deleted: set[int] | None, fieldname: str, btext: bytes, *, values: bool
) -> tuple[Any, Any, Any]:
    """A term's postings as Whoosh's codec stores them: a pickled block at a time."""
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
        self._held = 0
        """Postings held, over every reader's entries (readers that went took theirs)."""

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
            replaced = entries.get(key)
            entries[key] = entry
            entries.move_to_end(key)
            self._held += len(entry[0]) - (len(replaced[0]) if replaced is not None else 0)
            if self._held <= self.BUDGET:
                return
            # Over budget (or readers gone since): count afresh, then drop the oldest.
            total = sum(len(e[0]) for cached in self._readers.values() for e in cached.values())
            for cached in list(self._readers.values()):
                while total > self.BUDGET and cached:
                    _, dropped = cached.popitem(last=False)
                    total -= len(dropped[0])
            self._held = total


_CACHE = _PostingCache()


# Sidecars: ids and weights as flat arrays ----------------------------------------------------

SIDECAR_FIELDS = ("title", "body")
SIDECAR_MIN_DOCS = 2_000
"""Segments smaller than this are read from Whoosh's blocks: their lists are short."""
SIDECAR_MIN_POSTINGS = 32
"""Terms in fewer documents than this are left out of a sidecar (one block of Whoosh's)."""
SIDECAR_FORMAT = b"NRPOSTINGS1\n"
SIDECAR_RECHECK = 30.0
"""Seconds before a segment without a sidecar is looked for again (another process, or
this one's builder, may have written it meanwhile)."""


class Sidecar:
    """One segment's long posting lists as two flat arrays in a file of their own
    (document ids as unsigned 32-bit integers, weights as 32-bit floats, what Whoosh's
    blocks hold once unpickled), memory-mapped: a term's postings are two slices, no
    unpickling, no decompression, no delta decoding (Whoosh keeps each block's ids,
    weights and word positions in one pickle, so even a query that needs no positions
    unpickles them all: half of a common word's cost while typing)."""

    def __init__(self, path: str) -> None:
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        head = len(SIDECAR_FORMAT)
        if self._map[:head] != SIDECAR_FORMAT:
            self._map.close()
            raise ValueError("not a sidecar of this version")
        size = int.from_bytes(self._map[head : head + 8], "little")
        self._terms: dict[tuple[str, bytes], tuple[int, int]] = loads(
            self._map[head + 8 : head + 8 + size]
        )
        self._ids_at = _aligned(head + 8 + size)
        self._total = sum(count for _, count in self._terms.values())

    def get(self, fieldname: str, btext: bytes) -> tuple[list[int], list[float]] | None:
        """A term's ids and weights, as lists (what scoring iterates: an array would make
        a new int and float object for every posting, every time)."""
        found = self._terms.get((fieldname, btext))
        if found is None:
            return None
        start, count = found
        ids, weights = array("I"), array("f")
        at = self._ids_at + 4 * start
        ids.frombytes(self._map[at : at + 4 * count])
        at = self._ids_at + 4 * (self._total + start)
        weights.frombytes(self._map[at : at + 4 * count])
        return ids.tolist(), weights.tolist()


def _aligned(offset: int) -> int:
    return (offset + 3) // 4 * 4


def sidecar_path(reader: Any) -> str | None:
    """Where a segment's sidecar goes (the user's cache dir, as the forward tables)."""
    return cache_file(reader, "postings", f"{segment_name(reader)}-v1", ".bin")


def build_sidecar(reader: Any, path: str) -> bool:
    """Write a segment's sidecar (atomically; False when the cache dir cannot be)."""
    terms: dict[tuple[str, bytes], tuple[int, int]] = {}
    ids, weights = array("I"), array("f")
    for fieldname in SIDECAR_FIELDS:
        if fieldname not in reader.schema.names():
            continue
        for btext, info in reader.iter_field(fieldname):
            if info.doc_frequency() < SIDECAR_MIN_POSTINGS:
                continue
            found_ids, found_weights, _ = _whoosh_postings(
                reader, None, fieldname, btext, values=False
            )
            terms[(fieldname, btext)] = (len(ids), len(found_ids))
            ids.extend(found_ids)
            weights.extend(found_weights)
    directory = dumps(terms, protocol=5)
    head = SIDECAR_FORMAT + len(directory).to_bytes(8, "little") + directory
    head += b"\0" * (_aligned(len(head)) - len(head))
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(head)
            f.write(ids.tobytes())
            f.write(weights.tobytes())
        os.replace(tmp, path)
    except OSError:
        with suppress(OSError):
            os.unlink(tmp)
        return False
    return True


class _Sidecars:
    """Each segment reader's sidecar, opened once; its absence is looked for again after
    :data:`SIDECAR_RECHECK` seconds, or at once when this process has written one."""

    def __init__(self) -> None:
        self._readers: weakref.WeakKeyDictionary[Any, Sidecar | tuple[float, int]] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()
        self.written = 0

    def of(self, reader: Any) -> Sidecar | None:
        found = self._readers.get(reader)
        if isinstance(found, Sidecar):
            return found
        now = time.monotonic()
        if found is not None and found[1] == self.written and now - found[0] < SIDECAR_RECHECK:
            return None
        side = None
        if reader.doc_count_all() >= SIDECAR_MIN_DOCS:
            path = sidecar_path(reader)
            if path and os.path.exists(path):
                with suppress(OSError, ValueError, EOFError, UnpicklingError):
                    side = Sidecar(path)
        with self._lock:
            self._readers[reader] = side if side is not None else (now, self.written)
        return side


_SIDECARS = _Sidecars()


def sidecars_missing(searcher: Any) -> bool:
    """Whether a large segment of ``searcher`` has no sidecar yet."""
    for sub, _ in searcher.leaf_searchers():
        reader = sub.reader()
        if reader.doc_count_all() >= SIDECAR_MIN_DOCS:
            path = sidecar_path(reader)
            if path is not None and not os.path.exists(path):
                return True
    return False


def sidecars_written() -> None:
    """Another process wrote sidecars: look for the missing ones again at once."""
    _SIDECARS.written += 1


def remove_partial_sidecars(pid: int) -> None:
    """Delete the half-written sidecars of a builder process that was stopped."""
    from index.paths import cache_dir

    folder = cache_dir()
    if folder is None:
        return
    for path in (folder / "postings").glob(f"*.{pid}.tmp"):
        with suppress(OSError):
            path.unlink()


def build_sidecars(searcher: Any) -> list[str]:
    """Write the sidecar of every large segment of ``searcher`` that lacks one, delete
    those of segments that merges removed; the paths written."""
    written, live = [], []
    for sub, _ in searcher.leaf_searchers():
        reader = sub.reader()
        if reader.doc_count_all() < SIDECAR_MIN_DOCS:
            continue
        path = sidecar_path(reader)
        if path is None:
            continue
        live.append(path)
        if not os.path.exists(path) and build_sidecar(reader, path):
            written.append(path)
            _SIDECARS.written += 1
    remove_stale(live, ".bin")
    return written


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
