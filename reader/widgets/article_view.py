"""The article: title, byline, and a body whose passages can be walked and selected.

The body is one ``Static`` per paragraph, so jumping to a search hit or a
passage is scrolling to a known widget (plus a line within it). A passage
cursor moves by sentence (``j``/``k``) and paragraph (``J``/``K``); ``v``
starts a selection that the cursor then extends; ``b`` asks to bookmark it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.widgets import Static

from index.store import StoredArticle
from reader import keys
from reader.render import Marks, Range, byline, paragraph_content, paragraphs, sentences


class Paragraph(Static):
    """One paragraph of the body."""


class ArticleView(VerticalScroll, can_focus=True):
    """Shows one article with entity colours, dated mentions, hits and bookmarks."""

    BINDINGS = keys.ARTICLE

    class BookmarkRequested(Message):
        """The reader pressed ``b`` on a passage (the selection, or the sentence)."""

        def __init__(self, article_id: str, start: int, end: int) -> None:
            super().__init__()
            self.article_id = article_id
            self.start = start
            self.end = end

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stored: StoredArticle | None = None
        self.marks = Marks()
        self._paragraphs: list[Range] = []
        self._sentences: list[Range] = []
        self._sentence_paragraph: list[int] = []
        self._cursor: int | None = None
        self._anchor: int | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Content.styled("No article open", "dim"), id="article-title")
        yield Static("", id="article-meta")

    # Showing an article ---------------------------------------------------------------

    @property
    def article_id(self) -> str | None:
        return self.stored.article.id if self.stored is not None else None

    def show(
        self,
        stored: StoredArticle,
        hits: Sequence[Range] = (),
        *,
        scroll_y: float | None = None,
        passage: Range | None = None,
        bookmarks: Sequence[Range] = (),
    ) -> None:
        """Replace what is shown; then restore a scroll position or go to a passage or hit."""
        article = stored.article
        self.stored = stored
        self.marks = Marks(
            analysis=stored.analysis,
            hits=list(hits),
            current_hit=None,
            bookmarks=list(bookmarks),
            highlight=self.marks.highlight,
        )
        self._paragraphs = paragraphs(article.body)
        self._sentences, self._sentence_paragraph = [], []
        for index, paragraph in enumerate(self._paragraphs):
            for sentence in sentences(article.body, paragraph):
                self._sentences.append(sentence)
                self._sentence_paragraph.append(index)
        self._cursor, self._anchor = None, None
        self.query_one("#article-title", Static).update(Content.styled(article.title, "bold"))
        self.query_one("#article-meta", Static).update(
            Content.styled(byline(article.source, article.author, article.published), "dim")
        )
        self.query(Paragraph).remove()
        self.mount_all(self._paragraph_widgets())
        self.call_after_refresh(self._after_show, scroll_y, passage)

    def _paragraph_widgets(self) -> list[Paragraph]:
        widgets = []
        for index, paragraph in enumerate(self._paragraphs):
            widget = Paragraph(self._content(index), classes="para")
            widget.set_class(self._is_bookmarked(paragraph), "-bookmarked")
            widgets.append(widget)
        return widgets

    def _after_show(self, scroll_y: float | None, passage: Range | None) -> None:
        if passage is not None:
            self._cursor = self._sentence_at(passage[0])
            self._anchor = None
            if passage[1] > passage[0] + 1:
                self.marks.selection = passage
            self._refresh_paragraphs()
            self._scroll_to_offset(passage[0], center=True)
        elif scroll_y is not None:
            self.scroll_to(y=scroll_y, animate=False)
        elif self.marks.hits:
            self.marks.current_hit = 0
            self._cursor = self._sentence_at(self.marks.hits[0][0])
            self._refresh_paragraphs()
            self._scroll_to_offset(self.marks.hits[0][0], center=True)
        else:
            self.scroll_home(animate=False)

    def _is_bookmarked(self, paragraph: Range) -> bool:
        return any(s < paragraph[1] and e > paragraph[0] for s, e in self.marks.bookmarks)

    def _content(self, index: int) -> Content:
        assert self.stored is not None
        cursor = self.cursor_range if self.has_focus else None
        marks = Marks(
            analysis=self.marks.analysis,
            hits=self.marks.hits,
            current_hit=self.marks.current_hit,
            cursor=cursor if self._anchor is None else None,
            selection=self.selection_range or self.marks.selection,
            bookmarks=self.marks.bookmarks,
            highlight=self.marks.highlight,
        )
        return paragraph_content(self.stored.article.body, self._paragraphs[index], marks)

    def _refresh_paragraphs(self) -> None:
        for index, widget in enumerate(self.query(Paragraph)):
            if index < len(self._paragraphs):
                widget.update(self._content(index))
                widget.set_class(self._is_bookmarked(self._paragraphs[index]), "-bookmarked")

    def set_hits(self, hits: Sequence[Range]) -> None:
        self.marks.hits = list(hits)
        self.marks.current_hit = None
        self._refresh_paragraphs()

    def set_bookmarks(self, bookmarks: Sequence[Range]) -> None:
        self.marks.bookmarks = list(bookmarks)
        self._refresh_paragraphs()

    def set_highlight(self, on: bool) -> None:
        self.marks.highlight = on
        if self.stored is not None:
            self._refresh_paragraphs()

    # Hits -------------------------------------------------------------------------------

    @property
    def hit_count(self) -> int:
        return len(self.marks.hits)

    def jump_hit(self, step: int) -> int | None:
        """Move to the next (``step=1``) or previous (``-1``) hit, wrapping; its index."""
        if not self.marks.hits:
            return None
        current = self.marks.current_hit
        count = len(self.marks.hits)
        index = (0 if step > 0 else count - 1) if current is None else (current + step) % count
        self.marks.current_hit = index
        self.marks.selection = None
        self._anchor = None
        self._cursor = self._sentence_at(self.marks.hits[index][0])
        self._refresh_paragraphs()
        self._scroll_to_offset(self.marks.hits[index][0], center=True)
        return index

    # Scrolling --------------------------------------------------------------------------

    def _paragraph_at(self, offset: int) -> int:
        starts = [start for start, _ in self._paragraphs]
        return max(0, bisect_right(starts, offset) - 1)

    def _sentence_at(self, offset: int) -> int | None:
        if not self._sentences:
            return None
        starts = [start for start, _ in self._sentences]
        return max(0, bisect_right(starts, offset) - 1)

    def _scroll_to_offset(self, offset: int, *, center: bool = False) -> None:
        """Scroll so the line holding body offset ``offset`` is in view."""
        if not self._paragraphs:
            return
        index = self._paragraph_at(offset)
        widgets = list(self.query(Paragraph))
        if index >= len(widgets):
            return
        widget = widgets[index]
        width = max(1, widget.content_region.width)
        local = offset - self._paragraphs[index][0]
        line = self._line_of(index, local, width)
        region = widget.virtual_region
        target = Region(region.x, region.y + line, region.width, 1)
        self.scroll_to_region(target, animate=False, center=center, spacing=None)

    def _line_of(self, index: int, local: int, width: int) -> int:
        assert self.stored is not None
        start = self._paragraphs[index][0]
        prefix = Content(self.stored.article.body[start : start + local])
        return max(0, len(prefix.wrap(width)) - 1) if local else 0

    # Passage cursor and selection ---------------------------------------------------

    @property
    def cursor_range(self) -> Range | None:
        if self._cursor is None or not self._sentences:
            return None
        return self._sentences[self._cursor]

    @property
    def selection_range(self) -> Range | None:
        if self._anchor is None or self._cursor is None:
            return None
        low, high = sorted((self._anchor, self._cursor))
        return self._sentences[low][0], self._sentences[high][1]

    def passage(self) -> Range | None:
        """What ``b`` bookmarks: the selection, else the sentence under the cursor."""
        return self.selection_range or self.cursor_range

    def _first_visible_sentence(self) -> int:
        top = self.scroll_y
        for index, widget in enumerate(self.query(Paragraph)):
            if widget.virtual_region.bottom > top and index < len(self._paragraphs):
                found = self._sentence_at(self._paragraphs[index][0])
                return found or 0
        return 0

    def _move_cursor(self, target: int) -> None:
        if not self._sentences:
            return
        self.marks.selection = None
        self._cursor = max(0, min(target, len(self._sentences) - 1))
        self._refresh_paragraphs()
        self._scroll_to_offset(self._sentences[self._cursor][0])

    def action_next_passage(self) -> None:
        if self._cursor is None:
            self._move_cursor(self._first_visible_sentence())
        else:
            self._move_cursor(self._cursor + 1)

    def action_previous_passage(self) -> None:
        if self._cursor is None:
            self._move_cursor(self._first_visible_sentence())
        else:
            self._move_cursor(self._cursor - 1)

    def action_next_paragraph(self) -> None:
        if not self._sentences:
            return
        current = self._cursor if self._cursor is not None else -1
        paragraph = self._sentence_paragraph[current] if current >= 0 else -1
        for index in range(current + 1, len(self._sentences)):
            if self._sentence_paragraph[index] != paragraph:
                self._move_cursor(index)
                return
        self._move_cursor(len(self._sentences) - 1)

    def action_previous_paragraph(self) -> None:
        if not self._sentences:
            return
        current = self._cursor if self._cursor is not None else 0
        paragraph = self._sentence_paragraph[current]
        target = (
            paragraph - 1
            if self._sentences[current][0] == self._paragraphs[paragraph][0]
            else paragraph
        )
        target = max(0, target)
        self._move_cursor(self._sentence_paragraph.index(target))

    def action_toggle_selection(self) -> None:
        if self._cursor is None:
            self._move_cursor(self._first_visible_sentence())
        self._anchor = None if self._anchor is not None else self._cursor
        self._refresh_paragraphs()

    def action_bookmark(self) -> None:
        passage = self.passage()
        if self.stored is None:
            return
        if passage is None:
            self.notify("Move the passage cursor (j/k) to a sentence first", severity="warning")
            return
        self.post_message(self.BookmarkRequested(self.stored.article.id, *passage))
        self._anchor = None
        self._refresh_paragraphs()

    def action_first(self) -> None:
        self.scroll_home(animate=False)

    def action_last(self) -> None:
        self.scroll_end(animate=False)

    def on_focus(self) -> None:
        if self.stored is not None:
            self._refresh_paragraphs()

    def on_blur(self) -> None:
        if self.stored is not None:
            self._refresh_paragraphs()
