"""BookmarkStore: passage bookmarks in the library's SQLite database.

Bookmarks are keyed by article id (never by a Whoosh docnum), so they survive
re-indexing, and the store never deletes one because its article changed or
went away: ``reanchor`` finds the passage again in a changed article, and
``sync`` marks the bookmarks of articles that are no longer in the library as
orphaned (and re-anchors them when the article comes back).

The store has its own connection to the database file (WAL, ``synchronous=FULL``
so a committed bookmark survives even a power cut); every write is one
transaction. One lock serialises the connection, so the UI may call it from
worker threads.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.bookmarks import formats as bookmark_formats
from index.bookmarks.anchoring import Anchor, Match, find_quote, locate, make_anchor, trim
from index.codec import iso, parse_datetime
from index.errors import NewsreaderError, StorageError
from index.models import Article, Bookmark, BookmarkStatus

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bookmarks (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    quote TEXT NOT NULL,
    prefix TEXT NOT NULL DEFAULT '',
    suffix TEXT NOT NULL DEFAULT '',
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    checked_hash TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'anchored'
        CHECK (status IN ('anchored', 'moved', 'orphaned')),
    article_title TEXT NOT NULL DEFAULT '',
    article_url TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS bookmarks_article ON bookmarks(article_id);
CREATE TABLE IF NOT EXISTS bookmark_tags (
    bookmark_id TEXT NOT NULL REFERENCES bookmarks(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (bookmark_id, position)
);
CREATE INDEX IF NOT EXISTS bookmark_tags_tag ON bookmark_tags(tag COLLATE NOCASE);
"""

_COLUMNS = (
    "b.id, b.article_id, b.quote, b.prefix, b.suffix, b.start_offset, b.end_offset,"
    " b.content_hash, b.note, b.created, b.updated, b.status, b.article_title"
)

Bookmarks = list[Bookmark]
"""A list of bookmarks (named because ``BookmarkStore.list`` shadows ``list`` in the class)."""
TagCounts = list[tuple[str, int]]


def now() -> datetime:
    """The current time, UTC, as stored on bookmarks."""
    return datetime.now(UTC)


def new_id() -> str:
    """A short random bookmark id (48 bits: plenty for one person's library)."""
    return uuid.uuid4().hex[:12]


def clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags stripped of space and a leading '#', empty ones dropped, duplicates (any case) once."""
    seen: set[str] = set()
    kept: list[str] = []
    for raw in tags:
        tag = raw.strip().lstrip("#").strip()
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            kept.append(tag)
    return tuple(kept)


def _connect(path: Path | str) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(
            str(path), timeout=30.0, isolation_level=None, check_same_thread=False
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.executescript(_SCHEMA)
    except sqlite3.DatabaseError as error:
        raise StorageError(
            f"cannot open the bookmarks in {path}: {error}. "
            f"Run `newsreader recover` to back the database up and start a fresh one."
        ) from error
    return conn


class BookmarkStore:
    """Passage bookmarks: add, list, edit, re-anchor, export and import."""

    def __init__(self, path: Path | str) -> None:
        self._path = str(path)
        self._lock = threading.RLock()
        self._conn = _connect(path)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> BookmarkStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction, taken up front so two writers queue instead of deadlocking."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise StorageError(f"cannot write bookmarks: {error}") from error
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # Adding -----------------------------------------------------------------

    def add(
        self,
        article: Article,
        start: int,
        end: int,
        *,
        note: str = "",
        tags: Iterable[str] = (),
    ) -> Bookmark:
        """Bookmark ``article.body[start:end]`` (surrounding whitespace trimmed)."""
        start, end = trim(article.body, start, end)
        if start >= end:
            raise NewsreaderError(
                f"nothing to bookmark: the passage [{start}, {end}) of article"
                f" {article.id} is empty"
            )
        anchor = make_anchor(article.body, start, end)
        stamp = now()
        bookmark = Bookmark(
            id=new_id(),
            article_id=article.id,
            quote=anchor.quote,
            prefix=anchor.prefix,
            suffix=anchor.suffix,
            start=anchor.start,
            end=anchor.end,
            content_hash=article.content_hash,
            note=note.strip(),
            tags=clean_tags(tags),
            created=stamp,
            updated=stamp,
            status="anchored",
            article_title=article.title,
        )
        with self._write() as conn:
            self._insert(conn, bookmark, url=article.url, checked=article.content_hash)
        return bookmark

    def add_quote(
        self, article: Article, quote: str, *, note: str = "", tags: Iterable[str] = ()
    ) -> Bookmark:
        """Bookmark the first place ``quote`` appears in the article (whitespace and case
        are forgiven); a clear error when it is not there."""
        found = find_quote(article.body, quote)
        if found is None:
            short = quote.strip()
            short = short if len(short) <= 60 else short[:57] + "…"
            raise NewsreaderError(f"the quote {short!r} is not in article {article.id}")
        return self.add(article, *found, note=note, tags=tags)

    def _insert(
        self, conn: sqlite3.Connection, bookmark: Bookmark, *, url: str, checked: str
    ) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO bookmarks (id, article_id, quote, prefix, suffix,"
            " start_offset, end_offset, content_hash, checked_hash, note, status,"
            " article_title, article_url, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                bookmark.id,
                bookmark.article_id,
                bookmark.quote,
                bookmark.prefix,
                bookmark.suffix,
                bookmark.start,
                bookmark.end,
                bookmark.content_hash,
                checked,
                bookmark.note,
                bookmark.status,
                bookmark.article_title,
                url,
                iso(bookmark.created or now()),
                iso(bookmark.updated or bookmark.created or now()),
            ),
        )
        self._set_tags(conn, bookmark.id, bookmark.tags)

    @staticmethod
    def _set_tags(conn: sqlite3.Connection, bookmark_id: str, tags: Sequence[str]) -> None:
        conn.execute("DELETE FROM bookmark_tags WHERE bookmark_id = ?", (bookmark_id,))
        conn.executemany(
            "INSERT INTO bookmark_tags (bookmark_id, position, tag) VALUES (?, ?, ?)",
            [(bookmark_id, i, tag) for i, tag in enumerate(tags)],
        )

    # Reading ----------------------------------------------------------------

    def get(self, bookmark_id: str) -> Bookmark | None:
        rows = self._select("WHERE b.id = ?", (bookmark_id,))
        return rows[0] if rows else None

    def resolve(self, prefix: str) -> Bookmark:
        """The one bookmark whose id is or starts with ``prefix`` (for the CLI)."""
        prefix = prefix.strip()
        found = self.get(prefix)
        if found is not None:
            return found
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._select("WHERE b.id LIKE ? ESCAPE '\\'", (escaped + "%",)) if prefix else []
        if len(rows) == 1:
            return rows[0]
        if not rows:
            raise NewsreaderError(f"no bookmark with id {prefix!r} (ids are shown by list)")
        raise NewsreaderError(f"{len(rows)} bookmarks have ids starting with {prefix!r}")

    def list(
        self,
        *,
        tag: str | None = None,
        text: str | None = None,
        article_id: str | None = None,
        status: BookmarkStatus | None = None,
    ) -> Bookmarks:
        """Bookmarks, newest first. ``tag`` matches one tag (any case); ``text`` is a
        case-insensitive substring of the quote, note, article title or a tag."""
        clauses: list[str] = []
        params: list[Any] = []
        if tag:
            clauses.append(
                "b.id IN (SELECT bookmark_id FROM bookmark_tags WHERE tag = ? COLLATE NOCASE)"
            )
            params.append(clean_tags([tag])[0] if clean_tags([tag]) else tag)
        if text:
            like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            clauses.append(
                "(b.quote LIKE ? ESCAPE '\\' OR b.note LIKE ? ESCAPE '\\'"
                " OR b.article_title LIKE ? ESCAPE '\\' OR b.id IN (SELECT bookmark_id"
                " FROM bookmark_tags WHERE tag LIKE ? ESCAPE '\\'))"
            )
            params.extend([like] * 4)
        if article_id is not None:
            clauses.append("b.article_id = ?")
            params.append(article_id)
        if status is not None:
            clauses.append("b.status = ?")
            params.append(status)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return self._select(where + " ORDER BY b.created DESC, b.id", tuple(params))

    def for_article(self, article_id: str) -> Bookmarks:
        """An article's bookmarks in reading order (for marking them in the article view)."""
        found = self.list(article_id=article_id)
        return sorted(found, key=lambda b: (b.status == "orphaned", b.start, b.end))

    def in_article(self, article: Article) -> Bookmarks:
        """The bookmarks to mark in an article being shown: re-anchored first if the
        article changed since they were checked, orphans left out, in reading order."""
        self.reanchor(article)
        return [b for b in self.for_article(article.id) if b.status != "orphaned"]

    def tags(self) -> TagCounts:
        """Every tag with how many bookmarks carry it, most used first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT min(tag), count(*) FROM bookmark_tags GROUP BY tag COLLATE NOCASE"
                " ORDER BY count(*) DESC, min(tag) COLLATE NOCASE"
            ).fetchall()
        return [(tag, int(count)) for tag, count in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM bookmarks").fetchone()[0])

    def _select(self, where: str, params: tuple[Any, ...]) -> Bookmarks:
        with self._lock:
            rows = self._conn.execute(f"SELECT {_COLUMNS} FROM bookmarks b {where}", params)
            rows_list = rows.fetchall()
            tags = self._tags_of([row[0] for row in rows_list])
        return [_bookmark(row, tags.get(row[0], ())) for row in rows_list]

    def _tags_of(self, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for at in range(0, len(ids), 500):
            chunk = ids[at : at + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT bookmark_id, tag FROM bookmark_tags WHERE bookmark_id IN ({marks})"
                " ORDER BY bookmark_id, position",
                tuple(chunk),
            )
            for bookmark_id, tag in rows:
                found.setdefault(bookmark_id, []).append(tag)
        return {key: tuple(value) for key, value in found.items()}

    def article_url(self, bookmark_id: str) -> str:
        with self._lock:
            row = self._conn.execute(
                "SELECT article_url FROM bookmarks WHERE id = ?", (bookmark_id,)
            ).fetchone()
        return str(row[0]) if row else ""

    # Editing ----------------------------------------------------------------

    def update(
        self, bookmark_id: str, *, note: str | None = None, tags: Iterable[str] | None = None
    ) -> Bookmark:
        """Change a bookmark's note and/or tags (None leaves it as it is)."""
        with self._write() as conn:
            if (
                conn.execute("SELECT 1 FROM bookmarks WHERE id = ?", (bookmark_id,)).fetchone()
                is None
            ):
                raise NewsreaderError(f"no bookmark with id {bookmark_id!r}")
            if note is not None:
                conn.execute(
                    "UPDATE bookmarks SET note = ? WHERE id = ?", (note.strip(), bookmark_id)
                )
            if tags is not None:
                self._set_tags(conn, bookmark_id, clean_tags(tags))
            conn.execute("UPDATE bookmarks SET updated = ? WHERE id = ?", (iso(now()), bookmark_id))
        found = self.get(bookmark_id)
        assert found is not None
        return found

    def delete(self, bookmark_id: str) -> bool:
        """Delete a bookmark; False when there was none with that id."""
        with self._write() as conn:
            cursor = conn.execute("DELETE FROM bookmarks WHERE id = ?", (bookmark_id,))
            return cursor.rowcount > 0

    # Re-anchoring -----------------------------------------------------------

    def reanchor(self, article: Article) -> Bookmarks:
        """Find the article's bookmarks again in its current text.

        Only bookmarks not yet checked against this version of the article are
        looked at. Each becomes ``anchored`` (the passage is where it was),
        ``moved`` (found elsewhere or with slightly different text: its anchor is
        updated) or ``orphaned`` (not found: kept with its original quote, and
        tried again whenever the article changes). Returns the bookmarks checked.
        """
        version = article.content_hash
        query = f"SELECT {_COLUMNS} FROM bookmarks b WHERE b.article_id = ? AND b.checked_hash != ?"
        with self._lock:
            if self._conn.execute(query, (article.id, version)).fetchone() is None:
                return []
            with self._write() as conn:
                rows = conn.execute(query, (article.id, version)).fetchall()
                tags = self._tags_of([row[0] for row in rows])
                placed = [_placed(_bookmark(row, tags.get(row[0], ())), article) for row in rows]
                for bookmark in placed:
                    self._store_anchor(conn, bookmark, version, url=article.url or None)
        return placed

    @staticmethod
    def _store_anchor(
        conn: sqlite3.Connection, bookmark: Bookmark, checked: str, *, url: str | None
    ) -> None:
        conn.execute(
            "UPDATE bookmarks SET quote = ?, prefix = ?, suffix = ?, start_offset = ?,"
            " end_offset = ?, content_hash = ?, checked_hash = ?, status = ?,"
            " article_title = ?, article_url = coalesce(?, article_url) WHERE id = ?",
            (
                bookmark.quote,
                bookmark.prefix,
                bookmark.suffix,
                bookmark.start,
                bookmark.end,
                bookmark.content_hash,
                checked,
                bookmark.status,
                bookmark.article_title,
                url,
                bookmark.id,
            ),
        )

    def sync(self) -> int:
        """Bring every bookmark in line with the articles table of the same database.

        A bookmark whose article is no longer in the library is marked orphaned
        (its quote kept); one whose article is there but changed since it was last
        checked is re-anchored. Cheap when nothing changed (one join). Returns how
        many bookmarks were updated.
        """
        with self._lock:
            if not self._has_articles():
                return 0
            gone = self._conn.execute(
                "SELECT b.id FROM bookmarks b LEFT JOIN articles a ON a.id = b.article_id"
                " WHERE a.id IS NULL AND (b.status != 'orphaned' OR b.checked_hash != '')"
            ).fetchall()
            if gone:
                with self._write() as conn:
                    conn.executemany(
                        "UPDATE bookmarks SET status = 'orphaned', checked_hash = '' WHERE id = ?",
                        gone,
                    )
            changed = self._conn.execute(
                "SELECT DISTINCT a.id, a.title, a.body, a.url FROM bookmarks b"
                " JOIN articles a ON a.id = b.article_id WHERE b.checked_hash != a.content_hash"
            ).fetchall()
            updated = len(gone)
            for article_id, title, body, url in changed:
                updated += len(
                    self.reanchor(Article(id=article_id, title=title, body=body, url=url))
                )
        return updated

    def _has_articles(self) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles'"
        ).fetchone()
        return row is not None

    # Export and import ------------------------------------------------------

    def export_json(self) -> dict[str, Any]:
        """All bookmarks as a W3C Web Annotation collection (see ``index.bookmarks.formats``)."""
        bookmarks = self.list()
        with self._lock:
            urls = dict(self._conn.execute("SELECT id, article_url FROM bookmarks").fetchall())
        return bookmark_formats.collection(bookmarks, urls)

    def export_markdown(self) -> str:
        """All bookmarks as Markdown, grouped by article."""
        return bookmark_formats.markdown(self.list())

    def import_json(self, data: Any) -> int:
        """Import an export (or any W3C annotations with a TextQuoteSelector) in one
        transaction. A bookmark already here with the same id is replaced only when the
        imported one is at least as recent, so importing twice changes nothing. Returns
        how many bookmarks were added or replaced."""
        items = bookmark_formats.parse(data, self._article_for_url)
        written = 0
        with self._write() as conn:
            for bookmark, url in items:
                if self._newer_or_equal_here(conn, bookmark):
                    continue
                self._insert(conn, bookmark, url=url, checked="")
                written += 1
        return written

    def _article_for_url(self, url: str) -> str | None:
        with self._lock:
            if not self._has_articles():
                return None
            row = self._conn.execute("SELECT id FROM articles WHERE url = ? LIMIT 1", (url,))
            found = row.fetchone()
        return str(found[0]) if found else None

    @staticmethod
    def _newer_or_equal_here(conn: sqlite3.Connection, bookmark: Bookmark) -> bool:
        row = conn.execute("SELECT updated FROM bookmarks WHERE id = ?", (bookmark.id,)).fetchone()
        if row is None:
            return False
        here = parse_datetime(row[0])
        theirs = bookmark.updated or bookmark.created
        return here is not None and (theirs is None or here >= theirs)


def _bookmark(row: tuple[Any, ...], tags: tuple[str, ...]) -> Bookmark:
    (id_, article_id, quote, prefix, suffix, start, end, version, note, created, updated,
     status, title) = row  # fmt: skip
    return Bookmark(
        id=id_,
        article_id=article_id,
        quote=quote,
        prefix=prefix,
        suffix=suffix,
        start=int(start),
        end=int(end),
        content_hash=version,
        note=note,
        tags=tags,
        created=parse_datetime(created),
        updated=parse_datetime(updated),
        status=status,
        article_title=title,
    )


def _placed(bookmark: Bookmark, article: Article) -> Bookmark:
    """The bookmark as found in the article's current text (or orphaned, anchor unchanged)."""
    anchor = Anchor(bookmark.quote, bookmark.prefix, bookmark.suffix, bookmark.start, bookmark.end)
    match = locate(anchor, article.body)
    if match is None:
        return replace(bookmark, status="orphaned", article_title=article.title)
    fresh = make_anchor(article.body, match.start, match.end)
    return replace(
        bookmark,
        quote=fresh.quote,
        prefix=fresh.prefix,
        suffix=fresh.suffix,
        start=fresh.start,
        end=fresh.end,
        content_hash=article.content_hash,
        status=_status_after(bookmark.status, match),
        article_title=article.title,
    )


def _status_after(previous: BookmarkStatus, match: Match) -> BookmarkStatus:
    """Exactly where it was keeps a bookmark's status (an orphan found again in place is
    anchored); found elsewhere or with different text makes it moved."""
    if match.kind == "exact":
        return "anchored" if previous == "orphaned" else previous
    return "moved"
