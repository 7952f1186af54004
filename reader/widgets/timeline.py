"""The timeline: articles per day (week, month, year) of the current view, and the dates
they mention, as two bar rows one column per bucket; a stretch of it can be selected and
becomes a ``published:`` range.

Textual's own ``Sparkline`` resamples its data to the widget's width, so a column is no
longer one bucket and has no date a cursor could name; ``textual-plotext`` draws real
axes but brings plotext and has no keyboard selection. This widget draws the buckets
the core chose (``index.search.facets.timeline``) with block characters, one column
each, and scrolls sideways to keep the cursor in view when there are more buckets than
columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.widget import Widget

from index.models import Timeline
from reader import keys
from reader.render import MUTED

BLOCKS = " ▁▂▃▄▅▆▇█"
PUBLISHED_STYLE = "$accent"
MENTIONED_STYLE = "$entity-date"
CURSOR_STYLE = "reverse"
SELECTED_STYLE = "on $primary 40%"


def bars(values: list[int], peak: int, rows: int) -> list[str]:
    """``values`` as ``rows`` lines of block characters, top line first, the tallest
    value ``peak`` filling every row; a non-zero value shows at least the lowest block."""
    levels = rows * 8
    lines = [[" "] * len(values) for _ in range(rows)]
    for column, value in enumerate(values):
        height = 0 if value <= 0 or peak <= 0 else max(1, round(value / peak * levels))
        for row in range(rows):
            filled = height - (rows - 1 - row) * 8
            lines[row][column] = BLOCKS[max(0, min(8, filled))]
    return ["".join(line) for line in lines]


def bucket_end(start: date, bucket: str) -> date:
    """The last day of the bucket that begins on ``start``."""
    if bucket == "day":
        return start
    if bucket == "week":
        return start + timedelta(days=6)
    if bucket == "month":
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return following - timedelta(days=1)
    return date(start.year, 12, 31)


def bucket_name(start: date, bucket: str) -> str:
    if bucket == "day":
        return start.isoformat()
    if bucket == "week":
        return f"week of {start.isoformat()}"
    if bucket == "month":
        return start.strftime("%Y-%m")
    return str(start.year)


class TimelineChart(Widget, can_focus=True):
    """Articles per bucket (top rows) and mentioned dates per bucket (bottom row).

    ``left``/``right`` move the cursor, ``shift`` with them stretches a selection,
    ``enter`` filters the view to the selected stretch (or the cursor's bucket),
    ``escape`` drops the selection.
    """

    DEFAULT_CSS = """
    TimelineChart {
        height: 5;
        padding: 0 1;
        background: transparent;
    }
    """

    BINDINGS = keys.TIMELINE
    """``reader.keys.TIMELINE``: move, stretch, filter by the stretch, drop it."""

    timeline: var[Timeline | None] = var(None, always_update=True)
    cursor: var[int] = var(0)
    pivot: var[int | None] = var(None)
    """Where the selection began (``None``: only the cursor's bucket)."""

    @dataclass
    class Selected(Message):
        """Filter the view to the days from ``start`` to ``end`` (both included)."""

        chart: TimelineChart
        start: date
        end: date

        @property
        def control(self) -> TimelineChart:
            return self.chart

    def show(self, timeline: Timeline | None) -> None:
        """Chart a view's timeline (the cursor on its last bucket, nothing selected)."""
        self.pivot = None
        self.timeline = timeline
        self.cursor = max(0, len(timeline.starts) - 1) if timeline else 0

    def watch_timeline(self) -> None:
        self.refresh()

    def watch_cursor(self) -> None:
        self.refresh()

    def watch_pivot(self) -> None:
        self.refresh()

    @property
    def span(self) -> tuple[int, int]:
        """The selected buckets, first and last (the cursor's alone without a selection)."""
        if self.pivot is None:
            return self.cursor, self.cursor
        return min(self.pivot, self.cursor), max(self.pivot, self.cursor)

    def selected_dates(self) -> tuple[date, date] | None:
        line = self.timeline
        if line is None or not line.starts:
            return None
        first, last = self.span
        return line.starts[first], bucket_end(line.starts[last], line.bucket)

    def _window(self, width: int) -> int:
        """The first bucket shown: all fit, or the cursor stays near the middle."""
        line = self.timeline
        count = len(line.starts) if line else 0
        if count <= width:
            return 0
        return max(0, min(count - width, self.cursor - width // 2))

    def render(self) -> Content:
        line = self.timeline
        width = max(1, self.content_region.width or self.size.width - 2)
        if line is None:
            return Content.styled("…", MUTED)
        if not line.starts:
            note = "no dated articles" + (f" ({line.undated:,} undated)" if line.undated else "")
            return Content.styled(note, MUTED)
        begin = self._window(width)
        shown = range(begin, min(len(line.starts), begin + width))
        published = [line.published[i] for i in shown]
        mentioned = [line.mentioned[i] for i in shown]
        top = bars(published, max(line.published), 2)
        low = bars(mentioned, max(line.mentioned), 1)
        first, last = self.span
        rows: list[Content] = [self._caption(width)]
        for text, style in ((top[0], PUBLISHED_STYLE), (top[1], PUBLISHED_STYLE),
                            (low[0], MENTIONED_STYLE)):  # fmt: skip
            parts = []
            for column, char in zip(shown, text, strict=True):
                if column == self.cursor and self.has_focus:
                    parts.append(Content.styled(char if char != " " else "▁", CURSOR_STYLE))
                elif first <= column <= last and self.pivot is not None:
                    parts.append(Content.styled(char, f"{style} {SELECTED_STYLE}"))
                else:
                    parts.append(Content.styled(char, style))
            rows.append(Content("").join(parts))
        rows.append(self._axis(line, shown, width))
        return Content("\n").join(rows)

    def _caption(self, width: int) -> Content:
        line = self.timeline
        assert line is not None
        first, last = self.span
        if self.pivot is not None and first != last:
            dates = self.selected_dates()
            assert dates is not None
            total = sum(line.published[first : last + 1])
            text = f"{dates[0].isoformat()} → {dates[1].isoformat()} · {total:,}"
        else:
            start = line.starts[self.cursor]
            text = (
                f"{bucket_name(start, line.bucket)} · {line.published[self.cursor]:,}"
                f" · mentioned {line.mentioned[self.cursor]:,}"
            )
        return Content.styled(text[:width], MUTED)

    def _axis(self, line: Timeline, shown: range, width: int) -> Content:
        left = bucket_name(line.starts[shown.start], line.bucket).removeprefix("week of ")
        right = bucket_name(line.starts[shown.stop - 1], line.bucket).removeprefix("week of ")
        gap = width - len(left) - len(right)
        text = left + " " * gap + right if gap >= 1 else left[:width]
        return Content.styled(text, MUTED)

    # Keys ---------------------------------------------------------------------------

    def _move(self, step: int, *, stretch: bool) -> None:
        line = self.timeline
        if line is None or not line.starts:
            return
        if stretch and self.pivot is None:
            self.pivot = self.cursor
        elif not stretch:
            self.pivot = None
        self.cursor = max(0, min(len(line.starts) - 1, self.cursor + step))

    def action_move(self, step: int) -> None:
        self._move(step, stretch=False)

    def action_stretch(self, step: int) -> None:
        self._move(step, stretch=True)

    def action_edge(self, last: bool) -> None:
        line = self.timeline
        if line is not None and line.starts:
            self.pivot = None
            self.cursor = len(line.starts) - 1 if last else 0

    def action_choose(self) -> None:
        dates = self.selected_dates()
        if dates is not None:
            self.post_message(self.Selected(self, *dates))

    def action_clear(self) -> None:
        if self.pivot is not None:
            self.pivot = None
        else:
            self.screen.focus_next()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: object) -> None:
        """A click puts the cursor on the bucket under the pointer (shift: stretches)."""
        x = getattr(event, "x", None)
        line = self.timeline
        if x is None or line is None or not line.starts:
            return
        width = max(1, self.content_region.width)
        column = self._window(width) + int(x) - 1  # one column of padding
        if 0 <= column < len(line.starts):
            self._move(column - self.cursor, stretch=bool(getattr(event, "shift", False)))
