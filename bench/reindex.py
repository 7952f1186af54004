"""How long re-indexing a library from its database takes (what opening a library whose
index an older version wrote costs, once; see ``index/home/reindex.py``).

    python bench/reindex.py HOME [--rounds 2]

Copies HOME to a scratch folder (HOME is never changed) and rebuilds the copy's index
from its store under the current schema, as opening a stale library does; prints the
wall and CPU seconds and articles per second of each round.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.home.library import Library
from index.home.reindex import rebuild
from index.paths import LibraryPaths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    for round_ in range(1, args.rounds + 1):
        with tempfile.TemporaryDirectory(prefix="reindex-") as scratch:
            copy = Path(scratch) / "home"
            shutil.copytree(args.home, copy)
            library = Library.open(LibraryPaths(copy))
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                count = rebuild(library)
            finally:
                library.close()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(
                f"round {round_}: {count:,} articles in {wall:.1f} s "
                f"(CPU {cpu:.1f} s), {count / wall:,.0f} articles/s"
            )


if __name__ == "__main__":
    main()
