"""Issue 16, item 5: what the reader looks like, on every shipped theme and at 120 columns."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from conftest import ready, wait_for
from textual.color import Color
from textual.constants import DIM_FACTOR
from textual.style import Style
from textual.theme import BUILTIN_THEMES
from textual.widgets import OptionList
from textual.widgets._footer import FooterKey

from index.home import LibraryHome
from index.paths import LibraryPaths
from reader import keys
from reader.app import NewsReaderApp
from reader.render import DATE_NOTE_STYLE, LABEL_STYLES, MUTED, contrast
from reader.screens.help import help_content
from reader.widgets.article_list import ArticleList
from reader.widgets.article_view import ArticleView
from reader.widgets.related import RelatedList

SIZE = (120, 36)
MIN_CONTRAST = 3.0
"""WCAG's floor for large or bold text; the coloured text here is bold or short."""


def _view(app) -> ArticleView:  # type: ignore[no-untyped-def]
    return app.screen.query_one(ArticleView)


def _backgrounds(view: ArticleView) -> set[tuple[int, int, int]]:
    """Every background colour painted in the article's laid-out lines."""
    found = set()
    for strip in [*view._lines.head, *(s for block in view._lines.blocks for s in block)]:
        for segment in strip:
            if segment.style is not None and segment.style.bgcolor is not None:
                found.add(segment.style.bgcolor.get_truecolor())
    return found


async def test_a_theme_change_repaints_the_open_article(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        view = _view(app)
        dark = view.background_colors[1].rgb
        assert dark in _backgrounds(view)
        app.theme = "textual-light"
        light = Color.parse(app.get_theme("textual-light").background).rgb
        await wait_for(pilot, lambda: light in _backgrounds(view))
        assert dark not in _backgrounds(view)


THEMES = sorted(name for name in BUILTIN_THEMES if not name.startswith("ansi"))
"""Every theme the reader ships (Textual's), but the ANSI ones: they are the terminal's own
palette, with nothing to measure."""


def _painted(style: Style, text: Color, background: Color) -> Color:
    """The colour a style's text shows on ``background``: its own, else the text colour it
    is drawn over; faint (``dim``) blended towards the background as Textual draws it."""
    colour = text if style.foreground is None else background + style.foreground
    return background.blend(colour, DIM_FACTOR) if style.dim else colour


def _rows_text(rows: OptionList, name: str) -> dict[str, float]:
    """The lowest contrast of a list's plain (not bold) text as drawn, in its highlighted row
    and in the others; faint text blended towards the row's background, as Textual does."""
    found: dict[str, float] = {}
    plain = rows.background_colors[1]
    for y in range(rows.scrollable_content_region.height):
        for segment in rows.render_line(y):
            style = segment.style
            if style is None or style.bold or not segment.text.strip() or style.color is None:
                continue
            ground, text = Color.from_rich_color(style.bgcolor), Color.from_rich_color(style.color)
            shown = ground.blend(text, DIM_FACTOR) if style.dim else text
            what = f"{name}, {'a' if ground == plain else 'the highlighted'} row"
            found[what] = min(found.get(what, 21.0), contrast(shown, ground))
    return found


@pytest.fixture(scope="module")
def measured(
    built_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, float]]:
    """Theme -> what -> contrast of the article's coloured text on the article's background."""
    library = tmp_path_factory.mktemp("themes") / "library"
    shutil.copytree(built_home, library)

    async def run() -> dict[str, dict[str, float]]:
        app = NewsReaderApp(LibraryHome(LibraryPaths(library)), [])
        found: dict[str, dict[str, float]] = {}
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, ready(app))
            for theme in THEMES:
                app.theme = theme
                await pilot.pause(0.05)
                background = _view(app).background_colors[1]
                styles = {**LABEL_STYLES, "date note": DATE_NOTE_STYLE, "muted": MUTED}
                found[theme] = {}
                text_colour = Color.parse(app.theme_variables["foreground"])
                for what, text in styles.items():
                    found[theme][what] = contrast(
                        _painted(app.stylesheet.parse_style(text), text_colour, background),
                        background,
                    )
                found[theme].update(_rows_text(app.screen.query_one(ArticleList), "list"))
                found[theme].update(_rows_text(app.screen.query_one(RelatedList), "related"))
        return found

    return asyncio.run(run())


@pytest.mark.parametrize("theme", THEMES)
def test_entity_and_date_colours_contrast_with_every_theme(measured, theme: str) -> None:  # type: ignore[no-untyped-def]
    ratios = measured[theme]
    low = {what: round(ratio, 2) for what, ratio in ratios.items() if ratio < MIN_CONTRAST}
    assert not low, f"{theme}: {low}"


def test_help_keeps_keys_and_descriptions_apart() -> None:
    text = help_content({}).plain
    assert "pagedownPage" not in text
    lines = text.splitlines()
    for binding in keys.all_bindings():
        shown = keys.display_keys(binding.key)
        assert any(f"  {shown}  " in line and binding.description in line for line in lines)


async def test_the_footer_keeps_quit_at_120_columns_with_the_article_focused(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("a")
        await pilot.pause(0.2)
        footer_keys = list(app.screen.query(FooterKey))
        quit_key = next(k for k in footer_keys if k.description == "Quit")
        palette = next(k for k in footer_keys if k.has_class("-command-palette"))
        assert quit_key.region.width == len(" q Quit ")
        assert quit_key.region.right <= palette.region.x  # not under the docked "^p palette"


async def test_a_query_error_does_not_move_the_panes(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        panes = app.screen.query_one("#panes")
        before = panes.region
        await pilot.press("slash", "b")  # only a stop word: "nothing to search for"
        error = app.screen.query_one("#search-error")
        await wait_for(pilot, lambda: error.display)
        await pilot.pause(0.1)
        assert "nothing to search for" in str(error.render())
        assert panes.region == before


async def test_compact_list_shows_one_line_per_article(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        article_list = app.screen.query_one(ArticleList)
        rows = len(article_list.hits)
        assert article_list.virtual_size.height >= 2 * rows
        await pilot.press("c")
        await wait_for(pilot, lambda: article_list.virtual_size.height == rows)
        first = article_list.get_option_at_index(0).prompt.plain
        hit = article_list.hits[0]
        assert hit.title[:20] in first and "2024" in first
        await pilot.press("slash", *"gaza", "escape")  # search hits are compact too
        await wait_for(pilot, lambda: app.screen.query_text == "gaza")
        await wait_for(pilot, lambda: article_list.virtual_size.height == len(article_list.hits))
        await pilot.press("c")
        await wait_for(pilot, lambda: article_list.virtual_size.height > len(article_list.hits))


async def test_the_palette_offers_commands_not_widget_scrolling(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ready(app))
        ours = {b.description for b in keys.all_bindings() if not b.id.startswith("nav.")}
        for pane in ("a", "l", "e"):
            await pilot.press(pane)
            names = [name for name, _, _ in keys.BindingCommands(app.screen)._commands()]
            assert names, pane
            assert set(names) <= ours, (pane, sorted(set(names) - ours))


def test_a_compact_row_fills_its_width_and_drops_the_source_before_the_title() -> None:
    from datetime import datetime

    from index.models import Hit
    from reader.widgets.article_list import compact_prompt

    hit = Hit(
        "x",
        "Aid Convoys Wait at Gaza Crossings as Deadline Nears",
        datetime(2024, 11, 9),
        "newsreader sample",
        "",
        "",
        0.0,
        "",
        read=True,
    )
    wide = compact_prompt(hit, 90)
    assert wide.cell_length == 90 and "\n" not in wide.plain
    assert wide.plain.startswith(hit.title) and wide.plain.endswith(
        "newsreader sample · 2024-11-09"
    )
    from dataclasses import replace

    unread = compact_prompt(replace(hit, read=False, starred=True), 90)
    assert unread.plain.startswith("● ★ " + hit.title) and unread.cell_length == 90
    narrow = compact_prompt(hit, 44)
    assert narrow.cell_length == 44
    assert narrow.plain.startswith("Aid Convoys Wait at Gaza") and narrow.plain.endswith(
        " 2024-11-09"
    )
    assert "sample" not in narrow.plain and "…" in narrow.plain
