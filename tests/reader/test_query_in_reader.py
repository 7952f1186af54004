"""The query language as the reader uses it: the date dialog's own example, and an
entity search that marks the entity's mentions in the snippets and the article."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from conftest import ready, seed_id, wait_for

from index.home import LibraryHome
from index.paths import LibraryPaths
from reader.widgets.article_list import ArticleList
from reader.widgets.article_view import ArticleView
from reader.widgets.search_bar import QueryInput

SIZE = (120, 36)


def _dated_library(tmp_path: Path) -> Path:
    """Articles published a week ago (always in last week), today and a month ago."""
    folder = tmp_path / "dated"
    folder.mkdir()
    today = date.today()
    for name, day in [("week", today - timedelta(days=7)), ("today", today)]:
        (folder / f"{name}.md").write_text(
            f"---\ntitle: Story {name}\ndate: {day.isoformat()}\n---\n\nHarbour news.\n"
        )
    (folder / "month.md").write_text(
        f"---\ntitle: Story month\ndate: {(today - timedelta(days=35)).isoformat()}\n---\n\nOld.\n"
    )
    home = tmp_path / "dated-home"
    service = LibraryHome(LibraryPaths(home))
    try:
        service.add([folder], jobs=1)
    finally:
        service.close()
    return home


async def test_the_date_dialogs_own_example_last_week_filters(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(library=_dated_library(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.screen.query_one(ArticleList).hits) == 3)
        await pilot.press("d")
        await pilot.press(*"last week", "enter")
        error = app.screen.query_one("#search-error")
        titles = lambda: [hit.title for hit in app.screen.query_one(ArticleList).hits]  # noqa: E731
        await wait_for(pilot, lambda: app.screen.query_text == "published:[last week]")
        await wait_for(pilot, lambda: titles() == ["Story week"] or error.display)
        assert not error.display, str(error.render())
        assert titles() == ["Story week"]


async def test_an_entity_search_marks_the_mentions_in_snippet_and_article(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        query = 'person:"antony blinken"'
        await pilot.press("slash", *query, "enter")
        article_list = app.screen.query_one(ArticleList)
        await wait_for(pilot, lambda: seed_id() in [hit.id for hit in article_list.hits])
        assert app.screen.query_one(QueryInput).value == query
        (hit,) = [hit for hit in article_list.hits if hit.id == seed_id()]
        assert hit.spans, hit.snippet
        assert all("Blinken" in hit.snippet[s:e] for s, e in hit.spans), hit
        view = app.screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == article_list.hits[0].id)
        await wait_for(pilot, lambda: view.hit_count > 0)
        assert view.stored is not None
        body = view.stored.article.body
        assert all("Blinken" in body[s:e] for s, e in view.marks.hits)


async def test_typing_searches_the_word_being_typed_and_an_error_waits(make_app) -> None:  # type: ignore[no-untyped-def]
    """Issue 15: ``blinke`` (unfinished) already lists Blinken's articles; an unfinished
    range shows no error while keys come, and its error once the person pauses."""
    from reader.screens.main import ERROR_AFTER_SECONDS

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        article_list = app.screen.query_one(ArticleList)
        error = app.screen.query_one("#search-error")
        await pilot.press("slash", *"blinke")
        await wait_for(pilot, lambda: app.screen.query_text == "blinke" and article_list.hits)
        assert app.screen.view_query == "(blinke OR blinke*)"  # marking, saving follow it
        assert not error.display
        typed = {hit.id for hit in article_list.hits}
        await pilot.press("n")  # the word complete: the same articles
        await wait_for(pilot, lambda: app.screen.query_text == "blinken")
        await wait_for(pilot, lambda: {hit.id for hit in article_list.hits} == typed)
        await pilot.press(*" published:[2024-")
        await wait_for(pilot, lambda: app.screen.query_text.endswith("[2024-"))
        await pilot.pause(0.3)
        assert not error.display  # still typing: no red line yet
        assert article_list.hits  # the hits of what can be read of it
        await wait_for(pilot, lambda: error.display, seconds=ERROR_AFTER_SECONDS + 5)
        await pilot.press(*"11-01 to]")
        await wait_for(pilot, lambda: not error.display)
