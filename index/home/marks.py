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
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from index.home import tally
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
        state: Literal["read", "starred"] = "read" if column == "read_at" else "starred"
        current, version = self._current(state)
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
        if changed and not self._conn.in_transaction:  # committed: the cached set follows
            self._follow(state, current, version, changed, on=on)
        return changed

    def _marked_key(self, state: str) -> tuple[object, ...]:
        return (state, self._conn.execute("PRAGMA data_version").fetchone()[0],
                self._conn.total_changes)  # fmt: skip

    def _current(self, state: str) -> tuple[frozenset[str] | None, object]:
        """The cached set of ``state`` if nothing has changed since it was read, and the
        database's version now (which :meth:`_follow` compares after the write)."""
        key = self._marked_key(state)
        found = self.__dict__.get("_marked_cache", {}).get(state)
        return (found[1] if found is not None and found[0] == key else None), key[1]

    def _follow(
        self,
        state: str,
        before: frozenset[str] | None,
        version: object,
        changed: list[str],
        *,
        on: bool,
    ) -> None:
        """After this connection committed marks: the cached set of ``state`` becomes what
        reading it back would give, without reading 50,000 rows (a set operation in C), if
        it was current before the write; else the next read loads it."""
        cache: dict[str, tuple[object, frozenset[str]]] = self.__dict__.setdefault(
            "_marked_cache", {}
        )
        if before is None or self._marked_key(state)[1] != version:
            cache.pop(state, None)  # unknown before, or another process committed meanwhile
            return
        ids = before | frozenset(changed) if on else before - frozenset(changed)
        cache[state] = (self._marked_key(state), ids)

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
        key = self._marked_key(state)
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

    def mark_counts(self) -> dict[str, int]:
        """``articles``, ``unread``, ``starred`` and ``starred_unread`` of the stored
        articles, as the tally keeps them (``index.home.tally``)."""
        counts = tally.kept(self._conn)
        articles, unread = counts.get(tally.ALL, (0, 0))
        starred, starred_unread = counts.get(tally.STARRED, (0, 0))
        return {"articles": articles, "unread": unread, "starred": starred,
                "starred_unread": starred_unread}  # fmt: skip


class SourceCounts:
    """Counts for the sources pane (a part of the store, as above), as the library's
    ``tally`` keeps them (``index.home.tally``): a read of ~500 rows, however many
    articles the sources hold."""

    _conn: sqlite3.Connection

    def ensure_tally(self) -> None:
        """Give a library from before the tally its counts (no write when it has them; a
        read-only library goes without and is counted afresh each time)."""
        with suppress(sqlite3.OperationalError):
            tally.install(self._conn)

    def source_counts(self) -> dict[str, tuple[int, int]]:
        """(articles, unread) of every feed carrier (``feed:...``) and of every added
        folder (its path without the final ``/``: the articles some file inside it
        carries)."""
        counts = tally.kept(self._conn)
        counts.pop(tally.ALL, None)
        counts.pop(tally.STARRED, None)
        return counts
