"""When an ``add`` commits: throughput, the first commit's delay, and how long each commit
holds the library database (what a ``bookmarks add`` meanwhile waits for).

    python bench/commits.py ../shared/corpora/bbc_news/bbc [--ner rules|off] [--rounds 2]

Runs the same ingest twice per round in one process: with the batch schedule as it was
(one batch of up to 10,000 articles or 60 s) and as it is (a small first batch, then
growing), alternating, each into a fresh library. Prints, per schedule, the best
throughput over the rounds, when the first commit ended, the commits' sizes and the
longest time one commit held SQLite's write lock.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import index.home.ingest as ingest_module
from index.home.ingest import ingest
from index.home.library import Library
from index.home.store import Store
from index.paths import LibraryPaths

SCHEDULES = {
    "before (10,000 / 60 s)": (10_000, 60.0, 10_000, 60.0),
    "after (growing)": (
        ingest_module.FIRST_BATCH_ARTICLES,
        ingest_module.FIRST_BATCH_SECONDS,
        ingest_module.BATCH_ARTICLES,
        ingest_module.BATCH_SECONDS,
    ),
}


Schedule = tuple[int, float, int, float]


def run(corpus: str, tagger: str | None, schedule: Schedule) -> dict[str, object]:
    first, first_seconds, most, most_seconds = schedule
    ingest_module.FIRST_BATCH_ARTICLES, ingest_module.FIRST_BATCH_SECONDS = first, first_seconds
    ingest_module.BATCH_ARTICLES, ingest_module.BATCH_SECONDS = most, most_seconds
    held: list[float] = []
    ended: list[float] = []
    sizes: list[int] = []
    original = Store.transaction
    started = time.perf_counter()

    @contextmanager
    def timed(self: Store) -> Iterator[None]:
        before = self.article_count()
        began = time.perf_counter()
        with original(self):
            yield
        held.append(time.perf_counter() - began)
        if self.article_count() != before:
            ended.append(time.perf_counter() - started)
            sizes.append(self.article_count() - before)

    Store.transaction = timed  # type: ignore[method-assign]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            library = Library.open(LibraryPaths(Path(tmp) / "lib").ensure())
            started = time.perf_counter()
            report = ingest(library, [corpus], tagger=tagger)
            seconds = time.perf_counter() - started
            library.close()
    finally:
        Store.transaction = original  # type: ignore[method-assign]
    return {
        "rate": report.added / seconds,
        "seconds": seconds,
        "first": ended[0] if ended else 0.0,
        "sizes": sizes,
        "held": max(held, default=0.0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus")
    parser.add_argument("--ner", default="rules", choices=("rules", "off"))
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    tagger = None if args.ner == "off" else args.ner
    results: dict[str, list[dict[str, object]]] = {name: [] for name in SCHEDULES}
    for _ in range(args.rounds):
        for name, schedule in SCHEDULES.items():
            results[name].append(run(args.corpus, tagger, schedule))
    print(f"corpus {args.corpus}  (tagger: {args.ner}, best of {args.rounds})")
    for name, runs in results.items():
        best = max(runs, key=lambda found: float(found["rate"]))  # type: ignore[arg-type]
        print(
            f"{name:<24} {best['rate']:7.1f} docs/s ({best['seconds']:.1f} s)  "
            f"first commit at {best['first']:.1f} s  commits {best['sizes']}  "
            f"longest store lock {best['held']:.2f} s"
        )


if __name__ == "__main__":
    main()
