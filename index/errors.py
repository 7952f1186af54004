"""Errors a person can act on. Each carries a one-line message; none needs a traceback."""

from __future__ import annotations


class NewsreaderError(Exception):
    """Base class: ``str(error)`` is a complete, user-facing sentence."""


class SourceError(NewsreaderError):
    """A source file could not be read; names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class QueryError(NewsreaderError):
    """A search query is malformed or too long; says what is wrong."""


class LibraryBusyError(NewsreaderError):
    """Another process is writing to the library."""


class StorageError(NewsreaderError):
    """The library's files cannot be opened or written (corrupt, full disk, permissions)."""
