"""The article list: titles, sources, dates and search snippets, paged on demand.

An ``OptionList`` draws only the lines on screen, and pages are fetched only
when the highlight nears the end of what is loaded, so a 100,000-article
library never becomes 100,000 of anything.

Copies of one story (``index.home.stories``) that are both in the loaded rows
fold into the first one's row, "+N sources"; ``z`` opens it into its articles
(indented under it) and closes it again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.widgets.option_list import Option

from index.models import Hit, Story
from reader import keys
from reader.render import ROW_MUTED, published_label, snippet_content
from reader.widgets.article_options import ArticleOptions

SNIPPET_LINES = 3
"""A snippet is cut to about this many lines of the list's width."""
MIN_TITLE_CELLS = 28
ROWS_PER_FRAME = 150
"""Rows added to the list per screen refresh when many come at once."""
"""A compact row keeps at least this much of the title, dropping the source if need be."""
PREFETCH = 25
"""Ask for the next page when the highlight is this close to the end of the loaded rows."""


def _meta(hit: Hit, story: str = "") -> str:
    dated = published_label(hit.published, hit.date_origin)
    return " · ".join(part for part in (hit.source, dated, story) if part)


MEMBER_MARK = "↳ "


def sources_label(others: int) -> str:
    """What a folded story's row says of the copies it holds: "+2 sources"."""
    return f"+{others} source" if others == 1 else f"+{others} sources" if others else ""


UNREAD_MARK = "● "
STAR_MARK = "★ "


def _title(hit: Hit, member: bool = False) -> Content:
    """The row's title: ``●`` and bold while unread, ``★`` when starred, plain once read;
    ``↳`` before the copies of an opened story."""
    marks = [Content.styled(MEMBER_MARK, ROW_MUTED)] if member else []
    if not hit.read:
        marks.append(Content.styled(UNREAD_MARK, "bold $accent"))
    if hit.starred:
        marks.append(Content.styled(STAR_MARK, "bold $warning"))
    title = Content.styled(hit.title or "(untitled)", "" if hit.read else "bold")
    return Content("").join([*marks, title])


def hit_prompt(
    hit: Hit, snippet_chars: int = 150, *, story: str = "", member: bool = False
) -> Content:
    """Title, then "source · date" (and "+N sources" on a folded story), then the snippet
    (when the list shows search hits)."""
    title = _title(hit, member)
    lines = [title, Content.styled(_meta(hit, story), ROW_MUTED)]
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


def compact_prompt(hit: Hit, width: int, *, story: str = "", member: bool = False) -> Content:
    """One line of ``width`` cells: the title, cut to fit, and "source · date" at the right."""
    meta = Content.styled(_meta(hit, story), ROW_MUTED)
    room = width - meta.cell_length - 1
    if room < MIN_TITLE_CELLS:
        short = " · ".join(p for p in (published_label(hit.published, hit.date_origin), story) if p)
        meta = Content.styled(short, ROW_MUTED)
        room = width - meta.cell_length - 1
    title = _title(hit, member).truncate(max(1, room), ellipsis=True)
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

    BINDINGS = keys.ARTICLE_LIST
    """``reader.keys.ARTICLE_LIST``: ``j``/``k`` move, ``g``/``G`` to the first and the last
    row, ``z`` opens or closes a story."""

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
        """Every loaded hit, in order (pages count these), shown in a row or folded."""
        self.stories: dict[str, Story] = {}
        """Article id -> its story, as the pages brought them."""
        self.expanded: set[str] = set()
        """Stories opened with ``z``."""
        self.rows: list[Hit] = []
        """What the options show, in order (the last ones may still be being added)."""
        self._laid_out = 0
        """Counts the layouts: rows still being added belong to the latest only."""
        self._folded: dict[str, int] = {}
        """A story's first row in view -> how many of its copies are folded into it."""
        self._members: set[str] = set()
        """Rows shown under an opened story's first row."""
        self.more = False
        self._asked_at = -1
        self._built_for = 0
        self._to_end = False

    def add_stories(self, stories: Mapping[str, Story]) -> None:
        """Learn the stories of hits about to be shown (before ``show`` or ``extend``)."""
        self.stories.update(stories)

    def show(self, hits: Sequence[Hit], *, more: bool = False, keep: str | None = None) -> None:
        """Replace the rows, keeping the highlight on article ``keep`` (else on the same
        article) when it is still there (on its story's row when it is folded).

        A row's option id is its article id and an ``OptionList`` refuses two
        options with one id (``DuplicateID``, which would end the app): an
        article that comes twice is shown once, where it first came.
        """
        current = keep or self.current_id
        self._to_end = False
        self.hits = _first_of_each(hits, known=set())
        self.more = more
        self._asked_at = -1
        self._lay_out(current)

    def extend(self, hits: Sequence[Hit], *, more: bool) -> None:
        """Append a page of rows (skipping any already shown, or repeated in the page); a
        page with a copy of a story already in view lays the rows out again."""
        fresh = _first_of_each(hits, known={hit.id for hit in self.hits})
        at_end = self.highlighted == len(self.rows) - 1
        shown = {self._story_of(hit) for hit in self.hits} - {None}
        self.hits.extend(fresh)
        self.more = more
        if shown & {self._story_of(hit) for hit in fresh}:
            self._lay_out(self.current_id)
        else:
            rows, folded, members = self._layout(fresh)
            self.rows.extend(rows)
            self._folded.update(folded)
            self._members |= members
            to_end = self._to_end and at_end
            self._to_end = False
            self._add_in_frames(self._laid_out, then_last=to_end)
            return
        if self._to_end and at_end:
            self.action_last()
        else:
            self._to_end = False

    def _add_in_frames(self, layout: int, *, then_last: bool) -> None:
        """Add the options of the rows not shown yet, ``ROWS_PER_FRAME`` at a time with a
        screen refresh between: each option's prompt is measured as it is added, and
        ``G`` brings up to 1,000 rows at once (130-160 ms of the UI thread in one go at
        100,000 articles). A layout replaced meanwhile has its own rows."""
        if layout != self._laid_out:
            return
        start = self.option_count
        self.add_options(self._make_options(self.rows[start : start + ROWS_PER_FRAME]))
        if self.option_count < len(self.rows):
            self.call_after_refresh(self._add_in_frames, layout, then_last=then_last)
        elif then_last:
            self.action_last()

    def _story_of(self, hit: Hit) -> str | None:
        """The hit's story when it has other articles (else None: nothing to fold)."""
        story = self.stories.get(hit.id)
        return story.id if story is not None and story.count > 1 else None

    def _layout(self, hits: Sequence[Hit]) -> tuple[list[Hit], dict[str, int], set[str]]:
        """The rows of ``hits``: each story's first hit in view stands for the others
        (followed by them when the story is open)."""
        in_view: dict[str, list[Hit]] = {}
        for hit in self.hits:
            story = self._story_of(hit)
            if story is not None:
                in_view.setdefault(story, []).append(hit)
        rows: list[Hit] = []
        folded: dict[str, int] = {}
        members: set[str] = set()
        for hit in hits:
            story = self._story_of(hit)
            group = in_view.get(story, [hit]) if story is not None else [hit]
            if len(group) == 1:
                rows.append(hit)
            elif group[0].id == hit.id:
                rows.append(hit)
                folded[hit.id] = len(group) - 1
                if story in self.expanded:
                    rows.extend(group[1:])
                    members.update(member.id for member in group[1:])
        return rows, folded, members

    def _lay_out(self, current: str | None) -> None:
        """All rows again, the highlight on ``current`` (or on the row it is folded into)."""
        self.rows, self._folded, self._members = self._layout(self.hits)
        self._laid_out += 1
        self.clear_options()
        self.add_options(self._make_options(self.rows))
        if self.rows:
            index = self._row_index(current)
            self.highlighted = index if index is not None else 0

    def _row_index(self, article_id: str | None) -> int | None:
        """The row showing ``article_id``: its own, or its story's first row when folded."""
        if article_id is None:
            return None
        ids = [hit.id for hit in self.rows]
        if article_id in ids:
            return ids.index(article_id)
        story = self.stories.get(article_id)
        for index, hit in enumerate(self.rows):
            if story is not None and hit.id in self._folded and self._story_of(hit) == story.id:
                return index
        return None

    def _cut(self) -> int:
        """What rows are cut to for the list's width: a compact row's cells, else a
        snippet's characters."""
        width = self.scrollable_content_region.width
        if self.compact:
            return max(MIN_TITLE_CELLS, width) if width > 0 else 60
        return 150 if width <= 0 else max(40, SNIPPET_LINES * (width - 1) - 10)

    def _prompt(self, hit: Hit, cut: int) -> Content:
        story = sources_label(self._folded.get(hit.id, 0))
        member = hit.id in self._members
        if self.compact:
            return compact_prompt(hit, cut, story=story, member=member)
        return hit_prompt(hit, cut, story=story, member=member)

    def _make_options(self, hits: Sequence[Hit]) -> list[Option]:
        self._built_for = cut = self._cut()
        return [Option(self._prompt(hit, cut), id=hit.id) for hit in hits]

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
        self._laid_out += 1
        self.clear_options()
        self.add_options(self._make_options(self.rows))
        self.highlighted = highlighted

    def set_marks(self, marks: dict[str, tuple[bool, bool]]) -> None:
        """Show new read/starred states (article id -> (read, starred)) in their rows."""
        for index, hit in enumerate(self.hits):
            state = marks.get(hit.id)
            if state is not None and state != (hit.read, hit.starred):
                self.hits[index] = replace(hit, read=state[0], starred=state[1])
        for index, hit in enumerate(self.rows):
            state = marks.get(hit.id)
            if state is None or state == (hit.read, hit.starred):
                continue
            self.rows[index] = hit = replace(hit, read=state[0], starred=state[1])
            if index < self.option_count:  # else its option, still to come, will show it
                self.replace_option_prompt_at_index(index, self._prompt(hit, self._built_for))

    def hit_of(self, article_id: str) -> Hit | None:
        return next((hit for hit in self.hits if hit.id == article_id), None)

    @property
    def current_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def select_id(self, article_id: str) -> None:
        index = self._row_index(article_id)
        if index is not None:
            self.highlighted = index

    def action_toggle_story(self) -> None:
        """Open the highlighted story into its articles, or close the one it is in."""
        current = self.current_id
        hit = self.hit_of(current) if current is not None else None
        story = self._story_of(hit) if hit is not None else None
        head = next(
            (h for h in self.rows if h.id in self._folded and self._story_of(h) == story), None
        )
        if story is None or head is None:
            self.app.bell()
            return
        self.expanded ^= {story}
        self._lay_out(head.id)

    def action_last(self) -> None:
        """To the last row: the last loaded one, and on through the pages that follow."""
        self._to_end = self.more
        super().action_last()

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted is None or not self.more:
            return
        loaded = len(self.hits)
        if highlighted >= len(self.rows) - PREFETCH and self._asked_at != loaded:
            self._asked_at = loaded
            self.post_message(self.NeedMore(self, loaded, to_end=self._to_end))
