"""One way to write to SQLite here: an immediate transaction, committed or rolled back whole.

``BEGIN IMMEDIATE`` takes the write lock up front, so two writers queue (within
the busy timeout) instead of deadlocking when both try to upgrade a read.
Every store of the core (articles, carriers, bookmarks, subscriptions) writes
through :func:`immediate`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


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
