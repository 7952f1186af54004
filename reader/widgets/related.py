"""The related pane: articles related to the open one, each with its reason."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets.option_list import Option

from index.models import Related
from reader import keys
from reader.render import MUTED, format_date
from reader.widgets.article_options import ArticleOptions


def related_prompt(item: Related) -> Content:
    meta = " · ".join(part for part in (item.source, format_date(item.published)) if part)
    lines = [Content.styled(item.title or "(untitled)", "bold")]
    if item.reason:
        lines.append(Content.styled(item.reason, f"italic {MUTED}"))
    if meta:
        lines.append(Content.styled(meta, MUTED))
    return Content("\n").join(lines)


class RelatedList(ArticleOptions):
    """Related articles; Enter opens one (``ArticleOptions.Chosen``)."""

    DEFAULT_CSS = """
    RelatedList {
        height: 1fr;
        border: none;
        padding: 0;
        background: transparent;
    }
    """

    BINDINGS = keys.LIST
    """``reader.keys.LIST``: ``j``/``k`` move, ``g``/``G`` to the first and the last row."""

    def show_message(self, text: str) -> None:
        self.clear_options()
        self.add_option(Option(Content.styled(text, MUTED), disabled=True))

    def show(self, items: Sequence[Related]) -> None:
        if not items:
            self.show_message("nothing related found")
            return
        self.clear_options()
        self.add_options([Option(related_prompt(item), id=item.id) for item in items])
        self.highlighted = 0
