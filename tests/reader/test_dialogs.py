"""Dialogs show their whole question, wrapped at words (issue 16, item 7: the delete
prompt cut a long title mid-word), and a long quote is shortened after a whole word."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Label

from reader.screens.dialogs import ConfirmDialog, cut_at_word

TITLE = (
    "Negotiators From Both Delegations Extend the Harbour Talks Into a Third Week "
    "While Observers Question Whether Agreement Is Within Reach"
)


async def test_the_delete_prompt_shows_a_long_title_whole() -> None:
    app: App[None] = App()
    async with app.run_test(size=(80, 24)) as pilot:
        question = f"Delete the bookmark in “{TITLE}”?"
        app.push_screen(ConfirmDialog(question))
        await pilot.pause()
        label = app.screen.query_one(".dialog-title", Label)
        height = label.size.height
        assert height >= 3, label.size
        shown = " ".join(
            strip.text.strip() for strip in label.render_lines(label.region.reset_offset)
        )
        assert " ".join(shown.split()) == question


def test_a_long_quote_is_cut_after_a_whole_word() -> None:
    text = "word " * 100
    cut = cut_at_word(text.strip(), 50)
    assert len(cut) <= 50 and cut.endswith("word…")
    assert cut_at_word("short", 50) == "short"
    assert cut_at_word("x" * 80, 50) == "x" * 49 + "…"  # one long word: cut it, it is all
