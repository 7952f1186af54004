"""Reading state at scale (issue 13, bar 3): the sources pane's counts, ``is:unread`` with
the queries of ``bench/scale.py`` next to the same queries without it, and marking.

    python bench/reading.py bench/out/home-100000-rules [--feeds 500]

Works on a copy of the home (it marks articles and adds subscriptions). Half the
articles are marked read, 1 % starred; ``--feeds`` subscriptions (never fetched)
are given carriers over the articles so that the pane has feeds to count. Prints
p50/p95 of each query set in one run, interleaved, and their ratio; then the pane's
first count in fresh processes (what a person waits for when the reader starts), next to
the same counts grouped from scratch in SQL (``index.home.tally.fresh``), the baseline.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import make_queries, percentile

from index.home import LibraryHome, tally
from index.paths import LibraryPaths


def main() -> None:
    if sys.argv[1:2] == ["--first"]:
        first(Path(sys.argv[2]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("home", type=Path)
    parser.add_argument("--feeds", type=int, default=500)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="reading-bench-")) / "home"
    shutil.copytree(args.home, work)
    try:
        run(work, args.feeds)
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)


def run(path: Path, feeds: int) -> None:
    home = LibraryHome(LibraryPaths(path), tagger=None)
    started = time.perf_counter()
    store = home.library.store  # a home from before the tally counts it here, once
    opened = (time.perf_counter() - started) * 1000
    print(f"open (and count a library without a tally): {opened:.0f} ms")
    ids = store.article_ids()
    rng = random.Random(3)
    print(f"{len(ids):,} articles, {feeds} subscriptions")
    ten_k = rng.sample(ids, min(10_000, len(ids)))
    started = time.perf_counter()
    report = home.mark(ten_k, "read")
    print(f"mark {report.changed:,} read: {(time.perf_counter() - started) * 1000:.0f} ms")
    rest = [i for i in ids if i not in set(ten_k)]
    home.mark(rng.sample(rest, len(ids) // 2 - len(ten_k)), "read")
    home.mark(rng.sample(ids, len(ids) // 100), "star")
    subs = home.feeds.subscriptions
    per = max(1, len(ids) // max(1, feeds))
    for n in range(feeds):
        sub, _ = subs.add(f"http://feeds.example/{n}.xml", title=f"Feed {n}", folder=f"F{n % 10}")
        store.carry(sub.carrier, ids[n * per : (n + 1) * per])
    times = []
    for _ in range(5):
        started = time.perf_counter()
        view = home.sources()
        times.append((time.perf_counter() - started) * 1000)
    print(f"sources pane: {len(view.rows)} rows, median {statistics.median(times):.1f} ms,"
          f" worst {max(times):.1f} ms over 5")  # fmt: skip
    queries = make_queries(home.library)
    home.search(queries[0])  # warm
    plain: list[float] = []
    unread: list[float] = []
    for query in queries:
        for text, sink in ((query, plain), (f"is:unread {query}", unread)):
            started = time.perf_counter()
            try:
                home.search(text, limit=20)
            except Exception:
                continue
            sink.append((time.perf_counter() - started) * 1000)
    for name, values in (("queries", plain), ("is:unread + queries", unread)):
        print(f"{name:22s} p50 {percentile(values, 50):6.1f} ms  p95 {percentile(values, 95):6.1f}"
              f" ms  p99 {percentile(values, 99):6.1f} ms  ({len(values)})")  # fmt: skip
    ratio = percentile(unread, 95) / max(percentile(plain, 95), 1e-9)
    print(f"p95 with is:unread / without: {ratio:.2f}")
    home.close()
    firsts = [json.loads(subprocess.check_output([sys.executable, __file__, "--first", str(path)]))
              for _ in range(5)]  # fmt: skip
    for name in ("sources", "fresh"):
        values = [first[name] for first in firsts]
        print(f"first {name:8s} in a new process: median {statistics.median(values):6.1f} ms,"
              f" worst {max(values):6.1f} ms over {len(values)}")  # fmt: skip
    same = all(first["same"] for first in firsts)
    print(f"kept counts equal the fresh count: {same}")


def first(path: Path) -> None:
    """In a process of its own: the pane's first count, then the same from scratch."""
    home = LibraryHome(LibraryPaths(path), tagger=None)
    _ = home.library.store  # opening the library is not the pane's work
    started = time.perf_counter()
    home.sources()
    sources = (time.perf_counter() - started) * 1000
    conn = home.library.store.connection
    started = time.perf_counter()
    counted = tally.fresh(conn)
    fresh = (time.perf_counter() - started) * 1000
    kept = {source: n for source, n in tally.kept(conn).items() if n != (0, 0) or source in counted}
    print(json.dumps({"sources": sources, "fresh": fresh, "same": kept == counted}))
    home.close()


if __name__ == "__main__":
    main()
