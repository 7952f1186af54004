"""Keys, config and rendering: pure functions and one app start per config case."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from conftest import ready, wait_for

from index.analysis.passages import paragraphs, sentences
from index.models import Analysis, DateMention, EntitySpan, Hit
from reader import keys
from reader.config import load_config
from reader.render import Marks, paragraph_content, snippet_content
from reader.screens.dialogs import split_tags
from reader.widgets.search_bar import QueryInput


def test_every_binding_has_a_description_and_an_id() -> None:
    for binding in keys.all_bindings():
        assert binding.description, binding
        assert binding.id, binding


def test_missing_config_means_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "config.toml")
    assert config.theme is None and config.keys == {} and not config.problems


def test_config_reads_theme_and_keys(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\n[keys]\n"search.focus" = "f2"\n"nav.down" = ["j", "ctrl+n"]\n')
    config = load_config(path)
    assert config.theme == "nord"
    assert config.keys == {"search.focus": "f2", "nav.down": "j,ctrl+n"}


def test_corrupt_config_gives_defaults_and_a_problem_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord\n[keys\n')
    config = load_config(path)
    assert config.theme is None
    assert len(config.problems) == 1 and str(path) in config.problems[0]


BODY = "Blinken met Dermer on 10 November. He left.\n\nA second paragraph about Gaza."


def test_paragraphs_and_sentences() -> None:
    found = paragraphs(BODY)
    assert [BODY[s:e] for s, e in found] == [
        "Blinken met Dermer on 10 November. He left.",
        "A second paragraph about Gaza.",
    ]
    assert [BODY[s:e] for s, e in sentences(BODY)] == [
        "Blinken met Dermer on 10 November.",
        "He left.",
        "A second paragraph about Gaza.",
    ]
    us = "U.S. Secretary of State Antony Blinken met him."
    # The article view's passage cursor uses the core's sentences, which know abbreviations.
    assert [us[s:e] for s, e in sentences(us)] == [us]


def _analysis() -> Analysis:
    start = BODY.index("10 November")
    return Analysis(
        entities=(EntitySpan(0, 7, "PERSON", "Blinken", "Antony Blinken"),),
        dates=(DateMention(start, start + 11, "10 November", date(2024, 11, 10), "day"),),
    )


def test_resolved_dates_follow_their_mention_and_entities_are_coloured() -> None:
    content = paragraph_content(BODY, paragraphs(BODY)[0], Marks(analysis=_analysis()))
    assert content.plain == "Blinken met Dermer on 10 November ·2024-11-10. He left."
    styles = {content.plain[s.start : s.end]: str(s.style) for s in content.spans}
    assert "#d787ff" in styles["Blinken"]
    assert "dim" in styles[" ·2024-11-10"]


def test_highlight_off_drops_colours_and_date_notes_but_keeps_hits() -> None:
    marks = Marks(analysis=_analysis(), hits=[(8, 11)], highlight=False)
    content = paragraph_content(BODY, paragraphs(BODY)[0], marks)
    assert content.plain == BODY[: BODY.index("\n")]
    assert [content.plain[s.start : s.end] for s in content.spans] == ["met"]


def test_snippet_marks_its_hit_spans() -> None:
    hit = Hit("x", "t", None, "", "", "", 1.0, "aid to Gaza", spans=((7, 11),))
    content = snippet_content(hit)
    assert [content.plain[s.start : s.end] for s in content.spans] == ["Gaza"]


def test_split_tags() -> None:
    assert split_tags("#gaza, deadline  aid") == ["gaza", "deadline", "aid"]


async def test_a_corrupt_config_still_starts_and_names_the_file(make_app, home: Path) -> None:  # type: ignore[no-untyped-def]
    (home / "config.toml").write_text("theme = \n")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, ready(app))
        messages = [n.message for n in app._notifications]
        assert any(str(home / "config.toml") in m for m in messages), messages


async def test_keys_are_remapped_from_config(make_app, home: Path) -> None:  # type: ignore[no-untyped-def]
    (home / "config.toml").write_text('theme = "nord"\n[keys]\n"search.focus" = "f2"\n')
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, ready(app))
        assert app.theme == "nord"
        await pilot.press("slash")
        assert not isinstance(app.focused, QueryInput)
        await pilot.press("f2")
        assert isinstance(app.focused, QueryInput)


async def test_unknown_binding_id_is_reported(make_app, home: Path) -> None:  # type: ignore[no-untyped-def]
    (home / "config.toml").write_text('[keys]\n"no.such" = "f2"\n')
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, ready(app))
        assert any("no.such" in n.message for n in app._notifications)


async def test_command_palette_offers_the_bindings(make_app) -> None:  # type: ignore[no-untyped-def]
    from textual.command import CommandPalette

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, ready(app))
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"date filter")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        from reader.screens.dialogs import DateFilterDialog

        assert isinstance(app.screen, DateFilterDialog)


def test_seed_paths_are_the_bundled_articles_without_the_readme() -> None:
    from reader.app import seed_paths

    names = [path.name for path in seed_paths()]
    assert "000_ae79fbdee465601c.txt" in names
    assert not any(name.upper().startswith("README") for name in names)
