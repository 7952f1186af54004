"""From an address a person types to a feed: the feed itself, or a page that names one.

One GET of the address: if it is a feed, that response is the feed's first
fetch (it is not asked for twice). If it is an HTML page, its
``<link rel="alternate">`` to RSS, Atom or JSON Feed are tried in order, then
the common paths (``/feed``, ``/rss.xml``, ``/atom.xml``...) on the same
site, and the first that parses as a feed is subscribed, again with that
response kept as its first fetch.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from index.errors import SourceError
from index.feeds.fetcher import Fetcher, FetchResult, host_of, is_private_host
from index.feeds.subscriptions import FeedError
from index.sources.webfeed import ParsedFeed, parse_feed

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
COMMON_PATHS = ("/feed", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml", "/rss", "/feed.json")
MAX_CANDIDATES = 8


@dataclass(frozen=True, slots=True)
class Discovered:
    """A feed found from an address, with the response that found it (its first fetch)."""

    url: str
    result: FetchResult
    feed: ParsedFeed


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("link", "a"):
            return
        values = {k.lower(): (v or "") for k, v in attrs}
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if tag == "link" and "alternate" in rels and kind in FEED_TYPES and values.get("href"):
            self.found.append((values["href"], kind))


def feed_links(page: str, base: str) -> list[str]:
    """The feed URLs a page's ``<link rel="alternate">`` name, absolute, in page order."""
    parser = _Links()
    with contextlib.suppress(Exception):  # malformed markup: what was read so far counts
        parser.feed(page[:2_000_000])
    urls: list[str] = []
    for href, _kind in parser.found:
        url = urljoin(base, href.strip())
        if urlsplit(url).scheme in ("http", "https") and url not in urls:
            urls.append(url)
    return urls


_CHARSET = re.compile(rb"charset=[\"']?([\w.:-]+)", re.IGNORECASE)


def _page_text(result: FetchResult) -> str:
    body = result.body or b""
    match = _CHARSET.search(result.headers.get("content-type", "").encode("latin-1")) or (
        _CHARSET.search(body[:4096])
    )
    encoding = match.group(1).decode("ascii") if match else "utf-8"
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def discover(fetcher: Fetcher, url: str) -> Discovered:
    """The feed behind ``url``; FeedError saying what was tried when there is none."""
    private = is_private_host(host_of(url))
    first = fetcher.fetch(url, allow_private=True)
    if first.error is not None:
        raise FeedError(f"{url}: {first.error.message}")
    if first.status != 200 or first.body is None:
        raise FeedError(f"{url}: the server answered HTTP {first.status}")
    try:
        return Discovered(url, first, _parse(first))
    except SourceError as not_feed:
        reason = not_feed.reason
    if urlsplit(url).scheme == "file":
        raise FeedError(f"{url}: {reason}")
    final = first.final_url
    candidates = feed_links(_page_text(first), final)
    root = urljoin(final, "/")
    candidates += [urljoin(root, path) for path in COMMON_PATHS]
    tried: list[str] = []
    for candidate in dict.fromkeys(candidates):
        if candidate in (url, final) or len(tried) >= MAX_CANDIDATES + len(COMMON_PATHS):
            continue
        tried.append(candidate)
        result = fetcher.fetch(candidate, allow_private=private)
        if result.error is not None or result.status != 200 or result.body is None:
            continue
        try:
            return Discovered(candidate, result, _parse(result))
        except SourceError:
            continue
    raise FeedError(
        f"{url}: {reason}, and no feed was found from it"
        f" (tried {len(tried)} addresses: its alternate links and the common feed paths)"
    )


def _parse(result: FetchResult) -> ParsedFeed:
    assert result.body is not None
    return parse_feed(result.body, url=result.final_url, headers=result.headers)
