"""Markdown articles with optional front matter (``title``, ``date``, ``source``,
``author``, ``url``).

Front matter is read as simple ``key: value`` lines between ``---`` fences (the
subset news front matter uses; no YAML library needed). Without a ``title`` the
first ``# heading`` is the title. The body keeps its text and paragraphs and loses
the markup: emphasis, links (their text stays), images, heading and quote marks.
"""

from __future__ import annotations

import re
from pathlib import Path

from index.models import Article
from index.sources.common import Draft, cap_source, finish, parse_date
from index.sources.htmltext import html_to_text
from index.sources.raw import decode, read_bytes

SUFFIXES = frozenset({".md", ".markdown"})

_FENCE = re.compile(r"^(---|\+\+\+)[ \t]*$")
_FIELD = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*[:=][ \t]*(.*)$")
_FIELD_ALIASES = {
    "title": "title",
    "headline": "title",
    "date": "date",
    "published": "date",
    "pubdate": "date",
    "source": "source",
    "site": "source",
    "publication": "source",
    "author": "author",
    "authors": "author",
    "by": "author",
    "url": "url",
    "link": "url",
}
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$")


def read(path: Path) -> list[Article]:
    """Read one Markdown file into one Article."""
    text = cap_source(decode(read_bytes(path), path))
    article = finish(parse(text), path, key=str(path))
    return [article] if article else []


def parse(text: str) -> Draft:
    """Front matter, title and plain-text body of a Markdown document."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    meta, content = split_front_matter(text)
    title = meta.get("title", "")
    if not title:
        title, content = _take_heading(content)
    return Draft(
        title=strip_inline(title),
        body=strip_markdown(content),
        source=meta.get("source", ""),
        author=meta.get("author", ""),
        url=meta.get("url", ""),
        published=parse_date(meta["date"]) if meta.get("date") else None,
    )


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Known front-matter fields (lower-cased names) and the text after the fences."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return {}, text
    closing = lines[0].strip()
    for end in range(1, min(len(lines), 200)):
        if lines[end].strip() in (closing, "..."):
            return _fields(lines[1:end]), "\n".join(lines[end + 1 :])
    return {}, text  # no closing fence: not front matter after all


def _fields(lines: list[str]) -> dict[str, str]:
    """``key: value`` pairs (quotes removed; a ``- item`` list after a key joins with ', ')."""
    fields: dict[str, str] = {}
    current = ""
    for line in lines:
        match = _FIELD.match(line)
        if match:
            current = _FIELD_ALIASES.get(match.group(1).lower(), "")
            value = _unquote(match.group(2))
            if current and value and current not in fields:
                fields[current] = value
        elif current and line.strip().startswith("- ") and current not in fields:
            fields[current] = _unquote(line.strip()[2:])
        elif current and line.strip().startswith("- "):
            fields[current] += ", " + _unquote(line.strip()[2:])
    return fields


def _unquote(value: str) -> str:
    """A scalar without surrounding quotes, flow-list brackets or a trailing comment."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1].strip()
    if value.startswith("[") and value.endswith("]"):
        return ", ".join(_unquote(item) for item in value[1:-1].split(",") if item.strip())
    return re.sub(r"\s+#.*$", "", value)


def _take_heading(content: str) -> tuple[str, str]:
    """The first ``# heading`` (or setext heading) if it opens the document, and the rest."""
    lines = content.split("\n")
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        match = _ATX_HEADING.match(line)
        if match:
            return match.group(1), "\n".join(lines[index + 1 :])
        underline = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if underline and set(underline) <= {"="}:
            return line.strip(), "\n".join(lines[index + 2 :])
        break
    return "", content


# Every pattern below stops at the next delimiter and is bounded, so that hostile input
# (a million unclosed "*" or "[") costs linear time, not quadratic.
_IMAGE = re.compile(r"!\[[^\]\n]{0,500}\]\([^()\n]{0,2000}\)")
_LINK = re.compile(r"\[([^\]\n]{1,500})\]\((?:[^()\s]|\([^()\s]{0,2000}\)){0,2000}\)")
_REF_LINK = re.compile(r"\[([^\]\n]{1,500})\]\[[^\]\n]{0,500}\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_EMPHASIS = re.compile(
    r"(\*\*|\*|~~)(?=[^\s*~])([^*~\n]{1,500}?)(?<=\S)\1"
    r"|(?<!\w)(__|_)(?=[^\s_])([^_\n]{1,500}?)(?<=\S)\3(?!\w)"
)
_CODE = re.compile(r"`+([^`\n]{1,2000})`+")
_REF_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]{1,500}\]:[ \t]+\S.*$", re.MULTILINE)
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}(> ?)+")
_BULLET = re.compile(r"^(\s*)[-*+][ \t]+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def strip_markdown(content: str) -> str:
    """Plain text of a Markdown body, paragraphs kept, markup removed."""
    content = remove_comments(content)
    content = _REF_DEFINITION.sub("", content)
    out: list[str] = []
    in_code = False
    for line in content.split("\n"):
        if line.strip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        out.append(line if in_code else _strip_line(line))
    text = "\n".join(out)
    if "<" in text and re.search(r"</\w+>", text):
        text = html_to_text(text.replace("\n\n", "<p>").replace("\n", "<br>"))
    return text


def remove_comments(text: str) -> str:
    """Text without ``<!-- ... -->`` comments (an unclosed one runs to the end)."""
    parts: list[str] = []
    position = 0
    while (start := text.find("<!--", position)) >= 0:
        parts.append(text[position:start])
        end = text.find("-->", start + 4)
        if end < 0:
            return "".join(parts)
        position = end + 3
    parts.append(text[position:])
    return "".join(parts)


def _strip_line(line: str) -> str:
    """One line of Markdown without block markers and inline markup."""
    if _RULE.match(line) or _SETEXT_UNDERLINE.match(line) or _TABLE_RULE.match(line):
        return ""
    heading = _ATX_HEADING.match(line)
    if heading:
        line = heading.group(1)
    if line.strip().startswith("|") and line.strip().endswith("|"):
        line = " | ".join(cell.strip() for cell in line.strip()[1:-1].split("|"))
    line = _QUOTE.sub("", line)
    line = _BULLET.sub(r"\1• ", line)
    return strip_inline(line)


def strip_inline(text: str) -> str:
    """Inline Markdown to text: images dropped, links to their text, emphasis and code unmarked."""
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _REF_LINK.sub(lambda m: m.group(1), text)
    text = _AUTOLINK.sub(lambda m: m.group(1), text)
    text = _CODE.sub(lambda m: m.group(1), text)
    for _ in range(2):  # nested emphasis such as ***bold italic***
        text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(4), text)
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!>|])", r"\1", text)
