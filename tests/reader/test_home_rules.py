"""Issue 11's repro: a bookmark on an article whose file changed, opened through the reader.

The reader adds the changed file, then shows the article: the bookmark must be
re-anchored by that add (the home's rule, not the CLI's), so the article view
marks exactly the quoted sentence and the stored row holds the new offsets and
content hash. A bookmark measured on a text that has since changed is refused.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEED_ID_FILE, wait_for

from index.home import LibraryHome, StaleTextError
from index.paths import LibraryPaths
from reader.app import NewsReaderApp
from reader.widgets.article_view import ArticleView

QUOTE = "Mediation efforts previously supported by Qatar have been suspended"
INSERTED = (
    "A paragraph written in later, above the bookmarked one: long enough that the old "
    "offsets of the bookmark now fall inside it, so a bookmark that was not re-anchored "
    "would mark these words instead of the quote."
)


def edit_above_quote(path: Path) -> None:
    """Insert a paragraph right above the quoted sentence's paragraph; the mtime moves on."""
    text = path.read_text(encoding="utf-8")
    at = text.index(QUOTE)
    path.write_text(text[:at] + INSERTED + "\n\n" + text[at:], encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def newsreader(home: Path, *args: str) -> str:
    """Run the CLI as a user would (``python -m reader`` from this checkout)."""
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--home", str(home), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def bookmarked_library(tmp_path: Path) -> tuple[Path, Path, str]:
    """One article in lib/, added to home H, with a bookmark on QUOTE made by the CLI."""
    lib = tmp_path / "lib"
    lib.mkdir()
    article = lib / SEED_ID_FILE.name
    shutil.copyfile(SEED_ID_FILE, article)
    home = tmp_path / "H"
    newsreader(home, "add", str(lib))
    (hit,) = json.loads(newsreader(home, "search", "qatar", "--json"))["hits"]
    bookmark_id = newsreader(home, "bookmarks", "add", hit["id"], "--quote", QUOTE).strip()
    return home, article, bookmark_id


def stored_row(home: Path, bookmark_id: str) -> tuple[int, int, str, str]:
    conn = sqlite3.connect(LibraryPaths(home).database)
    try:
        start, end, version, article_id = conn.execute(
            "SELECT start_offset, end_offset, content_hash, article_id FROM bookmarks WHERE id = ?",
            (bookmark_id,),
        ).fetchone()
        title, body = conn.execute(
            "SELECT title, body FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
    finally:
        conn.close()
    from index.models import content_hash

    return start, end, body[start:end], "current" if version == content_hash(title, body) else "old"


async def test_the_reader_adds_a_changed_file_and_marks_exactly_the_quote(tmp_path: Path) -> None:
    home, article, bookmark_id = bookmarked_library(tmp_path)
    edit_above_quote(article)
    app = NewsReaderApp(LibraryHome(LibraryPaths(home)), [str(article.parent)])
    async with app.run_test(size=(120, 36)) as pilot:

        def shown() -> bool:
            views = app.screen.query(ArticleView)
            if not views or views.first().stored is None:
                return False
            view = views.first()
            return INSERTED in view.stored.article.body and bool(view.marks.bookmarks)

        await wait_for(pilot, shown, seconds=30)
        view = app.screen.query_one(ArticleView)
        body = view.stored.article.body
        assert [body[s:e] for s, e in view.marks.bookmarks] == [QUOTE]
    _, _, text, version = stored_row(home, bookmark_id)
    assert (text, version) == (QUOTE, "current")


def test_a_bookmark_measured_on_an_older_text_is_refused(tmp_path: Path) -> None:
    home, article, _ = bookmarked_library(tmp_path)
    service = LibraryHome(LibraryPaths(home))
    try:
        (hit,) = service.recent(limit=5)
        stored = service.article(hit.id)
        assert stored is not None
        old_version = stored.article.content_hash
        start = stored.article.body.index(QUOTE)
        edit_above_quote(article)
        service.add([article.parent], jobs=1)
        with pytest.raises(StaleTextError, match="changed since it was shown"):
            service.add_bookmark(
                hit.id, start, start + len(QUOTE), content_hash=old_version, note="x"
            )
        current = service.article(hit.id)
        assert current is not None
        assert len(service.list_bookmarks()) == 1  # only the first, nothing on the wrong words
        placed = service.add_bookmark(
            hit.id,
            current.article.body.index(QUOTE),
            current.article.body.index(QUOTE) + len(QUOTE),
            content_hash=current.article.content_hash,
        )
        assert placed.quote == QUOTE
    finally:
        service.close()
