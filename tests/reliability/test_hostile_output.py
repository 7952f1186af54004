"""Text from outside never reaches the terminal as a control sequence, on any CLI path.

Article text, file names, bookmark notes, tags and titles from an import carry
ESC, BEL, CSI/OSC (7-bit and the C1 forms U+009B, U+009D, U+009C) and Rich
markup; every command that prints them (text and ``--json``) must print no
control character but newline and tab, and markup as text. An article URL that
is not http(s) is never stored.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "\x1b]0;pwned\x07 \x1b[2J \u009b2J \u009d0;evil\u009c [bold]loud[/bold] \x7f"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", "--home", str(home), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def clean(done: subprocess.CompletedProcess[str]) -> str:
    for name, stream in (("stdout", done.stdout), ("stderr", done.stderr)):
        found = CONTROL.findall(stream)
        assert not found, f"{name} carries control characters {found!r}: {stream[:300]!r}"
    return done.stdout


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    base = tmp_path_factory.mktemp("hostile")
    lib = base / "lib"
    lib.mkdir()
    (lib / "story.txt").write_text(
        f"Hostile title {HOSTILE}\n\nThe body mentions Gaza {HOSTILE} and aid.\n",
        encoding="utf-8",
    )
    (lib / "link.md").write_text(
        "---\ntitle: A link\nurl: javascript:alert(1)\n---\n\nAnother body about Gaza aid.\n",
        encoding="utf-8",
    )
    (lib / "file.md").write_text(
        "---\ntitle: A file link\nurl: file:///etc/passwd\n---\n\nA third body on Gaza.\n",
        encoding="utf-8",
    )
    (lib / "empty \x1b]0;name\x07 \u009b2J.txt").write_text("", encoding="utf-8")
    home = base / "home"
    done = run(home, "add", str(lib))
    assert done.returncode == 0, done.stderr
    clean(done)
    assert "empty" in done.stderr  # the skipped file is named, safely
    hits = json.loads(clean(run(home, "search", "hostile", "--json")))["hits"]
    return home, hits[0]["id"]


def test_search_and_show_print_no_control_characters(library: tuple[Path, str]) -> None:
    home, article_id = library
    out = clean(run(home, "search", "gaza"))
    assert "[bold]loud[/bold]" in out  # markup shown as text
    clean(run(home, "search", "gaza", "--json"))
    clean(run(home, "search", "gaza", "--sort", "date", "--json"))
    out = clean(run(home, "show", article_id))
    assert "[bold]loud[/bold]" in out
    shown = json.loads(clean(run(home, "show", article_id, "--json")))
    assert not CONTROL.search(shown["title"] + shown["body"])
    clean(run(home, "related", article_id))
    clean(run(home, "related", article_id, "--json"))


def test_only_web_urls_are_kept(library: tuple[Path, str]) -> None:
    home, _ = library
    hits = json.loads(clean(run(home, "search", "link", "--json")))["hits"]
    assert {hit["title"] for hit in hits} >= {"A link", "A file link"}
    assert all(hit["url"] == "" for hit in hits)


def hostile_annotations(article_id: str) -> dict[str, object]:
    """A W3C annotation export whose note, tag, quote and title carry every hostile form."""
    return {
        "type": "AnnotationPage",
        "items": [
            {
                "type": "Annotation",
                "id": "urn:hostile:1",
                "newsreader:articleId": article_id,
                "newsreader:articleTitle": f"Title {HOSTILE}",
                "body": [
                    {"type": "TextualBody", "purpose": "commenting", "value": f"note {HOSTILE}"},
                    {"type": "TextualBody", "purpose": "tagging", "value": f"tag{HOSTILE}"},
                ],
                "target": {
                    "source": f"urn:newsreader:article:{article_id}",
                    "selector": [
                        {"type": "TextQuoteSelector", "exact": f"The body mentions {HOSTILE}"}
                    ],
                },
            }
        ],
    }


def import_hostile(home: Path, article_id: str, folder: Path) -> None:
    exported = folder / "hostile.json"
    exported.write_text(json.dumps(hostile_annotations(article_id)), encoding="utf-8")
    done = run(home, "bookmarks", "import", str(exported))
    assert done.returncode == 0, done.stderr
    clean(done)


def private_copy(library: tuple[Path, str], folder: Path) -> Path:
    home = folder / "home"
    shutil.copytree(library[0], home)
    return home


def test_imported_bookmarks_are_stored_and_printed_clean(
    library: tuple[Path, str], tmp_path: Path
) -> None:
    home = private_copy(library, tmp_path)
    import_hostile(home, library[1], tmp_path)
    (stored,) = json.loads(clean(run(home, "bookmarks", "list", "--json")))
    for value in (stored["note"], stored["article_title"], stored["quote"], *stored["tags"]):
        assert not CONTROL.search(value), value
    out = clean(run(home, "bookmarks", "list"))
    assert "[bold]loud[/bold]" in out  # markup shown as text
    clean(run(home, "bookmarks", "export", "--format", "markdown"))
    clean(run(home, "bookmarks", "export", "--format", "json"))


def _app(home: Path):  # type: ignore[no-untyped-def]
    from index.home import LibraryHome
    from index.paths import LibraryPaths
    from reader.app import NewsReaderApp

    return NewsReaderApp(LibraryHome(LibraryPaths(home)), [])


async def _until(pilot, condition, seconds: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("the reader never reached the expected state")


def test_the_bookmarks_screen_shows_hostile_bookmarks_as_text(
    library: tuple[Path, str], tmp_path: Path
) -> None:
    """The screen applies the rule itself: a bookmark stored raw (by a version before the
    import was cleaned) is shown without its control characters."""
    from textual.widgets import OptionList

    from reader.screens.bookmarks import BookmarksScreen

    home = private_copy(library, tmp_path)
    import_hostile(home, library[1], tmp_path)
    with sqlite3.connect(home / "library.sqlite3") as conn:
        assert conn.execute("UPDATE bookmarks SET note = ?", (f"raw {HOSTILE}",)).rowcount == 1
    app = _app(home)

    async def scenario() -> list[str]:
        async with app.run_test(size=(120, 36)) as pilot:
            await _until(pilot, lambda: app.screen.__class__.__name__ == "MainScreen")
            await pilot.press("B")
            await _until(pilot, lambda: isinstance(app.screen, BookmarksScreen))
            screen = app.screen
            await _until(pilot, lambda: len(screen.bookmarks) == 1)
            listing = screen.query_one("#bookmarks-list", OptionList)
            return [str(listing.get_option_at_index(0).prompt)]

    (shown,) = asyncio.run(scenario())
    assert "raw" in shown and "[bold]loud[/bold]" in shown, shown
    assert not CONTROL.search(shown), repr(shown)


@pytest.mark.parametrize(
    ("theme", "shown"),
    [("x[/b]", "x[/b]"), ("[b]loud[/b]", "[b]loud[/b]"), (f"x{HOSTILE}", "[bold]loud[/bold]")],
)
def test_a_config_theme_with_markup_is_shown_as_text(
    library: tuple[Path, str], tmp_path: Path, theme: str, shown: str
) -> None:
    """A theme of ``x[/b]`` ended the reader at start with a MarkupError; ``[b]...[/b]``
    was rendered bold; control characters are shown as ``\\x1b`` escapes (the value's repr)."""
    home = private_copy(library, tmp_path)
    (home / "config.toml").write_text(f"theme = {json.dumps(theme)}\n", encoding="utf-8")
    app = _app(home)

    async def scenario() -> list[str]:
        async with app.run_test(size=(120, 36)) as pilot:
            await _until(
                pilot, lambda: any("unknown theme" in n.message for n in app._notifications)
            )
            await pilot.pause(0.3)  # the toast is drawn: a MarkupError would end the app here
            assert app.is_running
            return [n.message for n in app._notifications if not n.markup]

    messages = asyncio.run(scenario())
    (said,) = [message for message in messages if "unknown theme" in message]
    assert shown in said, said
    assert not CONTROL.search(said), repr(said)
