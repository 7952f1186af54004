"""Let feeds' old read articles go, as each feed's retention says.

  newsreader feeds keep NAME --days 30 --max 500   # set a feed's retention
  newsreader cleanup --dry-run                     # what would be removed, per feed
  newsreader cleanup                               # remove it

An article is removed only when it is read, not starred, not bookmarked, and no
other feed or file carries it; a removed entry is not fetched again. Feeds with
no retention keep everything.
"""

from __future__ import annotations

import argparse

from index.home import LibraryHome
from reader import output

NAME = "cleanup"
HELP = "remove feeds' old read articles, as their retention says"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="say what would go, remove nothing")


def run(args: argparse.Namespace, home: LibraryHome) -> int:
    plan = home.cleanup(dry_run=args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    total = sum(len(ids) for _, ids in plan)
    for sub, ids in plan:
        output.stdout.print(
            output.text(f"{sub.name}: {verb} {output.counted(len(ids), 'article')}"),
            highlight=False,
        )
    output.stdout.print(f"{verb} {output.counted(total, 'article')} in all", highlight=False)
    return 0
