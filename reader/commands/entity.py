"""One entity across the library: its canonical name and the spellings articles use,
how many articles name it, when (a timeline of articles per day, week, month or year,
chosen by the span), the entities named with it most, and its latest articles.

NAME is a canonical name ("Antony Blinken"), a part of one ("Blinken": the entity
in most articles that has those words is shown, the others are listed), or a key as
``--json`` prints it ("person:antony blinken", "org:bbc")."""

from __future__ import annotations

import argparse

from index.home import LibraryHome
from index.models import EntityPage, Timeline
from reader import output, shapes

NAME = "entity"
HELP = "an entity's page: names, count, timeline, who and what appears with it"
BARS = " ▁▂▃▄▅▆▇█"
CHART_WIDTH = 60


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help='a name ("Blinken", "Antony Blinken") or a key ("org:bbc")')
    parser.add_argument("--limit", type=int, default=10, metavar="N", help="rows per list (10)")
    parser.add_argument("--json", action="store_true", help="print as JSON")


def run(args: argparse.Namespace, home: LibraryHome) -> int:
    page = home.entity(args.name, limit=max(1, min(args.limit, 100)))
    if args.json:
        output.print_json(shapes.entity(page))
        return 0
    _print(page)
    return 0


def _print(page: EntityPage) -> None:
    console = output.stdout
    console.print(
        f"[bold]{output.text(page.name)}[/]  [dim]{page.label} · "
        f"{output.counted(page.count, 'article')} · {output.text(page.key)}[/]",
        highlight=False,
    )
    if page.spellings:
        spelled = ", ".join(f"{output.text(text)} ({count})" for text, count in page.spellings)
        console.print(f"  spelled: {spelled}", highlight=False)
    for line in chart(page.timeline):
        console.print(f"  {line}", highlight=False, markup=False)
    if page.cooccurring:
        console.print("[bold]appears with[/]", highlight=False)
        for item in page.cooccurring:
            console.print(
                f"  {item.count:>6,}  {output.text(item.name)}  [dim]{item.label}[/]",
                highlight=False,
            )
    if page.latest:
        console.print("[bold]latest[/]", highlight=False)
        for hit in page.latest:
            console.print(
                "  " + output.heading(hit.title, hit.source, hit.published, hit.id),
                highlight=False,
            )
    if page.others:
        others = ", ".join(
            f"{output.text(item.name)} ({item.label}, {item.count:,})" for item in page.others
        )
        console.print(f"[dim]also: {others}[/]", highlight=False)


def chart(timeline: Timeline, width: int = CHART_WIDTH) -> list[str]:
    """A one-line sparkline of articles per bucket (the last ``width`` buckets) with
    its first and last bucket's dates under it; nothing when no article is dated."""
    counts = list(timeline.published[-width:])
    starts = timeline.starts[-width:]
    if not counts:
        return []
    top = max(counts) or 1
    bars = "".join(BARS[0 if c == 0 else 1 + (c * (len(BARS) - 2)) // top] for c in counts)
    first, last = starts[0].isoformat(), starts[-1].isoformat()
    gap = max(1, len(bars) - len(first) - len(last))
    shown = (
        f"{timeline.bucket}s"
        if len(timeline.published) <= width
        else f"last {width} {timeline.bucket}s"
    )
    return [f"{bars}  max {max(counts):,}/{timeline.bucket} ({shown})", f"{first}{' ' * gap}{last}"]
