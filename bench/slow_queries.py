"""Queries that once took seconds, timed at N articles (issue 17, item 6).

    python bench/slow_queries.py [--n 20000]

Builds (or reuses) ``bench/out/corpus-N`` and the library ``bench/out/home-N-rules``
(as ``bench/scale.py`` does), then times, in this process, each query's parse
and its whole search (parse, plan, run, snippets; limit 20), best of three: the
chained ``ANDNOT`` (202 characters, 34 s to parse before), leading wildcards
(7-10 s before), short prefixes that stand for thousands of words, and a few
ordinary queries for comparison. Each line says whether the query was answered
(and how many hits) or refused (and the one line the person sees). For scale,
Whoosh's own parser is timed on shorter ANDNOT chains (it doubles per word).

Timings on a shared 2-core machine are noisy: compare figures of one run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus as corpus_builder  # noqa: E402
from whoosh import qparser  # noqa: E402

from index.errors import QueryError  # noqa: E402
from index.home.library import Library  # noqa: E402
from index.paths import LibraryPaths  # noqa: E402

OUT = ROOT / "bench" / "out"


def chain(length: int) -> str:
    return " ".join(["w0", *(f"ANDNOT w{n}" for n in range(1, length))])


QUERIES = [
    chain(20),
    "*",
    "*ing",
    "?ing",
    "title:*",
    "person:*a*",
    "source:*a*",
    "a*",
    "s*",
    "gov*",
    "elect* minist*",
    "electi~2",
    '"prime minister"',
    "market AND NOT tax",
    "published:2020",
]


def library_at(n: int) -> Path:
    corpus = OUT / f"corpus-{n}"
    corpus_builder.ensure_corpus(n, corpus)
    home = OUT / f"home-{n}-rules"
    if not (home / "library.sqlite3").exists():
        print(f"adding {n:,} articles to {home} (minutes)...", file=sys.stderr)
        command = [sys.executable, "-m", "reader", "--home", str(home), "add", str(corpus)]
        subprocess.run(command, check=True, cwd=ROOT)
    return home


def best_of(runs: int, function) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, outcome = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        try:
            outcome = function()
        except QueryError as error:
            outcome = error
        best = min(best, time.perf_counter() - started)
    return best, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    library = Library.open(LibraryPaths(library_at(args.n)))
    print(f"{library.count():,} articles\n")
    print(f"{'query':<34} {'parse':>8} {'search':>8}  outcome")
    for text in QUERIES:
        parse_s, _ = best_of(3, lambda text=text: library._queries.parse(text))
        search_s, outcome = best_of(3, lambda text=text: library.search(text, limit=20))
        said = (
            f"refused: {outcome}"
            if isinstance(outcome, QueryError)
            else (
                f"answered: {outcome.total:,} hits"  # type: ignore[attr-defined]
            )
        )
        shown = text if len(text) <= 32 else text[:20] + f"… ({len(text)} ch)"
        print(f"{shown:<34} {parse_s * 1000:>6.0f}ms {search_s * 1000:>6.0f}ms  {said}")
    stock = qparser.MultifieldParser(["title", "body"], library.index.schema)
    print("\nWhoosh's own parser on ANDNOT chains (for comparison):")
    for length in (10, 12, 14, 16):
        seconds, _ = best_of(1, lambda length=length: stock.parse(chain(length)))
        print(f"  {length} words ({len(chain(length))} ch): {seconds:.2f} s")
    library.close()


if __name__ == "__main__":
    main()
