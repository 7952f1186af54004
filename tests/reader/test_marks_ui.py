"""Issue 13 in the reader: opening an article marks it read after a moment, ``m`` toggles
read, ``*`` stars, ``A`` marks the whole view read with a count and ``U`` undoes it,
``o`` and ``y`` say plainly when an article has no link; the header counts the unread."""

from __future__ import annotations

from pathlib import Path

from conftest import ready, wait_for

from index.home import LibraryHome
from index.paths import LibraryPaths
from reader.widgets.article_list import ArticleList

SIZE = (120, 36)


def _rows(app) -> dict[str, tuple[bool, bool]]:  # type: ignore[no-untyped-def]
    return {h.title: (h.read, h.starred) for h in app.screen.query_one(ArticleList).hits}


def _stored(home: Path) -> dict[str, int]:
    opened = LibraryHome(LibraryPaths(home), tagger=None)
    try:
        return opened.mark_counts()
    finally:
        opened.close()


async def test_reading_starring_mark_all_and_undo(make_app, home: Path) -> None:  # type: ignore[no-untyped-def]
    (home / "config.toml").write_text("[reading]\nmark_read_after = 0.3\n")
    app = make_app()
    notices: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        original = app.notify
        app.notify = lambda message, **kw: (notices.append(message), original(message, **kw))[1]  # type: ignore[method-assign]
        await wait_for(pilot, ready(app))
        article_list = app.screen.query_one(ArticleList)
        first = article_list.hits[0].title
        # The first article opens by itself: it is read once it stayed open 0.3 s.
        await wait_for(pilot, lambda: _rows(app)[first][0])
        await wait_for(pilot, lambda: app.sub_title.endswith("· 6 unread"))
        assert _stored(home)["unread"] == 6

        await pilot.press("m")  # the list has focus: its row, back to unread
        await wait_for(pilot, lambda: not _rows(app)[first][0])
        await pilot.press("asterisk")
        await wait_for(pilot, lambda: _rows(app)[first][1])
        assert _stored(home) == {"articles": 7, "unread": 7, "read": 0, "starred": 1}

        await pilot.press("A")
        await wait_for(pilot, lambda: all(read for read, _ in _rows(app).values()))
        assert any("Marked 7 articles read · U to undo" in n for n in notices), notices
        assert _stored(home)["unread"] == 0
        await pilot.press("U")
        await wait_for(pilot, lambda: not any(read for read, _ in _rows(app).values()))
        assert _stored(home)["unread"] == 7
        await wait_for(pilot, lambda: app.sub_title.endswith("· 7 unread"))

        await pilot.press("slash", *"is:starred", "enter")
        await wait_for(pilot, lambda: list(_rows(app)) == [first])

        notices.clear()
        await pilot.press("y")
        await wait_for(pilot, lambda: bool(notices))
        url = article_list.hits[0].url
        assert notices[-1] == (f"Copied {url}" if url else "This article has no link to copy")
        if url:
            assert app.clipboard == url
