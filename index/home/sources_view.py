"""What the reader's sources pane shows: every view of the library with its counts.

All, Unread, Starred, Bookmarked; each subscription (in its OPML folder) and
each folder of files that was added, with its unread count and, for a feed, its
last error; then the saved searches. Each view is a query in the query language
(``feed:"World Desk"``, ``is:unread``), so opening one is searching for it, and
the counts are read from the database in a few grouped queries (the carriers
and marks tables), not from the index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One line of the pane."""

    kind: str
    """all, unread, starred, bookmarked, feed, folder (of files), saved."""
    name: str
    query: str
    articles: int
    unread: int
    group: str = ""
    """A feed's OPML folder ("News/World"), else ""."""
    error: str | None = None
    """A feed's last error, when its last fetch failed."""
    next_fetch: datetime | None = None
    gone: bool = False


@dataclass(frozen=True, slots=True)
class SourcesView:
    rows: tuple[SourceRow, ...] = field(default_factory=tuple)


def quoted(name: str) -> str:
    """A name as a query value: bare when it is one plain word, else in double quotes
    (a double quote inside cannot be written, and is dropped)."""
    clean = name.replace('"', "")
    return clean if clean and clean.isalnum() else f'"{clean}"'


def folder_name(path: str) -> str:
    return Path(path).name or path
