"""Fuzzy terms (issue 15, bar 2: ``word~`` <= 50 ms at p95), three ways on one searcher.

    python bench/fuzzy.py HOME [--rounds 3] [--queries 20] [--seed 5]

The terms are ``bench/keystrokes.py``'s (``word~`` for its one-word queries and
names). Each is searched, in turn, three ways, in one process, on the same
searcher:

* ``whoosh``: bare Whoosh, ``searcher.search(parsed, limit=20)``: its
  ``FuzzyTerm`` expanded per segment and scored by its own matchers (no
  snippets, no database): the baseline.
* ``walk``: the library's search (``LibraryHome.search``, limit 20, snippets) as
  it was before ``index.search.fuzzy``: the fuzzy term expanded by Whoosh's
  automaton walking each segment's term list on disk (``plan._expand``).
* ``tables``: the library's search as it is: the term expanded from the
  segments' word tables (``index.search.fuzzy``), afresh each time (the
  variants a searcher keeps for the next keystroke are dropped first).

The tables are built (or loaded from the cache dir) before the timing, their
time printed apart. The order of the three turns about every round, so none
always reads the postings first (the posting cache keeps long lists). Printed:
per way, wall-clock p50/p95/p99 and worst over every round, CPU time p50/p95
(steadier on a shared machine), the expansion alone (the plan) p50/p95, and
the ratios to ``whoosh``. Then the variants each term stood for, and whether the
tables' words were Whoosh's own (they must be, below ``fuzzy.MAX_VARIANTS``).

Timings on a shared 2-core machine are noisy: compare figures of one run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from keystrokes import LIMIT, fuzzy_terms, typed_queries
from scale import percentile
from whoosh import query as wq

from index.home import LibraryHome
from index.paths import LibraryPaths
from index.search import fuzzy, plan
from index.search.schema import TEXT_FIELDS

WAYS = ("whoosh", "walk", "tables")
PAGE = 20  # as keystrokes.py times fuzzy terms: typed in the command line


@contextmanager
def walking() -> Iterator[None]:
    """The plan as it was: no fuzzy term answered from the tables, so each is expanded
    by ``plan._expand`` (Whoosh's automaton over every segment's term list)."""
    answers = fuzzy.answers
    fuzzy.answers = lambda searcher, query: False  # type: ignore[assignment]
    try:
        yield
    finally:
        fuzzy.answers = answers  # type: ignore[assignment]


def timed(run: Callable[..., object], *args: object) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds of ``run(*args)``."""
    wall, cpu = time.perf_counter(), time.process_time()
    run(*args)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("home", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    home = LibraryHome(LibraryPaths(args.home), tagger=None)
    library = home.library
    searcher = library.searcher()
    started = time.perf_counter()
    fuzzy.warm(searcher, TEXT_FIELDS)
    print(f"{library.count():,} articles in {len(searcher.leaf_searchers())} segments; "
          f"fuzzy tables ready in {time.perf_counter() - started:.2f} s")  # fmt: skip
    terms = fuzzy_terms(typed_queries(home, args.queries, args.seed))
    print(f"{len(terms)} terms: {' '.join(terms)}")
    home.search("market", limit=LIMIT)  # the process's first search aside

    def whoosh(text: str) -> object:
        return searcher.search(library.parse(text), limit=PAGE)

    def walk(text: str) -> object:
        with walking():
            return home.search(text, limit=PAGE)

    def tables(text: str) -> object:
        fuzzy._FOUND.clear()  # a fresh expansion each time, not the last keystroke's
        return home.search(text, limit=PAGE)

    runs = {"whoosh": whoosh, "walk": walk, "tables": tables}
    wall: dict[str, list[float]] = {way: [] for way in WAYS}
    cpu: dict[str, list[float]] = {way: [] for way in WAYS}
    for round_ in range(args.rounds):
        order = WAYS[round_ % 3 :] + WAYS[: round_ % 3]
        for text in terms:
            for way in order:
                ms, cpu_ms = timed(runs[way], text)
                wall[way].append(ms)
                cpu[way].append(cpu_ms)

    expansion: dict[str, list[float]] = {"walk": [], "tables": []}
    for _ in range(args.rounds):
        for text in terms:
            parsed = library.parse(text)
            with walking():
                expansion["walk"].append(timed(plan.plan, parsed, searcher.schema, searcher)[0])
            fuzzy._FOUND.clear()
            expansion["tables"].append(timed(plan.plan, parsed, searcher.schema, searcher)[0])

    samples = len(terms) * args.rounds
    print(f"\n{samples} searches per way ({args.rounds} rounds), wall ms / CPU ms:")
    base = percentile(wall["whoosh"], 95)
    for way in WAYS:
        w, c = wall[way], cpu[way]
        print(f"  {way:7} p50 {percentile(w, 50):6.1f}  p95 {percentile(w, 95):6.1f}  "
              f"p99 {percentile(w, 99):6.1f}  worst {max(w):6.1f}   CPU p50 "
              f"{percentile(c, 50):6.1f}  p95 {percentile(c, 95):6.1f}   "
              f"p95 / whoosh {percentile(w, 95) / base:.2f}")  # fmt: skip
    ratio = percentile(wall["tables"], 95) / percentile(wall["walk"], 95)
    print(f"  tables / walk at p95: {ratio:.2f}")
    print("\nexpansion alone (plan of the parsed query), wall ms:")
    for way, values in expansion.items():
        print(f"  {way:7} p50 {percentile(values, 50):6.1f}  p95 {percentile(values, 95):6.1f}  "
              f"worst {max(values):6.1f}")  # fmt: skip

    print(f"\nvariants (title + body; cap {fuzzy.MAX_VARIANTS} per field):")
    for text in terms:
        parsed = library.parse(text)
        leaves = [q for q in parsed.leaves() if isinstance(q, wq.FuzzyTerm)]
        counts, same = [], True
        for leaf in leaves:
            found = fuzzy.variants(searcher, leaf)
            walked = {
                searcher.schema[leaf.fieldname].to_bytes(word)
                for sub, _ in searcher.leaf_searchers()
                for word in leaf._btexts(sub.reader())
            }
            counts.append(f"{found.found}{' cut' if found.cut else ''}")
            same = same and (found.cut or set(found.words) == walked)
        print(f"  {text:16} {' + '.join(counts):12} {'as Whoosh' if same else 'DIFFERS'}")
    home.close()


if __name__ == "__main__":
    main()
