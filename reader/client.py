"""The reader's typed boundary to the core: every call on one library thread.

Textual's thread workers each run in a thread of their own, but the library's
SQLite connections belong to the thread that opened them. ``LibraryClient``
therefore runs each call on a single long-lived thread and waits for the
answer; the UI thread itself never calls it (a worker does, and posts one
message with the answer). Calls are serialised, which the library does anyway.

Each method says what it asks of :class:`index.home.LibraryHome`; a screen is
handed the client in its constructor and uses nothing else of the core's
state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from index.home import (
    ArticleBookmarks,
    IngestReport,
    LibraryHome,
    Mark,
    MarkReport,
    Marks,
    SortOrder,
    SourcesView,
    StoredArticle,
)
from index.models import (
    Analysis,
    Bookmark,
    EntityPage,
    Facets,
    Hit,
    Progress,
    Related,
    SearchResult,
    Story,
)
from index.paths import LibraryPaths

T = TypeVar("T")
Range = tuple[int, int]


class LibraryClient:
    """A library home, called from worker threads through one library thread."""

    def __init__(self, home: LibraryHome) -> None:
        self._home = home
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="library")

    @property
    def paths(self) -> LibraryPaths:
        return self._home.paths

    @property
    def tagger(self) -> str | None:
        """The entity tagger the home analyses with (a refresh's own home uses it too)."""
        return self._home.tagger

    def _run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return self._executor.submit(function, *args, **kwargs).result()

    def close(self) -> None:
        """Close the home on the thread that opened it (SQLite insists), then that thread."""
        try:
            self._run(self._home.close)
        finally:
            self._executor.shutdown(wait=True, cancel_futures=True)

    # Articles -----------------------------------------------------------------------

    def count(self) -> int:
        return self._run(self._home.count)

    def recent(self, *, limit: int, offset: int) -> list[Hit]:
        return self._run(self._home.recent, limit=limit, offset=offset)

    def search(
        self, query: str, *, limit: int, sort: SortOrder, typing: bool = False
    ) -> SearchResult:
        return self._run(self._home.search, query, limit=limit, sort=sort, typing=typing)

    def warm(self) -> None:
        self._run(self._home.warm)

    def reading(self, article_id: str) -> tuple[StoredArticle, ArticleBookmarks] | None:
        return self._run(self._home.reading, article_id)

    def article(self, article_id: str) -> StoredArticle | None:
        return self._run(self._home.article, article_id)

    def hits_in(self, body: str, query: str, *, analysis: Analysis | None = None) -> list[Range]:
        return self._run(self._home.hits_in, body, query, analysis=analysis)

    def stories(self, ids: Sequence[str]) -> dict[str, Story]:
        return self._run(self._home.stories, ids)

    def related(self, article_id: str, *, limit: int) -> list[Related]:
        return self._run(self._home.related, article_id, limit=limit)

    def add(
        self, paths: Sequence[str | Path], *, on_progress: Callable[[Progress], None]
    ) -> IngestReport:
        return self._run(self._home.add, paths, on_progress=on_progress)

    def mark(self, ids: Sequence[str], how: Mark) -> MarkReport:
        return self._run(self._home.mark, ids, how)

    def mark_view(self, query: str, how: Mark) -> MarkReport:
        return self._run(self._home.mark_view, query, how)

    def marks(self, ids: Sequence[str]) -> dict[str, Marks]:
        return self._run(self._home.marks, ids)

    def mark_counts(self) -> dict[str, int]:
        return self._run(self._home.mark_counts)

    def sources(self) -> SourcesView:
        return self._run(self._home.sources)

    def facets(self, query: str, *, limit: int) -> Facets:
        return self._run(self._home.facets, query or None, limit)

    def entity(self, name: str, *, limit: int) -> EntityPage:
        return self._run(self._home.entity, name, limit=limit)

    def save_search(self, name: str, query: str) -> bool:
        return self._run(self._home.save_search, name, query)

    def feeds_due(self) -> int:
        return self._run(self._home.feeds_due)

    def articles_from(self, paths: Sequence[str | Path], *, limit: int) -> list[Hit]:
        return self._run(self._home.articles_from, paths, limit=limit)

    # Bookmarks ----------------------------------------------------------------------

    def bookmarks_in(self, article_id: str) -> ArticleBookmarks:
        return self._run(self._home.bookmarks_in, article_id)

    def add_bookmark(
        self,
        article_id: str,
        start: int,
        end: int,
        *,
        content_hash: str,
        note: str,
        tags: Sequence[str],
    ) -> Bookmark:
        return self._run(
            self._home.add_bookmark,
            article_id,
            start,
            end,
            content_hash=content_hash,
            note=note,
            tags=tags,
        )

    def list_bookmarks(self, *, tag: str | None, text: str | None) -> list[Bookmark]:
        return self._run(self._home.list_bookmarks, tag=tag, text=text)

    def update_bookmark(self, bookmark_id: str, *, note: str, tags: Sequence[str]) -> Bookmark:
        return self._run(self._home.update_bookmark, bookmark_id, note=note, tags=tags)

    def delete_bookmark(self, bookmark_id: str) -> bool:
        return self._run(self._home.delete_bookmark, bookmark_id)
