"""The core's data: frozen dataclasses passed between modules and to the UI.

Offsets are character offsets into ``Article.body`` (Python ``str`` indices),
half-open ``[start, end)``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol

EntityLabel = Literal["PERSON", "ORG", "PLACE", "NORP", "DATE", "NUMBER"]
ENTITY_LABELS: tuple[EntityLabel, ...] = ("PERSON", "ORG", "PLACE", "NORP", "DATE", "NUMBER")

DateOrigin = Literal["metadata", "text", "file", "none"]
Granularity = Literal["day", "month", "year"]
BookmarkStatus = Literal["anchored", "moved", "orphaned"]


def stable_id(key: str) -> str:
    """A short, stable article id derived from a source key (path, URL or GUID)."""
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def content_hash(title: str, body: str) -> str:
    """Hash of what a reader sees; changes when the text changes."""
    digest = hashlib.sha256()
    digest.update(title.encode("utf-8", "replace"))
    digest.update(b"\x00")
    digest.update(body.encode("utf-8", "replace"))
    return digest.hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, as read from a source file."""

    id: str
    title: str
    body: str
    source: str = ""
    """Publication or feed name ("BBC News", "sample"), or the folder it came from."""
    author: str = ""
    url: str = ""
    path: str = ""
    """The file it was read from (absolute), empty if none."""
    published: datetime | None = None
    date_origin: DateOrigin = "none"
    """Where ``published`` came from: metadata, the text, the file's mtime, or nowhere."""

    @property
    def content_hash(self) -> str:
        return content_hash(self.title, self.body)


@dataclass(frozen=True, slots=True)
class EntitySpan:
    """A named entity in an article body."""

    start: int
    end: int
    label: EntityLabel
    text: str
    canonical: str
    """The name facets and related items join on ("Blinken" -> "Antony Blinken")."""


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date mentioned in the text, resolved against the publication date when possible."""

    start: int
    end: int
    text: str
    value: date | None
    """The resolved calendar date (first day of the month/year for coarser mentions)."""
    granularity: Granularity | None
    end_value: date | None = None
    """Last day of a range ("October 2023" -> 2023-10-31), or None for a single day."""
    relative: bool = False
    """True when resolved against the publication date ("yesterday", "10 November")."""

    @property
    def resolved(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the analysers found in one article body."""

    entities: tuple[EntitySpan, ...] = ()
    dates: tuple[DateMention, ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: data, not markup."""

    id: str
    title: str
    published: datetime | None
    source: str
    path: str
    url: str
    score: float
    snippet: str
    spans: tuple[tuple[int, int], ...] = ()
    """Where the query terms are in ``snippet``."""
    rank: int = 0
    date_origin: DateOrigin = "none"
    """Where ``published`` came from (``"file"``: the file's mtime, not a stated date)."""
    read: bool = False
    """Whether the reader has read it (new articles are unread)."""
    starred: bool = False

    @classmethod
    def listed(cls, item: Listed, *, rank: int = 0) -> Hit:
        """A row of the article list, with no query: from an article or a store row."""
        return cls(
            id=item.id,
            title=item.title,
            published=item.published,
            source=item.source,
            path=item.path,
            url=item.url,
            score=0.0,
            snippet="",
            rank=rank,
            date_origin=item.date_origin,
        )


class Listed(Protocol):
    """What a list row needs: an ``Article`` has it, and so does a store row."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def published(self) -> datetime | None: ...
    @property
    def source(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def date_origin(self) -> DateOrigin: ...


@dataclass(frozen=True, slots=True)
class Story:
    """The story an article belongs to: the articles that tell it, as copies of one wire
    story or near-copies (``index.home.stories``)."""

    id: str
    """The article id of its first member (stable as copies join it)."""
    count: int
    """How many articles of the library tell it (1: the article alone)."""
    sources: tuple[str, ...] = ()
    """Their distinct sources, first member's first."""


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of hits and how many there are in all."""

    query: str
    hits: tuple[Hit, ...]
    total: int
    terms: tuple[str, ...] = ()
    """The query's positive terms, lower-cased, for highlighting in an article body."""
    exact: bool = True
    """Whether ``total`` counts every match; if not (the search skipped blocks of
    documents that could not make the page), it is an upper bound."""
    notes: tuple[str, ...] = ()
    """What the search did that the person should know ("bl* → 50 most common words")."""
    pending: str | None = None
    """While typing (``typing=True``): why the text as typed is not yet a query (the
    error it would be), when the search ran on what could be read of it."""


@dataclass(frozen=True, slots=True)
class Related:
    """An article related to another, with the reasons why."""

    id: str
    title: str
    published: datetime | None
    source: str
    score: float
    shared: tuple[str, ...] = ()
    """Canonical entities both articles mention."""
    similar: tuple[str, ...] = ()
    """Key terms they share (from more-like-this)."""

    @property
    def reason(self) -> str:
        parts = []
        if self.shared:
            parts.append("shares: " + ", ".join(self.shared))
        if self.similar:
            parts.append("similar: " + ", ".join(self.similar))
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A bookmarked passage, anchored W3C Web Annotation style."""

    id: str
    article_id: str
    quote: str
    prefix: str
    suffix: str
    start: int
    end: int
    content_hash: str
    note: str = ""
    tags: tuple[str, ...] = ()
    created: datetime | None = None
    updated: datetime | None = None
    status: BookmarkStatus = "anchored"
    article_title: str = ""


@dataclass(frozen=True, slots=True)
class Progress:
    """Progress of a long job, handed to an ``on_progress`` callback."""

    done: int
    total: int | None
    current: str = ""
    counts: dict[str, int] = field(default_factory=dict)


# The library at a glance (issue 14) --------------------------------------------------------

Bucket = Literal["day", "week", "month", "year"]


@dataclass(frozen=True, slots=True)
class Timeline:
    """Articles per bucket of publication date, and the dates they mention per bucket,
    over the same contiguous buckets (empty ones included)."""

    bucket: Bucket
    starts: tuple[date, ...]
    published: tuple[int, ...]
    mentioned: tuple[int, ...]
    undated: int
    """Documents of the view without a publication date (not charted)."""


@dataclass(frozen=True, slots=True)
class Counted:
    """An entity and the number of articles that hold it."""

    key: str
    label: str
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class Facets:
    """The top entities of a view, by kind, and its timeline."""

    query: str | None
    total: int
    people: tuple[Counted, ...]
    organisations: tuple[Counted, ...]
    places: tuple[Counted, ...]
    groups: tuple[Counted, ...]
    timeline: Timeline


@dataclass(frozen=True, slots=True)
class EntityPage:
    """One entity across the library."""

    key: str
    label: str
    name: str
    count: int
    spellings: tuple[tuple[str, int], ...]
    """Surface forms in the latest articles' analyses, most used first."""
    timeline: Timeline
    cooccurring: tuple[Counted, ...]
    latest: tuple[Hit, ...]
    others: tuple[Counted, ...]
    """Other entities the same name could mean ("Washington" the place and the person)."""
