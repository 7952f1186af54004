"""Facets, timeline and entity page at scale, against a bare baseline in the same run.

    python bench/facets.py --home H [--repeat 20]
    python bench/facets.py --build N --from SOURCE_HOME --home H     # then the same

``--build`` makes an N-article library from a smaller one (``bench/scale.py``'s
home-20000, say) without re-tagging: its stored articles and analyses are written
again with new ids, their publication dates shifted a year per copy, through
``Library.put`` in 10,000-article batches (the segments a bulk ``add`` makes). The
texts and entity distributions are real, repeated.

``--replicate K`` adds the counting at K times the library where building it is out
of reach (indexing runs at tens of articles a second on a shared machine): the
forward tables copied K times (new row objects), the same views over every copy.

Then, in one process: the views whose hit counts come nearest 30 % of the library
(plain words of the corpus), and the whole library. For each view, ``repeat``
times: the view's documents; the facets (counts and top 10 per kind, named from
the stored analyses, what ``LibraryHome.facets`` returns); the timeline alone; and
the bare baseline: the same counts by reading each hit's stored ``entity`` field
(what one does without a forward table). Entity pages (``LibraryHome.entity``) for
the top person, organisation and place of the library and for a rarer name. Also
the cold costs: building the forward tables with no cache, and loading them from
the disk cache in a fresh process.

Wall and CPU milliseconds are both printed: on a shared 2-core machine the CPU
time (``time.thread_time``) is the steadier figure. Writes ``bench/out/facets.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from array import array
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.codec import analysis_from_json, parse_datetime  # noqa: E402
from index.home import LibraryHome  # noqa: E402
from index.home.library import Library  # noqa: E402
from index.home.overview import library_counts  # noqa: E402
from index.models import Article, stable_id  # noqa: E402
from index.paths import LibraryPaths  # noqa: E402
from index.search import facets as fc  # noqa: E402
from index.search import forward  # noqa: E402
from index.search.plan import plan  # noqa: E402
from index.search.query import QueryReader  # noqa: E402

OUT = ROOT / "bench" / "out"
BATCH = 10_000
WORDS = (
    "said year new also government people first market last company time years percent "
    "would could two million week world told country told added officials"
).split()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def timed(fn: Callable[[], Any], repeat: int) -> tuple[dict[str, float], Any]:
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.thread_time()
        result = fn()
        cpus.append((time.thread_time() - c) * 1000)
        walls.append((time.perf_counter() - w) * 1000)
    return {
        "wall_p50": round(percentile(walls, 50), 1),
        "wall_p95": round(percentile(walls, 95), 1),
        "cpu_p50": round(percentile(cpus, 50), 1),
        "cpu_p95": round(percentile(cpus, 95), 1),
        "cpu_mean": round(statistics.fmean(cpus), 1),
    }, result


# Building --------------------------------------------------------------------------------


def build(source: Path, target: Path, n: int) -> None:
    """Copies of ``source``'s articles and analyses until ``target`` holds ``n``."""
    if target.exists():
        shutil.rmtree(target)
    src = Library.open(LibraryPaths(source))
    rows = src.store.connection.execute(
        "SELECT id, path, title, body, source, author, url, published, date_origin, analysis"
        " FROM articles ORDER BY id"
    ).fetchall()
    src.close()
    library = Library.open(LibraryPaths(target).ensure())
    started = time.perf_counter()
    batch: list[tuple[Article, Any]] = []
    written = 0
    copy = 0
    while written < n:
        for row in rows:
            if written >= n:
                break
            aid, path, title, body, src_name, author, url, published, origin, analysis = row
            when = parse_datetime(published)
            article = Article(
                id=stable_id(f"{aid}/{copy}"),
                title=title,
                body=body,
                source=src_name,
                author=author,
                url=url,
                path=path,
                published=when - timedelta(days=365 * copy) if when else None,
                date_origin=origin,
            )
            batch.append((article, analysis_from_json(analysis)))
            written += 1
            if len(batch) == BATCH:
                library.put(batch, is_new=lambda _: True)
                batch = []
                print(f"  {written:,} articles, {time.perf_counter() - started:.0f} s", flush=True)
        copy += 1
    if batch:
        library.put(batch, is_new=lambda _: True)
    library.close()


# Measuring -------------------------------------------------------------------------------


def stored_counts(searcher: Any, docs: list[int]) -> Counter[str]:
    """The bare baseline: each hit's stored ``entity`` field, split and counted."""
    counted: Counter[str] = Counter()
    for doc in docs:
        counted.update(k for k in (searcher.stored_fields(doc).get("entity") or "").split(",") if k)
    return counted


def cold_load(home: Path) -> dict[str, float]:
    """Forward tables loaded from the disk cache in a fresh process."""
    code = (
        f"import sys, time; sys.path.insert(0, {str(ROOT)!r})\n"
        "from index.home.library import Library\n"
        "from pathlib import Path\n"
        "from index.paths import LibraryPaths\n"
        "from index.search.forward import segments\n"
        f"lib = Library.open(LibraryPaths(Path({str(home)!r}))); s = lib.searcher()\n"
        "w, c = time.perf_counter(), time.process_time(); segments(s)\n"
        "print((time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall, cpu = (float(x) for x in out.stdout.split())
    return {"wall_ms": round(wall, 1), "cpu_ms": round(cpu, 1)}


def copied(v: fc.View, times: int) -> fc.View:
    """The view over ``times`` copies of its segments' tables (new row objects, as a
    library ``times`` as big would hold), each copy's documents as the original's."""
    parts = []
    for _ in range(times):
        for reader, offset, table, docs in v.parts:
            copy = forward.Table(
                [tuple(list(row)) for row in table.docs],
                array("i", table.days),
                [tuple(list(row)) for row in table.mentioned],
            )
            parts.append((reader, offset, copy, list(docs)))
    return fc.View(parts)


def replicated_runs(
    searcher: Any, reader: QueryReader, chosen: list[str], pages: list[str], args: Any
) -> dict[str, Any]:
    """Counting at ``--replicate`` times the library: the forward tables copied, the
    same views over every copy (what a library of repeated articles would count)."""
    k = args.replicate
    out: dict[str, Any] = {"times": k, "views": [], "entity_views": []}
    for query in [*chosen[:1], None]:
        parsed = plan(reader.parse(query), searcher.schema, searcher) if query else None
        v = copied(fc.view(searcher, parsed), k)
        counts_t, counted = timed(lambda v=v, q=query: fc.counts(v, whole=q is None), args.repeat)
        top_t, _ = timed(lambda c=counted: fc.top_by_label(c, 10), args.repeat)
        timeline_t, _ = timed(lambda v=v: fc.timeline(v), args.repeat)
        row = {
            "query": query or "(whole library)",
            "hits": v.total,
            "counts": counts_t,
            "top_by_label": top_t,
            "timeline": timeline_t,
        }
        out["views"].append(row)
        print(json.dumps(row), flush=True)
    for key in pages[::2]:
        v = copied(fc.entity_view(searcher, key), k)

        def page_counting(v: fc.View = v, key: str = key) -> Any:
            fc.top(fc.counts(v), 10, without=key)
            fc.latest(v, 40)
            return fc.timeline(v)

        page_t, _ = timed(page_counting, max(3, args.repeat // 4))
        row = {"key": key, "articles": v.total, "counting": page_t}
        out["entity_views"].append(row)
        print(json.dumps(row), flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--build", type=int, default=0, metavar="N")
    parser.add_argument("--from", dest="source", type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--baseline-repeat", type=int, default=3)
    parser.add_argument("--share", type=float, default=0.3, help="target hit share (0.3)")
    parser.add_argument("--replicate", type=int, default=1, metavar="K")
    args = parser.parse_args()
    if args.build:
        print(f"building {args.build:,} articles from {args.source}")
        build(args.source, args.home, args.build)

    cache = Path(os.environ.get("NEWSREADER_CACHE_DIR") or OUT / "facets-cache")
    os.environ["NEWSREADER_CACHE_DIR"] = str(cache)
    shutil.rmtree(cache / "forward", ignore_errors=True)
    home = LibraryHome(LibraryPaths(args.home))
    library = home.library
    searcher = library.searcher()
    total = searcher.doc_count()
    report: dict[str, Any] = {"articles": total, "segments": len(searcher.leaf_searchers())}
    w, c = time.perf_counter(), time.thread_time()
    forward.segments(searcher)
    report["tables_build"] = {
        "wall_ms": round((time.perf_counter() - w) * 1000, 1),
        "cpu_ms": round((time.thread_time() - c) * 1000, 1),
    }
    report["tables_load_fresh_process"] = cold_load(args.home)

    reader = QueryReader(searcher.schema)
    sizes = {}
    for word in WORDS:
        parsed = plan(reader.parse(word), searcher.schema, searcher)
        sizes[word] = fc.view(searcher, parsed).total
    target = args.share * total
    chosen = sorted(sizes, key=lambda word: abs(sizes[word] - target))[:3]
    views: list[str | None] = [*chosen, None]
    report["views"] = []
    for query in views:
        parsed = plan(reader.parse(query), searcher.schema, searcher) if query else None
        view_t, v = timed(lambda p=parsed: fc.view(searcher, p), args.repeat)
        facets_t, result = timed(lambda q=query: home.facets(q, 10), args.repeat)
        timeline_t, _ = timed(lambda v=v: fc.timeline(v), args.repeat)
        counts_t, _ = timed(lambda v=v, q=query: fc.counts(v, whole=q is None), args.repeat)
        docs = v.global_docs()
        bare_t, bare = timed(lambda d=docs: stored_counts(searcher, d), args.baseline_repeat)
        ours = fc.counts(v)
        assert bare == ours, "the forward tables disagree with the stored fields"
        row = {
            "query": query or "(whole library)",
            "hits": v.total,
            "view_docs": view_t,
            "facets_call": facets_t,
            "counts_only": counts_t,
            "timeline": timeline_t,
            "bare_stored_fields_count": bare_t,
            "top_people": [c.name for c in result.people[:3]],
        }
        report["views"].append(row)
        print(json.dumps(row), flush=True)
    totals = library_counts(searcher)
    pages = []
    for prefix in ("person:", "org:", "place:"):
        ranked = sorted((k for k in totals if k.startswith(prefix)), key=lambda k: -totals[k])
        pages += [ranked[0], ranked[min(len(ranked) - 1, 200)]]
    report["entity_pages"] = []
    for key in pages:
        page_t, page = timed(lambda k=key: home.entity(k), max(3, args.repeat // 4))
        row = {"key": key, "articles": page.count, "page": page_t}
        report["entity_pages"].append(row)
        print(json.dumps(row), flush=True)
    name_t, page = timed(lambda: home.entity(pages[0].partition(":")[2].split()[-1]), 3)
    report["entity_by_part_of_name"] = {"name": pages[0], "page": name_t}
    if args.replicate > 1:
        report["replicated"] = replicated_runs(searcher, reader, chosen, pages, args)
    home.close()
    print(json.dumps({k: v for k, v in report.items() if k not in ("views", "entity_pages")}))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"facets-{total}.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
