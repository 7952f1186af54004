"""The reading half of the main screen: the open article and what hangs on it.

``ReadingScreen`` opens an article (remembering the place it leaves, for
Backspace), shows it with its hits, bookmarks, entities and related
articles as the workers' answers come in (dropping those for an article no
longer open), moves between hits and turns the article's bookmark request
into a dialog and a worker call. ``MainScreen`` adds the finding half: the
search bar and the list.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.reactive import var
from textual.screen import Screen

from reader import workers
from reader.messages import (
    ArticleLoaded,
    BookmarkSaved,
    BookmarksFound,
    HitsFound,
    RelatedLoaded,
)
from reader.widgets.article_list import ArticleList
from reader.widgets.article_view import ArticleView
from reader.widgets.entities import EntityList
from reader.widgets.related import RelatedList
from reader.widgets.search_bar import SearchBar


@dataclass(frozen=True)
class Place:
    """Where the reader was, as ``Backspace`` restores it: the query (and so the list) and
    the article, scrolled as it was."""

    query: str
    article_id: str
    scroll_y: float


class ReadingScreen(workers.LibraryWorkers, Screen[None]):
    """A screen with an article pane, its sidebar and an article list to keep in step."""

    highlight: var[bool] = var(True)
    """Entity colours and resolved dates in the article (``H``)."""
    query_text: var[str] = var("", init=False)
    """The query the list shows the hits of ("": the newest-first list); its hits are
    marked in the article."""
    current_id: var[str | None] = var[str | None](None, init=False)
    """The article open (or being opened)."""

    def __init__(self) -> None:
        super().__init__()
        self.terms: tuple[str, ...] = ()
        """The current query's indexed terms, for marking its hits."""
        self.history: list[Place] = []

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
        focus: bool = False,
    ) -> None:
        """Load and show an article (``remember``: Backspace comes back to this place)."""
        if remember and self.article.article_id not in (None, article_id):
            self._remember()
        self.current_id = article_id
        self.load_article(article_id, self.terms, self.view_query, scroll_y, passage)
        if focus:
            self.set_focus(self.article)

    @property
    def view_query(self) -> str:
        """The query the view shows the hits of: what was typed, as it was searched."""
        return self.query_text

    def _remember(self) -> None:
        view = self.article
        if view.article_id is not None:
            self.history.append(Place(self.query_text, view.article_id, view.scroll_y))

    def open_passage(self, article_id: str, start: int, end: int) -> None:
        """Open an article with the passage ``[start, end)`` selected and in view."""
        self.open_article(article_id, passage=(start, end), focus=True)

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
        article_list = self.query_one(ArticleList)
        if self.focused is not article_list:  # the reader may have moved on in the list
            article_list.select_id(message.stored.article.id)
        self.load_related(message.stored.article.id)
        self.opened(message.stored.article.id)

    def opened(self, article_id: str) -> None:
        """An article is on screen (the main screen marks it read after a moment)."""

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
            self.rehighlight(self.article.article_id, self.terms, self.view_query)

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
        self.highlight = not self.highlight
