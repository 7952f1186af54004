"""List articles newest first, as the reader's list does (stated dates before file dates).

  newsreader list                 # every article, newest first
  newsreader list --unread        # what you have not read yet
  newsreader list --starred --json

Each row: title, source, date and id; ``●`` marks an unread article, ``★`` a
starred one. ``--json`` prints ``{"total": N, "articles": [hit, ...]}`` with each
hit's ``read`` and ``starred``.
"""

from __future__ import annotations

import argparse

from index.home import MAX_LIMIT, LibraryHome, State
from reader import output, shapes

NAME = "list"
HELP = "list articles newest first (all, unread or starred)"


def configure(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--unread", action="store_true", help="only unread articles")
    which.add_argument("--read", action="store_true", help="only read articles")
    which.add_argument("--starred", action="store_true", help="only starred articles")
    parser.add_argument("--limit", type=int, default=50, metavar="N", help="rows to show (50)")
    parser.add_argument("--offset", type=int, default=0, metavar="N", help="rows to skip")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")


def run(args: argparse.Namespace, home: LibraryHome) -> int:
    state: State | None = (
        "unread" if args.unread else "read" if args.read else "starred" if args.starred else None
    )
    limit = max(1, min(args.limit, MAX_LIMIT))
    hits = home.recent(limit=limit, offset=max(0, args.offset), state=state)
    counts = home.mark_counts()
    total = counts[state or "articles"]
    if args.json:
        output.print_json({"total": total, "articles": [shapes.hit(h, ranked=False) for h in hits]})
        return 0
    if not hits:
        output.stdout.print(f"no {state} articles" if state else "no articles", highlight=False)
        return 0
    for hit in hits:
        flags = ("●" if not hit.read else " ") + ("★" if hit.starred else " ")
        output.stdout.print(
            f"{flags} " + output.heading(hit.title, hit.source, hit.published, hit.id),
            highlight=False,
        )
    shown = f"{args.offset + 1:,}–{args.offset + len(hits):,}"
    output.stdout.print(
        f"[dim]{shown} of {output.counted(total, 'article')} · "
        f"{counts['unread']:,} unread, {counts['starred']:,} starred[/]",
        highlight=False,
    )
    return 0
