"""Messages the main screen's workers post back to it (results of library calls)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.message import Message

from index.home.ingest import IngestReport
from index.home.store import StoredArticle
from index.models import Hit, Progress, Related, SearchResult
from reader.render import Range


class PageLoaded(Message):
    """A page of the newest-first list (no query)."""

    def __init__(self, hits: Sequence[Hit], offset: int, more: bool) -> None:
        super().__init__()
        self.hits = hits
        self.offset = offset
        self.more = more


class SearchDone(Message):
    def __init__(self, query: str, sort: str, result: SearchResult, more: bool) -> None:
        super().__init__()
        self.query = query
        self.sort = sort
        self.result = result
        self.more = more


class SearchFailed(Message):
    def __init__(self, query: str, error: str) -> None:
        super().__init__()
        self.query = query
        self.error = error


class ArticleLoaded(Message):
    def __init__(
        self,
        stored: StoredArticle,
        hits: Sequence[Range],
        scroll_y: float | None,
        passage: Range | None,
        bookmarks: Sequence[Range],
    ) -> None:
        super().__init__()
        self.stored = stored
        self.hits = hits
        self.scroll_y = scroll_y
        self.passage = passage
        self.bookmarks = bookmarks


class ArticleMissing(Message):
    def __init__(self, article_id: str) -> None:
        super().__init__()
        self.article_id = article_id


class RelatedLoaded(Message):
    def __init__(self, article_id: str, items: Sequence[Related] | None) -> None:
        super().__init__()
        self.article_id = article_id
        self.items = items


class CountLoaded(Message):
    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count


class IngestProgress(Message):
    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress


class IngestDone(Message):
    def __init__(
        self, report: IngestReport | None, error: str | None, shown: Sequence[Hit]
    ) -> None:
        super().__init__()
        self.report = report
        self.error = error
        self.shown = shown


class HitsFound(Message):
    """The search terms' spans in the open article, after the query changed."""

    def __init__(self, article_id: str, hits: Sequence[Range]) -> None:
        super().__init__()
        self.article_id = article_id
        self.hits = hits


class BookmarksFound(Message):
    """The open article's bookmarked passages, after a bookmark was added or changed."""

    def __init__(self, article_id: str, bookmarks: Sequence[Range]) -> None:
        super().__init__()
        self.article_id = article_id
        self.bookmarks = bookmarks
