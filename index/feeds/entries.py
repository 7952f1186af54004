"""A fetched feed's entries -> the articles to store, with stable ids and tombstones.

An entry keeps its article across refreshes: the id is derived from the
subscription's uid (not its URL, which may move) and the entry's key (guid,
else link, else title + date); an entry seen before under another guid but the
same link keeps its old article (so a publisher that rewrites guids makes no
duplicates). An entry whose text is as last stored is not handed to the
library again; one whose article the user removed is remembered (a
tombstone) and never re-added.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from index.errors import SourceError
from index.feeds import outcome
from index.feeds.database import Subscription
from index.feeds.fetcher import Fetcher, FetchResult, host_of, is_private_host
from index.feeds.subscriptions import EntryRow, KnownEntry, SubscriptionStore
from index.models import Article, stable_id
from index.sources.html import main_text
from index.sources.webfeed import FeedEntry, entry_article, parse_feed


class Present(Protocol):
    def existing(self, ids: Sequence[str]) -> set[str]: ...


@dataclass
class PendingFeed:
    """A parsed feed waiting for its articles to be committed."""

    subscription: Subscription
    decision: outcome.Decision
    articles: list[Article] = field(default_factory=list)
    entries: list[EntryRow] = field(default_factory=list)
    tombstones: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Why a full text could not be had (the summary was kept)."""


def article_id(subscription: Subscription, key: str) -> str:
    return stable_id(f"feed:{subscription.uid}\n{key}")


def entry_hash(entry: FeedEntry) -> str:
    draft = entry.draft
    text = "\x00".join((draft.title, draft.body, draft.url, draft.author,
                        draft.published.isoformat() if draft.published else ""))  # fmt: skip
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:32]


def articles_for(
    store: SubscriptionStore,
    library: Present,
    fetcher: Fetcher,
    sub: Subscription,
    result: FetchResult,
    decision: outcome.Decision,
    at: datetime,
    rng: random.Random,
) -> PendingFeed | None:
    """The feed's articles to store, or None (and the decision names the error) when the
    body is not a feed."""
    assert result.body is not None
    try:
        parsed = parse_feed(result.body, url=result.final_url, headers=result.headers)
    except SourceError as error:
        outcome.parse_failed(sub, decision, error.reason, at, rng)
        return None
    outcome.succeeded(sub, decision, at, rng, result.headers, ttl_minutes=parsed.ttl_minutes)
    if parsed.title and not sub.title:
        decision.state["title"] = parsed.title
    if parsed.site_url and not sub.site_url:
        decision.state["site_url"] = parsed.site_url
    pending = PendingFeed(sub, decision)
    known = store.entries(sub.id)
    by_link = {e.link: e for e in known.values() if e.link}
    tombstones = store.tombstones(sub.id)
    present = library.existing(sorted({e.article_id for e in known.values()}))
    source = parsed.title or sub.title or host_of(sub.url)
    taken: set[str] = set()
    for entry in parsed.entries:
        link = entry.draft.url.strip()
        prior: KnownEntry | None = known.get(entry.key) or (by_link.get(link) if link else None)
        aid = prior.article_id if prior is not None else article_id(sub, entry.key)
        if aid in tombstones or aid in taken:
            continue
        if prior is not None and aid not in present:
            pending.tombstones.append(aid)  # stored once, removed since by the user
            tombstones.add(aid)
            continue
        digest = entry_hash(entry)
        taken.add(aid)
        if prior is not None and prior.entry_hash == digest and entry.key in known:
            continue  # as stored: nothing to analyse or index again
        first_seen = prior.first_seen if prior is not None else at
        body = _full_text(fetcher, sub, link, pending) if sub.full_text else None
        article = entry_article(
            entry, article_id=aid, source=source, first_seen=first_seen, body=body
        )
        if article is None:
            continue
        pending.articles.append(article)
        pending.entries.append((entry.key, aid, link, digest, first_seen))
    return pending


def _full_text(fetcher: Fetcher, sub: Subscription, link: str, pending: PendingFeed) -> str | None:
    """The entry's page's main text, or None (and a note saying why) to keep the summary."""
    if not link:
        return None
    allowed = is_private_host(host_of(sub.url))
    fetched = fetcher.fetch(link, allow_private=allowed)
    if fetched.error is not None or fetched.status != 200 or fetched.body is None:
        why = fetched.error.message if fetched.error else f"HTTP {fetched.status}"
        pending.notes.append(f"full text of {link}: {why}; the summary is kept")
        return None
    try:
        return main_text(fetched.body, link)
    except SourceError as error:
        pending.notes.append(f"full text of {link}: {error.reason}; the summary is kept")
        return None
