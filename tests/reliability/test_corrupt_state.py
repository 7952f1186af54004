"""A damaged database or index: one clear line, the file untouched, and `newsreader recover`."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from support import lines, make_corpus, read_state, run_cli

from index.home.locking import WriteLock
from index.paths import LibraryPaths

CORPUS_ARTICLES = 40


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A library home holding a small corpus, and the corpus folder (built once)."""
    root = tmp_path_factory.mktemp("pristine")
    corpus = root / "corpus"
    assert make_corpus(corpus, texts=30, jsonl_files=2, per_jsonl=5) == CORPUS_ARTICLES
    home = root / "home"
    result = run_cli(home, "add", str(corpus))
    assert result.returncode == 0, result.stderr
    return home, corpus


@pytest.fixture
def home(pristine: tuple[Path, Path], tmp_path: Path) -> Path:
    """A copy of the pristine home with its WAL folded in, so damage to the file is all there is."""
    copy = tmp_path / "home"
    shutil.copytree(pristine[0], copy)
    conn = sqlite3.connect(LibraryPaths(copy).database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return copy


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _damage_header(database: Path) -> None:
    data = bytearray(database.read_bytes())
    data[0:100] = b"\xff" * 100
    database.write_bytes(bytes(data))


def _damage_pages(database: Path) -> None:
    """Overwrite every page after the first (the schema page stays readable)."""
    size = database.stat().st_size
    with database.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\xa5" * (size - 4096))


def _truncate_segment(index_dir: Path) -> None:
    segment = max(index_dir.glob("*.seg"), key=lambda path: path.stat().st_size)
    os.truncate(segment, segment.stat().st_size // 2)


def _assert_one_clear_line(result: object, *needles: str) -> None:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.returncode == 1, stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr
    assert len(lines(stderr)) == 1, stderr
    for needle in needles:
        assert needle in stderr


@pytest.mark.parametrize("damage", [_damage_header, _damage_pages], ids=["header", "pages"])
@pytest.mark.parametrize("command", [["stats"], ["search", "election"], ["add", "CORPUS"]])
def test_damaged_database_one_line_and_untouched(  # type: ignore[no-untyped-def]
    home: Path, pristine: tuple[Path, Path], damage, command: list[str]
) -> None:
    database = LibraryPaths(home).database
    damage(database)
    before = _digest(database)
    args = [str(pristine[1]) if arg == "CORPUS" else arg for arg in command]
    result = run_cli(home, *args)
    _assert_one_clear_line(result, str(database), "newsreader recover")
    assert _digest(database) == before


def test_recover_backs_up_a_damaged_database_and_starts_fresh(
    home: Path, pristine: tuple[Path, Path]
) -> None:
    paths = LibraryPaths(home)
    _damage_pages(paths.database)
    damaged = _digest(paths.database)

    result = run_cli(home, "recover")
    assert result.returncode == 0, result.stderr
    backups = sorted(home.glob("library.sqlite3.corrupt-*"))
    main_backup = [path for path in backups if not path.name.endswith(("-wal", "-shm"))]
    assert len(main_backup) == 1 and _digest(main_backup[0]) == damaged
    assert sorted(home.glob("index.corrupt-*")), "the index built from it is kept too"
    assert str(main_backup[0]) in result.stdout
    # Not a row reads back, but the index backup names every article's file: read again.
    assert f"kept 0 of {CORPUS_ARTICLES}, {CORPUS_ARTICLES} more read again" in result.stdout

    state = read_state(home)
    assert state.count == CORPUS_ARTICLES and state.store_ids == state.index_set
    again = run_cli(home, "add", "--json", str(pristine[1]))
    assert again.returncode == 0, again.stderr
    assert f'"unchanged": {CORPUS_ARTICLES}' in again.stdout


def _damage_articles_table(database: Path) -> None:
    """Overwrite the root page of the articles table only (files and bookmarks still read)."""
    conn = sqlite3.connect(database)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'articles'").fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with database.open("r+b") as handle:
        handle.seek((root - 1) * page)
        handle.write(b"\xa5" * page)


def test_recover_reads_lost_articles_again_and_names_what_it_could_not(tmp_path: Path) -> None:
    """The articles table unreadable (its root page damaged): the articles whose files are
    still there are read again; those whose files are gone are counted and their folder
    named."""
    corpus = tmp_path / "corpus"
    total = make_corpus(corpus, texts=30, jsonl_files=0)
    home = tmp_path / "home"
    assert run_cli(home, "add", str(corpus)).returncode == 0
    for number in range(5):
        (corpus / f"t{number:04d}.txt").unlink()
    _damage_articles_table(LibraryPaths(home).database)

    result = run_cli(home, "recover")
    assert result.returncode == 0, result.stderr
    assert f"kept 0 of {total}, {total - 5} more read again from their files" in result.stdout
    assert "5 lost (no file to read them from)" in result.stdout
    assert f"newsreader add {corpus.resolve()}" in result.stdout
    state = read_state(home)
    assert state.count == total - 5 and state.store_ids == state.index_set


def test_damaged_index_one_line_then_recover_rebuilds_it(home: Path) -> None:
    paths = LibraryPaths(home)
    _truncate_segment(paths.index_dir)
    for command in (["stats"], ["search", "election"]):
        _assert_one_clear_line(run_cli(home, *command), "search index", "newsreader recover")

    result = run_cli(home, "recover")
    assert result.returncode == 0, result.stderr
    assert f"{CORPUS_ARTICLES} articles" in result.stdout
    assert sorted(home.glob("index.corrupt-*"))
    state = read_state(home)
    assert state.count == CORPUS_ARTICLES and state.store_ids == state.index_set
    assert state.searched > 0


def test_recover_leaves_a_healthy_library_alone(home: Path) -> None:
    before = {path.name: _digest(path) for path in home.iterdir() if path.is_file()}
    result = run_cli(home, "recover")
    assert result.returncode == 0, result.stderr
    assert "healthy" in result.stdout
    assert not list(home.glob("*.corrupt-*"))
    after = {path.name: _digest(path) for path in home.iterdir() if path.is_file()}
    assert after["library.sqlite3"] == before["library.sqlite3"]


def test_recover_refuses_while_another_process_writes(home: Path) -> None:
    _damage_header(LibraryPaths(home).database)
    lock = WriteLock(LibraryPaths(home).lock)
    assert lock.try_acquire()
    try:
        result = run_cli(home, "recover")
    finally:
        lock.release()
    _assert_one_clear_line(result, "busy")
    assert not list(home.glob("*.corrupt-*"))


def test_recover_carries_readable_bookmarks_into_the_fresh_library(home: Path) -> None:
    from index.bookmarks.store import BookmarkStore
    from index.models import Article

    database = LibraryPaths(home).database
    article = Article(id="kept", title="T", body="A passage worth keeping. And another one.")
    with BookmarkStore(database) as store:
        for number in range(5):
            store.add(article, 0, 24, note=f"note {number}", tags=["work"])
    _damage_articles_table(database)

    result = run_cli(home, "recover")
    assert result.returncode == 0, result.stderr
    assert "carried over 5 bookmarks" in result.stdout
    with BookmarkStore(database) as store:
        assert sorted(bookmark.note for bookmark in store.list()) == [f"note {n}" for n in range(5)]


def _listed(home: Path, *flags: str) -> list[str]:
    result = run_cli(home, "list", "--json", *flags)
    assert result.returncode == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout)["articles"]]


def test_recover_of_a_damaged_articles_table_keeps_read_and_starred(home: Path) -> None:
    """Reading state lives in its own table: the articles lost with a damaged page are read
    again from their files and keep their marks; the counts equal a fresh count."""
    ids = _listed(home)[:12]
    assert len(ids) == 12
    assert run_cli(home, "mark", "read", *ids[:10]).returncode == 0
    assert run_cli(home, "mark", "star", *ids[8:]).returncode == 0
    _damage_articles_table(LibraryPaths(home).database)

    result = run_cli(home, "recover")
    assert result.returncode == 0, result.stderr
    assert sorted(_listed(home, "--starred")) == sorted(ids[8:])
    unread = _listed(home, "--unread")
    assert set(unread).isdisjoint(ids[:10])
    assert len(unread) == CORPUS_ARTICLES - 10
    conn = sqlite3.connect(LibraryPaths(home).database)
    try:
        (fresh_read,) = conn.execute(
            "SELECT COUNT(*) FROM marks WHERE read_at IS NOT NULL"
            " AND article_id IN (SELECT id FROM articles)"
        ).fetchone()
    finally:
        conn.close()
    assert fresh_read == 10


def test_recover_rebuilds_an_index_that_lacks_stored_articles(home: Path) -> None:
    """A readable index missing articles (e.g. a rebuild killed half-way) is rebuilt too."""
    from index.home.library import Library

    library = Library.open(LibraryPaths(home))
    victims = library.store.article_ids()[:7]
    writer = library.writer()
    for article_id in victims:
        writer.delete_by_term("id", article_id)
    writer.commit()
    library.close()
    assert read_state(home).count == CORPUS_ARTICLES - 7

    result = run_cli(home, "recover")
    assert result.returncode == 0, result.stderr
    assert "7 stored articles are missing" in result.stdout
    state = read_state(home)
    assert state.count == CORPUS_ARTICLES and state.store_ids == state.index_set


def _root_page(database: Path, name: str) -> int:
    conn = sqlite3.connect(database)
    try:
        return int(conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,))
                   .fetchone()[0])  # fmt: skip
    finally:
        conn.close()


def _leaf_pages(database: Path, table: str) -> list[int]:
    """The leaf pages of a table's b-tree, read from the file (page type 13)."""
    page_size = 4096
    data = database.read_bytes()
    pages, todo = [], [_root_page(database, table)]
    while todo:
        number = todo.pop()
        page = data[(number - 1) * page_size : number * page_size]
        head = 100 if number == 1 else 0
        if page[head] == 13:
            pages.append(number)
            continue
        cells = int.from_bytes(page[head + 3 : head + 5], "big")
        todo.append(int.from_bytes(page[head + 8 : head + 12], "big"))
        for cell in range(cells):
            at = int.from_bytes(page[head + 12 + 2 * cell : head + 14 + 2 * cell], "big")
            todo.append(int.from_bytes(page[at : at + 4], "big"))
    return sorted(pages)


def _damage_page(database: Path, number: int) -> None:
    with database.open("r+b") as handle:
        handle.seek((number - 1) * 4096)
        handle.write(b"\xa5" * 4096)


def _ten_bookmarks(home: Path, note_chars: int) -> Path:
    from index.bookmarks.store import BookmarkStore
    from index.models import Article

    database = LibraryPaths(home).database
    article = Article(id="kept", title="T", body="A passage worth keeping. And another one.")
    with BookmarkStore(database) as store:
        for number in range(10):
            note = f"note {number}" + (" " + "x" * note_chars if note_chars else "")
            store.add(article, 0, 24, note=note, tags=["work", f"t{number}"])
    conn = sqlite3.connect(database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return database


def _kept_bookmarks(result: object, database: Path) -> list[tuple[str, tuple[str, ...]]]:
    from index.bookmarks.store import BookmarkStore

    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    with BookmarkStore(database) as store:
        return sorted((b.note.split(" x")[0], b.tags) for b in store.list())


@pytest.mark.parametrize(
    "where",
    ["bookmarks", "bookmark_tags", "bookmarks_article", "sqlite_autoindex_bookmarks_1",
     "bookmarks_copy", "bookmark_tags_copy"],
)  # fmt: skip
def test_recover_keeps_every_bookmark_after_one_damaged_page(home: Path, where: str) -> None:
    """Ten short bookmarks share one page: a damaged page of the bookmark tables (that one,
    their tags', an index's, or their second copy's) loses none of them, nor their tags."""
    database = _ten_bookmarks(home, note_chars=0)
    _damage_page(database, _root_page(database, where))
    result = run_cli(home, "recover")
    kept = _kept_bookmarks(result, database)
    assert kept == sorted((f"note {n}", ("work", f"t{n}")) for n in range(10)), result.stdout
    assert "carried over 10 bookmarks" in result.stdout
    state = read_state(home)
    assert state.count == CORPUS_ARTICLES and state.store_ids == state.index_set


def test_recover_keeps_the_bookmarks_of_pages_that_read(home: Path) -> None:
    """Ten bookmarks filling a page each, one of those pages and the copy's root page
    damaged (two pages): nine are kept from the table, and recover says one was lost."""
    database = _ten_bookmarks(home, note_chars=2600)
    leaves = _leaf_pages(database, "bookmarks")
    assert len(leaves) >= 9, "each bookmark should fill a page of its own"
    _damage_page(database, leaves[3])
    _damage_page(database, _root_page(database, "bookmarks_copy"))
    result = run_cli(home, "recover")
    assert len(_kept_bookmarks(result, database)) == 9
    assert "carried over 9 bookmarks from the backup (1 could not be read)" in result.stdout
