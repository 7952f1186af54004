"""A library written before one id was one document: ``recover`` and ``add`` repair it.

The broken library is made the old way, with Whoosh's writer adding a second
document for ids the index already holds (what ``add_document`` did for two
copies of a feed in one batch), so these tests need no old checkout.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from index.bookmarks.store import BookmarkStore
from index.home.ingest import ingest
from index.home.library import Library
from index.home.recovery import recover, repeated_in_index
from index.models import Analysis, Article, stable_id
from index.paths import LibraryPaths
from index.search.schema import document

NAMES = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot")
STORIES = {
    f"https://example.com/{name}": (f"The {name} harbour", f"Body {name}: the harbour froze.")
    for name in NAMES
}


def counts(library: Library) -> tuple[int, int, int]:
    reader = library.searcher().reader()
    ids = [fields["id"] for fields in reader.all_stored_fields()]
    return len(ids), len(set(ids)), library.store.article_count()


@pytest.fixture
def broken(tmp_path: Path) -> LibraryPaths:
    """Six stored articles; the index holds three of them twice (one with its old text)
    and one document for an id the store never got (a kill between the two commits)."""
    paths = LibraryPaths(tmp_path / "home")
    library = Library.open(paths)
    articles = [
        (Article(id=stable_id(url), title=title, body=body, url=url), Analysis())
        for url, (title, body) in STORIES.items()
    ]
    library.put(articles)
    writer = library.index.writer()
    for article, analysis in articles[:3]:
        old = Article(id=article.id, title=article.title, body="An older text.", url=article.url)
        writer.add_document(**document(old if article is articles[0][0] else article, analysis))
    ghost = Article(id="ghost", title="Only in the index", body="Ghost body.")
    writer.add_document(**document(ghost, Analysis()))
    writer.add_document(**document(ghost, Analysis()))
    writer.commit()
    with BookmarkStore(paths.database, library.store) as bookmarks:
        bookmarks.add_quote(articles[0][0], "the harbour froze")
    assert counts(library) == (11, 7, 6)
    library.close()
    return paths


def stored_texts(paths: LibraryPaths) -> dict[str, tuple[str, str]]:
    library = Library.open(paths)
    try:
        return {
            i: (stored.article.title, stored.article.body)
            for i in library.store.article_ids()
            if (stored := library.article(i)) is not None
        }
    finally:
        library.close()


def test_search_shows_each_article_once_before_any_repair(broken: LibraryPaths) -> None:
    library = Library.open(broken)
    try:
        result = library.search("harbour", limit=50)
        ids = [hit.id for hit in result.hits]
        assert len(ids) == len(set(ids)) == result.total == 6
        assert [hit.rank for hit in result.hits] == list(range(6))
    finally:
        library.close()


def test_recover_repairs_a_library_with_two_documents_for_one_id(broken: LibraryPaths) -> None:
    before = stored_texts(broken)
    assert repeated_in_index(broken) == "4 articles have more than one document in it (4 extra)"
    report = recover(broken)
    assert report.index_problem is not None and "more than one document" in report.index_problem
    assert report.rebuilt == 6 and len(report.backups) == 1 and report.backups[0].exists()
    assert repeated_in_index(broken) is None
    assert stored_texts(broken) == before  # nothing stored lost
    library = Library.open(broken)
    try:
        assert counts(library) == (6, 6, 6)
        for name in NAMES:
            [hit] = library.search(f"title:{name}").hits
            assert hit.title == f"The {name} harbour"
        assert library.search("older").total == 0  # the stale copy is gone
        with BookmarkStore(broken.database, library.store) as bookmarks:
            assert [b.quote for b in bookmarks.list()] == ["the harbour froze"]
    finally:
        library.close()
    assert recover(broken).healthy


def test_the_next_add_repairs_it_in_place(broken: LibraryPaths, tmp_path: Path) -> None:
    before = stored_texts(broken)
    note = tmp_path / "note.md"
    note.write_text("---\ntitle: A note\n---\n\nA short note.\n")
    library = Library.open(broken)
    try:
        report = ingest(library, [note], tagger=None, jobs=1)
        assert (report.repaired, report.added) == (5, 1)  # 4 repeated ids, 1 ghost
        assert counts(library) == (7, 7, 7)  # no hit without its article (issue 17)
        assert library.search("older").total == 0
    finally:
        library.close()
    assert {i: before[i] for i in before} == {i: stored_texts(broken)[i] for i in before}
