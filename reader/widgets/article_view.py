"""The article: title, byline, and a body whose passages can be walked and selected.

A ``ScrollView`` that draws only the lines on screen: each paragraph is
rendered to lines once (and again only when its marks change or the width
does), so a long article opens quickly and scrolls smoothly. A passage cursor
moves by sentence (``j``/``k``) and paragraph (``J``/``K``); ``v`` starts a
selection that the cursor then extends (or shift+arrows); ``b`` asks to
bookmark it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from functools import cached_property

from rich.segment import Segment
from textual.content import Content
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from index.analysis import passages
from index.home import StoredArticle
from index.models import Analysis, DateMention, EntitySpan
from reader import keys
from reader.render import Marks, Range, byline, paragraph_content

LAYOUT_CHUNK = 60
"""Paragraphs rendered per event-loop turn when an article is laid out."""
GUTTER = 2
"""Columns left of the text: a bar marks bookmarked paragraphs."""
BAR = "▌ "
BAR_STYLE = "$accent"


class ArticleView(ScrollView, can_focus=True):
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
        self._starts: list[int] = []
        self._sentences: list[Range] = []
        self._sentence_starts: list[int] = []
        self._sentence_paragraph: list[int] = []
        self._cursor: int | None = None
        self._anchor: int | None = None
        self._width = 0
        self._head: list[Strip] = []
        self._blocks: list[list[Strip]] = []
        self._first_line: list[int] = []
        self._line_count = 0
        self._generation = 0
        self._deferred: tuple[int, bool] | None = None

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
        body = stored.article.body
        self.stored = stored
        self.marks = Marks(
            analysis=stored.analysis,
            hits=list(hits),
            bookmarks=list(bookmarks),
            highlight=self.marks.highlight,
        )
        self._paragraphs = passages.paragraphs(body)
        self._starts = [start for start, _ in self._paragraphs]
        self._sentences = passages.sentences(body)
        self._sentence_paragraph = [
            bisect_right(self._starts, start) - 1 for start, _ in self._sentences
        ]
        self._sentence_starts = [start for start, _ in self._sentences]
        self.__dict__.pop("_analysis_by_paragraph", None)
        self._cursor, self._anchor = None, None
        self._width = 0
        self._deferred = None
        self._layout()
        self.call_after_refresh(self._after_show, scroll_y, passage)

    def _after_show(self, scroll_y: float | None, passage: Range | None) -> None:
        self._layout()
        if passage is not None:
            self._cursor = self._sentence_at(passage[0])
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

    # Lines ----------------------------------------------------------------------------

    def _text_width(self) -> int:
        return max(1, self.scrollable_content_region.width - GUTTER)

    def _strips(self, content: Content, width: int) -> list[Strip]:
        return Visual.to_strips(
            self, content, width, None, self.visual_style, apply_selection=False
        )

    def _layout(self) -> None:
        """Render every paragraph to lines for the current width (only if it changed)."""
        width = self._text_width()
        if self.stored is None or width == self._width:
            return
        self._width = width
        article = self.stored.article
        head = [
            Content.styled(article.title, "bold"),
            Content.styled(byline(article.source, article.author, article.published), "dim"),
        ]
        self._head = [s for c in head for s in self._strips(c, width + GUTTER)] + [Strip.blank(0)]
        self._blocks = []
        self._generation += 1
        self._layout_more(self._generation)

    def _layout_more(self, generation: int) -> None:
        """Render the next chunk of paragraphs, then yield to the event loop for the rest.

        A very long article appears at once and keeps growing below, instead of
        freezing the UI while every paragraph is wrapped.
        """
        if generation != self._generation or self.stored is None:
            return
        start = len(self._blocks)
        stop = min(len(self._paragraphs), start + LAYOUT_CHUNK)
        self._blocks.extend(self._render_block(index) for index in range(start, stop))
        self._reindex()
        if stop < len(self._paragraphs):
            self.set_timer(0.001, lambda: self._layout_more(generation))
        elif self._deferred is not None:
            offset, center = self._deferred
            self._deferred = None
            self._scroll_to_offset(offset, center=center)

    @property
    def laid_out(self) -> bool:
        """Every paragraph has been rendered for the current width."""
        return self.stored is not None and len(self._blocks) == len(self._paragraphs)

    def _render_block(self, index: int) -> list[Strip]:
        """A paragraph's lines, each behind the gutter (a bar when bookmarked)."""
        lines = self._strips(self._content(index), self._width)
        gutter = BAR if self._is_bookmarked(self._paragraphs[index]) else " " * GUTTER
        prefix = self._strips(Content.styled(gutter, BAR_STYLE), GUTTER)[0]
        return [Strip.join([prefix, line]) for line in lines] + [Strip.blank(0)]

    def _reindex(self) -> None:
        self._first_line = []
        line = len(self._head)
        for block in self._blocks:
            self._first_line.append(line)
            line += len(block)
        self._line_count = line
        self.virtual_size = Size(self._width + GUTTER, line)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        strip = self._line(index)
        return strip.crop_extend(0, width, self.rich_style).simplify()

    def _line(self, index: int) -> Strip:
        if index < len(self._head):
            return self._head[index]
        block = bisect_right(self._first_line, index) - 1
        if 0 <= block < len(self._blocks):
            lines = self._blocks[block]
            offset = index - self._first_line[block]
            if offset < len(lines):
                return lines[offset]
        return Strip([Segment("")])

    def on_resize(self) -> None:
        if self.stored is not None:
            self._layout()

    def _is_bookmarked(self, paragraph: Range) -> bool:
        return any(s < paragraph[1] and e > paragraph[0] for s, e in self.marks.bookmarks)

    def _content(self, index: int) -> Content:
        """One paragraph's content, styled with only the marks that fall inside it."""
        assert self.stored is not None
        cursor = self.cursor_range if self.has_focus and self._anchor is None else None
        entities, dates = self._analysis_by_paragraph
        hits = [(i, h) for i, h in enumerate(self.marks.hits) if self._overlaps(h, index)]
        local_hits = [hit for _, hit in hits]
        current = next((n for n, (i, _) in enumerate(hits) if i == self.marks.current_hit), None)
        marks = Marks(
            analysis=Analysis(entities=tuple(entities[index]), dates=tuple(dates[index])),
            hits=local_hits,
            current_hit=current,
            cursor=cursor,
            selection=self.selection_range or self.marks.selection,
            bookmarks=[b for b in self.marks.bookmarks if self._overlaps(b, index)],
            highlight=self.marks.highlight,
        )
        return paragraph_content(self.stored.article.body, self._paragraphs[index], marks)

    def _overlaps(self, span: Range, index: int) -> bool:
        start, end = self._paragraphs[index]
        return span[0] < end and span[1] > start

    @cached_property
    def _analysis_by_paragraph(self) -> tuple[list[list[EntitySpan]], list[list[DateMention]]]:
        """Entities and dates bucketed by paragraph (so a paragraph's render is local)."""
        entities: list[list[EntitySpan]] = [[] for _ in self._paragraphs]
        dates: list[list[DateMention]] = [[] for _ in self._paragraphs]
        for span in self.marks.analysis.entities:
            entities[self._paragraph_at(span.start)].append(span)
        for mention in self.marks.analysis.dates:
            dates[self._paragraph_at(mention.start)].append(mention)
        return entities, dates

    def _refresh_paragraphs(self, only: set[int] | None = None) -> None:
        """Re-render the paragraphs (all, or ``only`` those indices)."""
        if self.stored is None or not self._width:
            return
        indices = range(len(self._blocks)) if only is None else sorted(only)
        resized = False
        for index in indices:
            if 0 <= index < len(self._blocks):
                block = self._render_block(index)
                resized = resized or len(block) != len(self._blocks[index])
                self._blocks[index] = block
        if resized:
            self._reindex()
        else:
            self.refresh()

    def bookmarked_paragraphs(self) -> list[int]:
        """Indices of paragraphs marked with the bookmark bar."""
        return [i for i, p in enumerate(self._paragraphs) if self._is_bookmarked(p)]

    def set_hits(self, hits: Sequence[Range]) -> None:
        self.marks.hits = list(hits)
        self.marks.current_hit = None
        self._refresh_paragraphs()

    def set_bookmarks(self, bookmarks: Sequence[Range]) -> None:
        self.marks.bookmarks = list(bookmarks)
        self._refresh_paragraphs()

    def set_highlight(self, on: bool) -> None:
        self.marks.highlight = on
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
        return max(0, bisect_right(self._starts, offset) - 1)

    def _sentence_at(self, offset: int) -> int | None:
        if not self._sentences:
            return None
        return max(0, bisect_right(self._sentence_starts, offset) - 1)

    def _scroll_to_offset(self, offset: int, *, center: bool = False) -> None:
        """Scroll so the line holding body offset ``offset`` is in view."""
        if not self._paragraphs or not self._first_line:
            return
        index = self._paragraph_at(offset)
        if index >= len(self._first_line):  # not rendered yet: go there once it is
            self._deferred = (offset, center)
            return
        line = self._first_line[index] + self._line_of(index, offset - self._starts[index])
        target = Region(0, line, self.virtual_size.width, 1)
        self.scroll_to_region(target, animate=False, center=center, spacing=None, x_axis=False)

    def _line_of(self, index: int, local: int) -> int:
        assert self.stored is not None
        if local <= 0:
            return 0
        start = self._starts[index]
        prefix = Content(self.stored.article.body[start : start + local])
        return max(0, len(prefix.wrap(self._width)) - 1)

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

    def _touched(self) -> set[int]:
        """Paragraphs the cursor or a selection currently paints."""
        found: set[int] = set()
        for span in (self.cursor_range, self.selection_range, self.marks.selection):
            if span is not None:
                found.update(range(self._paragraph_at(span[0]), self._paragraph_at(span[1]) + 1))
        return found

    def _first_visible_sentence(self) -> int:
        top = int(self.scroll_y)
        block = max(0, bisect_right(self._first_line, top) - 1)
        if block < len(self._first_line) and self._first_line[block] < top:
            block = min(block + 1, len(self._paragraphs) - 1)
        if not self._paragraphs:
            return 0
        return self._sentence_at(self._starts[block]) or 0

    def _move_cursor(self, target: int) -> None:
        if not self._sentences:
            return
        before = self._touched()
        self.marks.selection = None
        self._cursor = max(0, min(target, len(self._sentences) - 1))
        self._refresh_paragraphs(before | self._touched())
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
        at_start = self._sentences[current][0] == self._starts[paragraph]
        target = max(0, paragraph - 1 if at_start else paragraph)
        self._move_cursor(self._sentence_paragraph.index(target))

    def action_toggle_selection(self) -> None:
        if self._cursor is None:
            self._move_cursor(self._first_visible_sentence())
        before = self._touched()
        self._anchor = None if self._anchor is not None else self._cursor
        self._refresh_paragraphs(before | self._touched())

    def _extend(self, step: int) -> None:
        if self._cursor is None:
            self._move_cursor(self._first_visible_sentence())
        if self._anchor is None:
            self._anchor = self._cursor
        if self._cursor is not None:
            self._move_cursor(self._cursor + step)

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
        self.post_message(self.BookmarkRequested(self.stored.article.id, *passage))
        before = self._touched()
        self._anchor = None
        self._refresh_paragraphs(before | self._touched())

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_first(self) -> None:
        self.scroll_home(animate=False)

    def action_last(self) -> None:
        self.scroll_end(animate=False)

    def on_click(self, event: Click) -> None:
        """Click a sentence to put the passage cursor on it; shift+click extends a selection."""
        offset = self._offset_at(int(self.scroll_y) + event.y, event.x - GUTTER)
        sentence = self._sentence_at(offset) if offset is not None else None
        if sentence is None:
            return
        if event.shift and self._cursor is not None:
            if self._anchor is None:
                self._anchor = self._cursor
        else:
            self._anchor = None
        self._move_cursor(sentence)

    def _offset_at(self, line: int, column: int) -> int | None:
        """The body offset under a screen line and column (None outside the body)."""
        if self.stored is None or line < len(self._head) or not self._blocks:
            return None
        index = bisect_right(self._first_line, line) - 1
        start, end = self._paragraphs[index]
        wrapped = Content(self.stored.article.body[start:end]).wrap(self._width)
        row = line - self._first_line[index]
        if row >= len(wrapped):
            return None
        before = sum(len(piece.plain) for piece in wrapped[:row])
        return start + before + max(0, min(column, len(wrapped[row].plain) - 1))

    def on_focus(self) -> None:
        self._refresh_paragraphs(self._touched())

    def on_blur(self) -> None:
        self._refresh_paragraphs(self._touched())
