"""Add files and folders to the library (recursively): text, Markdown, HTML, JSON, feeds.

Unchanged files are not read again; changed files are updated in place. Each
file that cannot be read is listed on stderr with the reason (the first
``SHOWN_PER_REASON`` of each reason; ``--all-skips`` lists every one), then a
count by reason, and the rest of the batch goes on. Exit status 0 when the run
completed, even with skips.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import partial

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from index.errors import SourceError
from index.home import IngestReport, LibraryHome
from index.models import Progress as Step
from reader import output, shapes

NAME = "add"
HELP = "add files or folders to the library"
SHOWN_PER_REASON = 10
"""Skip lines printed per reason before the rest are counted (a messy folder gave 1,629)."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to add")
    parser.add_argument(
        "--prune", action="store_true", help="remove articles whose source file is gone"
    )
    parser.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="worker processes (default: cores)"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--all-skips",
        action="store_true",
        help="list every skipped file, not the first of each reason",
    )


def run(args: argparse.Namespace, home: LibraryHome) -> int:
    report = _ingest(args, home)
    _say_skipped(report.skipped, every=args.all_skips)
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
        f"{', '.join(parts)} · {output.counted(report.files, 'file')} in {report.seconds:.1f}s",
        highlight=False,
    )


def reason_kind(reason: str) -> str:
    """A skip's reason without its particulars (``unsupported file type (.bin)`` and
    ``(.exe)`` are one kind), so skips can be counted by kind."""
    return re.sub(r"\s*\([^)]*\)$", "", reason).strip() or reason


def _say_skipped(skipped: Sequence[SourceError | Exception], *, every: bool) -> None:
    """Each skip on stderr (the first few of each kind unless ``every``), then the count
    of each kind when there were more than a handful."""
    kinds: Counter[str] = Counter()
    held: defaultdict[str, int] = defaultdict(int)
    for skip in skipped:
        kind = reason_kind(skip.reason) if isinstance(skip, SourceError) else type(skip).__name__
        kinds[kind] += 1
        if every or kinds[kind] <= SHOWN_PER_REASON:
            output.warn(str(skip))
        else:
            held[kind] += 1
    for kind, count in held.items():
        output.warn(f"… and {count:,} more files: {kind} (--all-skips lists them)")
    if len(skipped) > SHOWN_PER_REASON:
        parts = " · ".join(f"{kind}: {count:,}" for kind, count in kinds.most_common())
        output.stderr.print(output.text(f"{len(skipped):,} skipped — {parts}"), highlight=False)
