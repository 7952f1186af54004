"""The help screen: every binding (after the user's remapping) and the entity colours."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from reader import keys
from reader.render import DATE_NOTE_STYLE, HIT_STYLE, legend

KEY_WIDTH = 16


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
    for group in keys.GROUPS:
        lines += [Content(""), Content.styled(group.title, "bold $text-accent")]
        for binding in group.bindings:
            if not isinstance(binding, Binding):
                continue
            shown = keys.display_keys(keys.keys_for(binding, keymap))
            lines.append(
                Content.assemble(
                    (f"  {shown:<{KEY_WIDTH}}", "bold"),
                    binding.description,
                    (f"  [{binding.id}]", "dim") if binding.id else "",
                )
            )
    lines += [
        Content(""),
        Content.styled(
            'Remap any key in config.toml in the library home:  [keys]  "search.focus" = "ctrl+f"',
            "dim",
        ),
        Content.styled("ctrl+p opens the command palette (every command here, and themes)", "dim"),
        Content.styled("The mouse works too: click a pane, an article, an entity; scroll.", "dim"),
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
