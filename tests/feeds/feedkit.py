"""Generated feeds for the feed tests, and ways to look into a library's feeds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from index.home import LibraryHome

BASE = datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC)


def item(n: int, *, text: str = "", guid: str | None = None, link: str | None = None) -> str:
    """One RSS item, numbered: its own guid, link, date and a body worth indexing."""
    when = format_datetime(BASE + timedelta(hours=n), usegmt=True)
    body = text or f"Story number {n} reports on the council budget and the harbour storm."
    guid_tag = "" if guid == "" else f"<guid>{escape(guid or f'urn:story:{n}')}</guid>"
    link_tag = "" if link == "" else f"<link>{escape(link or f'https://news.example/{n}')}</link>"
    return (
        f"<item><title>Story {n}</title>{link_tag}{guid_tag}"
        f"<pubDate>{when}</pubDate><description>{escape(body)}</description></item>"
    )


def rss(items: Sequence[str], *, title: str = "Generated", ttl: int | None = None) -> bytes:
    ttl_tag = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://news.example/</link>{ttl_tag}"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def feed_ids(home: LibraryHome, url: str) -> list[str]:
    """The article ids a subscription's entries have in the library."""
    sub = home.feeds.subscriptions.find(url)
    return sorted(home.feeds.subscriptions.article_ids(sub.id))
