"""When a feed is fetched next: the publisher's hints, back-off after errors, jitter.

After a good fetch, next = clamp(max(interval, <ttl>, Cache-Control max-age,
Expires, Retry-After), 60 min, 24 h) plus up to 10 % jitter (at most 15 min),
as Miniflux's ``ScheduleNextCheck`` does: a feed is never polled faster than
hourly, and never left more than a day. After an error the wait doubles from
an hour with each error in a row, up to 7 days, and never stops for good
(feeds that die silently after a few errors are the most repeated complaint
about feed readers); only a 410 stops a feed.
"""

from __future__ import annotations

import email.utils
import random
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

MIN_WAIT = timedelta(minutes=60)
MAX_WAIT = timedelta(hours=24)
DEFAULT_INTERVAL_MINUTES = 60
BACKOFF_START = timedelta(hours=1)
BACKOFF_MAX = timedelta(days=7)
JITTER_SHARE = 0.10
JITTER_MAX = timedelta(minutes=15)

_MAX_AGE = re.compile(r"(?:^|[,\s])(?:s-)?max-age\s*=\s*\"?(\d{1,10})", re.IGNORECASE)


def http_date(text: str | None) -> datetime | None:
    """An HTTP date as naive UTC, or None."""
    if not text:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def retry_after(headers: Mapping[str, str], now: datetime) -> datetime | None:
    """When ``Retry-After`` (seconds or an HTTP date) allows the next request, or None."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return now + timedelta(seconds=min(int(value), int(BACKOFF_MAX.total_seconds())))
    found = http_date(value)
    if found is None:
        return None
    return min(max(found, now), now + BACKOFF_MAX)


def publisher_wait(headers: Mapping[str, str], now: datetime, ttl_minutes: int | None) -> timedelta:
    """The longest wait the publisher asks for: <ttl>, max-age, Expires or Retry-After."""
    waits = [timedelta(0)]
    if ttl_minutes:
        waits.append(timedelta(minutes=ttl_minutes))
    match = _MAX_AGE.search(headers.get("cache-control", ""))
    if match:
        waits.append(timedelta(seconds=min(int(match.group(1)), 10 * 86400)))
    expires = http_date(headers.get("expires"))
    if expires is not None:
        served = http_date(headers.get("date")) or now
        waits.append(expires - served)
    later = retry_after(headers, now)
    if later is not None:
        waits.append(later - now)
    return max(waits)


def next_fetch(
    now: datetime,
    *,
    interval_minutes: int = DEFAULT_INTERVAL_MINUTES,
    ttl_minutes: int | None = None,
    headers: Mapping[str, str] | None = None,
    rng: random.Random | None = None,
) -> datetime:
    """When a feed fetched well at ``now`` is due again."""
    wait = max(timedelta(minutes=interval_minutes), publisher_wait(headers or {}, now, ttl_minutes))
    wait = min(max(wait, MIN_WAIT), MAX_WAIT)
    return now + wait + _jitter(wait, rng)


def backoff(now: datetime, errors_in_a_row: int, *, rng: random.Random | None = None) -> datetime:
    """When a feed that failed ``errors_in_a_row`` times (1 = the first) is tried again."""
    steps = max(errors_in_a_row, 1) - 1
    wait = BACKOFF_MAX if steps >= 10 else min(BACKOFF_START * (2**steps), BACKOFF_MAX)
    return now + wait + _jitter(wait, rng)


def _jitter(wait: timedelta, rng: random.Random | None) -> timedelta:
    """Up to 10 % of the wait (15 min at most), so feeds added together spread apart."""
    top = min(wait * JITTER_SHARE, JITTER_MAX).total_seconds()
    return timedelta(seconds=int((rng or random).uniform(0, top)))
