"""Issue 15: a query while it is typed. The last word is a prefix too, an unfinished
clause waits without an error, and the complete word outranks the words it begins."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import QueryError
from index.home import LibraryHome
from index.paths import LibraryPaths
from index.search.typing import Typed, as_typed

STORIES = {
    "blair.md": ("2024-11-02", "Blair speaks", "Tony Blair spoke about the budget."),
    "blairite.md": ("2024-11-03", "Party mood", "The Blairite wing of the party met."),
    "black.md": ("2024-11-05", "Black Friday", "Shops braced for Black Friday crowds."),
    "rights.md": ("2024-11-09", "Human rights", "A report on human rights and the budget."),
    "humane.md": ("2024-11-10", "Humane farming", "Humane farming rules were proposed."),
}


@pytest.fixture
def home(tmp_path: Path) -> LibraryHome:
    folder = tmp_path / "news"
    folder.mkdir()
    for name, (day, title, body) in STORIES.items():
        (folder / name).write_text(f"---\ntitle: {title}\ndate: {day}\n---\n\n{body}\n")
    opened = LibraryHome(LibraryPaths(tmp_path / "library"), tagger=None)
    opened.add([folder])
    yield opened  # type: ignore[misc]
    opened.close()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("blai", Typed("(blai OR blai*)", "blai")),
        ("blai ", Typed("blai")),
        ("tony blai", Typed("tony (blai OR blai*)", "blai")),
        ("title:bla", Typed("(title:bla OR title:bla*)", "bla")),
        ('"human', Typed("(human OR human*)", "human")),
        ('"human rig', Typed('"human" (rig OR rig*)', "rig")),
        ('"human rights ', Typed('"human rights"')),
        ('"human rights" bud', Typed('"human rights" (bud OR bud*)', "bud")),
        ("budget person:", Typed("budget", left_out="person:")),
        ("budget published:[2024-", Typed("budget", left_out="published:[2024-")),
        ("budget AND", Typed("budget", left_out="AND")),
        ("(budget OR bla", Typed("(budget OR (bla OR bla*))", "bla")),
        ("person:blin", Typed("person:blin")),
    ],
)
def test_as_typed(typed: str, expected: Typed) -> None:
    assert as_typed(typed) == expected


def _titles(home: LibraryHome, text: str) -> list[str]:
    return [hit.title for hit in home.search(text, limit=10, typing=True).hits]


def test_the_word_being_typed_finds_the_words_it_begins(home: LibraryHome) -> None:
    assert home.search("blai", limit=10).hits == ()  # exactly: nothing
    found = _titles(home, "blai")
    assert set(found) == {"Blair speaks", "Party mood"}
    assert found[0] == "Blair speaks"  # "blair" itself outranks "blairite"
    assert _titles(home, "bla")[:3] and "Black Friday" in _titles(home, "bla")
    # The exact word ranks first among the words it begins.
    assert _titles(home, "black")[0] == "Black Friday"


def test_unfinished_clauses_wait_and_say_what_they_would_be(home: LibraryHome) -> None:
    result = home.search('"human rig', limit=10, typing=True)  # no error, what it can
    assert [hit.title for hit in result.hits] == ["Human rights"]
    assert result.query == '"human" (rig OR rig*)'  # what was searched
    waiting = home.search("budget published:[2024-", limit=10, typing=True)
    assert {hit.title for hit in waiting.hits} == {"Blair speaks", "Human rights"}
    assert waiting.pending is not None  # the error it would be, shown after a pause
    unknown = home.search("budget is:unr", limit=10, typing=True)
    assert unknown.pending is not None and "unr" in unknown.pending
    assert {hit.title for hit in unknown.hits} == {"Blair speaks", "Human rights"}
    complete = home.search("budget ", limit=10, typing=True)
    assert complete.pending is None
    with pytest.raises(QueryError):
        home.search("person:", limit=10, typing=True)  # nothing to search yet


def test_the_command_line_language_is_unchanged(home: LibraryHome) -> None:
    with pytest.raises(QueryError):
        home.search("budget published:[2024-", limit=10)
    assert home.search("blai*", limit=10).total == 2


def test_prefix_short_lists_are_cached_per_segment_and_field(
    home: LibraryHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both fields' lists are written and kept by ``warm``; a list of a segment that is
    gone is deleted; a fresh process's lists load from the files."""
    from index.search import lexicon

    cache = tmp_path / "cache"
    monkeypatch.setenv("NEWSREADER_CACHE_DIR", str(cache))
    lexicon._MEMORY.clear()
    home.library.warm()
    files = sorted(p.name for p in (cache / "lexicon").iterdir())
    assert any(name.endswith("-title-v1.pickle") for name in files)
    assert any(name.endswith("-body-v1.pickle") for name in files)
    prefix = files[0].split("-", 1)[0]
    stale = cache / "lexicon" / f"{prefix}-gone_segment-3-body-v1.pickle"
    stale.write_bytes(b"")
    lexicon._MEMORY.clear()
    home.library.warm()
    assert sorted(p.name for p in (cache / "lexicon").iterdir()) == files
    searcher = home.library.searcher()
    expected = lexicon.expand(searcher, "body", "b")
    lexicon._MEMORY.clear()
    assert lexicon.expand(searcher, "body", "b") == expected  # read back from the files


def test_a_typed_search_stopped_by_the_deadline_is_tried_once_more(
    home: LibraryHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh process on a cold disk cache can pass the 1 s deadline on its first search;
    while typing, that is no error of the person's: the search runs once more (what the
    first one read is in memory now). A second stop is said."""
    from index.search.deadline import QueryTooSlow

    real = home._search
    stops = {"left": 1}

    def slow_first(*args: object, **kwargs: object) -> object:
        if stops["left"]:
            stops["left"] -= 1
            raise QueryTooSlow(1.0)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(home, "_search", slow_first)
    assert home.search("blai", typing=True).total > 0
    stops["left"] = 2
    with pytest.raises(QueryError, match="more than 1 s"):
        home.search("blai", typing=True)
