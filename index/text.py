"""One rule for text from outside: what may reach a terminal, and which URLs an article keeps.

Every path that shows text that came from a file, a feed or an import goes
through :func:`visible` (ingest, bookmark import, the CLI's output, the
reader): C0 and C1 control characters (ESC, CSI U+009B, OSC U+009D, ST
U+009C, DEL...) are removed, so no text can set the terminal's title, clear
the screen or move the cursor. Tabs and newlines stay. Markup is a separate
matter: the CLI escapes Rich markup and the reader renders text as text.
A name that is not UTF-8 (a file ``caf\\xe9.txt`` from a Latin-1 disk, an
argument ``$'\\xff'``) reaches Python with lone surrogates, which no terminal,
SQLite or Whoosh can encode: :func:`visible` shows each such byte as ``\\xNN``,
and :func:`is_utf8` lets a caller refuse the name before storing it.

:func:`web_url` keeps an article's URL only when it is http(s): a front
matter ``url: javascript:...`` or ``file:///etc/passwd`` is never stored.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\ufeff]")
"""Control characters but tab and newline, C1 included; zero-width space and BOM."""

SURROGATE = re.compile(r"[\ud800-\udfff]")
"""A lone surrogate: a byte that was not UTF-8 (``surrogateescape``), or broken UTF-16."""


def _shown_byte(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"


def visible(text: str) -> str:
    """``text`` without control characters (tab and newline kept); a byte that was not
    UTF-8 is shown as ``\\xNN``, so the result can always be encoded and printed."""
    return SURROGATE.sub(_shown_byte, CONTROL.sub("", text))


def is_utf8(text: str) -> bool:
    """True if ``text`` can be written as UTF-8 (it holds no lone surrogate)."""
    return SURROGATE.search(text) is None


def one_line(text: str) -> str:
    """``text`` on one line: control characters gone, every run of white space one space."""
    return " ".join(visible(text).split())


def web_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host, else ``""``."""
    url = one_line(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""
