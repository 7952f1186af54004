"""Pilot tests: the reader driven by keys over a small library built in tmp_path."""

from __future__ import annotations

from pathlib import Path

from conftest import ready, seed_id, wait_for

from reader.screens.entity import EntityScreen
from reader.screens.help import HelpScreen
from reader.widgets.article_list import ArticleList
from reader.widgets.article_view import ArticleView
from reader.widgets.entities import EntityList
from reader.widgets.related import RelatedList
from reader.widgets.search_bar import QueryInput

SIZE = (120, 36)


def _list_ids(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.id for hit in app.screen.query_one(ArticleList).hits]


def _view(app) -> ArticleView:  # type: ignore[no-untyped-def]
    return app.screen.query_one(ArticleView)


async def test_opens_on_the_newest_article_with_its_panes(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        assert len(_list_ids(app)) == 7
        view = _view(app)
        assert view.stored is not None
        assert view.stored.article.id == _list_ids(app)[0]
        assert app.focused is app.screen.query_one(ArticleList)
        assert app.sub_title.startswith("7 articles · ")  # and how many are unread


async def test_search_as_you_type_updates_the_list(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("slash")
        assert isinstance(app.focused, QueryInput)
        await pilot.press(*"apple")
        await wait_for(pilot, lambda: app.screen.query_text == "apple")
        await wait_for(pilot, lambda: len(_list_ids(app)) == 1)
        hit = app.screen.query_one(ArticleList).hits[0]
        assert "Apple" in hit.title
        await pilot.press("s")  # "apples": the list follows the typing
        await wait_for(pilot, lambda: app.screen.query_text == "apples")


async def test_enter_opens_the_top_hit_and_n_moves_between_hits(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("slash", *"blinken dermer", "enter")
        view = _view(app)
        # Enter opens the top hit to read it (issue 16, item 4); the seed article is
        # open already, so wait for the focus and the first hit, not for the article.
        await wait_for(
            pilot,
            lambda: view.article_id == seed_id() and app.focused is view and view.hit_count,
        )
        await wait_for(pilot, lambda: view.marks.current_hit == 0)
        body = view.stored.article.body
        assert {body[s:e].lower() for s, e in view.marks.hits} >= {"blinken", "dermer"}
        assert view.marks.current_hit == 0
        await pilot.press("n")
        assert view.marks.current_hit == 1
        await pilot.press("N", "N")
        assert view.marks.current_hit == view.hit_count - 1


async def test_n_scrolls_the_hit_into_view(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("slash", *"siege", "enter")
        await wait_for(pilot, lambda: _view(app).hit_count == 1)
        view = _view(app)
        await wait_for(pilot, lambda: view.scroll_y > 0)  # the hit is mid-article
        await pilot.press("a", "g")
        assert view.scroll_y == 0
        await pilot.press("n")
        await wait_for(pilot, lambda: view.scroll_y > 0)


async def test_entity_page_slash_searches_the_library_for_it(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("slash", *"siege", "enter")
        await wait_for(pilot, lambda: _view(app).article_id == seed_id())
        await pilot.press("e")
        entities = app.screen.query_one(EntityList)
        assert app.focused is entities
        assert entities.highlighted_option.id == "PERSON\tAntony Blinken"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EntityScreen))
        await wait_for(pilot, lambda: app.screen.page is not None)
        await pilot.press("slash")
        query = app.screen.query_one(QueryInput)
        assert query.value == 'person:"antony blinken"'
        await wait_for(pilot, lambda: seed_id() in _list_ids(app) and len(_list_ids(app)) >= 2)
        assert app.screen.query_text == 'person:"antony blinken"'


async def test_entity_f_adds_a_filter_to_the_query(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("slash", *"aid", "enter")
        await wait_for(pilot, lambda: _view(app).hit_count > 0)
        await pilot.press("e", "f")
        value = app.screen.query_one(QueryInput).value
        assert value.startswith("aid ") and value.endswith('"')


async def test_related_enter_opens_and_back_returns(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("slash", *"siege", "enter")
        await wait_for(pilot, lambda: _view(app).article_id == seed_id())
        await wait_for(pilot, ready(app))
        related = app.screen.query_one(RelatedList)
        target = related.highlighted_option.id
        assert target and target != seed_id()
        await pilot.press("r")
        assert app.focused is related
        await pilot.press("enter")
        await wait_for(pilot, lambda: _view(app).article_id == target)
        await pilot.press("backspace")
        await wait_for(pilot, lambda: _view(app).article_id == seed_id())
        await pilot.press("r", "enter")
        await wait_for(pilot, lambda: _view(app).article_id == target)
        await pilot.press("h")
        await wait_for(pilot, lambda: _view(app).article_id == seed_id())


async def test_help_screen_lists_the_bindings_and_the_colours(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text").render())
        assert "Next hit" in text and "search.focus" in text and "person" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_bad_query_shows_an_inline_error_and_keeps_the_results(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("slash", *"gaza")
        await wait_for(pilot, lambda: app.screen.query_text == "gaza" and len(_list_ids(app)) >= 3)
        status = app.screen.query_one("#search-status")
        await wait_for(pilot, lambda: "hits" in str(status.render()))  # the hits, not the list
        before = _list_ids(app)
        # At once, as a paste: typed key by key, a slow moment lets "gaza n" search.
        app.screen.query_one(QueryInput).insert_text_at_cursor(" nofield:x")
        error = app.screen.query_one("#search-error")
        await wait_for(pilot, lambda: error.display)
        assert "unknown field" in str(error.render())
        assert _list_ids(app) == before
        for _ in range(len(" nofield:x")):
            await pilot.press("backspace")
        await wait_for(pilot, lambda: not error.display)


async def test_escape_returns_to_the_list(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("slash", *"gaza", "escape")
        assert app.focused is app.screen.query_one(ArticleList)


async def test_sort_toggles_between_relevance_and_newest(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("slash", *"gaza", "escape", "s")
        await wait_for(
            pilot, lambda: "newest" in str(app.screen.query_one("#search-status").render())
        )
        hits = app.screen.query_one(ArticleList).hits
        dates = [hit.published for hit in hits if hit.published]
        assert dates == sorted(dates, reverse=True)


async def test_highlight_toggle_turns_entity_colours_off(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        view = _view(app)
        assert view.marks.highlight
        await pilot.press("H")
        assert not view.marks.highlight


async def test_first_run_indexes_the_bundled_seeds(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(library=tmp_path / "fresh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(_list_ids(app)) >= 5, seconds=60)
        await wait_for(pilot, lambda: _view(app).stored is not None)
        assert seed_id() in _list_ids(app)


async def test_paths_are_added_then_shown(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\ntitle: Lighthouse Restored\ndate: 2024-05-01\n---\n\nThe lighthouse keeper said so.\n"
    )
    app = make_app(str(folder))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot,
            lambda: (
                [h.title for h in app.screen.query_one(ArticleList).hits] == ["Lighthouse Restored"]
            ),
        )
        await wait_for(pilot, lambda: _view(app).stored is not None)
        assert _view(app).stored.article.title == "Lighthouse Restored"


async def test_date_filter_dialog_adds_a_clause(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("d", *"2024-10-02", "enter")
        await wait_for(pilot, lambda: app.screen.query_text == "published:2024-10-02")
        await wait_for(pilot, lambda: len(_list_ids(app)) == 1)
        assert "Apple" in app.screen.query_one(ArticleList).hits[0].title


async def test_sidebar_toggles(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, ready(app))
        sidebar = app.screen.query_one("#sidebar")
        assert sidebar.display
        await pilot.press("p")
        assert not sidebar.display
        await pilot.press("r")
        assert sidebar.display


async def test_articles_added_by_another_process_show_up(
    make_app, home: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    from reader.screens import main

    monkeypatch.setattr(main, "POLL_SECONDS", 0.2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        folder = tmp_path / "later"
        folder.mkdir()
        (folder / "b.md").write_text(
            "---\ntitle: Late Arrival\ndate: 2030-01-01\n---\n\nNew text.\n"
        )
        adder = [sys.executable, "-m", "reader", "--home", str(home), "add", str(folder)]
        done = subprocess.run(adder, capture_output=True, timeout=120, text=True)
        assert done.returncode == 0, done.stderr
        await wait_for(
            pilot,
            lambda: "Late Arrival" in [h.title for h in app.screen.query_one(ArticleList).hits],
        )
        assert app.sub_title.startswith("8 articles · ")


async def test_a_library_error_is_shown_and_the_app_keeps_running(make_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from index.errors import StorageError
    from index.home.library import Library

    def broken(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise StorageError("cannot read the search index: disk on fire")

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        monkeypatch.setattr(Library, "search", broken)
        await pilot.press("slash", *"gaza")
        await wait_for(pilot, lambda: any("disk on fire" in n.message for n in app._notifications))
        assert app.is_running
        monkeypatch.undo()
        await pilot.press("escape", "s")  # sorting re-runs the search, which works again
        await wait_for(
            pilot, lambda: "newest" in str(app.screen.query_one("#search-status").render())
        )


def test_entity_query_for_dates_and_numbers() -> None:
    from reader.screens.main import entity_query

    assert entity_query("DATE", "2024-11-13") == "mentioned:2024-11-13"
    assert entity_query("DATE", "next week") == '"next week"'


async def test_a_large_add_reads_files_in_a_process_pool_under_the_app(
    make_app, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from index.home.ingest import PARALLEL_MIN_FILES
    from reader.app import _start_resource_tracker

    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(PARALLEL_MIN_FILES):
        (folder / f"{number:03}.md").write_text(
            f"---\ntitle: Note {number}\ndate: 2024-01-01\n---\n\nShort note number {number}.\n"
        )
    _start_resource_tracker()  # what run_app does before Textual takes over stderr
    app = make_app(str(folder), library=tmp_path / "lib")
    async with app.run_test(size=SIZE) as pilot:

        def errors() -> list[str]:
            return [n.message for n in app._notifications if n.severity == "error"]

        await wait_for(pilot, lambda: len(_list_ids(app)) == PARALLEL_MIN_FILES or errors(), 120)
        assert not errors()
