"""LibraryHome: the one owner of a library home's rules.

The CLI and the reader call this and nothing below it for anything that
writes, or that must be true whoever asks: what ``add`` means (take the write
lock, ingest, re-anchor the bookmarks of every article whose text changed),
which bookmarks an article shows (re-anchored against its current text first,
orphans apart), that a bookmark is only stored on the text it was made on, and
what ``recover`` does (under the lock, with the library closed). Reading calls
(search, an article, related items) are passed through so that a caller needs
this one object.

Not thread-safe by itself: SQLite connections belong to the thread that opened
them, so the reader makes every call from its one library thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from index.bookmarks.store import BookmarkStore
from index.errors import NewsreaderError, StorageError
from index.feeds import FetchPolicy, RefreshReport, Subscription, SubscriptionStore
from index.feeds.database import now as feeds_now
from index.feeds.refresh import ProgressCallback as FeedProgress
from index.feeds.refresh import due_now
from index.home import overview
from index.home.ingest import IngestReport, ProgressCallback, ingest
from index.home.library import Library, SortOrder
from index.home.locking import WriteLock
from index.home.recovery import RecoveryReport, reconcile, recover
from index.home.store import StoredArticle
from index.home.subscribing import FeedRow, Feeds, ImportReport, Subscribed
from index.models import (
    Analysis,
    Bookmark,
    BookmarkStatus,
    EntityPage,
    Facets,
    Hit,
    Related,
    SearchResult,
)
from index.paths import LibraryPaths

Range = tuple[int, int]
WaitCallback = Callable[[int | None], None]
ExportFormat = Literal["markdown", "json"]


@dataclass(frozen=True, slots=True)
class ArticleBookmarks:
    """An article's bookmarks as checked against the text it has now."""

    content_hash: str
    """The version of the article they were checked against."""
    shown: tuple[Bookmark, ...]
    """Anchored or moved: their offsets point into that text, in reading order."""
    orphaned: tuple[Bookmark, ...]
    """Their passage is no longer in the text (kept, with the quote)."""

    @property
    def ranges(self) -> list[Range]:
        return [(bookmark.start, bookmark.end) for bookmark in self.shown]


class StaleTextError(NewsreaderError):
    """A bookmark was asked for on a version of an article that is no longer the stored one."""


class LibraryHome:
    """One library home: its library, bookmarks and write lock, opened on first use."""

    def __init__(self, paths: LibraryPaths, *, tagger: str | None = "rules") -> None:
        self.paths = paths
        self.tagger = tagger
        self._library: Library | None = None
        self._bookmarks: BookmarkStore | None = None

    # Opening and closing ------------------------------------------------------------

    @property
    def library(self) -> Library:
        if self._library is None:
            self._library = Library.open(self.paths.ensure())
            self._reconcile(self._library)
        return self._library

    def _reconcile(self, library: Library) -> None:
        """Remove what a killed ``add`` left in the index without its article (a search
        hit that ``show`` could not open), if no writer is at work: two counts when
        index and store agree. A live writer's own commit window is covered by the
        search, which lists only stored articles."""
        try:
            if library.count() <= library.store.article_count():
                return
        except StorageError:
            return  # a damaged index: the command that reads it says so
        lock = self.write_lock()
        if not lock.try_acquire():
            return
        try:
            reconcile(library)
        except StorageError:
            pass  # e.g. a full disk: reading still works, hits are still checked
        finally:
            lock.release()

    @property
    def bookmarks(self) -> BookmarkStore:
        if self._bookmarks is None:
            self._bookmarks = BookmarkStore(self.paths.ensure().database, self.library.store)
        return self._bookmarks

    def write_lock(self) -> WriteLock:
        return WriteLock(self.paths.ensure().lock)

    def close(self) -> None:
        self._close_feeds()
        if self._bookmarks is not None:
            self._bookmarks.close()
            self._bookmarks = None
        if self._library is not None:
            self._library.close()
            self._library = None

    # Writing articles ---------------------------------------------------------------

    def add(
        self,
        paths: Iterable[str | Path],
        *,
        prune: bool = False,
        jobs: int | None = None,
        on_progress: ProgressCallback | None = None,
        on_wait: WaitCallback | None = None,
    ) -> IngestReport:
        """Add files and folders under the write lock; the bookmarks of every article whose
        text changed are re-anchored in the same run."""
        bookmarks = self.bookmarks
        lock = self.write_lock()
        lock.acquire(on_wait=on_wait)
        try:
            return ingest(
                self.library,
                list(paths),
                prune=prune,
                tagger=self.tagger,
                jobs=jobs,
                on_progress=on_progress,
                on_changed=bookmarks.reanchor,
            )
        finally:
            lock.release()

    def recover(self) -> RecoveryReport:
        """Check the home and repair it (see :mod:`index.home.recovery`), under the write
        lock and with this home's own connections closed first."""
        lock = self.write_lock()
        lock.acquire(timeout=0)
        try:
            self.close()
            report = recover(self.paths)
            if report.reread:  # the articles lost with a damaged page, from their files
                ingest(self.library, report.reread, tagger=self.tagger)
                stored = self.library.store.content_hashes(report.lost_ids)
                report.articles_reread = len(stored)
                self.close()
            return report
        finally:
            lock.release()

    # Reading articles ---------------------------------------------------------------

    def count(self) -> int:
        return self.library.count()

    def article(self, article_id: str) -> StoredArticle | None:
        return self.library.article(article_id)

    def search(
        self, text: str, *, limit: int = 20, sort: SortOrder = "relevance", snippets: bool = True
    ) -> SearchResult:
        return self.library.search(text, limit=limit, sort=sort, snippets=snippets)

    def recent(self, *, limit: int = 100, offset: int = 0) -> list[Hit]:
        return self.library.recent(limit=limit, offset=offset)

    def related(self, article_id: str, *, limit: int = 5) -> list[Related]:
        return self.library.related(article_id, limit=limit)

    def hits_in(self, body: str, query: str, *, analysis: Analysis | None = None) -> list[Range]:
        """Where ``query`` hits ``body``: phrases as whole spans, other terms word by word,
        entity and ``mentioned:`` clauses at their mentions in ``analysis`` (the body's)."""
        return self.library.hit_spans(body, query, analysis)

    def articles_from(self, paths: Iterable[str | Path], *, limit: int) -> list[Hit]:
        """Articles read from files under ``paths`` (to show them after adding), newest first."""
        roots = [str(Path(path).expanduser().resolve()) for path in paths]
        ids: list[str] = []
        for record in self.library.store.files():
            if any(record.path == root or record.path.startswith(root + "/") for root in roots):
                ids.extend(i for i in record.article_ids if i not in ids)
        found = (self.library.article(i) for i in ids[:limit])
        hits = [Hit.listed(stored.article) for stored in found if stored is not None]
        return sorted(
            hits, key=lambda h: h.published.isoformat() if h.published else "", reverse=True
        )

    # Bookmarks ----------------------------------------------------------------------

    def reading(self, article_id: str) -> tuple[StoredArticle, ArticleBookmarks] | None:
        """An article and the bookmarks it shows, both of the same version of its text."""
        stored = self.library.article(article_id)
        if stored is None:
            return None
        return stored, self._checked_bookmarks(stored)

    def bookmarks_in(self, article_id: str) -> ArticleBookmarks:
        """The bookmarks an article shows, re-anchored first if its text changed since
        they were checked."""
        return self._checked_bookmarks(self._article(article_id))

    def _checked_bookmarks(self, stored: StoredArticle) -> ArticleBookmarks:
        article_id = stored.article.id
        self.bookmarks.reanchor(stored.article)
        found = self.bookmarks.for_article(article_id)
        return ArticleBookmarks(
            content_hash=stored.article.content_hash,
            shown=tuple(b for b in found if b.status != "orphaned"),
            orphaned=tuple(b for b in found if b.status == "orphaned"),
        )

    def add_bookmark(
        self,
        article_id: str,
        start: int,
        end: int,
        *,
        content_hash: str,
        note: str = "",
        tags: Iterable[str] = (),
    ) -> Bookmark:
        """Bookmark ``[start, end)`` of the article's text, measured on the version
        ``content_hash``; refused when the stored text is another version."""
        stored = self._article(article_id)
        if stored.article.content_hash != content_hash:
            raise StaleTextError(
                f"article {article_id} changed since it was shown (it was updated on disk);"
                " it has been reloaded: select the passage again"
            )
        return self.bookmarks.add(stored.article, start, end, note=note, tags=tags)

    def add_bookmark_quote(
        self, article_id: str, quote: str, *, note: str = "", tags: Iterable[str] = ()
    ) -> Bookmark:
        """Bookmark the first place ``quote`` appears in the article's current text."""
        stored = self._article(article_id)
        return self.bookmarks.add_quote(stored.article, quote, note=note, tags=tags)

    def list_bookmarks(
        self,
        *,
        tag: str | None = None,
        text: str | None = None,
        status: BookmarkStatus | None = None,
    ) -> list[Bookmark]:
        """Bookmarks newest first, each checked against its article's current text."""
        self.bookmarks.sync()
        return self.bookmarks.list(tag=tag, text=text, status=status)

    def bookmark(self, id_or_prefix: str) -> Bookmark:
        return self.bookmarks.resolve(id_or_prefix)

    def update_bookmark(
        self, bookmark_id: str, *, note: str | None = None, tags: Iterable[str] | None = None
    ) -> Bookmark:
        return self.bookmarks.update(bookmark_id, note=note, tags=tags)

    def delete_bookmark(self, bookmark_id: str) -> bool:
        return self.bookmarks.delete(bookmark_id)

    def export_bookmarks(self, form: ExportFormat) -> tuple[str | dict[str, Any], int]:
        """Every bookmark (checked first) as Markdown text or a Web Annotation collection,
        and how many there are."""
        self.bookmarks.sync()
        count = self.bookmarks.count()
        if form == "json":
            return self.bookmarks.export_json(), count
        return self.bookmarks.export_markdown(), count

    def import_bookmarks(self, data: Any) -> int:
        """Import an export in one transaction, then anchor what was imported."""
        written = self.bookmarks.import_json(data)
        self.bookmarks.sync()
        return written

    def _article(self, article_id: str) -> StoredArticle:
        stored = self.library.article(article_id)
        if stored is None:
            raise NewsreaderError(f"no article with id {article_id!r} (ids are shown by search)")
        return stored

    # Feeds (see index.home.subscribing; the fetching is index.feeds') ------------------

    @property
    def feeds(self) -> Feeds:
        found: Feeds | None = getattr(self, "_feeds", None)
        if found is None:
            store = SubscriptionStore(self.paths.ensure().database)
            found = Feeds(self.library, store, tagger=self.tagger,
                          on_changed=self.bookmarks.reanchor)  # fmt: skip
            self._feeds = found
        return found

    def _close_feeds(self) -> None:
        found: Feeds | None = getattr(self, "_feeds", None)
        if found is not None:
            found.subscriptions.close()
            del self._feeds

    def subscribe(
        self,
        addresses: Iterable[str],
        *,
        folder: str = "",
        policy: FetchPolicy | None = None,
        on_progress: FeedProgress | None = None,
        on_wait: WaitCallback | None = None,
    ) -> tuple[list[Subscribed], RefreshReport]:
        """Subscribe to feeds (or pages naming one), storing their first fetch's entries,
        under the write lock."""
        with self._locked(on_wait):
            return self.feeds.subscribe(addresses, folder=folder, policy=policy,
                                        on_progress=on_progress)  # fmt: skip

    def import_opml(self, path: str | Path) -> ImportReport:
        return self.feeds.import_opml(Path(path))

    def export_opml(self) -> tuple[bytes, int]:
        return self.feeds.export_opml()

    def list_feeds(self) -> list[FeedRow]:
        return self.feeds.rows()

    def unsubscribe(
        self, name: str, *, delete_articles: bool = False
    ) -> tuple[Subscription, int, int]:
        """Remove a subscription; its articles too if asked, but never a bookmarked one."""
        bookmarked = {b.article_id for b in self.bookmarks.list()} if delete_articles else set()
        with self._locked(None):
            return self.feeds.remove(name, delete_articles=delete_articles,
                                     keep=bookmarked.__contains__)  # fmt: skip

    def set_full_text(self, name: str, on: bool) -> Subscription:
        return self.feeds.set_full_text(name, on)

    def refresh(
        self,
        names: Sequence[str] = (),
        *,
        force: bool = True,
        policy: FetchPolicy | None = None,
        clock: Callable[[], datetime] = feeds_now,
        on_progress: FeedProgress | None = None,
        on_stored: Callable[[list[str]], object] | None = None,
        on_wait: WaitCallback | None = None,
    ) -> RefreshReport:
        """Fetch the feeds (all, or those named; by hand every one, ``force=False`` only
        the due ones) and store their entries, under the write lock. Blocks on the
        network: a UI calls it from a worker (a home of its own, on that thread), and is
        told how far it got (``on_progress``, after each feed) and which new articles
        each commit added (``on_stored``, their ids), so it can list them as they come."""
        with self._locked(on_wait):
            return self.feeds.refresh(names, force=force, policy=policy, clock=clock,
                                      on_progress=on_progress, on_stored=on_stored)  # fmt: skip

    def feeds_due(self, *, clock: Callable[[], datetime] = feeds_now) -> int:
        """How many feeds a scheduled refresh would fetch now (no lock, no network): an
        open reader asks this on a timer and refreshes in the background only when > 0."""
        return len(due_now(self.feeds.subscriptions, clock()))

    @contextmanager
    def _locked(self, on_wait: WaitCallback | None) -> Iterator[None]:
        lock = self.write_lock()
        lock.acquire(on_wait=on_wait)
        try:
            yield
        finally:
            lock.release()

    # The library at a glance (issue 14): counted in index.search.facets, named in
    # index.home.overview.

    def facets(self, query: str | None = None, limit: int = 10) -> Facets:
        """Top people, organisations, places and groups of a view (a query, or the
        whole library for ``None``), with article counts and the view's timeline."""
        return overview.facets(self.library, query, limit)

    def entity(self, name_or_key: str, *, limit: int = 10) -> EntityPage:
        """The page of one entity: names, count, timeline, company, latest articles."""
        return overview.entity(self.library, name_or_key, limit=limit)
