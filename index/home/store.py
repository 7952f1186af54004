"""SQLite state of a library: article texts and analyses, and what was ingested from where.

The Whoosh index answers queries; this database holds what is shown (full
bodies, entity and date spans) and the bookkeeping that makes ``add``
incremental: each file's size and mtime, and which carriers (files, later
subscriptions) hold each article. WAL mode, one transaction per batch.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import cast

from index import sqlite
from index.codec import analysis_from_json, analysis_to_json, iso, parse_datetime
from index.errors import StorageError
from index.home.carriers import CARRIERS_SCHEMA, CHUNK, CarrierTable, carriers_from_files
from index.home.marks import MARKS_SCHEMA, MarkTable, SourceCounts, State
from index.home.rules import RULES_SCHEMA, RuleTable
from index.home.stories import STORIES_SCHEMA, StoryTable
from index.models import Analysis, Article, DateOrigin
from index.sqlite import immediate

SCHEMA_VERSION = 7
"""2: the articles_published index (for paging the article list by date).
3: the carriers table (which files and subscriptions hold each article), filled
from ``files.article_ids`` when an older library is opened.
4: the marks table (read, starred: ``index.home.marks``) and the newest-first index.
5: the folders added (the sources pane and ``feed:NAME`` name them), saved searches.
6: filter rules, the articles they hid and the tags they gave (``index.home.rules``).
7: stories (``index.home.stories``); the articles of an older library are grouped by the
next ``add``."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    published TEXT,
    date_origin TEXT NOT NULL DEFAULT 'none',
    content_hash TEXT NOT NULL,
    analysis TEXT,
    added TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now'))
);
CREATE INDEX IF NOT EXISTS articles_path ON articles(path);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published, id);
CREATE INDEX IF NOT EXISTS articles_newest
    ON articles((date_origin = 'file'), published DESC, id DESC);
CREATE TABLE IF NOT EXISTS saved_searches (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    query TEXT NOT NULL,
    added TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now'))
);
CREATE TABLE IF NOT EXISTS folders (
    path TEXT PRIMARY KEY,
    added TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now'))
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    article_ids TEXT NOT NULL DEFAULT '[]',
    error TEXT
);
"""


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What the library knows of a source file from the last ``add``."""

    path: str
    mtime_ns: int
    size: int
    article_ids: tuple[str, ...]
    """What the file carries (read from the carriers table)."""
    error: str | None


@dataclass(frozen=True, slots=True)
class RecentRow:
    """What the article list shows of an article (no body)."""

    id: str
    title: str
    published: datetime | None
    source: str
    path: str
    url: str
    date_origin: DateOrigin = "none"


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as stored, with its analysis."""

    article: Article
    analysis: Analysis


def connect(path: Path | str) -> sqlite3.Connection:
    """Open the library database (WAL, foreign keys, a busy timeout; read-only when its
    folder cannot be written); one line naming the cause if it cannot be opened."""
    try:
        return sqlite.connect(path, synchronous="NORMAL")
    except sqlite3.DatabaseError as error:
        raise StorageError(sqlite.trouble(error, path, "the library database")) from error


_SHOWN = "NOT EXISTS (SELECT 1 FROM hidden h WHERE h.article_id = articles.id)"
"""What a list shows: not what a filter rule hid (``is:hidden`` shows those)."""
_STATE_JOINS: dict[State | None, str] = {
    None: f" WHERE {_SHOWN}",
    "unread": " LEFT JOIN marks m ON m.article_id = articles.id"
    f" WHERE m.read_at IS NULL AND {_SHOWN}",
    "read": f" JOIN marks m ON m.article_id = articles.id WHERE m.read_at IS NOT NULL AND {_SHOWN}",
    "starred": " JOIN marks m ON m.article_id = articles.id"
    f" WHERE m.starred_at IS NOT NULL AND {_SHOWN}",
    "hidden": " JOIN hidden h ON h.article_id = articles.id",
}
"""How :meth:`Store.recent` keeps only the articles in one state."""


class Store(CarrierTable, MarkTable, SourceCounts, RuleTable, StoryTable):
    """Article texts, analyses and file bookkeeping in SQLite."""

    def __init__(self, conn: sqlite3.Connection, *, path: Path | str = "") -> None:
        self._conn = conn
        try:
            # Opening writes nothing when the schema is there: a library on a
            # full disk still opens for reading.
            if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                conn.executescript(
                    _SCHEMA + CARRIERS_SCHEMA + MARKS_SCHEMA + RULES_SCHEMA + STORIES_SCHEMA
                )
                carriers_from_files(conn)
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self.ensure_tally()
        except sqlite3.DatabaseError as error:
            if "disk is full" in str(error):
                raise StorageError(
                    "disk full while creating the library database; free some space and retry"
                ) from error
            raise StorageError(
                sqlite.trouble(error, path or ":memory:", "the library database")
            ) from error

    @classmethod
    def open(cls, path: Path | str) -> Store:
        return cls(connect(path), path=path)

    @classmethod
    def in_memory(cls) -> Store:
        return cls(sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False))

    @property
    def connection(self) -> sqlite3.Connection:
        return self._conn

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with immediate(self._conn):
            yield

    # Articles ---------------------------------------------------------------

    def put_article(self, article: Article, analysis: Analysis) -> None:
        """Store an article, or its new text under the same id. An upsert, not a REPLACE:
        SQLite runs no delete trigger for a row a REPLACE takes away, and the tally counts
        the articles by their triggers (``index.home.tally``)."""
        self._conn.execute(
            "INSERT INTO articles (id, path, title, body, source, author, url,"
            " published, date_origin, content_hash, analysis)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
            " path = excluded.path, title = excluded.title, body = excluded.body,"
            " source = excluded.source, author = excluded.author, url = excluded.url,"
            " published = excluded.published, date_origin = excluded.date_origin,"
            " content_hash = excluded.content_hash, analysis = excluded.analysis,"
            " added = excluded.added",
            (
                article.id,
                article.path,
                article.title,
                article.body,
                article.source,
                article.author,
                article.url,
                iso(article.published),
                article.date_origin,
                article.content_hash,
                analysis_to_json(analysis),
            ),
        )

    def delete_articles(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        self._conn.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i in ids])
        self.forget_stories(ids)

    def article(self, article_id: str) -> StoredArticle | None:
        row = self._conn.execute(
            "SELECT id, path, title, body, source, author, url, published, date_origin, analysis"
            " FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        return _stored(row) if row else None

    def bodies(self, ids: Sequence[str]) -> dict[str, str]:
        """Bodies of several articles, in as few queries as SQLite allows (for snippets)."""
        return self._column_by_id("body", ids)

    def published_of(self, ids: Sequence[str]) -> dict[str, datetime | None]:
        return {i: parse_datetime(v) for i, v in self._column_by_id("published", ids).items()}

    def _column_by_id(self, column: str, ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk_start in range(0, len(ids), CHUNK):
            chunk = ids[chunk_start : chunk_start + CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT id, {column} FROM articles WHERE id IN ({marks})", tuple(chunk)
            )
            found.update(rows.fetchall())
        return found

    def save_search(self, name: str, query: str) -> bool:
        """Keep ``query`` under ``name`` (replacing one of that name); True when new."""
        with immediate(self._conn):
            known = self._conn.execute(
                "SELECT 1 FROM saved_searches WHERE name = ?", (name,)
            ).fetchone()
            self._conn.execute(
                "INSERT INTO saved_searches (name, query) VALUES (?, ?)"
                " ON CONFLICT(name) DO UPDATE SET query = excluded.query",
                (name, query),
            )
        return known is None

    def saved_searches(self) -> list[tuple[str, str]]:
        rows = self._conn.execute(
            "SELECT name, query FROM saved_searches ORDER BY name COLLATE NOCASE"
        )
        return [(name, query) for name, query in rows]

    def remove_saved_search(self, name: str) -> bool:
        with immediate(self._conn):
            gone = self._conn.execute("DELETE FROM saved_searches WHERE name = ?", (name,))
        return gone.rowcount > 0

    def remember_folders(self, folders: Sequence[str]) -> None:
        """The folders given to ``add`` (absolute paths), as sources of their own."""
        if folders:
            with immediate(self._conn):
                self._conn.executemany(
                    "INSERT OR IGNORE INTO folders (path) VALUES (?)", [(f,) for f in folders]
                )

    def folders(self) -> list[str]:
        return [row[0] for row in self._conn.execute("SELECT path FROM folders ORDER BY path")]

    def folder_named(self, name: str) -> str | None:
        """An added folder by its path, or by its last part when only one is called so."""
        folders = self.folders()
        wanted = name.rstrip("/")
        if wanted in folders:
            return wanted
        named = [f for f in folders if Path(f).name.casefold() == wanted.casefold()]
        return named[0] if len(named) == 1 else None

    def carried_under(self, folder: str) -> set[str]:
        """The articles some file inside ``folder`` carries (one range of the carriers'
        primary key: ``folder/`` up to ``folder0``, '0' following '/')."""
        prefix = folder.rstrip("/")
        rows = self._conn.execute(
            "SELECT article_id FROM carriers WHERE carrier >= ? AND carrier < ?",
            (prefix + "/", prefix + "0"),
        )
        return {row[0] for row in rows}

    def recent(self, *, limit: int, offset: int = 0, state: State | None = None) -> list[RecentRow]:
        """One page of articles, newest first, without their bodies: those whose date is
        stated (in the file or the text) first, then those dated only by their file's
        time (a folder of undated files would otherwise flood the top with "today"),
        then the undated.

        Walks the ``articles_newest`` index: a page costs the same at 100,000
        articles as at 100, where sorting the search index by date costs a pass
        over every document.
        """
        rows = self._conn.execute(
            "SELECT id, title, published, source, path, url, date_origin FROM articles"
            f"{_STATE_JOINS[state]}"
            " ORDER BY (date_origin = 'file'), published DESC, id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [
            RecentRow(i, title, parse_datetime(published), source, path, url, origin)
            for i, title, published, source, path, url, origin in rows.fetchall()
        ]

    def content_hashes(self, ids: Sequence[str]) -> dict[str, str]:
        return self._column_by_id("content_hash", ids)

    def paths(self, ids: Sequence[str]) -> dict[str, str]:
        """The file each article's stored version was read from."""
        return self._column_by_id("path", ids)

    def date_origins(self, ids: Sequence[str]) -> dict[str, DateOrigin]:
        """Where each article's date came from (the search index does not hold it)."""
        return cast("dict[str, DateOrigin]", self._column_by_id("date_origin", ids))

    def article_text(self, article_id: str) -> Article | None:
        """An article without its analysis (what a bookmark is anchored in)."""
        stored = self.article(article_id)
        return stored.article if stored is not None else None

    def id_for_url(self, url: str) -> str | None:
        """The id of an article with this URL, if the library has one."""
        if not url:
            return None
        row = self._conn.execute("SELECT id FROM articles WHERE url = ? LIMIT 1", (url,))
        found = row.fetchone()
        return str(found[0]) if found else None

    def article_count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def article_ids(self) -> list[str]:
        return [row[0] for row in self._conn.execute("SELECT id FROM articles")]

    # Files ------------------------------------------------------------------

    def file(self, path: str) -> FileRecord | None:
        row = self._conn.execute(
            "SELECT path, mtime_ns, size, error FROM files WHERE path = ?", (path,)
        ).fetchone()
        if row is None:
            return None
        return FileRecord(row[0], row[1], row[2], self.carried_by(path), row[3])

    def files(self) -> Iterator[FileRecord]:
        rows = self._conn.execute(
            "SELECT f.path, f.mtime_ns, f.size, f.error, c.article_id FROM files f"
            " LEFT JOIN carriers c ON c.carrier = f.path ORDER BY f.path"
        ).fetchall()
        for path, group in itertools.groupby(rows, key=lambda row: row[0]):
            found = list(group)
            _, mtime_ns, size, error, _ = found[0]
            ids = tuple(row[4] for row in found if row[4] is not None)
            yield FileRecord(path, mtime_ns, size, ids, error)

    def put_file(self, record: FileRecord) -> None:
        """The file's size, mtime and error, and that it carries ``record.article_ids``.

        The ids are also written to the old ``files.article_ids`` column: an
        older newsreader opening this library finds its bookkeeping where it
        was, and this one, opening the library after it, takes the files'
        carriers from there again (see ``carriers_from_files``).
        """
        with self._atomic():
            self.carry(record.path, record.article_ids)
            self._conn.execute(
                "INSERT OR REPLACE INTO files (path, mtime_ns, size, article_ids, error)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    record.path,
                    record.mtime_ns,
                    record.size,
                    json.dumps(list(record.article_ids)),
                    record.error,
                ),
            )

    def delete_file(self, path: str) -> None:
        """Forget a file: its record and what it carried."""
        with self._atomic():
            self._conn.execute("DELETE FROM files WHERE path = ?", (path,))
            self._conn.execute("DELETE FROM carriers WHERE carrier = ?", (path,))


def _stored(row: tuple[str, ...]) -> StoredArticle:
    article_id, path, title, body, source, author, url, published, origin, analysis = row
    article = Article(
        id=article_id,
        title=title,
        body=body,
        source=source,
        author=author,
        url=url,
        path=path,
        published=parse_datetime(published),
        date_origin=origin,  # type: ignore[arg-type]
    )
    return StoredArticle(article, analysis_from_json(analysis))
