"""Check the library and, if it is damaged, back up the damaged files and start clean.

A damaged database is renamed to library.sqlite3.corrupt-<timestamp> (never
deleted) and a fresh library is created with every row the backup still
reads (one damaged page loses its rows, not its table); articles that were
lost are read again from their files, and you are told what was kept per
table and which folders to add again if anything could not be saved. A
damaged search index alone is set aside and rebuilt from the database; index
entries without an article (a killed ``add``) are removed in place. A healthy
library is left untouched.
"""

from __future__ import annotations

import argparse
import shlex

from index.home import LibraryHome, RecoveryReport
from reader import output, shapes

NAME = "recover"
HELP = "back up a damaged library and start a fresh one (or rebuild its search index)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print what was done as JSON")


def run(args: argparse.Namespace, home: LibraryHome) -> int:
    report = home.recover()
    if args.json:
        output.print_json(shapes.recovery(report))
    else:
        for line in _lines(report):
            output.stdout.print(line, highlight=False, markup=False)
    return 0


def _lines(report: RecoveryReport) -> list[str]:
    if report.healthy:
        return ["The library is healthy (database and search index read back whole); nothing done."]
    lines = []
    if report.database_problem is not None:
        lines.append(f"The library database was damaged: {report.database_problem}")
    if report.index_problem is not None:
        lines.append(f"The search index was damaged: {report.index_problem}")
    lines += [f"Backed up to {path}" for path in report.backups]
    if report.ghosts_removed:
        removed = output.counted(report.ghosts_removed, "search entry", "search entries")
        lines.append(
            f"Removed {removed} without an article; `newsreader add` reads their files again."
        )
        return lines
    if report.database_problem is None:
        rebuilt = output.counted(report.rebuilt, "article")
        lines.append(f"Rebuilt the search index from the database: {rebuilt}.")
        return lines
    lines.append("Started a fresh library with every row the backup still reads:")
    lost = report.articles_expected - report.articles_kept - report.articles_reread
    articles = f"  articles: kept {report.articles_kept:,} of {report.articles_expected:,}"
    if report.articles_reread:
        articles += f", {report.articles_reread:,} more read again from their files"
    if lost > 0:
        articles += f", {lost:,} lost (no file to read them from)"
    lines.append(articles)
    if report.bookmarks_kept is not None:
        kept = output.counted(report.bookmarks_kept, "bookmark")
        missing = f" ({report.bookmarks_lost:,} could not be read)" if report.bookmarks_lost else ""
        lines.append(f"  bookmarks: carried over {kept} from the backup{missing}")
    elif report.bookmarks_problem is not None:
        lines.append(
            f"  bookmarks could not be read from the backup ({report.bookmarks_problem}); "
            "they stay in the backup file"
        )
    others = [
        f"{table} {kept:,}" + (f" ({lost:,} lost)" if lost else "")
        for table, (kept, lost) in sorted(report.salvaged.items())
        if table not in ("articles", "bookmarks") and not table.endswith("_copy") and (kept or lost)
    ]
    if others:
        lines.append("  other rows kept: " + ", ".join(others))
    if lost <= 0:
        return lines
    if report.folders:
        folders = " ".join(shlex.quote(folder) for folder in report.folders)
        lines.append(f"Add your folders again: newsreader add {folders}")
    else:
        lines.append("Add your folders again: newsreader add PATH...")
    return lines
