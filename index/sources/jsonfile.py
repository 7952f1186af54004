"""JSON and JSON Lines articles: one article per object; JSON Feed read as a feed.

Accepts a single object, a list of objects, a wrapper object holding the list
(``{"articles": [...]}``, ``{"items": [...]}``, ...) and one object per line.
Field names vary between exporters, so each article field is looked up under its
common spellings; HTML in a body is converted to plain text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from index.errors import SourceError
from index.models import Article
from index.sources.common import Draft, finish, finish_entry, first_value, parse_date
from index.sources.htmltext import html_to_text, looks_like_html
from index.sources.raw import decode, read_bytes

SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})

TITLE_FIELDS = ("title", "headline", "name", "subject")
BODY_FIELDS = (
    "body", "text", "content", "content_text", "content_html", "article", "article_body",
    "articleBody", "full_text", "description", "summary", "abstract",
)  # fmt: skip
DATE_FIELDS = (
    "date", "published", "pubDate", "pub_date", "date_published", "published_at",
    "publishedAt", "datePublished", "publication_date", "created_at", "created", "timestamp",
    "time", "updated", "date_modified", "dateModified",
)  # fmt: skip
SOURCE_FIELDS = ("source", "site", "sitename", "site_name", "publisher", "publication", "feed")
AUTHOR_FIELDS = ("author", "authors", "byline", "creator", "writer")
URL_FIELDS = ("url", "link", "href", "external_url", "canonical_url", "permalink")
ID_FIELDS = ("id", "guid", "uuid", "_id")
WRAPPER_FIELDS = (
    "articles", "items", "entries", "data", "results", "posts", "stories", "documents",
    "docs", "news",
)  # fmt: skip


def read(path: Path) -> list[Article]:
    """Read a JSON or JSON Lines file into its articles."""
    text = decode(read_bytes(path), path)
    records, default_source = _records(path, text)
    articles = list(_articles(path, records, default_source))
    if not articles:
        raise SourceError(str(path), "no articles in the JSON (no object with a title or body)")
    return articles


def _records(path: Path, text: str) -> tuple[list[Any], str]:
    """The candidate article objects and a source name inherited from a wrapper or feed."""
    if path.name.lower().removesuffix(".gz").endswith((".jsonl", ".ndjson")):
        return _json_lines(path, text), ""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":
            return _json_lines(path, text), ""
        raise SourceError(str(path), f"invalid JSON ({_describe(error)})") from None
    except RecursionError:
        raise SourceError(str(path), "invalid JSON (nested too deeply)") from None
    return unwrap(value)


def _json_lines(path: Path, text: str) -> list[Any]:
    """One value per non-empty line; bad lines are skipped unless every line is bad."""
    values: list[Any] = []
    first_error = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            values.append(json.loads(line))
        except (json.JSONDecodeError, RecursionError) as error:
            first_error = first_error or f"line {number}: {_describe(error)}"
    if not values:
        raise SourceError(str(path), f"invalid JSON Lines ({first_error or 'no values'})")
    return values


def _describe(error: Exception) -> str:
    """A JSON error as 'message at line L column C'."""
    if isinstance(error, json.JSONDecodeError):
        at = "" if error.msg.endswith(" at") else " at"
        return f"{error.msg}{at} line {error.lineno} column {error.colno}"
    return "nested too deeply"


def unwrap(value: Any) -> tuple[list[Any], str]:
    """Article objects in a decoded JSON value, and the wrapper's source name if any."""
    if isinstance(value, list):
        return value, ""
    if not isinstance(value, dict):
        return [], ""
    if is_json_feed(value):
        return _json_feed_items(value), _name(value.get("title"))
    for field in WRAPPER_FIELDS:
        inner = value.get(field)
        if isinstance(inner, list) and any(isinstance(item, dict) for item in inner):
            return inner, _name(first_value(value, SOURCE_FIELDS) or value.get("title"))
    return [value], ""


def is_json_feed(value: Mapping[str, Any]) -> bool:
    """True for a JSON Feed document (version ``https://jsonfeed.org/version/...``)."""
    version = value.get("version")
    return isinstance(version, str) and "jsonfeed.org/version" in version


def _json_feed_items(feed: Mapping[str, Any]) -> list[Any]:
    """A JSON Feed's items, each given the feed's author when it has none of its own."""
    items = feed.get("items")
    if not isinstance(items, list):
        return []
    feed_author = first_value(feed, ("authors", "author"))
    return [
        {**item, "author": feed_author}
        if isinstance(item, dict) and feed_author and not first_value(item, ("authors", "author"))
        else item
        for item in items
    ]


def _articles(path: Path, records: list[Any], default_source: str) -> Iterator[Article]:
    """Articles for the objects among ``records`` (other values are ignored)."""
    seen: dict[str, str] = {}
    single = len(records) == 1
    for n, record in enumerate(records):
        if not isinstance(record, dict):
            continue
        draft = to_draft(record, default_source)
        guid = _scalar(first_value(record, ID_FIELDS))
        if single and not draft.url and not guid:
            article = finish(draft, path, key=str(path))  # one article in a file: the file's
        else:
            article = finish_entry(draft, path, n=n, guid=guid, scope=draft.source, seen=seen)
        if article is not None:
            yield article


def to_draft(record: Mapping[str, Any], default_source: str = "") -> Draft:
    """One JSON object's article fields, under whichever common names it uses."""
    body = _body(record)
    return Draft(
        title=_plain(_scalar(first_value(record, TITLE_FIELDS))),
        body=body,
        source=_name(first_value(record, SOURCE_FIELDS)) or default_source,
        author=_name(first_value(record, AUTHOR_FIELDS)),
        url=_link(first_value(record, URL_FIELDS)),
        published=_first_date(record),
    )


def _body(record: Mapping[str, Any]) -> str:
    """The first body field present, as plain text (parts of a list joined as paragraphs)."""
    value = first_value(record, BODY_FIELDS)
    if isinstance(value, list):
        return "\n\n".join(_plain(_scalar(part)) for part in value)
    return _plain(_scalar(value))


def _plain(text: str) -> str:
    """Text with any HTML markup converted to plain paragraphs."""
    return html_to_text(text) if looks_like_html(text) else text


def _first_date(record: Mapping[str, Any]) -> datetime | None:
    """The first date field that parses as a full date."""
    for field in DATE_FIELDS:
        value = record.get(field)
        if value is not None:
            parsed = parse_date(value)
            if parsed is not None:
                return parsed
    return None


def _scalar(value: Any) -> str:
    """A string for a scalar, or for an object's ``value``/``text``/``name`` field."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return _scalar(first_value(value, ("value", "text", "html", "content", "name", "title")))
    return ""


def _name(value: Any) -> str:
    """A person's or publication's name: a string, ``{"name": ...}``, or a list of them."""
    if isinstance(value, list):
        return ", ".join(name for name in (_name(item) for item in value[:10]) if name)
    if isinstance(value, dict):
        return _scalar(first_value(value, ("name", "title", "display_name", "value")))
    return _scalar(value)


def _link(value: Any) -> str:
    """A URL: a string, ``{"href": ...}``, or the first of a list of them."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = first_value(value, ("href", "url", "value"))
    return value.strip() if isinstance(value, str) else ""
