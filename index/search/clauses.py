"""The query clauses a UI builds for a person: an entity to find, a date range to keep.

They are written in the query language so that the search bar shows them and the
person can edit them, and built here, next to the reader of that language
(``query``), so that every clause built is one the reader accepts: a name with
quotes, colons or brackets still makes one phrase of its words.
"""

from __future__ import annotations

import re

from index.search.schema import ENTITY_FIELDS, entity_key

_ISO_DATE = r"\d{4}(?:-\d\d(?:-\d\d)?)?"
_ISO = re.compile(_ISO_DATE)
_ISO_RANGE = re.compile(rf"({_ISO_DATE})/({_ISO_DATE})")
"""A DATE entity's canonical form for a range ("2024-11-04/2024-11-10", "2004/2005")."""

_SEPARATOR = re.compile(r"\s*(?:\.\.|–|—)\s*|\s+(?:to|-)\s+", re.IGNORECASE)
"""Between the two ends of a typed range: ``..``, a dash, or ``to``."""
_SYNTAX = re.compile(r'["\[\]{}():]')
"""Characters that would end a range early or start another clause: never in a date."""


def entity_page_key(label: str, canonical: str) -> str | None:
    """The key an entity's page is asked for by (``LibraryHome.entity``), or ``None`` for a
    kind that has no page (dates, numbers)."""
    return entity_key(label, canonical) if label in ENTITY_FIELDS else None


def entity_query(label: str, canonical: str) -> str:
    """The query that finds an entity: its field and canonical name, a resolved date as a
    mentioned date (or range of dates), else the phrase."""
    name = " ".join(canonical.replace('"', " ").lower().split())
    field = ENTITY_FIELDS.get(label)
    if field:
        return f'{field}:"{name}"'
    if label == "DATE":
        if _ISO.fullmatch(name):
            return f"mentioned:{name}"
        dates = _ISO_RANGE.fullmatch(name)
        if dates:
            return f"mentioned:[{dates.group(1)} to {dates.group(2)}]"
    return f'"{name}"'


def date_clause(text: str, *, mentioned: bool) -> str:
    """What a person typed in the date dialog as a clause: ``2024-11`` ->
    ``published:2024-11``, ``2024-11-01..2024-11-30`` and ``last week`` -> ranges;
    ``""`` for nothing typed. Quotes around the text (the dialog's example reads
    'last week') are dropped, and so are brackets, parentheses and colons inside it."""
    text = text.strip().strip("'\"").strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    text = " ".join(_SYNTAX.sub(" ", text).split())
    if not text:
        return ""
    field = "mentioned" if mentioned else "published"
    sides = _SEPARATOR.split(text, maxsplit=1)
    if len(sides) == 2 and all(sides):
        return f"{field}:[{sides[0]} to {sides[1]}]"
    return f"{field}:{text}" if " " not in text else f"{field}:[{text}]"
