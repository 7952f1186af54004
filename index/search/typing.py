"""A query while it is being typed: what can be searched of it now.

Every keystroke in the reader's search box is a search. Taken exactly, a word
being typed finds nothing until it is complete (``blai``, ``microsof``), an
opened phrase or range is a syntax error (``"human``, ``published:[2024-``)
and a field name without its value is one too (``person:``). :func:`as_typed`
turns the text into the query the person is on the way to:

* the last word, when nothing follows it yet, is also a prefix: ``blai``
  searches ``(blai OR blai*)``, each document scored by the better of the word and
  the prefix at half weight (:func:`word_or_prefix`), so a complete word ranks as
  the full query ranks it and outranks the words it begins;
* an unclosed phrase is the phrase of its words before the last, then the last word
  as above (``"human rig`` searches ``"human" (rig OR rig*)``);
* an unfinished clause at the end (a field with no value, an unclosed range, a
  trailing operator) is left out until it is complete, and ``pending`` says so;
* unclosed parentheses are closed.

The command line never does this: there a query means exactly what it says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq

PREFIX_WEIGHT = 0.5
"""What a word the typed one only begins counts, against the word itself."""

OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE"})

_LAST_WORD = re.compile(r"(?:(?<=[\s(\"])|^)(?:(title|body):)?([^\W\d_][\w'’-]*)$")
"""The last word typed (letters first, then letters, digits, hyphens, apostrophes),
bare or in the title or body field."""
_OPEN_CLAUSE = re.compile(r"(?:^|(?<=[\s(]))(?:[A-Za-z_]\w*):(?:[\[{][^\]}]*)?$")
"""A field at the very end with no value yet, or an opened range ``published:[2024-``."""
_TRAILING_OPERATOR = re.compile(rf"(?:^|\s)(?:{'|'.join(sorted(OPERATORS))})\s*$")


@dataclass(frozen=True, slots=True)
class Typed:
    """The query to search while typing, and what of the text was left out or closed."""

    text: str
    prefix: str | None = None
    """The last word, searched as a prefix too."""
    left_out: str | None = None
    """An unfinished clause at the end, not searched yet."""


def as_typed(text: str) -> Typed:
    """The query for ``text`` as typed so far (see the module's docstring)."""
    rest = text.rstrip()
    complete = rest != text  # a space after the last word: the person finished it
    left_out: str | None = None
    for pattern in (_OPEN_CLAUSE, _TRAILING_OPERATOR):
        match = pattern.search(rest)
        if match:
            left_out = match.group(0).strip()
            rest = rest[: match.start()].rstrip()
            complete = True
    if rest.count('"') % 2:
        opened = rest.rindex('"')
        words = rest[opened + 1 :].split()
        if complete or len(words) < 1 or not _LAST_WORD.search(rest):
            rest += '"'  # the phrase so far
            complete = True
        else:  # the words before the last as a phrase, the last one being typed after it
            before = " ".join(words[:-1])
            rest = f"{rest[:opened]}" + (f'"{before}" ' if before else "") + words[-1]
    prefix: str | None = None
    if not complete:
        match = _LAST_WORD.search(rest)
        word = match.group(2) if match else ""
        if match and word not in OPERATORS and not word.endswith(("-", "'", "’")):
            field = f"{match.group(1)}:" if match.group(1) else ""
            prefix = word
            rest = f"{rest[: match.start()]}({field}{word} OR {field}{word}*)"
    opened = rest.count("(") - rest.count(")")
    if opened > 0:
        rest += ")" * opened
    return Typed(rest, prefix, left_out)


def word_or_prefix(query: Any) -> Any:
    """The parsed ``(word OR word*)`` of :func:`as_typed` as the better of the two for each
    document, the prefix at ``PREFIX_WEIGHT``: a document holding the word scores as
    the complete query would score it (so the ranking is the full query's), one that
    holds only longer words less. (An OR would add both, and the word typed last would
    outweigh the others.)"""
    if type(query) is wq.Or:
        parts = query.subqueries
        terms = [q for q in parts if not isinstance(q, wq.Prefix)]
        prefixes = [
            wq.Prefix(q.fieldname, q.text, boost=q.boost * PREFIX_WEIGHT)
            for q in parts
            if type(q) is wq.Prefix
        ]
        if terms and prefixes and len(terms) + len(prefixes) == len(parts):
            word = terms[0] if len(terms) == 1 else wq.Or(terms)
            typed = prefixes[0] if len(prefixes) == 1 else wq.Or(prefixes)
            return wq.DisjunctionMax([word, typed], boost=query.boost)
    if query.is_leaf():
        return query
    return query.apply(word_or_prefix)
