"""Snapshot tests: the main screen with the seed article open, wide and narrow.

Deterministic: the library is built from fixed files with fixed dates, the UI
shows no clock and no paths, and the shots are taken once the article and its
related items are in.
"""

from __future__ import annotations

from pathlib import Path

from conftest import ready, seed_id, wait_for

from index.home import LibraryHome
from index.paths import LibraryPaths
from reader.app import NewsReaderApp
from reader.config import Config


def _app(home: Path) -> NewsReaderApp:
    return NewsReaderApp(LibraryHome(LibraryPaths(home)), [], config=Config(mark_read_after=None))


async def _open_seed(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await wait_for(pilot, ready(app))
    await pilot.press("slash", *"siege", "enter")
    await wait_for(pilot, lambda: app.screen.query_one("ArticleView").article_id == seed_id())
    await wait_for(pilot, ready(app))
    await pilot.press("a", "g")
    await pilot.pause(0.2)


class TestMainScreen:
    def test_seed_article_open_120x36(self, snap_compare, home: Path) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(_app(home), terminal_size=(120, 36), run_before=_open_seed)

    def test_seed_article_open_80x24(self, snap_compare, home: Path) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(_app(home), terminal_size=(80, 24), run_before=_open_seed)


async def _open_help(pilot) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, ready(pilot.app))
    await pilot.press("question_mark")
    await pilot.pause(0.2)


class TestHelpScreen:
    def test_help_80x24(self, snap_compare, home: Path) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(_app(home), terminal_size=(80, 24), run_before=_open_help)
