"""One way to write to SQLite here: an immediate transaction, committed or rolled back whole.

``BEGIN IMMEDIATE`` takes the write lock up front, so two writers queue (within
the busy timeout) instead of deadlocking when both try to upgrade a read.
Every store of the core (articles, carriers, bookmarks, subscriptions) writes
through :func:`immediate`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from index.paths import why_unwritable


def connect(
    path: Path | str, *, synchronous: str, check_same_thread: bool = True
) -> sqlite3.Connection:
    """The library database in WAL mode, or, when its folder cannot be written, read-only.

    WAL needs its ``-shm`` and ``-wal`` files next to the database: on a
    read-only mount, a full disk or a folder without write permission even a
    reader cannot create them, and every command failed as if the database
    were damaged. There the database is opened ``mode=ro`` (a writer elsewhere
    keeps its files), else ``immutable=1`` (nobody can write it either): reads
    work, and a write fails with SQLite's ``readonly database``, which the
    callers turn into the folder's real trouble (see :func:`why_unwritable`).
    """
    try:
        conn = sqlite3.connect(
            str(path), timeout=30.0, isolation_level=None, check_same_thread=check_same_thread
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA synchronous={synchronous}")
            conn.execute("PRAGMA foreign_keys=ON")
        except BaseException:
            conn.close()
            raise
        return conn
    except sqlite3.OperationalError:
        path = Path(path)
        if not path.exists() or why_unwritable(path.parent) is None:
            raise
        for mode in ("mode=ro", "immutable=1"):
            try:
                conn = sqlite3.connect(
                    f"file:{quote(str(path))}?{mode}",
                    uri=True,
                    timeout=30.0,
                    isolation_level=None,
                    check_same_thread=check_same_thread,
                )
            except sqlite3.OperationalError:
                continue
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                conn.execute("PRAGMA foreign_keys=ON")
                return conn
            except sqlite3.OperationalError:
                conn.close()
        raise


def trouble(error: sqlite3.Error, path: Path | str, what: str) -> str:
    """The one line for a database that failed to open or write, naming the real cause.

    Only damage (SQLite's ``malformed``, ``not a database``: a
    ``DatabaseError`` that is not an ``OperationalError``) points to
    ``recover``; a read-only file system, a full disk or a missing permission
    is said as such, since ``recover`` would set a healthy database aside.
    """
    cause = why_unwritable(Path(path).parent)
    if cause is not None or "disk is full" in str(error):
        cause = cause or f"the disk holding {Path(path).parent} is full"
        return f"cannot write {what} {path}: {cause} ({error})"
    if isinstance(error, sqlite3.OperationalError):
        return f"cannot use {what} {path}: {error}"
    return (
        f"{what} {path} is damaged ({error}). "
        "Run `newsreader recover` to back it up and start a fresh one."
    )


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A transaction on ``conn``: committed when the block ends, rolled back if it raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def atomic(conn: sqlite3.Connection) -> Iterator[None]:
    """A transaction of its own, unless the caller is already in one (then it is theirs)."""
    if conn.in_transaction:
        yield
        return
    with immediate(conn):
        yield


CHUNK = 500
"""Values per ``IN (...)`` query (SQLite allows 999 parameters on older builds)."""


def in_chunks(values: Sequence[str], size: int = CHUNK) -> Iterator[tuple[list[str], str]]:
    """``values`` a chunk at a time, each with its ``?,?,…`` placeholders for ``IN (…)``."""
    for start in range(0, len(values), size):
        chunk = list(values[start : start + size])
        yield chunk, ",".join("?" * len(chunk))
