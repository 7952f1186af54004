"""What one fetch means for its feed: the error it is named by, its state, its next fetch.

Pure decisions, no I/O: a fetch result and the subscription before it go in,
the columns to store come out. Kept apart from the refresh loop so that every
fault's naming and schedule is in one place and reads as a table.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from index.feeds import schedule
from index.feeds.database import Subscription
from index.feeds.fetcher import FetchResult

PERMANENT_AFTER = 3
"""A 301/308 to the same place on this many refreshes in a row moves the subscription
(once could be a mistake on the server's side; a temporary redirect never moves it)."""

_STATUS_NAMES = {
    401: "needs authorisation or blocks readers (HTTP 401)",
    403: "needs authorisation or blocks readers (HTTP 403)",
    404: "not found (HTTP 404)",
    429: "rate limited (HTTP 429)",
}


@dataclass
class Decision:
    """What to store for a feed after a fetch, and whether its body is to be parsed."""

    state: dict[str, Any] = field(default_factory=dict)
    parse: bool = False
    body_hash: str | None = None
    error: str | None = None
    kind: str = "ok"
    """ok, not-modified, unchanged, error, gone, network."""
    pause_host_until: datetime | None = None
    move_to: str | None = None


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def decide(
    subscription: Subscription, result: FetchResult, at: datetime, *, rng: random.Random
) -> Decision:
    """The state a fetch leaves a feed in (before its entries, if any, are stored)."""
    decision = Decision()
    state = decision.state
    state["last_fetch"] = at
    state["last_status"] = result.status
    state["last_new"] = 0
    _redirects(subscription, result, decision)
    if result.error is not None:
        return _failed(subscription, decision, result.error.message, at, rng, result.error.kind)
    status = result.status or 0
    headers = result.headers
    if status == 304:
        # Validators from a 304 replace the stored ones (a server may rotate them).
        if "etag" in headers:
            state["etag"] = headers["etag"]
        if "last-modified" in headers:
            state["last_modified"] = headers["last-modified"]
        if subscription.error_kind == "not-a-feed":  # still the same non-feed
            reason = subscription.error or "not a feed"
            return _failed(subscription, decision, reason, at, rng, "not-a-feed")
        decision.kind = "not-modified"
        _succeeded(subscription, decision, at, rng, headers)
        return decision
    if status == 200:
        assert result.body is not None
        state["etag"] = headers.get("etag")
        state["last_modified"] = headers.get("last-modified")
        digest = body_hash(result.body)
        if digest == subscription.body_hash:
            decision.kind = "unchanged"
            _succeeded(subscription, decision, at, rng, headers)
            return decision
        decision.parse = True
        decision.body_hash = digest
        return decision  # the refresh calls succeeded() or parse_failed() after parsing
    if status == 410:
        decision.kind = "gone"
        state.update(
            gone=1,
            error="the feed is gone (HTTP 410): its publisher removed it; it is no longer"
            " fetched (`feeds remove` it, or `feeds add` it again to retry)",
            error_kind="gone",
            errors_in_a_row=subscription.errors_in_a_row + 1,
            next_fetch=None,
        )
        decision.error = state["error"]
        return decision
    later = schedule.retry_after(headers, at)
    if status in (429, 503) and later is not None:
        decision.pause_host_until = later
        state["not_before"] = later
        name = _STATUS_NAMES.get(status, f"server unavailable (HTTP {status})")
        message = f"{name}, asked to wait until {later:%Y-%m-%d %H:%M} UTC (Retry-After)"
        _failed(subscription, decision, message, at, rng, "rate-limited", at_least=later)
        return decision
    if status >= 500:
        message = f"server error (HTTP {status})"
        return _failed(subscription, decision, message, at, rng, "server", at_least=later)
    if status in REDIRECT_WITHOUT_LOCATION:
        return _failed(subscription, decision, f"redirect (HTTP {status}) without a Location", at,
                       rng, "http")  # fmt: skip
    name = _STATUS_NAMES.get(status, f"refused (HTTP {status})")
    kind = "auth" if status in (401, 403) else "http"
    return _failed(subscription, decision, name, at, rng, kind, at_least=later)


REDIRECT_WITHOUT_LOCATION = frozenset({301, 302, 303, 307, 308})


def succeeded(
    subscription: Subscription,
    decision: Decision,
    at: datetime,
    rng: random.Random,
    headers: dict[str, str] | Any,
    *,
    ttl_minutes: int | None,
) -> None:
    """A 200 whose body parsed: store its hash and ttl, schedule from the hints."""
    decision.state["body_hash"] = decision.body_hash
    decision.state["ttl_minutes"] = ttl_minutes
    _succeeded(subscription, decision, at, rng, headers, ttl_minutes=ttl_minutes)


def parse_failed(
    subscription: Subscription, decision: Decision, reason: str, at: datetime, rng: random.Random
) -> None:
    """A 200 that is not a feed: named and backed off. Its validators are kept (the
    server is asked conditionally like any other); a 304 to them keeps the error."""
    decision.parse = False
    _failed(subscription, decision, reason, at, rng, "not-a-feed")


def _succeeded(
    subscription: Subscription,
    decision: Decision,
    at: datetime,
    rng: random.Random,
    headers: Any,
    *,
    ttl_minutes: int | None = None,
) -> None:
    ttl = ttl_minutes if ttl_minutes is not None else subscription.ttl_minutes
    decision.state.update(
        last_success=at,
        error=None,
        error_kind=None,
        errors_in_a_row=0,
        next_fetch=schedule.next_fetch(
            at,
            interval_minutes=subscription.interval_minutes,
            ttl_minutes=ttl,
            headers=headers,
            rng=rng,
        ),
    )


def _failed(
    subscription: Subscription,
    decision: Decision,
    message: str,
    at: datetime,
    rng: random.Random,
    kind: str,
    *,
    at_least: datetime | None = None,
) -> Decision:
    errors = subscription.errors_in_a_row + 1
    retry = schedule.backoff(at, errors, rng=rng)
    if at_least is not None and at_least > retry:
        retry = at_least
    decision.kind = "network" if kind in ("dns", "connect") else "error"
    decision.error = message
    decision.state.update(error=message, error_kind=kind, errors_in_a_row=errors, next_fetch=retry)
    return decision


def _redirects(subscription: Subscription, result: FetchResult, decision: Decision) -> None:
    """Count a permanent redirect seen again; a temporary one (or none) resets the count."""
    target = result.permanent_target
    if result.error is not None and result.error.kind in ("redirect-loop", "too-many-redirects"):
        target = None
    if target is None or target == subscription.url:
        decision.state.update(moved_to=None, moved_seen=0)
        return
    seen = subscription.moved_seen + 1 if subscription.moved_to == target else 1
    decision.state.update(moved_to=target, moved_seen=seen)
    if seen >= PERMANENT_AFTER and result.error is None:
        decision.move_to = target
