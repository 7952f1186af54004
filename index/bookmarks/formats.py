"""Bookmarks as W3C Web Annotations (JSON) and as Markdown, and back from JSON.

The JSON is an ``AnnotationCollection`` whose ``first`` page holds one
``Annotation`` per bookmark: ``target.source`` is the article's URL (or
``urn:newsreader:article:ID``), ``target.selector`` a TextQuoteSelector and a
TextPositionSelector, the note a ``TextualBody`` (purpose ``commenting``) and
each tag a ``TextualBody`` with purpose ``tagging``. What the standard has no
word for (status, the article's id, title and content hash) travels in
``newsreader:*`` keys, so an export imports back without loss.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from index.bookmarks.database import clean_tags
from index.codec import iso
from index.errors import NewsreaderError
from index.models import Article, Bookmark, BookmarkStatus, stable_id
from index.text import one_line, visible

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
NAMESPACE = "urn:newsreader:ns:"
BOOKMARK_IRI = "urn:newsreader:bookmark:"
ARTICLE_IRI = "urn:newsreader:article:"
STATUSES: tuple[BookmarkStatus, ...] = ("anchored", "moved", "orphaned")


# To JSON ---------------------------------------------------------------------


def collection(
    bookmarks: Sequence[Bookmark], urls: dict[str, str], *, generated: datetime | None = None
) -> dict[str, Any]:
    """The bookmarks as one AnnotationCollection (``urls``: bookmark id -> article URL)."""
    page: dict[str, Any] = {
        "type": "AnnotationPage",
        "startIndex": 0,
        "items": [annotation(b, urls.get(b.id, "")) for b in bookmarks],
    }
    data: dict[str, Any] = {
        "@context": [CONTEXT, {"newsreader": NAMESPACE}],
        "id": "urn:newsreader:bookmarks",
        "type": "AnnotationCollection",
        "label": "newsreader bookmarks",
        "generator": {"id": "urn:newsreader", "type": "Software", "name": "newsreader"},
        "total": len(bookmarks),
        "first": page,
    }
    if generated is not None:
        data["generated"] = iso(generated)
    return data


def annotation(bookmark: Bookmark, url: str = "") -> dict[str, Any]:
    """One bookmark as a W3C Web Annotation."""
    data: dict[str, Any] = {
        "id": BOOKMARK_IRI + bookmark.id,
        "type": "Annotation",
        "motivation": "commenting" if bookmark.note else "highlighting",
        "created": iso(bookmark.created),
        "modified": iso(bookmark.updated),
    }
    body = _bodies(bookmark)
    if body:
        data["body"] = body
    data["target"] = {
        "source": url or ARTICLE_IRI + bookmark.article_id,
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": bookmark.quote,
                "prefix": bookmark.prefix,
                "suffix": bookmark.suffix,
            },
            {"type": "TextPositionSelector", "start": bookmark.start, "end": bookmark.end},
        ],
    }
    data["newsreader:articleId"] = bookmark.article_id
    data["newsreader:articleTitle"] = bookmark.article_title
    data["newsreader:status"] = bookmark.status
    data["newsreader:contentHash"] = bookmark.content_hash
    return data


def _bodies(bookmark: Bookmark) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []
    if bookmark.note:
        bodies.append(
            {
                "type": "TextualBody",
                "value": bookmark.note,
                "format": "text/plain",
                "purpose": "commenting",
            }
        )
    bodies.extend(
        {"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in bookmark.tags
    )
    return bodies


# From JSON -------------------------------------------------------------------


ArticleLookup = Callable[[str], "str | None"]
"""Finds the id of the library's article with a URL (for annotations made elsewhere)."""


def parse(data: Any, article_for_url: ArticleLookup | None = None) -> list[tuple[Bookmark, str]]:
    """Bookmarks (with their article URL) from an export, an AnnotationPage, a list of
    annotations or one annotation. A malformed item is a clear error naming it."""
    items = _items(data)
    parsed = []
    for number, item in enumerate(items, start=1):
        try:
            parsed.append(_from_annotation(item, article_for_url))
        except (KeyError, TypeError, ValueError) as error:
            raise NewsreaderError(f"annotation {number} cannot be imported: {error}") from error
    return parsed


def _items(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise NewsreaderError("not a W3C annotation export: expected a JSON object or list")
    kind = data.get("type")
    if kind == "AnnotationCollection":
        items: list[Any] = []
        page = data.get("first")
        while isinstance(page, dict):
            items.extend(page.get("items") or [])
            page = page.get("next")
        return items
    if kind == "AnnotationPage":
        return list(data.get("items") or [])
    if kind == "Annotation":
        return [data]
    raise NewsreaderError(
        "not a W3C annotation export: no AnnotationCollection, AnnotationPage or Annotation"
    )


def _from_annotation(item: Any, article_for_url: ArticleLookup | None) -> tuple[Bookmark, str]:
    if not isinstance(item, dict):
        raise TypeError("not a JSON object")
    source, selectors = _target(item.get("target"))
    quote = _selector(selectors, "TextQuoteSelector")
    if quote is None or not isinstance(quote.get("exact"), str) or not quote["exact"]:
        raise ValueError("its target has no TextQuoteSelector with an exact quote")
    position = _selector(selectors, "TextPositionSelector") or {}
    start, end = int(position.get("start", 0)), int(position.get("end", 0))
    if not (0 <= start <= end):
        raise ValueError(f"bad TextPositionSelector [{start}, {end})")
    note, tags = _note_and_tags(item.get("body"))
    article_id = str(item.get("newsreader:articleId") or _article_id(source, article_for_url))
    created = _datetime(item.get("created"))
    status = item.get("newsreader:status")
    bookmark = Bookmark(
        id=_bookmark_id(item, source, quote["exact"], start),
        article_id=one_line(article_id),
        quote=visible(quote["exact"]),
        prefix=visible(str(quote.get("prefix") or "")),
        suffix=visible(str(quote.get("suffix") or "")),
        start=start,
        end=end if end > start else start + len(quote["exact"]),
        content_hash=str(item.get("newsreader:contentHash") or ""),
        note=visible(note).strip(),
        tags=clean_tags(tags),
        created=created,
        updated=_datetime(item.get("modified")) or created,
        status=status if status in STATUSES else "anchored",
        article_title=one_line(str(item.get("newsreader:articleTitle") or "")),
    )
    url = "" if source.startswith(ARTICLE_IRI) else one_line(source)
    return bookmark, url


def _target(target: Any) -> tuple[str, list[dict[str, Any]]]:
    if isinstance(target, list):
        target = next((t for t in target if isinstance(t, dict) and "selector" in t), None)
    if not isinstance(target, dict):
        raise ValueError("it has no target with a selector")
    source = target.get("source")
    if not isinstance(source, str) or not source:
        raise ValueError("its target has no source")
    selector = target.get("selector")
    selectors = selector if isinstance(selector, list) else [selector]
    return source, [s for s in selectors if isinstance(s, dict)]


def _selector(selectors: Iterable[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    return next((s for s in selectors if s.get("type") == kind), None)


def _note_and_tags(body: Any) -> tuple[str, tuple[str, ...]]:
    bodies = body if isinstance(body, list) else [body]
    notes: list[str] = []
    tags: list[str] = []
    for part in bodies:
        if not isinstance(part, dict) or not isinstance(part.get("value"), str):
            continue
        if part.get("purpose") == "tagging":
            tags.append(part["value"])
        else:
            notes.append(part["value"])
    return "\n\n".join(notes), tuple(tags)


def _article_id(source: str, article_for_url: ArticleLookup | None) -> str:
    """Ours by its IRI; else the library's article with that URL; else the id a source
    reader would give an article read from that URL."""
    if source.startswith(ARTICLE_IRI):
        return source[len(ARTICLE_IRI) :]
    known = article_for_url(source) if article_for_url is not None else None
    return known or stable_id(source)


def _bookmark_id(item: dict[str, Any], source: str, exact: str, start: int) -> str:
    """Our own ids come back as they were; a foreign annotation gets one derived from its
    id (or its target), so that importing it twice does not duplicate it."""
    given = item.get("id")
    if isinstance(given, str) and given.startswith(BOOKMARK_IRI):
        return given[len(BOOKMARK_IRI) :]
    key = given if isinstance(given, str) and given else f"{source}\x00{exact}\x00{start}"
    return "w3c" + hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:9]


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


# Markdown --------------------------------------------------------------------


def markdown(bookmarks: Sequence[Bookmark], about: Mapping[str, Article] | None = None) -> str:
    """Bookmarks grouped by article (by title), under each title the article's source,
    date and link when ``about`` has it; each quote a blockquote with its note, tags,
    date and, unless anchored, its status."""
    about = about or {}
    groups: dict[str, list[Bookmark]] = {}
    for bookmark in bookmarks:
        groups.setdefault(bookmark.article_id, []).append(bookmark)
    order = sorted(
        groups.values(), key=lambda group: (_title(group[0]).casefold(), group[0].article_id)
    )
    lines = ["# Bookmarks", ""]
    if not bookmarks:
        lines.append("_No bookmarks yet._")
    for group in order:
        lines.extend([f"## {_title(group[0])}", ""])
        article = about.get(group[0].article_id)
        if article is not None and (byline := _byline(article)):
            lines.extend([byline, ""])
        for bookmark in sorted(group, key=lambda b: (b.start, b.id)):
            lines.extend(_entry(bookmark))
    return "\n".join(lines).rstrip() + "\n"


def _byline(article: Article) -> str:
    """``*BBC News · 2024-11-10* · <https://...>`` (a file's path when there is no URL)."""
    facts = [" ".join(article.source.split())] if article.source.strip() else []
    if article.published is not None:
        day = article.published.strftime("%Y-%m-%d")
        facts.append(f"{day} (file date)" if article.date_origin == "file" else day)
    parts = [f"*{' · '.join(facts)}*"] if facts else []
    if article.url:
        parts.append(f"<{article.url}>")
    elif article.path:
        parts.append(f"`{article.path}`")
    return " · ".join(parts)


def _title(bookmark: Bookmark) -> str:
    title = " ".join(bookmark.article_title.split())
    return title or f"Article {bookmark.article_id}"


def _entry(bookmark: Bookmark) -> list[str]:
    lines = [f"> {line}" if line.strip() else ">" for line in bookmark.quote.splitlines()]
    lines.append("")
    if bookmark.note:
        lines.extend([bookmark.note, ""])
    facts = []
    if bookmark.tags:
        facts.append(" ".join(f"`#{tag}`" for tag in bookmark.tags))
    if bookmark.created is not None:
        facts.append(bookmark.created.strftime("%Y-%m-%d"))
    if bookmark.status != "anchored":
        facts.append(f"**{bookmark.status}**")
    facts.append(f"id `{bookmark.id}`")
    lines.extend([" · ".join(facts), ""])
    return lines
