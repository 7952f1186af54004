"""Plain text articles (``.txt``): first non-empty line is the title, then the body.

The seed's and the BBC corpus's shape: a headline line, a blank line, paragraphs
separated by blank lines. A file whose first line is a whole paragraph (no
headline) keeps it in the body and gets a title from its first sentence.
"""

from __future__ import annotations

from pathlib import Path

from index.models import Article
from index.sources.common import MAX_TITLE_CHARS, Draft, cap_source, finish
from index.sources.raw import decode, read_bytes

SUFFIXES = frozenset({".txt"})


def read(path: Path) -> list[Article]:
    """Read one text file into one Article (or none when it holds no text)."""
    text = cap_source(decode(read_bytes(path), path))
    article = finish(parse(text), path, key=str(path))
    return [article] if article else []


def parse(text: str) -> Draft:
    """Split text into headline and body."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.strip():
            if len(line.strip()) > MAX_TITLE_CHARS:
                break  # a paragraph, not a headline
            return Draft(title=line.strip(), body="\n".join(lines[index + 1 :]))
    return Draft(body=text)
