"""The corpus's feed files served by the test server, and feedparser's own count of them.

The 500 feeds of the issue's bars: every real capture (rss-parser, feedjira,
trafilatura) and the rest from feedparser's conformance suite, spread over the
server's hosts. Most carry an ETag or a Last-Modified (a few carry neither, as
real feeds do), so a second refresh can be answered 304.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path
from typing import Any

from feedserver import FeedServer

from index.feeds.opml import OpmlFeed, write_opml

SKIP = {"LICENSE", "README.md"}


def corpus_files(root: Path, count: int = 500) -> list[Path]:
    """``count`` feed files: the real captures first, then the conformance suite's."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name not in SKIP)
    real = [p for p in files if "feedparser_tests" not in p.parts]
    suite = [p for p in files if "feedparser_tests" in p.parts]
    return (real + suite)[:count]


def serve(server: FeedServer, files: list[Path]) -> list[OpmlFeed]:
    """A route per file, round-robin over the hosts; the OPML entries that list them."""
    hosts = len(server.hosts)
    feeds = []
    for n, path in enumerate(files):
        body = path.read_bytes()
        digest = hashlib.sha1(body).hexdigest()[:12]
        validators: dict[str, Any] = {}
        if n % 10 == 1:
            validators["last_modified"] = "Sun, 01 Nov 2026 10:00:00 GMT"
        elif n % 10 != 7:
            validators["etag"] = f'"{digest}"'
        route = f"/{n}/{path.name}"
        kind = "application/json" if path.suffix == ".json" else "application/xml"
        server.route(route, host=n % hosts, body=body, content_type=kind, **validators)
        folder = "corpus/" + "/".join(path.parts[-3:-1])
        feeds.append(OpmlFeed(server.url(route, n % hosts), path.stem, folder))
    return feeds


def write_subscriptions(feeds: list[OpmlFeed], path: Path) -> Path:
    path.write_bytes(write_opml(feeds))
    return path


def expected_entries(path: Path) -> int:
    """How many articles a feed file should give, counted with feedparser directly: its
    entries that have a title or a text, one per distinct guid / link / title+date."""
    import feedparser

    data = path.read_bytes()
    if path.suffix == ".json":
        value = json.loads(data)
        items = value.get("items", []) if isinstance(value, dict) else []
        return len({str(i.get("id") or i.get("url") or i.get("title")) for i in items
                    if isinstance(i, dict) and (i.get("title") or i.get("content_text")
                                                or i.get("content_html"))})  # fmt: skip
    parsed = feedparser.parse(data)
    if not parsed.get("version") and not parsed.get("entries"):
        return 0
    keys: set[str] = set()
    for n, entry in enumerate(parsed.entries):
        text = (entry.get("title") or "").strip() or _text(entry)
        if not text:
            continue
        key = (entry.get("id") or "").strip() or (entry.get("link") or "").strip()
        if not key:
            key = f"{(entry.get('title') or '').strip()}|{entry.get('published', '')}"
        keys.add(key if key not in keys else f"{key}#{n}")
    return len(keys)


def _text(entry: Any) -> str:
    """An entry's text with any markup taken out (an entry that is only an image has none)."""
    parts = [c.get("value", "") for c in entry.get("content") or []]
    value = max(parts, key=len) if parts else entry.get("summary") or ""
    return html.unescape(re.sub(r"<[^>]*>", " ", value)).strip()
