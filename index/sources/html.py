"""News pages (``.html``, ``.htm``, also gzipped): main text and metadata via trafilatura.

trafilatura finds the article's main text (leaving menus, ads and comments out)
and its title, author, site name and URL from the page's metadata; its date comes
from htmldate, asked for the original publication date with an extensive search.
Measured on ``shared/corpora/news_html`` by ``bench/html_extract.py``.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from index.errors import SourceError
from index.models import Article
from index.sources.common import Draft, finish, parse_date
from index.sources.raw import MIB, decode, read_bytes
from index.text import web_url

SUFFIXES = frozenset({".html", ".htm", ".xhtml"})

MAX_HTML_BYTES = 4 * MIB
"""Larger pages are refused: extraction time grows with the page (about 2 s per MiB of
dense markup), and real news pages stay far below this (the largest of the 342 in
shared/corpora/news_html is 1.6 MB)."""

MAX_HTML_TAGS = 60_000
"""Pages with more markup than this are refused before extraction: trafilatura's time
grows with the element count (about 2.4 s for 50,000 empty ``<p>`` here), and the
most tag-dense of the 342 real pages in shared/corpora/news_html has 12,031 ``<``."""

_META_CHARSET = re.compile(
    rb"""<meta[^<>]{1,500}?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE
)

# trafilatura and htmldate log every page they find odd; our SourceError says what matters.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


def read(path: Path) -> list[Article]:
    """Read one HTML page into one Article."""
    data = read_bytes(path)
    if len(data) > MAX_HTML_BYTES:
        size = f"{len(data) / MIB:.0f} MiB > {MAX_HTML_BYTES // MIB} MiB"
        raise SourceError(str(path), f"too large for HTML extraction ({size})")
    page = decode_html(data, path)
    document = _extract(page, path)
    if document is None:
        raise SourceError(str(path), "no article text found in the page")
    draft = to_draft(document)
    article = finish(draft, path, key=page_key(draft.url) or str(path))
    if article is None:
        raise SourceError(str(path), "no article text found in the page")
    return [article]


def page_key(url: str) -> str:
    """A saved page's identity: the address it states for itself (canonical link or
    ``og:url``), as a feed entry's is its link, so the same page saved twice (or read
    from a feed too) is one article; the later copy updates it. A bare site address
    (some pages give their home page as canonical) names no article: ``""``."""
    url = web_url(url)
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.path in ("", "/") and not parts.query:
        return ""
    return parts._replace(fragment="").geturl()


def main_text(data: bytes, where: str) -> str:
    """The main text of a fetched page (a feed entry's full article), extracted as for
    HTML files; SourceError with the reason when there is none."""
    if len(data) > MAX_HTML_BYTES:
        raise SourceError(where, f"page too large for extraction (> {MAX_HTML_BYTES // MIB} MiB)")
    path = Path(where)
    document = _extract(decode_html(data, path), path)
    text = paragraphs(_text(document, "text")) if document is not None else ""
    if not text.strip():
        raise SourceError(where, "no article text found in the page")
    return text


def decode_html(data: bytes, path: Path) -> str:
    """UTF-8 when valid, else the charset the page declares, else detection."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data[:8192])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), errors="replace")
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data, path)


def _extract(page: str, path: Path) -> Any:
    """trafilatura's bare extraction with metadata, or None when it finds no text."""
    from trafilatura import bare_extraction

    tags = page.count("<")
    if tags > MAX_HTML_TAGS:
        reason = f"too much markup for HTML extraction ({tags:,} tags > {MAX_HTML_TAGS:,})"
        raise SourceError(str(path), reason)

    try:
        return bare_extraction(
            page,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params={"original_date": True, "extensive_search": True},
        )
    except Exception as error:  # a third-party parser on hostile input: report, don't crash
        raise SourceError(str(path), f"HTML extraction failed ({type(error).__name__})") from error


def to_draft(document: Any) -> Draft:
    """The fields of a trafilatura Document as a Draft (text with blank-line paragraphs)."""
    sitename, hostname = _text(document, "sitename"), _text(document, "hostname")
    return Draft(
        title=strip_site_name(_text(document, "title")[:1000], sitename, hostname),
        body=paragraphs(_text(document, "text")),
        source=sitename or hostname,
        author=_text(document, "author"),
        url=_text(document, "url"),
        published=_date(_text(document, "date")),
    )


def _text(document: Any, name: str) -> str:
    """A Document attribute as a string ('' when missing)."""
    value = getattr(document, name, None)
    return value if isinstance(value, str) else ""


def _date(value: str) -> datetime | None:
    """htmldate's ``YYYY-MM-DD`` as a datetime."""
    return parse_date(value) if value else None


def paragraphs(text: str) -> str:
    """trafilatura's one-line-per-block text with blank lines between blocks.

    Consecutive list items (``- item``) stay on single lines, as one block.
    """
    blocks: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if blocks and line.startswith("- ") and blocks[-1].split("\n")[-1].startswith("- "):
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return "\n\n".join(blocks)


_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-–—·»:]{1,2})\s+")
_SUFFIX_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")
_NOT_ALNUM = re.compile(r"[\W_]+")
MIN_SITE_CHARS = 4
"""Shorter title parts ("US", "AI") are never taken for a site name."""


def strip_site_name(title: str, sitename: str, hostname: str) -> str:
    """A page title without the site's name tacked on ("Story - Site", "Site | Story").

    A part counts as the site's name when it equals (or starts) the page's site
    name, or its letters and digits appear in the host name ("Eat What Tonight"
    in eatwhattonight.com).
    """
    title = title.strip()
    for separator in _SUFFIX_SEPARATORS:
        if sitename and title.endswith(separator + sitename):
            return title[: -len(separator + sitename)].strip() or title
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if not separators:
        return title
    site, host = _compact(sitename), _compact(hostname.split(":")[0])
    first, last = separators[0], separators[-1]
    if _is_site(title[last.end() :], site, host):
        return title[: last.start()].strip() or title
    if _is_site(title[: first.start()], site, host):
        return title[first.end() :].strip() or title
    return title


def _is_site(part: str, site: str, host: str) -> bool:
    """True when a title part is the site's name rather than part of the headline."""
    name = _compact(part)
    if len(name) < MIN_SITE_CHARS:
        return False
    if site and (name == site or site.startswith(name)):
        return True
    return bool(host) and name in host


def _compact(text: str) -> str:
    """Lower-case letters and digits only, for comparing names."""
    return _NOT_ALNUM.sub("", text.lower())
