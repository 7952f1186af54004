"""The way out for a damaged library: keep the damaged files, start clean, say what was kept.

Nothing is ever reset silently. A damaged database is moved aside to
``library.sqlite3.corrupt-<timestamp>`` (its WAL with it, so the backup still
opens), together with the search index built from it; a fresh library is
created holding every row the backup still reads, row by row (see
:mod:`index.home.salvage`: one damaged page loses the rows on it, not the
table), the bookmarks a damaged page lost are taken from their second copy,
the search index is built from the rows kept, and the articles that were lost
are read again from their files where those still exist (the index backup and
the carriers name them). What could not be saved is counted and its folders
named. A damaged search index alone is moved aside and rebuilt from the
database, which holds every article. So is an index holding two documents for
one article (written before one id was one document); ``add`` repairs that
too, in place, before it writes (:func:`repair_repeats`). Documents without a
stored article (an ``add`` killed between its two commits) are removed in
place (:func:`reconcile`), by ``recover``, by ``add``, and whenever the home
is opened with no writer at work.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage

from index.bookmarks.database import BOOKMARK_COLUMNS
from index.bookmarks.store import BookmarkStore
from index.feeds import SubscriptionStore
from index.home import salvage, tally
from index.home.carriers import FEED_CARRIER, carriers_from_files
from index.home.library import Library
from index.home.store import Store
from index.paths import LibraryPaths
from index.search.schema import document
from index.search.storage import INDEX_NAME

REBUILD_BATCH = 500
MAX_FOLDERS_NAMED = 8


@dataclass
class RecoveryReport:
    """What ``recover`` found and did."""

    database_problem: str | None = None
    index_problem: str | None = None
    backups: list[Path] = field(default_factory=list)
    rebuilt: int = 0
    ghosts_removed: int = 0
    """Index entries with no stored article, removed in place (no rebuild needed)."""
    bookmarks_kept: int | None = None
    bookmarks_lost: int = 0
    """Bookmarks the backup is known to have had and could not give back."""
    bookmarks_problem: str | None = None
    folders: list[str] = field(default_factory=list)
    salvaged: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Per table of a damaged database: rows carried into the fresh one, and rows known
    to be lost."""
    articles_kept: int = 0
    """Articles carried over from the damaged database, row by row."""
    articles_expected: int = 0
    """Articles the damaged library had, as far as its index and carriers tell."""
    reread: list[str] = field(default_factory=list)
    """Files to read again for the articles that were lost (``LibraryHome.recover`` does)."""
    lost_ids: list[str] = field(default_factory=list)
    articles_reread: int = 0
    """Lost articles read again from their files."""

    @property
    def healthy(self) -> bool:
        return self.database_problem is None and self.index_problem is None


def check_database(path: Path) -> str | None:
    """None if the database reads back whole (``PRAGMA quick_check``), else what is wrong.

    Opened read-only, so checking never changes the file.
    """
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        return str(error)
    problems = [line for row in rows for line in str(row[0]).splitlines() if line != "ok"]
    problems = [line for line in problems if not line.startswith("***")]
    if not problems:
        return None
    more = f" (and {len(problems) - 1:,} more problems)" if len(problems) > 1 else ""
    return problems[0] + more


def check_index(index_dir: Path) -> str | None:
    """None if every stored document, term list and posting of the index reads back."""
    if not index_dir.exists():
        return None
    try:
        if not any(index_dir.glob(f"_{INDEX_NAME}_*.toc")):
            return None
        index = FileStorage(str(index_dir)).open_index(indexname=INDEX_NAME)
        with index.searcher() as searcher:
            reader = searcher.reader()
            for _ in reader.all_stored_fields():
                pass
            for fieldname in index.schema.names():
                for _ in _postings(reader, fieldname):
                    pass
            searcher.search(wq.Every(), limit=1)
    except Exception as error:  # any failure to read back is damage
        return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return None


def _postings(reader: Any, fieldname: str) -> Iterator[Any]:
    if not reader.schema[fieldname].indexed:
        return
    for term in reader.lexicon(fieldname):
        yield from reader.postings(fieldname, term).all_ids()


def recover(paths: LibraryPaths, *, now: Callable[[], datetime] = datetime.now) -> RecoveryReport:
    """Check the library and, if damaged, back up what is damaged and start clean or rebuild.

    The caller holds the library's write lock.
    """
    report = RecoveryReport(
        database_problem=check_database(paths.database),
        index_problem=check_index(paths.index_dir),
    )
    if report.healthy:
        report.index_problem = missing_from_index(paths) or repeated_in_index(paths)
    if report.healthy:
        library = Library.open(paths)
        try:
            report.ghosts_removed = remove_ghosts(library)
        finally:
            library.close()
        if report.ghosts_removed:
            report.index_problem = (
                f"{report.ghosts_removed:,} indexed articles had no stored article"
                " (an `add` killed between its two commits)"
            )
        return report
    stamp = now().strftime("%Y%m%d-%H%M%S")
    if report.database_problem is not None:
        _fresh_library(paths, stamp, report)
    else:
        if paths.index_dir.exists():
            report.backups.append(_move_aside(paths.index_dir, stamp))
        report.rebuilt = rebuild_index(paths)
    return report


def missing_from_index(paths: LibraryPaths) -> str | None:
    """What a readable index lacks: articles stored in the database but not searchable.

    An index rebuild killed half-way reads back whole but holds too few
    articles, and ``add`` would never index them again (their files are
    unchanged). The index may hold more than the database (a kill between
    the two commits of a batch): the next ``add`` repairs that.
    """
    if not paths.database.exists():
        return None
    if not any(paths.index_dir.glob(f"_{INDEX_NAME}_*.toc")):  # deleted or moved away
        store = Store.open(paths.database)
        try:
            count = store.article_count()
        finally:
            store.close()
        return f"it is missing ({count:,} stored articles)" if count else None
    index = FileStorage(str(paths.index_dir)).open_index(indexname=INDEX_NAME)
    with index.searcher() as searcher:
        indexed = {fields["id"] for fields in searcher.reader().all_stored_fields()}
    store = Store.open(paths.database)
    try:
        missing = len(set(store.article_ids()) - indexed)
    finally:
        store.close()
    return f"{missing:,} stored articles are missing from it" if missing else None


def repeated_in_index(paths: LibraryPaths) -> str | None:
    """What a readable index holds twice: articles with more than one document."""
    if not any(paths.index_dir.glob(f"_{INDEX_NAME}_*.toc")):
        return None
    index = FileStorage(str(paths.index_dir)).open_index(indexname=INDEX_NAME)
    with index.searcher() as searcher:
        repeated = repeated_ids(searcher.reader())
    if not repeated:
        return None
    extra = sum(len(docnums) - 1 for docnums in repeated.values())
    return f"{len(repeated):,} articles have more than one document in it ({extra:,} extra)"


def repeated_ids(reader: Any) -> dict[str, list[int]]:
    """Each id with more than one live document, and those documents' numbers.

    Reads the ``id`` terms' document frequencies (which count deleted
    documents too) and looks at the live postings only of the few terms
    above one: a pass over the term list, not over every stored document.
    """
    repeated: dict[str, list[int]] = {}
    for term, info in reader.iter_field("id"):
        if info.doc_frequency() > 1:
            docnums = list(reader.postings("id", term).all_ids())
            if len(docnums) > 1:
                text = term.decode("utf-8") if isinstance(term, bytes) else str(term)
                repeated[text] = docnums
    return repeated


def ghost_ids(library: Library) -> list[str]:
    """Ids the index has a live document for and the store has no article for.

    A kill between a batch's two commits (the index's, then the store's)
    leaves them: a search would list them, and ``show`` could not open them.
    Read from the ``id`` term list (one term per article, no stored fields),
    against the store's ids.
    """
    reader = library.searcher().reader()
    stored = set(library.store.article_ids())
    ghosts = []
    for term in reader.lexicon("id"):
        text = term.decode("utf-8") if isinstance(term, bytes) else str(term)
        if text not in stored and any(True for _ in reader.postings("id", term).all_ids()):
            ghosts.append(text)
    return ghosts


def remove_ghosts(library: Library) -> int:
    """Delete the index's documents that have no stored article; returns how many ids.

    Nothing is lost: such an article's file was never marked as read (its
    record is written after the store's commit), so the next ``add`` reads
    it again. The caller holds the write lock.
    """
    ghosts = ghost_ids(library)
    if not ghosts:
        return 0
    writer = library.writer()
    try:
        for article_id in ghosts:
            writer.delete_by_term("id", article_id)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return len(ghosts)


def reconcile(library: Library) -> int:
    """Make the index hold no more than the store: each id one document, and no
    document without its article. Cheap when they agree (two counts); returns how
    many ids were repaired. The caller holds the write lock."""
    if library.count() <= library.store.article_count():
        return 0
    repaired = repair_repeats(library)
    if library.count() > library.store.article_count():
        repaired += remove_ghosts(library)
    return repaired


def repair_repeats(library: Library) -> int:
    """Make each id one document again, in place; returns how many ids were repaired.

    A repeated id that the store holds is indexed again from the store (all
    its documents deleted, one added); one the store lacks (the index ran a
    batch ahead of the store when a run was killed) keeps its newest
    document. Nothing stored is lost. The caller holds the write lock.
    """
    repeated = repeated_ids(library.searcher().reader())
    if not repeated:
        return 0
    store = library.store
    writer = library.writer()
    try:
        for article_id, docnums in repeated.items():
            stored = store.article(article_id)
            if stored is None:
                for docnum in docnums[:-1]:
                    writer.delete_document(docnum)
                continue
            writer.delete_by_term("id", article_id)
            fields = document(stored.article, stored.analysis)
            writer.add_document(**{k: v for k, v in fields.items() if k in writer.schema})
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return len(repeated)


def _fresh_library(paths: LibraryPaths, stamp: str, report: RecoveryReport) -> None:
    """Index aside first, then the database: a kill in between leaves a damaged database
    (so ``recover`` runs again), never an index without its database. Then a fresh
    library holding every row the backup still reads, and its index built from it."""
    index_backup = _move_aside(paths.index_dir, stamp) if paths.index_dir.exists() else None
    if index_backup is not None:
        report.backups.append(index_backup)
    database = _move_aside(paths.database, stamp)
    report.backups.append(database)
    for suffix in ("-wal", "-shm"):
        companion = paths.database.with_name(paths.database.name + suffix)
        if companion.exists():
            report.backups.append(companion.rename(database.with_name(database.name + suffix)))
    Library.open(paths).close()
    BookmarkStore(paths.database).close()
    SubscriptionStore(paths.database).close()
    _salvage(database, paths.database, report)
    report.rebuilt = rebuild_index(paths)
    _plan_rereading(paths, index_backup, report)
    report.folders = _added_folders(paths.database)


def _salvage(backup: Path, fresh: Path, report: RecoveryReport) -> None:
    """Copy every row the backup still reads into the fresh database (table by table, the
    columns both have), then drop what points at a row that was lost (a tag of a lost
    bookmark)."""
    try:
        with _readable_copy(backup) as copy:
            damaged = sqlite3.connect(copy)
            conn = sqlite3.connect(fresh, isolation_level=None)
            try:
                conn.execute("PRAGMA foreign_keys=OFF")
                known = set(salvage.tables(conn))
                conn.execute("BEGIN IMMEDIATE")
                for table in salvage.tables(damaged):
                    if table not in known:
                        continue
                    found = salvage.salvage_table(damaged, table)
                    report.salvaged[table] = (_copy_rows(conn, found), found.lost)
                for table, restored in zip(
                    ("bookmarks", "bookmark_tags"), _restore_bookmarks(conn), strict=True
                ):
                    if table in report.salvaged:
                        kept, lost = report.salvaged[table]
                        report.salvaged[table] = (kept + restored, max(lost - restored, 0))
                for table, rowid, *_ in conn.execute("PRAGMA foreign_key_check").fetchall():
                    conn.execute(f"DELETE FROM {salvage.quote(table)} WHERE rowid = ?", (rowid,))
                    kept, lost = report.salvaged.get(table, (1, 0))
                    report.salvaged[table] = (kept - 1, lost + 1)
                conn.execute("COMMIT")
                carriers_from_files(conn)  # a file's row names what it carries, too
                if tally.present(conn):  # the rows came in any order: count them again
                    tally.fill(conn)
            finally:
                conn.close()
                damaged.close()
    except (sqlite3.Error, OSError) as error:
        report.bookmarks_problem = str(error) or type(error).__name__
    if "bookmarks" in report.salvaged:
        report.bookmarks_kept, report.bookmarks_lost = report.salvaged["bookmarks"]
    elif report.bookmarks_problem is None:
        report.bookmarks_problem = "the bookmarks table could not be read"


def _restore_bookmarks(conn: sqlite3.Connection) -> tuple[int, int]:
    """Take from the bookmarks' second copy (``bookmarks_copy``, on other pages) those the
    damaged tables lost; returns how many bookmarks and tags."""
    restored = conn.execute(
        f"INSERT OR IGNORE INTO bookmarks ({BOOKMARK_COLUMNS})"
        f" SELECT {BOOKMARK_COLUMNS} FROM bookmarks_copy"
        " WHERE id NOT IN (SELECT id FROM bookmarks)"
    ).rowcount
    tags = conn.execute(
        "INSERT OR IGNORE INTO bookmark_tags (bookmark_id, position, tag)"
        " SELECT bookmark_id, position, tag FROM bookmark_tags_copy"
        " WHERE bookmark_id IN (SELECT id FROM bookmarks)"
    ).rowcount
    return restored, tags


def _copy_rows(conn: sqlite3.Connection, found: salvage.TableSalvage) -> int:
    """Insert the salvaged rows' columns that the fresh table has; returns how many rows."""
    have = {str(row[1]) for row in conn.execute(f"PRAGMA table_info({salvage.quote(found.name)})")}
    keep = [number for number, column in enumerate(found.columns) if column in have]
    if not keep or not found.rows:
        return 0
    names = ", ".join(salvage.quote(found.columns[number]) for number in keep)
    marks = ", ".join("?" * len(keep))
    cursor = conn.executemany(
        f"INSERT OR IGNORE INTO {salvage.quote(found.name)} ({names}) VALUES ({marks})",
        ([row[number] for number in keep] for row in found.rows),
    )
    return max(cursor.rowcount, 0)  # rows of this table only, not the triggers' copies


def _plan_rereading(paths: LibraryPaths, index_backup: Path | None, report: RecoveryReport) -> None:
    """The articles the backup had and the fresh library lacks, and the files that still
    exist to read them from again (their records are dropped, so ``add`` reads them)."""
    known = _indexed_paths(index_backup)
    store = Store.open(paths.database)
    try:
        kept = set(store.article_ids())
        report.articles_kept = len(kept)
        carried = store.connection.execute("SELECT article_id, carrier FROM carriers").fetchall()
        homes: dict[str, set[str]] = {}
        for article_id, carrier in carried:
            homes.setdefault(article_id, set()).add(carrier)
        for article_id, path in known.items():
            if path:
                homes.setdefault(article_id, set()).add(path)
        lost = {article_id for article_id in set(homes) | set(known) if article_id not in kept}
        report.articles_expected = len(kept) + len(lost)
        files = {
            carrier
            for article_id in lost
            for carrier in homes.get(article_id, ())
            if not carrier.startswith(FEED_CARRIER) and os.path.isfile(carrier)
        }
        with store.transaction():
            for path in files:
                store.delete_file(path)
    finally:
        store.close()
    report.lost_ids = sorted(lost)
    report.reread = sorted(files)


def _indexed_paths(index_dir: Path | None) -> dict[str, str]:
    """Each article id of a (backed up) index and the file it names, as far as it reads."""
    found: dict[str, str] = {}
    if index_dir is None:
        return found
    with suppress(Exception):  # a damaged index gives what it can
        index = FileStorage(str(index_dir)).open_index(indexname=INDEX_NAME)
        with index.searcher() as searcher:
            for fields in searcher.reader().all_stored_fields():
                found[str(fields["id"])] = str(fields.get("path", ""))
    return found


def _move_aside(path: Path, stamp: str) -> Path:
    """Rename ``path`` to ``<name>.corrupt-<stamp>`` (never over an existing backup)."""
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{number}")
    return path.rename(target)


def rebuild_index(paths: LibraryPaths) -> int:
    """A new search index holding every article of the database; returns how many."""
    store = Store.open(paths.database)
    library = Library(FileStorage(str(paths.ensure().index_dir)), store)
    try:
        ids = store.article_ids()
        for start in range(0, len(ids), REBUILD_BATCH):
            writer = library.writer()
            try:
                for article_id in ids[start : start + REBUILD_BATCH]:
                    stored = store.article(article_id)
                    if stored is not None:
                        writer.add_document(**document(stored.article, stored.analysis))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
        return len(ids)
    finally:
        library.close()


@contextmanager
def _readable_copy(database: Path) -> Iterator[Path]:
    """A scratch copy of a backup (with its WAL), so that reading never changes the backup."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "backup.sqlite3"
        shutil.copyfile(database, copy)
        wal = database.with_name(database.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        yield copy


def _added_folders(database: Path) -> list[str]:
    """The folders the library's files came from (in the fresh database, as salvaged)."""
    try:
        conn = sqlite3.connect(database)
        try:
            files = [row[0] for row in conn.execute("SELECT path FROM files")]
        finally:
            conn.close()
    except (sqlite3.Error, OSError):
        return []
    parents = sorted({str(Path(name).parent) for name in files})
    kept: list[str] = []
    for parent in parents:
        if not any(parent == top or parent.startswith(top.rstrip("/") + "/") for top in kept):
            kept.append(parent)
    return kept[:MAX_FOLDERS_NAMED]
