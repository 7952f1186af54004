"""The main screen's workers: every library call, off the UI thread.

Each method starts a thread worker (exclusive within its group, so a newer
request cancels an older one) that calls the library through the app's
``Backend`` and posts the answer to the screen as a message. A cancelled
worker posts nothing; the screen also drops answers that are no longer current.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.worker import Worker, WorkerState, get_current_worker

from index.errors import NewsreaderError, QueryError
from index.models import Hit, Progress, SearchResult
from reader.hits import article_hits
from reader.screens.messages import (
    ArticleLoaded,
    ArticleMissing,
    BookmarksFound,
    CountLoaded,
    HitsFound,
    IngestDone,
    IngestProgress,
    PageLoaded,
    RelatedLoaded,
    SearchDone,
    SearchFailed,
)

if TYPE_CHECKING:
    from index.home.library import Library
    from reader.app import NewsReaderApp

PAGE = 100
"""Rows per page of the newest-first list."""
SEARCH_PAGE = 40
"""Hits per search page: rows with snippets cost more to lay out, and typing must stay fluid."""
MAX_HITS = 1000
RELATED_LIMIT = 6
SHOWN_AFTER_ADD = 500


def _cancelled() -> bool:
    return get_current_worker().is_cancelled


class Jobs:
    """Mixin for the main screen: starts workers that post messages to it."""

    if TYPE_CHECKING:
        app: NewsReaderApp

        def post_message(self, message: Any) -> bool: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A library call that failed (disk, corrupt index...) is said, never a crash."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            text = str(error) if isinstance(error, NewsreaderError) else repr(error)
            self.notify(text, title="Library error", severity="error", timeout=10)

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call ``library.<name>`` on the library thread."""
        services = self.app.services

        def call() -> Any:
            library: Library = services.library
            return getattr(library, name)(*args, **kwargs)

        return self.app.backend.call(call)

    @property
    def app_config(self) -> Any:
        return self.app.config

    def start(self) -> None:
        self._startup()

    @work(thread=True, exclusive=True, group="startup", exit_on_error=False)
    def _startup(self) -> None:
        paths = list(self.app.paths_to_add)
        try:
            count = self._call("count")
        except NewsreaderError as error:
            self.post_message(IngestDone(None, str(error), ()))
            return
        if paths:
            self._ingest(paths, show=True)
        elif count == 0:
            self._ingest([str(path) for path in self.app.seed_paths()], show=False)
        else:
            self.post_message(CountLoaded(count))
            self._page(0)

    def load_page(self, offset: int) -> None:
        self._load_page(offset)

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def _load_page(self, offset: int) -> None:
        self._page(offset)

    def _page(self, offset: int) -> None:
        hits = self._call("recent", limit=PAGE, offset=offset)
        if not _cancelled():
            self.post_message(PageLoaded(hits, offset, more=len(hits) == PAGE))

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def search(self, query: str, sort: str, limit: int) -> None:
        try:
            result = self._call("search", query, limit=limit, sort=sort)
        except QueryError as error:
            if not _cancelled():
                self.post_message(SearchFailed(query, str(error)))
            return
        if _cancelled():
            return
        result = self._with_snippet_spans(result)
        more = result.total > len(result.hits) and limit < MAX_HITS
        self.post_message(SearchDone(query, sort, result, more))

    def _with_snippet_spans(self, result: SearchResult) -> SearchResult:
        """Mark hits in snippets the core returned without spans (same rules as the article)."""
        if all(hit.spans or not hit.snippet for hit in result.hits):
            return result
        analyzer = self._call("body_analyzer")
        hits = tuple(
            hit
            if hit.spans or not hit.snippet
            else replace(
                hit,
                spans=tuple(article_hits(hit.snippet, result.query, result.terms, analyzer)),
            )
            for hit in result.hits
        )
        return replace(result, hits=hits)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def load_article(
        self,
        article_id: str,
        terms: Sequence[str],
        query: str,
        scroll_y: float | None,
        passage: tuple[int, int] | None,
    ) -> None:
        stored = self._call("article", article_id)
        if stored is None:
            self.post_message(ArticleMissing(article_id))
            return
        hits = self._spans(stored.article.body, terms, query)
        bookmarks = self._bookmarks(article_id)
        if not _cancelled():
            self.post_message(ArticleLoaded(stored, hits, scroll_y, passage, bookmarks))

    def _spans(self, body: str, terms: Sequence[str], query: str) -> list[tuple[int, int]]:
        if not query.strip():
            return []
        analyzer = self._call("body_analyzer")
        return article_hits(body, query, terms, analyzer)

    def _bookmarks(self, article_id: str) -> list[tuple[int, int]]:
        services = self.app.services
        try:
            found = self.app.backend.call(lambda: services.bookmarks.for_article(article_id))
        except (ImportError, NewsreaderError):
            return []
        return [(b.start, b.end) for b in found if b.status != "orphaned"]

    @work(thread=True, exclusive=True, group="hits", exit_on_error=False)
    def rehighlight(self, article_id: str, terms: Sequence[str], query: str) -> None:
        stored = self._call("article", article_id)
        if stored is not None and not _cancelled():
            spans = self._spans(stored.article.body, terms, query)
            self.post_message(HitsFound(article_id, spans))

    @work(thread=True, exclusive=True, group="bookmarks", exit_on_error=False)
    def reload_bookmarks(self, article_id: str) -> None:
        self.post_message(BookmarksFound(article_id, self._bookmarks(article_id)))

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def load_related(self, article_id: str) -> None:
        try:
            items = self._call("related", article_id, limit=RELATED_LIMIT)
        except AttributeError:  # a core without related items yet
            items = None
        if not _cancelled():
            self.post_message(RelatedLoaded(article_id, items))

    @work(thread=True, exclusive=True, group="count", exit_on_error=False)
    def count(self) -> None:
        self.post_message(CountLoaded(self._call("count")))

    def _ingest(self, paths: list[str], *, show: bool) -> None:
        """Add ``paths`` under the write lock (held only while adding); runs in a worker."""
        from index.home.ingest import ingest

        services = self.app.services
        self.post_message(IngestProgress(Progress(0, None, "waiting for the library lock")))
        lock = services.write_lock()
        try:
            lock.acquire()
            try:
                report = self.app.backend.call(
                    lambda: ingest(
                        services.library,
                        paths,
                        tagger=services.tagger,
                        on_progress=lambda p: self.post_message(IngestProgress(p)),
                    )
                )
            finally:
                lock.release()
            shown = self._added_hits(paths) if show else []
        except NewsreaderError as error:
            self.post_message(IngestDone(None, str(error), ()))
            return
        self.post_message(IngestDone(report, None, shown))

    def _added_hits(self, paths: list[str]) -> list[Hit]:
        """The articles read from ``paths`` (to show them right after adding)."""
        roots = [str(Path(path).expanduser().resolve()) for path in paths]
        services = self.app.services

        def collect() -> list[Hit]:
            library = services.library
            ids: list[str] = []
            for record in library.store.files():
                if any(record.path == root or record.path.startswith(root + "/") for root in roots):
                    ids.extend(record.article_ids)
            found = (library.article(i) for i in ids[:SHOWN_AFTER_ADD])
            hits = [Hit.listed(stored.article) for stored in found if stored is not None]
            return sorted(
                hits, key=lambda h: h.published.isoformat() if h.published else "", reverse=True
            )

        return self.app.backend.call(collect)

    @work(thread=True, group="bookmarks", exit_on_error=False)
    def add_bookmark(
        self, article_id: str, start: int, end: int, note: str, tags: list[str]
    ) -> None:
        services = self.app.services

        def add() -> None:
            stored = services.library.article(article_id)
            if stored is None:
                raise NewsreaderError(f"article {article_id} is no longer in the library")
            services.bookmarks.add(stored.article, start, end, note=note, tags=tags)

        try:
            self.app.backend.call(add)
        except NewsreaderError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.notify, "Bookmarked", timeout=2)
        self.post_message(BookmarksFound(article_id, self._bookmarks(article_id)))
