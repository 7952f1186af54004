"""How big the library is and where it lives."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from index.home import LibraryHome
from reader import output

NAME = "stats"
HELP = "library size and location"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print as JSON")


def _with_journal(database: Path) -> int:
    """The database's size on disk with its write-ahead log and shared-memory index
    (in WAL mode recent commits live in ``-wal`` until a checkpoint)."""
    files = (
        database,
        database.with_name(database.name + "-wal"),
        database.with_name(database.name + "-shm"),
    )
    return sum(path.stat().st_size for path in files if path.exists())


def run(args: argparse.Namespace, home: LibraryHome) -> int:
    library = home.library
    paths = home.paths
    index_bytes = sum(
        entry.stat().st_size for entry in os.scandir(paths.index_dir) if entry.is_file()
    )
    data = {
        "home": str(paths.home),
        "articles": library.count(),
        "files": sum(1 for _ in library.store.files()),
        "index_bytes": index_bytes,
        "database_bytes": _with_journal(paths.database),
    }
    if args.json:
        output.print_json(data)
        return 0
    for key, value in data.items():
        shown = f"{value:,}" if isinstance(value, int) else value
        output.stdout.print(f"{key:<15} {shown}", highlight=False)
    return 0
