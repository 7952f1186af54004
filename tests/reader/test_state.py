"""Issue 16, item 6: what the reader keeps across a relaunch, in ``state.json`` in the home."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ready, wait_for

from reader.widgets.article_list import ArticleList
from reader.widgets.article_view import ArticleView
from reader.widgets.search_bar import QueryInput

SIZE = (120, 36)


def _view(app) -> ArticleView:  # type: ignore[no-untyped-def]
    return app.screen.query_one(ArticleView)


def _hits(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.id for hit in app.screen.query_one(ArticleList).hits]


async def test_a_relaunch_keeps_theme_sidebar_sort_compact_query_and_article(
    make_app, home: Path
) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        app.theme = "nord"
        await pilot.press("p", "c", "slash", *"gaza", "escape", "s")
        await wait_for(pilot, lambda: app.screen.sort == "date" and len(_hits(app)) >= 2)
        await wait_for(
            pilot, lambda: "newest" in str(app.screen.query_one("#search-status").render())
        )
        await pilot.press("j", "enter")
        chosen = _hits(app)[1]
        await wait_for(pilot, lambda: _view(app).article_id == chosen)
    assert (home / "state.json").exists()

    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: _view(again).article_id == chosen)
        screen = again.screen
        assert again.theme == "nord"
        assert not screen.query_one("#sidebar").display
        assert screen.query_one(ArticleList).compact
        assert screen.sort == "date"
        assert screen.query_one(QueryInput).value == "gaza"
        await wait_for(pilot, lambda: screen.query_text == "gaza" and chosen in _hits(again))
        await wait_for(pilot, lambda: screen.query_one(ArticleList).current_id == chosen)


async def test_a_damaged_state_file_is_ignored_with_a_warning(make_app, home: Path) -> None:  # type: ignore[no-untyped-def]
    state = home / "state.json"
    state.write_text('{"theme": "nord", "sort": ', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        warnings = [n.message for n in app._notifications if n.severity == "warning"]
        assert any(str(state) in message for message in warnings), warnings
        assert app.theme == "textual-dark" and app.screen.sort == "relevance"
        await pilot.press("c")
    assert json.loads(state.read_text(encoding="utf-8"))["compact"] is True  # rewritten whole


async def test_wrong_values_are_dropped_one_by_one(make_app, home: Path) -> None:  # type: ignore[no-untyped-def]
    state = {"theme": 7, "sidebar": False, "sort": "sideways", "article": "no-such-article"}
    (home / "state.json").write_text(json.dumps(state), encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))  # the missing article: the newest opens instead
        assert not app.screen.query_one("#sidebar").display
        assert app.screen.sort == "relevance" and app.theme == "textual-dark"
        assert _view(app).article_id == _hits(app)[0]
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert not errors, errors


async def test_the_config_theme_wins_over_the_remembered_one(make_app, home: Path) -> None:  # type: ignore[no-untyped-def]
    (home / "config.toml").write_text('theme = "gruvbox"\n', encoding="utf-8")
    (home / "state.json").write_text(json.dumps({"theme": "nord"}), encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        assert app.theme == "gruvbox"


def test_the_state_file_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    from reader.state import ReaderState, load_state, save_state

    path = tmp_path / "state.json"
    state = ReaderState(theme="nord", sidebar=False, sort="date", compact=True, query="aid")
    assert save_state(path, state) is None
    assert load_state(path) == (state, None)
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary left
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("")
    problem = save_state(blocked / "state.json", state)
    assert problem is not None and "state.json" in problem
