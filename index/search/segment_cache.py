"""What is built once per index segment and kept: in memory and in the user's cache dir.

A segment never changes once written (deletions live beside it), so anything
derived from it alone (the forward tables of :mod:`index.search.forward`, the
prefix short lists of :mod:`index.search.lexicon`) is built once and kept: in
memory by segment, least recently used out, and in a pickle in the user's cache
dir (``NEWSREADER_CACHE_DIR``), named by the index folder, the segment id and
its size, so the next process loads it in milliseconds. Files of segments that
merges removed are deleted when the live ones are known.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """At most ``size`` values, the least recently used out first; thread-safe."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def kept(
    memory: Recent[tuple[str, str], V],
    reader: Any,
    fieldname: str,
    path: str | None,
    version: int,
    build: Callable[[Any, str], V],
) -> V:
    """What ``build`` derives from one segment's ``fieldname``: from ``memory``, else from
    the cache file at ``path`` (written as ``(version, value)``), else built and kept in
    both."""
    from index.paths import read_cached, write_cached

    key = (segment_name(reader), fieldname)
    found = memory.get(key)
    if found is not None:
        return found
    loaded = read_cached(path) if path else None
    if isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == version:
        found = loaded[1]
    else:
        found = build(reader, fieldname)
        if path:
            write_cached(path, (version, found))
    memory.put(key, found)
    return found


def warm_all(
    searcher: Any,
    fieldnames: Iterable[str],
    load: Callable[[Any, str], object],
    path_of: Callable[[Any, str], str | None],
) -> None:
    """``load`` every segment's value of each field (built, or read from the cache), then
    delete the cache files of this index's segments that merges removed."""
    fields = tuple(fieldnames)
    live = []
    for sub, _ in searcher.leaf_searchers():
        reader = sub.reader()
        for fieldname in fields:
            load(reader, fieldname)
            path = path_of(reader, fieldname)
            if path:
                live.append(path)
    remove_stale(live)


def index_folder(reader: Any) -> str | None:
    """The index folder of a segment reader (compound segments sit in an overlay over
    it); ``None`` for an index in memory."""
    storage = reader.storage()
    for candidate in (storage, getattr(storage, "b", None)):
        folder = getattr(candidate, "folder", None)
        if isinstance(folder, str) and folder:
            return folder
    return None


def segment_name(reader: Any) -> str:
    """The segment's name across processes: its index folder, its id and its size."""
    segment = reader.segment()
    folder = index_folder(reader) or f"memory-{id(reader.storage())}"
    digest = hashlib.sha256(os.path.realpath(folder).encode()).hexdigest()[:12]
    return f"{digest}-{segment.segment_id()}-{segment.doc_count_all()}"


def cache_file(reader: Any, kind: str, name: str, suffix: str = ".pickle") -> str | None:
    """Where a pickle of ``kind`` named ``name`` goes (``name`` starts with the segment's
    name; written and read with ``index.paths.write_cached``/``read_cached``; another
    ``suffix`` for a file of another layout); ``None`` for an index in memory or with
    caching off."""
    from index.paths import cache_dir

    folder = cache_dir()
    if folder is None or index_folder(reader) is None:
        return None
    return os.path.join(folder, kind, f"{name}{suffix}")


def remove_stale(live: Iterable[str], suffix: str = ".pickle") -> None:
    """Delete the files beside ``live`` (one kind, one index) that are not among them:
    those of segments that merges removed."""
    paths = list(live)
    if not paths:
        return
    folder = os.path.dirname(paths[0])
    names = {os.path.basename(p) for p in paths}
    index_prefix = os.path.basename(paths[0]).split("-", 1)[0] + "-"
    with contextlib.suppress(OSError):
        for entry in os.listdir(folder):
            if entry.startswith(index_prefix) and entry.endswith(suffix) and entry not in names:
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, entry))
