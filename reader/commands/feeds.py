"""Subscriptions: add feeds (or pages that name one), import and export OPML, list, remove.

  newsreader feeds add URL|FILE... [--folder F]
  newsreader feeds import FILE.opml
  newsreader feeds export [--output FILE]
  newsreader feeds list [--json]
  newsreader feeds remove NAME|URL [--delete-articles]
  newsreader feeds full-text NAME|URL on|off
  newsreader feeds keep NAME [--days N] [--max N]  # retention: see `newsreader cleanup`

`add` takes a feed's URL, a web page's URL (its <link rel="alternate"> feeds,
then the common paths such as /feed and /rss.xml are tried) or a local feed
file, and stores the feed's entries from that first response. `import` reads
an OPML file (nested outlines become folders; feeds already subscribed are
skipped; a file declaring a DTD is refused); its feeds are fetched by the next
`newsreader refresh`. `export` writes OPML 2.0 that newsboat and Miniflux
import. `remove` keeps the feed's articles unless --delete-articles is given,
and even then keeps every article that has a bookmark.

`list --json` prints a list of objects with id, title, url, folder, site_url,
full_text, articles, unread, new (added by the last fetch), last_fetch, last_success,
next_fetch, status, error and errors_in_a_row.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from index.codec import iso
from index.home import LibraryHome, Subscription
from reader import output
from reader.commands.refresh import plain, print_failures

NAME = "feeds"
HELP = "subscribe to feeds, import/export OPML, list and remove subscriptions"


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="subscribe to feeds (URLs, web pages or files)")
    add.add_argument("urls", nargs="+", metavar="URL", help="feed or page URL, or a feed file")
    add.add_argument("--folder", default="", metavar="F", help="put them in folder F")
    add.add_argument("--json", action="store_true", help="print the outcome as JSON")
    add.set_defaults(action_run=_add)

    imports = actions.add_parser("import", help="subscribe to the feeds of an OPML file")
    imports.add_argument("file", metavar="FILE", help="an OPML file")
    imports.add_argument("--json", action="store_true", help="print the outcome as JSON")
    imports.set_defaults(action_run=_import)

    export = actions.add_parser("export", help="write the subscriptions as OPML 2.0")
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE (default: stdout)")
    export.set_defaults(action_run=_export)

    listing = actions.add_parser("list", help="list the subscriptions and their state")
    listing.add_argument("--json", action="store_true", help="print them as JSON")
    listing.set_defaults(action_run=_list)

    remove = actions.add_parser("remove", help="unsubscribe from a feed")
    remove.add_argument("name", metavar="NAME", help="the feed's URL, title or id")
    remove.add_argument(
        "--delete-articles",
        action="store_true",
        help="remove its articles from the library too (bookmarked ones are kept)",
    )
    remove.set_defaults(action_run=_remove)

    full = actions.add_parser("full-text", help="fetch each new entry's page for its full text")
    full.add_argument("name", metavar="NAME", help="the feed's URL, title or id")
    full.add_argument("state", choices=("on", "off"))
    full.set_defaults(action_run=_full_text)

    keep = actions.add_parser("keep", help="how long a feed's read articles are kept")
    keep.add_argument("name", metavar="NAME", help="the feed's URL, title or id")
    keep.add_argument("--days", type=int, default=None, help="keep read articles N days")
    keep.add_argument("--max", type=int, default=None, help="keep at most N articles")
    keep.set_defaults(action_run=_keep)


def run(args: argparse.Namespace, home: LibraryHome) -> int:
    return int(args.action_run(args, home))


def _add(args: argparse.Namespace, home: LibraryHome) -> int:
    done, report = home.subscribe(args.urls, folder=args.folder)
    added = {f.subscription.id: f for f in report.feeds}
    failed = 0
    rows: list[dict[str, Any]] = []
    for item in done:
        sub = item.subscription
        if sub is None:
            failed += 1
            output.error(item.error or f"{item.given}: cannot subscribe")
            rows.append({"given": item.given, "error": item.error})
            continue
        fetched = added.get(sub.id)
        count = fetched.added if fetched else 0
        rows.append({"given": item.given, "url": sub.url, "new": item.new, "added": count})
        if not args.json:
            verb = "subscribed to" if item.new else "already subscribed to"
            extra = f" · {output.counted(count, 'article')} added" if fetched else ""
            output.stdout.print(f"{verb} {plain(sub.name)} <{plain(sub.url)}>{extra}",
                                highlight=False)  # fmt: skip
    print_failures(report)
    if args.json:
        output.print_json(rows)
    return 1 if failed == len(done) else 0


def _import(args: argparse.Namespace, home: LibraryHome) -> int:
    report = home.import_opml(args.file)
    errors = [s for s in report.subscribed if s.error]
    for item in errors:
        output.warn(item.error or item.given)
    counts = {"subscribed": report.added, "already": report.duplicates, "refused": len(errors)}
    if args.json:
        output.print_json(counts)
    else:
        output.stdout.print(
            f"{output.counted(report.added, 'feed')} subscribed, "
            f"{report.duplicates:,} already subscribed"
            f" (skipped), {len(errors):,} refused · run `newsreader refresh` to fetch them",
            highlight=False,
        )
    return 0


def _export(args: argparse.Namespace, home: LibraryHome) -> int:
    data, count = home.export_opml()
    if args.output:
        Path(args.output).write_bytes(data)
        output.stderr.print(
            f"{output.counted(count, 'feed')} written to {plain(args.output)}", highlight=False
        )
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def _list(args: argparse.Namespace, home: LibraryHome) -> int:
    rows = home.list_feeds()
    if args.json:
        output.print_json(
            [feed_to_dict(row.subscription, row.articles, row.unread) for row in rows]
        )
        return 0
    if not rows:
        output.stdout.print("no subscriptions yet: `newsreader feeds add URL` or `feeds import`")
        return 0
    for row in rows:
        sub = row.subscription
        folder = f"{plain(sub.folder)}/ " if sub.folder else ""
        state = status(sub)
        last = _when(sub.last_fetch) or "never"
        line = (
            f"{folder}{plain(sub.name)}  <{plain(sub.url)}>\n"
            f"    {output.counted(row.articles, 'article')} ({row.unread:,} unread,"
            f" {sub.last_new:,} new)"
            f" · last fetch {last}"
            f" · next {_when(sub.next_fetch) or ('never' if sub.gone else 'at the next refresh')}"
            f" · {state}"
        )
        if sub.error:
            times = f" ({sub.errors_in_a_row} in a row)" if sub.errors_in_a_row > 1 else ""
            line += f"\n    last error{times}: {plain(sub.error)}"
        output.stdout.print(line, highlight=False)
    return 0


def _remove(args: argparse.Namespace, home: LibraryHome) -> int:
    sub, removed, kept = home.unsubscribe(args.name, delete_articles=args.delete_articles)
    what = (
        f"; {removed:,} of its articles removed, {kept:,} kept (bookmarked)"
        if args.delete_articles
        else "; its articles stay in the library"
    )
    output.stdout.print(f"unsubscribed from {plain(sub.name)}{what}", highlight=False)
    return 0


def _keep(args: argparse.Namespace, home: LibraryHome) -> int:
    sub = home.set_retention(args.name, keep_days=args.days, keep_max=args.max)
    if args.days is None and args.max is None:
        said = "keeps everything"
    else:
        parts = [f"read articles {args.days} days" if args.days else "",
                 f"at most {args.max:,} articles" if args.max else ""]  # fmt: skip
        said = "keeps " + " and ".join(p for p in parts if p) + " (`newsreader cleanup`)"
    output.stdout.print(f"{plain(sub.name)} {said}", highlight=False)
    return 0


def _full_text(args: argparse.Namespace, home: LibraryHome) -> int:
    sub = home.set_full_text(args.name, args.state == "on")
    state = "fetches each new entry's page" if sub.full_text else "keeps the feed's own text"
    output.stdout.print(f"{plain(sub.name)} {state}", highlight=False)
    return 0


def status(sub: Subscription) -> str:
    if sub.gone:
        return "gone (stopped)"
    if sub.error:
        return "failing" if sub.errors_in_a_row else "waiting"
    return "ok" if sub.last_success else "not fetched yet"


def feed_to_dict(sub: Subscription, articles: int, unread: int = 0) -> dict[str, Any]:
    """The stable JSON shape of one subscription in ``feeds list --json``."""
    return {
        "id": sub.id,
        "title": sub.title,
        "url": sub.url,
        "folder": sub.folder,
        "site_url": sub.site_url,
        "full_text": sub.full_text,
        "articles": articles,
        "unread": unread,
        "new": sub.last_new,
        "last_fetch": iso(sub.last_fetch),
        "last_success": iso(sub.last_success),
        "next_fetch": iso(sub.next_fetch),
        "status": status(sub),
        "error": sub.error,
        "error_kind": sub.error_kind,
        "errors_in_a_row": sub.errors_in_a_row,
    }


def _when(value: Any) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value is not None else ""
