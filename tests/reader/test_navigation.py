"""Issue 16, item 4: going back, the search field, g/G, and where Enter leaves the focus."""

from __future__ import annotations

from conftest import ready, seed_id, wait_for

from index.analysis.passages import sentences
from reader import workers
from reader.screens.entity import EntityScreen
from reader.widgets.article_list import ArticleList
from reader.widgets.article_view import ArticleView
from reader.widgets.entities import EntityList
from reader.widgets.search_bar import QueryInput

SIZE = (120, 36)


def _list_ids(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.id for hit in app.screen.query_one(ArticleList).hits]


def _view(app) -> ArticleView:  # type: ignore[no-untyped-def]
    return app.screen.query_one(ArticleView)


async def test_back_after_an_entity_restores_the_query_the_list_and_the_article(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("slash", *"siege", "enter")
        await wait_for(pilot, lambda: _view(app).article_id == seed_id())
        before = _list_ids(app)
        await pilot.press("e")
        assert app.screen.query_one(EntityList).highlighted_option.id == "PERSON\tAntony Blinken"
        await pilot.press("enter")  # the entity's page; "/" there: all its articles
        await wait_for(pilot, lambda: isinstance(app.screen, EntityScreen))
        await wait_for(pilot, lambda: app.screen.page is not None)
        await pilot.press("slash")
        entity_query = 'person:"antony blinken"'
        await wait_for(pilot, lambda: len(_list_ids(app)) >= 2)
        assert app.screen.query_text == entity_query
        other = next(i for i in _list_ids(app) if i != seed_id())
        app.screen.query_one(ArticleList).select_id(other)
        await pilot.press("l", "enter")
        await wait_for(pilot, lambda: _view(app).article_id == other)

        await pilot.press("backspace")  # the article opened from the entity's list
        await wait_for(pilot, lambda: _view(app).article_id == seed_id())
        assert app.screen.query_text == entity_query

        await pilot.press("backspace")  # before the entity: the search for "siege"
        await wait_for(pilot, lambda: app.screen.query_text == "siege")
        await wait_for(pilot, lambda: _list_ids(app) == before)
        assert app.screen.query_one(QueryInput).value == "siege"
        assert _view(app).article_id == seed_id()
        assert app.screen.query_one(ArticleList).current_id == seed_id()

        await pilot.press("slash", *"gaza")  # "/" selects the old query: typing replaces it
        assert app.screen.query_one(QueryInput).value == "gaza"


async def test_g_and_G_in_the_article_move_the_sentence_cursor_too(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("slash", *"siege", "enter")
        await wait_for(pilot, lambda: _view(app).hit_count == 1)
        view = _view(app)
        await wait_for(pilot, lambda: view.scroll_y > 0)
        body = view.stored.article.body
        first, last = sentences(body)[0], sentences(body)[-1]
        assert view.cursor_range != first  # on the hit, mid-article
        await pilot.press("a", "g")
        assert view.scroll_y == 0
        assert view.cursor_range == first
        await pilot.press("v", "j")
        assert view.passage()[0] == first[0]
        await pilot.press("v", "G")
        assert view.cursor_range == last
        await pilot.press("home")
        assert view.cursor_range == first


async def test_G_in_the_list_goes_to_the_last_article_loading_pages(make_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(workers, "PAGE", 2)
    monkeypatch.setattr(workers, "SEARCH_PAGE", 2)
    monkeypatch.setattr(workers, "PAGE_TO_END", 2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: _view(app).stored is not None)
        article_list = app.screen.query_one(ArticleList)
        assert len(_list_ids(app)) < 7
        await pilot.press("G")
        await wait_for(pilot, lambda: len(_list_ids(app)) == 7)
        await wait_for(pilot, lambda: article_list.highlighted == 6)
        await pilot.press("g")
        assert article_list.highlighted == 0

        await pilot.press("slash", *"gaza", "escape")
        await wait_for(pilot, lambda: app.screen.query_text == "gaza")
        await wait_for(pilot, lambda: len(_list_ids(app)) > 0)
        await pilot.press("G")
        await wait_for(pilot, lambda: not article_list.more and len(_list_ids(app)) > 2)
        await wait_for(pilot, lambda: article_list.highlighted == len(_list_ids(app)) - 1)


async def test_enter_on_a_hit_opens_it_and_focuses_the_article(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("slash", *"gaza", "escape")
        await wait_for(pilot, lambda: app.screen.query_text == "gaza" and len(_list_ids(app)) >= 2)
        await pilot.press("j", "enter")
        second = _list_ids(app)[1]
        await wait_for(pilot, lambda: _view(app).article_id == second)
        assert app.focused is _view(app)
        await pilot.press("escape")
        assert app.focused is app.screen.query_one(ArticleList)
