"""Add files and folders to the library (recursively): text, Markdown, HTML, JSON, feeds.

Unchanged files are not read again; changed files are updated in place. Each
file that cannot be read is listed on stderr with the reason, and the rest of
the batch goes on. Exit status 0 when the run completed, even with skips.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from index.home import IngestReport, LibraryHome
from index.models import Progress as Step
from reader import output, shapes

NAME = "add"
HELP = "add files or folders to the library"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to add")
    parser.add_argument(
        "--prune", action="store_true", help="remove articles whose source file is gone"
    )
    parser.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="worker processes (default: cores)"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def run(args: argparse.Namespace, home: LibraryHome) -> int:
    report = _ingest(args, home)
    for skip in report.skipped:
        output.warn(str(skip))
    if args.json:
        output.print_json(shapes.ingest_report(report))
    else:
        _summary(report)
    return 0


def _say_waiting(holder: int | None) -> None:
    who = f" (pid {holder})" if holder else ""
    output.stderr.print(f"the library is busy: another newsreader{who} is writing; waiting…")


def _ingest(args: argparse.Namespace, home: LibraryHome) -> IngestReport:
    run = partial(home.add, args.paths, prune=args.prune, jobs=args.jobs, on_wait=_say_waiting)
    if not sys.stderr.isatty():
        return run()
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=output.stderr, transient=True) as bar:
        task = bar.add_task("adding", total=None)

        def step(progress: Step) -> None:
            bar.update(task, completed=progress.done, total=progress.total)

        return run(on_progress=step)


def _summary(report: IngestReport) -> None:
    counts = report.counts()
    parts = [f"{counts[k]:,} {k}" for k in ("added", "updated", "unchanged", "removed", "skipped")]
    output.stdout.print(
        f"{', '.join(parts)} · {report.files:,} files in {report.seconds:.1f}s", highlight=False
    )
