"""Filter rules: what to do with new articles that match a query, as they arrive.

  newsreader filters add 'source:tabloid' --action hide
  newsreader filters add 'person:blinken' --action star
  newsreader filters add 'feed:"World Desk" sport' --action read
  newsreader filters add 'ceasefire OR truce' --action tag --tag talks
  newsreader filters list [--json]
  newsreader filters remove ID

A rule acts on the articles each ``add``, subscription or refresh adds, once. A
hidden article is kept: ``is:hidden`` finds it, and nothing is deleted;
``tag:NAME`` finds what a tag rule tagged. A query that cannot be read is refused.
"""

from __future__ import annotations

import argparse

from index.home import LibraryHome
from reader import output

NAME = "filters"
HELP = "rules for new articles: hide, mark read, star or tag what matches a query"
ACTIONS = ("hide", "read", "star", "tag")


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="a rule: a query and what to do")
    add.add_argument("query", nargs="+", help="the query (several words are joined)")
    add.add_argument("--action", dest="what", choices=ACTIONS, required=True)
    add.add_argument("--tag", default="", help="the tag, for --action tag")
    listing = actions.add_parser("list", help="the rules")
    listing.add_argument("--json", action="store_true", help="print them as JSON")
    remove = actions.add_parser("remove", help="remove a rule by its number")
    remove.add_argument("id", type=int)


def run(args: argparse.Namespace, home: LibraryHome) -> int:
    if args.action == "add":
        rule = home.add_rule(" ".join(args.query), args.what, args.tag)
        output.stdout.print(output.text(f"rule {rule.describe()}"), highlight=False)
        return 0
    if args.action == "remove":
        if home.remove_rule(args.id):
            output.stdout.print(f"removed rule #{args.id}", highlight=False)
            return 0
        output.error(f"no rule #{args.id} (see `newsreader filters list`)")
        return 1
    rules = home.rules()
    if args.json:
        output.print_json(
            [{"id": r.id, "query": r.query, "action": r.action, "tag": r.tag} for r in rules]
        )
        return 0
    if not rules:
        output.stdout.print("no filter rules (newsreader filters add QUERY --action …)")
    for rule in rules:
        output.stdout.print(output.text(rule.describe()), highlight=False)
    return 0
