"""Every key binding of the reader, in one place.

Widgets and screens take their ``BINDINGS`` from here; the footer, the help
screen and the command palette are all generated from these lists, and users
remap any of them by id from ``[keys]`` in ``config.toml`` (``App.set_keymap``).
Bindings that do the same thing in several panes (``nav.down``) share an id,
so one remap applies everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider

APP: list[BindingType] = [
    Binding("question_mark", "help", "Help", id="app.help"),
    Binding("B", "bookmarks", "Bookmarks", id="app.bookmarks"),
    Binding("q", "quit", "Quit", id="app.quit"),
]
MAIN: list[BindingType] = [
    # priority: handled by the app before the key reaches the focused pane, so that
    # keys typed right after "/" (already queued) land in the search input.
    Binding("slash", "focus_search", "Search", id="search.focus", priority=True),
    Binding("s", "toggle_sort", "Sort", id="search.sort", show=False),
    Binding("d", "date_filter", "Date filter", id="search.date", show=False),
    Binding("n", "next_hit", "Next hit", id="article.next_hit"),
    Binding("N", "previous_hit", "Prev hit", id="article.previous_hit", show=False),
    Binding("H", "toggle_highlight", "Highlight", id="article.highlight", show=False),
    Binding("backspace,h", "back", "Back", id="nav.back"),
    Binding("l,escape", "focus_pane('list')", "List", id="focus.list", show=False),
    Binding("a", "focus_pane('article')", "Article", id="focus.article", show=False),
    Binding("e", "focus_pane('entities')", "Entities", id="focus.entities"),
    Binding("r", "focus_pane('related')", "Related", id="focus.related"),
    Binding("p", "toggle_sidebar", "Sidebar", id="view.sidebar", show=False),
    Binding("c", "toggle_compact", "Compact list", id="view.compact", show=False),
    Binding("F", "toggle_sources", "Sources pane", id="view.sources", show=False),
    Binding("less_than_sign", "list_width(-1)", "Narrower list", id="view.narrower", show=False),
    Binding("greater_than_sign", "list_width(1)", "Wider list", id="view.wider", show=False),
    Binding("S", "save_search", "Save search", id="search.save", show=False),
    Binding("b", "bookmark", "Bookmark", id="main.bookmark", show=False),
    Binding("R", "refresh_feeds", "Refresh feeds", id="feeds.refresh", show=False),
    Binding("m", "toggle_read", "Read/unread", id="mark.read", show=False),
    Binding("asterisk", "toggle_star", "Star", id="mark.star", show=False),
    Binding("A", "mark_all_read", "Mark all read", id="mark.all_read", show=False),
    Binding("U", "undo_mark_all", "Undo mark all read", id="mark.undo", show=False),
    Binding("o", "open_link", "Open in browser", id="link.open", show=False),
    Binding("y", "copy_link", "Copy link", id="link.copy", show=False),
    Binding("O", "toggle_overview", "Overview", id="view.overview"),
    Binding("t", "focus_timeline", "Timeline", id="focus.timeline", show=False),
]
LIST: list[BindingType] = [
    Binding("j", "cursor_down", "Down", id="nav.down", show=False),
    Binding("k", "cursor_up", "Up", id="nav.up", show=False),
    Binding("g", "first", "First", id="nav.first", show=False),
    Binding("G", "last", "Last", id="nav.last", show=False),
]
ARTICLE_LIST: list[BindingType] = [
    *LIST,
    Binding("z", "toggle_story", "Expand/collapse story", id="list.story", show=False),
]
"""The article list's own: ``z`` opens a story's row ("+2 sources") into its articles."""
ARTICLE: list[BindingType] = [
    Binding("j,down", "next_passage", "Next sentence", id="nav.down", show=False),
    Binding("k,up", "previous_passage", "Previous sentence", id="nav.up", show=False),
    Binding("J", "next_paragraph", "Next paragraph", id="article.next_para", show=False),
    Binding(
        "K",
        "previous_paragraph",
        "Previous paragraph",
        id="article.prev_para",
        show=False,
    ),
    Binding("space,pagedown", "page_down", "Page down", id="nav.page_down", show=False),
    Binding("pageup", "page_up", "Page up", id="nav.page_up", show=False),
    Binding("g,home", "first", "Top", id="nav.first", show=False),
    Binding("G,end", "last", "Bottom", id="nav.last", show=False),
    Binding("v", "toggle_selection", "Select", id="article.select", show=False),
    Binding("shift+down", "extend_down", "Extend selection", id="article.extend_down", show=False),
    Binding("shift+up", "extend_up", "Extend selection up", id="article.extend_up", show=False),
    Binding("b", "bookmark", "Bookmark", id="article.bookmark"),
]
ENTITIES: list[BindingType] = [
    *LIST,
    Binding("f", "add_filter", "Add as filter", id="entities.filter"),
    Binding("x", "exclude", "Exclude", id="entities.exclude", show=False),
]
"""In the entities pane ``enter`` opens the entity's page; in the facets ``enter`` adds the
entity as a filter (what a facet is for) and ``i`` opens its page."""
FACETS: list[BindingType] = [
    *LIST,
    Binding("x", "exclude", "Exclude", id="entities.exclude"),
    Binding("i", "open_page", "Entity page", id="facets.page"),
]
TIMELINE: list[BindingType] = [
    Binding("left,h", "move(-1)", "Earlier", id="timeline.earlier", show=False),
    Binding("right,l", "move(1)", "Later", id="timeline.later", show=False),
    Binding("shift+left,H", "stretch(-1)", "Stretch earlier", id="timeline.stretch_earlier"),
    Binding("shift+right,L", "stretch(1)", "Stretch later", id="timeline.stretch_later"),
    Binding("home,g", "edge(False)", "First", id="timeline.first", show=False),
    Binding("end,G", "edge(True)", "Last", id="timeline.last", show=False),
    Binding("enter", "choose", "Filter to these dates", id="timeline.filter"),
    Binding("escape", "clear", "Drop the stretch", id="timeline.clear", show=False),
]
ENTITY_PAGE: list[BindingType] = [
    Binding("escape,backspace,q", "back", "Back", id="entity.back"),
    Binding("slash", "search_all", "All its articles", id="entity.search"),
    Binding("f", "add_filter", "Add as filter", id="entity.filter"),
    Binding("tab", "focus_next", "Next pane", id="entity.next", show=False),
]
SEARCH: list[BindingType] = [
    Binding("escape", "leave", "Back to list", id="search.leave"),
    Binding("down", "leave", "To the list", id="search.to_list", show=False),
]
BOOKMARKS: list[BindingType] = [
    Binding("slash", "focus_filter", "Filter", id="bookmarks.filter"),
    Binding("enter", "open", "Open at passage", id="bookmarks.open", show=False),
    Binding("E", "edit", "Edit note/tags", id="bookmarks.edit"),
    Binding("x,delete", "delete", "Delete", id="bookmarks.delete"),
    Binding("escape,B", "close", "Back to reading", id="bookmarks.close"),
]
HELP: list[BindingType] = [
    Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    Binding("j", "scroll_down", "Down", id="nav.down", show=False),
    Binding("k", "scroll_up", "Up", id="nav.up", show=False),
]


@dataclass(frozen=True)
class Group:
    """A titled list of bindings, as the help screen shows them."""

    title: str
    bindings: list[BindingType]


GROUPS = [
    Group("Everywhere", APP),
    Group("Main screen", MAIN),
    Group("Search bar", SEARCH),
    Group("Article list, entities, related", LIST),
    Group("Entities pane (enter: the entity's page)", ENTITIES[len(LIST) :]),
    Group("Facets (overview, O; enter: add as filter)", FACETS[len(LIST) :]),
    Group("Timeline (overview, t)", TIMELINE),
    Group("Entity page", ENTITY_PAGE),
    Group("Article", ARTICLE),
    Group("Bookmarks screen (B)", BOOKMARKS),
    Group("Article list", ARTICLE_LIST[len(LIST) :]),
    Group("Help", HELP),
]


def all_bindings() -> Iterator[Binding]:
    for group in GROUPS:
        yield from (binding for binding in group.bindings if isinstance(binding, Binding))


def keys_for(binding: Binding, keymap: dict[str, str]) -> str:
    """The keys a binding answers to after the user's remapping."""
    if binding.id is not None and binding.id in keymap:
        return keymap[binding.id]
    return binding.key


def display_keys(keys: str) -> str:
    """``"backspace,h"`` -> ``"backspace / h"``, with Textual's short names for symbols."""
    names = {"question_mark": "?", "slash": "/", "space": "space", "escape": "esc"}
    return " / ".join(names.get(key.strip(), key.strip()) for key in keys.split(","))


def known_ids() -> set[str]:
    return {binding.id for binding in all_bindings() if binding.id}


def in_palette(binding: Binding) -> bool:
    """The palette offers the reader's own commands: not Textual's widget bindings (scroll
    left, page right, copy...) nor moving the cursor (``nav.*``), which no one looks up."""
    return bool(binding.id) and binding.id in known_ids() and not binding.id.startswith("nav.")


class BindingCommands(Provider):
    """The command palette's view of the key bindings active where it was opened."""

    def _commands(self) -> Iterable[tuple[str, str, object]]:
        seen: set[tuple[int, str]] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not in_palette(binding) or not active.enabled:
                continue
            marker = (id(active.node), binding.action)
            if marker in seen:
                continue
            seen.add(marker)
            help_text = f"key: {display_keys(binding.key)}"
            run = partial(self.app.run_action, binding.action, active.node)
            yield binding.description, help_text, run

    async def discover(self) -> Hits:
        for name, help_text, run in self._commands():
            yield DiscoveryHit(name, run, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)  # type: ignore[arg-type]
