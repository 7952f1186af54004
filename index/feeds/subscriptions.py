"""Subscriptions in the library database: add, find, list, remove, and their fetch state.

Every write is one short transaction on the feeds' own connection; a refresh
writes a feed's state only after its articles are committed, so a killed
refresh re-fetches (and finds unchanged) rather than forgets.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from index.codec import parse_datetime
from index.errors import NewsreaderError
from index.feeds.database import COLUMNS, Subscription, connect, now, subscription_from_row, when
from index.sqlite import immediate


class FeedError(NewsreaderError):
    """A subscription that cannot be made, found or changed; the message says why."""


def normalise_url(text: str) -> str:
    """A feed address as stored: scheme and host lower-case, no fragment; a local file
    (a path, or ``file:``) becomes an absolute ``file://`` URL."""
    text = text.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.hostname:
            raise FeedError(f"{text!r} has no host name")
        netloc = parts.netloc.rsplit("@", 1)[-1]
        netloc = netloc.lower()
        return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    if scheme == "file":
        return Path(parts.path).expanduser().resolve().as_uri()
    if scheme and len(scheme) > 1:
        raise FeedError(f"{text!r}: only http(s) and file URLs can be subscribed to")
    path = Path(text).expanduser()
    if path.exists():
        return path.resolve().as_uri()
    if "." in text.split("/", 1)[0] and " " not in text:
        return normalise_url("https://" + text)
    raise FeedError(f"{text!r} is neither a URL nor a file that exists")


EntryRow = tuple[str, str, str, str, datetime]
"""An entry as recorded: key, article id, link, entry hash, first seen."""
StateRecord = tuple[int, list[EntryRow], list[str], dict[str, Any]]
"""A feed after a fetch: its id, entries stored, new tombstones, state columns."""


@dataclass(frozen=True, slots=True)
class KnownEntry:
    article_id: str
    link: str
    entry_hash: str
    """The entry's text as last stored: the same again means nothing to redo."""
    first_seen: datetime


class SubscriptionStore:
    """The feeds' tables, through their own connection to the library database."""

    def __init__(self, path: Path | str) -> None:
        self._conn = connect(path)

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with immediate(self._conn) as conn:
            yield conn

    # Subscriptions --------------------------------------------------------------------

    def add(
        self, url: str, *, title: str = "", folder: str = "", site_url: str = ""
    ) -> tuple[Subscription, bool]:
        """Subscribe (or find the existing subscription); True when it is new."""
        existing = self.by_url(url)
        if existing is not None:
            return existing, False
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO subscriptions (uid, url, title, folder, site_url, added)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (uuid.uuid4().hex, url, title, folder, site_url, when(now())),
            )
        found = self.by_url(url)
        assert found is not None
        return found, True

    def all(self) -> list[Subscription]:
        rows = self._conn.execute(
            f"SELECT {COLUMNS} FROM subscriptions ORDER BY folder, title, url"
        )
        return [subscription_from_row(row) for row in rows.fetchall()]

    def get(self, subscription_id: int) -> Subscription | None:
        row = self._conn.execute(
            f"SELECT {COLUMNS} FROM subscriptions WHERE id = ?", (subscription_id,)
        ).fetchone()
        return subscription_from_row(row) if row else None

    def by_url(self, url: str) -> Subscription | None:
        row = self._conn.execute(f"SELECT {COLUMNS} FROM subscriptions WHERE url = ?", (url,))
        found = row.fetchone()
        return subscription_from_row(found) if found else None

    def find(self, name: str) -> Subscription:
        """A subscription by URL (as typed or normalised), exact title, or id number."""
        candidates = [name.strip()]
        with suppress(FeedError):
            candidates.append(normalise_url(name))
        for url in candidates:
            found = self.by_url(url)
            if found is not None:
                return found
        everything = self.all()
        titled = [s for s in everything if s.title.casefold() == name.strip().casefold()]
        if len(titled) == 1:
            return titled[0]
        if len(titled) > 1:
            raise FeedError(f"{len(titled)} feeds are called {name!r}: name one by its URL")
        if name.strip().isdigit():
            by_id = self.get(int(name))
            if by_id is not None:
                return by_id
        raise FeedError(f"no subscription {name!r} (see `newsreader feeds list`)")

    def remove(self, subscription: Subscription) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM subscriptions WHERE id = ?", (subscription.id,))

    def update(self, subscription_id: int, **fields: Any) -> None:
        """Set some columns of one subscription (datetimes stored as ISO text)."""
        if not fields:
            return
        names = ", ".join(f"{name} = ?" for name in fields)
        values = [when(v) if isinstance(v, datetime) else v for v in fields.values()]
        with self.transaction() as conn:
            conn.execute(
                f"UPDATE subscriptions SET {names} WHERE id = ?", (*values, subscription_id)
            )

    def move(self, subscription: Subscription, url: str) -> Subscription:
        """Give a subscription its new address (a permanent redirect seen several times);
        it keeps its uid, so its articles and state go with it."""
        if self.by_url(url) is not None:
            raise FeedError(f"{subscription.url} moved to {url}, which is already subscribed")
        self.update(subscription.id, url=url, moved_to=None, moved_seen=0)
        moved = self.get(subscription.id)
        assert moved is not None
        return moved

    # Entries and tombstones -------------------------------------------------------------

    def entries(self, subscription_id: int) -> dict[str, KnownEntry]:
        rows = self._conn.execute(
            "SELECT entry_key, article_id, link, entry_hash, first_seen FROM feed_entries"
            " WHERE subscription = ?",
            (subscription_id,),
        )
        return {
            key: KnownEntry(article_id, link, digest, parse_datetime(seen) or now())
            for key, article_id, link, digest, seen in rows.fetchall()
        }

    def article_ids(self, subscription_id: int) -> list[str]:
        rows = self._conn.execute(
            "SELECT DISTINCT article_id FROM feed_entries WHERE subscription = ?",
            (subscription_id,),
        )
        return [row[0] for row in rows.fetchall()]

    def tombstones(self, subscription_id: int) -> set[str]:
        rows = self._conn.execute(
            "SELECT article_id FROM feed_tombstones WHERE subscription = ?", (subscription_id,)
        )
        return {row[0] for row in rows.fetchall()}

    def record_many(self, records: Iterable[StateRecord]) -> None:
        """Several feeds' :meth:`record` in one transaction."""
        with self.transaction():
            for subscription_id, entries, tombstones, state in records:
                self._record(subscription_id, entries, tombstones, state)

    def record(
        self,
        subscription_id: int,
        entries: Iterable[EntryRow],
        *,
        tombstones: Iterable[str] = (),
        state: Mapping[str, Any] | None = None,
    ) -> None:
        """In one transaction: the entries now stored (key, article id, link, hash, first seen),
        newly found tombstones, and the feed's fetch state."""
        with self.transaction():
            self._record(subscription_id, entries, tombstones, state)

    def _record(
        self,
        subscription_id: int,
        entries: Iterable[EntryRow],
        tombstones: Iterable[str],
        state: Mapping[str, Any] | None,
    ) -> None:
        stamp = when(now())
        conn = self._conn
        conn.executemany(
            "INSERT OR REPLACE INTO feed_entries"
            " (subscription, entry_key, article_id, link, entry_hash, first_seen)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(subscription_id, k, a, link, h, when(seen)) for k, a, link, h, seen in entries],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO feed_tombstones (subscription, article_id, removed)"
            " VALUES (?, ?, ?)",
            [(subscription_id, article_id, stamp) for article_id in tombstones],
        )
        if state:
            names = ", ".join(f"{name} = ?" for name in state)
            values = [when(v) if isinstance(v, datetime) else v for v in state.values()]
            conn.execute(
                f"UPDATE subscriptions SET {names} WHERE id = ?", (*values, subscription_id)
            )

    def set_retention(
        self, subscription_id: int, keep_days: int | None, keep_max: int | None
    ) -> None:
        """How long a feed's read articles are kept (None: for ever) and how many at most."""
        with self.transaction() as conn:
            if keep_days is None and keep_max is None:
                conn.execute(
                    "DELETE FROM feed_retention WHERE subscription = ?", (subscription_id,)
                )
            else:
                conn.execute(
                    "INSERT OR REPLACE INTO feed_retention (subscription, keep_days, keep_max)"
                    " VALUES (?, ?, ?)",
                    (subscription_id, keep_days, keep_max),
                )

    def retention(self) -> dict[int, tuple[int | None, int | None]]:
        """subscription id -> (keep_days, keep_max), for the feeds that have a limit."""
        rows = self._conn.execute("SELECT subscription, keep_days, keep_max FROM feed_retention")
        return {int(i): (days, most) for i, days, most in rows}

    def entry_counts(self) -> dict[int, int]:
        rows = self._conn.execute(
            "SELECT subscription, count(DISTINCT article_id) FROM feed_entries"
            " GROUP BY subscription"
        )
        return {int(s): int(n) for s, n in rows.fetchall()}

    # Hosts ------------------------------------------------------------------------------

    def paused_hosts(self, at: datetime) -> dict[str, tuple[datetime, str]]:
        rows = self._conn.execute("SELECT host, paused_until, reason FROM feed_hosts")
        found: dict[str, tuple[datetime, str]] = {}
        for host, until, reason in rows.fetchall():
            moment = parse_datetime(until)
            if moment is not None and moment > at:
                found[host] = (moment, reason)
        return found

    def pause_host(self, host: str, until: datetime, reason: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO feed_hosts (host, paused_until, reason) VALUES (?, ?, ?)"
                " ON CONFLICT(host) DO UPDATE SET reason = excluded.reason,"
                " paused_until = max(paused_until, excluded.paused_until)",
                (host, when(until), reason),
            )
