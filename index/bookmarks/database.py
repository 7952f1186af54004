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

BOOKMARK_COLUMNS = (
    "id, article_id, quote, prefix, suffix, start_offset, end_offset, content_hash,"
    " checked_hash, note, status, article_title, article_url, created, updated"
)
_NEW = ", ".join("NEW." + column.strip() for column in BOOKMARK_COLUMNS.split(","))

COPY_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS bookmarks_copy (
    id TEXT PRIMARY KEY, article_id TEXT, quote TEXT, prefix TEXT, suffix TEXT,
    start_offset INTEGER, end_offset INTEGER, content_hash TEXT, checked_hash TEXT,
    note TEXT, status TEXT, article_title TEXT, article_url TEXT, created TEXT, updated TEXT
);
CREATE TABLE IF NOT EXISTS bookmark_tags_copy (
    bookmark_id TEXT NOT NULL, position INTEGER NOT NULL, tag TEXT NOT NULL,
    PRIMARY KEY (bookmark_id, position)
);
CREATE TRIGGER IF NOT EXISTS bookmarks_copied AFTER INSERT ON bookmarks BEGIN
    INSERT OR REPLACE INTO bookmarks_copy ({BOOKMARK_COLUMNS}) VALUES ({_NEW});
END;
CREATE TRIGGER IF NOT EXISTS bookmarks_copy_updated AFTER UPDATE ON bookmarks BEGIN
    DELETE FROM bookmarks_copy WHERE id = OLD.id;
    INSERT OR REPLACE INTO bookmarks_copy ({BOOKMARK_COLUMNS}) VALUES ({_NEW});
END;
CREATE TRIGGER IF NOT EXISTS bookmarks_copy_deleted AFTER DELETE ON bookmarks BEGIN
    DELETE FROM bookmarks_copy WHERE id = OLD.id;
    DELETE FROM bookmark_tags_copy WHERE bookmark_id = OLD.id;
END;
CREATE TRIGGER IF NOT EXISTS bookmark_tags_copied AFTER INSERT ON bookmark_tags BEGIN
    INSERT OR REPLACE INTO bookmark_tags_copy VALUES (NEW.bookmark_id, NEW.position, NEW.tag);
END;
CREATE TRIGGER IF NOT EXISTS bookmark_tags_copy_deleted AFTER DELETE ON bookmark_tags BEGIN
    DELETE FROM bookmark_tags_copy
        WHERE bookmark_id = OLD.bookmark_id AND position = OLD.position;
END;
"""
"""A second copy of every bookmark and tag, kept by triggers in tables of their own.

Bookmarks are the one thing in a library that no file can give back, and ten of
them fit on one page of the database: one damaged page lost them all. The copy
lives on other pages, so ``recover`` takes from it what the damaged page held.
A library from before the copy is copied once, when its tables are created."""

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
        _keep_a_copy(conn)
    except sqlite3.DatabaseError as error:
        raise StorageError(sqlite.trouble(error, path, "the library database")) from error
    return conn


def _keep_a_copy(conn: sqlite3.Connection) -> None:
    """Create the copy (see ``COPY_SCHEMA``) if it is not there, filled from the bookmarks;
    writes nothing when it is."""
    found = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'bookmark%'"
    ).fetchone()[0]
    if found == COPY_SCHEMA.count("CREATE TRIGGER"):
        return
    try:  # one script (executescript commits whatever transaction is open first)
        conn.executescript(
            "BEGIN IMMEDIATE;"
            + COPY_SCHEMA
            + f"INSERT OR IGNORE INTO bookmarks_copy ({BOOKMARK_COLUMNS})"
            f" SELECT {BOOKMARK_COLUMNS} FROM bookmarks;"
            "INSERT OR IGNORE INTO bookmark_tags_copy SELECT bookmark_id, position, tag"
            " FROM bookmark_tags; COMMIT;"
        )
    except sqlite3.OperationalError:  # a full disk or a read-only file: read on, no copy
        if conn.in_transaction:
            conn.execute("ROLLBACK")


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
