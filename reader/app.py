"""The Textual app: receives its library home, applies the user's config, shows the main screen.

``run_app(home, paths)`` is what ``newsreader [PATH...]`` calls. The app
never touches the library from the UI thread: each screen is handed the
``LibraryClient`` (one library thread) and starts workers that call it and
post messages back. The app also keeps the reading state (``reader.state``):
it starts the main screen from it and watches the screen's state to save it.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.theme import Theme
from textual.timer import Timer

from index.home import LibraryHome
from index.text import one_line, visible
from reader import keys
from reader.client import LibraryClient
from reader.config import Config, load_config
from reader.heap import release_heap
from reader.render import MUTED, entity_variables, legible_variables, muted_variables
from reader.state import ReaderState, load_state, save_state

if TYPE_CHECKING:
    from reader.screens.main import MainScreen

REPO_SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SAVE_DELAY = 0.5
"""Seconds of quiet before a changed reading state is written (typing changes the query)."""
KEPT = (
    "sort",
    "sidebar",
    "compact",
    "sources",
    "list_width",
    "overview",
    "query_text",
    "current_id",
)
"""The main screen's vars the state file keeps."""


def seed_paths() -> list[Path]:
    """The bundled sample articles: package ``reader.seeds``, else the checkout's ``seeds/``."""
    try:
        folder = resources.files("reader.seeds")
        found = [Path(str(item)) for item in folder.iterdir() if _is_seed(item.name)]
        if found:
            return sorted(found)
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        pass
    return sorted(path for path in REPO_SEEDS.glob("*") if _is_seed(path.name))


def _is_seed(name: str) -> bool:
    """Articles only: the folder's README says what the seeds are; it is not one."""
    return name.endswith((".txt", ".md")) and not name.upper().startswith(("README", "LICENSE"))


class NewsReaderApp(App[int]):
    """newsreader: find, read and bookmark news in the terminal."""

    CSS_PATH = "app.tcss"
    TITLE = "newsreader"
    BINDINGS = keys.APP
    COMMANDS = App.COMMANDS | {keys.BindingCommands}

    def __init__(
        self,
        home: LibraryHome,
        paths: Sequence[str] = (),
        *,
        config: Config | None = None,
    ) -> None:
        super().__init__()
        self.paths = home.paths
        self.client = LibraryClient(home)
        self.paths_to_add = list(paths)
        self.config = config if config is not None else load_config(home.paths.config)
        self.keymap = self._checked_keymap(self.config.keys)
        self.state, self._state_problem = load_state(home.paths.state)
        self._main: MainScreen | None = None
        self._save_timer: Timer | None = None
        self._save_failed = False

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The entity colours for the theme in use (a dark or a light set); a theme of the
        user's may set ``entity-person`` and the rest itself."""
        return {
            **super().get_theme_variable_defaults(),
            **entity_variables(self.current_theme.dark),
        }

    def get_css_variables(self) -> dict[str, str]:
        """Textual's variables and ``$reader-muted``: ``$text-muted`` made opaque on the
        theme's background (panes without a background of their own drew the translucent
        one at full strength)."""
        variables = super().get_css_variables()
        variables.update(muted_variables(variables["background"]))
        variables.update(legible_variables(variables))
        self.theme_variables = variables
        return variables

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification shows its text as text: messages carry file names, feed
        names, errors and config values from outside (a theme of ``x[/b]`` crashed the
        reader at start with a MarkupError, ``[b]...[/b]`` was rendered), so markup is
        never read, whatever a caller asks, and control characters are removed."""
        del markup  # Widget.notify passes markup=True by default; no caller means it
        super().notify(
            visible(message),
            title=one_line(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header's title, then the sub-title (the article count) in the muted colour
        rather than Textual's ``dim``, which some themes draw under 3:1."""
        if not sub_title:
            return Content(title)
        return Content.assemble(Content(title), (f" — {sub_title}", MUTED))

    def _checked_keymap(self, wanted: dict[str, str]) -> dict[str, str]:
        known = keys.known_ids()
        unknown = sorted(set(wanted) - known)
        if unknown:
            self.config = self.config.with_problem(
                f"{self.paths.config}: unknown key binding id(s) "
                f"{', '.join(unknown)} (see ? for the ids)"
            )
        return {key: value for key, value in wanted.items() if key in known}

    def on_mount(self) -> None:
        from reader.screens.main import MainScreen

        self.set_keymap(self.keymap)
        self._apply_theme()
        for problem in self.config.problems:
            self.notify(problem, title="config.toml", severity="warning", timeout=12)
        if self._state_problem:
            self.notify(self._state_problem, title="state.json", severity="warning", timeout=12)
        main = MainScreen(
            self.client,
            self._start_state(),
            paths_to_add=self.paths_to_add,
            seed_paths=seed_paths(),
            check_feeds_every=(
                self.config.check_seconds if self.config.background_refresh else None
            ),
            mark_read_after=self.config.mark_read_after,
        )
        self.push_screen(main)
        self._main = main
        for name in KEPT:
            self.watch(main, name, self._state_changed, init=False)
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _start_state(self) -> ReaderState:
        """Where the main screen starts: as it was left, but for what config.toml sets, and
        without the old query and article when paths were given (they are shown)."""
        state = self.state
        sidebar = state.sidebar if self.config.sidebar is None else self.config.sidebar
        fresh = bool(self.paths_to_add)
        return ReaderState(
            theme=self.theme,
            sidebar=sidebar,
            sort=state.sort,
            compact=state.compact,
            sources=state.sources,
            list_width=state.list_width,
            overview=state.overview,
            query="" if fresh else state.query,
            article_id=None if fresh else state.article_id,
        )

    def _apply_theme(self) -> None:
        theme = self.config.theme
        if theme is None:
            if self.state.theme in self.available_themes:
                self.theme = self.state.theme
            return
        if theme in self.available_themes:
            self.theme = theme
        else:
            choices = ", ".join(sorted(self.available_themes))
            self.notify(
                f"{self.paths.config}: unknown theme {theme!r}; one of: {choices}",
                title="config.toml",
                severity="warning",
                timeout=12,
            )

    # The reading state ------------------------------------------------------------

    def _theme_changed(self, theme: Theme) -> None:
        wanted = self.config.theme
        if wanted is not None and theme.name != wanted:
            self.notify(
                f"config.toml sets theme = {wanted!r}: it applies again at the next start",
                timeout=6,
            )
        self._state_changed()

    def _state_changed(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self._save_state)

    def current_state(self) -> ReaderState:
        main = self._main
        if main is None:
            return self.state
        return ReaderState(
            theme=self.theme,
            sidebar=main.sidebar,
            sort=main.sort,
            compact=main.compact,
            sources=main.sources,
            list_width=main.list_width,
            overview=main.overview,
            query=main.query_text,
            article_id=main.current_id,
        )

    def _save_state(self) -> None:
        """Write the state if it changed; a failure is said once, never raised."""
        state = self.current_state()
        if state == self.state:
            return
        problem = save_state(self.paths.state, state)
        if problem is None:
            self.state = state
        elif not self._save_failed:
            self._save_failed = True
            self.notify(problem, title="state.json", severity="warning", timeout=8)

    def action_help(self) -> None:
        from reader.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.keymap))

    def action_bookmarks(self) -> None:
        from reader.screens.bookmarks import BookmarksScreen
        from reader.screens.main import MainScreen

        if isinstance(self.screen, BookmarksScreen):
            return
        main = self.screen

        def opened(passage: tuple[str, int, int] | None) -> None:
            if passage is not None and isinstance(main, MainScreen):
                main.open_passage(*passage)

        self.push_screen(BookmarksScreen(self.client), opened)

    def on_unmount(self) -> None:
        """Save the reading state; close the library on the thread that opened it (SQLite
        insists), then that thread."""
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_state()
        try:
            self.client.close()
        finally:
            release_heap()


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker while ``sys.stderr`` is still the terminal.

    A large ``add`` reads files in a process pool; the tracker it needs is started
    with ``sys.stderr.fileno()``, which fails ("bad value(s) in fds_to_keep") once
    Textual has replaced ``sys.stderr``.
    """
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()


def run_app(home: LibraryHome, paths: Sequence[str]) -> int:
    """Run the reader until the user quits; the exit status for the shell."""
    if paths:
        _start_resource_tracker()
    app = NewsReaderApp(home, paths)
    app.run()
    return int(app.return_code or 0)
