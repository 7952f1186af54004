"""What the reader has done with each article: read or not, starred or not.

The state lives in the library's SQLite database, beside the articles, never
in the Whoosh index: marking 10,000 articles read is one transaction of small
rows, and a re-index (``add`` again, ``recover``'s rebuild, an entry updated
upstream) leaves it alone. An article with no row is unread and not starred,
so every new article, from a file or a feed, arrives unread without a write.
A removed article's row stays: if the same article comes back, so does its
state.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from index.sqlite import atomic, in_chunks

MARKS_SCHEMA = """
CREATE TABLE IF NOT EXISTS marks (
    article_id TEXT PRIMARY KEY,
    read_at TEXT,
    starred_at TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS marks_read ON marks(read_at) WHERE read_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS marks_starred ON marks(starred_at) WHERE starred_at IS NOT NULL;
"""


Mark = Literal["read", "unread", "star", "unstar"]
State = Literal["unread", "read", "starred", "hidden"]
"""What ``is:`` can ask of the marks (``is:bookmarked`` is the bookmark store's)."""


@dataclass(frozen=True, slots=True)
class Marks:
    """One article's state."""

    read: bool = False
    starred: bool = False


NO_MARKS = Marks()
"""An article without a row: unread, not starred."""


def _now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


class MarkTable:
    """The marks table's queries (a part of :class:`~index.home.store.Store`)."""

    _conn: sqlite3.Connection

    def _marking(self) -> AbstractContextManager[None]:
        return atomic(self._conn)

    def mark(self, ids: Sequence[str], how: Mark) -> list[str]:
        """Mark articles read, unread, starred or not; the ids that changed (for an
        undo). Ids the library does not hold are ignored."""
        ids = [i for i in dict.fromkeys(ids) if i]
        column = "read_at" if how in ("read", "unread") else "starred_at"
        on = how in ("read", "star")
        changed: list[str] = []
        with self._marking():
            for chunk, marks in in_chunks(ids):
                present = [
                    row[0]
                    for row in self._conn.execute(
                        f"SELECT a.id FROM articles a LEFT JOIN marks m ON m.article_id = a.id"
                        f" WHERE a.id IN ({marks}) AND (m.{column} IS NULL) = ?",
                        (*chunk, 1 if on else 0),
                    )
                ]
                if not present:
                    continue
                value = _now() if on else None
                self._conn.executemany(
                    f"INSERT INTO marks (article_id, {column}) VALUES (?, ?)"
                    f" ON CONFLICT(article_id) DO UPDATE SET {column} = excluded.{column}",
                    [(article_id, value) for article_id in present],
                )
                changed.extend(present)
        return changed

    def marks_of(self, ids: Sequence[str]) -> dict[str, Marks]:
        """The state of each of ``ids`` that has a row (absent: unread, not starred)."""
        found: dict[str, Marks] = {}
        for chunk, marks in in_chunks(ids):
            rows = self._conn.execute(
                "SELECT article_id, read_at IS NOT NULL, starred_at IS NOT NULL FROM marks"
                f" WHERE article_id IN ({marks})",
                chunk,
            )
            for article_id, read, starred in rows:
                found[article_id] = Marks(bool(read), bool(starred))
        return found

    def marked_ids(self, state: Literal["read", "starred"]) -> frozenset[str]:
        """The ids of the library's articles that are read (or starred). Kept until the
        database changes (this connection's writes, or another's commit), so a query typed
        letter by letter with ``is:unread`` reads the set once: the same object each time,
        which lets the library keep its document numbers too."""
        key = (state, self._conn.execute("PRAGMA data_version").fetchone()[0],
               self._conn.total_changes)  # fmt: skip
        cache: dict[str, tuple[object, frozenset[str]]] = self.__dict__.setdefault(
            "_marked_cache", {}
        )
        found = cache.get(state)
        if found is not None and found[0] == key:
            return found[1]
        column = "read_at" if state == "read" else "starred_at"
        rows = self._conn.execute(
            f"SELECT m.article_id FROM marks m JOIN articles a ON a.id = m.article_id"
            f" WHERE m.{column} IS NOT NULL"
        )
        ids = frozenset(row[0] for row in rows)
        cache[state] = (key, ids)
        return ids

    def starred_unread(self) -> int:
        row = self._conn.execute(
            "SELECT COUNT(*) FROM marks m JOIN articles a ON a.id = m.article_id"
            " WHERE m.starred_at IS NOT NULL AND m.read_at IS NULL"
        ).fetchone()
        return int(row[0])

    def mark_counts(self) -> dict[str, int]:
        """``articles``, ``unread`` and ``starred``, counted from the database."""
        total, read, starred = self._conn.execute(
            "SELECT COUNT(*), COUNT(m.read_at), COUNT(m.starred_at)"
            " FROM articles a LEFT JOIN marks m ON m.article_id = a.id"
        ).fetchone()
        return {"articles": total, "unread": total - read, "starred": starred}


class SourceCounts:
    """Counts for the sources pane, grouped in SQL (a part of the store, as above)."""

    _conn: sqlite3.Connection

    def carrier_counts(self, prefix: str) -> dict[str, tuple[int, int]]:
        """carrier -> (articles, unread), for every carrier starting with ``prefix``."""
        # Carriers name only stored articles (the home keeps them so): no join with articles.
        rows = self._conn.execute(
            "SELECT c.carrier, COUNT(*), SUM(m.read_at IS NULL) FROM carriers c"
            " LEFT JOIN marks m ON m.article_id = c.article_id"
            " WHERE c.carrier >= ? AND c.carrier < ? GROUP BY c.carrier",
            (prefix, prefix + "\U0010ffff"),
        )
        return {carrier: (int(total), int(unread or 0)) for carrier, total, unread in rows}

    def counts_under(self, folder: str) -> tuple[int, int]:
        """(articles, unread) among the articles some file inside ``folder`` carries."""
        prefix = folder.rstrip("/")
        total, unread = self._conn.execute(
            "SELECT COUNT(*), SUM(m.read_at IS NULL) FROM"
            " (SELECT DISTINCT article_id FROM carriers WHERE carrier >= ? AND carrier < ?) c"
            " JOIN articles a ON a.id = c.article_id"
            " LEFT JOIN marks m ON m.article_id = c.article_id",
            (prefix + "/", prefix + "0"),
        ).fetchone()
        return int(total), int(unread or 0)
