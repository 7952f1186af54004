"""The only module that knows where newsreader keeps its data.

One library home holds everything: the Whoosh index, the SQLite database
(ingest state, bookmarks, read state) and the user's config. By default it is
platformdirs' user data dir; ``--home DIR`` or ``NEWSREADER_HOME`` override it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def why_unwritable(folder: Path) -> str | None:
    """Why nothing can be written in ``folder`` (or the nearest folder above it that
    exists), in a few words, or None if it can be written.

    What storage trouble really is: a read-only file system, a full disk or a
    folder without write permission. SQLite says ``disk I/O error``, ``unable
    to open database file`` or ``attempt to write a readonly database`` for all
    three, which reads as damage; this looks at the folder itself, so the
    message can name the cause (and nobody is told to start a fresh library
    because a disk is full).
    """
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    try:
        stat = os.statvfs(existing)
    except OSError:
        return None
    if stat.f_flag & os.ST_RDONLY:
        return f"{existing} is on a read-only file system"
    if stat.f_bavail == 0:
        return f"the disk holding {existing} is full (0 bytes free)"
    if stat.f_favail == 0 and stat.f_files > 0:
        return f"the disk holding {existing} is full (no free inodes)"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"no permission to write in {existing}"
    return None


def read_cached(path: str) -> Any:
    """A rebuildable cache file (our own pickle, named by what it holds), or None when it
    is absent or unreadable: the caller builds it again."""
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception:
        return None


def write_cached(path: str, payload: object) -> bool:
    """Write a cache file atomically; False when it could not be (a read-only or full
    cache dir just means no cache)."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as f:
            pickle.dump(payload, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    return True
