"""The user's settings: ``config.toml`` in the library home, read once at start-up.

The file is the user's: the reader never writes it. What the reader remembers
by itself (``reader.state``) gives way to it: a theme or sidebar set here wins
at every start.

A missing file means defaults. A file that cannot be read or parsed also means
defaults, plus a one-line problem the app shows as a notification naming the
file, so a typo never keeps the reader from starting.

    theme = "gruvbox"
    sidebar = true

    [keys]
    "search.focus" = "slash,ctrl+f"
    "article.next_hit" = "n,ctrl+n"

    [feeds]
    background = true     # refresh the feeds that are due while the reader is open
    check_seconds = 60    # how often the reader looks for due feeds

    [reading]
    mark_read_after = 2   # seconds an article stays open before it counts as read
                          # (0: at once; false: never, only with m)
    reset_unread_on_update = false   # an edited file or updated entry is unread again
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Config:
    """Settings the app applies at start-up."""

    theme: str | None = None
    sidebar: bool | None = None
    """Shown or hidden at start; None: as it was left (``state.json``)."""
    keys: dict[str, str] = field(default_factory=dict)
    """Binding id -> comma-separated keys, handed to ``App.set_keymap``."""
    problems: tuple[str, ...] = ()
    """Things wrong with the file, each a sentence naming it; shown as notifications."""
    background_refresh: bool = True
    """Whether the open reader refreshes due feeds by itself (``[feeds] background``)."""
    check_seconds: float = 60.0
    """How often the open reader looks for due feeds (``[feeds] check_seconds``, ≥ 1)."""

    mark_read_after: float | None = 2.0
    """Seconds an opened article must stay open to be marked read (None: never)."""
    reset_unread_on_update: bool = False
    """An article whose text changed becomes unread again (``[reading]``; CLI and reader)."""

    def with_problem(self, problem: str) -> Config:
        return replace(self, problems=(*self.problems, problem))


def load_config(path: Path) -> Config:
    """Read ``path``; never raises: a broken file yields defaults and a problem."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        return Config(problems=(f"{path}: cannot read ({error}); using defaults",))
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        return Config(problems=(f"{path}: {error}; using defaults",))
    return _from_table(path, data)


def _from_table(path: Path, data: dict[str, Any]) -> Config:
    problems: list[str] = []
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        problems.append(f"{path}: theme must be a string; using the default theme")
        theme = None
    sidebar = data.get("sidebar")
    if sidebar is not None and not isinstance(sidebar, bool):
        problems.append(f"{path}: sidebar must be true or false")
        sidebar = None
    keys = _keys(path, data.get("keys", {}), problems)
    background, check = _feeds(path, data.get("feeds", {}), problems)
    mark_after = _reading(path, data.get("reading", {}), problems)
    reading = data.get("reading", {})
    reset = reading.get("reset_unread_on_update", False) if isinstance(reading, dict) else False
    if not isinstance(reset, bool):
        problems.append(f"{path}: reading.reset_unread_on_update must be true or false")
        reset = False
    return Config(theme=theme, sidebar=sidebar, keys=keys, problems=tuple(problems),
                  background_refresh=background, check_seconds=check,
                  mark_read_after=mark_after, reset_unread_on_update=reset)  # fmt: skip


def _reading(path: Path, table: Any, problems: list[str]) -> float | None:
    default = Config.mark_read_after
    if not isinstance(table, dict):
        problems.append(f"{path}: [reading] must be a table (mark_read_after)")
        return default
    value = table.get("mark_read_after", default)
    if value is False:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    problems.append(f"{path}: reading.mark_read_after must be seconds (0 or more) or false")
    return default


def _feeds(path: Path, table: Any, problems: list[str]) -> tuple[bool, float]:
    background, check = Config.background_refresh, Config.check_seconds
    if not isinstance(table, dict):
        problems.append(f"{path}: [feeds] must be a table (background, check_seconds)")
        return background, check
    wanted = table.get("background", background)
    if isinstance(wanted, bool):
        background = wanted
    else:
        problems.append(f"{path}: feeds.background must be true or false")
    every = table.get("check_seconds", check)
    if isinstance(every, int | float) and not isinstance(every, bool) and every >= 1:
        check = float(every)
    else:
        problems.append(f"{path}: feeds.check_seconds must be a number of seconds, at least 1")
    return background, check


def _keys(path: Path, table: Any, problems: list[str]) -> dict[str, str]:
    if not isinstance(table, dict):
        problems.append(f'{path}: [keys] must be a table of binding id = "key,key"')
        return {}
    keys: dict[str, str] = {}
    for binding_id, value in table.items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if not isinstance(value, str) or not value.strip():
            problems.append(f'{path}: keys.{binding_id} must be a key string like "ctrl+f"')
            continue
        keys[str(binding_id)] = value
    return keys
