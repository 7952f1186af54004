"""The main screen: search bar, article list, article view, and the sidebar.

The screen owns the reading state (query, sort, open article, history) and
turns the panes' messages into library calls; every call runs in a worker
(``reader.workers``) that posts its result back as a message, and a
result that no longer matches the current query or article is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Label, ProgressBar, Static

from index.home import SortOrder
from index.search.clauses import entity_query
from reader import keys, workers
from reader.client import LibraryClient
from reader.config import Config
from reader.heap import settle_heap
from reader.messages import (
    ArticleLoaded,
    ArticleMissing,
    BookmarkSaved,
    BookmarksFound,
    CountLoaded,
    HitsFound,
    IngestDone,
    IngestProgress,
    PageLoaded,
    RelatedLoaded,
    SearchDone,
    SearchFailed,
)
from reader.widgets.article_list import ArticleList
from reader.widgets.article_view import ArticleView
from reader.widgets.entities import EntityList
from reader.widgets.related import RelatedList
from reader.widgets.search_bar import QueryInput, SearchBar

DEBOUNCE_SECONDS = 0.15
POLL_SECONDS = 5.0
"""How often the library's article count is checked for changes made by other processes."""
NARROW_WIDTH = 100
"""Below this many columns the sidebar folds under the article."""
PANES = {"list": "#list", "article": "#article", "entities": "#entities", "related": "#related"}


class MainScreen(workers.LibraryWorkers, Screen[None]):
    """Panes for finding and reading articles."""

    BINDINGS = keys.MAIN

    def __init__(
        self,
        client: LibraryClient,
        config: Config,
        *,
        paths_to_add: Sequence[str] = (),
        seed_paths: Sequence[Path] = (),
    ) -> None:
        super().__init__()
        self.client = client
        self.config = config
        self.paths_to_add = list(paths_to_add)
        self.seed_paths = list(seed_paths)
        self.query_text = ""
        self.sort: SortOrder = "relevance"
        self.terms: tuple[str, ...] = ()
        self.limit = workers.SEARCH_PAGE
        self._extending = False
        self.history: list[tuple[str, float]] = []
        self._debounce: Timer | None = None
        self._open_first = True
        self._open_top = False
        self._ingesting = False
        self._known_count: int | None = None
        self.current_id: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        with Horizontal(id="ingest"):
            yield Label("Indexing…", id="ingest-label")
            yield ProgressBar(id="ingest-bar", show_eta=False)
        yield SearchBar(id="search")
        with Horizontal(id="panes"):
            yield ArticleList(id="list")
            with Horizontal(id="reading"):
                yield ArticleView(id="article")
                with Vertical(id="sidebar"):
                    with Vertical(id="related-box"):
                        yield Static("RELATED", classes="pane-title")
                        yield RelatedList(id="related")
                    with Vertical(id="entities-box"):
                        yield Static("ENTITIES", classes="pane-title")
                        yield EntityList(id="entities")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#ingest").display = False
        self.query_one(SearchBar).set_error(None)
        self.query_one(RelatedList).show_message("open an article")
        self.query_one("#sidebar").display = self.config.sidebar
        self.query_one(ArticleList).focus()
        settle_heap()
        self.start()
        self.set_interval(POLL_SECONDS, self._poll_library)

    # Layout -------------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one("#sidebar")
        sidebar.display = not sidebar.display

    def action_focus_pane(self, name: str) -> None:
        if name in ("entities", "related"):
            self.query_one("#sidebar").display = True
        self.set_focus(self.query_one(PANES[name]))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ "/" is typed as text while the search input (or a dialog) has focus."""
        if action == "focus_search":
            return not isinstance(self.focused, Input)
        return True

    def action_focus_search(self) -> None:
        # set_focus at once (Widget.focus is deferred): keys typed right after "/"
        # are already queued and must reach the input, not the screen's bindings.
        self.set_focus(self.query_one(QueryInput))

    # The list ------------------------------------------------------------------------

    def on_page_loaded(self, message: PageLoaded) -> None:
        if self.query_text:
            return
        article_list = self.query_one(ArticleList)
        if message.offset == 0:
            article_list.show(message.hits, more=message.more)
            self.query_one(SearchBar).set_status("newest first")
        else:
            article_list.extend(message.hits, more=message.more)
        self._maybe_open_first()

    def _maybe_open_first(self) -> None:
        article_list = self.query_one(ArticleList)
        if self._open_first and article_list.hits:
            self._open_first = False
            self.open_article(article_list.hits[0].id, remember=False)

    @on(ArticleList.NeedMore)
    def _more_rows(self, message: ArticleList.NeedMore) -> None:
        if self.query_text:
            if self.limit < workers.MAX_HITS:
                self.limit = min(workers.MAX_HITS, self.limit + workers.SEARCH_PAGE)
                self._extending = True
                self.search(self.query_text, self.sort, self.limit)
        else:
            self.load_page(message.loaded)

    @on(ArticleList.Opened)
    @on(RelatedList.Opened)
    def _open(self, message: ArticleList.Opened | RelatedList.Opened) -> None:
        self.open_article(message.article_id)

    # Search --------------------------------------------------------------------------

    @on(Input.Changed, "#search-input")
    def _query_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self._search_now)

    def _search_now(self) -> None:
        self.set_query(self.query_one(QueryInput).value)

    def set_query(self, text: str, *, force: bool = False) -> None:
        """Search for ``text`` (or go back to the newest-first list when it is blank)."""
        text = text.strip()
        if text == self.query_text and not force:
            return
        self.query_text = text
        self.limit = workers.SEARCH_PAGE
        self._extending = False
        if not text:
            self.terms = ()
            self.query_one(SearchBar).set_error(None)
            self.load_page(0)
            self._rehighlight()
            return
        self.query_one(SearchBar).set_status("searching…")
        self.search(text, self.sort, self.limit)

    def on_search_done(self, message: SearchDone) -> None:
        if message.query != self.query_text or message.sort != self.sort:
            return
        result = message.result
        bar = self.query_one(SearchBar)
        bar.set_error(None)
        order = "newest" if self.sort == "date" else "relevance"
        noun = "hit" if result.total == 1 else "hits"
        bound = "" if result.exact else "up to "
        bar.set_status(f"{bound}{result.total:,} {noun} · {order}")
        article_list = self.query_one(ArticleList)
        shown = [hit.id for hit in article_list.hits]
        if self._extending and shown == [hit.id for hit in result.hits[: len(shown)]]:
            article_list.extend(result.hits[len(shown) :], more=message.more)
        else:
            article_list.show(result.hits, more=message.more)
        self._extending = False
        self.terms = result.terms
        if self._open_top and result.hits:
            self._open_top = False
            self.open_article(result.hits[0].id)
        else:
            self._rehighlight()

    def on_search_failed(self, message: SearchFailed) -> None:
        if message.query != self.query_text:
            return
        self.query_one(SearchBar).set_error(message.error)
        self.query_one(SearchBar).set_status("")

    def on_query_input_leave(self, message: QueryInput.Leave) -> None:
        article_list = self.query_one(ArticleList)
        self.set_focus(article_list)
        text = self.query_one(QueryInput).value.strip()
        if text != self.query_text:
            self._open_top = message.open_top
            self._search_now()
        elif message.open_top and article_list.current_id is not None:
            self.open_article(article_list.current_id)

    def action_toggle_sort(self) -> None:
        self.sort = "date" if self.sort == "relevance" else "relevance"
        if self.query_text:
            self.set_query(self.query_text, force=True)
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
        clause = entity_query(message.label, message.canonical)
        if message.add:
            self._add_filter(clause)
            return
        query_input = self.query_one(QueryInput)
        query_input.value = clause
        self.set_query(clause)
        self.query_one(ArticleList).focus()

    # The article ---------------------------------------------------------------------

    @property
    def article(self) -> ArticleView:
        return self.query_one(ArticleView)

    def open_article(
        self,
        article_id: str,
        *,
        remember: bool = True,
        scroll_y: float | None = None,
        passage: tuple[int, int] | None = None,
    ) -> None:
        view = self.article
        if remember and view.article_id is not None and view.article_id != article_id:
            self.history.append((view.article_id, view.scroll_y))
        self.current_id = article_id
        self.load_article(article_id, self.terms, self.query_text, scroll_y, passage)

    def open_passage(self, article_id: str, start: int, end: int) -> None:
        """Open an article with the passage ``[start, end)`` selected and in view."""
        self.open_article(article_id, passage=(start, end))
        self.set_focus(self.article)

    def on_article_loaded(self, message: ArticleLoaded) -> None:
        if message.stored.article.id != self.current_id:
            return
        self.article.show(
            message.stored,
            message.hits,
            scroll_y=message.scroll_y,
            passage=message.passage,
            bookmarks=message.bookmarks,
        )
        self.query_one(EntityList).show(message.stored.analysis)
        self.query_one(RelatedList).show_message("finding related articles…")
        self.query_one(ArticleList).select_id(message.stored.article.id)
        self.load_related(message.stored.article.id)

    def on_article_missing(self, message: ArticleMissing) -> None:
        self.notify(f"Article {message.article_id} is no longer in the library", severity="error")

    def on_related_loaded(self, message: RelatedLoaded) -> None:
        if message.article_id != self.current_id:
            return
        self.query_one(RelatedList).show(message.items)

    def on_hits_found(self, message: HitsFound) -> None:
        if message.article_id == self.article.article_id:
            self.article.set_hits(message.hits)

    def on_bookmarks_found(self, message: BookmarksFound) -> None:
        stored = self.article.stored
        if stored is None or message.article_id != stored.article.id:
            return
        if message.content_hash != stored.article.content_hash:
            self._reload_article()  # the text changed on disk: offsets are for the new one
        else:
            self.article.set_bookmarks(message.bookmarks)

    def on_bookmark_saved(self, message: BookmarkSaved) -> None:
        if message.error is None:
            self.notify("Bookmarked", timeout=2)
            return
        self.notify(message.error, title="Not bookmarked", severity="error", timeout=8)
        if message.stale and message.article_id == self.article.article_id:
            self._reload_article()

    def _reload_article(self) -> None:
        if self.article.article_id is not None:
            article_id = self.article.article_id
            self.open_article(article_id, remember=False, scroll_y=self.article.scroll_y)

    @on(ArticleView.BookmarkRequested)
    def _bookmark(self, message: ArticleView.BookmarkRequested) -> None:
        from reader.screens.dialogs import BookmarkDialog

        stored = self.article.stored
        if stored is None:
            return
        quote = stored.article.body[message.start : message.end]
        version = stored.article.content_hash

        def save(result: tuple[str, list[str]] | None) -> None:
            if result is not None:
                passage = (message.start, message.end)
                self.add_bookmark(message.article_id, version, passage, *result)

        self.app.push_screen(BookmarkDialog(quote), save)

    def _rehighlight(self) -> None:
        if self.article.article_id is not None:
            self.rehighlight(self.article.article_id, self.terms, self.query_text)

    def action_next_hit(self) -> None:
        self._jump(1)

    def action_previous_hit(self) -> None:
        self._jump(-1)

    def _jump(self, step: int) -> None:
        index = self.article.jump_hit(step)
        if index is None:
            self.notify("No search hits in this article", timeout=2)
        else:
            self.query_one(SearchBar).set_status(f"hit {index + 1} of {self.article.hit_count}")

    def action_bookmark(self) -> None:
        """``b`` outside the article: bookmark the passage under its cursor, or go there."""
        view = self.article
        view.focus()
        if view.passage() is None:
            self.notify("Pick a sentence with j/k (v to select more), then press b", timeout=3)
            return
        view.action_bookmark()

    def action_toggle_highlight(self) -> None:
        view = self.article
        view.set_highlight(not view.marks.highlight)

    def action_back(self) -> None:
        if not self.history:
            self.notify("Nothing to go back to", timeout=2)
            return
        article_id, scroll_y = self.history.pop()
        self.open_article(article_id, remember=False, scroll_y=scroll_y)

    # Library-wide ---------------------------------------------------------------------

    def on_count_loaded(self, message: CountLoaded) -> None:
        self.app.sub_title = f"{message.count:,} articles"
        known, self._known_count = self._known_count, message.count
        if known is None or known == message.count or self._ingesting:
            return
        change = message.count - known
        what = f"{change:,} new articles" if change > 0 else f"{-change:,} articles removed"
        self.notify(f"{what} (added by another newsreader)", title="Library changed")
        if not self.query_text:
            self.load_page(0)
        else:
            self.set_query(self.query_text, force=True)

    def _poll_library(self) -> None:
        """Notice articles added or removed by another process (e.g. ``newsreader add``)."""
        if not self._ingesting:
            self.count()

    def on_ingest_progress(self, message: IngestProgress) -> None:
        self._ingesting = True
        box = self.query_one("#ingest")
        box.display = True
        progress = message.progress
        bar = self.query_one(ProgressBar)
        bar.update(total=progress.total, progress=progress.done)
        counts = progress.counts
        self.query_one("#ingest-label", Label).update(
            f"Indexing {progress.done:,}/{progress.total or 0:,} files · "
            f"{counts.get('added', 0):,} added"
        )

    def on_ingest_done(self, message: IngestDone) -> None:
        self._ingesting = False
        self._known_count = None
        self.query_one("#ingest").display = False
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
