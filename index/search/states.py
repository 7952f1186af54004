"""``is:`` clauses: the reader's own state of articles, as filters on a query.

``is:unread``, ``is:read``, ``is:starred`` and ``is:bookmarked`` are not in the
Whoosh index (the state changes with every article opened, and lives in the
database): they are taken out of the query text before it is parsed and
handed back as filters, which the home turns into sets of articles from the
database and the engine applies to the query's matches. So they combine with
everything else by AND (``is:unread person:blinken published:[2024-11-01 to]``),
``NOT is:starred`` excludes, and an OR or a bracket around one is refused,
since a filter applies to the whole query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from index.errors import QueryError

StateName = Literal["unread", "read", "starred", "bookmarked", "hidden", "feed", "folder", "tag"]
STATES: tuple[StateName, ...] = ("unread", "read", "starred", "bookmarked", "hidden")
SOURCES = ("feed", "folder", "tag")
"""``feed:NAME`` (a subscription or an added folder), ``folder:NAME`` (an OPML folder) and
``tag:NAME`` (a filter rule's tag): the articles they hold, from the database, filtered
the same way."""

_CLAUSE = re.compile(r'(?<![\w:"\\])(NOT\s+|-)?is:(\S*)', re.IGNORECASE)
_QUOTED = re.compile(r'"[^"]*"?')
_DANGLING_AND = re.compile(r"^\s*AND\s+|\s+AND\s*$|(?<=\s)AND\s+(?=AND\s)")
"""An AND left with nothing on one side once an ``is:`` clause is taken out."""


@dataclass(frozen=True, slots=True)
class StateFilter:
    state: StateName
    negated: bool = False
    value: str = ""
    """The name a ``feed:`` or ``folder:`` clause gives."""


def split_states(text: str) -> tuple[str, tuple[StateFilter, ...]]:
    """``text`` without its ``is:`` clauses, and those clauses as filters."""
    lowered = text.lower()
    if not any(f"{name}:" in lowered for name in ("is", *SOURCES)):
        return text, ()
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    filters: list[StateFilter] = []
    kept: list[str] = []
    at = 0
    for match in _CLAUSE.finditer(text):
        if any(start <= match.start() < end for start, end in quoted):
            continue
        name = match.group(2).lower()
        if name not in STATES:
            choices = ", ".join(f"is:{s}" for s in STATES)
            raise QueryError(f"unknown state 'is:{match.group(2)}' (one of {choices})")
        _check_alone(text, match.start(), match.end())
        filters.append(StateFilter(name, negated=bool(match.group(1))))
        kept.append(text[at : match.start()])
        at = match.end()
    kept.append(text[at:])
    rest, sources = _split_sources(" ".join(" ".join(kept).split()))
    filters.extend(sources)
    rest = " ".join(rest.split())
    return _DANGLING_AND.sub(" ", f" {rest} ").strip(), tuple(filters)


_SOURCE = re.compile(r'(?<![\w:"\\])(NOT\s+|-)?(feed|folder|tag):("[^"]*"|\S+)', re.IGNORECASE)


def _split_sources(text: str) -> tuple[str, list[StateFilter]]:
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    found: list[StateFilter] = []
    kept: list[str] = []
    at = 0
    for match in _SOURCE.finditer(text):
        if any(start < match.start() < end for start, end in quoted):
            continue
        _check_alone(text, match.start(), match.end())
        kind: StateName = {"feed": "feed", "folder": "folder"}.get(  # type: ignore[assignment]
            match.group(2).lower(), "tag"
        )
        name = match.group(3).strip('"')
        if not name:
            raise QueryError(f'{kind}: needs a name ({kind}:"The Guardian")')
        found.append(StateFilter(kind, negated=bool(match.group(1)), value=name))
        kept.append(text[at : match.start()])
        at = match.end()
    kept.append(text[at:])
    return " ".join(kept), found


def _check_alone(text: str, start: int, end: int) -> None:
    """An ``is:`` clause must stand at the top level, joined by AND: a filter applies to
    the whole query, so ``is:starred OR gaza`` or ``(is:read gaza)`` would not mean what
    it says."""
    before = text[:start].split()
    after = text[end:].split()
    unquoted = _QUOTED.sub("", text[:start])
    if unquoted.count("(") > unquoted.count(")"):
        raise QueryError("is: filters apply to the whole query: put them outside brackets")
    if (before and before[-1] == "OR") or (after and after[0] == "OR"):
        raise QueryError("is: filters apply to the whole query: they cannot be joined by OR")
