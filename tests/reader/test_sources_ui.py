"""Issue 13 in the reader: the sources pane (``F``) lists the views with their unread
counts and opens one as its query; ``S`` saves the current query into it; ``o`` says
plainly when an article has neither link nor file; ``<``/``>`` resize the list and the
width is kept in state.json."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ready, wait_for

from index.home.sources_view import SourceRow
from reader.screens.dialogs import SaveSearchDialog
from reader.widgets.article_list import ArticleList
from reader.widgets.search_bar import QueryInput
from reader.widgets.sources import SourceList, source_prompt

SIZE = (140, 40)


def _rows(app) -> dict[str, tuple[int, int]]:  # type: ignore[no-untyped-def]
    return {row.name: (row.articles, row.unread) for row in app.screen.query_one(SourceList).rows}


async def test_sources_pane_views_and_saved_searches(make_app, home: Path) -> None:  # type: ignore[no-untyped-def]
    (home / "config.toml").write_text("[reading]\nmark_read_after = false\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        sources = app.screen.query_one(SourceList)
        assert not sources.display
        await pilot.press("F")
        await wait_for(pilot, lambda: "Unread" in _rows(app))
        assert app.focused is sources and sources.display
        assert _rows(app)["All"] == (7, 7) and _rows(app)["Starred"] == (0, 0)

        await pilot.press("j")  # Unread
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query_text == "is:unread")
        assert app.screen.query_one(QueryInput).value == "is:unread"
        article_list = app.screen.query_one(ArticleList)
        await wait_for(pilot, lambda: len(article_list.hits) == 7)
        await pilot.press("m")  # the list has focus: its first row is read now
        await wait_for(pilot, lambda: _rows(app)["Unread"] == (6, 6))  # the pane follows

        await pilot.press("slash", *"gaza", "enter")
        await wait_for(pilot, lambda: app.screen.query_text == "gaza")
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveSearchDialog))
        await pilot.press(*"Gaza news", "enter")
        await wait_for(pilot, lambda: "Gaza news" in _rows(app))
        total, unread = _rows(app)["Gaza news"]
        assert total >= 3 and unread <= total

        width = article_list.outer_size.width
        await pilot.press("l", "greater_than_sign")
        await wait_for(pilot, lambda: article_list.outer_size.width == width + 4)
        await pilot.press("F")  # folds it away again (the focus was elsewhere: first to it)
        await pilot.press("F")
        await wait_for(pilot, lambda: not sources.display)
    state = json.loads((home / "state.json").read_text())
    assert state["list_width"] == width + 4 and state["sources"] is False


async def test_o_says_when_there_is_nothing_to_open(make_app, home: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    said: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        original = app.notify
        app.notify = lambda message, **kw: (said.append(message), original(message, **kw))[1]  # type: ignore[method-assign]
        await wait_for(pilot, ready(app))
        hit = app.screen.query_one(ArticleList).hits[0]
        await pilot.press("o")
        await wait_for(pilot, lambda: bool(said))
        if hit.url:
            assert said[-1].startswith("Opening ")
        elif hit.path:
            assert said[-1] == f"Opening the file {hit.path}"
        else:
            assert said[-1] == "This article has no link and no file to open"


def test_a_row_shows_its_unread_count_and_starred_what_it_holds() -> None:
    def shown(row: SourceRow) -> str:
        return source_prompt(row, 20).plain

    assert shown(SourceRow("feed", "World", 'feed:"World"', 12, 3)).endswith(" 3")
    assert shown(SourceRow("feed", "World", 'feed:"World"', 12, 0)).rstrip() == "World"
    # Starred articles are mostly read: the row says how many it holds.
    assert shown(SourceRow("starred", "Starred", "is:starred", 4, 0)).endswith(" 4")
    assert shown(SourceRow("starred", "Starred", "is:starred", 4, 1)).endswith(" 1")
    assert shown(SourceRow("bookmarked", "Bookmarked", "is:bookmarked", 0, 0)).rstrip() == (
        "Bookmarked"
    )
