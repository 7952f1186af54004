"""Drawing an article: its lines laid out a chunk at a time, and the marks painted on them.

``ArticleBody`` is the article view without its passage cursor: a
``ScrollView`` that draws only the lines on screen. Each paragraph is rendered
to lines once (``article_lines``) and again only when its marks, the width or
the theme change, so a long article opens quickly and scrolls smoothly.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from textual.content import Content
from textual.geometry import Region, Size
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.theme import Theme
from textual.visual import Visual

from index.analysis import passages
from index.home import StoredArticle
from index.models import Analysis, DateMention, EntitySpan
from reader.render import MUTED, Marks, Range, byline, paragraph_content
from reader.widgets.article_lines import ArticleLines

LAYOUT_CHUNK = 60
"""Paragraphs rendered per event-loop turn when an article is laid out."""
GUTTER = 2
"""Columns left of the text: a bar marks bookmarked paragraphs."""
BAR = "▌ "
BAR_STYLE = "$accent"


class ArticleBody(ScrollView):
    """One article with entity colours, dated mentions, hits and bookmarks."""

    DEFAULT_CSS = """
    ArticleBody {
        width: 1fr;
        height: 1fr;
        border: round $panel;
        padding: 0 1 0 0;
        scrollbar-size-vertical: 1;
        &:focus { border: round $accent; }
    }
    """

    highlight: var[bool] = var(True)
    """Entity colours and resolved dates shown (the screen's ``H``, bound to it)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stored: StoredArticle | None = None
        self.marks = Marks()
        self._lines = ArticleLines("", [])
        self._generation = 0
        self._deferred: tuple[int, bool] | None = None

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        """Re-render what is laid out: its strips hold the old theme's colours."""
        if self.stored is not None and self._lines.width:
            self._lines.head = self._render_head()
            self._refresh_paragraphs()

    @property
    def article_id(self) -> str | None:
        return self.stored.article.id if self.stored is not None else None

    def show(
        self, stored: StoredArticle, hits: Sequence[Range] = (), bookmarks: Sequence[Range] = ()
    ) -> None:
        """Replace what is shown (laid out from the top)."""
        body = stored.article.body
        self.stored = stored
        self.marks = Marks(
            analysis=stored.analysis,
            hits=list(hits),
            bookmarks=list(bookmarks),
            highlight=self.highlight,
        )
        self._lines = ArticleLines(body, passages.paragraphs(body))
        self.__dict__.pop("_analysis_by_paragraph", None)
        self._deferred = None
        self._layout()

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
        if self.stored is None or width == self._lines.width:
            return
        self._lines.width = width
        self._lines.head = self._render_head()
        self._lines.blocks = []
        self._generation += 1
        self._layout_more(self._generation)

    def _render_head(self) -> list[Strip]:
        assert self.stored is not None
        article = self.stored.article
        head = [
            Content.styled(article.title, "bold"),
            Content.styled(
                byline(article.source, article.author, article.published, article.date_origin),
                MUTED,
            ),
        ]
        width = self._lines.width + GUTTER
        return [s for c in head for s in self._strips(c, width)] + [Strip.blank(0)]

    def _layout_more(self, generation: int) -> None:
        """Render the next chunk of paragraphs, then yield to the event loop for the rest.

        A very long article appears at once and keeps growing below, instead of
        freezing the UI while every paragraph is wrapped.
        """
        if generation != self._generation or self.stored is None:
            return
        lines = self._lines
        start = len(lines.blocks)
        stop = min(len(lines.paragraphs), start + LAYOUT_CHUNK)
        lines.blocks.extend(self._render_block(index) for index in range(start, stop))
        self._reindex()
        if stop < len(lines.paragraphs):
            self.set_timer(0.001, lambda: self._layout_more(generation))
        elif self._deferred is not None:
            offset, center = self._deferred
            self._deferred = None
            self._scroll_to_offset(offset, center=center)

    @property
    def laid_out(self) -> bool:
        """Every paragraph has been rendered for the current width."""
        return self.stored is not None and self._lines.complete

    def _render_block(self, index: int) -> list[Strip]:
        """A paragraph's lines, each behind the gutter (a bar when bookmarked)."""
        lines = self._strips(self._content(index), self._lines.width)
        gutter = BAR if self._is_bookmarked(self._lines.paragraphs[index]) else " " * GUTTER
        prefix = self._strips(Content.styled(gutter, BAR_STYLE), GUTTER)[0]
        return [Strip.join([prefix, line]) for line in lines] + [Strip.blank(0)]

    def _reindex(self) -> None:
        self._lines.reindex()
        self.virtual_size = Size(self._lines.width + GUTTER, self._lines.line_count)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        strip = self._lines.line(int(self.scroll_offset.y) + y)
        width = self.scrollable_content_region.width
        return strip.crop_extend(0, width, self.rich_style).simplify()

    def on_resize(self) -> None:
        if self.stored is not None:
            self._layout()

    # Marks ----------------------------------------------------------------------------

    def _painted(self) -> tuple[Range | None, Range | None]:
        """The cursor and the selection to paint (the view with a cursor says)."""
        return None, self.marks.selection

    def _is_bookmarked(self, paragraph: Range) -> bool:
        return any(s < paragraph[1] and e > paragraph[0] for s, e in self.marks.bookmarks)

    def _content(self, index: int) -> Content:
        """One paragraph's content, styled with only the marks that fall inside it."""
        assert self.stored is not None
        cursor, selection = self._painted()
        entities, dates = self._analysis_by_paragraph
        overlaps = self._lines.overlaps
        hits = [(i, h) for i, h in enumerate(self.marks.hits) if overlaps(h, index)]
        current = next((n for n, (i, _) in enumerate(hits) if i == self.marks.current_hit), None)
        marks = Marks(
            analysis=Analysis(entities=tuple(entities[index]), dates=tuple(dates[index])),
            hits=[hit for _, hit in hits],
            current_hit=current,
            cursor=cursor,
            selection=selection,
            bookmarks=[b for b in self.marks.bookmarks if overlaps(b, index)],
            highlight=self.marks.highlight,
        )
        return paragraph_content(self.stored.article.body, self._lines.paragraphs[index], marks)

    @cached_property
    def _analysis_by_paragraph(self) -> tuple[list[list[EntitySpan]], list[list[DateMention]]]:
        """Entities and dates bucketed by paragraph (so a paragraph's render is local)."""
        entities: list[list[EntitySpan]] = [[] for _ in self._lines.paragraphs]
        dates: list[list[DateMention]] = [[] for _ in self._lines.paragraphs]
        for span in self.marks.analysis.entities:
            entities[self._lines.paragraph_at(span.start)].append(span)
        for mention in self.marks.analysis.dates:
            dates[self._lines.paragraph_at(mention.start)].append(mention)
        return entities, dates

    def _refresh_paragraphs(self, only: set[int] | None = None) -> None:
        """Re-render the paragraphs (all, or ``only`` those indices)."""
        blocks = self._lines.blocks
        if self.stored is None or not self._lines.width:
            return
        indices = range(len(blocks)) if only is None else sorted(only)
        resized = False
        for index in indices:
            if 0 <= index < len(blocks):
                block = self._render_block(index)
                resized = resized or len(block) != len(blocks[index])
                blocks[index] = block
        if resized:
            self._reindex()
        else:
            self.refresh()

    def bookmarked_paragraphs(self) -> list[int]:
        """Indices of paragraphs marked with the bookmark bar."""
        return [i for i, p in enumerate(self._lines.paragraphs) if self._is_bookmarked(p)]

    def set_hits(self, hits: Sequence[Range]) -> None:
        self.marks.hits = list(hits)
        self.marks.current_hit = None
        self._refresh_paragraphs()

    def set_bookmarks(self, bookmarks: Sequence[Range]) -> None:
        self.marks.bookmarks = list(bookmarks)
        self._refresh_paragraphs()

    def watch_highlight(self, on: bool) -> None:
        self.marks.highlight = on
        self._refresh_paragraphs()

    @property
    def hit_count(self) -> int:
        return len(self.marks.hits)

    # Scrolling --------------------------------------------------------------------------

    def _scroll_to_offset(self, offset: int, *, center: bool = False) -> None:
        """Scroll so the line holding body offset ``offset`` is in view."""
        if not self._lines.paragraphs:
            return
        line = self._lines.line_of_offset(offset)
        if line is None:  # not rendered yet: go there once it is
            self._deferred = (offset, center)
            return
        target = Region(0, line, self.virtual_size.width, 1)
        self.scroll_to_region(target, animate=False, center=center, spacing=None, x_axis=False)
