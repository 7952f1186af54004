"""RSS, Atom, RDF and CDF feed files: one article per entry, via feedparser.

feedparser copes with the ill-formed feeds real sites publish (undeclared
prefixes, HTML entities, wrong encodings). Entry bodies come from the full
content when there is one, else the summary, converted from HTML to plain text;
the feed's title is each entry's source. The file is handed to feedparser as a
stream, never as a string, so nothing in it can make feedparser open a URL or
another file.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from index.errors import SourceError
from index.models import Article
from index.sources.common import Draft, finish_entry, parse_date
from index.sources.htmltext import html_to_text, looks_like_html
from index.sources.raw import is_binary, read_bytes

SUFFIXES = frozenset({".rss", ".atom", ".xml", ".rdf", ".cdf"})

_DATE_FIELDS = ("published_parsed", "updated_parsed", "created_parsed")
_DATE_TEXTS = ("published", "updated", "created")


def read(path: Path) -> list[Article]:
    """Read a feed file into one Article per entry."""
    data = read_bytes(path)
    if is_binary(data):
        raise SourceError(str(path), "binary file, not text")
    parsed = _parse(data, path)
    articles = list(_articles(path, parsed))
    if not articles:
        raise SourceError(str(path), empty_reason(parsed))
    return articles


def _parse(data: bytes, path: Path) -> Any:
    """feedparser's result for ``data``; any failure inside it becomes a SourceError."""
    import feedparser

    try:
        return feedparser.parse(io.BytesIO(data))
    except Exception as error:  # a third-party parser on hostile input: report, don't crash
        raise SourceError(str(path), f"feed parsing failed ({type(error).__name__})") from error


def empty_reason(parsed: Any) -> str:
    """Why a parsed file gave no articles: not a feed at all, or a feed without entries."""
    if not parsed.get("version") and not parsed.get("entries"):
        problem = parsed.get("bozo_exception")
        detail = f" ({_one_line(str(problem))})" if parsed.get("bozo") and problem else ""
        return f"not a feed{detail}"
    if parsed.get("entries"):
        return "feed entries have neither title nor text"
    return "feed has no entries"


def _one_line(text: str) -> str:
    """A parser message on one short line."""
    line = " ".join(text.split())
    return line if len(line) <= 120 else line[:119] + "…"


def _articles(path: Path, parsed: Any) -> Iterator[Article]:
    """Articles for the feed's entries, in feed order."""
    feed = parsed.get("feed") or {}
    source = plain(feed.get("title", ""), feed.get("title_detail"))
    scope = _string(feed.get("link")) or source
    seen: dict[str, str] = {}
    for n, entry in enumerate(parsed.get("entries") or []):
        draft = to_draft(entry, source)
        guid = _string(entry.get("id"))
        article = finish_entry(draft, path, n=n, guid=guid, scope=scope, seen=seen)
        if article is not None:
            yield article


def to_draft(entry: Mapping[str, Any], feed_title: str) -> Draft:
    """One feed entry's fields as a Draft."""
    source_detail = entry.get("source") or {}
    return Draft(
        title=plain(entry.get("title", ""), entry.get("title_detail")),
        body=_body(entry),
        source=feed_title or _string(source_detail.get("title")),
        author=_string(entry.get("author")),
        url=_string(entry.get("link")),
        published=_published(entry),
    )


def _body(entry: Mapping[str, Any]) -> str:
    """The entry's fullest text: its longest content part, else its summary."""
    parts = [part for part in entry.get("content") or [] if _string(part.get("value")).strip()]
    if parts:
        best = max(parts, key=lambda part: len(_string(part.get("value"))))
        return plain(_string(best.get("value")), best)
    return plain(entry.get("summary", ""), entry.get("summary_detail"))


def plain(value: Any, detail: Any) -> str:
    """Feed text as plain text: HTML-typed (or HTML-looking) values are converted."""
    text = _string(value)
    kind = _string(detail.get("type")) if isinstance(detail, Mapping) else ""
    if "html" in kind or looks_like_html(text):
        return html_to_text(text)
    return text


def _published(entry: Mapping[str, Any]) -> datetime | None:
    """The entry's publication (else update, else creation) date, naive UTC."""
    for field in _DATE_FIELDS:
        # dict.get, not entry.get: FeedParserDict maps published -> updated with a warning
        parsed = parse_date(dict.get(entry, field) if isinstance(entry, dict) else None)
        if parsed is not None:
            return parsed
    # feedparser reads English dates (and a few others); the text it could not read, in
    # the languages parse_date knows ("Seg, 24 Set 2018 19:42:40 -0300").
    for field in _DATE_TEXTS:
        parsed = parse_date(dict.get(entry, field) if isinstance(entry, dict) else None)
        if parsed is not None:
            return parsed
    return None


def _string(value: Any) -> str:
    """``value`` if it is a string, else ''."""
    return value if isinstance(value, str) else ""
