"""The main screen's workers: every library call, off the UI thread.

Each method starts a thread worker (exclusive within its group, so a newer
request cancels an older one) that makes one call through the screen's
``LibraryClient`` and posts the answer to the screen as one message. A
cancelled worker posts nothing; the screen also drops answers that are no
longer current (the stale-answer rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.worker import Worker, WorkerState, get_current_worker

from index.errors import NewsreaderError, QueryError
from index.home import (
    NO_MARKS,
    LibraryHome,
    Mark,
    Marks,
    SortOrder,
    StaleTextError,
    StoredArticle,
)
from index.models import Progress, SearchResult
from reader.client import LibraryClient
from reader.messages import (
    ArticleLoaded,
    ArticleMissing,
    BookmarkSaved,
    BookmarksFound,
    CountLoaded,
    FeedsDone,
    FeedsProgress,
    FeedsStored,
    HitsFound,
    IngestDone,
    IngestProgress,
    MarksChanged,
    OverviewLoaded,
    PageLoaded,
    RelatedLoaded,
    SearchDone,
    SearchFailed,
    SearchSaved,
    SourcesLoaded,
)

PAGE = 100
"""Rows per page of the newest-first list."""
PAGE_TO_END = 2000
"""Rows per page while the list fills up to its end (``G``)."""
SEARCH_PAGE = 40
"""Hits per search page: rows with snippets cost more to lay out, and typing must stay fluid."""
TYPING_PAGE = 24
"""Hits asked for per keystroke while typing."""
MAX_HITS = 1000
RELATED_LIMIT = 6
SHOWN_AFTER_ADD = 500
FACETS_PER_KIND = 8
WAITING = Progress(0, None, "waiting for the library lock")


def _cancelled() -> bool:
    return get_current_worker().is_cancelled


class LibraryWorkers:
    """Mixin for the main screen: starts workers that post messages to it."""

    client: LibraryClient
    paths_to_add: list[str]
    seed_paths: list[Path]

    if TYPE_CHECKING:

        def post_message(self, message: Any) -> bool: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A library call that failed (disk, corrupt index...) is said, never a crash."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            text = str(error) if isinstance(error, NewsreaderError) else repr(error)
            self.notify(text, title="Library error", severity="error", timeout=10)

    def start(self) -> None:
        self._startup()

    @work(thread=True, exclusive=True, group="startup", exit_on_error=False)
    def _startup(self) -> None:
        try:
            count = self.client.count()
        except NewsreaderError as error:
            self.post_message(IngestDone(None, str(error), ()))
            return
        if self.paths_to_add:
            self._ingest(list(self.paths_to_add), show=True)
        elif count == 0:
            self._ingest([str(path) for path in self.seed_paths], show=False)
        else:
            self.post_message(CountLoaded(count, self.client.mark_counts()["unread"]))
            self._page(0)
            self.client.warm()  # after the first screen: the prefixes of searching as one types

    def load_page(self, offset: int, *, to_end: bool = False, rows: int = PAGE) -> None:
        """A page of the newest-first list (``rows`` long: at least a page)."""
        self._load_page(offset, PAGE_TO_END if to_end else max(PAGE, min(rows, PAGE_TO_END)))

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def _load_page(self, offset: int, limit: int) -> None:
        self._page(offset, limit)

    def _page(self, offset: int, limit: int | None = None) -> None:
        limit = PAGE if limit is None else limit
        hits = self.client.recent(limit=limit, offset=offset)
        stories = self.client.stories([hit.id for hit in hits])
        if not _cancelled():
            self.post_message(PageLoaded(hits, offset, more=len(hits) == limit, stories=stories))

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def search(self, query: str, sort: SortOrder, limit: int, typing: bool = False) -> None:
        try:
            result = self.client.search(query, limit=limit, sort=sort, typing=typing)
        except QueryError as error:
            if not _cancelled():
                self.post_message(SearchFailed(query, str(error), typing))
            return
        if _cancelled():
            return
        result = self._with_snippet_spans(result)
        more = result.total > len(result.hits) and limit < MAX_HITS
        stories = self.client.stories([hit.id for hit in result.hits])
        self.post_message(SearchDone(query, sort, result, more, stories=stories))

    def _with_snippet_spans(self, result: SearchResult) -> SearchResult:
        """Mark hits in snippets the core returned without spans (same rules as the article)."""
        if all(hit.spans or not hit.snippet for hit in result.hits):
            return result
        hits = tuple(
            hit
            if hit.spans or not hit.snippet
            else replace(hit, spans=tuple(self.client.hits_in(hit.snippet, result.query)))
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
        found = self.client.reading(article_id)
        if found is None:
            self.post_message(ArticleMissing(article_id))
            return
        stored, bookmarks = found
        hits = self._spans(stored, query)
        if not _cancelled():
            self.post_message(ArticleLoaded(stored, hits, scroll_y, passage, bookmarks.ranges))

    def _spans(self, stored: StoredArticle, query: str) -> list[tuple[int, int]]:
        if not query.strip():
            return []
        return self.client.hits_in(stored.article.body, query, analysis=stored.analysis)

    @work(thread=True, exclusive=True, group="hits", exit_on_error=False)
    def rehighlight(self, article_id: str, terms: Sequence[str], query: str) -> None:
        stored = self.client.article(article_id)
        if stored is not None and not _cancelled():
            spans = self._spans(stored, query)
            self.post_message(HitsFound(article_id, spans))

    @work(thread=True, exclusive=True, group="bookmarks", exit_on_error=False)
    def reload_bookmarks(self, article_id: str) -> None:
        self._post_bookmarks(article_id)

    def _post_bookmarks(self, article_id: str) -> None:
        checked = self.client.bookmarks_in(article_id)
        self.post_message(BookmarksFound(article_id, checked.content_hash, checked.ranges))

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def load_related(self, article_id: str) -> None:
        items = self.client.related(article_id, limit=RELATED_LIMIT)
        if not _cancelled():
            self.post_message(RelatedLoaded(article_id, items))

    @work(thread=True, exclusive=True, group="count", exit_on_error=False)
    def count(self) -> None:
        count = self.client.count()
        self.post_message(CountLoaded(count, self.client.mark_counts()["unread"]))

    @work(thread=True, group="marks", exit_on_error=False)
    def mark_articles(self, ids: list[str], how: Mark, said: str = "") -> None:
        """Mark ``ids``; post their new states (marks are never cancelled midway)."""
        report = self.client.mark(ids, how)
        marks = {i: (m.read, m.starred) for i, m in self._marks_of(ids).items()}
        text = said.format(n=report.changed) if said else ""
        self.post_message(MarksChanged(marks, text, counts=self.client.mark_counts()))

    @work(thread=True, group="marks", exit_on_error=False)
    def mark_view(self, query: str, how: Mark, shown: list[str]) -> None:
        """Mark everything ``query`` matches; post the shown rows' states and the undo."""
        report = self.client.mark_view(query, how)
        marks = {i: (m.read, m.starred) for i, m in self._marks_of(shown).items()}
        noun = "article" if report.changed == 1 else "articles"
        text = f"Marked {report.changed:,} {noun} {how}" + (
            " · U to undo" if report.changed else ""
        )
        self.post_message(
            MarksChanged(marks, text, undo=report.ids, counts=self.client.mark_counts())
        )

    def _marks_of(self, ids: list[str]) -> dict[str, Marks]:
        found = self.client.marks(ids)
        return {i: found.get(i, NO_MARKS) for i in ids}

    def _ingest(self, paths: list[str], *, show: bool) -> None:
        """Add ``paths`` (the home takes the write lock while adding); runs in a worker."""
        self.post_message(IngestProgress(WAITING))
        try:
            report = self.client.add(paths, on_progress=self._progress)
            shown = self.client.articles_from(paths, limit=SHOWN_AFTER_ADD) if show else []
        except NewsreaderError as error:
            self.post_message(IngestDone(None, str(error), ()))
            return
        self.post_message(IngestDone(report, None, shown))

    def _progress(self, progress: Progress) -> None:
        self.post_message(IngestProgress(progress))

    @work(thread=True, group="bookmarks", exit_on_error=False)
    def add_bookmark(
        self,
        article_id: str,
        content_hash: str,
        passage: tuple[int, int],
        note: str,
        tags: list[str],
    ) -> None:
        """Bookmark a passage measured on the text with ``content_hash``; if the stored
        article is another version now, say so and reload it instead."""
        try:
            self.client.add_bookmark(
                article_id, *passage, content_hash=content_hash, note=note, tags=tags
            )
        except StaleTextError as error:
            self.post_message(BookmarkSaved(article_id, str(error), stale=True))
            return
        except NewsreaderError as error:
            self.post_message(BookmarkSaved(article_id, str(error)))
            return
        self.post_message(BookmarkSaved(article_id))
        self._post_bookmarks(article_id)

    @work(thread=True, group="feeds", exit_on_error=False)
    def refresh_feeds(self, *, by_hand: bool) -> None:
        """Fetch the feeds (by hand: all of them; else only those due) on a home of this
        worker's own, so the library thread goes on answering the UI while the network is
        slow; each commit's new articles are posted as they land. Always ends with one
        :class:`FeedsDone` (the screen runs one refresh at a time)."""
        report, error = None, None

        def progress(step: Progress) -> None:
            self.post_message(FeedsProgress(step, by_hand))

        def waiting(_holder: int | None) -> None:
            self.post_message(FeedsProgress(WAITING, by_hand))

        try:
            if by_hand or self.client.feeds_due() > 0:
                home = LibraryHome(self.client.paths, tagger=self.client.tagger)
                try:
                    report = home.refresh(
                        force=by_hand,
                        on_progress=progress,
                        on_stored=lambda ids: self.post_message(FeedsStored(ids)),
                        on_wait=waiting,
                    )
                finally:
                    home.close()
        except NewsreaderError as error_:
            error = str(error_)
        finally:
            self.post_message(FeedsDone(report, error, by_hand))

    @work(thread=True, exclusive=True, group="sources", exit_on_error=False)
    def load_sources(self) -> None:
        view = self.client.sources()
        if not _cancelled():
            self.post_message(SourcesLoaded(view))

    @work(thread=True, exclusive=True, group="overview", exit_on_error=False)
    def load_overview(self, query: str) -> None:
        """The current view's facets and timeline, for the sidebar's overview."""
        try:
            facets = self.client.facets(query, limit=FACETS_PER_KIND)
        except NewsreaderError as error:
            if not _cancelled():
                self.post_message(OverviewLoaded(query, None, str(error)))
            return
        if not _cancelled():
            self.post_message(OverviewLoaded(query, facets))

    @work(thread=True, group="saved", exit_on_error=False)
    def save_search(self, name: str, query: str) -> None:
        try:
            self.client.save_search(name, query)
        except NewsreaderError as error:
            self.post_message(SearchSaved(name, str(error)))
            return
        self.post_message(SearchSaved(name))
