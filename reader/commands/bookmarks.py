"""Passage bookmarks: list, add, delete, export (Markdown or W3C Web Annotation JSON), import.

  newsreader bookmarks list [--json] [--tag T] [--text S] [--status S]
  newsreader bookmarks add ARTICLE_ID --quote TEXT [--note N] [--tag T ...]
  newsreader bookmarks delete BOOKMARK_ID
  newsreader bookmarks export --format markdown|json [--output FILE]
  newsreader bookmarks import FILE

Before listing or exporting, bookmarks are checked against the library: one
whose article changed is re-anchored (status `moved` when its passage moved or
changed a little), one whose passage or article is gone is `orphaned` and kept.
`list --json` prints a list of objects with id, article_id, article_title,
quote, note, tags, created, updated, status, start and end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from index.errors import NewsreaderError
from index.home import LibraryHome
from index.models import Bookmark
from reader import output, shapes

NAME = "bookmarks"
HELP = "list, add, delete, export and import passage bookmarks"


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="list bookmarks, newest first")
    listing.add_argument("--json", action="store_true", help="print them as JSON")
    listing.add_argument("--tag", metavar="T", help="only bookmarks tagged T")
    listing.add_argument("--text", metavar="S", help="only those whose quote, note or title has S")
    listing.add_argument("--status", choices=("anchored", "moved", "orphaned"))
    listing.set_defaults(action_run=_list)

    add = actions.add_parser("add", help="bookmark a passage of an article")
    add.add_argument("article_id", metavar="ID", help="the article id (from search)")
    add.add_argument("--quote", required=True, metavar="TEXT", help="the passage, as in the text")
    add.add_argument("--note", default="", metavar="N", help="a note")
    add.add_argument(
        "--tag", action="append", default=[], metavar="T", help="a tag (repeat for more)"
    )
    add.add_argument("--json", action="store_true", help="print the new bookmark as JSON")
    add.set_defaults(action_run=_add)

    delete = actions.add_parser("delete", help="delete a bookmark")
    delete.add_argument("bookmark_id", metavar="ID", help="the bookmark id (or its start)")
    delete.set_defaults(action_run=_delete)

    export = actions.add_parser("export", help="export all bookmarks")
    export.add_argument("--format", choices=("markdown", "json"), default="markdown")
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE (default: stdout)")
    export.set_defaults(action_run=_export)

    imports = actions.add_parser("import", help="import bookmarks exported as JSON")
    imports.add_argument("file", metavar="FILE", help="a JSON export (W3C Web Annotations)")
    imports.set_defaults(action_run=_import)


def run(args: argparse.Namespace, home: LibraryHome) -> int:
    return int(args.action_run(args, home))


def _list(args: argparse.Namespace, home: LibraryHome) -> int:
    found = home.list_bookmarks(tag=args.tag, text=args.text, status=args.status)
    if args.json:
        output.print_json([shapes.bookmark(b) for b in found])
        return 0
    if not found:
        output.stderr.print("no bookmarks", highlight=False)
    for bookmark in found:
        _print(bookmark)
    return 0


def _print(bookmark: Bookmark) -> None:
    console = output.stdout
    when = bookmark.created.strftime("%Y-%m-%d") if bookmark.created else ""
    status = "" if bookmark.status == "anchored" else f" [yellow]{bookmark.status}[/]"
    title = output.text(bookmark.article_title or bookmark.article_id)
    console.print(f"[bold]{bookmark.id}[/] [dim]{when}[/] {title}{status}", highlight=False)
    console.print(f"  “{output.text(' '.join(bookmark.quote.split()))}”", highlight=False)
    if bookmark.note:
        console.print(f"  [italic]{output.text(bookmark.note)}[/]", highlight=False)
    if bookmark.tags:
        console.print("  " + " ".join(f"#{output.text(t)}" for t in bookmark.tags), highlight=False)


def _add(args: argparse.Namespace, home: LibraryHome) -> int:
    bookmark = home.add_bookmark_quote(args.article_id, args.quote, note=args.note, tags=args.tag)
    if args.json:
        output.print_json(shapes.bookmark(bookmark))
    else:
        sys.stdout.write(bookmark.id + "\n")
    return 0


def _delete(args: argparse.Namespace, home: LibraryHome) -> int:
    bookmark = home.bookmark(args.bookmark_id)
    home.delete_bookmark(bookmark.id)
    output.stderr.print(f"deleted bookmark {bookmark.id}", highlight=False)
    return 0


def _export(args: argparse.Namespace, home: LibraryHome) -> int:
    exported, count = home.export_bookmarks(args.format)
    if isinstance(exported, str):
        text = exported
    else:
        text = json.dumps(exported, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        _write_atomically(Path(args.output), text)
        output.stderr.print(
            f"exported {output.counted(count, 'bookmark')} to {args.output}", highlight=False
        )
    else:
        sys.stdout.write(text)
    return 0


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path`` then rename: never a half-written export."""
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise NewsreaderError(f"cannot write {path}: {error.strerror or error}") from error


def _import(args: argparse.Namespace, home: LibraryHome) -> int:
    path = Path(args.file)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise NewsreaderError(f"cannot read {path}: {error.strerror or error}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NewsreaderError(f"{path} is not JSON: {error}") from error
    written = home.import_bookmarks(data)
    output.stderr.print(
        f"imported {output.counted(written, 'bookmark')} from {path}", highlight=False
    )
    return 0
