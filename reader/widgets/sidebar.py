"""The sidebar: the related articles above the open article's entities, each in a titled box."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from reader.widgets.entities import EntityList
from reader.widgets.related import RelatedList


class SidebarBox(Vertical):
    """A titled box around one pane; its border lights up while the pane has focus."""

    DEFAULT_CSS = """
    SidebarBox {
        height: 1fr;
        border: round $panel;
        &:focus-within { border: round $accent; }
        & > .pane-title {
            height: 1;
            color: $text-accent;
            text-style: bold;
            padding: 0 1;
        }
    }
    """

    def __init__(self, title: str, pane: Widget, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = title
        self.pane = pane

    def compose(self) -> ComposeResult:
        yield Static(self.title, classes="pane-title")
        yield self.pane


class Sidebar(Vertical):
    """Related articles and entities; the screen shows or hides it (``p``)."""

    DEFAULT_CSS = """
    Sidebar {
        width: 32;
        height: 1fr;
    }
    """

    def compose(self) -> ComposeResult:
        yield SidebarBox("RELATED", RelatedList(id="related"), id="related-box")
        yield SidebarBox("ENTITIES", EntityList(id="entities"), id="entities-box")
