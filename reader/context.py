"""The services a command or the app works with, built once from the library home."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from index.home.library import Library
from index.home.locking import WriteLock
from index.paths import LibraryPaths

if TYPE_CHECKING:
    from index.bookmarks.store import BookmarkStore


@dataclass
class Services:
    """Lazily opened library, bookmark store and write lock for one library home."""

    paths: LibraryPaths
    tagger: str | None = "rules"
    _opened: list[object] = field(default_factory=list)

    @cached_property
    def library(self) -> Library:
        library = Library.open(self.paths.ensure())
        self._opened.append(library)
        return library

    @cached_property
    def bookmarks(self) -> BookmarkStore:
        from index.bookmarks.store import BookmarkStore

        store = BookmarkStore(self.paths.ensure().database)
        self._opened.append(store)
        return store

    def write_lock(self) -> WriteLock:
        return WriteLock(self.paths.ensure().lock)

    def close(self) -> None:
        for service in reversed(self._opened):
            close = getattr(service, "close", None)
            if close is not None:
                close()
        self._opened.clear()
