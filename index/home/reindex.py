"""An index written by an older newsreader is rebuilt from the store when the library opens.

The index holds what its schema's analyzers made of each article (``SCHEMA_VERSION`` in
:mod:`index.search.schema`); a query is read through the same analyzers. When those change
(version 2 folds accents and cuts CJK text into pairs), an old index would still answer,
but miss what only the new analysis finds ("北京" inside "我在北京工作"). So the library
home rebuilds it, once, from the SQLite store, which holds every article and its analysis.

The rebuild is one Whoosh commit of a writer given the new schema, dropping the old
segments: until it commits, the old index is the index (readers go on using it), and a
rebuild killed half-way leaves it whole and still old, to be rebuilt at the next open.
The caller holds the library's write lock.
"""

from __future__ import annotations

from collections.abc import Callable

from whoosh import index as windex
from whoosh.writing import CLEAR

from index.home.library import Library
from index.paths import LibraryPaths
from index.search.schema import SCHEMA_VERSION, build_schema, document, schema_version
from index.search.storage import INDEX_NAME, index_storage

RebuildCallback = Callable[[int, int], None]
"""Called with (articles indexed so far, articles in all) as a rebuild goes."""

PROGRESS_EVERY = 500


def is_stale(library: Library) -> bool:
    """Whether the library's index was written under another schema version."""
    return schema_version(library.index.schema) != SCHEMA_VERSION


def needs_rebuild(paths: LibraryPaths) -> bool:
    """Whether the home's index is stale, from its table of contents alone (no store, no
    lock): what an opening app asks first. A missing index is not stale (it is created
    new); a damaged one is not either (opening it says so, and ``recover`` rebuilds it)."""
    try:
        storage = index_storage(paths)
        if not windex.exists(storage, indexname=INDEX_NAME):
            return False
        index = storage.open_index(indexname=INDEX_NAME)
        return schema_version(index.schema) != SCHEMA_VERSION
    except Exception:  # damage is for Library.open and recover to report
        return False


def rebuild_if_stale(paths: LibraryPaths, on_progress: RebuildCallback | None = None) -> int | None:
    """Rebuild the index of ``paths`` from its store if it is stale; how many articles
    were indexed, or ``None`` if it was current (another process may have rebuilt it
    while this one waited for the lock)."""
    library = Library.open(paths)
    try:
        if not is_stale(library):
            return None
        return rebuild(library, on_progress)
    finally:
        library.close()


def rebuild(library: Library, on_progress: RebuildCallback | None = None) -> int:
    """Index every stored article again under the current schema, in one commit."""
    store = library.store
    ids = store.article_ids()
    total = len(ids)
    if on_progress is not None:
        on_progress(0, total)
    writer = library.writer()
    try:
        writer.schema = build_schema()
        known = set(writer.schema.names())
        for done, article_id in enumerate(ids, start=1):
            stored = store.article(article_id)
            if stored is not None:
                fields = document(stored.article, stored.analysis)
                writer.add_document(**{k: v for k, v in fields.items() if k in known})
            if on_progress is not None and done % PROGRESS_EVERY == 0:
                on_progress(done, total)
        writer.commit(mergetype=CLEAR)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    if on_progress is not None:
        on_progress(total, total)
    return total
