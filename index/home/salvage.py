"""Reading what can still be read from a damaged SQLite database, row by row.

One damaged page loses the rows on that page, not the table: a query that
walks a table stops at the first page it cannot read, so a table is read
here from every way in that SQLite keeps to it. For a table with rowids:
a walk in rowid order that, at a damaged page, seeks past it (further each
time) and reads back the rows it stepped over one by one; and the rowids
each of the table's indexes holds (an index lives on other pages), each
looked up alone. For a table without rowids: its key order and every index
that holds all its columns. Whatever a way in cannot read is skipped, and
the rest goes on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

BACKFILL_MAX = 100_000
"""Rowids looked up one by one across a damaged stretch of a table at most: enough for
the rows of thousands of damaged pages, without probing an endless empty range."""
Row = tuple[Any, ...]


@dataclass
class TableSalvage:
    """The rows read from one table, and how many it is known to have lost."""

    name: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    lost: int = 0
    """Rows an index names that could not be read (a lower bound: an index may be
    damaged too)."""
    damaged: bool = False
    """Some way into the table failed: the rows read may not be all there were."""


def tables(conn: sqlite3.Connection) -> list[str]:
    """The ordinary tables of the database, as far as its schema reads."""
    try:
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    except sqlite3.DatabaseError:
        return []
    return [str(row[0]) for row in rows]


def salvage_table(conn: sqlite3.Connection, table: str) -> TableSalvage:
    """Every row of ``table`` that can be read; see the module's docstring."""
    quoted = quote(table)
    try:
        columns = [str(row[1]) for row in conn.execute(f"PRAGMA table_info({quoted})")]
        indexes = [str(row[1]) for row in conn.execute(f"PRAGMA index_list({quoted})").fetchall()]
        with_rowid = _has_rowid(conn, table)
    except sqlite3.DatabaseError:
        return TableSalvage(table, [], damaged=True)
    found = TableSalvage(table, columns)
    if not columns:
        return found
    if with_rowid:
        _rowid_rows(conn, found, indexes)
    else:
        _keyed_rows(conn, found, indexes)
    return found


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _has_rowid(conn: sqlite3.Connection, table: str) -> bool:
    try:
        conn.execute(f"SELECT rowid FROM {quote(table)} LIMIT 0").fetchall()
    except sqlite3.OperationalError as error:
        if "no such column" in str(error):
            return False
        raise
    return True


def _rowid_rows(conn: sqlite3.Connection, found: TableSalvage, indexes: list[str]) -> None:
    table = quote(found.name)
    listed = ", ".join(quote(column) for column in found.columns)
    rows: dict[int, Row] = {}
    unreadable: set[int] = set()

    def one(rowid: int) -> None:
        if rowid in rows or rowid in unreadable:
            return
        try:
            row = conn.execute(
                f"SELECT rowid, {listed} FROM {table} WHERE rowid = ?", (rowid,)
            ).fetchone()
        except sqlite3.DatabaseError:
            unreadable.add(rowid)
            found.damaged = True
            return
        if row is not None:
            rows[int(row[0])] = tuple(row[1:])

    after = 0
    while True:  # walk in rowid order; at a damaged page, seek past it and walk on
        stopped = _Stopped()
        query = f"SELECT rowid, {listed} FROM {table} WHERE rowid > ? ORDER BY rowid"
        for row in _until_damage(conn, query, found, (after,), stopped):
            rows[int(row[0])] = tuple(row[1:])
            after = int(row[0])
        if not stopped.damaged:
            break
        resumed = _seek_past(conn, table, after)
        if resumed is None:
            break
        for rowid in range(after + 1, min(resumed, after + 1 + BACKFILL_MAX)):
            one(rowid)  # the rows the seek stepped over that are not on the damaged page
        after = resumed - 1
    for index in indexes:  # rowids the indexes hold: those not read yet, looked up alone
        query = f"SELECT rowid FROM {table} INDEXED BY {quote(index)}"
        for (rowid,) in _until_damage(conn, query, found):
            one(int(rowid))
    found.rows = [rows[rowid] for rowid in sorted(rows)]
    found.lost = len(unreadable - set(rows))


def _seek_past(conn: sqlite3.Connection, table: str, after: int) -> int | None:
    """The first rowid a seek can read beyond a damaged page met after rowid ``after``
    (seeking further each time), or None if nothing past it reads."""
    step = 1
    while after + step < 2**62:
        try:
            row = conn.execute(
                f"SELECT rowid FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT 1",
                (after + step,),
            ).fetchone()
        except sqlite3.DatabaseError:
            step *= 2
            continue
        return None if row is None else int(row[0])
    return None


class _Stopped:
    damaged = False


def _keyed_rows(conn: sqlite3.Connection, found: TableSalvage, indexes: list[str]) -> None:
    """A table without rowids: its key order, then each index that holds every column."""
    table = quote(found.name)
    listed = ", ".join(quote(column) for column in found.columns)
    rows: dict[Row, None] = {}
    for row in _until_damage(conn, f"SELECT {listed} FROM {table}", found):
        rows[row] = None
    for index in indexes:
        query = f"SELECT {listed} FROM {table} INDEXED BY {quote(index)}"
        for row in _until_damage(conn, query, found):
            rows[row] = None
    found.rows = list(rows)


def _until_damage(
    conn: sqlite3.Connection,
    query: str,
    found: TableSalvage,
    parameters: tuple[Any, ...] = (),
    stopped: _Stopped | None = None,
) -> Iterator[Row]:
    """The rows ``query`` yields up to the first one it cannot read."""
    try:
        cursor = conn.execute(query, parameters)
        while True:
            row = cursor.fetchone()
            if row is None:
                return
            yield tuple(row)
    except sqlite3.DatabaseError:
        found.damaged = True
        if stopped is not None:
            stopped.damaged = True
