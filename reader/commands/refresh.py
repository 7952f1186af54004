"""Fetch the subscribed feeds and add their new and changed entries to the library.

  newsreader refresh [FEED...] [--due] [--json]

By hand every feed is fetched (or those named, by URL, title or id), whatever
its schedule; with --due only those whose next fetch has come (for cron). A
server's Retry-After is obeyed either way, and a feed that is gone (HTTP 410)
is not fetched again. Feeds are asked conditionally (ETag, Last-Modified) and
one request per host at a time. Each feed that fails gets one line on stderr
with its error and its next fetch; exit status 0 when the refresh completed,
even with failing feeds.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from index.home import LibraryHome, RefreshReport
from index.models import Progress as Step
from reader import output

NAME = "refresh"
HELP = "fetch the subscribed feeds and add their new entries"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("feeds", nargs="*", metavar="FEED", help="only these (URL, title or id)")
    parser.add_argument("--due", action="store_true", help="only feeds whose next fetch has come")
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")


def run(args: argparse.Namespace, home: LibraryHome) -> int:
    report = _refresh(args, home)
    print_failures(report)
    if args.json:
        output.print_json(
            {
                **report.counts(),
                "seconds": round(report.seconds, 3),
                "network_down": report.network_down,
                "feeds": [
                    {
                        "url": f.subscription.url,
                        "kind": f.kind,
                        "added": f.added,
                        "updated": f.updated,
                        "error": f.error,
                        "next_fetch": f.next_fetch,
                        "moved_to": f.moved_to,
                    }
                    for f in report.feeds
                ],
            }
        )
        return 0
    counts = report.counts()
    note = (
        " · the network seems down: no feed was counted as failing" if report.network_down else ""
    )
    output.stdout.print(
        f"{output.counted(counts['feeds'], 'feed')}: "
        f"{output.counted(counts['added'], 'article')} added, {counts['updated']:,}"
        f" updated, {counts['not_modified']:,} unchanged, {counts['failed']:,} failing"
        f" · {report.seconds:.1f}s{note}",
        highlight=False,
        markup=False,
    )
    return 0


def _say_waiting(holder: int | None) -> None:
    who = f" (pid {holder})" if holder else ""
    output.stderr.print(f"the library is busy: another newsreader{who} is writing; waiting…")


def _refresh(args: argparse.Namespace, home: LibraryHome) -> RefreshReport:
    def go(on_progress: Callable[[Step], None] | None = None) -> RefreshReport:
        return home.refresh(args.feeds, force=not args.due, on_progress=on_progress,
                            on_wait=_say_waiting)  # fmt: skip

    if not sys.stderr.isatty():
        return go()
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("feeds · {task.fields[added]} new"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=output.stderr, transient=True) as bar:
        task = bar.add_task("refreshing", total=None, added=0)

        def step(progress: Step) -> None:
            bar.update(task, completed=progress.done, total=progress.total,
                       added=progress.counts.get("added", 0))  # fmt: skip

        return go(step)


def print_failures(report: RefreshReport) -> None:
    """One line on stderr per failing feed: its name, its error, when it is tried again."""
    for feed in report.failed:
        sub = feed.subscription
        when = (
            f"next try {feed.next_fetch:%Y-%m-%d %H:%M} UTC"
            if feed.next_fetch
            else "not fetched again"
        )
        output.stderr.print(
            f"failed {plain(sub.name)} <{plain(sub.url)}>: {plain(feed.error or feed.kind)}"
            f" · {when}",
            highlight=False,
        )


def plain(text: str) -> str:
    """Text from a feed or a server for a Rich line: one line, no control character,
    markup shown as text."""
    return output.text(" ".join(text.split()))
