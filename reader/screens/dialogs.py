"""Small modal dialogs: a date filter, a bookmark's note and tags, a yes/no confirmation."""

from __future__ import annotations

import re
from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from index.search.clauses import date_clause
from reader.render import MUTED

_Result = TypeVar("_Result")
CANCEL: list[BindingType] = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]


class Dialog(ModalScreen[_Result]):
    """A small box in the middle of the screen: a title, the fields, the buttons."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        & .dialog {
            width: 70;
            max-width: 95%;
            height: auto;
            border: thick $accent;
            background: $surface;
            padding: 1 2;
        }
        & .dialog-title { text-style: bold; margin-bottom: 1; width: 1fr; }
        & .dialog-quote { margin-bottom: 1; max-height: 8; }
        & .dialog Input, & .dialog Checkbox { margin-bottom: 1; }
        & .dialog-buttons { height: auto; align-horizontal: right; }
        & .dialog-buttons Button { margin-left: 2; }
    }
    """


class _FormDialog(Dialog[_Result]):
    """A form with Save/OK (``#ok``) and Cancel buttons; subclasses say what ``_done`` returns."""

    BINDINGS = CANCEL

    def _done(self) -> None:
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._done()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DateFilterDialog(_FormDialog[str | None]):
    """Ask for a date or range; returns the query clause to add."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Filter by date", classes="dialog-title")
            yield Static(
                Content.styled(
                    "2024-11-10 · 2024-11 · 2024 · 2024-11-01..2024-11-30 · yesterday · "
                    "'last week'",
                    MUTED,
                )
            )
            yield Input(placeholder="date or range", id="date-input")
            yield Checkbox("dates mentioned in the text (not publication date)", id="mentioned")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add filter", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def _done(self) -> None:
        text = self.query_one("#date-input", Input).value
        mentioned = self.query_one("#mentioned", Checkbox).value
        self.dismiss(date_clause(text, mentioned=mentioned) or None)

    def on_input_submitted(self) -> None:
        self._done()


class SaveSearchDialog(_FormDialog[str | None]):
    """Ask for a name to keep the current query under; returns it."""

    def __init__(self, query: str) -> None:
        super().__init__()
        self.query_text = query

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Save this search", classes="dialog-title")
            yield Static(Content.styled(cut_at_word(self.query_text, 200), MUTED))
            yield Input(placeholder="name", id="name-input")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def _done(self) -> None:
        name = self.query_one("#name-input", Input).value.strip()
        self.dismiss(name or None)

    def on_input_submitted(self) -> None:
        self._done()


def split_tags(text: str) -> list[str]:
    return [tag.strip().lstrip("#") for tag in re.split(r"[,\s]+", text) if tag.strip("# ")]


def cut_at_word(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else cut after its last whole word
    that fits, with an ellipsis (never in the middle of a word)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:.-") + "…"


class BookmarkDialog(_FormDialog[tuple[str, list[str]] | None]):
    """A passage's note and tags; returns ``(note, tags)`` or None when cancelled."""

    def __init__(
        self, quote: str, *, note: str = "", tags: tuple[str, ...] = (), title: str = "Bookmark"
    ) -> None:
        super().__init__()
        self.quote = quote
        self.note = note
        self.tags = tags
        self.title_text = title

    def compose(self) -> ComposeResult:
        quote = cut_at_word(self.quote, 300)
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(Content.styled(f"“{quote}”", "italic"), classes="dialog-quote")
            yield Input(self.note, placeholder="note (optional)", id="note")
            yield Input(
                " ".join(self.tags), placeholder="tags, separated by spaces or commas", id="tags"
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "note":
            self.set_focus(self.query_one("#tags", Input))
        else:
            self._done()

    def _done(self) -> None:
        note = self.query_one("#note", Input).value
        tags = split_tags(self.query_one("#tags", Input).value)
        self.dismiss((note, tags))


class ConfirmDialog(Dialog[bool]):
    """Yes or no; Enter/y confirms, Esc/n cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *CANCEL,
        Binding("y", "confirm", "Yes", id="dialog.yes"),
        Binding("n", "cancel", "No", id="dialog.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Delete", variant="error", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#cancel", Button))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "ok")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
