"""One refresh: fetch the due feeds politely in threads, store their entries in batches.

Threads only fetch (one task per host, so a host is asked one thing at a
time); everything else runs on the calling thread, which owns the database
connections: parsing, turning entries into articles, handing them to the
library (``Sink``) and recording each feed's state. A feed's state (its
validators above all) is written only after its articles are committed, so
a refresh killed at any moment re-fetches what it had not finished instead of
being told "304 Not Modified" for entries it never stored.

The library side is a :class:`Sink` the home wing provides: this wing sits
below ``index.home`` and never imports it.
"""

from __future__ import annotations

import queue
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from index.feeds import outcome
from index.feeds.database import Subscription, now
from index.feeds.entries import PendingFeed, articles_for
from index.feeds.fetcher import Fetcher, FetchError, FetchResult, host_of, is_private_host
from index.feeds.schedule import retry_after
from index.feeds.subscriptions import StateRecord, SubscriptionStore
from index.models import Article, Progress

BATCH_ARTICLES = 2_000
"""Articles handed to the library in one go (one commit of the index and the store)."""
RECORDS_AT_ONCE = 200
"""Feeds' states written in one transaction (a 304 has no articles to wait for)."""
BATCH_SECONDS = 10.0
"""...or fewer when the batch has waited this long: what a kill makes the next refresh
fetch again, and how long new articles wait to show in an open reader. Whoosh writes
every distinct term of a batch at its commit, so fewer, larger commits cost less (5 s
batches spent about twice as long indexing 500 feeds as one commit did)."""


def held_until(
    sub: Subscription, paused: Mapping[str, tuple[datetime, str]], at: datetime
) -> datetime | None:
    """Until when ``sub`` must not be asked (its own Retry-After or its host's), else None."""
    hold = sub.not_before if sub.not_before and sub.not_before > at else None
    host = paused.get(host_of(sub.url))
    if host is not None and (hold is None or host[0] > hold):
        hold = host[0]
    return hold


def due_now(store: SubscriptionStore, at: datetime) -> list[Subscription]:
    """The feeds a scheduled refresh would fetch at ``at`` (read only, no lock): not gone,
    not held by a Retry-After, and never fetched or past their next fetch time."""
    paused = store.paused_hosts(at)
    return [
        sub
        for sub in store.all()
        if not sub.gone
        and held_until(sub, paused, at) is None
        and (sub.next_fetch is None or sub.next_fetch <= at)
    ]


class Sink(Protocol):
    """Where a refresh puts articles: the library, under the home's rules."""

    def store(self, batch: Sequence[tuple[str, Sequence[Article]]]) -> dict[str, tuple[int, int]]:
        """Store each carrier's articles (analysed and indexed, committed) and say per
        carrier how many were added and updated."""
        ...

    def existing(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are in the library now."""
        ...

    def moved(self, old_carrier: str, new_carrier: str, ids: Sequence[str]) -> None:
        """A feed moved: its articles are carried by its new address."""
        ...


ProgressCallback = Callable[[Progress], None]


@dataclass
class FeedReport:
    """What a refresh did with one feed."""

    subscription: Subscription
    kind: str
    """new, not-modified, unchanged, error, gone, network, waiting."""
    added: int = 0
    updated: int = 0
    error: str | None = None
    next_fetch: datetime | None = None
    moved_to: str | None = None


@dataclass
class RefreshReport:
    feeds: list[FeedReport] = field(default_factory=list)
    network_down: bool = False
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    """Seconds the refresh thread spent waiting for fetches, parsing and storing."""

    def count(self, kind: str) -> int:
        return sum(1 for feed in self.feeds if feed.kind == kind)

    @property
    def added(self) -> int:
        return sum(feed.added for feed in self.feeds)

    @property
    def updated(self) -> int:
        return sum(feed.updated for feed in self.feeds)

    @property
    def failed(self) -> list[FeedReport]:
        return [f for f in self.feeds if f.kind in ("error", "gone", "network", "waiting")]

    def counts(self) -> dict[str, int]:
        return {
            "feeds": len(self.feeds),
            "added": self.added,
            "updated": self.updated,
            "not_modified": self.count("not-modified") + self.count("unchanged"),
            "failed": len(self.failed),
        }


class Refresh:
    """A refresh of some subscriptions into a library."""

    def __init__(
        self,
        store: SubscriptionStore,
        sink: Sink,
        fetcher: Fetcher,
        *,
        clock: Callable[[], datetime] = now,
        on_progress: ProgressCallback | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.sink = sink
        self.fetcher = fetcher
        self.clock = clock
        self.on_progress = on_progress
        self.rng = rng or random.Random()
        self.report = RefreshReport()
        self._batch: list[PendingFeed] = []
        self._batch_started = 0.0
        self._held: list[tuple[Subscription, FetchResult, outcome.Decision]] = []
        self._answered = False
        self._records: list[StateRecord] = []
        self._moves: list[tuple[Subscription, str, FeedReport]] = []

    def due(self, subscriptions: Sequence[Subscription], *, force: bool) -> list[Subscription]:
        """The feeds to fetch now: all (``force``) or those whose time has come; never a
        gone feed, nor one asked to wait (Retry-After), which get a ``waiting`` report."""
        at = self.clock()
        paused = self.store.paused_hosts(at)
        chosen: list[Subscription] = []
        for sub in subscriptions:
            if sub.gone:
                continue
            hold = held_until(sub, paused, at)
            if hold is not None:
                message = f"waiting until {hold:%Y-%m-%d %H:%M:%S} UTC (the server asked)"
                self.report.feeds.append(FeedReport(sub, "waiting", error=message, next_fetch=hold))
                continue
            if force or sub.next_fetch is None or sub.next_fetch <= at:
                chosen.append(sub)
        return chosen

    def run(
        self,
        subscriptions: Sequence[Subscription],
        *,
        force: bool = True,
        prefetched: Mapping[int, FetchResult] | None = None,
    ) -> RefreshReport:
        """Fetch and store ``subscriptions`` (only the due ones unless ``force``).

        ``prefetched``: responses already had for some of them (the GET that
        discovered a feed is its first fetch), by subscription id.
        """
        started = time.monotonic()
        prefetched = prefetched or {}
        for sub in subscriptions:
            if sub.id in prefetched:
                self._take(sub, prefetched[sub.id])
        chosen = [s for s in self.due(subscriptions, force=force) if s.id not in prefetched]
        total = len(chosen)
        results: queue.Queue[tuple[Subscription, FetchResult] | None] = queue.Queue()
        by_host: dict[str, list[Subscription]] = defaultdict(list)
        for sub in chosen:
            by_host[host_of(sub.url)].append(sub)
        stop = threading.Event()
        workers = max(1, min(self.fetcher.policy.connections, len(by_host)))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="feed-fetch")
        futures = [pool.submit(self._fetch_host, subs, results, stop) for subs in by_host.values()]
        done = 0
        self._progress(0, total, "")
        try:
            while done < total:
                waited = time.monotonic()
                try:
                    item = results.get(timeout=self._patience())
                except queue.Empty:  # a slow feed holds no one's articles back
                    self.report.timings["fetch"] += time.monotonic() - waited
                    self._flush()
                    continue
                self.report.timings["fetch"] += time.monotonic() - waited
                if item is None:
                    done += 1
                    continue
                sub, result = item
                done += 1
                self._take(sub, result)
                self._progress(done, total, sub.name)
                if self._due():
                    self._flush()
            self._flush()
            self._settle_held()
            self._write_records()
        finally:
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            for future in futures:
                if future.done() and not future.cancelled() and future.exception():
                    raise future.exception()  # type: ignore[misc]
        self.report.seconds = time.monotonic() - started
        return self.report

    # Fetching (worker threads) ----------------------------------------------------------

    def _fetch_host(
        self,
        subs: list[Subscription],
        results: queue.Queue[tuple[Subscription, FetchResult] | None],
        stop: threading.Event,
    ) -> None:
        """One host's feeds in turn; a 429/503 with Retry-After pauses the rest of them."""
        paused: datetime | None = None
        for sub in subs:
            if stop.is_set():
                results.put(None)
                continue
            if paused is not None:
                error = FetchError("paused", f"host paused until {paused:%H:%M:%S} UTC")
                results.put((sub, FetchResult(sub.url, sub.url, error=error)))
                continue
            try:
                result = self.fetcher.fetch(
                    sub.url,
                    etag=sub.etag,
                    last_modified=sub.last_modified,
                    allow_private=is_private_host(host_of(sub.url)),
                )
            except Exception as error:  # a bug of ours must not hang the refresh
                reason = f"internal error, please report: {type(error).__name__}: {error}"
                result = FetchResult(sub.url, sub.url, error=FetchError("internal", reason))
            if result.status in (429, 503) and "retry-after" in result.headers:
                paused = retry_after(result.headers, self.clock())
            results.put((sub, result))
        if subs:
            self.fetcher.release(host_of(subs[0].url))

    # Taking results (this thread) -------------------------------------------------------

    def _take(self, sub: Subscription, result: FetchResult) -> None:
        at = self.clock()
        if result.error is not None and result.error.kind == "paused":
            self.report.feeds.append(FeedReport(sub, "waiting", error=result.error.message))
            return
        if result.status is not None:
            self._answered = True
        decision = outcome.decide(sub, result, at, rng=self.rng)
        if decision.pause_host_until is not None:
            self.store.pause_host(host_of(result.final_url), decision.pause_host_until,
                                  decision.error or "")  # fmt: skip
        if decision.kind == "network":
            self._held.append((sub, result, decision))
            return
        if not decision.parse:
            self._finish(sub, decision, None)
            return
        parsing = time.monotonic()
        pending = articles_for(self.store, self.sink, self.fetcher, sub, result, decision, at,
                               self.rng)  # fmt: skip
        self.report.timings["parse"] += time.monotonic() - parsing
        if pending is None:  # not a feed: the decision says why
            self._finish(sub, decision, None)
            return
        if not self._batch:
            self._batch_started = time.monotonic()
        self._batch.append(pending)

    def _patience(self) -> float | None:
        """How long to wait for the next fetch before committing what is pending."""
        if not self._batch:
            return None
        return max(BATCH_SECONDS - (time.monotonic() - self._batch_started), 0.01)

    def _due(self) -> bool:
        size = sum(len(p.articles) for p in self._batch)
        return size >= BATCH_ARTICLES or (
            bool(self._batch) and time.monotonic() - self._batch_started > BATCH_SECONDS
        )

    def _flush(self) -> None:
        """Commit the batch's articles, then (only then) each feed's entries and state."""
        if not self._batch:
            return
        storing = time.monotonic()
        batch = [(p.subscription.carrier, p.articles) for p in self._batch if p.articles]
        counts = self.sink.store(batch) if batch else {}
        self.report.timings["store"] += time.monotonic() - storing
        for pending in self._batch:
            added, updated = counts.get(pending.subscription.carrier, (0, 0))
            pending.decision.state["last_new"] = added
            self._finish(pending.subscription, pending.decision, pending, added, updated)
        self._batch = []
        self._write_records()

    def _finish(
        self,
        sub: Subscription,
        decision: outcome.Decision,
        pending: PendingFeed | None,
        added: int = 0,
        updated: int = 0,
    ) -> None:
        entries = pending.entries if pending is not None else []
        tombstones = pending.tombstones if pending is not None else []
        if pending is not None:
            stored = self.sink.existing([row[1] for row in entries])
            entries = [row for row in entries if row[1] in stored]
        self._records.append((sub.id, entries, tombstones, decision.state))
        kind = "new" if decision.kind == "ok" else decision.kind
        report = FeedReport(sub, kind, added, updated, decision.error,
                            decision.state.get("next_fetch", sub.next_fetch))  # fmt: skip
        self.report.feeds.append(report)
        if decision.move_to is not None and kind not in ("error", "network", "gone"):
            self._moves.append((sub, decision.move_to, report))
        if len(self._records) >= RECORDS_AT_ONCE:
            self._write_records()

    def _write_records(self) -> None:
        """The feeds' entries and states in one transaction (one fsync, not one a feed),
        then the moves they call for."""
        if self._records:
            self.store.record_many(self._records)
            self._records = []
        for sub, target, report in self._moves:
            moved = self.store.move(sub, target)
            self.sink.moved(sub.carrier, moved.carrier, self.store.article_ids(sub.id))
            report.moved_to = moved.url
        self._moves = []

    def _settle_held(self) -> None:
        """Network errors: counted against their feeds, unless nothing at all answered in
        this refresh from two or more hosts, which means the network is down."""
        hosts = {host_of(sub.url) for sub, _, _ in self._held}
        down = bool(self._held) and not self._answered and len(hosts) >= 2
        self.report.network_down = down
        for sub, _result, decision in self._held:
            if down:
                message = "the network is down (no host answered); not counted against the feed"
                self.store.update(sub.id, last_fetch=decision.state["last_fetch"], error=message,
                                  error_kind="network")  # fmt: skip
                self.report.feeds.append(
                    FeedReport(sub, "network", error=message, next_fetch=sub.next_fetch)
                )
            else:
                decision.kind = "error"
                self._finish(sub, decision, None)
        self._held = []

    def _progress(self, done: int, total: int, current: str) -> None:
        if self.on_progress is not None:
            counts = {"added": self.report.added, "failed": len(self.report.failed)}
            self.on_progress(Progress(done, total, current, counts))
