"""Articles related to one article, each with the reason: the entities both name
("shares: Antony Blinken, Gaza") and the key words they share ("similar: ceasefire, aid")."""

from __future__ import annotations

import argparse

from index.errors import NewsreaderError
from index.home import LibraryHome
from reader import output, shapes

NAME = "related"
HELP = "articles related to an article, with reasons"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="the article id (from search)")
    parser.add_argument("--limit", type=int, default=5, metavar="N", help="how many (5)")
    parser.add_argument("--json", action="store_true", help="print as JSON")


def run(args: argparse.Namespace, home: LibraryHome) -> int:
    if home.article(args.id) is None:
        raise NewsreaderError(f"no article with id {args.id!r} (ids are shown by search)")
    items = home.related(args.id, limit=max(1, args.limit))
    if args.json:
        output.print_json([shapes.related(item) for item in items])
        return 0
    for item in items:
        output.stdout.print(
            output.heading(item.title, item.source, item.published, item.id), highlight=False
        )
        output.stdout.print(f"  [dim]{output.text(item.reason)}[/]", highlight=False)
    return 0
