"""Headless commands. Each module has NAME, HELP, ``configure(parser)`` and ``run(args, services)``.

A command's module docstring is its long help (``newsreader CMD --help``).
"""

from __future__ import annotations

import argparse
from types import ModuleType
from typing import Protocol

from reader.commands import add, search, show, stats
from reader.context import Services


class Command(Protocol):
    NAME: str
    HELP: str

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace, services: Services) -> int: ...


def _optional(name: str) -> list[ModuleType]:
    """Commands whose module may not be present yet in a partial checkout."""
    import importlib

    try:
        return [importlib.import_module(f"reader.commands.{name}")]
    except ModuleNotFoundError as error:
        if error.name == f"reader.commands.{name}":
            return []
        raise


COMMANDS: list[ModuleType] = [
    add,
    search,
    show,
    *_optional("related"),
    *_optional("bookmarks"),
    stats,
    *_optional("recover"),
]
