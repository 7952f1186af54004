"""Which carriers hold each article: the files it was read from, later the subscriptions.

An article read from two files (two copies of a feed, two saves of one page)
is one article with two carriers. Removing a carrier removes only what no
other carrier still holds: ``add --prune`` after deleting one copy keeps the
article the other copy holds. A file's carrier name is its absolute path; a
subscription's is ``feed:`` and its URL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager

from index.sqlite import atomic, immediate

FEED_CARRIER = "feed:"
"""A subscription's carrier is this prefix and its URL; a file's is its absolute path."""

CHUNK = 500
"""Ids per ``IN (...)`` query (SQLite allows 999 parameters on older builds)."""

CARRIERS_SCHEMA = """
CREATE TABLE IF NOT EXISTS carriers (
    carrier TEXT NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (carrier, article_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS carriers_article ON carriers(article_id);
"""


class CarrierTable:
    """The carriers table's queries (a part of :class:`~index.home.store.Store`)."""

    _conn: sqlite3.Connection

    def _atomic(self) -> AbstractContextManager[None]:
        return atomic(self._conn)

    def carry(self, carrier: str, ids: Sequence[str], *, replace: bool = True) -> None:
        """Record that ``carrier`` holds ``ids``: instead of what it held (``replace``),
        or as well (a subscription keeps entries that dropped out of its feed)."""
        with self._atomic():
            if replace:
                self._conn.execute("DELETE FROM carriers WHERE carrier = ?", (carrier,))
            self._conn.executemany(
                "INSERT OR IGNORE INTO carriers (carrier, article_id) VALUES (?, ?)",
                [(carrier, article_id) for article_id in dict.fromkeys(ids)],
            )

    def uncarry(self, carrier: str, ids: Sequence[str]) -> None:
        """``carrier`` no longer holds ``ids`` (retention let them go)."""
        with self._atomic():
            self._conn.executemany(
                "DELETE FROM carriers WHERE carrier = ? AND article_id = ?",
                [(carrier, article_id) for article_id in ids],
            )

    def carried_by(self, carrier: str) -> tuple[str, ...]:
        rows = self._conn.execute(
            "SELECT article_id FROM carriers WHERE carrier = ? ORDER BY article_id", (carrier,)
        )
        return tuple(row[0] for row in rows.fetchall())

    def carriers_of(self, article_id: str) -> tuple[str, ...]:
        return self.carriers_for([article_id]).get(article_id, ())

    def carriers_for(self, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """The carriers of each of ``ids`` that has any."""
        found: dict[str, list[str]] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT article_id, carrier FROM carriers WHERE article_id IN ({marks})"
                " ORDER BY carrier",
                tuple(chunk),
            )
            for article_id, carrier in rows.fetchall():
                found.setdefault(article_id, []).append(carrier)
        return {article_id: tuple(carriers) for article_id, carriers in found.items()}

    def uncarried(self, ids: Sequence[str]) -> list[str]:
        """Those of ``ids`` that no carrier holds (in the order given)."""
        carried = self.carriers_for(ids)
        return [article_id for article_id in dict.fromkeys(ids) if article_id not in carried]

    def carriers_missing_articles(self) -> list[str]:
        """Carriers that name an article the store does not have.

        An older newsreader's ``add --prune`` deleted articles another file
        still held, and that file, unchanged, was never read again: its
        articles came back only when it was edited. ``add`` reads these again.
        """
        rows = self._conn.execute(
            "SELECT DISTINCT carrier FROM carriers"
            " WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = carriers.article_id)"
        )
        return [row[0] for row in rows.fetchall()]


def carriers_from_files(conn: sqlite3.Connection) -> None:
    """Set the files' carriers from ``files.article_ids`` (a library before version 3, or
    one an older newsreader wrote to since); subscriptions' carriers are left as they are.

    Every version keeps that column exact, so it is the truth about files here.
    """
    rows = conn.execute("SELECT path, article_ids FROM files").fetchall()
    pairs = [(path, str(article_id)) for path, ids in rows for article_id in _json_list(ids)]
    with immediate(conn):
        conn.execute("DELETE FROM carriers WHERE carrier IN (SELECT path FROM files)")
        conn.executemany(
            "INSERT OR IGNORE INTO carriers (carrier, article_id) VALUES (?, ?)", pairs
        )


def _json_list(text: str | None) -> list[object]:
    """A JSON list, or [] for anything else (a damaged column loses only its own row)."""
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []
