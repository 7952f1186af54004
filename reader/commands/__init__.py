"""Headless commands. Each module has NAME, HELP, ``configure(parser)`` and ``run(args, home)``.

A command's module docstring is its long help (``newsreader CMD --help``).
"""

from __future__ import annotations

import argparse
from types import ModuleType
from typing import Protocol

from index.home import LibraryHome
from reader.commands import (
    add,
    bookmarks,
    cleanup,
    entity,
    feeds,
    filters,
    listing,
    mark,
    recover,
    refresh,
    related,
    saved,
    search,
    show,
    stats,
)


class Command(Protocol):
    NAME: str
    HELP: str

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace, home: LibraryHome) -> int: ...


COMMANDS: list[ModuleType] = [
    add,
    search,
    listing,
    mark,
    show,
    related,
    entity,
    bookmarks,
    saved,
    filters,
    feeds,
    refresh,
    cleanup,
    stats,
    recover,
]
