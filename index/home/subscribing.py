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
from index.home.ingest import reference_date
from index.home.library import Library
from index.models import Analysis, Article

ChangeCallback = Callable[[Article], object]
StoredCallback = Callable[[list[str]], object]


class LibrarySink:
    """Where a refresh's articles go: analysed, then indexed and stored in one commit."""

    def __init__(self, library: Library, *, tagger: str | None, on_changed: ChangeCallback) -> None:
        self.library = library
        self.tagger = tagger
        self.on_changed = on_changed
        self.on_stored: StoredCallback | None = None
        """Told the ids of the articles each commit added (an open reader lists them)."""
        self.timings: dict[str, float] = {"analyse": 0.0, "index": 0.0}
        """Seconds spent analysing and indexing (committing), for bench/refresh.py."""

    def store(self, batch: Sequence[tuple[str, Sequence[Article]]]) -> dict[str, tuple[int, int]]:
        store = self.library.store
        ids = [article.id for _, articles in batch for article in articles]
        known = store.content_hashes(ids)
        counts: dict[str, tuple[int, int]] = {}
        items: list[tuple[Article, Analysis]] = []
        new: set[str] = set()
        changed: list[Article] = []
        for carrier, articles in batch:
            added = updated = 0
            for article in articles:
                old = known.get(article.id)
                if old == article.content_hash or article.id in new:
                    continue
                if old is None:
                    added += 1
                    new.add(article.id)
                else:
                    updated += 1
                    changed.append(article)
                known[article.id] = article.content_hash
                started = time.monotonic()
                items.append((article, self._analyse(article)))
                self.timings["analyse"] += time.monotonic() - started
            counts[carrier] = (added, updated)
        # After a kill between the index's commit and the store's, the index may hold
        # articles the store does not: then every article is looked up, never just added.
        started = time.monotonic()
        matches = self.library.index.doc_count() == store.article_count()
        self.library.put(items, is_new=new.__contains__ if matches else None)
        self.timings["index"] += time.monotonic() - started
        if self.on_stored is not None and new:
            self.on_stored(sorted(new))
        for article in changed:
            self.on_changed(article)
        return counts

    def _analyse(self, article: Article) -> Analysis:
        if self.tagger is None:
            return Analysis()
        from index.analysis.entities import analyse, get_tagger

        return analyse(article.body, reference_date(article), tagger=get_tagger(self.tagger))

    def existing(self, ids: Sequence[str]) -> set[str]:
        return set(self.library.store.content_hashes(list(ids)))

    def moved(self, old_carrier: str, new_carrier: str, ids: Sequence[str]) -> None:
        """The articles stay as they are (their ids derive from the subscription, not its
        address); the feed's entries table already follows the subscription."""


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
        ``keep`` says to keep (bookmarked ones). Returns (feed, removed, kept)."""
        sub = self.subscriptions.find(name)
        ids = self.subscriptions.article_ids(sub.id)
        removed = kept = 0
        if delete_articles:
            gone = [i for i in ids if not keep(i)]
            kept = len(ids) - len(gone)
            removed = self.library.remove(list(self.sink.existing(gone)))
        self.subscriptions.remove(sub)
        return sub, removed, kept

    def set_full_text(self, name: str, on: bool) -> Subscription:
        sub = self.subscriptions.find(name)
        self.subscriptions.update(sub.id, full_text=1 if on else 0)
        return self.subscriptions.get(sub.id) or sub
