"""The article list: titles, sources, dates and search snippets, paged on demand.

An ``OptionList`` draws only the lines on screen, and pages are fetched only
when the highlight nears the end of what is loaded, so a 100,000-article
library never becomes 100,000 of anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.widgets.option_list import Option

from index.models import Hit
from reader import keys
from reader.render import ROW_MUTED, published_label, snippet_content
from reader.widgets.article_options import ArticleOptions

SNIPPET_LINES = 3
"""A snippet is cut to about this many lines of the list's width."""
MIN_TITLE_CELLS = 28
"""A compact row keeps at least this much of the title, dropping the source if need be."""
PREFETCH = 25
"""Ask for the next page when the highlight is this close to the end of the loaded rows."""


def _meta(hit: Hit) -> str:
    dated = published_label(hit.published, hit.date_origin)
    return " · ".join(part for part in (hit.source, dated) if part)


UNREAD_MARK = "● "
STAR_MARK = "★ "


def _title(hit: Hit) -> Content:
    """The row's title: ``●`` and bold while unread, ``★`` when starred, plain once read."""
    marks = []
    if not hit.read:
        marks.append(Content.styled(UNREAD_MARK, "bold $accent"))
    if hit.starred:
        marks.append(Content.styled(STAR_MARK, "bold $warning"))
    title = Content.styled(hit.title or "(untitled)", "" if hit.read else "bold")
    return Content("").join([*marks, title])


def hit_prompt(hit: Hit, snippet_chars: int = 150) -> Content:
    """Title, then "source · date", then the snippet (when the list shows search hits)."""
    title = _title(hit)
    lines = [title, Content.styled(_meta(hit), ROW_MUTED)]
    if hit.snippet:
        snippet = snippet_content(hit)
        if len(snippet) > snippet_chars:
            snippet = snippet[:snippet_chars].rstrip() + "…"
        lines.append(snippet.stylize("italic"))
    return Content("\n").join(lines)


def _first_of_each(hits: Sequence[Hit], *, known: set[str]) -> list[Hit]:
    """``hits`` without those whose id is in ``known`` or came earlier in ``hits``."""
    kept = []
    for hit in hits:
        if hit.id not in known:
            known.add(hit.id)
            kept.append(hit)
    return kept


def compact_prompt(hit: Hit, width: int) -> Content:
    """One line of ``width`` cells: the title, cut to fit, and "source · date" at the right."""
    meta = Content.styled(_meta(hit), ROW_MUTED)
    room = width - meta.cell_length - 1
    if room < MIN_TITLE_CELLS:
        meta = Content.styled(published_label(hit.published, hit.date_origin), ROW_MUTED)
        room = width - meta.cell_length - 1
    title = _title(hit).truncate(max(1, room), ellipsis=True)
    gap = Content(" " * max(1, width - title.cell_length - meta.cell_length))
    return Content("").join([title, gap, meta]).truncate(width, ellipsis=True)


class ArticleList(ArticleOptions):
    """Articles as a virtual list; asks for more rows as the reader nears the end.

    Posts ``ArticleOptions.Chosen`` for Enter or a click, ``NeedMore`` near the end.
    """

    DEFAULT_CSS = """
    ArticleList {
        height: 1fr;
        border: round $panel;
        border-title-color: $text-muted;
        padding: 0;
        &:focus { border: round $accent; }
    }
    """

    BINDINGS = keys.LIST
    """``reader.keys.LIST``: ``j``/``k`` move, ``g``/``G`` to the first and the last row."""

    compact: var[bool] = var(False, init=False)
    """One line per article (title, source · date), no snippet: the screen's ``c``."""

    @dataclass
    class NeedMore(Message):
        """The highlight is near the end of the loaded rows and more exist."""

        article_list: ArticleList
        loaded: int
        """How many rows are loaded (where the next page starts)."""
        to_end: bool = False
        """The reader asked for the last row (``G``): the more rows at once, the better."""

        @property
        def control(self) -> ArticleList:
            return self.article_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: list[Hit] = []
        self.more = False
        self._asked_at = -1
        self._built_for = 0
        self._to_end = False

    def show(self, hits: Sequence[Hit], *, more: bool = False, keep: str | None = None) -> None:
        """Replace the rows, keeping the highlight on article ``keep`` (else on the same
        article) when it is still there.

        A row's option id is its article id and an ``OptionList`` refuses two
        options with one id (``DuplicateID``, which would end the app): an
        article that comes twice is shown once, where it first came.
        """
        current = keep or self.current_id
        self._to_end = False
        self.hits = _first_of_each(hits, known=set())
        self.more = more
        self._asked_at = -1
        self.clear_options()
        self.add_options(self._make_options(self.hits))
        ids = [hit.id for hit in self.hits]
        if self.hits:
            self.highlighted = ids.index(current) if current in ids else 0

    def extend(self, hits: Sequence[Hit], *, more: bool) -> None:
        """Append a page of rows (skipping any already shown, or repeated in the page)."""
        fresh = _first_of_each(hits, known={hit.id for hit in self.hits})
        at_end = self.highlighted == len(self.hits) - 1
        self.hits.extend(fresh)
        self.more = more
        self.add_options(self._make_options(fresh))
        if self._to_end and at_end:
            self.action_last()
        else:
            self._to_end = False

    def _cut(self) -> int:
        """What rows are cut to for the list's width: a compact row's cells, else a
        snippet's characters."""
        width = self.scrollable_content_region.width
        if self.compact:
            return max(MIN_TITLE_CELLS, width) if width > 0 else 60
        return 150 if width <= 0 else max(40, SNIPPET_LINES * (width - 1) - 10)

    def _make_options(self, hits: Sequence[Hit]) -> list[Option]:
        self._built_for = cut = self._cut()
        if self.compact:
            return [Option(compact_prompt(hit, cut), id=hit.id) for hit in hits]
        return [Option(hit_prompt(hit, cut), id=hit.id) for hit in hits]

    def on_resize(self) -> None:
        """Re-cut rows to the new width (prompts are cheap; the list is at most a page or
        a thousand hits)."""
        cut_to_width = self.compact or any(hit.snippet for hit in self.hits)
        if cut_to_width and self._cut() != self._built_for:
            self._rebuild()

    def watch_compact(self) -> None:
        if self.is_mounted:
            self._rebuild()

    def _rebuild(self) -> None:
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(self._make_options(self.hits))
        self.highlighted = highlighted

    def set_marks(self, marks: dict[str, tuple[bool, bool]]) -> None:
        """Show new read/starred states (article id -> (read, starred)) in their rows."""
        for index, hit in enumerate(self.hits):
            state = marks.get(hit.id)
            if state is None or state == (hit.read, hit.starred):
                continue
            self.hits[index] = hit = replace(hit, read=state[0], starred=state[1])
            prompt = (
                compact_prompt(hit, self._built_for) if self.compact
                else hit_prompt(hit, self._built_for)
            )  # fmt: skip
            self.replace_option_prompt_at_index(index, prompt)

    def hit_of(self, article_id: str) -> Hit | None:
        return next((hit for hit in self.hits if hit.id == article_id), None)

    @property
    def current_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def select_id(self, article_id: str) -> None:
        for index, hit in enumerate(self.hits):
            if hit.id == article_id:
                self.highlighted = index
                return

    def action_last(self) -> None:
        """To the last row: the last loaded one, and on through the pages that follow."""
        self._to_end = self.more
        super().action_last()

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted is None or not self.more:
            return
        loaded = len(self.hits)
        if highlighted >= loaded - PREFETCH and self._asked_at != loaded:
            self._asked_at = loaded
            self.post_message(self.NeedMore(self, loaded, to_end=self._to_end))
