"""Row-by-row salvage of a damaged SQLite database: one damaged page loses its rows only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from index.home.salvage import salvage_table, tables

PAGE = 4096


def _database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA page_size={PAGE}")
    conn.execute("CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
    conn.execute("CREATE INDEX notes_body ON notes(substr(body, 1, 8))")
    conn.execute("CREATE TABLE pairs (a TEXT, b TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID")
    conn.execute("CREATE INDEX pairs_b ON pairs(b, a)")
    conn.executemany(
        "INSERT INTO notes VALUES (?, ?)",
        [(f"n{number:03d}", f"{number:03d} " + "x" * 1500) for number in range(200)],
    )
    conn.executemany(
        "INSERT INTO pairs VALUES (?, ?)",
        [(f"a{number:04d}" + "y" * 60, f"b{number:04d}") for number in range(3000)],
    )
    conn.commit()
    conn.close()


def _pages(path: Path, table: str) -> list[int]:
    """The table's b-tree pages, root first (from SQLite's ``dbstat`` table)."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT pageno, pagetype FROM dbstat WHERE name = ? ORDER BY path", (table,)
        ).fetchall()
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no dbstat table")
    finally:
        conn.close()
    return [int(page) for page, kind in rows if kind in ("leaf", "internal")]


def _damage(path: Path, page: int) -> None:
    with path.open("r+b") as handle:
        handle.seek((page - 1) * PAGE)
        handle.write(b"\xa5" * PAGE)


def test_a_damaged_leaf_loses_its_rows_only(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    _database(path)
    pages = _pages(path, "notes")
    leaves = pages[1:]
    assert len(leaves) > 20
    _damage(path, leaves[5])
    _damage(path, leaves[12])
    conn = sqlite3.connect(path)
    try:
        try:
            conn.execute("SELECT count(*) FROM notes NOT INDEXED").fetchone()
            raise AssertionError("the damage should stop a plain walk of the table")
        except sqlite3.DatabaseError:
            pass
        found = salvage_table(conn, "notes")
    finally:
        conn.close()
    assert found.damaged
    kept = {row[0] for row in found.rows}
    # A 1.5 KB row: two per page; two pages lost, the other 196 rows kept, and the
    # index (on other pages) names the four that could not be read.
    assert len(kept) == 196 and found.lost == 4
    assert all(row[1].endswith("x" * 1500) for row in found.rows)


def test_a_table_without_rowids_is_read_from_a_covering_index(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    _database(path)
    _damage(path, _pages(path, "pairs")[0])  # its root: the table itself reads nothing
    conn = sqlite3.connect(path)
    try:
        assert set(tables(conn)) == {"notes", "pairs"}
        found = salvage_table(conn, "pairs")
    finally:
        conn.close()
    assert found.damaged and len(found.rows) == 3000
    assert ("a0007" + "y" * 60, "b0007") in found.rows
