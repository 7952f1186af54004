"""The search bar: a query input, a status (hits, sort order) and an inline error line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from reader import keys

PLACEHOLDER = 'search: gaza AND aid · person:"antony blinken" · published:2024-11 · gaz*'


class QueryInput(Input):
    """The query field; Esc (or down) hands focus back to the list."""

    BINDINGS = keys.SEARCH

    class Leave(Message):
        """The reader is done typing: Esc or down (to the list), Enter (open the top hit)."""

        def __init__(self, *, open_top: bool = False) -> None:
            super().__init__()
            self.open_top = open_top

    def action_leave(self) -> None:
        self.post_message(self.Leave())


class SearchBar(Vertical):
    """Input + status on one line; an error line below it, shown only for a bad query."""

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
            self.query_one("#search-status", Static).update(Content.styled(text, "dim"))

    def set_error(self, error: str | None) -> None:
        if error == self._error:
            return
        self._error = error
        line = self.query_one("#search-error", Static)
        line.update(Content.styled(f"✗ {error}", "$text-error") if error else "")
        line.display = bool(error)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(QueryInput.Leave(open_top=True))
