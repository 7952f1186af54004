"""The sidebar, in two modes: the open article's related articles and entities, or (the
overview, ``O``) the current view's timeline and facets; each pane in a titled box."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from reader.widgets.entities import EntityList
from reader.widgets.facets import FacetList
from reader.widgets.related import RelatedList
from reader.widgets.timeline import TimelineChart


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
    """Related articles and entities, or with ``-overview`` the view's timeline and
    facets; the screen shows or hides it (``p``) and switches the mode (``O``)."""

    DEFAULT_CSS = """
    Sidebar {
        width: 32;
        height: 1fr;
        #timeline-box { height: 8; }
        #timeline-box, #facets-box { display: none; }
        &.-overview {
            #related-box, #entities-box { display: none; }
            #timeline-box, #facets-box { display: block; }
        }
    }
    """

    def compose(self) -> ComposeResult:
        yield SidebarBox("RELATED", RelatedList(id="related"), id="related-box")
        yield SidebarBox("ENTITIES", EntityList(id="entities"), id="entities-box")
        yield SidebarBox("TIMELINE", TimelineChart(id="timeline"), id="timeline-box")
        yield SidebarBox("IN THIS VIEW", FacetList(id="facets"), id="facets-box")
