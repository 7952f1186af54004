"""The article list: titles, sources, dates and search snippets, paged on demand.

An ``OptionList`` draws only the lines on screen, and pages are fetched only
when the highlight nears the end of what is loaded, so a 100,000-article
library never becomes 100,000 of anything.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from index.models import Hit
from reader import keys
from reader.render import format_date, snippet_content

SNIPPET_LINES = 3
"""A snippet is cut to about this many lines of the list's width."""
PREFETCH = 25
"""Ask for the next page when the highlight is this close to the end of the loaded rows."""


def hit_prompt(hit: Hit, snippet_chars: int = 150) -> Content:
    """Title, then "source · date", then the snippet (when the list shows search hits)."""
    meta = " · ".join(part for part in (hit.source, format_date(hit.published)) if part)
    lines = [Content.styled(hit.title or "(untitled)", "bold"), Content.styled(meta, "dim")]
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


class ArticleList(OptionList):
    """Articles as a virtual list; asks for more rows as the reader nears the end."""

    BINDINGS = keys.LIST

    class Opened(Message):
        """The reader chose an article (Enter or click)."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    class NeedMore(Message):
        """The highlight is near the end of the loaded rows and more exist."""

        def __init__(self, loaded: int) -> None:
            super().__init__()
            self.loaded = loaded

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: list[Hit] = []
        self.more = False
        self._asked_at = -1
        self._built_for = 0

    def show(self, hits: Sequence[Hit], *, more: bool = False) -> None:
        """Replace the rows, keeping the highlight on the same article when it is still there.

        A row's option id is its article id and an ``OptionList`` refuses two
        options with one id (``DuplicateID``, which would end the app): an
        article that comes twice is shown once, where it first came.
        """
        current = self.current_id
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
        self.hits.extend(fresh)
        self.more = more
        self.add_options(self._make_options(fresh))

    def _snippet_chars(self) -> int:
        width = self.scrollable_content_region.width
        return 150 if width <= 0 else max(40, SNIPPET_LINES * (width - 1) - 10)

    def _make_options(self, hits: Sequence[Hit]) -> list[Option]:
        self._built_for = self._snippet_chars()
        return [Option(hit_prompt(hit, self._built_for), id=hit.id) for hit in hits]

    def on_resize(self) -> None:
        """Re-cut snippets to the new width (prompts are cheap; the list is at most a page or
        a thousand hits)."""
        if not any(hit.snippet for hit in self.hits) or self._snippet_chars() == self._built_for:
            return
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(self._make_options(self.hits))
        self.highlighted = highlighted

    @property
    def current_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def select_id(self, article_id: str) -> None:
        for index, hit in enumerate(self.hits):
            if hit.id == article_id:
                self.highlighted = index
                return

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted is None or not self.more:
            return
        loaded = len(self.hits)
        if highlighted >= loaded - PREFETCH and self._asked_at != loaded:
            self._asked_at = loaded
            self.post_message(self.NeedMore(loaded))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Opened(event.option.id))
