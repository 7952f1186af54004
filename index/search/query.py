"""Turning what a person types into a Whoosh query, or a one-line error.

Whoosh's parser is lenient (unknown fields become words, bad dates become
nothing) and quadratic on very long input. This module caps the length,
reads ISO dates (``2024-11-01``) inside ranges, and reports unknown fields and
unreadable dates instead of silently searching for something else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from whoosh import qparser
from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser.dateparse import DateParserPlugin

from index.errors import QueryError
from index.search.schema import SEARCH_FIELDS, TEXT_FIELDS, TITLE_BOOST

MAX_QUERY_CHARS = 1000
"""Whoosh's query parser is quadratic in the input: past this, we refuse."""

_FIELD = re.compile(r"(?<![\w\\])([A-Za-z_][\w]*):(?!/)")
_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')
_RANGE_TO = re.compile(r"(\[[^\]]*?)\s+to\s+", re.IGNORECASE)


_DATE_VALUE = re.compile(r"\b(published|mentioned):(\[[^\]]*\]?|\{[^}]*\}?|[<>]=?\S+|\S+)", re.I)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\b")


def _compact_iso(match: re.Match[str]) -> str:
    year, month, day = match.groups()
    return f"{year}{int(month):02d}" + (f"{int(day):02d}" if day else "")


def _compact_dates(text: str) -> str:
    """Rewrite ISO dates in date fields (``2024-11-01``) to the form Whoosh reads (``20241101``).

    Whoosh's English date parser reads ``2024-11-01`` inside a range as the
    year 2024; its compact forms are read as the day or month meant.
    """

    def value(match: re.Match[str]) -> str:
        return f"{match.group(1)}:{_ISO_DATE.sub(_compact_iso, match.group(2))}"

    return _DATE_VALUE.sub(value, text)


def _check_fields(text: str) -> None:
    unquoted = _QUOTED.sub(" ", text)
    for match in _FIELD.finditer(unquoted):
        name = match.group(1)
        if name.lower() not in SEARCH_FIELDS:
            known = ", ".join(sorted(SEARCH_FIELDS))
            raise QueryError(f"unknown field '{name}:' (fields are: {known})")


class QueryReader:
    """Parses queries for one schema; reusable, cheap to call."""

    def __init__(self, schema: Schema, *, now: datetime | None = None) -> None:
        self._schema = schema
        self._now = now

    def _parser(self, errors: list[str]) -> qparser.QueryParser:
        parser = qparser.MultifieldParser(
            list(TEXT_FIELDS), self._schema, fieldboosts={"title": TITLE_BOOST}
        )
        parser.add_plugin(qparser.FuzzyTermPlugin())
        parser.add_plugin(qparser.GtLtPlugin())
        parser.add_plugin(
            DateParserPlugin(
                basedate=self._now or datetime.now(),
                callback=errors.append,
            )
        )
        return parser

    def parse(self, text: str) -> wq.Query:
        """The Whoosh query for ``text``; raises QueryError with a one-line reason."""
        if len(text) > MAX_QUERY_CHARS:
            raise QueryError(
                f"query too long ({len(text):,} characters; the limit is {MAX_QUERY_CHARS:,})"
            )
        if not text.strip():
            raise QueryError("empty query")
        if "\x00" in text:
            raise QueryError("query contains a NUL character")
        _check_fields(text)
        errors: list[str] = []
        normalised = _compact_dates(_RANGE_TO.sub(r"\1 TO ", text))
        try:
            parsed = self._parser(errors).parse(normalised)
        except Exception as error:  # Whoosh raises many kinds on odd input
            raise QueryError(f"cannot read the query: {error}") from error
        if errors:
            raise QueryError(
                f"cannot read {errors[0]!r} as a date (try 2024-11-01, 2024, yesterday)"
            )
        if parsed is wq.NullQuery or isinstance(parsed, type(wq.NullQuery)):
            raise QueryError("nothing to search for (only stop words or operators)")
        _check_expanding(parsed)
        return _anchor_fuzzy(parsed)


FUZZY_PREFIX = 1
"""Fuzzy terms keep their first letter: Whoosh otherwise compares every term in the index."""

MAX_FUZZY_DISTANCE = 2
"""``word~N`` is capped: Whoosh's Levenshtein automaton grows exponentially with N."""


MAX_EXPANDING_TERMS = 30
"""Fuzzy, prefix and wildcard terms each walk the term list; past this many, we refuse."""


def _check_expanding(query: wq.Query) -> None:
    leaves = query.leaves() if not query.is_leaf() else [query]
    expanding = sum(isinstance(sub, wq.FuzzyTerm | wq.PatternQuery) for sub in leaves)
    if expanding > MAX_EXPANDING_TERMS:
        raise QueryError(
            f"too many fuzzy or wildcard terms ({expanding}; the limit is {MAX_EXPANDING_TERMS})"
        )


def _anchor_fuzzy(query: wq.Query) -> wq.Query:
    """Bound each fuzzy term: a kept first letter, distance <= 2, a prefix within the word.

    Whoosh hangs on ``word~99`` and fails with IndexError on a prefix longer
    than the word (``e~/2``).
    """
    for sub in query.leaves() if not query.is_leaf() else [query]:
        if isinstance(sub, wq.FuzzyTerm):
            prefix = max(sub.prefixlength, FUZZY_PREFIX)
            sub.prefixlength = min(prefix, len(sub.text))
            sub.maxdist = max(0, min(sub.maxdist, MAX_FUZZY_DISTANCE))
    return query


MAX_EXPANSIONS = 200
"""Highlight at most this many index terms for one prefix or fuzzy term."""


def _positive_leaves(query: wq.Query) -> Iterator[wq.Query]:
    """The leaves of a query that a hit must or may match (not those under NOT)."""
    if isinstance(query, wq.Not):
        return
    if isinstance(query, wq.AndNot):
        yield from _positive_leaves(query.a)
        return
    if query.is_leaf() or isinstance(query, wq.Phrase):
        yield query
        return
    for child in query.children():
        yield from _positive_leaves(child)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def query_terms(query: wq.Query, reader: Any) -> frozenset[str]:
    """The text terms a query matches in title/body, prefixes and fuzzy terms expanded.

    Whoosh's own ``existing_terms`` loses every field but the first (its loop variable
    shadows the field name), so the leaves are walked here.
    """
    terms: set[str] = set()
    for leaf in _positive_leaves(query):
        if getattr(leaf, "fieldname", None) not in TEXT_FIELDS:
            continue
        if isinstance(leaf, wq.Phrase):
            terms.update(_text(word) for word in leaf.words)
            continue
        try:
            expanded = leaf.expanded_terms(reader)
            for count, (_, value) in enumerate(expanded):
                if count >= MAX_EXPANSIONS:
                    break
                terms.add(_text(value))
        except Exception:  # a leaf Whoosh cannot expand: highlight its own text
            if hasattr(leaf, "text"):
                terms.add(_text(leaf.text))
    return frozenset(terms)
