"""How the CLI prints: JSON for scripts, Rich for people, one-line errors on stderr."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from typing import Any

from rich.console import Console
from rich.markup import escape

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)


def _default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_default))
    sys.stdout.write("\n")


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 bookmark``, ``2 bookmarks``, ``1,000 articles``."""
    return f"{count:,} {noun if count == 1 else (plural or noun + 's')}"


def error(message: str) -> None:
    """One line on stderr, prefixed with the program name; no traceback."""
    stderr.print(f"[bold red]newsreader:[/] {escape(message)}", markup=True, highlight=False)


def warn(message: str) -> None:
    stderr.print(f"[yellow]skipped[/] {escape(message)}", markup=True, highlight=False)


def marked(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """Rich markup for ``text`` with ``spans`` in bold yellow (everything else escaped)."""
    parts = []
    position = 0
    for start, end in sorted(spans):
        if start < position:
            continue
        parts.append(escape(text[position:start]))
        parts.append(f"[bold yellow]{escape(text[start:end])}[/]")
        position = end
    parts.append(escape(text[position:]))
    return "".join(parts)
