"""OPML: the subscription lists every feed reader imports and exports.

Import reads nested outlines as folders ("News/Tech"), takes each outline with
an ``xmlUrl`` as a feed, and refuses what no subscription list needs: a DTD
(the door to entity-expansion "billion laughs" bombs and external entities),
more than 16 MiB, or outlines nested deeper than 64. Parsing is expat's own,
with a handler that stops at the first DOCTYPE, so nothing is ever expanded.

Export writes OPML 2.0 as newsboat (``-i``) and Miniflux import it: one
``<outline type="rss" text title xmlUrl htmlUrl>`` per feed inside one
outline per folder level.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.parsers import expat

from index.errors import NewsreaderError
from index.text import one_line

MAX_OPML_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64


class OpmlError(NewsreaderError):
    """An OPML file that cannot be imported; the message says why."""


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str = ""
    folder: str = ""
    site_url: str = ""


class _Refused(Exception):
    pass


def parse_opml(data: bytes, *, where: str = "OPML") -> list[OpmlFeed]:
    """The feeds an OPML document lists, in document order (duplicates kept: the caller
    skips those already subscribed)."""
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"{where}: too large for a subscription list (over 16 MiB)")
    parser = expat.ParserCreate()
    feeds: list[OpmlFeed] = []
    folders: list[str | None] = []
    seen_opml = False

    def doctype(*_: object) -> None:
        raise _Refused("it declares a DTD (entity expansion is refused: an XML bomb?)")

    def entity(*_: object) -> None:
        raise _Refused("it declares entities (refused: an XML bomb?)")

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal seen_opml
        if name.lower() == "opml":
            seen_opml = True
        if name.lower() != "outline":
            return
        if len(folders) >= MAX_DEPTH:
            raise _Refused(f"outlines nested deeper than {MAX_DEPTH}")
        lowered = {key.lower(): value for key, value in attrs.items()}
        url = lowered.get("xmlurl", "").strip()
        title = one_line(lowered.get("title") or lowered.get("text") or "")
        if url:
            path = "/".join(part for part in folders if part)
            feeds.append(OpmlFeed(url, title, path, lowered.get("htmlurl", "").strip()))
            folders.append(None)
        else:
            folders.append(title.replace("/", "-") or None)

    def end(name: str) -> None:
        if name.lower() == "outline" and folders:
            folders.pop()

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        raise OpmlError(f"{where}: refused, {refused}") from None
    except expat.ExpatError as error:
        raise OpmlError(f"{where}: not well-formed XML ({error})") from None
    if not seen_opml:
        raise OpmlError(f"{where}: not an OPML document (no <opml> element)")
    return feeds


def write_opml(feeds: Iterable[OpmlFeed], *, title: str = "newsreader subscriptions") -> bytes:
    """OPML 2.0 bytes for ``feeds``, folders as nested outlines."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC))
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {"": body}
    for feed in sorted(feeds, key=lambda f: (f.folder.casefold(), f.title.casefold(), f.url)):
        parent = _folder(folders, feed.folder)
        name = feed.title or feed.url
        attributes = {"type": "rss", "text": name, "title": name, "xmlUrl": feed.url}
        if feed.site_url:
            attributes["htmlUrl"] = feed.site_url
        ET.SubElement(parent, "outline", attributes)
    ET.indent(root)
    text: bytes = ET.tostring(root, "utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + text + b"\n"


def _folder(folders: dict[str, ET.Element], path: str) -> ET.Element:
    if path in folders:
        return folders[path]
    parent_path, _, name = path.rpartition("/")
    parent = _folder(folders, parent_path)
    folders[path] = ET.SubElement(parent, "outline", text=name, title=name)
    return folders[path]
