"""Issue 13, article state: read/unread and starred in the database, the ``is:`` filters.

The state survives a re-add of the same files, an in-place update of an article,
and a rebuild of the index; ``is:`` clauses combine with terms, phrases and date
ranges by AND, and the counts equal a fresh count from the database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from index.errors import QueryError
from index.home import LibraryHome
from index.paths import LibraryPaths

STORIES = {
    "harbour.md": ("2024-11-02", "Harbour wall repaired", "The harbour wall was repaired."),
    "ferry.md": ("2024-11-05", "Ferry timetable", "The ferry timetable changes in the harbour."),
    "storm.md": ("2024-11-09", "Storm warning", "A storm warning for the coast and the harbour."),
    "budget.md": ("2024-10-20", "Council budget", "The council budget was approved."),
}


def _write(folder: Path, name: str, day: str, title: str, body: str) -> None:
    (folder / name).write_text(f"---\ntitle: {title}\ndate: {day}\n---\n\n{body}\n")


@pytest.fixture
def home(tmp_path: Path) -> LibraryHome:
    folder = tmp_path / "news"
    folder.mkdir()
    for name, story in STORIES.items():
        _write(folder, name, *story)
    opened = LibraryHome(LibraryPaths(tmp_path / "library"), tagger=None)
    opened.add([folder])
    opened.folder = folder  # type: ignore[attr-defined]
    yield opened  # type: ignore[misc]
    opened.close()


def _ids(home: LibraryHome, query: str) -> list[str]:
    return [hit.title for hit in home.search(query, limit=50).hits]


def _id_of(home: LibraryHome, title: str) -> str:
    return next(hit.id for hit in home.recent() if hit.title == title)


def test_new_articles_are_unread_and_marks_combine_with_the_query(home: LibraryHome) -> None:
    assert home.mark_counts() == {"articles": 4, "unread": 4, "read": 0, "starred": 0}
    ferry, storm = _id_of(home, "Ferry timetable"), _id_of(home, "Storm warning")
    report = home.mark([ferry, storm], "read")
    assert (report.changed, report.already, report.missing) == (2, 0, ())
    assert home.mark([ferry, "nope"], "read").missing == ("nope",)
    home.mark([storm], "star")
    assert _ids(home, "is:unread") == ["Harbour wall repaired", "Council budget"]  # newest first
    assert sorted(_ids(home, "harbour is:read")) == ["Ferry timetable", "Storm warning"]
    assert _ids(home, "harbour NOT is:read") == ["Harbour wall repaired"]
    assert _ids(home, 'is:read "storm warning"') == ["Storm warning"]
    assert _ids(home, "is:read published:[2024-11-06 to]") == ["Storm warning"]
    assert _ids(home, "is:starred") == ["Storm warning"]
    assert _ids(home, "is:unread is:starred") == []
    assert _ids(home, "is:bookmarked") == []
    stored = home.article(ferry)
    assert stored is not None
    home.add_bookmark_quote(ferry, "The ferry timetable")
    assert _ids(home, "is:bookmarked harbour") == ["Ferry timetable"]
    hits = {hit.title: hit for hit in home.search("harbour", limit=10).hits}
    assert hits["Storm warning"].read and hits["Storm warning"].starred
    assert not hits["Harbour wall repaired"].read
    assert home.hits_in("the harbour wall", "harbour is:unread") == [(4, 11)]


def test_bad_is_clauses_say_what_is_wrong(home: LibraryHome) -> None:
    with pytest.raises(QueryError, match="unknown state 'is:unred'"):
        home.search("is:unred")
    with pytest.raises(QueryError, match="cannot be joined by OR"):
        home.search("is:starred OR harbour")


def test_marks_survive_a_re_add_an_update_and_a_rebuilt_index(
    home: LibraryHome, tmp_path: Path
) -> None:
    folder: Path = home.folder  # type: ignore[attr-defined]
    ferry = _id_of(home, "Ferry timetable")
    home.mark([ferry], "read")
    home.mark([ferry], "star")
    home.add([folder])  # nothing changed
    _write(folder, "ferry.md", "2024-11-05", "Ferry timetable", "The new ferry timetable.")
    report = home.add([folder])
    assert report.updated == 1
    assert home.marks([ferry])[ferry].read and home.marks([ferry])[ferry].starred
    home.recover()
    assert _ids(home, "is:read") == ["Ferry timetable"]
    assert _ids(home, "is:starred") == ["Ferry timetable"]


def test_counts_equal_a_fresh_count_and_ten_thousand_marks_are_one_transaction(
    tmp_path: Path,
) -> None:
    from index.home.library import Library
    from index.models import Analysis, Article

    paths = LibraryPaths(tmp_path / "big")
    library = Library.open(paths)
    library.put(
        [(Article(id=f"{n:016x}", title=f"Story {n}", body=f"word{n} text"), Analysis())
         for n in range(10_000)]
    )  # fmt: skip
    library.close()
    home = LibraryHome(paths, tagger=None)
    ids = [f"{n:016x}" for n in range(10_000)]
    assert home.mark(ids, "read").changed == 10_000
    assert home.mark(ids[:10], "unread").changed == 10
    assert home.search("is:unread", limit=50).total == 10
    with sqlite3.connect(paths.database) as conn:
        fresh = conn.execute(
            "SELECT COUNT(*) FROM articles a LEFT JOIN marks m ON m.article_id = a.id"
            " WHERE m.read_at IS NULL"
        ).fetchone()[0]
    assert home.mark_counts()["unread"] == fresh == 10
    home.close()


@pytest.mark.parametrize("reset", [False, True])
def test_an_updated_article_is_unread_again_only_when_asked(tmp_path: Path, reset: bool) -> None:
    """newsboat's ``reset-unread-on-update``: off by default, ``[reading]`` in config.toml."""
    folder = tmp_path / "news"
    folder.mkdir()
    _write(folder, "ferry.md", *STORIES["ferry.md"])
    home = LibraryHome(LibraryPaths(tmp_path / "lib"), tagger=None, reset_unread_on_update=reset)
    home.add([folder])
    ferry = _id_of(home, "Ferry timetable")
    home.mark([ferry], "read")
    home.add([folder])  # unchanged: stays read either way
    assert home.marks([ferry])[ferry].read
    _write(folder, "ferry.md", "2024-11-05", "Ferry timetable", "The timetable changed again.")
    home.add([folder])
    assert home.marks([ferry])[ferry].read is not reset
    home.close()
