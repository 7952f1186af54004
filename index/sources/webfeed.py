"""Feeds fetched over the web: the bytes and headers of one response -> its entries.

Parsing stays in the sources wing: ``index.feeds`` fetches, this reads. RSS,
Atom, RDF and CDF go through feedparser, given the response headers (so a
charset in ``Content-Type`` counts, and a wrong or missing one is sniffed as
feedparser does); JSON Feed through the JSON reader's field rules. Each entry
keeps the key that identifies it within its feed (its guid, else its link,
else its title and date), and the caller turns that key into an article id
scoped to the subscription, so a feed that moves keeps its articles.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from index.errors import SourceError
from index.models import Article, DateOrigin
from index.sources import feed as xmlfeed
from index.sources import jsonfile
from index.sources.common import (
    DATE_SCAN_CHARS,
    MAX_TITLE_CHARS,
    Draft,
    clean_body,
    clean_line,
    date_in_text,
    fallback_title,
)
from index.sources.raw import is_binary
from index.text import web_url


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry of a fetched feed, before it has an article id."""

    key: str
    """What identifies it within its feed: guid, else link, else title + date."""
    draft: Draft


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a feed says about itself and its entries."""

    title: str
    site_url: str
    ttl_minutes: int | None
    """The RSS ``<ttl>``: how long the publisher asks readers to wait between fetches."""
    entries: tuple[FeedEntry, ...]
    version: str


def parse_feed(data: bytes, *, url: str, headers: Mapping[str, str]) -> ParsedFeed:
    """The feed in one response body; SourceError with a one-line reason when it is none.

    feedparser gets the bytes as a stream, never a URL, so nothing in a feed makes
    it fetch anything.
    """
    if not data.strip():
        raise SourceError(url, "empty response (no feed in it)")
    if is_binary(data[:65536]):
        raise SourceError(url, "binary data, not a feed")
    kind = headers.get("content-type", "").lower()
    if "json" in kind or data.lstrip()[:1] == b"{":
        return _json_feed(data, url)
    import feedparser

    try:
        # No sanitising nor link rewriting: the HTML becomes plain text right after
        # (html_to_text drops scripts and styles), and both passes cost a third of
        # feedparser's time on real feeds.
        parsed = feedparser.parse(
            io.BytesIO(data),
            response_headers=dict(headers),
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as error:  # a third-party parser on hostile input
        raise SourceError(url, f"feed parsing failed ({type(error).__name__})") from error
    version = str(parsed.get("version") or "")
    if not version and not parsed.get("entries"):
        if _looks_like_page(data):
            raise SourceError(url, "not a feed: the server sent an HTML page")
        raise SourceError(url, xmlfeed.empty_reason(parsed))
    meta = parsed.get("feed") or {}
    title = xmlfeed.plain(meta.get("title", ""), meta.get("title_detail"))
    entries = tuple(_xml_entries(parsed.get("entries") or [], title))
    return ParsedFeed(
        title=clean_line(title, MAX_TITLE_CHARS),
        site_url=_string(meta.get("link")),
        ttl_minutes=_minutes(meta.get("ttl")),
        entries=entries,
        version=version or "rss",
    )


def _looks_like_page(data: bytes) -> bool:
    head = data[:4096].lower()
    return b"<html" in head or b"<!doctype html" in head


def _xml_entries(entries: list[Any], feed_title: str) -> Iterator[FeedEntry]:
    seen: set[str] = set()
    for n, entry in enumerate(entries):
        draft = xmlfeed.to_draft(entry, feed_title)
        guid = _string(entry.get("id")).strip()
        yield FeedEntry(_unique(_key(guid, draft), n, seen), draft)


def _json_feed(data: bytes, url: str) -> ParsedFeed:
    try:
        value = json.loads(data.decode("utf-8-sig", errors="replace"))
    except (json.JSONDecodeError, RecursionError):
        raise SourceError(url, "not a feed: invalid JSON") from None
    if not isinstance(value, dict) or not jsonfile.is_json_feed(value):
        raise SourceError(url, "not a feed: JSON, but not a JSON Feed")
    records, source = jsonfile.unwrap(value)
    seen: set[str] = set()
    entries: list[FeedEntry] = []
    for n, record in enumerate(records):
        if not isinstance(record, dict):
            continue
        draft = jsonfile.to_draft(record, source)
        guid = _string(record.get("id")).strip() or str(record.get("id") or "")
        entries.append(FeedEntry(_unique(_key(guid, draft), n, seen), draft))
    return ParsedFeed(
        title=clean_line(_string(value.get("title")), MAX_TITLE_CHARS),
        site_url=_string(value.get("home_page_url")),
        ttl_minutes=None,
        entries=tuple(entries),
        version="json",
    )


def _key(guid: str, draft: Draft) -> str:
    if guid:
        return "guid:" + guid
    if draft.url:
        return "link:" + draft.url.strip()
    when = draft.published.isoformat() if draft.published else ""
    return "title:" + clean_line(draft.title, MAX_TITLE_CHARS) + "|" + when


def _unique(key: str, n: int, seen: set[str]) -> str:
    """Two entries of one feed never share a key (the second gets its position)."""
    if key in seen:
        key = f"{key}#{n}"
    seen.add(key)
    return key


def entry_article(
    entry: FeedEntry,
    *,
    article_id: str,
    source: str,
    first_seen: datetime,
    body: str | None = None,
) -> Article | None:
    """The Article of a feed entry (None when it has neither title nor text).

    ``body`` replaces the entry's own text (the full article fetched from its
    page). An entry without a date gets the time it first reached us, marked as
    such (``date_origin="file"``), so it sorts among its peers without posing as
    a publication date for relative mentions.
    """
    draft = entry.draft
    text = clean_body(body if body is not None else draft.body)
    title = clean_line(draft.title, MAX_TITLE_CHARS)
    if not title and not text:
        return None
    origin: DateOrigin = "metadata"
    published = draft.published
    if published is None:
        published = date_in_text(title + "\n" + text[:DATE_SCAN_CHARS])
        origin = "text"
    if published is None:
        published, origin = first_seen.replace(microsecond=0), "file"
    return Article(
        id=article_id,
        title=title or _fallback(text, source),
        body=text,
        source=clean_line(draft.source or source, MAX_TITLE_CHARS),
        author=clean_line(draft.author, MAX_TITLE_CHARS),
        url=web_url(clean_line(draft.url, 2000)),
        path="",
        published=published,
        date_origin=origin,
    )


def _fallback(body: str, source: str) -> str:
    from pathlib import Path

    return fallback_title(body, Path(source or "feed"))


def _minutes(value: Any) -> int | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes if 0 < minutes < 100_000 else None


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""
