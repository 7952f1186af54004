"""The bookmarks' tables in the library database: schema, connection, and rows <-> Bookmark.

The one place that maps a bookmark row to its dataclass; the store and its
exports build on it.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index import sqlite
from index.codec import iso, parse_datetime
from index.errors import StorageError
from index.models import Bookmark, BookmarkStatus
from index.text import one_line

SCHEMA = """
CREATE TABLE IF NOT EXISTS bookmarks (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    quote TEXT NOT NULL,
    prefix TEXT NOT NULL DEFAULT '',
    suffix TEXT NOT NULL DEFAULT '',
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    checked_hash TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'anchored'
        CHECK (status IN ('anchored', 'moved', 'orphaned')),
    article_title TEXT NOT NULL DEFAULT '',
    article_url TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS bookmarks_article ON bookmarks(article_id);
CREATE TABLE IF NOT EXISTS bookmark_tags (
    bookmark_id TEXT NOT NULL REFERENCES bookmarks(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (bookmark_id, position)
);
CREATE INDEX IF NOT EXISTS bookmark_tags_tag ON bookmark_tags(tag COLLATE NOCASE);
"""

COLUMNS = (
    "b.id, b.article_id, b.quote, b.prefix, b.suffix, b.start_offset, b.end_offset,"
    " b.content_hash, b.note, b.created, b.updated, b.status, b.article_title"
)


def now() -> datetime:
    """The current time, UTC, as stored on bookmarks."""
    return datetime.now(UTC)


def new_id() -> str:
    """A short random bookmark id (48 bits: plenty for one person's library)."""
    return uuid.uuid4().hex[:12]


def clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags on one line, stripped of space and a leading '#', no control characters, empty
    ones dropped, duplicates (any case) once."""
    seen: set[str] = set()
    kept: list[str] = []
    for raw in tags:
        tag = one_line(str(raw)).lstrip("#").strip()
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            kept.append(tag)
    return tuple(kept)


def connect(path: Path | str) -> sqlite3.Connection:
    try:
        conn = sqlite.connect(path, synchronous="FULL", check_same_thread=False)
        conn.executescript(SCHEMA)
    except sqlite3.DatabaseError as error:
        raise StorageError(sqlite.trouble(error, path, "the library database")) from error
    return conn


def bookmark_from_row(row: tuple[Any, ...], tags: tuple[str, ...]) -> Bookmark:
    (id_, article_id, quote, prefix, suffix, start, end, version, note, created, updated,
     status, title) = row  # fmt: skip
    return Bookmark(
        id=id_,
        article_id=article_id,
        quote=quote,
        prefix=prefix,
        suffix=suffix,
        start=int(start),
        end=int(end),
        content_hash=version,
        note=note,
        tags=tags,
        created=parse_datetime(created),
        updated=parse_datetime(updated),
        status=status,
        article_title=title,
    )


INSERT = (
    "INSERT OR REPLACE INTO bookmarks (id, article_id, quote, prefix, suffix,"
    " start_offset, end_offset, content_hash, checked_hash, note, status,"
    " article_title, article_url, created, updated)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def insert_values(bookmark: Bookmark, *, url: str, checked: str) -> tuple[Any, ...]:
    """The row ``INSERT`` writes for a bookmark (``checked``: the article version it was
    last checked against)."""
    return (
        bookmark.id,
        bookmark.article_id,
        bookmark.quote,
        bookmark.prefix,
        bookmark.suffix,
        bookmark.start,
        bookmark.end,
        bookmark.content_hash,
        checked,
        bookmark.note,
        bookmark.status,
        bookmark.article_title,
        url,
        iso(bookmark.created or now()),
        iso(bookmark.updated or bookmark.created or now()),
    )


def escape_like(text: str) -> str:
    """``text`` as a literal inside a LIKE pattern written with ``ESCAPE '\\'``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_filter(
    *,
    tag: str | None,
    text: str | None,
    article_id: str | None,
    status: BookmarkStatus | None,
) -> tuple[str, tuple[Any, ...]]:
    """The WHERE clause and parameters of a bookmark listing."""
    clauses: list[str] = []
    params: list[Any] = []
    if tag:
        clauses.append(
            "b.id IN (SELECT bookmark_id FROM bookmark_tags WHERE tag = ? COLLATE NOCASE)"
        )
        params.append(clean_tags([tag])[0] if clean_tags([tag]) else tag)
    if text:
        like = "%" + escape_like(text) + "%"
        clauses.append(
            "(b.quote LIKE ? ESCAPE '\\' OR b.note LIKE ? ESCAPE '\\'"
            " OR b.article_title LIKE ? ESCAPE '\\' OR b.id IN (SELECT bookmark_id"
            " FROM bookmark_tags WHERE tag LIKE ? ESCAPE '\\'))"
        )
        params.extend([like] * 4)
    if article_id is not None:
        clauses.append("b.article_id = ?")
        params.append(article_id)
    if status is not None:
        clauses.append("b.status = ?")
        params.append(status)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return where, tuple(params)
