"""The feeds' tables in the library database: schema, connection, rows <-> Subscription.

Subscriptions, their validators and schedule, the entries each feed has given
(entry key -> article id, so that an entry seen again updates its article and
one the user removed is not re-added), tombstones, and hosts paused by a
Retry-After. The tables sit in the library's SQLite file beside the articles,
with their own schema version (``feeds_meta``), so that ``recover`` backs them
up with the rest.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index import sqlite
from index.codec import iso, parse_datetime
from index.errors import StorageError

SCHEMA_VERSION = 2
"""2: feed_retention (keep_days, keep_max per subscription)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS subscriptions (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    site_url TEXT NOT NULL DEFAULT '',
    folder TEXT NOT NULL DEFAULT '',
    full_text INTEGER NOT NULL DEFAULT 0,
    interval_minutes INTEGER NOT NULL DEFAULT 60,
    added TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    body_hash TEXT,
    ttl_minutes INTEGER,
    last_fetch TEXT,
    last_success TEXT,
    last_status INTEGER,
    next_fetch TEXT,
    not_before TEXT,
    error TEXT,
    error_kind TEXT,
    errors_in_a_row INTEGER NOT NULL DEFAULT 0,
    gone INTEGER NOT NULL DEFAULT 0,
    moved_to TEXT,
    moved_seen INTEGER NOT NULL DEFAULT 0,
    last_new INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS feed_entries (
    subscription INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    entry_key TEXT NOT NULL,
    article_id TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    entry_hash TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL,
    PRIMARY KEY (subscription, entry_key)
);
CREATE INDEX IF NOT EXISTS feed_entries_article ON feed_entries(article_id);
CREATE INDEX IF NOT EXISTS feed_entries_link ON feed_entries(subscription, link);
CREATE TABLE IF NOT EXISTS feed_retention (
    subscription INTEGER PRIMARY KEY REFERENCES subscriptions(id) ON DELETE CASCADE,
    keep_days INTEGER,
    keep_max INTEGER
);
CREATE TABLE IF NOT EXISTS feed_tombstones (
    subscription INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    article_id TEXT NOT NULL,
    removed TEXT NOT NULL,
    PRIMARY KEY (subscription, article_id)
);
CREATE TABLE IF NOT EXISTS feed_hosts (
    host TEXT PRIMARY KEY,
    paused_until TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
"""

COLUMNS = (
    "id, uid, url, title, site_url, folder, full_text, interval_minutes, added, etag,"
    " last_modified, body_hash, ttl_minutes, last_fetch, last_success, last_status,"
    " next_fetch, not_before, error, error_kind, errors_in_a_row, gone, moved_to, moved_seen,"
    " last_new"
)


def now() -> datetime:
    """The current time, naive UTC, to the second (as the feeds' times are stored)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True, slots=True)
class Subscription:
    """One subscribed feed and everything the fetcher remembers about it."""

    id: int
    uid: str
    """Never changes, even when the feed moves: its articles' ids derive from it."""
    url: str
    title: str = ""
    site_url: str = ""
    folder: str = ""
    """Folder path from an OPML import, parts joined by '/' ("News/Tech")."""
    full_text: bool = False
    interval_minutes: int = 60
    added: datetime | None = None
    etag: str | None = None
    """Stored byte for byte (latin-1 text of the header's bytes)."""
    last_modified: str | None = None
    body_hash: str | None = None
    ttl_minutes: int | None = None
    last_fetch: datetime | None = None
    last_success: datetime | None = None
    last_status: int | None = None
    next_fetch: datetime | None = None
    not_before: datetime | None = None
    """Retry-After: not even a refresh by hand fetches it earlier."""
    error: str | None = None
    error_kind: str | None = None
    errors_in_a_row: int = 0
    gone: bool = False
    moved_to: str | None = None
    """A permanent redirect's target seen ``moved_seen`` refreshes in a row."""
    moved_seen: int = 0
    last_new: int = 0
    """Articles the last refresh added from it."""

    @property
    def carrier(self) -> str:
        """How the library records that an article came from this feed."""
        return "feed:" + self.url

    @property
    def name(self) -> str:
        return self.title or self.url


def subscription_from_row(row: tuple[Any, ...]) -> Subscription:
    (id_, uid, url, title, site, folder, full, interval, added, etag, modified, body_hash,
     ttl, last_fetch, last_success, status, next_fetch, not_before, error, kind, errors,
     gone, moved_to, moved_seen, last_new) = row  # fmt: skip
    return Subscription(
        id=int(id_),
        uid=uid,
        url=url,
        title=title,
        site_url=site,
        folder=folder,
        full_text=bool(full),
        interval_minutes=int(interval),
        added=parse_datetime(added),
        etag=etag,
        last_modified=modified,
        body_hash=body_hash,
        ttl_minutes=ttl,
        last_fetch=parse_datetime(last_fetch),
        last_success=parse_datetime(last_success),
        last_status=status,
        next_fetch=parse_datetime(next_fetch),
        not_before=parse_datetime(not_before),
        error=error,
        error_kind=kind,
        errors_in_a_row=int(errors),
        gone=bool(gone),
        moved_to=moved_to,
        moved_seen=int(moved_seen),
        last_new=int(last_new),
    )


def when(value: datetime | None) -> str | None:
    return iso(value) if value is not None else None


def connect(path: Path | str) -> sqlite3.Connection:
    """The feeds' connection to the library database, schema created or checked."""
    try:
        conn = sqlite.connect(path, synchronous="FULL")
        ensure_schema(conn)
    except sqlite3.DatabaseError as error:
        raise StorageError(sqlite.trouble(error, path, "the library database")) from error
    return conn


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the tables once; a newer schema than this code knows is refused."""
    try:
        row = conn.execute("SELECT value FROM feeds_meta WHERE key = 'schema'").fetchone()
    except sqlite3.OperationalError:
        row = None
    if row is not None and int(row[0]) == SCHEMA_VERSION:
        return
    if row is not None and int(row[0]) > SCHEMA_VERSION:
        raise StorageError(
            f"the subscriptions were written by a newer newsreader (schema {row[0]}); upgrade"
        )
    conn.executescript(SCHEMA)
    conn.execute(
        "INSERT OR REPLACE INTO feeds_meta (key, value) VALUES ('schema', ?)",
        (str(SCHEMA_VERSION),),
    )
