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

    def starred_unread(self) -> int:
        return len(self.marked_ids("starred") - self.marked_ids("read"))

    def mark_counts(self) -> dict[str, int]:
        """``articles``, ``unread`` and ``starred``: the articles counted, the marks from
        the sets of :meth:`marked_ids` (which hold only stored articles, and are read from
        the database once per change)."""
        total = int(self._conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        read, starred = self.marked_ids("read"), self.marked_ids("starred")
        return {"articles": total, "unread": total - len(read), "starred": len(starred)}


MEMBERSHIP_SCHEMA = """
CREATE TABLE IF NOT EXISTS membership_generation (n INTEGER NOT NULL);
INSERT INTO membership_generation (n)
    SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM membership_generation);
CREATE TRIGGER IF NOT EXISTS carriers_added AFTER INSERT ON carriers
    BEGIN UPDATE membership_generation SET n = n + 1; END;
CREATE TRIGGER IF NOT EXISTS carriers_removed AFTER DELETE ON carriers
    BEGIN UPDATE membership_generation SET n = n + 1; END;
"""
"""A number every change to the carriers table moves on, by whichever process makes it: the
sources pane's memberships (which articles each feed and folder holds) are kept while it
stands still. A row-level trigger costs microseconds per carrier written."""


_SEPARATOR = "\x1f"
"""Between the ids SQLite's group_concat joins (article ids are hex)."""
FULL_RECOUNT = 200_000
"""Past this many (article, source) checks, a mark recounts every source by set
difference (10,000 articles read at once) instead of moving counts one by one."""


@dataclass(slots=True)
class _Tally:
    """Which articles each source holds, and how many of them are unread."""

    key: tuple[object, ...]
    members: dict[str, frozenset[str]]
    """Source (a feed's carrier, an added folder's path) -> the articles it holds."""
    read: frozenset[str]
    """The read set ``unread`` was counted against."""
    unread: dict[str, int]


class SourceCounts:
    """Counts for the sources pane (a part of the store, as above).

    Grouping 100,000 carriers against the marks in SQL takes most of a second, and the
    pane is redrawn after every article read. So the memberships are read once per state
    of the carriers table (:data:`MEMBERSHIP_SCHEMA`'s generation) and the unread counts
    follow the read set by its difference from the last one: a mark moves the counts of
    the sources that hold the articles marked, nothing else."""

    _conn: sqlite3.Connection

    def ensure_membership_generation(self) -> None:
        """Add the generation table and its triggers to a library that lacks them (no
        write at all when they are there; a read-only library goes without)."""
        present = self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'membership_generation'"
        ).fetchone()
        if present is None:
            with suppress(sqlite3.OperationalError):  # read-only: counted afresh each time
                self._conn.executescript(MEMBERSHIP_SCHEMA)

    def _membership_generation(self) -> int | None:
        try:
            row = self._conn.execute("SELECT n FROM membership_generation").fetchone()
        except sqlite3.OperationalError:
            return None
        return int(row[0]) if row is not None else None

    def source_counts(
        self, folders: Sequence[str], read: frozenset[str]
    ) -> dict[str, tuple[int, int]]:
        """(articles, unread) of every feed carrier (``feed:...``) and of every added
        folder (its path: the articles some file inside it carries), given the read set."""
        generation = self._membership_generation()
        key = (generation, tuple(folders))
        tally: _Tally | None = self.__dict__.get("_tally")
        if tally is None or generation is None or tally.key != key:
            tally = self._new_tally(key, folders, read)
            self.__dict__["_tally"] = tally
        elif read is not tally.read:
            now_read, now_unread = read - tally.read, tally.read - read
            if (len(now_read) + len(now_unread)) * len(tally.members) > FULL_RECOUNT:
                tally.unread = {source: len(ids - read) for source, ids in tally.members.items()}
            else:  # a few articles read: only the sources that hold them move
                for changed, step in ((now_read, -1), (now_unread, 1)):
                    for article_id in changed:
                        for source, ids in tally.members.items():
                            if article_id in ids:
                                tally.unread[source] += step
            tally.read = read
        return {source: (len(ids), tally.unread[source]) for source, ids in tally.members.items()}

    def _new_tally(
        self, key: tuple[object, ...], folders: Sequence[str], read: frozenset[str]
    ) -> _Tally:
        """Each source's articles, grouped by SQLite: a feed's by its carrier, an added
        folder's by the folders of the files it holds (one row per folder, not per file;
        the ids joined in one string that C splits)."""
        roots = {folder.rstrip("/") for folder in folders}
        members: dict[str, set[str]] = {root: set() for root in roots}
        for carrier, ids in self._conn.execute(
            "SELECT carrier, group_concat(article_id, char(31)) FROM carriers"
            " WHERE carrier >= 'feed:' AND carrier < 'feed;' GROUP BY carrier"
        ):
            members[carrier] = set(ids.split(_SEPARATOR))
        # rtrim(path, every character but '/'): the folder, with its final '/'.
        for folder, ids in self._conn.execute(
            "SELECT rtrim(carrier, replace(carrier, '/', '')), group_concat(article_id, char(31))"
            " FROM carriers WHERE NOT (carrier >= 'feed:' AND carrier < 'feed;') GROUP BY 1"
        ):
            held = ids.split(_SEPARATOR)
            parent = folder.rstrip("/")
            while parent:  # every added folder the files are inside
                if parent in roots:
                    members[parent].update(held)
                parent = parent.rpartition("/")[0]
        frozen = {source: frozenset(ids) for source, ids in members.items()}
        unread = {source: len(ids - read) for source, ids in frozen.items()}
        return _Tally(key, frozen, read, unread)

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
