"""Show one article by id: metadata, body, and its entity and date spans with --json."""

from __future__ import annotations

import argparse
from collections import Counter

from index.codec import iso
from index.errors import NewsreaderError
from index.home import LibraryHome
from reader import output, shapes

NAME = "show"
HELP = "show an article"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="the article id (from search)")
    parser.add_argument("--json", action="store_true", help="print the article as JSON")


def run(args: argparse.Namespace, home: LibraryHome) -> int:
    stored = home.article(args.id)
    if stored is None:
        raise NewsreaderError(f"no article with id {args.id!r} (ids are shown by search)")
    article, analysis = stored.article, stored.analysis
    if args.json:
        output.print_json(shapes.article(stored))
        return 0
    console = output.stdout
    console.print(f"[bold]{output.text(article.title)}[/]", highlight=False)
    byline = " · ".join(
        part
        for part in (article.source, article.author, (iso(article.published) or "")[:10])
        if part
    )
    console.print(f"[dim]{output.text(byline)}[/]", highlight=False)
    console.print()
    console.print(article.body, markup=False, highlight=False)
    if analysis.entities:
        counts = Counter((span.label, span.canonical) for span in analysis.entities)
        console.print()
        for (label, name), count in sorted(counts.items()):
            console.print(f"[dim]{label:<7}[/] {output.text(name)} ×{count}", highlight=False)
    return 0
