"""Messages the main screen's workers post back to it: the answers of library calls.

Each is a dataclass (Textual's ``Message`` runs its set-up from
``__post_init__``, so the generated ``__init__`` is enough). The screen drops
an answer whose query or article is no longer the current one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from textual.message import Message

from index.home import IngestReport, RefreshReport, SortOrder, SourcesView, StoredArticle
from index.models import EntityPage, Facets, Hit, Progress, Related, SearchResult, Story

Range = tuple[int, int]


@dataclass
class PageLoaded(Message):
    """A page of the newest-first list (no query)."""

    hits: Sequence[Hit]
    offset: int
    """Where the page starts in the list."""
    more: bool
    """Whether another page follows."""
    stories: Mapping[str, Story] = field(default_factory=dict)
    """The hits' stories (article id -> story), for folding copies into one row."""


@dataclass
class SearchDone(Message):
    """The hits of a query, with the sort they were ranked by."""

    query: str
    sort: SortOrder
    result: SearchResult
    more: bool
    """Whether more hits can be fetched (the page was full)."""
    stories: Mapping[str, Story] = field(default_factory=dict)


@dataclass
class SearchFailed(Message):
    """A query the core could not read; ``error`` says why, in one line."""

    query: str
    error: str
    typing: bool = False
    """The query was searched as typed (its error waits until the person stops)."""


@dataclass
class ArticleLoaded(Message):
    """An article to show, with its hits and bookmarks measured on the same text."""

    stored: StoredArticle
    hits: Sequence[Range]
    scroll_y: float | None
    """A scroll position to restore (going back), else None."""
    passage: Range | None
    """A passage to select and bring into view (opening a bookmark), else None."""
    bookmarks: Sequence[Range]


@dataclass
class ArticleMissing(Message):
    """The article asked for is no longer in the library."""

    article_id: str


@dataclass
class RelatedLoaded(Message):
    """The related articles of ``article_id``, each with its reason."""

    article_id: str
    items: Sequence[Related]


@dataclass
class CountLoaded(Message):
    """How many articles the library holds now (and how many are unread)."""

    count: int
    unread: int | None = None


@dataclass
class IngestProgress(Message):
    """A step of an ``add`` run by the reader."""

    progress: Progress


@dataclass
class IngestDone(Message):
    """An ``add`` finished (``report``) or failed (``error``); ``shown``: what to list."""

    report: IngestReport | None
    error: str | None
    shown: Sequence[Hit]


@dataclass
class HitsFound(Message):
    """The search terms' spans in the open article, after the query changed."""

    article_id: str
    hits: Sequence[Range]


@dataclass
class BookmarksFound(Message):
    """The open article's bookmarked passages, checked against version ``content_hash``."""

    article_id: str
    content_hash: str
    bookmarks: Sequence[Range]


@dataclass
class BookmarkSaved(Message):
    """A bookmark request's answer: ``error`` is None when it was stored. ``stale`` says
    the article's text changed under the selection (the article should be reloaded)."""

    article_id: str
    error: str | None = None
    stale: bool = False


@dataclass
class FeedsProgress(Message):
    """A step of a feed refresh run by the reader (after each feed)."""

    progress: Progress
    by_hand: bool


@dataclass
class FeedsStored(Message):
    """A refresh committed new articles (``ids``): the list can show them now."""

    ids: Sequence[str]


@dataclass
class FeedsDone(Message):
    """A refresh finished (``report``), failed (``error``) or found nothing due (both None)."""

    report: RefreshReport | None
    error: str | None
    by_hand: bool


@dataclass
class MarksChanged(Message):
    """Articles' read/starred states after a mark (id -> (read, starred)); ``said`` is the
    notice to show (empty: none), ``undo`` the ids a mark-all changed (for ``U``)."""

    marks: dict[str, tuple[bool, bool]]
    said: str = ""
    undo: tuple[str, ...] = ()
    counts: dict[str, int] | None = None


@dataclass
class SourcesLoaded(Message):
    """The sources pane's views with their counts."""

    view: SourcesView


@dataclass
class SearchSaved(Message):
    """A saved search was stored (``error`` None) or refused."""

    name: str
    error: str | None = None


@dataclass
class OverviewLoaded(Message):
    """The facets and timeline of a view (the query it was asked for; ``""``: all)."""

    query: str
    facets: Facets | None
    error: str | None = None


@dataclass
class EntityPageLoaded(Message):
    """An entity's page, or why there is none."""

    name: str
    page: EntityPage | None
    error: str | None = None
