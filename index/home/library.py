"""Library: the article collection on a Whoosh index plus its SQLite store.

Built once from its storage and handed to whoever needs it (CLI, UI, tests):
``Library(storage, store)``; ``Library.open(paths)`` for a library home and
``Library.in_memory()`` for tests.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from contextlib import suppress
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal

from whoosh import index as windex
from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage
from whoosh.index import Index
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from index.errors import QueryError, StorageError
from index.home.marks import NO_MARKS, State
from index.home.safewrite import abandon, clean_uncommitted, storage_error
from index.home.store import Store, StoredArticle
from index.models import Analysis, Article, Hit, Related, SearchResult
from index.paths import LibraryPaths
from index.search import engine, fuzzy, lexicon
from index.search.deadline import deadline
from index.search.forward import docnums_of, ids_of
from index.search.plan import plan
from index.search.postings import remove_partial_sidecars, sidecars_missing, sidecars_written
from index.search.query import QueryReader
from index.search.related import related as find_related
from index.search.schema import TEXT_FIELDS, build_schema, document
from index.search.spans import HitFinder, hit_words
from index.search.storage import (
    INDEX_NAME,
    WRITER_MB,
    bounded_merge,
    index_storage,
    remember_term_statistics,
)
from index.search.typing import word_or_prefix

SortOrder = Literal["relevance", "date"]
MAX_LIMIT = 1000
MATCHING_KEPT = 32
"""Queries whose matching ids ``matching_ids`` keeps for the current searcher."""


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
        self._warming: subprocess.Popen[bytes] | None = None
        """The sidecar builder ``warm`` started, until the library closes."""
        self._shown: tuple[str, dict[str, tuple[str, tuple[tuple[int, int], ...]]]] = ("", {})
        self._matching: tuple[Searcher | None, dict[str, list[str]]] = (None, {})
        """The searcher, and the ids each query text matches in it (``matching_ids``)."""

    @classmethod
    def open(cls, paths: LibraryPaths, **kwargs: Any) -> Library:
        """The library of a home. A database with articles but no search index (``index/``
        deleted or moved) is refused: an empty index made in its place showed 0 articles
        and no search found anything, with no word of why."""
        paths.ensure()
        storage = index_storage(paths)
        store = Store.open(paths.database)
        if not windex.exists(storage, indexname=INDEX_NAME) and (count := store.article_count()):
            store.close()
            raise StorageError(
                f"the search index in {paths.index_dir} is missing ({count:,} articles are in "
                "the database). Run `newsreader recover` to rebuild it from the database."
            )
        return cls(storage, store, **kwargs)

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
            self._stop_warming()
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
                    self._shown = ("", {})
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

    def warm(self, *, wait: bool = False) -> None:
        """Build (or load from the cache) what searching as one types reads: each
        segment's short lists of prefixes (``index.search.lexicon``) and its words by first
        letter for fuzzy terms (``index.search.fuzzy``), here, a few seconds once for a
        large library; then, when its large segments lack their posting sidecars
        (``index.search.postings``), start ``python -m index.search.warm`` to write them:
        tens of seconds of Python, in a process of its own at a low priority (in this one
        it held the interpreter from the reader's UI thread), not waited for (searches go
        on from Whoosh's blocks and take the sidecars up as they appear; ``wait``: until
        they are written, as a benchmark wants)."""
        with self._lock:
            lexicon.warm(self.searcher(), TEXT_FIELDS)
            fuzzy.warm(self.searcher(), TEXT_FIELDS)
            missing = sidecars_missing(self.searcher())
            folder = getattr(self._storage, "folder", None)
            running = self._warming is not None and self._warming.poll() is None
            if missing and isinstance(folder, str) and not running:
                self._warming = subprocess.Popen(
                    [sys.executable, "-m", "index.search.warm", folder],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            child = self._warming
        if wait and child is not None:
            child.wait()
            sidecars_written()

    def _stop_warming(self) -> None:
        """Stop a sidecar builder still at work (the library closes), and remove the file
        it was writing."""
        child, self._warming = self._warming, None
        if child is None or child.poll() is not None:
            return
        child.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=5)
        remove_partial_sidecars(child.pid)

    def parse(self, text: str) -> wq.Query:
        """The query ``text`` stands for; QueryError with the reason if it is none."""
        return self._queries.parse(text)

    def search(
        self,
        text: str,
        *,
        limit: int = 20,
        sort: SortOrder = "relevance",
        snippets: bool = True,
        only: AbstractSet[str] | None = None,
        without: AbstractSet[str] | None = None,
        typed: bool = False,
    ) -> SearchResult:
        """Ranked (or newest-first) hits for a query in the Whoosh query language; with
        ``only`` among those articles, with ``without`` not among those (the ``is:``
        filters, as the home reads them from the database). With a filter, an empty
        ``text`` means every article. ``typed``: the text is ``as_typed``'s, whose
        ``(word OR word*)`` is the better of the two (``typing.word_or_prefix``)."""
        if sort not in ("relevance", "date"):
            raise QueryError(f"unknown sort order {sort!r} (use relevance or date)")
        limit = max(1, min(limit, MAX_LIMIT))
        filtered = only is not None or without is not None
        if only is not None and not only:  # nothing is starred (say): nothing can match
            return SearchResult(query=text, hits=(), total=0, terms=(), exact=True)
        with deadline():  # parse, plan and run stop with a QueryError past it (snippets don't)
            parsed = self._queries.parse(text) if text.strip() or not filtered else wq.Every()
            if typed:
                parsed = word_or_prefix(parsed)
            with self._lock:
                searcher = self.searcher()
                notes: list[str] = []
                fast = plan(parsed, searcher.schema, searcher, notes)
                allow = self.docnums(searcher, only) if only is not None else None
                restrict = self.docnums(searcher, without) if without else None
                page = engine.top(
                    searcher, fast, limit=limit, sort=sort, allow=allow, restrict=restrict
                )
                rows, total, exact = page.rows, page.total, page.exact
                origins = self._store.date_origins([f["id"] for f, _, _ in rows])
                if len(origins) < len(rows):  # indexed, not (yet) stored: never a hit
                    total -= len(rows) - len(origins)
                    rows = [row for row in rows if row[0]["id"] in origins]
                words = hit_words(fast, searcher.reader())
                shown = self._shown_for(text)
                new_ids = [f["id"] for f, _, _ in rows if f["id"] not in shown] if snippets else []
                texts = self._texts(new_ids, words.needs_analysis)
                marks = self._store.marks_of([f["id"] for f, _, _ in rows])
                schema = searcher.schema  # the index's own reads the newest TOC from disk,
                # which a writer in another process may just have replaced (FileNotFoundError)
        finder = HitFinder(words, schema)
        hits = []
        for fields, score, rank in rows:
            if snippets and fields["id"] not in shown:
                shown[fields["id"]] = finder.snippet(*texts.get(fields["id"], ("", None)))
            text_, spans = shown[fields["id"]] if snippets else ("", ())
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
                    date_origin=origins.get(fields["id"], "none"),
                    read=(mark := marks.get(fields["id"], NO_MARKS)).read,
                    starred=mark.starred,
                )
            )
        return SearchResult(
            query=text,
            hits=tuple(hits),
            total=int(total),
            terms=tuple(sorted(words.terms)),
            exact=exact,
            notes=tuple(notes),
        )

    def docnums(self, searcher: Searcher, ids: AbstractSet[str]) -> set[int]:
        """Document numbers of ``ids``, kept while the searcher and the set are the same
        objects (the store hands out one frozen set per state until the database changes)."""
        cache: list[tuple[Searcher, object, set[int]]] = self.__dict__.setdefault("_sets", [])
        for seen, kept, docnums in cache:
            if seen is searcher and kept is ids:
                return docnums
        docnums = docnums_of(searcher, ids)
        if isinstance(ids, frozenset):
            cache.insert(0, (searcher, ids, docnums))
            del cache[4:]
        return docnums

    def matching_ids(
        self,
        text: str,
        *,
        only: AbstractSet[str] | None = None,
        without: AbstractSet[str] | None = None,
    ) -> list[str]:
        """Every article a query matches (no page, no ranking), for marking a whole view;
        an empty ``text`` with filters means every article they allow."""
        if only is not None and not only:
            return []
        parsed = self._queries.parse(text) if text.strip() else wq.Every()
        with self._lock:
            searcher = self.searcher()
            # Kept per searcher (one per index state): the sources pane counts every saved
            # search each time it is redrawn, and marks do not change what a query matches.
            if self._matching[0] is not searcher:
                self._matching = (searcher, {})
            kept = self._matching[1]
            ids = kept.get(text)
            if ids is None:
                fast = plan(parsed, searcher.schema, searcher)
                ids = list(dict.fromkeys(ids_of(searcher, searcher.docs_for_query(fast))))
                if len(kept) >= MATCHING_KEPT:
                    kept.pop(next(iter(kept)))
                kept[text] = ids
        if only is None and not without:
            return list(ids)
        return [i for i in ids if (only is None or i in only) and i not in (without or ())]

    def _shown_for(self, text: str) -> dict[str, tuple[str, tuple[tuple[int, int], ...]]]:
        """The snippets already made for the query ``text`` since the index last changed.

        The reader asks again for the same query with a larger limit as the list scrolls
        (40, 80, ... 1,000 hits): only the new hits' snippets are made. That matters most
        for entity and ``mentioned:`` queries, whose snippets read each hit's stored
        analysis (about half a millisecond per hit at 20,000 articles).
        """
        if self._shown[0] != text:
            self._shown = (text, {})
        return self._shown[1]

    def _texts(self, ids: list[str], with_analysis: bool) -> dict[str, tuple[str, Analysis | None]]:
        """Bodies for snippets, with their analyses when the query asks for entities or
        mentioned dates (the snippet then shows the mention)."""
        if not with_analysis:
            return {i: (body, None) for i, body in self._store.bodies(ids).items()}
        found = (self._store.article(i) for i in ids)
        return {s.article.id: (s.article.body, s.analysis) for s in found if s is not None}

    def hit_spans(
        self, body: str, text: str, analysis: Analysis | None = None
    ) -> list[tuple[int, int]]:
        """Where the query ``text`` hits ``body``, by the rules of the search's snippets
        (``index.search.spans``): phrases whole, words one by one, entity and
        ``mentioned:`` clauses at their mentions in ``analysis``. A query that does not
        parse hits nothing (the search has said why)."""
        if not text.strip():
            return []
        try:
            parsed = self._queries.parse(text)
        except QueryError:
            return []
        with self._lock:
            searcher = self.searcher()
            words = hit_words(plan(parsed, searcher.schema, searcher), searcher.reader())
            schema = searcher.schema
        return HitFinder(words, schema).spans(body, analysis)

    def recent(self, *, limit: int = 100, offset: int = 0, state: State | None = None) -> list[Hit]:
        """Articles newest first, without a query (the list pane's default).

        Read from the store's date index, not by sorting the search index: a
        page takes about a millisecond at any library size.
        """
        with self._lock:
            rows = self._store.recent(limit=max(0, limit), offset=max(0, offset), state=state)
            marks = self._store.marks_of([row.id for row in rows])
        return [
            replace(
                Hit.listed(row, rank=offset + number),
                read=(mark := marks.get(row.id, NO_MARKS)).read,
                starred=mark.starred,
            )
            for number, row in enumerate(rows)
        ]

    def related(self, article_id: str, *, limit: int = 5) -> list[Related]:
        """Articles related to ``article_id`` (shared entities + more-like-this), with reasons."""
        stored = self._store.article(article_id)
        if stored is None:
            return []
        with self._lock:
            searcher = self.searcher()
            found = find_related(
                searcher,
                article_id,
                stored.article.body,
                stored.analysis,
                limit=limit,
                bodies=self._store.bodies,
                title=stored.article.title,
            )
            stored_ids = self._store.date_origins([item.id for item in found])
        return [item for item in found if item.id in stored_ids]  # never one it cannot open

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
        """Add or replace articles in one batch: index and store commit together; returns
        how many articles (distinct ids) were written.

        ``items`` is consumed lazily, each article indexed as it comes: an
        ingest streams its analysed articles in, so indexing overlaps with the
        workers that analyse the next ones instead of waiting for a whole batch.
        ``is_new(id)`` says an article is certainly not in the index yet: it is
        added without the look-up for an older copy in every segment, which at
        100,000 articles cost CPU and paged the whole term index into memory.

        One id is one document: Whoosh's ``update_document`` replaces only
        committed copies, so an id given twice in one batch would be indexed
        twice. A repeat is held back instead, and the batch is committed with
        the first copy; the later copies are then put as updates of it (the
        later copy wins). A verbatim repeat is dropped.
        """
        later: dict[str, tuple[Article, Analysis]] = {}
        written = self._put_batch(items, is_new, later)
        while later:
            again, later = list(later.values()), {}
            written |= self._put_batch(again, None, later)
        return len(written)

    def _put_batch(
        self,
        items: Iterable[tuple[Article, Analysis]],
        is_new: Callable[[str], bool] | None,
        later: dict[str, tuple[Article, Analysis]],
    ) -> set[str]:
        """One commit of ``items``; a repeated id goes to ``later`` (unless verbatim)."""
        batch: dict[str, tuple[Article, Analysis]] = {}
        with self._lock:
            writer = self.writer()
            known = set(writer.schema.names())
            try:
                for article, analysis in items:
                    first = batch.get(article.id)
                    if first is not None:
                        if first != (article, analysis):
                            later[article.id] = (article, analysis)
                        continue
                    doc = document(article, analysis)
                    fields = {k: v for k, v in doc.items() if k in known}
                    if is_new is not None and is_new(article.id):
                        writer.add_document(**fields)
                    else:
                        writer.update_document(**fields)
                    batch[article.id] = (article, analysis)
                if not batch:
                    abandon(writer)  # cancel() leaves the empty segment's files behind
                    return set()
                self._commit_with_store(writer, list(batch.values()))
            except BaseException as error:
                self._failed_write(writer, error)
                raise
        return set(batch)

    def _commit_with_store(
        self, writer: IndexWriter, items: list[tuple[Article, Analysis]]
    ) -> None:
        """Commit the index, then the store, holding the store's write lock only at the end.

        Whoosh's commit writes the new segment (seconds, for thousands of
        articles) and then its table of contents, the one step that makes the
        segment part of the index. Only that step runs inside the store's
        transaction, after the articles are written in it: a ``bookmarks add``
        meanwhile waited for the whole segment to be written (17.7 s), and a
        kill at any moment still leaves the index no further behind the store
        than before. A failure before the table of contents is written leaves
        the index as it was (the caller abandons the writer).
        """
        write_contents = writer._commit_toc

        def store_then_contents(segments: list[Any]) -> None:
            with self._store.transaction():
                for article, analysis in items:
                    self._store.put_article(article, analysis)
                write_contents(segments)

        writer._commit_toc = store_then_contents
        writer.commit(mergetype=bounded_merge)

    def remove(self, ids: Sequence[str], *, also: Callable[[Store], object] | None = None) -> int:
        """Delete articles from index and store; ``also(store)`` runs in the same store
        transaction (an ingest's file records and carriers, so that what a file carries
        and what the library holds never disagree after a kill)."""
        if not ids:
            if also is not None:
                with self._lock, self._store.transaction():
                    also(self._store)
            return 0
        with self._lock:
            writer = self.writer()
            try:
                for article_id in ids:
                    writer.delete_by_term("id", article_id)
                with self._store.transaction():
                    self._store.delete_articles(ids)
                    if also is not None:
                        also(self._store)
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
