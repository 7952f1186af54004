"""The page of one entity: who or what it is across the library.

Its canonical name and the spellings the articles used, how many articles name
it, the timeline of those articles and of the dates they mention, the entities
that appear with it most, and its latest articles. Enter on a companion opens
that entity's page on top (``escape`` comes back down, one page at a time);
Enter on an article, ``/`` (all its articles), ``f`` (add it to the current
query) and Enter on the timeline (its articles in a stretch of dates) close every
page and hand the main screen an :class:`Outcome`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from index.errors import NewsreaderError
from index.models import EntityPage
from index.search.clauses import entity_query
from index.text import one_line, visible
from reader import keys
from reader.client import LibraryClient
from reader.render import LABEL_NAMES, LABEL_STYLES, MUTED, format_date
from reader.widgets.sidebar import SidebarBox
from reader.widgets.timeline import TimelineChart

LATEST = 12
SPELLINGS_SHOWN = 6


@dataclass(frozen=True)
class Outcome:
    """What the main screen does when the page closes: open an article, or search."""

    kind: Literal["open", "query", "filter"]
    value: str
    """The article id, the query, or the clause to add to the current query."""


def heading(page: EntityPage) -> Content:
    style = LABEL_STYLES.get(page.label, "bold")
    kind = LABEL_NAMES.get(page.label, page.label.lower())
    noun = "article" if page.count == 1 else "articles"
    parts = [
        Content.styled(visible(page.name), f"{style} bold"),
        Content.styled(f"  {kind} · {page.count:,} {noun}", MUTED),
    ]
    spellings = [(text, n) for text, n in page.spellings if text and text != page.name]
    if spellings:
        shown = ", ".join(f"{visible(text)} ×{n}" for text, n in spellings[:SPELLINGS_SHOWN])
        parts.append(Content.styled(f"\nalso written: {shown}", MUTED))
    if page.others:
        others = ", ".join(
            f"{visible(other.name)} ({LABEL_NAMES.get(other.label, other.label).lower()})"
            for other in page.others[:4]
        )
        parts.append(Content.styled(f"\nthe name may also mean: {others}", MUTED))
    return Content("").join(parts)


class EntityScreen(Screen[Outcome | None]):
    """One entity's page, loaded in a worker from ``name`` (a name or an entity key)."""

    DEFAULT_CSS = """
    EntityScreen {
        layout: vertical;
        #entity-heading { height: auto; padding: 0 1; }
        #entity-timeline-box { height: 8; }
        #entity-panes { height: 1fr; }
        #company-box { width: 2fr; }
        #latest-box { width: 3fr; }
        OptionList {
            height: 1fr; border: none; padding: 0; background: transparent;
            &:focus { border: none; }
        }
    }
    """

    BINDINGS = keys.ENTITY_PAGE
    """``reader.keys.ENTITY_PAGE``: back, all its articles, add it as a filter."""

    def __init__(self, client: LibraryClient, name: str) -> None:
        super().__init__()
        self.client = client
        self.wanted = name
        self.page: EntityPage | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        yield Static(Content.styled(f"looking up {visible(self.wanted)}…", MUTED),
                     id="entity-heading")  # fmt: skip
        yield SidebarBox("TIMELINE · articles, and (below) the dates they mention",
                         TimelineChart(id="entity-timeline"), id="entity-timeline-box")  # fmt: skip
        with Horizontal(id="entity-panes"):
            yield SidebarBox("APPEARS WITH", OptionList(id="company"), id="company-box")
            yield SidebarBox("LATEST", OptionList(id="latest"), id="latest-box")
        yield Footer()

    def on_mount(self) -> None:
        self.load(self.wanted)
        self.query_one("#latest", OptionList).focus()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self, name: str) -> None:
        try:
            page: EntityPage | None = self.client.entity(name, limit=LATEST)
            error = None
        except NewsreaderError as problem:
            page, error = None, str(problem)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, page, error)

    def show(self, page: EntityPage | None, error: str | None) -> None:
        self.page = page
        head = self.query_one("#entity-heading", Static)
        if page is None:
            head.update(Content.styled(visible(error or "no such entity"), "$text-error"))
            return
        self.sub_title = visible(page.name)
        head.update(heading(page))
        self.query_one(TimelineChart).show(page.timeline)
        company = self.query_one("#company", OptionList)
        company.clear_options()
        for other in page.cooccurring:
            style = LABEL_STYLES.get(other.label, "bold")
            company.add_option(
                Option(
                    Content.assemble((visible(other.name), style), (f"  {other.count:,}", MUTED)),
                    id=other.key,
                )
            )
        if not page.cooccurring:
            alone = Content.styled("nothing appears with it", MUTED)
            company.add_option(Option(alone, disabled=True))
        latest = self.query_one("#latest", OptionList)
        latest.clear_options()
        for hit in page.latest:
            when = format_date(hit.published) if hit.published else "undated"
            latest.add_option(
                Option(
                    Content.assemble((f"{when}  ", MUTED), one_line(hit.title or hit.id)),
                    id=hit.id,
                )
            )
        if page.count > len(page.latest):
            more = f"all {page.count:,} articles  (/)"
            latest.add_option(Option(Content.styled(more, "$text-accent"), id="\tall"))
        latest.highlighted = 0 if page.latest else None

    # Choices ------------------------------------------------------------------------

    def _clause(self) -> str | None:
        if self.page is None:
            return None
        return entity_query(self.page.label, self.page.name)

    @on(OptionList.OptionSelected, "#latest")
    def _article(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == "\tall":
            self.action_search_all()
        elif event.option.id:
            self.dismiss(Outcome("open", event.option.id))

    @on(OptionList.OptionSelected, "#company")
    def _companion(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.app.push_screen(EntityScreen(self.client, event.option.id), self._pass_on)

    def _pass_on(self, outcome: Outcome | None) -> None:
        """A page opened from this one closed with a choice: this one closes with it."""
        if outcome is not None:
            self.dismiss(outcome)

    @on(TimelineChart.Selected)
    def _stretch(self, event: TimelineChart.Selected) -> None:
        event.stop()
        clause = self._clause()
        if clause:
            dates = f"published:[{event.start.isoformat()} to {event.end.isoformat()}]"
            self.dismiss(Outcome("query", f"{clause} {dates}"))

    def action_search_all(self) -> None:
        clause = self._clause()
        if clause:
            self.dismiss(Outcome("query", clause))

    def action_add_filter(self) -> None:
        clause = self._clause()
        if clause:
            self.dismiss(Outcome("filter", clause))

    def action_back(self) -> None:
        self.dismiss(None)
