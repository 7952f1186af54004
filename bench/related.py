"""Related-articles quality and speed on a categorised corpus (BBC: one folder per category).

    python bench/related.py ../shared/corpora/bbc_news/bbc [--home DIR] [--limit N]

Builds (or reuses, with --home) a library of the corpus with entities on, then
for every article asks for its top 5 related articles and reports the fraction
in the same category as the open one (the category is the file's folder),
averaged over all articles, with the time per article (p50/p95/mean). As a
baseline in the same run it scores Whoosh's plain more-like-this (top 5 by
``Searcher.more_like`` on the body) on the same articles.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.home.ingest import ingest
from index.home.library import Library
from index.paths import LibraryPaths

TOP = 5


def category(path: str) -> str:
    return Path(path).parent.name


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def evaluate(library: Library, limit: int | None) -> None:
    store = library.store
    paths = dict(store.connection.execute("SELECT id, path FROM articles").fetchall())
    ids = sorted(paths)[:limit] if limit else sorted(paths)
    ours, plain, timings = [], [], []
    searcher = library.searcher()
    for article_id in ids:
        started = time.perf_counter()
        found = library.related(article_id, limit=TOP)
        timings.append((time.perf_counter() - started) * 1000)
        mine = category(paths[article_id])
        if found:
            ours.append(sum(category(paths.get(r.id, "")) == mine for r in found) / len(found))
        stored = library.article(article_id)
        docnum = searcher.document_number(id=article_id)
        if stored is None or docnum is None:
            continue
        results = searcher.more_like(docnum, "body", text=stored.article.body, top=TOP)
        hits = [hit["id"] for hit in results]
        if hits:
            plain.append(sum(category(paths.get(h, "")) == mine for h in hits) / len(hits))
    print(f"articles evaluated       {len(ids):,}")
    print(
        f"same category, top {TOP}     ours {statistics.mean(ours):.3f}   "
        f"whoosh more_like {statistics.mean(plain):.3f}"
    )
    print(
        f"related time per article p50 {statistics.median(timings):.1f} ms  "
        f"p95 {percentile(timings, 95):.1f} ms  mean {statistics.mean(timings):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus")
    parser.add_argument("--home", help="reuse (or build once into) this library home")
    parser.add_argument("--limit", type=int, default=None, help="evaluate only N articles")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(args.home) if args.home else Path(tmp)
        library = Library.open(LibraryPaths(home).ensure())
        if library.count() == 0:
            started = time.perf_counter()
            report = ingest(library, [args.corpus])
            print(f"ingested {report.added:,} articles in {time.perf_counter() - started:.1f} s")
        evaluate(library, args.limit)
        library.close()


if __name__ == "__main__":
    main()
