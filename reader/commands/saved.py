"""Saved searches: any query, kept under a name (newsboat's query feeds, and beyond).

  newsreader saved add NAME QUERY...     # e.g. saved add Blinken 'person:blinken is:unread'
  newsreader saved list [--json]         # name, query, articles and unread
  newsreader saved remove NAME

The reader lists them in its sources pane with their unread counts. A query
that cannot be read is refused with the reason.
"""

from __future__ import annotations

import argparse

from index.home import LibraryHome
from reader import output

NAME = "saved"
HELP = "saved searches: add, list, remove"


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="save a query under a name")
    add.add_argument("name")
    add.add_argument("query", nargs="+", help="the query (several words are joined)")
    listing = actions.add_parser("list", help="the saved searches with their counts")
    listing.add_argument("--json", action="store_true", help="print them as JSON")
    remove = actions.add_parser("remove", help="forget a saved search")
    remove.add_argument("name")


def run(args: argparse.Namespace, home: LibraryHome) -> int:
    if args.action == "add":
        query = " ".join(args.query)
        new = home.save_search(args.name, query)
        word = "saved" if new else "updated"
        output.stdout.print(output.text(f"{word} {args.name!r}: {query}"), highlight=False)
        return 0
    if args.action == "remove":
        if home.remove_saved_search(args.name):
            output.stdout.print(output.text(f"removed {args.name!r}"), highlight=False)
            return 0
        output.error(f"no saved search called {args.name!r}")
        return 1
    rows = []
    for name, query in home.saved_searches():
        total, unread = home.view_counts(query)
        rows.append({"name": name, "query": query, "articles": total, "unread": unread})
    if args.json:
        output.print_json(rows)
        return 0
    if not rows:
        output.stdout.print("no saved searches (newsreader saved add NAME QUERY)", highlight=False)
    for row in rows:
        output.stdout.print(
            output.text(f"{row['name']}  {row['query']}")
            + f"  [dim]{row['articles']:,} articles, {row['unread']:,} unread[/]",
            highlight=False,
        )
    return 0
