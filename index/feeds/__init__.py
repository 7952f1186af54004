"""The feeds wing: subscriptions, polite fetching, scheduling, OPML and discovery.

``subscriptions`` keeps the feeds and their state in the library database
(``database`` holds the schema), ``fetcher`` asks servers politely over HTTP
(httpx), ``schedule`` and ``outcome`` decide when a feed is fetched next and
what each failure is called, ``entries`` turns a fetched feed into articles
with stable ids and tombstones, ``refresh`` runs one refresh, ``opml`` and
``discovery`` bring feeds in. Parsing a feed's bytes stays in
``index.sources.webfeed``. This wing sits below ``index.home``: the library
side of a refresh is a :class:`~index.feeds.refresh.Sink` the home provides.
"""

from __future__ import annotations

from index.feeds.database import Subscription
from index.feeds.fetcher import Fetcher, FetchPolicy
from index.feeds.refresh import FeedReport, Refresh, RefreshReport, Sink
from index.feeds.subscriptions import FeedError, SubscriptionStore, normalise_url

__all__ = [
    "FeedError",
    "FeedReport",
    "FetchPolicy",
    "Fetcher",
    "Refresh",
    "RefreshReport",
    "Sink",
    "Subscription",
    "SubscriptionStore",
    "normalise_url",
]
