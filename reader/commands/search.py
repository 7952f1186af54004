"""Search the library with the query language.

Words are ANDed; use AND, OR, NOT, "exact phrases", field:term (title, body,
source, author, person, org, place, norp, entity, published, mentioned),
date ranges published:[2024-11-01 to 2024-11-30], natural dates
(published:yesterday, published:2024), prefixes gaz* and fuzzy terms blinkn~.
"""

from __future__ import annotations

import argparse

from index.home import MAX_LIMIT, LibraryHome
from reader import output, shapes

NAME = "search"
HELP = "search the library"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="+", help="the query (several words are joined)")
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="hits to show (20)")
    parser.add_argument(
        "--sort", choices=("relevance", "date"), default="relevance", help="order of hits"
    )
    parser.add_argument("--json", action="store_true", help="print hits as JSON")


def run(args: argparse.Namespace, home: LibraryHome) -> int:
    text = " ".join(args.query)
    if args.limit > MAX_LIMIT:
        output.stderr.print(
            f"showing at most {MAX_LIMIT:,} hits (--limit {args.limit:,} is more than that)",
            highlight=False,
        )
    result = home.search(text, limit=args.limit, sort=args.sort)
    if args.json:
        output.print_json(shapes.search(result, ranked=args.sort == "relevance"))
        return 0
    if not result.hits:
        output.stdout.print(f"no articles match {text!r}", highlight=False)
        return 0
    for hit in result.hits:
        output.stdout.print(
            output.heading(hit.title, hit.source, hit.published, hit.id), highlight=False
        )
        output.stdout.print(f"  {output.marked(hit.snippet, hit.spans)}", highlight=False)
    shown = len(result.hits)
    bound = "" if result.exact else "up to "
    output.stdout.print(
        f"[dim]{shown} of {bound}{output.counted(result.total, 'hit')}[/]", highlight=False
    )
    return 0
