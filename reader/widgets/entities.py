"""The entities pane: the open article's entities grouped by label, with counts.

Enter opens the entity's page (a date or a number, which have none, is searched for);
``f`` adds it as a filter to the current query, ``x`` leaves it out of the view.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from index.models import ENTITY_LABELS, Analysis
from reader import keys
from reader.render import LABEL_NAMES, LABEL_STYLES, MUTED


def grouped(analysis: Analysis) -> dict[str, Counter[str]]:
    """Label -> canonical name -> mentions, labels in the legend's order."""
    groups: dict[str, Counter[str]] = {label: Counter() for label in ENTITY_LABELS}
    for span in analysis.entities:
        groups.setdefault(span.label, Counter())[span.canonical or span.text] += 1
    return {label: names for label, names in groups.items() if names}


class EntityList(OptionList):
    """Entities of the open article; each option's id is ``LABEL\\tcanonical``."""

    DEFAULT_CSS = """
    EntityList {
        height: 1fr;
        border: none;
        padding: 0;
        background: transparent;
    }
    """

    BINDINGS = keys.ENTITIES
    """``reader.keys.ENTITIES``: the list's moves, and ``f`` to add the entity as a filter."""

    @dataclass
    class Chosen(Message):
        """Open an entity's page (``how="page"``), or narrow the current search by it
        (``filter``) or leave it out (``exclude``)."""

        entities: EntityList
        label: str
        """The entity's label (``PERSON``, ``PLACE``...)."""
        canonical: str
        """Its canonical name, what the library's entity fields hold."""
        how: str = "page"

        @property
        def control(self) -> EntityList:
            return self.entities

    def show(self, analysis: Analysis) -> None:
        self.clear_options()
        options: list[Option] = []
        for label, names in grouped(analysis).items():
            header = Content.assemble(
                (f"{LABEL_NAMES[label].upper()} ", LABEL_STYLES[label]),
                (str(sum(names.values())), MUTED),
            )
            options.append(Option(header, disabled=True))
            for name, count in names.most_common():
                prompt = Content.assemble(("  " + name, LABEL_STYLES[label]), (f" ×{count}", MUTED))
                options.append(Option(prompt, id=f"{label}\t{name}"))
        if not options:
            options.append(Option(Content.styled("no entities", MUTED), disabled=True))
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
        self._chosen("page")

    def action_add_filter(self) -> None:
        self._chosen("filter")

    def action_exclude(self) -> None:
        self._chosen("exclude")
