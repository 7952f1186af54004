"""Passage bookmarks in the reader: cursor, selection, dialog, marker, Bookmarks screen."""

from __future__ import annotations

from conftest import ready, seed_id, wait_for

from index.analysis.passages import sentences
from index.home import LibraryHome
from index.paths import LibraryPaths
from reader.screens.bookmarks import BookmarksScreen, parse_filter
from reader.screens.dialogs import BookmarkDialog, ConfirmDialog
from reader.widgets.article_view import ArticleView

SIZE = (120, 36)
DEADLINE = "Israel has until 13 November to significantly improve aid delivery"


def _view(app) -> ArticleView:  # type: ignore[no-untyped-def]
    return app.screen.query_one(ArticleView)


async def _open_deadline_sentence(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await wait_for(pilot, ready(app))
    await pilot.press("slash", *'"13 november"', "enter")
    await wait_for(pilot, lambda: _view(app).article_id == seed_id() and _view(app).hit_count)
    await pilot.press("a")


def _stored(home):  # type: ignore[no-untyped-def]
    services = LibraryHome(LibraryPaths(home))
    try:
        return services.bookmarks.list()
    finally:
        services.close()


def test_parse_filter() -> None:
    assert parse_filter("#gaza deadline aid") == ("gaza", "deadline aid")
    assert parse_filter("") == (None, None)


async def test_b_bookmarks_the_sentence_under_the_cursor_with_note_and_tags(make_app, home) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _open_deadline_sentence(pilot)
        view = _view(app)
        start, end = view.passage()
        assert DEADLINE in view.stored.article.body[start:end]
        await pilot.press("b")
        assert isinstance(app.screen, BookmarkDialog)
        await pilot.press(*"check the deadline", "enter", *"gaza, deadline", "enter")
        await wait_for(pilot, lambda: view.bookmarked_paragraphs() != [])
    (bookmark,) = _stored(home)
    assert DEADLINE in bookmark.quote
    assert bookmark.note == "check the deadline"
    assert set(bookmark.tags) == {"deadline", "gaza"}


async def test_v_extends_a_selection_over_sentences(make_app, home) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _open_deadline_sentence(pilot)
        view = _view(app)
        first = view.passage()
        await pilot.press("v", "j")
        selected = view.passage()
        assert selected[0] == first[0] and selected[1] > first[1]
        await pilot.press("b", "escape")  # cancelled: nothing stored
    assert _stored(home) == []


async def test_bookmarks_screen_lists_opens_edits_and_deletes(make_app, home) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _open_deadline_sentence(pilot)
        await pilot.press("b", *"first note", "enter", "enter")
        await wait_for(pilot, lambda: len(_stored(home)) == 1)
        await wait_for(pilot, ready(app))
        await pilot.press("r", "enter")  # read a related article first
        await wait_for(pilot, lambda: _view(app).article_id != seed_id())
        await pilot.press("B")
        assert isinstance(app.screen, BookmarksScreen)
        await wait_for(pilot, lambda: len(app.screen.bookmarks) == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: _view(app).article_id == seed_id())
        view = _view(app)
        await wait_for(pilot, lambda: view.marks.selection is not None)
        start, end = view.marks.selection
        assert DEADLINE in view.stored.article.body[start:end]
        assert view.scroll_y > 0

        await pilot.press("B")
        await wait_for(pilot, lambda: len(app.screen.bookmarks) == 1)
        await pilot.press("E")
        assert isinstance(app.screen, BookmarkDialog)
        await pilot.press("ctrl+a", "ctrl+k", *"edited", "enter", "enter")
        await wait_for(pilot, lambda: _stored(home)[0].note == "edited")
        await pilot.press("slash", *"#nosuchtag")
        await wait_for(pilot, lambda: app.screen.bookmarks == [])
        await pilot.press("ctrl+a", "ctrl+k", "enter")
        await wait_for(pilot, lambda: len(app.screen.bookmarks) == 1)
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        assert len(_stored(home)) == 1
        await pilot.press("x", "y")
        await wait_for(pilot, lambda: _stored(home) == [])


async def test_clicking_a_sentence_puts_the_cursor_on_it(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        view = _view(app)
        body = view.stored.article.body
        first = sentences(body)[0]
        row = view._lines.line_of_offset(first[0])  # the first paragraph's first line
        assert row is not None
        await pilot.click(ArticleView, offset=(10, row - int(view.scroll_y)))
        assert app.focused is view
        start, _ = view.passage()
        assert view.passage() == first
        await pilot.click(ArticleView, offset=(30, row + 1 - int(view.scroll_y)), shift=True)
        assert view.selection_range is not None and view.selection_range[0] == start


async def test_a_long_article_is_laid_out_in_chunks_and_a_far_passage_is_reached(
    make_app, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from index.home.ingest import ingest
    from reader.widgets.article_view import LAYOUT_CHUNK

    folder = tmp_path / "long"
    folder.mkdir()
    count = LAYOUT_CHUNK * 4
    body = "\n\n".join(f"Paragraph number {i} says little. It ends here." for i in range(count))
    (folder / "long.md").write_text(f"---\ntitle: Long\ndate: 2024-01-01\n---\n\n{body}\n")
    services = LibraryHome(LibraryPaths(tmp_path / "lib"))
    ingest(services.library, [folder], jobs=1)
    services.close()
    app = make_app(library=tmp_path / "lib")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: _view(app).stored is not None)
        view = _view(app)
        await wait_for(pilot, lambda: view.laid_out)
        last = body.index(f"Paragraph number {count - 1}")
        screen = app.screen
        screen.open_passage(view.article_id, last, last + 10)
        await wait_for(pilot, lambda: view.marks.selection == (last, last + 10))
        await wait_for(pilot, lambda: view.scroll_y > 0 and view.scroll_y >= view.max_scroll_y - 5)
