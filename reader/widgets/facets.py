"""The facets: the people, organisations, places and groups of the current view.

The view is whatever the article list shows (a search, a source, a saved search, the
whole library); each entity comes with the number of the view's articles that name
it. ``enter`` narrows the view to it, ``x`` leaves it out, ``i`` opens its page.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from index.models import Counted, Facets
from index.text import visible
from reader import keys
from reader.render import LABEL_NAMES, LABEL_STYLES, MUTED


class FacetList(OptionList):
    """Options carry ``LABEL\\tcanonical`` ids, as the entities pane's do."""

    DEFAULT_CSS = """
    FacetList {
        height: 1fr;
        border: none;
        padding: 0;
        background: transparent;
        &:focus { border: none; }
    }
    """

    BINDINGS = keys.FACETS
    """``reader.keys.FACETS``: the list's moves, ``x`` to exclude, ``i`` for the page."""

    @dataclass
    class Chosen(Message):
        """Narrow the view to an entity, leave it out (``exclude``), or open its page."""

        facets: FacetList
        label: str
        canonical: str
        how: str
        """``filter``, ``exclude`` or ``page``."""

        @property
        def control(self) -> FacetList:
            return self.facets

    def show(self, facets: Facets | None, *, error: str | None = None) -> None:
        self.clear_options()
        if facets is None:
            self.add_option(Option(Content.styled(visible(error or "…"), MUTED), disabled=True))
            return
        options: list[Option] = []
        noun = "article" if facets.total == 1 else "articles"
        options.append(Option(Content.styled(f"{facets.total:,} {noun} in view", MUTED),
                              disabled=True))  # fmt: skip
        kinds: tuple[tuple[str, tuple[Counted, ...]], ...] = (
            ("PERSON", facets.people),
            ("ORG", facets.organisations),
            ("PLACE", facets.places),
            ("NORP", facets.groups),
        )
        for label, counted in kinds:
            if not counted:
                continue
            options.append(Option(Content.styled(LABEL_NAMES[label].upper(), LABEL_STYLES[label]),
                                  disabled=True))  # fmt: skip
            for item in counted:
                prompt = Content.assemble(
                    ("  " + visible(item.name), LABEL_STYLES[label]), (f" {item.count:,}", MUTED)
                )
                options.append(Option(prompt, id=f"{label}\t{item.name}"))
        if len(options) == 1:
            options.append(Option(Content.styled("no entities in view", MUTED), disabled=True))
        self.add_options(options)
        self.highlighted = next((i for i, o in enumerate(options) if not o.disabled), None)

    def _chosen(self, how: str) -> None:
        option = self.highlighted_option
        if option is None or option.id is None:
            return
        label, name = option.id.split("\t", 1)
        self.post_message(self.Chosen(self, label, name, how))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._chosen("filter")

    def action_exclude(self) -> None:
        self._chosen("exclude")

    def action_open_page(self) -> None:
        self._chosen("page")
