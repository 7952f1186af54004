"""The search bar: a query input, a status (hits, sort order) and an inline error line."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from reader import keys
from reader.render import MUTED

PLACEHOLDER = 'search: gaza AND aid · person:"antony blinken" · published:2024-11 · gaz*'


class QueryInput(Input):
    """The query field; Esc (or down) hands focus back to the list."""

    BINDINGS = keys.SEARCH
    """``reader.keys.SEARCH``: Esc or down back to the list."""

    @dataclass
    class Leave(Message):
        """The reader is done typing: Esc or down (to the list), Enter (open the top hit)."""

        query_input: QueryInput
        open_top: bool = False
        """Open the first hit (Enter), rather than only go back to the list."""

        @property
        def control(self) -> QueryInput:
            return self.query_input

    def action_leave(self) -> None:
        self.post_message(self.Leave(self))


class SearchBar(Vertical):
    """Input + status on one line; below it, only for a bad query, a one-line error drawn
    over the panes' top edge (an overlay), so that nothing moves."""

    DEFAULT_CSS = """
    SearchBar {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    SearchBar #search-row { height: 1; }
    SearchBar #search-prompt { width: 2; color: $text-accent; text-style: bold; }
    SearchBar #search-input {
        width: 1fr;
        height: 1;
        border: none;
        padding: 0;
        background: transparent;
        &:focus { background: $surface; }
        & > .input--placeholder { color: $reader-muted; }
    }
    SearchBar #search-status {
        width: auto;
        min-width: 16;
        padding: 0 0 0 1;
        text-align: right;
    }
    SearchBar #search-error {
        height: 1;
        padding: 0 1;
        color: $text-error;
        background: $boost;
        overlay: screen;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    _status = ""
    _error: str | None = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-row"):
            yield Static("/", id="search-prompt")
            yield QueryInput(placeholder=PLACEHOLDER, id="search-input", select_on_focus=False)
            yield Static("", id="search-status")
        yield Static("", id="search-error")

    @property
    def input(self) -> QueryInput:
        return self.query_one(QueryInput)

    def set_status(self, text: str) -> None:
        if text != self._status:  # an unchanged status costs no re-layout
            self._status = text
            self.query_one("#search-status", Static).update(Content.styled(text, MUTED))

    def set_error(self, error: str | None) -> None:
        if error == self._error:
            return
        self._error = error
        line = self.query_one("#search-error", Static)
        line.update(Content.styled(f"✗ {error}", "$text-error") if error else "")
        line.display = bool(error)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(QueryInput.Leave(self.input, open_top=True))
