"""The only module that knows where newsreader keeps its data.

One library home holds everything: the Whoosh index, the SQLite database
(ingest state, bookmarks, read state) and the user's config. By default it is
platformdirs' user data dir; ``--home DIR`` or ``NEWSREADER_HOME`` override it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ENV_HOME = "NEWSREADER_HOME"
ENV_CACHE = "NEWSREADER_CACHE_DIR"
APP_NAME = "newsreader"


@dataclass(frozen=True, slots=True)
class LibraryPaths:
    """The files of one library home."""

    home: Path

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def database(self) -> Path:
        return self.home / "library.sqlite3"

    @property
    def config(self) -> Path:
        return self.home / "config.toml"

    @property
    def state(self) -> Path:
        """What the reader remembers between runs (theme, sort, last query...)."""
        return self.home / "state.json"

    @property
    def lock(self) -> Path:
        return self.home / "write.lock"

    def ensure(self) -> LibraryPaths:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        return self


def default_home() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_home(home: str | os.PathLike[str] | None = None) -> LibraryPaths:
    """``home`` if given, else ``$NEWSREADER_HOME``, else the platform's data dir."""
    chosen = home or os.environ.get(ENV_HOME) or default_home()
    return LibraryPaths(Path(chosen).expanduser().resolve())


def cache_dir() -> Path | None:
    """Where rebuildable caches go (the gazetteer): ``$NEWSREADER_CACHE_DIR``, else the
    platform's user cache dir; an empty ``NEWSREADER_CACHE_DIR`` turns caching off."""
    folder = os.environ.get(ENV_CACHE)
    if folder is None:
        return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    return Path(folder) if folder else None
