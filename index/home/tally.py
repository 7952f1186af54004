"""The sources pane's counts, kept by SQLite itself as articles, marks and carriers change.

Counting which of 100,000 articles each of 500 feeds and every added folder holds,
and how many of those are unread, is a grouping of 200,000 carrier rows against the
marks: a third of a second on this machine, every time a process starts. So the
counts live in a table of their own (``tally``: one row per source), and triggers on
``articles``, ``marks``, ``carriers`` and ``folders`` move them inside the very
transaction that changes what they count. Any process, this version or a script of
its own, keeps them right; the pane reads ~500 rows.

Rows:

- ``all:``: every stored article, and how many are unread (the header's count);
- ``starred:``: the starred stored articles, and how many of those are unread;
- a feed's carrier (``feed:URL``): the articles it carries, unread among them;
- an added folder (its path without the final ``/``): the articles some file inside it
  carries, each counted once however many of its files carry it.

A subscription or a file carries what the home keeps stored, so source rows do not ask
whether an article is stored; the ``all:`` and ``starred:`` rows do (a removed
article's marks stay, for when it comes back).

:func:`fill` counts everything afresh (a library from before the tally, ``recover``);
:func:`fresh` gives the same numbers without writing (a read-only library, and the tests
that compare the kept counts with a count from scratch).
"""

from __future__ import annotations

import sqlite3

from index.sqlite import immediate

ALL = "all:"
STARRED = "starred:"

_FEED = "{c} >= 'feed:' AND {c} < 'feed;'"
_ROOT = "rtrim({f}.path, '/')"
_UNDER = "{c} > {root} || '/' AND {c} < {root} || '0'"
"""``{c}`` is a file inside the folder ``{root}`` ('0' follows '/')."""
_READ = "EXISTS (SELECT 1 FROM marks WHERE article_id = {a} AND read_at IS NOT NULL)"
_STARRED = "EXISTS (SELECT 1 FROM marks WHERE article_id = {a} AND starred_at IS NOT NULL)"
_STORED = "EXISTS (SELECT 1 FROM articles WHERE id = {a})"


def _under(carrier: str, folder: str = "f") -> str:
    return _UNDER.format(c=carrier, root=_ROOT.format(f=folder))


def _sources_of(article: str) -> str:
    """The tally rows of the sources that hold ``article`` (feeds and added folders)."""
    return (
        f"SELECT carrier FROM carriers WHERE article_id = {article} AND {_FEED.format(c='carrier')}"
        f" UNION SELECT {_ROOT.format(f='f')} FROM folders f WHERE EXISTS"
        f" (SELECT 1 FROM carriers c WHERE c.article_id = {article} AND {_under('c.carrier')})"
    )


def _mark_change(article: str, r0: str, r1: str, s0: str, s1: str) -> str:
    """The statements that move the counts when ``article``'s read state goes from ``r0``
    to ``r1`` and its starred state from ``s0`` to ``s1`` (each an SQL 0/1)."""
    stored = _STORED.format(a=article)
    return (
        f"UPDATE tally SET unread = unread + ({r0}) - ({r1})"
        f" WHERE source = '{ALL}' AND {stored};"
        f" UPDATE tally SET articles = articles + ({s1}) - ({s0}),"
        f" unread = unread + ({s1}) * (1 - ({r1})) - ({s0}) * (1 - ({r0}))"
        f" WHERE source = '{STARRED}' AND {stored};"
        f" UPDATE tally SET unread = unread + ({r0}) - ({r1})"
        f" WHERE ({r0}) != ({r1}) AND source IN ({_sources_of(article)});"
    )


def _carrier_change(row: str, step: int) -> str:
    """The statements that move the counts when the carrier row ``row`` (``new`` or
    ``old``) is inserted (``step`` 1) or deleted (-1)."""
    carrier, article = f"{row}.carrier", f"{row}.article_id"
    unread = f"(NOT {_READ.format(a=article)})"
    # A folder counts an article once: it moves only if no other of its files carries it
    # (after an insert the new row is there too, so it is left out of the question).
    others = (
        f"NOT EXISTS (SELECT 1 FROM carriers c WHERE c.article_id = {article}"
        f" AND c.carrier != {carrier} AND {_under('c.carrier')})"
    )
    folders = f"SELECT {_ROOT.format(f='f')} FROM folders f WHERE {_under(carrier)} AND {others}"
    return (
        f"INSERT OR IGNORE INTO tally (source) SELECT {carrier} WHERE {_FEED.format(c=carrier)};"
        f" INSERT OR IGNORE INTO tally (source) {folders};"
        f" UPDATE tally SET articles = articles + {step}, unread = unread + {step} * {unread}"
        f" WHERE source = {carrier} AND {_FEED.format(c=carrier)};"
        f" UPDATE tally SET articles = articles + {step}, unread = unread + {step} * {unread}"
        f" WHERE source IN ({folders});"
    )


def _article_change(article: str, step: int) -> str:
    unread = f"(NOT {_READ.format(a=article)})"
    return (
        f"UPDATE tally SET articles = articles + {step}, unread = unread + {step} * {unread}"
        f" WHERE source = '{ALL}';"
        f" UPDATE tally SET articles = articles + {step}, unread = unread + {step} * {unread}"
        f" WHERE source = '{STARRED}' AND {_STARRED.format(a=article)};"
    )


_NEW_FOLDER = _UNDER.format(c="c.carrier", root="rtrim(new.path, '/')")


def _is(column: str) -> str:
    return f"({column} IS NOT NULL)"


SCHEMA = [
    "CREATE TABLE IF NOT EXISTS tally ("
    " source TEXT PRIMARY KEY, articles INTEGER NOT NULL DEFAULT 0,"
    " unread INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID",
    "CREATE TRIGGER IF NOT EXISTS tally_article_in AFTER INSERT ON articles BEGIN "
    + _article_change("new.id", 1)
    + " END",
    "CREATE TRIGGER IF NOT EXISTS tally_article_out AFTER DELETE ON articles BEGIN "
    + _article_change("old.id", -1)
    + " END",
    "CREATE TRIGGER IF NOT EXISTS tally_mark_in AFTER INSERT ON marks BEGIN "
    + _mark_change("new.article_id", "0", _is("new.read_at"), "0", _is("new.starred_at"))
    + " END",
    "CREATE TRIGGER IF NOT EXISTS tally_mark_change AFTER UPDATE ON marks BEGIN "
    + _mark_change(
        "new.article_id",
        _is("old.read_at"),
        _is("new.read_at"),
        _is("old.starred_at"),
        _is("new.starred_at"),
    )
    + " END",
    "CREATE TRIGGER IF NOT EXISTS tally_mark_out AFTER DELETE ON marks BEGIN "
    + _mark_change("old.article_id", _is("old.read_at"), "0", _is("old.starred_at"), "0")
    + " END",
    "CREATE TRIGGER IF NOT EXISTS tally_carrier_in AFTER INSERT ON carriers BEGIN "
    + _carrier_change("new", 1)
    + " END",
    "CREATE TRIGGER IF NOT EXISTS tally_carrier_out AFTER DELETE ON carriers BEGIN "
    + _carrier_change("old", -1)
    + " END",
    # A folder added after its files (or before them: then the carriers' trigger counts).
    "CREATE TRIGGER IF NOT EXISTS tally_folder_in AFTER INSERT ON folders BEGIN "
    f" INSERT OR REPLACE INTO tally (source, articles, unread)"
    f" SELECT rtrim(new.path, '/'), COUNT(DISTINCT c.article_id),"
    f" COUNT(DISTINCT CASE WHEN m.read_at IS NULL THEN c.article_id END)"
    f" FROM carriers c LEFT JOIN marks m ON m.article_id = c.article_id"
    f" WHERE {_NEW_FOLDER}; END",
    "CREATE TRIGGER IF NOT EXISTS tally_folder_out AFTER DELETE ON folders BEGIN "
    " DELETE FROM tally WHERE source = rtrim(old.path, '/'); END",
]
"""The table and its triggers (each a statement of its own)."""

_OLD = [
    "DROP TRIGGER IF EXISTS carriers_added",
    "DROP TRIGGER IF EXISTS carriers_removed",
    "DROP TABLE IF EXISTS membership_generation",
]
"""What counted before the tally (a generation the counts in memory were kept against)."""

_FRESH = f"""
SELECT '{ALL}', COUNT(*), COUNT(*) - (SELECT COUNT(*) FROM marks m JOIN articles a
    ON a.id = m.article_id WHERE m.read_at IS NOT NULL) FROM articles
UNION ALL
SELECT '{STARRED}', COUNT(*), total(m.read_at IS NULL) FROM marks m JOIN articles a
    ON a.id = m.article_id WHERE m.starred_at IS NOT NULL
UNION ALL
SELECT c.carrier, COUNT(*), total(m.read_at IS NULL) FROM carriers c
    LEFT JOIN marks m ON m.article_id = c.article_id
    WHERE {_FEED.format(c="c.carrier")} GROUP BY c.carrier
UNION ALL
SELECT {_ROOT.format(f="f")}, COUNT(DISTINCT c.article_id),
    COUNT(DISTINCT CASE WHEN m.read_at IS NULL THEN c.article_id END)
    FROM folders f JOIN carriers c ON {_under("c.carrier")}
    LEFT JOIN marks m ON m.article_id = c.article_id GROUP BY 1
"""


def present(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tally'"
    ).fetchone()
    return row is not None


def fresh(conn: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """Every count from scratch: source -> (articles, unread)."""
    return {str(source): (int(n), int(unread)) for source, n, unread in conn.execute(_FRESH)}


def kept(conn: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """The counts as the triggers keep them (``fresh`` when the library has no tally)."""
    if not present(conn):
        return fresh(conn)
    rows = conn.execute("SELECT source, articles, unread FROM tally")
    return {str(source): (int(n), int(unread)) for source, n, unread in rows}


def install(conn: sqlite3.Connection) -> None:
    """Give a library the tally, its triggers and its first counts, in one transaction,
    when it lacks them (nothing is written when they are there)."""
    if present(conn):
        return
    with immediate(conn):
        for statement in _OLD + SCHEMA:
            conn.execute(statement)
        _refill(conn)


def fill(conn: sqlite3.Connection) -> None:
    """Count everything again (after ``recover`` copied rows in, whatever their order)."""
    with immediate(conn):
        _refill(conn)


def _refill(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM tally")
    conn.executemany(
        "INSERT INTO tally (source, articles, unread) VALUES (?, ?, ?)",
        [(source, n, unread) for source, (n, unread) in fresh(conn).items()],
    )
