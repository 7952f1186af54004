"""Library: the article collection on a Whoosh index plus its SQLite store.

Built once from its storage and handed to whoever needs it (CLI, UI, tests):
``Library(storage, store)``; ``Library.open(paths)`` for a library home and
``Library.in_memory()`` for tests.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from datetime import datetime
from typing import Any, Literal

from whoosh import index as windex
from whoosh.filedb.filestore import RamStorage
from whoosh.index import Index
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from index.errors import QueryError, StorageError
from index.home.safewrite import abandon, clean_uncommitted, storage_error
from index.home.store import Store, StoredArticle
from index.models import Analysis, Article, Hit, Related, SearchResult
from index.paths import LibraryPaths
from index.search import bulk
from index.search.nodes import TopHits
from index.search.plan import plan
from index.search.query import QueryReader, query_terms
from index.search.related import related as find_related
from index.search.schema import build_schema, document
from index.search.snippets import snippet
from index.search.storage import (
    INDEX_NAME,
    WRITER_MB,
    bounded_merge,
    index_storage,
    remember_term_statistics,
)

SortOrder = Literal["relevance", "date"]
MAX_LIMIT = 1000


def _damaged_index(error: BaseException) -> str:
    reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return (
        f"cannot read the search index ({reason}). "
        "Run `newsreader recover` to rebuild it from the library database."
    )


class Library:
    """Articles on a Whoosh index (for search) and a SQLite store (for reading)."""

    def __init__(self, storage: Any, store: Store, *, now: datetime | None = None) -> None:
        self._storage = storage
        self._store = store
        self._lock = threading.RLock()
        self._index = self._open_index(storage)
        self._queries = QueryReader(self._index.schema, now=now)
        self._searcher: Searcher | None = None
        self._swept = False

    @classmethod
    def open(cls, paths: LibraryPaths, **kwargs: Any) -> Library:
        paths.ensure()
        return cls(index_storage(paths), Store.open(paths.database), **kwargs)

    @classmethod
    def in_memory(cls, **kwargs: Any) -> Library:
        return cls(RamStorage(), Store.in_memory(), **kwargs)

    @staticmethod
    def _open_index(storage: Any) -> Index:
        try:
            if windex.exists(storage, indexname=INDEX_NAME):
                return storage.open_index(indexname=INDEX_NAME)
            return storage.create_index(build_schema(), indexname=INDEX_NAME)
        except Exception as error:
            raise StorageError(_damaged_index(error)) from error

    @property
    def store(self) -> Store:
        return self._store

    @property
    def index(self) -> Index:
        return self._index

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            self._store.close()

    # Reading ----------------------------------------------------------------

    def searcher(self) -> Searcher:
        """A cached searcher, refreshed when another writer has committed."""
        with self._lock:
            if self._searcher is not None and not self._searcher.up_to_date():
                self._searcher.close()
                self._searcher = None
            if self._searcher is None:
                try:
                    self._index = self._index.refresh()
                    self._searcher = self._index.searcher()
                    remember_term_statistics(self._searcher.reader())
                except Exception as error:  # truncated or missing segment files
                    raise StorageError(_damaged_index(error)) from error
            return self._searcher

    def count(self) -> int:
        with self._lock:
            return int(self.searcher().doc_count())

    def article(self, article_id: str) -> StoredArticle | None:
        with self._lock:
            return self._store.article(article_id)

    def search(
        self,
        text: str,
        *,
        limit: int = 20,
        sort: SortOrder = "relevance",
        snippets: bool = True,
    ) -> SearchResult:
        """Ranked (or newest-first) hits for a query in the Whoosh query language."""
        if sort not in ("relevance", "date"):
            raise QueryError(f"unknown sort order {sort!r} (use relevance or date)")
        limit = max(1, min(limit, MAX_LIMIT))
        parsed = self._queries.parse(text)
        with self._lock:
            searcher = self.searcher()
            fast = plan(parsed, searcher.schema, searcher)
            page = bulk.top(searcher, fast, limit) if sort == "relevance" else None
            if page is not None:
                rows = [
                    (searcher.stored_fields(docnum), score, rank)
                    for rank, (score, docnum) in enumerate(page.hits)
                ]
                exact, total = page.exact, page.total
            else:
                if sort == "date":
                    results = searcher.search(fast, limit=limit, sortedby="published", reverse=True)
                else:
                    collector = TopHits(limit=limit)
                    searcher.search_with_collector(fast, collector)
                    results = collector.results()
                rows = [(hit.fields(), hit.score, hit.rank) for hit in results]
                exact = results.has_exact_length() or len(rows) < limit
                total = _total(results, len(rows), limit)
            terms = query_terms(fast, searcher.reader())
            bodies = self._store.bodies([f["id"] for f, _, _ in rows]) if snippets else {}
        analyzer = self._index.schema["body"].analyzer
        hits = []
        for fields, score, rank in rows:
            body = bodies.get(fields["id"], "")
            text_, spans = snippet(body, terms, analyzer) if snippets else ("", ())
            hits.append(
                Hit(
                    id=fields["id"],
                    title=fields.get("title", ""),
                    published=fields.get("published"),
                    source=fields.get("source", ""),
                    path=fields.get("path", ""),
                    url=fields.get("url", ""),
                    score=float(score) if score is not None else 0.0,
                    snippet=text_,
                    spans=spans,
                    rank=rank,
                )
            )
        return SearchResult(
            query=text,
            hits=tuple(hits),
            total=int(total),
            terms=tuple(sorted(terms)),
            exact=exact,
        )

    def recent(self, *, limit: int = 100, offset: int = 0) -> list[Hit]:
        """Articles newest first, without a query (the list pane's default).

        Read from the store's date index, not by sorting the search index: a
        page takes about a millisecond at any library size.
        """
        with self._lock:
            rows = self._store.recent(limit=max(0, limit), offset=max(0, offset))
        return [Hit.listed(row, rank=offset + number) for number, row in enumerate(rows)]

    def related(self, article_id: str, *, limit: int = 5) -> list[Related]:
        """Articles related to ``article_id`` (shared entities + more-like-this), with reasons."""
        stored = self._store.article(article_id)
        if stored is None:
            return []
        with self._lock:
            searcher = self.searcher()
            return find_related(
                searcher,
                article_id,
                stored.article.body,
                stored.analysis,
                limit=limit,
                bodies=self._store.bodies,
                title=stored.article.title,
            )

    def body_analyzer(self) -> Any:
        return self._index.schema["body"].analyzer

    # Writing ----------------------------------------------------------------

    def writer(self) -> IndexWriter:
        """A Whoosh writer; the first one in this process sweeps what killed writers left."""
        if not self._swept:
            self._sweep()
        try:
            return self._index.writer(limitmb=WRITER_MB)
        except windex.LockError as error:
            raise StorageError("the search index is locked by another writer") from error

    def _sweep(self) -> None:
        """Delete files the committed table of contents does not name (a temporary TOC,
        a half-written segment of a SIGKILLed ``add``), under Whoosh's write lock so that
        no live writer's files are taken for leftovers."""
        self._swept = True
        lock = self._storage.lock(f"{INDEX_NAME}_WRITELOCK")
        if not lock.acquire(False):
            return
        try:
            with suppress(Exception):
                clean_uncommitted(self._storage, INDEX_NAME)
        finally:
            lock.release()

    def put(
        self,
        items: Iterable[tuple[Article, Analysis]],
        *,
        is_new: Callable[[str], bool] | None = None,
    ) -> int:
        """Add or replace articles in one batch: index and store commit together.

        ``items`` is consumed lazily, each article indexed as it comes: an
        ingest streams its analysed articles in, so indexing overlaps with the
        workers that analyse the next ones instead of waiting for a whole batch.
        ``is_new(id)`` says an article is certainly not in the index yet: it is
        added without the look-up for an older copy in every segment, which at
        100,000 articles cost CPU and paged the whole term index into memory.
        """
        batch: list[tuple[Article, Analysis]] = []
        with self._lock:
            writer = self.writer()
            known = set(writer.schema.names())
            try:
                for article, analysis in items:
                    doc = document(article, analysis)
                    fields = {k: v for k, v in doc.items() if k in known}
                    if is_new is not None and is_new(article.id):
                        writer.add_document(**fields)
                    else:
                        writer.update_document(**fields)
                    batch.append((article, analysis))
                if not batch:
                    writer.cancel()
                    return 0
                with self._store.transaction():
                    for article, analysis in batch:
                        self._store.put_article(article, analysis)
                    writer.commit(mergetype=bounded_merge)
            except BaseException as error:
                self._failed_write(writer, error)
                raise
        return len(batch)

    def remove(self, ids: Sequence[str]) -> int:
        if not ids:
            return 0
        with self._lock:
            writer = self.writer()
            try:
                for article_id in ids:
                    writer.delete_by_term("id", article_id)
                with self._store.transaction():
                    self._store.delete_articles(ids)
                    writer.commit()
            except BaseException as error:
                self._failed_write(writer, error)
                raise
        return len(ids)

    def _failed_write(self, writer: IndexWriter, error: BaseException) -> None:
        """Leave no file of an uncommitted writer behind; say plainly if the disk is full."""
        if not writer.is_closed:
            abandon(writer)
        folder = getattr(self._storage, "folder", None)
        where = f"the library in {os.path.dirname(folder)}" if folder else "the library"
        full = storage_error(error, where)
        if full is not None:
            raise full from error


def _total(results: Any, shown: int, limit: int) -> int:
    """How many articles match: exact when Whoosh knows it or when the page was not full
    (a phrase query's estimate can be larger than what really matches)."""
    if results.has_exact_length() or shown < limit:
        return shown if shown < limit else len(results)
    return int(results.estimated_length())
