"""What the reader remembers between runs: ``state.json`` in the library home.

The theme, the sidebar, the sort, the compact list, and the last query and
article. The file is the reader's, rewritten whole (a temporary file, then a
rename) whenever one of them changes and when the app closes; ``config.toml``
stays the user's, and where it sets the theme or the sidebar it wins.

A file that cannot be read or parsed means defaults and one warning naming it;
a value of the wrong kind is dropped alone. Nothing here raises.

    {"version": 1, "theme": "nord", "sidebar": true, "sort": "date",
     "compact": false, "query": "gaza", "article": "ae79fbdee465601c"}
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from index.home import SortOrder

VERSION = 1


@dataclass(frozen=True)
class ReaderState:
    """The reading state kept across a relaunch (defaults: a first run)."""

    theme: str | None = None
    sidebar: bool = True
    sort: SortOrder = "relevance"
    compact: bool = False
    sources: bool = False
    """Whether the sources pane is shown (``F``)."""
    list_width: int = 0
    """The list's width the reader chose with ``<``/``>`` (0: the default share)."""
    overview: bool = False
    """Whether the sidebar shows the view's timeline and facets (``O``)."""
    query: str = ""
    article_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "theme": self.theme,
            "sidebar": self.sidebar,
            "sort": self.sort,
            "compact": self.compact,
            "sources": self.sources,
            "list_width": self.list_width,
            "overview": self.overview,
            "query": self.query,
            "article": self.article_id,
        }


def load_state(path: Path) -> tuple[ReaderState, str | None]:
    """The state in ``path`` and what was wrong with it (None: nothing; a missing file is
    a first run, not a problem)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ReaderState(), None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return ReaderState(), f"{path}: cannot read the saved reading state ({error}); ignored"
    if not isinstance(data, dict):
        return ReaderState(), f"{path}: not a saved reading state; ignored"
    return _from_json(path, data)


def _from_json(path: Path, data: dict[str, Any]) -> tuple[ReaderState, str | None]:
    default = ReaderState()
    dropped: list[str] = []

    def take(key: str, fallback: Any, valid: Any) -> Any:
        value = data.get(key, fallback)
        if value is fallback or valid(value):
            return value
        dropped.append(key)
        return fallback

    state = ReaderState(
        theme=take("theme", default.theme, lambda v: isinstance(v, str)),
        sidebar=take("sidebar", default.sidebar, lambda v: isinstance(v, bool)),
        sort=take("sort", default.sort, lambda v: v in get_args(SortOrder)),
        compact=take("compact", default.compact, lambda v: isinstance(v, bool)),
        sources=take("sources", default.sources, lambda v: isinstance(v, bool)),
        list_width=take(
            "list_width",
            default.list_width,
            lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 200,
        ),
        overview=take("overview", default.overview, lambda v: isinstance(v, bool)),
        query=take("query", default.query, lambda v: isinstance(v, str)),
        article_id=take("article", default.article_id, lambda v: isinstance(v, str)),
    )
    problem = f"{path}: ignored {', '.join(dropped)} (not a valid value)" if dropped else None
    return state, problem


def save_state(path: Path, state: ReaderState) -> str | None:
    """Write ``state`` to ``path`` atomically; the reason it could not be written, if so."""
    text = json.dumps(state.to_json(), indent=1, ensure_ascii=False) + "\n"
    temporary: str | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, prefix=".state-", delete=False
        ) as handle:
            temporary = handle.name
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        return f"{path}: cannot save the reading state ({error.strerror or error})"
    return None
