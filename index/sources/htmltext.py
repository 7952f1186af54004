"""HTML fragments (feed summaries, JSON ``content_html``) to plain text with paragraphs.

Not for whole pages (trafilatura finds the main text there): this keeps all the
text of a fragment, puts a blank line between blocks and a newline at ``<br>``,
and drops scripts, styles and markup.
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[a-zA-Z!/?][^<>]{0,2000}>")
"""A tag; stops at the next ``<`` so that unclosed tags cost linear time."""
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "aside", "blockquote", "pre",
        "ul", "ol", "dl", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd",
        "figure", "figcaption", "hr", "address", "main", "nav",
    }
)  # fmt: skip
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "iframe", "object"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_PARAGRAPH_BREAK = "\x1d"
_LINE_BREAK = "\x1e"


def looks_like_html(text: str) -> bool:
    """True when ``text`` holds markup worth converting (a few tags, not a stray ``<``)."""
    return len(_TAG.findall(text[:20_000])) >= 1 and ("</" in text or "/>" in text or "<br" in text)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, blocks separated by blank lines."""
    if not fragment.strip():
        return ""
    if not looks_like_html(fragment):
        return html.unescape(fragment).strip()
    try:
        return _lxml_text(fragment)
    except Exception:  # lxml refuses some inputs outright; strip tags by regex instead
        return _regex_text(fragment)


def _lxml_text(fragment: str) -> str:
    """Walk the lxml tree, marking block and line breaks, then tidy whitespace."""
    from lxml import html as lxml_html

    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    parts: list[str] = []
    _walk(root, parts)
    return _tidy("".join(parts))


def _walk(element: object, parts: list[str]) -> None:
    """Append the text of ``element`` and its children, with break markers for blocks."""
    tag = getattr(element, "tag", "")
    tag = tag.lower() if isinstance(tag, str) else ""
    if tag in _SKIP_TAGS or not isinstance(getattr(element, "tag", None), str):
        _append_tail(element, parts)
        return
    if tag in _BLOCK_TAGS:
        parts.append(_PARAGRAPH_BREAK)
    elif tag == "br":
        parts.append(_LINE_BREAK)
    if tag == "li":
        parts.append("• ")
    text = getattr(element, "text", None)
    if text:
        parts.append(text)
    for child in element:  # type: ignore[attr-defined]
        _walk(child, parts)
    if tag in _BLOCK_TAGS:
        parts.append(_PARAGRAPH_BREAK)
    elif tag in ("td", "th"):
        parts.append(" ")
    _append_tail(element, parts)


def _append_tail(element: object, parts: list[str]) -> None:
    """The text after an element's closing tag belongs to its parent."""
    tail = getattr(element, "tail", None)
    if tail:
        parts.append(tail)


def _regex_text(fragment: str) -> str:
    """A crude fallback: block tags become breaks, other tags vanish, entities decode."""
    text = re.sub(r"(?i)<br\s*/?>", _LINE_BREAK, fragment)
    text = re.sub(
        r"(?i)</?(?:p|div|li|h[1-6]|blockquote|tr|ul|ol)\b[^<>]{0,2000}>", _PARAGRAPH_BREAK, text
    )
    return _tidy(html.unescape(_TAG.sub("", text)))


def _tidy(text: str) -> str:
    """Collapse whitespace inside lines; break markers become one newline or one blank line."""
    text = _SPACES.sub(" ", text.replace("\n", " "))
    text = re.sub(rf"\s*{_PARAGRAPH_BREAK}[\s{_PARAGRAPH_BREAK}{_LINE_BREAK}]*", "\n\n", text)
    text = re.sub(rf" *{_LINE_BREAK}[ {_LINE_BREAK}]*", "\n", text)
    lines = (line.strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
