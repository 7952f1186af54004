"""The sources pane: All, Unread, Starred, Bookmarked, then the feeds by folder, the added
folders of files and the saved searches, each with its unread count.

Each row is a view, and a view is a query (``feed:"World Desk"``, ``is:unread``):
Enter posts :class:`SourceList.Chosen` and the screen searches for it, so what
the list shows is always what the search bar says. A feed whose last fetch
failed carries a ``!``; Enter on it also says the error and the next try.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from index.home import SourceRow, SourcesView
from reader import keys
from reader.render import MUTED

KEPT_KINDS = frozenset({"starred", "bookmarked"})

HEADINGS = {"feed": "FEEDS", "folder": "FOLDERS", "saved": "SAVED SEARCHES"}


def source_prompt(row: SourceRow, width: int, *, indent: int = 0) -> Content:
    """The row's name, cut to fit, and its unread count (or a ``!``) at the right; Starred
    and Bookmarked, whose articles are mostly read, show how many they hold, muted, when
    none of them is unread."""
    count = f"{row.unread:,}" if row.unread else ""
    if not row.unread and row.kind in KEPT_KINDS and row.articles:
        count = f"{row.articles:,}"
    mark = Content.styled("! ", "bold $error") if row.error else Content("")
    tail = Content.styled(count, "bold" if row.unread else MUTED)
    room = max(4, width - indent - tail.cell_length - mark.cell_length - 1)
    style = "bold" if row.unread else ""
    name = Content.styled(row.name or "(untitled)", style).truncate(room, ellipsis=True)
    gap = " " * max(1, width - indent - mark.cell_length - name.cell_length - tail.cell_length)
    return Content("").join([Content(" " * indent), mark, name, Content(gap), tail])


class SourceList(OptionList):
    """The views of the library; option ids are the rows' positions in the view."""

    DEFAULT_CSS = """
    SourceList {
        width: 28;
        height: 1fr;
        border: round $panel;
        padding: 0;
        &:focus { border: round $accent; }
    }
    """

    BINDINGS = keys.LIST

    @dataclass
    class Chosen(Message):
        """Show a view in the article list."""

        sources: SourceList
        row: SourceRow

        @property
        def control(self) -> SourceList:
            return self.sources

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[SourceRow] = []

    def show(self, view: SourcesView) -> None:
        """Replace the rows, keeping the highlight on the same view."""
        current = self.current_row
        width = max(16, self.scrollable_content_region.width or 26)
        options: list[Option] = []
        self.rows = []
        heading = ""
        group = None
        for row in view.rows:
            section = HEADINGS.get(row.kind, "")
            if section and section != heading:
                heading = section
                options.append(Option(Content.styled(section, "bold $text-accent"), disabled=True))
                group = None
            indent = 0
            if row.kind == "feed" and row.group:
                if row.group != group:
                    group = row.group
                    options.append(Option(Content.styled(row.group, MUTED), disabled=True))
                indent = 1
            options.append(Option(source_prompt(row, width, indent=indent), id=str(len(self.rows))))
            self.rows.append(row)
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(options)
        keep = next(
            (i for i, o in enumerate(options) if o.id is not None
             and current is not None and self.rows[int(o.id)].query == current.query),
            None,
        )  # fmt: skip
        if keep is not None:
            self.highlighted = keep
        elif highlighted is None:
            self.highlighted = next((i for i, o in enumerate(options) if not o.disabled), None)

    @property
    def current_row(self) -> SourceRow | None:
        option = self.highlighted_option
        if option is None or option.id is None or not self.rows:
            return None
        index = int(option.id)
        return self.rows[index] if index < len(self.rows) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        row = self.current_row
        if row is not None:
            self.post_message(self.Chosen(self, row))
