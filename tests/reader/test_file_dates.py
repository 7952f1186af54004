"""Issue 16, item 3 (display): a date taken from the file's mtime says so, in the list and
the byline; a date the article states does not."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from conftest import wait_for

from reader.widgets.article_list import ArticleList
from reader.widgets.article_view import ArticleView

SIZE = (120, 36)
FILE_DATE = "2023-03-05 · file date"


def _rows(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each listed article's title -> its row's text."""
    article_list = app.screen.query_one(ArticleList)
    return {
        hit.title: article_list.get_option_at_index(i).prompt.plain
        for i, hit in enumerate(article_list.hits)
    }


def _byline(app) -> str:  # type: ignore[no-untyped-def]
    view = app.screen.query_one(ArticleView)
    return "".join(strip.text for strip in view._lines.head)


async def test_file_dates_are_marked_in_every_list_and_in_the_byline(
    make_app, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "undated"
    folder.mkdir()
    undated = folder / "harbour.md"
    undated.write_text("---\ntitle: Harbour Notes\n---\n\nThe harbour master spoke of tides.\n")
    stamp = datetime(2023, 3, 5, 12, 0).timestamp()
    os.utime(undated, (stamp, stamp))
    (folder / "dated.md").write_text(
        "---\ntitle: Harbour Dated\ndate: 2023-03-01\n---\n\nThe harbour reopened.\n"
    )
    app = make_app(str(folder))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: {"Harbour Notes", "Harbour Dated"} <= set(_rows(app)))
        rows = _rows(app)  # the articles just added
        assert FILE_DATE in rows["Harbour Notes"]
        assert "file date" not in rows["Harbour Dated"]

        await pilot.press("slash", *"harbour", "escape")  # search hits
        await wait_for(pilot, lambda: app.screen.query_text == "harbour" and len(_rows(app)) == 2)
        await wait_for(pilot, lambda: FILE_DATE in _rows(app).get("Harbour Notes", ""))
        assert "file date" not in _rows(app)["Harbour Dated"]

        article_list = app.screen.query_one(ArticleList)
        article_list.select_id(next(h.id for h in article_list.hits if h.title == "Harbour Notes"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: FILE_DATE in _byline(app))

        await pilot.press("slash", "backspace", "escape")  # the newest-first list
        await wait_for(pilot, lambda: app.screen.query_text == "" and len(_rows(app)) == 9)
        assert FILE_DATE in _rows(app)["Harbour Notes"]
        assert not any(
            "file date" in row for title, row in _rows(app).items() if title != "Harbour Notes"
        )


async def test_the_newest_first_list_puts_file_dates_after_stated_ones(
    make_app, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Every BBC story showed today's file date and flooded "newest first"."""
    folder = tmp_path / "undated"
    folder.mkdir()
    for n in range(3):
        path = folder / f"note{n}.txt"
        path.write_text(f"Harbour note {n}\n\nThe harbour master spoke of tides again.\n")
    (folder / "dated.md").write_text(
        "---\ntitle: Harbour Dated\ndate: 2023-03-01\n---\n\nThe harbour reopened.\n"
    )
    app = make_app(str(folder))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "Harbour Dated" in _rows(app))
        await pilot.press("slash", *"harbour", "escape")
        await wait_for(pilot, lambda: app.screen.query_text == "harbour")
        await pilot.press("slash", "backspace", "escape")
        await wait_for(pilot, lambda: app.screen.query_text == "" and len(_rows(app)) == 11)
        titles = list(_rows(app))
        undated = [i for i, title in enumerate(titles) if title.startswith("Harbour note")]
        assert min(undated) > titles.index("Harbour Dated")
        assert undated == list(range(len(titles) - 3, len(titles))), titles
