"""The Textual app: receives its library home, applies the user's config, shows the main screen.

``run_app(home, paths)`` is what ``newsreader [PATH...]`` calls. The app
never touches the library from the UI thread: each screen is handed the
``LibraryClient`` (one library thread) and starts workers that call it and
post messages back.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from textual.app import App

from index.home import LibraryHome
from reader import keys
from reader.client import LibraryClient
from reader.config import Config, load_config
from reader.heap import release_heap
from reader.render import entity_variables, muted_variables

REPO_SEEDS = Path(__file__).resolve().parents[1] / "seeds"


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
        self.theme_variables = variables
        return variables

    def _checked_keymap(self, wanted: dict[str, str]) -> dict[str, str]:
        known = keys.known_ids()
        unknown = sorted(set(wanted) - known)
        if unknown:
            self.config = Config(
                theme=self.config.theme,
                sidebar=self.config.sidebar,
                keys=self.config.keys,
                problems=(
                    *self.config.problems,
                    f"{self.paths.config}: unknown key binding id(s) "
                    f"{', '.join(unknown)} (see ? for the ids)",
                ),
            )
        return {key: value for key, value in wanted.items() if key in known}

    def on_mount(self) -> None:
        from reader.screens.main import MainScreen

        self.set_keymap(self.keymap)
        self._apply_theme()
        for problem in self.config.problems:
            self.notify(problem, title="config.toml", severity="warning", timeout=12)
        main = MainScreen(
            self.client, self.config, paths_to_add=self.paths_to_add, seed_paths=seed_paths()
        )
        self.push_screen(main)

    def _apply_theme(self) -> None:
        theme = self.config.theme
        if theme is None:
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
        """Close the library on the thread that opened it (SQLite insists), then that thread."""
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
