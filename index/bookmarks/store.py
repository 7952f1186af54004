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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from index.bookmarks import database as db
from index.bookmarks import formats as bookmark_formats
from index.bookmarks.anchoring import find_quote, make_anchor, place, trim
from index.bookmarks.database import clean_tags
from index.codec import iso, parse_datetime
from index.errors import NewsreaderError, StorageError
from index.models import Article, Bookmark, BookmarkStatus
from index.paths import why_unwritable
from index.sqlite import immediate
from index.text import visible


class ArticleTexts(Protocol):
    """What the bookmark store needs to know of the library's articles (the home's
    article store provides it): their current versions, texts, and ids by URL."""

    def content_hashes(self, ids: Sequence[str]) -> dict[str, str]: ...

    def article_text(self, article_id: str) -> Article | None: ...

    def id_for_url(self, url: str) -> str | None: ...


Bookmarks = list[Bookmark]
"""A list of bookmarks (named because ``BookmarkStore.list`` shadows ``list`` in the class)."""
TagCounts = list[tuple[str, int]]


class BookmarkStore:
    """Passage bookmarks: add, list, edit, re-anchor, export and import."""

    def __init__(self, path: Path | str, articles: ArticleTexts | None = None) -> None:
        self._path = str(path)
        self._articles = articles
        self._lock = threading.RLock()
        self._conn = db.connect(path)

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
                with immediate(self._conn) as conn:
                    yield conn
            except sqlite3.OperationalError as error:  # locked past the timeout, disk full
                cause = why_unwritable(Path(self._path).parent)
                detail = f"{cause} ({error})" if cause else str(error)
                raise StorageError(f"cannot write bookmarks: {detail}") from error

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
        stamp = db.now()
        bookmark = Bookmark(
            id=db.new_id(),
            article_id=article.id,
            quote=anchor.quote,
            prefix=anchor.prefix,
            suffix=anchor.suffix,
            start=anchor.start,
            end=anchor.end,
            content_hash=article.content_hash,
            note=visible(note).strip(),
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
        conn.execute(db.INSERT, db.insert_values(bookmark, url=url, checked=checked))
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
        like = db.escape_like(prefix) + "%"
        rows = self._select("WHERE b.id LIKE ? ESCAPE '\\'", (like,)) if prefix else []
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
        where, params = db.list_filter(tag=tag, text=text, article_id=article_id, status=status)
        return self._select(where + " ORDER BY b.created DESC, b.id", params)

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

    def article_ids(self) -> set[str]:
        """The articles that hold at least one bookmark (``is:bookmarked``)."""
        with self._lock:
            rows = self._conn.execute("SELECT DISTINCT article_id FROM bookmarks").fetchall()
        return {row[0] for row in rows}

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM bookmarks").fetchone()[0])

    def _select(self, where: str, params: tuple[Any, ...]) -> Bookmarks:
        with self._lock:
            rows = self._conn.execute(f"SELECT {db.COLUMNS} FROM bookmarks b {where}", params)
            rows_list = rows.fetchall()
            tags = self._tags_of([row[0] for row in rows_list])
        return [db.bookmark_from_row(row, tags.get(row[0], ())) for row in rows_list]

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
                    "UPDATE bookmarks SET note = ? WHERE id = ?",
                    (visible(note).strip(), bookmark_id),
                )
            if tags is not None:
                self._set_tags(conn, bookmark_id, clean_tags(tags))
            conn.execute(
                "UPDATE bookmarks SET updated = ? WHERE id = ?", (iso(db.now()), bookmark_id)
            )
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
        query = (
            f"SELECT {db.COLUMNS} FROM bookmarks b WHERE b.article_id = ? AND b.checked_hash != ?"
        )
        with self._lock:
            if self._conn.execute(query, (article.id, version)).fetchone() is None:
                return []
            with self._write() as conn:
                rows = conn.execute(query, (article.id, version)).fetchall()
                tags = self._tags_of([row[0] for row in rows])
                placed = [
                    place(db.bookmark_from_row(row, tags.get(row[0], ())), article) for row in rows
                ]
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
        """Bring every bookmark in line with the library's articles.

        A bookmark whose article is no longer in the library is marked orphaned
        (its quote kept); one whose article is there but changed since it was last
        checked is re-anchored. Cheap when nothing changed (one look-up of the
        bookmarked articles' versions). Returns how many bookmarks were updated.
        Without the library's articles (a backup being read), nothing is checked.
        """
        if self._articles is None:
            return 0
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, article_id, status, checked_hash FROM bookmarks"
            ).fetchall()
            versions = self._articles.content_hashes(sorted({row[1] for row in rows}))
            gone = [
                (bookmark_id,)
                for bookmark_id, article_id, status, checked in rows
                if article_id not in versions and (status != "orphaned" or checked != "")
            ]
            if gone:
                with self._write() as conn:
                    conn.executemany(
                        "UPDATE bookmarks SET status = 'orphaned', checked_hash = '' WHERE id = ?",
                        gone,
                    )
            changed = sorted(
                {
                    article_id
                    for _, article_id, _, checked in rows
                    if article_id in versions and versions[article_id] != checked
                }
            )
            updated = len(gone)
            for article_id in changed:
                article = self._articles.article_text(article_id)
                if article is not None:
                    updated += len(self.reanchor(article))
        return updated

    # Export and import ------------------------------------------------------

    def export_json(self) -> dict[str, Any]:
        """All bookmarks as a W3C Web Annotation collection (see ``index.bookmarks.formats``)."""
        bookmarks = self.list()
        with self._lock:
            urls = dict(self._conn.execute("SELECT id, article_url FROM bookmarks").fetchall())
        return bookmark_formats.collection(bookmarks, urls)

    def export_markdown(self) -> str:
        """All bookmarks as Markdown, grouped by article, each article with its source,
        date and address (its URL, else its file) when the library still has it."""
        bookmarks = self.list()
        about: dict[str, Article] = {}
        if self._articles is not None:
            for article_id in {b.article_id for b in bookmarks}:
                article = self._articles.article_text(article_id)
                if article is not None:
                    about[article_id] = article
        return bookmark_formats.markdown(bookmarks, about)

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
        return self._articles.id_for_url(url) if self._articles is not None else None

    @staticmethod
    def _newer_or_equal_here(conn: sqlite3.Connection, bookmark: Bookmark) -> bool:
        row = conn.execute("SELECT updated FROM bookmarks WHERE id = ?", (bookmark.id,)).fetchone()
        if row is None:
            return False
        here = parse_datetime(row[0])
        theirs = bookmark.updated or bookmark.created
        return here is not None and (theirs is None or here >= theirs)
