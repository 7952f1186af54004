"""Ingest and search benchmark: the full ``add`` path against bare Whoosh, same texts, same run.

    python bench/ingest.py ../shared/corpora/bbc_news/bbc [--ner rules|off] [--jobs N]

Prints docs/s for (1) bare Whoosh indexing the texts our readers produced
(one writer, a plain title/body schema), (2) our full ingest (read files,
analyse, index, store), their ratio, the no-op re-add time, and search
p50/p95/p99 over a fixed query set.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

from whoosh import fields
from whoosh.filedb.filestore import FileStorage

from index.errors import SourceError
from index.home.ingest import ingest
from index.home.library import Library
from index.paths import LibraryPaths
from index.sources import discover, read_path

QUERIES = [
    "blair AND election",
    "economy",
    '"prime minister"',
    "film OR music",
    "title:oil",
    "chelsea NOT arsenal",
    "mobile phone",
    "tax*",
    "gordn~",
    "bank AND rates",
    "person:blair",
    "place:london",
    'org:"european union"',
    "source:sport",
    '"world cup"',
    "iraq war",
    "microsoft software",
    "oscar nominations",
    "growth 2005",
    "published:[2004-01-01 to 2026-12-31]",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def bare_whoosh(texts: list[tuple[str, str, str]], where: Path) -> float:
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(stored=True),
        body=fields.TEXT(),
    )
    where.mkdir()
    index = FileStorage(str(where)).create_index(schema)
    started = time.perf_counter()
    writer = index.writer(limitmb=128)
    for doc_id, title, body in texts:
        writer.add_document(id=doc_id, title=title, body=body)
    writer.commit()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus")
    parser.add_argument("--ner", default="rules", choices=("rules", "off"))
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    tagger = None if args.ner == "off" else args.ner

    texts = []
    for found in discover([args.corpus]):
        if isinstance(found, SourceError):
            continue
        with contextlib.suppress(SourceError):
            texts.extend((a.id, a.title, a.body) for a in read_path(found))
    with tempfile.TemporaryDirectory() as tmp:
        bare = bare_whoosh(texts, Path(tmp) / "bare")
        paths = LibraryPaths(Path(tmp) / "lib").ensure()
        library = Library.open(paths)
        started = time.perf_counter()
        report = ingest(library, [args.corpus], tagger=tagger, jobs=args.jobs)
        ours = time.perf_counter() - started
        started = time.perf_counter()
        again = ingest(library, [args.corpus], tagger=tagger, jobs=args.jobs)
        noop = time.perf_counter() - started

        library.search("warm up")
        timings = []
        for _ in range(5):
            for query in QUERIES:
                started = time.perf_counter()
                library.search(query, limit=20)
                timings.append((time.perf_counter() - started) * 1000)
        library.close()

    n = len(texts)
    print(f"corpus            {args.corpus}  ({n:,} articles, tagger: {args.ner})")
    print(f"bare whoosh       {n / bare:8.1f} docs/s   ({bare:.1f} s)")
    print(
        f"newsreader add    {report.added / ours:8.1f} docs/s   ({ours:.1f} s, "
        f"{report.added:,} added, {len(report.skipped)} skipped)"
    )
    print(f"ratio ours/bare   {(report.added / ours) / (n / bare):8.2f}")
    print(
        f"no-op re-add      {noop:8.2f} s  ({noop / ours:.1%} of the first run; "
        f"{again.unchanged:,} unchanged)"
    )
    print(
        f"search ({len(timings)} runs) p50 {statistics.median(timings):.1f} ms  "
        f"p95 {percentile(timings, 95):.1f} ms  p99 {percentile(timings, 99):.1f} ms  "
        "(with snippets)"
    )


if __name__ == "__main__":
    main()
