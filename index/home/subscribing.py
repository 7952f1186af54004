"""Feeds in a library home: subscribe, import and export, list, remove, refresh.

The feeds wing fetches and decides; this is the library side: a refresh's
articles are analysed, indexed and committed like files (``Library.put``:
index and store together), the bookmarks of an article that changed upstream
are re-anchored, and which feed carries which article is recorded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from index.errors import NewsreaderError
from index.feeds import (
    FeedError,
    Fetcher,
    FetchPolicy,
    Refresh,
    RefreshReport,
    Subscription,
    SubscriptionStore,
    normalise_url,
)
from index.feeds.database import now
from index.feeds.discovery import discover
from index.feeds.fetcher import FetchResult
from index.feeds.opml import OpmlFeed, parse_opml, write_opml
from index.feeds.refresh import ProgressCallback
from index.home.ingest import ingest_carried
from index.home.library import Library
from index.models import Article

ChangeCallback = Callable[[Article], object]
StoredCallback = Callable[[list[str]], object]


class LibrarySink:
    """Where a refresh's articles go: :func:`~index.home.ingest.ingest_carried` (the
    several-feeds form of ``ingest_articles``), which analyses and indexes them as it
    does files, commits them with the same safety, and records each feed (``feed:`` +
    its URL) as the carrier of its articles."""

    def __init__(self, library: Library, *, tagger: str | None, on_changed: ChangeCallback) -> None:
        self.library = library
        self.tagger = tagger
        self.on_changed = on_changed
        self.on_stored: StoredCallback | None = None
        """Told the ids of the articles each commit added (an open reader lists them)."""
        self.timings: dict[str, float] = {"ingest": 0.0}
        """Seconds spent analysing, indexing and committing, for bench/refresh.py."""

    def store(self, batch: Sequence[tuple[str, Sequence[Article]]]) -> dict[str, tuple[int, int]]:
        """All the batch's feeds in one :func:`ingest_carried` run (shared commits); how
        many articles each feed added and updated, from the store before and after."""
        ids = [article.id for _, articles in batch for article in articles]
        before = self.library.store.content_hashes(ids)
        started = time.monotonic()
        ingest_carried(self.library, batch, tagger=self.tagger, on_changed=self.on_changed)
        self.timings["ingest"] += time.monotonic() - started
        after = self.library.store.content_hashes(ids)
        counts: dict[str, tuple[int, int]] = {}
        new: list[str] = []
        for carrier, articles in batch:
            added = [a.id for a in articles if a.id not in before and a.id in after]
            updated = sum(1 for a in articles if a.id in before and before[a.id] != after[a.id])
            counts[carrier] = (len(added), updated)
            new.extend(added)
        if self.on_stored is not None and new:
            self.on_stored(sorted(set(new)))
        return counts

    def existing(self, ids: Sequence[str]) -> set[str]:
        return set(self.library.store.content_hashes(list(ids)))

    def moved(self, old_carrier: str, new_carrier: str, ids: Sequence[str]) -> None:
        """The feed's articles are carried by its new address, no longer by its old one
        (their ids derive from the subscription, not its address: they stay)."""
        store = self.library.store
        with store.transaction():
            store.carry(new_carrier, ids, replace=False)
            store.carry(old_carrier, [], replace=True)

    def dropped(self, carrier: str) -> None:
        """An unsubscribed feed carries nothing any more (its articles stay unless the
        caller removes them)."""
        store = self.library.store
        with store.transaction():
            store.carry(carrier, [], replace=True)


@dataclass
class Subscribed:
    """What ``feeds add`` or ``feeds import`` did with one address."""

    given: str
    subscription: Subscription | None = None
    new: bool = False
    error: str | None = None


@dataclass
class FeedRow:
    """One line of ``feeds list``."""

    subscription: Subscription
    articles: int
    unread: int = 0


@dataclass
class ImportReport:
    subscribed: list[Subscribed] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(1 for s in self.subscribed if s.new)

    @property
    def duplicates(self) -> int:
        return sum(1 for s in self.subscribed if s.subscription is not None and not s.new)


class Feeds:
    """The feeds of one library home (its subscription store and its library)."""

    def __init__(self, library: Library, subscriptions: SubscriptionStore, *, tagger: str | None,
                 on_changed: ChangeCallback) -> None:  # fmt: skip
        self.library = library
        self.subscriptions = subscriptions
        self.sink = LibrarySink(library, tagger=tagger, on_changed=on_changed)

    def subscribe(
        self,
        addresses: Iterable[str],
        *,
        folder: str = "",
        policy: FetchPolicy | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> tuple[list[Subscribed], RefreshReport]:
        """Subscribe to each address (a feed, or a page that names one) and store its
        entries from the very response that found it."""
        done: list[Subscribed] = []
        prefetched: dict[int, FetchResult] = {}
        with Fetcher(policy) as fetcher:
            for given in addresses:
                try:
                    url = normalise_url(given)
                    existing = self.subscriptions.by_url(url)
                    if existing is not None and not existing.gone:
                        done.append(Subscribed(given, existing, new=False))
                        continue
                    found = discover(fetcher, url)
                    sub, new = self.subscriptions.add(normalise_url(found.url), folder=folder)
                    if sub.gone:
                        self.subscriptions.update(sub.id, gone=0, error=None, errors_in_a_row=0)
                        sub = self.subscriptions.get(sub.id) or sub
                except NewsreaderError as error:
                    done.append(Subscribed(given, error=str(error)))
                    continue
                prefetched[sub.id] = found.result
                done.append(Subscribed(given, sub, new=new))
            subs = [
                s.subscription for s in done if s.subscription and s.subscription.id in prefetched
            ]
            run = Refresh(self.subscriptions, self.sink, fetcher, on_progress=on_progress)
            report = run.run(subs, force=False, prefetched=prefetched)
        for item in done:  # as they are now (titled by their feed)
            if item.subscription is not None:
                item.subscription = self.subscriptions.get(item.subscription.id)
        return done, report

    def import_opml(self, path: Path) -> ImportReport:
        """Subscribe to every feed an OPML file lists (fetched at the next refresh)."""
        try:
            data = path.read_bytes()
        except OSError as error:
            raise FeedError(f"cannot read {path}: {error.strerror or error}") from None
        report = ImportReport()
        for feed in parse_opml(data, where=str(path)):
            try:
                url = normalise_url(feed.url)
            except FeedError as error:
                report.subscribed.append(Subscribed(feed.url, error=str(error)))
                continue
            sub, new = self.subscriptions.add(
                url, title=feed.title, folder=feed.folder, site_url=feed.site_url
            )
            report.subscribed.append(Subscribed(feed.url, sub, new=new))
        return report

    def export_opml(self) -> tuple[bytes, int]:
        subs = self.subscriptions.all()
        feeds = [OpmlFeed(s.url, s.title, s.folder, s.site_url) for s in subs]
        return write_opml(feeds), len(feeds)

    def rows(self) -> list[FeedRow]:
        counts = self.subscriptions.entry_counts()
        return [FeedRow(s, counts.get(s.id, 0)) for s in self.subscriptions.all()]

    def refresh(
        self,
        names: Sequence[str] = (),
        *,
        force: bool = True,
        policy: FetchPolicy | None = None,
        clock: Callable[[], datetime] = now,
        on_progress: ProgressCallback | None = None,
        on_stored: StoredCallback | None = None,
    ) -> RefreshReport:
        """See :meth:`LibraryHome.refresh`."""
        subs = [self.subscriptions.find(n) for n in names] if names else self.subscriptions.all()
        self.sink.on_stored = on_stored
        with Fetcher(policy) as fetcher:
            run = Refresh(self.subscriptions, self.sink, fetcher, clock=clock,
                          on_progress=on_progress)  # fmt: skip
            before = dict(self.sink.timings)
            report = run.run(subs, force=force)
        for name, seconds in self.sink.timings.items():
            report.timings[name] += seconds - before[name]
        return report

    def remove(
        self, name: str, *, delete_articles: bool, keep: Callable[[str], bool]
    ) -> tuple[Subscription, int, int]:
        """Unsubscribe; with ``delete_articles`` its articles go too, except those
        ``keep`` says to keep (bookmarked ones) and those another file or feed still
        carries. Returns (feed, removed, kept)."""
        sub = self.subscriptions.find(name)
        ids = sorted(self.sink.existing(self.subscriptions.article_ids(sub.id)))
        self.sink.dropped(sub.carrier)
        removed = kept = 0
        if delete_articles:
            gone = [i for i in self.library.store.uncarried(ids) if not keep(i)]
            kept = len(ids) - len(gone)
            removed = self.library.remove(gone)
        self.subscriptions.remove(sub)
        return sub, removed, kept

    def set_full_text(self, name: str, on: bool) -> Subscription:
        sub = self.subscriptions.find(name)
        self.subscriptions.update(sub.id, full_text=1 if on else 0)
        return self.subscriptions.get(sub.id) or sub
