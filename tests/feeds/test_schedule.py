"""The schedule's arithmetic: the publisher's hints, the clamp, the back-off, the jitter."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from index.feeds import schedule

AT = datetime(2026, 11, 1, 12, 0, 0)


def _next(headers: dict[str, str] | None = None, **kw: object) -> timedelta:
    return schedule.next_fetch(AT, headers=headers, rng=random.Random(1), **kw) - AT  # type: ignore[arg-type]


def test_the_longest_hint_wins_within_an_hour_and_a_day() -> None:
    assert timedelta(minutes=60) <= _next() <= timedelta(minutes=66)
    assert timedelta(hours=2) <= _next(ttl_minutes=120) <= timedelta(hours=2, minutes=12)
    assert _next({"cache-control": "public, max-age=10800"}) >= timedelta(hours=3)
    assert _next({"cache-control": "max-age=60"}) < timedelta(minutes=67)  # never under 1 h
    expires = {"date": "Sun, 01 Nov 2026 12:00:00 GMT", "expires": "Sun, 01 Nov 2026 17:00:00 GMT"}
    assert timedelta(hours=5) <= _next(expires) <= timedelta(hours=5, minutes=15)
    assert _next({"retry-after": "7200"}) >= timedelta(hours=2)
    assert _next(ttl_minutes=10_000) <= timedelta(hours=24, minutes=15)  # capped at a day
    assert _next(interval_minutes=240) >= timedelta(hours=4)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert schedule.retry_after({"retry-after": "120"}, AT) == AT + timedelta(seconds=120)
    later = schedule.retry_after({"retry-after": "Sun, 01 Nov 2026 15:30:00 GMT"}, AT)
    assert later == datetime(2026, 11, 1, 15, 30)
    assert schedule.retry_after({"retry-after": "soon"}, AT) is None
    assert schedule.retry_after({}, AT) is None


def test_backoff_doubles_from_an_hour_to_a_week() -> None:
    rng = random.Random(3)
    waits = [schedule.backoff(AT, n, rng=rng) - AT for n in range(1, 14)]
    assert timedelta(hours=1) <= waits[0] < timedelta(hours=1, minutes=7)
    assert timedelta(hours=2) <= waits[1] < timedelta(hours=2, minutes=13)
    assert timedelta(hours=4) <= waits[2] < timedelta(hours=4, minutes=25)
    assert all(timedelta(days=7) <= w <= timedelta(days=7, minutes=15) for w in waits[-4:])


def test_jitter_spreads_feeds_added_together() -> None:
    rng = random.Random(5)
    times = {schedule.next_fetch(AT, rng=rng) for _ in range(50)}
    assert len(times) > 40
