"""Refreshing 500 feeds: a first refresh, then a no-change refresh, and where the time goes.

The 500 corpus feeds (../shared/corpora/feeds: every real capture, then
feedparser's conformance suite) are served by the tests' loopback server over
10 hosts (127.0.0.1-10), listed in an OPML file and imported into a fresh
library, then refreshed twice: the second time every feed with a validator is
answered 304. Printed: seconds, entries/s, requests, the most connections ever
open to one host (server's log), and the share of the refresh thread's time
spent waiting for fetches, parsing, analysing (entities, dates) and indexing
(Whoosh + SQLite commit); the rest is bookkeeping (subscription state).

    .venv/bin/python bench/refresh.py [--feeds 500] [--ner rules|off] [--cli]

``--cli`` also times both refreshes through the installed ``newsreader`` (a
fresh process each, as a person or cron runs it).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "feeds"))

from corpusfeeds import corpus_files, serve, write_subscriptions  # noqa: E402
from feedserver import FeedServer  # noqa: E402

from index.home import LibraryHome, RefreshReport  # noqa: E402
from index.paths import LibraryPaths  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "feeds"


def shares(report: RefreshReport, analysis: float) -> str:
    """The refresh thread's time: waiting for fetches, parsing, then ingest_articles'
    time split into analysis (timed again on the same articles, after the refresh) and
    indexing with the commits (the rest of it)."""
    total = report.seconds
    t = report.timings
    ingest = t.get("ingest", 0.0)
    parts = {
        "fetch wait": t.get("fetch", 0.0),
        "parse": t.get("parse", 0.0),
        "analysis": min(analysis, ingest),
        "indexing": max(ingest - analysis, 0.0),
    }
    parts["other"] = max(total - sum(parts.values()), 0.0)
    return ", ".join(f"{k} {v:.2f}s ({v / total:.0%})" for k, v in parts.items())


def line(name: str, report: RefreshReport, entries: int, analysis: float = 0.0) -> None:
    counts = report.counts()
    rate = entries / report.seconds if report.seconds else 0.0
    print(
        f"{name}: {report.seconds:.2f}s · {counts['added']:,} added, {counts['updated']:,}"
        f" updated, {counts['not_modified']:,} feeds unchanged (304 or same body),"
        f" {counts['failed']:,} failing · {rate:,.0f} entries/s"
    )
    print(f"    {shares(report, analysis)}")


def analysis_seconds(home: LibraryHome, tagger: str | None) -> float:
    """How long the entity and date analysis of every stored article takes."""
    if tagger is None:
        return 0.0
    from index.analysis.entities import analyse, get_tagger
    from index.home.ingest import reference_date

    chosen = get_tagger(tagger)
    articles = [home.article(i) for i in home.library.store.article_ids()]
    started = time.monotonic()
    for stored in articles:
        if stored is not None:
            analyse(stored.article.body, reference_date(stored.article), tagger=chosen)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--ner", choices=("rules", "off"), default="rules")
    parser.add_argument("--cli", action="store_true", help="also time the installed CLI")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 1
    files = corpus_files(CORPUS, args.feeds)
    server = FeedServer(hosts=10)
    try:
        feeds = serve(server, files)
        work = Path(tempfile.mkdtemp(prefix="bench-refresh-"))
        opml = write_subscriptions(feeds, work / "subscriptions.opml")
        tagger = None if args.ner == "off" else args.ner
        home = LibraryHome(LibraryPaths(work / "library"), tagger=tagger)
        try:
            home.import_opml(opml)
            first = home.refresh()
            entries = home.count()
            asked = len(server.requests)
            second = home.refresh()
            again = server.requests[asked:]
            analysis = analysis_seconds(home, tagger)
        finally:
            home.close()
        peak = max(server.max_open_per_host().values())
        print(f"{len(files)} feeds on 10 hosts, tagger {args.ner}, {entries:,} entries stored")
        line("first refresh", first, entries, analysis)
        line("no-change refresh", second, entries)
        answered = sum(1 for r in again if r.status == 304)
        print(
            f"second refresh: {answered}/{len(again)} requests answered 304;"
            f" {second.seconds / first.seconds:.1%} of the first's time"
        )
        print(f"requests {len(server.requests)}, most connections open to one host: {peak}")
        if args.cli:
            cli(server, feeds, work, args.ner)
    finally:
        server.close()
    return 0


def cli(server: FeedServer, feeds: list, work: Path, ner: str) -> None:  # type: ignore[type-arg]
    lib = work / "cli-library"
    command = [str(Path(sys.executable).parent / "newsreader"), "--home", str(lib), "--ner", ner]
    subprocess.run([*command, "feeds", "import", str(work / "subscriptions.opml")],
                   check=True, capture_output=True)  # fmt: skip
    times = []
    for _ in range(2):
        started = time.monotonic()
        subprocess.run([*command, "refresh"], check=True, capture_output=True)
        times.append(time.monotonic() - started)
    print(
        f"CLI (fresh process each): first {times[0]:.2f}s, no-change {times[1]:.2f}s"
        f" ({times[1] / times[0]:.1%})"
    )


if __name__ == "__main__":
    sys.exit(main())
