"""Mark articles read or unread, starred or not.

  newsreader mark read ID...      # ids from search or list
  newsreader mark unread ID...
  newsreader mark star ID...
  newsreader mark unstar ID...
  newsreader mark read --all      # every article (the reader's "mark all read")

Says how many changed; an id the library does not hold is named (exit 1), the
others are still marked. The state lives in the library's database: it
survives re-adds, updates of an entry and ``recover``'s re-index.
"""

from __future__ import annotations

import argparse

from index.home import LibraryHome
from reader import output

NAME = "mark"
HELP = "mark articles read, unread, starred or unstarred"
WORDS = {"read": "read", "unread": "unread", "star": "starred", "unstar": "unstarred"}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("how", choices=tuple(WORDS), help="what to mark them")
    parser.add_argument("ids", nargs="*", metavar="ID", help="article ids")
    parser.add_argument("--all", action="store_true", help="every article in the library")


def run(args: argparse.Namespace, home: LibraryHome) -> int:
    if args.all == bool(args.ids):
        output.error("give article ids, or --all (not both)")
        return 2
    report = home.mark(None if args.all else args.ids, args.how)
    output.stdout.print(
        f"{output.counted(report.changed, 'article')} marked {WORDS[args.how]}"
        f" ({report.already:,} already were)",
        highlight=False,
    )
    for article_id in report.missing:
        output.error(f"no article with id {article_id!r}")
    return 1 if report.missing else 0
