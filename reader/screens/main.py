"""The main screen: search bar, article list, article view, and the sidebar.

The screen owns the reading state (query, sort, open article, history) and
turns the panes' messages into library calls; every call runs in a worker
(``reader.workers``) that posts its result back as a message, and a
result that no longer matches the current query or article is dropped.
The article's side lives in ``reading`` (``ReadingScreen``); this module
adds searching, the list, the layout and the library-wide events.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Resize
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Footer, Header, Input

from index.home import RefreshReport, SortOrder
from index.models import Hit, Progress
from index.search.clauses import entity_page_key, entity_query
from index.text import visible
from reader import keys, workers
from reader.client import LibraryClient
from reader.heap import settle_heap
from reader.messages import (
    ArticleMissing,
    CountLoaded,
    FeedsDone,
    FeedsProgress,
    FeedsStored,
    IngestDone,
    IngestProgress,
    MarksChanged,
    OverviewLoaded,
    PageLoaded,
    SearchDone,
    SearchFailed,
    SearchSaved,
    SourcesLoaded,
)
from reader.screens.reading import ReadingScreen
from reader.state import ReaderState
from reader.widgets.article_list import ArticleList
from reader.widgets.article_options import ArticleOptions
from reader.widgets.article_view import ArticleView
from reader.widgets.entities import EntityList
from reader.widgets.facets import FacetList
from reader.widgets.ingest_bar import IngestBar
from reader.widgets.related import RelatedList
from reader.widgets.search_bar import QueryInput, SearchBar
from reader.widgets.sidebar import Sidebar
from reader.widgets.sources import SourceList
from reader.widgets.timeline import TimelineChart

DEBOUNCE_SECONDS = 0.15
ERROR_AFTER_SECONDS = 1.2
"""While typing, a query's error shows once no key was pressed for this long."""
POLL_SECONDS = 5.0
"""How often the library's article count is checked for changes made by other processes."""
FIRST_FEEDS_CHECK = 2.0
"""Seconds after opening before the first look for due feeds (the list shows first)."""
NARROW_WIDTH = 100
"""Below this many columns the sidebar folds under the article."""
MEASURE = 56
"""Columns the article wants at least (lines of over 50 characters, with its margins):
when the sidebar beside it would leave less, the sidebar folds under the article."""
SOURCES_WIDTH = 28
SIDEBAR_WIDTH = 32
LIST_SHARE = 0.25
COMPACT_SHARE = 0.4
LIST_WIDTHS = (26, 64)
"""The list's width: a share of what the sources pane leaves, within these bounds (the
reader moves it with ``<`` and ``>``, and it is kept)."""
PANES = {"list": "#list", "article": "#article", "entities": "#entities", "related": "#related"}
PUBLISHED_RANGE = re.compile(r"(?<!\S)published:\[[^\]]*\]")
"""A date range in a query, which a stretch chosen on the timeline replaces."""


class MainScreen(ReadingScreen):
    """Panes for finding and reading articles.

    The reading state the reader changes with a key lives here as ``var``s
    whose watchers apply it (``sort``, ``sidebar``) or that are bound into the
    pane that shows it (``highlight`` into the article view).
    """

    BINDINGS = keys.MAIN
    """``reader.keys.MAIN``: search, sort, date filter, hits, back, pane focus, sidebar."""

    sort: var[SortOrder] = var[SortOrder]("relevance", init=False)
    """How searches are ranked (``s``); the list without a query is always newest first."""
    sidebar: var[bool] = var(True)
    """Whether the related and entities panes are shown (``p``)."""
    compact: var[bool] = var(False)
    """One line per article in the list (``c``)."""
    sources: var[bool] = var(False)
    """Whether the sources pane is shown (``F``)."""
    list_width: var[int] = var(0)
    """The list's width as the reader set it with ``<``/``>`` (0: its share)."""
    overview: var[bool] = var(False)
    """Whether the sidebar shows the view's timeline and facets instead of the article's
    related articles and entities (``O``)."""

    def __init__(
        self,
        client: LibraryClient,
        start: ReaderState,
        *,
        paths_to_add: Sequence[str] = (),
        seed_paths: Sequence[Path] = (),
        check_feeds_every: float | None = None,
        mark_read_after: float | None = 2.0,
    ) -> None:
        super().__init__()
        self.client = client
        self.start_state = start
        self.set_reactive(MainScreen.sort, start.sort)
        self.paths_to_add = list(paths_to_add)
        self.seed_paths = list(seed_paths)
        self.limit = workers.SEARCH_PAGE
        self._extending = False
        self._debounce: Timer | None = None
        self._open_first = True
        self._restoring: str | None = None
        self._open_top = False
        self._asked = ""
        """The query text last sent to the core (as typed, when ``_typing``)."""
        self._typing = False
        self._searched: tuple[str, str] = ("", "")
        """(the text asked, the query the core searched for it)."""
        self._pending_error: str | None = None
        self._error_timer: Timer | None = None
        self._ingesting = False
        self._known_count: int | None = None
        self.check_feeds_every = check_feeds_every
        """Seconds between looks for due feeds (None: no background refresh)."""
        self._refreshing = False
        self.mark_read_after = mark_read_after
        """Seconds an opened article stays open before it is marked read (None: never)."""
        self._read_timer: Timer | None = None
        self._undo: tuple[str, ...] = ()
        """What the last "mark all read" changed, for ``U``."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        yield IngestBar(id="ingest")
        yield SearchBar(id="search")
        with Horizontal(id="panes"):
            yield SourceList(id="sources")
            yield ArticleList(id="list").data_bind(MainScreen.compact)
            with Horizontal(id="reading"):
                yield ArticleView(id="article").data_bind(ReadingScreen.highlight)
                yield Sidebar(id="sidebar")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(SearchBar).set_error(None)
        self.query_one(RelatedList).show_message("open an article")
        self.sidebar = self.start_state.sidebar
        self.compact = self.start_state.compact
        self.sources = self.start_state.sources
        self.list_width = self.start_state.list_width
        self.overview = self.start_state.overview
        self.query_one(ArticleList).focus()
        self._restore(self.start_state)
        settle_heap()
        self.start()
        self.set_interval(POLL_SECONDS, self._poll_library)
        if self.check_feeds_every is not None:
            self.set_interval(self.check_feeds_every, self._feeds_due_check)
            self.set_timer(FIRST_FEEDS_CHECK, self._feeds_due_check)

    # Layout -------------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        self._layout(event.size.width)

    def _layout(self, width: int | None = None) -> None:
        """Give the article its measure: the list takes its share (or the width the reader
        chose), and the sidebar goes under the article when beside it there is no room."""
        width = width if width is not None else self.size.width
        if width <= 0:
            return
        rest = width - (SOURCES_WIDTH if self.sources else 0)
        low, high = LIST_WIDTHS
        share = COMPACT_SHARE if self.compact else LIST_SHARE  # one-line rows want room
        wanted = self.list_width or int(rest * share)
        list_width = max(low, min(high, wanted, rest - 30))
        self.query_one(ArticleList).styles.width = list_width
        beside = rest - list_width - (SIDEBAR_WIDTH if self.sidebar else 0)
        self.set_class(width < NARROW_WIDTH, "-narrow")
        self.set_class(width >= NARROW_WIDTH and self.sidebar and beside < MEASURE, "-folded")

    def action_list_width(self, step: int) -> None:
        """``<`` / ``>``: the list narrower or wider by 4 columns (kept across restarts)."""
        current = self.query_one(ArticleList).outer_size.width or LIST_WIDTHS[0]
        self.list_width = max(LIST_WIDTHS[0], min(LIST_WIDTHS[1], current + 4 * step))
        self._layout()

    def watch_sidebar(self, shown: bool) -> None:
        self.query_one(Sidebar).display = shown
        self._layout()

    def action_toggle_sidebar(self) -> None:
        self.sidebar = not self.sidebar

    def action_toggle_compact(self) -> None:
        self.compact = not self.compact

    def watch_compact(self) -> None:
        self._layout()

    def watch_sources(self, shown: bool) -> None:
        self.query_one(SourceList).display = shown
        self._layout()
        if shown:
            self.load_sources()

    def action_toggle_sources(self) -> None:
        """``F``: show the sources pane and go to it; again, fold it away."""
        if self.sources and self.focused is not self.query_one(SourceList):
            self.set_focus(self.query_one(SourceList))
            return
        self.sources = not self.sources
        self.set_focus(self.query_one(SourceList if self.sources else ArticleList))

    def _sources_changed(self, *, marks_only: bool = False) -> None:
        """Counts moved (articles read, arrived, removed): redraw the pane and the
        overview if shown (after marks, the overview only if its view depends on them)."""
        if self.sources:
            self.load_sources()
        if not marks_only or "is:" in self.query_text:
            self._load_overview()

    def on_sources_loaded(self, message: SourcesLoaded) -> None:
        self.query_one(SourceList).show(message.view)

    @on(SourceList.Chosen)
    def _source_chosen(self, message: SourceList.Chosen) -> None:
        row = message.row
        if row.error:
            when = f"; next try {row.next_fetch:%Y-%m-%d %H:%M} UTC" if row.next_fetch else ""
            self.notify(visible(row.error) + when, title=visible(row.name), severity="warning",
                        timeout=10)  # fmt: skip
        self._remember()
        self.query_one(QueryInput).value = row.query
        self.set_query(row.query)
        self.set_focus(self.query_one(ArticleList))

    def action_save_search(self) -> None:
        """``S``: keep the current query under a name (it joins the sources pane)."""
        if not self.query_text:
            self.notify("Search for something first, then save it with S", timeout=3)
            return
        from reader.screens.dialogs import SaveSearchDialog

        query = self.view_query

        def named(name: str | None) -> None:
            if name:
                self.save_search(name, query)

        self.app.push_screen(SaveSearchDialog(query), named)

    def on_search_saved(self, message: SearchSaved) -> None:
        if message.error:
            self.notify(message.error, title="Not saved", severity="error", timeout=8)
            return
        self.notify(f"Saved as {visible(message.name)!r}", timeout=3)
        self.sources = True
        self.load_sources()

    def action_focus_pane(self, name: str) -> None:
        if name in ("entities", "related"):
            self.sidebar = True
            self.overview = False
        self.set_focus(self.query_one(PANES[name]))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ "/" is typed as text while the search input (or a dialog) has focus."""
        if action == "focus_search":
            return not isinstance(self.focused, Input)
        return True

    def action_focus_search(self) -> None:
        """Focus the query, all of it selected: what is typed next replaces it."""
        # set_focus at once (Widget.focus is deferred): keys typed right after "/"
        # are already queued and must reach the input, not the screen's bindings.
        query_input = self.query_one(QueryInput)
        self.set_focus(query_input)
        query_input.select_all()

    # The list ------------------------------------------------------------------------

    def on_page_loaded(self, message: PageLoaded) -> None:
        if self.query_text:
            return
        article_list = self.query_one(ArticleList)
        article_list.add_stories(message.stories)
        if message.offset == 0:
            article_list.show(message.hits, more=message.more, keep=self.current_id)
            self.query_one(SearchBar).set_status("newest first")
        else:
            article_list.extend(message.hits, more=message.more)
        self._maybe_open_first()

    def _restore(self, state: ReaderState) -> None:
        """Reopen the last query and article; a query set now makes the first page (loaded
        next) give way to its hits."""
        if state.query:
            self.query_one(QueryInput).value = state.query
            self.set_query(state.query)
        if state.article_id:
            self._open_first = False
            self._restoring = state.article_id
            self.open_article(state.article_id, remember=False)

    def _maybe_open_first(self) -> None:
        article_list = self.query_one(ArticleList)
        if self._open_first and article_list.hits:
            self._open_first = False
            self.open_article(article_list.hits[0].id, remember=False)

    @on(ArticleList.NeedMore)
    def _more_rows(self, message: ArticleList.NeedMore) -> None:
        """The next page; all the rest at once when the reader asked for the end (``G``)."""
        if not self.query_text:
            self.load_page(message.loaded, to_end=message.to_end)
        elif self.limit < workers.MAX_HITS:
            step = workers.MAX_HITS if message.to_end else self.limit + workers.SEARCH_PAGE
            self.limit = min(workers.MAX_HITS, step)
            self._extending = True
            self.search(self._asked, self.sort, self.limit, self._typing)

    @on(ArticleOptions.Chosen)
    def _open(self, message: ArticleOptions.Chosen) -> None:
        self.open_article(message.article_id, focus=True)

    # Search --------------------------------------------------------------------------

    @on(Input.Changed, "#search-input")
    def _query_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        if self._error_timer is not None:  # still typing: an error waits
            self._error_timer.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self._search_now)

    def _search_now(self) -> None:
        self.set_query(self.query_one(QueryInput).value, typing=True)

    @property
    def view_query(self) -> str:
        """The query whose hits the list shows: while typing, the text as the core read it
        (``blai`` as ``(blai OR blai*)``), which marking the view, saving it, its overview
        and the article's highlights follow."""
        asked, searched = self._searched
        return searched if asked == self._asked and searched else self.query_text

    def set_query(self, text: str, *, force: bool = False, typing: bool = False) -> None:
        """Search for ``text`` (or go back to the newest-first list when it is blank);
        ``typing``: as typed into the search box, its last word a prefix too, an
        unfinished clause left for the next keystroke (``LibraryHome.search``)."""
        asked = text if typing else text.strip()
        text = text.strip()
        if text == self.query_text and asked == self._asked and not force:
            return
        self.query_text = text
        self._asked = asked
        self._typing = typing and bool(text)
        self._pending_error = None
        # While typing, a screenful and a little more: the snippets of a page are much of
        # a keystroke's cost (the list asks for more as it scrolls).
        self.limit = workers.TYPING_PAGE if self._typing else workers.SEARCH_PAGE
        self._extending = False
        self._load_overview()
        if not text:
            self.terms = ()
            self.query_one(SearchBar).set_error(None)
            self.load_page(0)
            self._rehighlight()
            return
        self.query_one(SearchBar).set_status("searching…")
        self.search(asked, self.sort, self.limit, self._typing)

    def on_search_done(self, message: SearchDone) -> None:
        if message.query != self._asked or message.sort != self.sort:
            return
        result = message.result
        bar = self.query_one(SearchBar)
        bar.set_error(None)
        order = "newest" if self.sort == "date" else "relevance"
        noun = "hit" if result.total == 1 else "hits"
        bound = "" if result.exact else "up to "
        notes = "".join(f"{note} · " for note in result.notes)
        bar.set_status(f"{notes}{bound}{result.total:,} {noun} · {order}")
        before = self.view_query
        self._searched = (message.query, result.query)
        if self.view_query != before:
            self._load_overview()
        self._wait_with_error(result.pending)
        article_list = self.query_one(ArticleList)
        article_list.add_stories(message.stories)
        shown = [hit.id for hit in article_list.hits]
        if self._extending and shown == [hit.id for hit in result.hits[: len(shown)]]:
            article_list.extend(result.hits[len(shown) :], more=message.more)
        else:
            article_list.show(result.hits, more=message.more, keep=self.current_id)
        self._extending = False
        self.terms = result.terms
        if self._open_top and result.hits:
            self._open_top = False
            self.open_article(result.hits[0].id, focus=True)
        else:
            self._rehighlight()
            self._maybe_open_first()

    def on_search_failed(self, message: SearchFailed) -> None:
        if message.query != self._asked:
            return
        if message.typing:  # the list keeps the last hits; the error waits for a pause
            self._wait_with_error(message.error)
            return
        self.query_one(SearchBar).set_error(message.error)
        self.query_one(SearchBar).set_status("")

    def _wait_with_error(self, error: str | None) -> None:
        """Show ``error`` once the person has stopped typing (or leaves the box)."""
        self._pending_error = error
        if self._error_timer is not None:
            self._error_timer.stop()
            self._error_timer = None
        if error is not None:
            self._error_timer = self.set_timer(ERROR_AFTER_SECONDS, self._show_pending_error)

    def _show_pending_error(self) -> None:
        if self._pending_error is not None:
            self.query_one(SearchBar).set_error(self._pending_error)

    def on_query_input_leave(self, message: QueryInput.Leave) -> None:
        self._show_pending_error()
        article_list = self.query_one(ArticleList)
        self.set_focus(article_list)
        text = self.query_one(QueryInput).value.strip()
        if text != self.query_text:
            self._open_top = message.open_top
            self._search_now()
        elif message.open_top and article_list.current_id is not None:
            self.open_article(article_list.current_id, focus=True)

    def action_toggle_sort(self) -> None:
        self.sort = "date" if self.sort == "relevance" else "relevance"

    def watch_sort(self) -> None:
        if self.query_text:
            self._search_again()
        else:
            self.notify("The list without a query is always newest first; sort applies to searches")

    def action_date_filter(self) -> None:
        from reader.screens.dialogs import DateFilterDialog

        self.app.push_screen(DateFilterDialog(), self._add_filter)

    def _add_filter(self, clause: str | None) -> None:
        if not clause:
            return
        query_input = self.query_one(QueryInput)
        query_input.value = f"{query_input.value.strip()} {clause}".strip()
        self.set_query(query_input.value)

    @on(EntityList.Chosen)
    def _entity_chosen(self, message: EntityList.Chosen) -> None:
        self._entity_wanted(message.label, message.canonical, message.how)

    @on(FacetList.Chosen)
    def _facet_chosen(self, message: FacetList.Chosen) -> None:
        self._entity_wanted(message.label, message.canonical, message.how)

    def _entity_wanted(self, label: str, canonical: str, how: str) -> None:
        """An entity chosen in a pane: its page, or the view narrowed by it or without it
        (a date or a number has no page, and is searched for)."""
        clause = entity_query(label, canonical)
        if how == "filter":
            self._add_filter(clause)
        elif how == "exclude":
            self._add_filter(f"NOT {clause}")
        elif (key := entity_page_key(label, canonical)) is not None:
            self.open_entity_page(key)
        else:
            self._search_for(clause)

    def _search_for(self, query: str) -> None:
        self._remember()
        self.query_one(QueryInput).value = query
        self.set_query(query)
        self.query_one(ArticleList).focus()

    def open_entity_page(self, key: str) -> None:
        from reader.screens.entity import EntityScreen, Outcome

        def chosen(outcome: Outcome | None) -> None:
            if outcome is None:
                return
            if outcome.kind == "open":
                self.open_article(outcome.value, focus=True)
            elif outcome.kind == "filter":
                self._add_filter(outcome.value)
            else:
                self._search_for(outcome.value)

        self.app.push_screen(EntityScreen(self.client, key), chosen)

    # The overview (timeline and facets of the view) ---------------------------------

    def watch_overview(self, shown: bool) -> None:
        self.query_one(Sidebar).set_class(shown, "-overview")
        if shown:
            self._load_overview()

    def action_toggle_overview(self) -> None:
        """``O``: the sidebar shows the view's timeline and facets and the facets take the
        focus; again (from them), the article's side comes back."""
        overview_panes = (self.query_one(FacetList), self.query_one("#timeline", TimelineChart))
        if self.overview and self.sidebar and self.focused not in overview_panes:
            self.set_focus(self.query_one(FacetList))
            return
        self.overview = not self.overview
        self.sidebar = True
        self.set_focus(self.query_one(FacetList if self.overview else ArticleList))

    def action_focus_timeline(self) -> None:
        self.overview = True
        self.sidebar = True
        self.set_focus(self.query_one("#timeline", TimelineChart))

    def _load_overview(self) -> None:
        if self.overview:
            self.load_overview(self.view_query)

    def on_overview_loaded(self, message: OverviewLoaded) -> None:
        if message.query != self.view_query:
            return
        self.query_one(FacetList).show(message.facets, error=message.error)
        chart = self.query_one("#timeline", TimelineChart)
        chart.show(message.facets.timeline if message.facets else None)

    @on(TimelineChart.Selected, "#timeline")
    def _stretch_chosen(self, message: TimelineChart.Selected) -> None:
        """A stretch of the view's timeline: the view, published within it (a range the
        query had already is replaced)."""
        query_input = self.query_one(QueryInput)
        rest = PUBLISHED_RANGE.sub("", query_input.value).strip()
        clause = f"published:[{message.start.isoformat()} to {message.end.isoformat()}]"
        query_input.value = f"{rest} {clause}".strip()
        self.set_query(query_input.value)

    # The article ---------------------------------------------------------------------

    def on_article_missing(self, message: ArticleMissing) -> None:
        if message.article_id == self._restoring:  # gone since last time: open the first
            self._restoring = None
            self._open_first = True
            self._maybe_open_first()
            return
        self.notify(f"Article {message.article_id} is no longer in the library", severity="error")

    def action_back(self) -> None:
        if not self.history:
            self.notify("Nothing to go back to", timeout=2)
            return
        place = self.history.pop()
        if place.query != self.query_text:
            self.query_one(QueryInput).value = place.query
            self.set_query(place.query)
        self.open_article(place.article_id, remember=False, scroll_y=place.scroll_y)

    # Library-wide ---------------------------------------------------------------------

    def on_count_loaded(self, message: CountLoaded) -> None:
        self._show_counts(message.count, message.unread)
        if self._ingesting or self._refreshing:
            return  # compared once ours is done (a count taken meanwhile would hide
            # what another process added during it)
        known, self._known_count = self._known_count, message.count
        if known is None or known == message.count:
            return
        change = message.count - known
        self._sources_changed()
        what = (
            _count(change, "new article") if change > 0 else _count(-change, "article") + " removed"
        )
        self.notify(f"{what} (added by another newsreader)", title="Library changed")
        self._reload_view()

    def _after_own(self, added: int, removed: int) -> int | None:
        """The count to compare the next one with after an add or refresh of ours (None,
        as before it: the next count is taken as it is)."""
        if self._known_count is None:
            return None
        return self._known_count + added - removed

    def _search_again(self) -> None:
        """The current query once more (the library changed, or the sort), as it was asked."""
        self.set_query(self._asked, force=True, typing=self._typing)

    def _reload_view(self) -> None:
        if not self.query_text:
            self.load_page(0, rows=len(self.query_one(ArticleList).hits))
        else:
            self._search_again()

    def _poll_library(self) -> None:
        """Notice articles added or removed by another process (e.g. ``newsreader add``)."""
        if not self._ingesting and not self._refreshing:
            self.count()

    def _show_counts(self, count: int, unread: int | None) -> None:
        text = _count(count, "article")
        self.app.sub_title = text if unread is None else f"{text} · {unread:,} unread"

    # Reading state (read, starred) ---------------------------------------------------------

    def _target(self) -> Hit | None:
        """The article a mark or link key means: the list's row when the list has focus,
        else the open article (as its row, if the list shows it)."""
        article_list = self.query_one(ArticleList)
        wanted = article_list.current_id if self.focused is article_list else self.current_id
        if wanted is None:
            return None
        found = article_list.hit_of(wanted)
        stored = self.article.stored
        if found is None and stored is not None and stored.article.id == wanted:
            article = stored.article
            return Hit(article.id, article.title, article.published, article.source,
                       article.path, article.url, 0.0, "")  # fmt: skip
        return found

    def opened(self, article_id: str) -> None:
        """An article is on screen: it counts as read once it has stayed there a moment."""
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        hit = self.query_one(ArticleList).hit_of(article_id)
        if self.mark_read_after is None or (hit is not None and hit.read):
            return

        def mark() -> None:
            if self.current_id == article_id:
                self.mark_articles([article_id], "read")

        if self.mark_read_after <= 0:
            mark()
        else:
            self._read_timer = self.set_timer(self.mark_read_after, mark)

    def action_toggle_read(self) -> None:
        hit = self._target()
        if hit is None:
            self.notify("No article to mark", timeout=2)
            return
        if self._read_timer is not None:  # a choice by hand wins over the timer's
            self._read_timer.stop()
            self._read_timer = None
        how = "unread" if hit.read else "read"
        self.mark_articles([hit.id], how, f"Marked {how}")

    def action_toggle_star(self) -> None:
        hit = self._target()
        if hit is None:
            self.notify("No article to star", timeout=2)
            return
        self.mark_articles([hit.id], "unstar" if hit.starred else "star",
                           "Unstarred" if hit.starred else "Starred")  # fmt: skip

    def action_mark_all_read(self) -> None:
        """Every article of the current view (the query's hits, or the whole library)."""
        shown = [hit.id for hit in self.query_one(ArticleList).hits]
        self.mark_view(self.view_query, "read", shown)

    def action_undo_mark_all(self) -> None:
        if not self._undo:
            self.notify("Nothing to undo", timeout=2)
            return
        ids, self._undo = list(self._undo), ()
        self.mark_articles(ids, "unread", "Undone: {n} articles unread again")

    def on_marks_changed(self, message: MarksChanged) -> None:
        self.query_one(ArticleList).set_marks(message.marks)
        self._sources_changed(marks_only=True)
        if message.undo:
            self._undo = message.undo
        if message.said:
            self.notify(message.said, timeout=3)
        if message.counts is not None:
            self._show_counts(message.counts["articles"], message.counts["unread"])

    def action_open_link(self) -> None:
        """The article's page in the browser (``$BROWSER``; its file when it has no URL)."""
        hit = self._target()
        if hit is None:
            self.notify("No article open", timeout=2)
        elif hit.url:
            self.app.open_url(hit.url)
            self.notify(f"Opening {visible(hit.url)}", timeout=3)
        elif hit.path:
            self.app.open_url(Path(hit.path).as_uri())
            self.notify(f"Opening the file {visible(hit.path)}", timeout=3)
        else:
            self.notify("This article has no link and no file to open", timeout=3)

    def action_copy_link(self) -> None:
        """The article's URL to the clipboard (OSC 52: the terminal must allow it)."""
        hit = self._target()
        if hit is None:
            self.notify("No article open", timeout=2)
        elif not hit.url:
            self.notify("This article has no link to copy", timeout=3)
        else:
            self.app.copy_to_clipboard(hit.url)
            self.notify(f"Copied {visible(hit.url)}", timeout=3)

    # Feeds ---------------------------------------------------------------------------

    def _feeds_due_check(self) -> None:
        """On the timer (and once the list first shows): refresh the feeds that are due, in
        the background; nothing is said unless articles arrive."""
        if not self._refreshing and not self._ingesting:
            self._refreshing = True
            self.refresh_feeds(by_hand=False)

    def action_refresh_feeds(self) -> None:
        """``R``: fetch every feed now (the schedule waits, Retry-After does not)."""
        if self._refreshing:
            self.notify("A feed refresh is already running", timeout=3)
            return
        if self._ingesting:
            self.notify("Adding files: refresh the feeds when that is done", timeout=3)
            return
        self._refreshing = True
        self.query_one(IngestBar).show_feeds(Progress(0, None, "starting"))
        self.refresh_feeds(by_hand=True)

    def on_feeds_progress(self, message: FeedsProgress) -> None:
        if message.by_hand:
            self.query_one(IngestBar).show_feeds(message.progress)

    def on_feeds_stored(self, message: FeedsStored) -> None:
        """New articles committed: show them where the list would (newest first, or among
        the hits when they match the query), keeping the reader's place."""
        if not self.query_text:
            self.load_page(0, rows=len(self.query_one(ArticleList).hits))
        else:
            self._search_again()

    def on_feeds_done(self, message: FeedsDone) -> None:
        self._refreshing = False
        self._sources_changed()
        # What this refresh added is ours; anything else the next count finds is another
        # process's, told and listed (the count as the refresh left it would hide that).
        added = message.report.added if message.report is not None else 0
        self._known_count = self._after_own(added, 0)
        self.count()
        if message.by_hand:
            self.query_one(IngestBar).finish()
        if message.error is not None:
            self.notify(message.error, title="Feeds not refreshed", severity="error", timeout=10)
            return
        report = message.report
        if report is None:
            return
        if message.by_hand:
            self.notify(_refresh_summary(report), title="Feeds refreshed", timeout=6)
        elif report.added:
            feeds = sum(1 for feed in report.feeds if feed.added)
            self.notify(
                f"{_count(report.added, 'new article')} from {_count(feeds, 'feed')}",
                title="Feeds",
                timeout=4,
            )

    def on_ingest_progress(self, message: IngestProgress) -> None:
        self._ingesting = True
        self.query_one(IngestBar).show_progress(message.progress)

    def on_ingest_done(self, message: IngestDone) -> None:
        self._ingesting = False
        self._sources_changed()
        report = message.report
        self._known_count = self._after_own(
            report.added if report else 0, report.removed if report else 0
        )  # (see on_feeds_done)
        self.query_one(IngestBar).finish()
        if message.error:
            self.notify(message.error, title="Indexing failed", severity="error", timeout=10)
        elif message.report is not None:
            report = message.report
            skipped = len(report.skipped)
            text = (
                f"{report.added:,} added, {report.updated:,} updated, "
                f"{report.unchanged:,} unchanged"
            )
            if skipped:
                text += f", {skipped:,} skipped (see `newsreader add` for reasons)"
            self.notify(text, title="Indexed")
        self.count()
        if message.shown:
            self.query_one(ArticleList).show(message.shown)
            self.query_one(SearchBar).set_status(f"{len(message.shown):,} from the paths given")
            self._open_first = True
            self._maybe_open_first()
        else:
            self.load_page(0)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _refresh_summary(report: RefreshReport) -> str:
    """What a refresh by hand did, in one or two lines (the failures: ``feeds list``)."""
    if not report.feeds:
        return "No feeds to refresh: subscribe with `newsreader feeds add URL`"
    text = f"{_count(len(report.feeds), 'feed')}: {report.added:,} new, {report.updated:,} updated"
    if report.network_down:
        return text + "; the network seems down (nothing counted against the feeds)"
    failed = report.failed
    if failed:
        text += f"; {len(failed):,} failed (see `newsreader feeds list`)"
    return text
