"""How the CLI prints: JSON for scripts, Rich for people, one-line errors on stderr."""

from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime
from typing import Any

from rich.console import Console
from rich.markup import escape

from index.codec import iso
from index.text import visible

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)


def _default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


_UNSAFE_IN_JSON = re.compile(r"[\x7f-\x9f\u2028\u2029]")
"""What ``json.dumps(ensure_ascii=False)`` leaves raw but a terminal may obey (C1 controls,
DEL) or a JavaScript reader may choke on (line and paragraph separators)."""


def print_json(data: Any) -> None:
    """JSON on stdout: UTF-8 text, every control character written as a ``\\u`` escape (the
    data is exact, the terminal sees no control sequence)."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=_default)
    sys.stdout.write(_UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
    sys.stdout.write("\n")


def text(value: str) -> str:
    """Outside text for a Rich console: control characters removed, markup shown as text."""
    return escape(visible(value))


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 bookmark``, ``2 bookmarks``, ``1,000 articles``."""
    return f"{count:,} {noun if count == 1 else (plural or noun + 's')}"


def error(message: str) -> None:
    """One line on stderr, prefixed with the program name; no traceback."""
    stderr.print(f"[bold red]newsreader:[/] {text(message)}", markup=True, highlight=False)


def notice(message: str) -> None:
    """One line on stderr about what the program is doing (not an error)."""
    stderr.print(f"[dim]newsreader:[/] {text(message)}", markup=True, highlight=False)


def warn(message: str) -> None:
    stderr.print(f"[yellow]skipped[/] {text(message)}", markup=True, highlight=False)


def heading(title: str, source: str, published: datetime | None, article_id: str) -> str:
    """A hit's or related item's first line: bold title, then source, day and id, dim."""
    day = (iso(published) or "")[:10]
    return f"[bold]{text(title)}[/]  [dim]{text(source)} · {day} · {text(article_id)}[/]"


def marked(snippet: str, spans: tuple[tuple[int, int], ...]) -> str:
    """Rich markup for ``snippet`` with ``spans`` in bold yellow (everything else as text)."""
    parts = []
    position = 0
    for start, end in sorted(spans):
        if start < position:
            continue
        parts.append(text(snippet[position:start]))
        parts.append(f"[bold yellow]{text(snippet[start:end])}[/]")
        position = end
    parts.append(text(snippet[position:]))
    return "".join(parts)
