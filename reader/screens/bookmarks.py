"""The bookmarks screen: every bookmarked passage, filterable; open, edit or delete one.

The filter line takes words (matched against quote, note, title and tags) and
``#tag`` tokens (exact tags). Enter closes the screen and opens the article
scrolled to the passage; the screen's result is ``(article_id, start, end)``.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from index.errors import NewsreaderError
from index.models import Bookmark
from index.text import one_line, visible
from reader import keys
from reader.client import LibraryClient
from reader.render import MUTED, ROW_MUTED, format_date

QUOTE_CHARS = 240
Passage = tuple[str, int, int]


def parse_filter(text: str) -> tuple[str | None, str | None]:
    """``"#gaza deadline"`` -> tag ``gaza``, text ``deadline`` (the store takes one tag)."""
    tags = [word[1:] for word in text.split() if word.startswith("#") and len(word) > 1]
    words = [word for word in text.split() if not word.startswith("#")]
    return (tags[0] if tags else None), (" ".join(words) or None)


def bookmark_prompt(bookmark: Bookmark) -> Content:
    """One bookmark's lines, its text from outside (an import, an old library) shown
    by the one rule: no control character reaches the terminal."""
    quote = one_line(bookmark.quote)
    if len(quote) > QUOTE_CHARS:
        quote = quote[: QUOTE_CHARS - 1] + "…"
    status = "" if bookmark.status == "anchored" else f" · {bookmark.status}"
    meta = f"{format_date(bookmark.created)}{status}"
    lines = [
        Content.assemble(
            (one_line(bookmark.article_title or bookmark.article_id), "bold"),
            ("  " + meta, ROW_MUTED),
        ),
        Content.styled(f"“{quote}”", "italic"),
    ]
    if bookmark.note:
        lines.append(Content.styled(f"✎ {visible(bookmark.note)}", "$text-accent"))
    if bookmark.tags:
        lines.append(
            Content.styled(one_line(" ".join(f"#{tag}" for tag in bookmark.tags)), "$text-success")
        )
    return Content("\n").join(lines)


class BookmarksLoaded(Message):
    def __init__(self, filter_text: str, bookmarks: Sequence[Bookmark]) -> None:
        super().__init__()
        self.filter_text = filter_text
        self.bookmarks = bookmarks


class BookmarksScreen(Screen[Passage | None]):
    """All bookmarks, newest first."""

    DEFAULT_CSS = """
    BookmarksScreen {
        & #bookmarks-title { height: 1; padding: 0 1; background: $boost; }
        & #bookmarks-filter { height: 1; border: none; padding: 0 1; }
        & #bookmarks-list { height: 1fr; border: round $panel; }
        & #bookmarks-list:focus { border: round $accent; }
    }
    """

    BINDINGS = keys.BOOKMARKS

    def __init__(self, client: LibraryClient) -> None:
        super().__init__()
        self.client = client
        self.bookmarks: list[Bookmark] = []
        self.filter_text = ""
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Bookmarks", "bold"), id="bookmarks-title")
        yield Input(placeholder="filter: words, #tag", id="bookmarks-filter")
        yield OptionList(id="bookmarks-list")
        yield Footer()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            text = str(error) if isinstance(error, NewsreaderError) else repr(error)
            self.notify(text, title="Bookmarks error", severity="error", timeout=10)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#bookmarks-list"))
        self.reload()

    # Loading ------------------------------------------------------------------------

    def reload(self) -> None:
        self._load(self.filter_text)

    @work(thread=True, exclusive=True, group="bookmarks-list", exit_on_error=False)
    def _load(self, filter_text: str) -> None:
        tag, text = parse_filter(filter_text)
        found = self.client.list_bookmarks(tag=tag, text=text)
        if not get_current_worker().is_cancelled:
            self.post_message(BookmarksLoaded(filter_text, found))

    def on_bookmarks_loaded(self, message: BookmarksLoaded) -> None:
        if message.filter_text != self.filter_text:
            return
        self.bookmarks = list(message.bookmarks)
        listing = self.query_one("#bookmarks-list", OptionList)
        listing.clear_options()
        if not self.bookmarks:
            empty = "no bookmarks yet: in an article, j/k to a sentence, b to bookmark it"
            if self.filter_text:
                empty = "no bookmark matches the filter"
            listing.add_option(Option(Content.styled(empty, MUTED), disabled=True))
        else:
            listing.add_options(Option(bookmark_prompt(b), id=b.id) for b in self.bookmarks)
            listing.highlighted = 0
        count = len(self.bookmarks)
        self.query_one("#bookmarks-title", Static).update(
            Content.assemble(("Bookmarks", "bold"), (f"  {count:,} shown", MUTED))
        )

    @on(Input.Changed, "#bookmarks-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.15, self.reload)

    @on(Input.Submitted, "#bookmarks-filter")
    def _filter_done(self) -> None:
        self.set_focus(self.query_one("#bookmarks-list"))

    # Actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = isinstance(self.focused, Input)
        return not (typing and action in ("focus_filter", "delete", "edit"))

    @property
    def current(self) -> Bookmark | None:
        option = self.query_one("#bookmarks-list", OptionList).highlighted_option
        if option is None or option.id is None:
            return None
        return next((b for b in self.bookmarks if b.id == option.id), None)

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one("#bookmarks-filter"))

    def action_close(self) -> None:
        if isinstance(self.focused, Input):
            self.set_focus(self.query_one("#bookmarks-list"))
            return
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#bookmarks-list")
    def action_open(self) -> None:
        bookmark = self.current
        if bookmark is None:
            return
        if bookmark.status == "orphaned":
            self.notify("This passage is no longer in the article (orphaned); opening the article")
        self.dismiss((bookmark.article_id, bookmark.start, bookmark.end))

    def action_edit(self) -> None:
        from reader.screens.dialogs import BookmarkDialog

        bookmark = self.current
        if bookmark is None:
            return

        def save(result: tuple[str, list[str]] | None) -> None:
            if result is not None:
                self._change(bookmark.id, note=result[0], tags=result[1])

        dialog = BookmarkDialog(
            bookmark.quote, note=bookmark.note, tags=bookmark.tags, title="Edit bookmark"
        )
        self.app.push_screen(dialog, save)

    def action_delete(self) -> None:
        from reader.screens.dialogs import ConfirmDialog

        bookmark = self.current
        if bookmark is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._change(bookmark.id, delete=True)

        title = bookmark.article_title or bookmark.article_id
        self.app.push_screen(ConfirmDialog(f"Delete the bookmark in “{title}”?"), confirmed)

    @work(thread=True, group="bookmarks-change", exit_on_error=False)
    def _change(
        self,
        bookmark_id: str,
        *,
        note: str | None = None,
        tags: list[str] | None = None,
        delete: bool = False,
    ) -> None:
        try:
            if delete:
                self.client.delete_bookmark(bookmark_id)
            else:
                self.client.update_bookmark(bookmark_id, note=note or "", tags=tags or [])
        except NewsreaderError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
        self.app.call_from_thread(self.reload)
