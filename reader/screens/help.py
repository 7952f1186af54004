"""The help screen: every binding (after the user's remapping) and the entity colours."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from reader import keys
from reader.render import DATE_NOTE_STYLE, HIT_STYLE, MUTED, legend

GAP = 2
"""Spaces at least between a binding's keys and its description."""
MAX_KEY_WIDTH = 24
"""The keys' column is as wide as the widest keys, up to this (a long remap only pushes its
own description right)."""


def help_content(keymap: dict[str, str]) -> Content:
    """The help text, generated from ``reader.keys``: one section per group."""
    lines: list[Content] = [
        Content.styled("newsreader — keys", "bold"),
        Content(""),
        Content.styled("Entity colours", "bold $text-accent"),
        legend(),
        Content.assemble(
            ("search hit", HIT_STYLE),
            "   a date ",
            ("·2024-11-10", DATE_NOTE_STYLE),
            " = its resolved date",
        ),
    ]

    def shown(binding: Binding) -> str:
        return keys.display_keys(keys.keys_for(binding, keymap))

    width = min(MAX_KEY_WIDTH, max(len(shown(b)) for b in keys.all_bindings()) + GAP)
    for group in keys.GROUPS:
        lines += [Content(""), Content.styled(group.title, "bold $text-accent")]
        for binding in group.bindings:
            if not isinstance(binding, Binding):
                continue
            text = shown(binding)
            lines.append(
                Content.assemble(
                    ("  " + text + " " * max(GAP, width - len(text)), "bold"),
                    binding.description,
                    (f"  [{binding.id}]", MUTED) if binding.id else "",
                )
            )
    lines += [
        Content(""),
        Content.styled(
            'Remap any key in config.toml in the library home:  [keys]  "search.focus" = "ctrl+f"',
            MUTED,
        ),
        Content.styled("ctrl+p opens the command palette (every command here, and themes)", MUTED),
        Content.styled("The mouse works too: click a pane, an article, an entity; scroll.", MUTED),
    ]
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """Keys and colours; Esc, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & #help-body {
            width: 90;
            max-width: 95%;
            height: 90%;
            border: thick $accent;
            background: $surface;
            padding: 1 2;
        }
    }
    """

    BINDINGS = keys.HELP

    def __init__(self, keymap: dict[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(help_content(self.keymap), id="help-text")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#help-body"))

    def action_scroll_down(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_up()
