"""The article pane: an article (``article_body``) with a passage cursor and a selection.

A passage cursor (``passage_cursor``) moves by sentence (``j``/``k``) and
paragraph (``J``/``K``); ``v`` starts a selection that the cursor then extends
(or shift+arrows, or shift+click); ``b`` asks to bookmark it. Opening an
article can restore a scroll position, or put the cursor on a passage or on
the first search hit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.events import Click
from textual.message import Message

from index.analysis import passages
from index.home import StoredArticle
from reader import keys
from reader.render import Range
from reader.widgets.article_body import GUTTER, LAYOUT_CHUNK, ArticleBody
from reader.widgets.passage_cursor import PassageCursor

__all__ = ["LAYOUT_CHUNK", "ArticleView"]


class ArticleView(ArticleBody, can_focus=True):
    """Shows one article; the reader walks, selects and bookmarks its passages."""

    BINDINGS = keys.ARTICLE
    """The keys of ``reader.keys.ARTICLE``: sentence and paragraph moves (``j``/``k``,
    ``J``/``K``), paging, ``g``/``G`` to the first and the last sentence, ``v`` to select,
    ``b`` to bookmark."""

    @dataclass
    class BookmarkRequested(Message):
        """The reader pressed ``b`` on a passage (the selection, or the sentence)."""

        view: ArticleView
        article_id: str
        start: int
        """Where the passage starts in the article body."""
        end: int

        @property
        def control(self) -> ArticleView:
            return self.view

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._cursor = PassageCursor([], [])

    def show(
        self,
        stored: StoredArticle,
        hits: Sequence[Range] = (),
        bookmarks: Sequence[Range] = (),
        *,
        scroll_y: float | None = None,
        passage: Range | None = None,
    ) -> None:
        """Replace what is shown; then restore a scroll position or go to a passage or hit."""
        super().show(stored, hits, bookmarks)
        self._cursor = PassageCursor(passages.sentences(stored.article.body), self._lines.starts)
        self.call_after_refresh(self._after_show, scroll_y, passage)

    def _after_show(self, scroll_y: float | None, passage: Range | None) -> None:
        self._layout()
        if passage is not None:
            self._cursor.cursor = self._cursor.at(passage[0])
            if passage[1] > passage[0] + 1:
                self.marks.selection = passage
            self._refresh_paragraphs()
            self._scroll_to_offset(passage[0], center=True)
        elif scroll_y is not None:
            self.scroll_to(y=scroll_y, animate=False)
        elif self.marks.hits:
            self.marks.current_hit = 0
            self._cursor.cursor = self._cursor.at(self.marks.hits[0][0])
            self._refresh_paragraphs()
            self._scroll_to_offset(self.marks.hits[0][0], center=True)
        else:
            self.scroll_home(animate=False)

    def jump_hit(self, step: int) -> int | None:
        """Move to the next (``step=1``) or previous (``-1``) hit, wrapping; its index."""
        if not self.marks.hits:
            return None
        current = self.marks.current_hit
        count = len(self.marks.hits)
        index = (0 if step > 0 else count - 1) if current is None else (current + step) % count
        self.marks.current_hit = index
        self.marks.selection = None
        self._cursor.anchor = None
        self._cursor.cursor = self._cursor.at(self.marks.hits[index][0])
        self._refresh_paragraphs()
        self._scroll_to_offset(self.marks.hits[index][0], center=True)
        return index

    # Passage cursor and selection ---------------------------------------------------

    @property
    def cursor_range(self) -> Range | None:
        return self._cursor.cursor_range

    @property
    def selection_range(self) -> Range | None:
        return self._cursor.selection_range

    def passage(self) -> Range | None:
        """What ``b`` bookmarks: the selection, else the sentence under the cursor."""
        return self._cursor.passage()

    def _painted(self) -> tuple[Range | None, Range | None]:
        """The cursor shows while the pane has focus and nothing is being selected."""
        cursor = self.cursor_range if self.has_focus and self._cursor.anchor is None else None
        return cursor, self.selection_range or self.marks.selection

    def _touched(self) -> set[int]:
        """Paragraphs the cursor or a selection currently paints."""
        found: set[int] = set()
        paragraph_at = self._lines.paragraph_at
        for span in (self.cursor_range, self.selection_range, self.marks.selection):
            if span is not None:
                found.update(range(paragraph_at(span[0]), paragraph_at(span[1]) + 1))
        return found

    def _first_visible_sentence(self) -> int:
        if not self._lines.paragraphs:
            return 0
        block = self._lines.first_paragraph_from(int(self.scroll_y))
        return self._cursor.at(self._lines.starts[block]) or 0

    def _move_cursor(self, target: int, *, scroll: bool = True) -> None:
        if not self._cursor:
            return
        before = self._touched()
        self.marks.selection = None
        self._cursor.cursor = self._cursor.clamp(target)
        self._refresh_paragraphs(before | self._touched())
        if scroll:
            self._scroll_to_offset(self._cursor.sentences[self._cursor.cursor][0])

    def _step(self, step: int) -> None:
        if self._cursor.cursor is None:
            self._move_cursor(self._first_visible_sentence())
        else:
            self._move_cursor(self._cursor.cursor + step)

    def action_next_passage(self) -> None:
        self._step(1)

    def action_previous_passage(self) -> None:
        self._step(-1)

    def action_next_paragraph(self) -> None:
        if self._cursor:
            self._move_cursor(self._cursor.next_paragraph())

    def action_previous_paragraph(self) -> None:
        if self._cursor:
            self._move_cursor(self._cursor.previous_paragraph())

    def action_toggle_selection(self) -> None:
        if self._cursor.cursor is None:
            self._move_cursor(self._first_visible_sentence())
        before = self._touched()
        self._cursor.anchor = None if self._cursor.anchor is not None else self._cursor.cursor
        self._refresh_paragraphs(before | self._touched())

    def _extend(self, step: int) -> None:
        if self._cursor.cursor is None:
            self._move_cursor(self._first_visible_sentence())
        if self._cursor.anchor is None:
            self._cursor.anchor = self._cursor.cursor
        if self._cursor.cursor is not None:
            self._move_cursor(self._cursor.cursor + step)

    def action_extend_down(self) -> None:
        self._extend(1)

    def action_extend_up(self) -> None:
        self._extend(-1)

    def action_bookmark(self) -> None:
        passage = self.passage()
        if self.stored is None:
            return
        if passage is None:
            self.notify("Move the passage cursor (j/k) to a sentence first", severity="warning")
            return
        self.post_message(self.BookmarkRequested(self, self.stored.article.id, *passage))
        before = self._touched()
        self._cursor.anchor = None
        self._refresh_paragraphs(before | self._touched())

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_first(self) -> None:
        """To the top, the cursor on the first sentence (so ``v``/``b`` start there)."""
        self._move_cursor(0, scroll=False)
        self.scroll_home(animate=False)

    def action_last(self) -> None:
        """To the end, the cursor on the last sentence."""
        self._move_cursor(self._cursor.last, scroll=False)
        self.scroll_end(animate=False)

    def on_click(self, event: Click) -> None:
        """Click a sentence to put the passage cursor on it; shift+click extends a selection."""
        offset = self._lines.offset_at(int(self.scroll_y) + event.y, event.x - GUTTER)
        sentence = self._cursor.at(offset) if offset is not None else None
        if sentence is None:
            return
        if event.shift and self._cursor.cursor is not None:
            if self._cursor.anchor is None:
                self._cursor.anchor = self._cursor.cursor
        else:
            self._cursor.anchor = None
        self._move_cursor(sentence)

    def on_focus(self) -> None:
        self._refresh_paragraphs(self._touched())

    def on_blur(self) -> None:
        self._refresh_paragraphs(self._touched())
