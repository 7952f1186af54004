"""Turning what a person types into a Whoosh query, or a one-line error.

Whoosh's parser is lenient (unknown fields become words, bad dates become
nothing) and quadratic on very long input. This module caps the length,
reads ISO dates (``2024-11-01``) inside ranges, and reports unknown fields and
unreadable dates instead of silently searching for something else.

Two shapes cost far more than their length: Whoosh builds each side of an
``ANDNOT``, ``ANDMAYBE`` or ``REQUIRE`` twice, so a chain of them took time
exponential in its length (``w0 ANDNOT w1 ... ANDNOT w19``, 202 characters,
34 s): the parser here builds each side once. And a wildcard with nothing
before it (``*``, ``*ing``) walks every word, or every document, of the
article text: it is refused with what to type instead.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from whoosh import qparser
from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import syntax
from whoosh.qparser.dateparse import DateParserPlugin

from index.analysis.dates import read_period
from index.errors import QueryError
from index.search.analyzers import fold, is_cjk
from index.search.schema import SEARCH_FIELDS, TEXT_FIELDS, TITLE_BOOST

MAX_QUERY_CHARS = 1000
"""Whoosh's query parser is quadratic in the input: past this, we refuse."""

_FIELD = re.compile(r"(?<![\w\\])([A-Za-z_][\w]*):(?!/)")
_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')
_RANGE_TO = re.compile(r"(\[[^\]]*?)\s+to\s+", re.IGNORECASE)


_DATE_VALUE = re.compile(
    r'\b(published|mentioned):("[^"]*"?|\[[^\]]*\]?|\{[^}]*\}?|[<>]=?\S+|\S+)', re.I
)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\b")
_RANGE_SIDES = re.compile(r"\s+TO\s+|^\s*TO\s+|\s+TO\s*$", re.I)
_LETTER = re.compile(r"[^\W\d_]")
DATE_HINT = "try 2024-11-01, 2024-11, yesterday, last week, 3 days ago"


def _compact_iso(match: re.Match[str]) -> str:
    year, month, day = match.groups()
    return f"{year}{int(month):02d}" + (f"{int(day):02d}" if day else "")


def _compact(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


class _DateValues:
    """Date clauses rewritten into what Whoosh's date parser reads, against ``today``.

    Whoosh's English parser reads ``2024-11-01`` inside a range as the year 2024, and
    reads no phrase of more than one word ("last week", "3 days ago"); its compact
    forms (``20241101``) it reads as the day or month meant. So ISO dates are
    compacted, and phrases with letters are read by the same grammar as the dates in
    articles (``index.analysis.dates.read_period``) and become day ranges. What that
    grammar cannot read is left to Whoosh ("now", "-3 days"); if Whoosh cannot read
    it either, ``unread`` names the phrase the person typed.
    """

    def __init__(self, today: date) -> None:
        self.today = today
        self.unread: list[str] = []
        self.clauses: list[tuple[str, str]] = []
        """Each date clause: the value as typed and the clause as rewritten."""

    def rewrite(self, text: str) -> str:
        return _DATE_VALUE.sub(self._clause, text)

    def _clause(self, match: re.Match[str]) -> str:
        field, typed = match.group(1), match.group(2)
        value = typed
        if value.startswith('"'):
            period = self._period(value.strip('"'))
            if period is not None:
                value = f"[{_compact(period[0])} TO {_compact(period[1])}]"
        elif value.startswith(("[", "{")):
            value = self._range(value)
        clause = f"{field}:{_ISO_DATE.sub(_compact_iso, value)}"
        self.clauses.append((typed.strip('[]{}"'), clause))
        return clause

    def _range(self, value: str) -> str:
        opening, closing = value[0], value[-1] if value[-1] in "]}" else ""
        inner = value[1 : len(value) - len(closing)]
        sides = _RANGE_SIDES.split(inner, maxsplit=1)
        if len(sides) == 1:
            period = self._period(inner)
            if period is None:
                return value
            return f"[{_compact(period[0])} TO {_compact(period[1])}]"
        start, end = (self._period(side) for side in sides)
        low = _compact(start[0]) if start else sides[0]
        high = _compact(end[1]) if end else sides[1]
        return f"{opening}{low} TO {high}{closing}"

    def _period(self, phrase: str) -> tuple[date, date] | None:
        phrase = phrase.strip().strip("'\"")
        if not _LETTER.search(phrase):
            return None
        found = read_period(phrase, self.today)
        if found is None:
            self.unread.append(phrase)
        return found

    def error(self, fragment: str) -> QueryError:
        """The one-line error for what Whoosh could not read: the whole phrase typed,
        not the first word of it that Whoosh reports ("'[last'")."""
        word = fragment.strip("[]{}\"' ").lower()
        typed = next((p for p in self.unread if word and word in p.lower()), fragment)
        return QueryError(f"cannot read {typed!r} as a date ({DATE_HINT})")


def _check_fields(text: str) -> None:
    unquoted = _QUOTED.sub(" ", text)
    for match in _FIELD.finditer(unquoted):
        name = match.group(1)
        if name.lower() not in SEARCH_FIELDS:
            known = ", ".join(sorted(SEARCH_FIELDS))
            raise QueryError(f"unknown field '{name}:' (fields are: {known})")


EXACT_WEIGHT = 0.5
"""An accented word is searched as its folded form (which every spelling of it holds in
the index) OR its exact form at this weight (which only the spelling typed holds): both
spellings are found, the one typed ranks first, and the word does not outweigh the
others of the query."""

Forms = tuple[str, ...]
"""The terms the analyzer gives one word: its own, then its folded one if that differs."""


def _grouped(stream: Any) -> list[tuple[Forms, tuple[int, int]]]:
    """The analyzer's tokens as one entry per position: its terms, and its characters."""
    groups: list[tuple[list[str], tuple[int, int], int]] = []
    for token in stream:
        if groups and token.pos == groups[-1][2]:
            groups[-1][0].append(token.text)
        else:
            groups.append(([token.text], (token.startchar, token.endchar), token.pos))
    return [(tuple(forms), chars) for forms, chars, _ in groups]


def _word(fieldname: str, forms: Forms, boost: float) -> wq.Query:
    if len(forms) == 1:
        return wq.Term(fieldname, forms[0], boost=boost)
    exact, folded = forms[0], forms[-1]
    return wq.Or(
        [
            wq.Term(fieldname, exact, boost=boost * EXACT_WEIGHT),
            wq.Term(fieldname, folded, boost=boost),
        ]
    )


def _phrase_of(
    fieldname: str,
    groups: list[tuple[Forms, tuple[int, int]]],
    slop: int,
    boost: float,
) -> wq.Query:
    """A phrase of words some of which have a folded form: the folded phrase (which every
    spelling matches) OR the exact one, as for one word."""
    ranges = [chars for _, chars in groups]
    folded = wq.Phrase(
        fieldname, [forms[-1] for forms, _ in groups], slop=slop, boost=boost, char_ranges=ranges
    )
    if all(len(forms) == 1 for forms, _ in groups):
        return folded
    exact = wq.Phrase(
        fieldname,
        [forms[0] for forms, _ in groups],
        slop=slop,
        boost=boost * EXACT_WEIGHT,
        char_ranges=ranges,
    )
    return wq.Or([exact, folded])


def phrase(
    fieldname: str,
    words: list[str],
    slop: int = 1,
    boost: float = 1.0,
    char_ranges: list[tuple[int, int]] | None = None,
) -> wq.Query:
    """Whoosh's phrase class, as the parser calls it: words standing on the same characters
    (a word and its folded form) are one word of the phrase, not two."""
    if char_ranges is None or len(char_ranges) != len(words) or len(set(char_ranges)) == len(words):
        return wq.Phrase(fieldname, words, slop=slop, boost=boost, char_ranges=char_ranges)
    groups: list[tuple[list[str], tuple[int, int]]] = []
    for word, chars in zip(words, char_ranges, strict=True):
        if groups and groups[-1][1] == chars:
            groups[-1][0].append(word)
        else:
            groups.append(([word], chars))
    return _phrase_of(fieldname, [(tuple(f), c) for f, c in groups], slop, boost)


class _Parser(qparser.QueryParser):  # type: ignore[misc]
    """Whoosh's parser, reading title and body words through the analyzer's positions:
    an accented word is its exact form OR its folded one (not both, as Whoosh's And of
    "several tokens" would ask), a run of CJK characters the phrase of its pairs."""

    def term_query(
        self,
        fieldname: str,
        text: str,
        termclass: Any,
        boost: float = 1.0,
        tokenize: bool = True,
        removestops: bool = True,
    ) -> Any:
        if fieldname not in TEXT_FIELDS or fieldname not in self.schema:
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        if termclass is wq.Prefix:
            # As typed, not stemmed: Whoosh stems the letters of a prefix, so "res*" was
            # "re*" and "micros*" "micro*", thousands of words more than were typed. The
            # stems a typed prefix begins with are reached by the plan (``governm*``).
            return termclass(fieldname, fold(text.lower()), boost=boost)
        analyzer = self.schema[fieldname].analyzer
        groups = _grouped(
            analyzer(
                text,
                mode="query",
                positions=True,
                chars=True,
                tokenize=tokenize,
                removestops=removestops,
            )
        )
        plain = all(len(forms) == 1 for forms, _ in groups)
        cjk = len(groups) > 1 and any(is_cjk(forms[0]) for forms, _ in groups)
        if plain and not cjk:
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        if termclass is not wq.Term:
            # A prefix, wildcard or fuzzy word: its folded form finds every spelling.
            folded = fold(text.lower())
            return super().term_query(fieldname, folded, termclass, boost, tokenize, removestops)
        if cjk:
            return _phrase_of(fieldname, groups, 1, boost)
        words = [_word(fieldname, forms, boost) for forms, _ in groups]
        return words[0] if len(words) == 1 else self.group.qclass(words)


class _EachSideOnce:
    """``BinaryGroup.query`` building each side once. Whoosh's builds both sides, then
    builds them again for the query it returns: 2**n work for n chained operators."""

    nodes: list[Any]
    qclass: Any

    def query(self, parser: Any) -> Any:
        assert len(self.nodes) == 2
        left, right = (node.query(parser) for node in self.nodes)
        if left is None and right is None:
            built = wq.NullQuery
        elif left is None or right is None:
            built = left if right is None else right
        else:
            built = self.qclass(left, right)
        return syntax.attach(built, self)


class _AndNotGroup(_EachSideOnce, syntax.AndNotGroup):  # type: ignore[misc]
    pass


class _AndMaybeGroup(_EachSideOnce, syntax.AndMaybeGroup):  # type: ignore[misc]
    pass


class _RequireGroup(_EachSideOnce, syntax.RequireGroup):  # type: ignore[misc]
    pass


def _operators() -> qparser.OperatorsPlugin:
    """Whoosh's operators (same words, same priorities), the binary ones built once."""
    tagger = qparser.OperatorsPlugin.OpTagger
    default = qparser.OperatorsPlugin()
    replaced = {
        syntax.AndNotGroup: _AndNotGroup,
        syntax.AndMaybeGroup: _AndMaybeGroup,
        syntax.RequireGroup: _RequireGroup,
    }
    ops = []
    for op, priority in default.ops:
        group = replaced.get(op.grouptype, op.grouptype)
        ops.append((tagger(op.expr, group, op.optype, op.leftassoc, op.memo), priority))
    return qparser.OperatorsPlugin(ops, clean=True)


class QueryReader:
    """Parses queries for one schema; reusable, cheap to call."""

    def __init__(self, schema: Schema, *, now: datetime | None = None) -> None:
        self._schema = schema
        self._now = now

    def _parser(self, errors: list[str], now: datetime) -> qparser.QueryParser:
        # Whoosh's MultifieldParser, with the parser class above.
        parser = _Parser(None, self._schema, phraseclass=phrase)
        parser.add_plugin(
            qparser.MultifieldPlugin(list(TEXT_FIELDS), fieldboosts={"title": TITLE_BOOST})
        )
        parser.replace_plugin(_operators())
        parser.add_plugin(qparser.FuzzyTermPlugin())
        parser.add_plugin(qparser.GtLtPlugin())
        parser.add_plugin(
            DateParserPlugin(
                basedate=now,
                callback=errors.append,
            )
        )
        return parser

    def _bad_date(self, dates: _DateValues, now: datetime) -> str | None:
        """The date clause Whoosh fails on by itself (it raises on some odd ranges, such as
        ``[- TO]``, instead of reporting them), as typed; ``None`` if none does."""
        for typed, rewritten in dates.clauses:
            try:
                self._parser([], now).parse(rewritten)
            except Exception:
                return typed
        return None

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
        now = self._now or datetime.now()
        dates = _DateValues(now.date())
        normalised = dates.rewrite(_RANGE_TO.sub(r"\1 TO ", text))
        try:
            parsed = self._parser(errors, now).parse(normalised)
        except Exception as error:  # Whoosh raises many kinds on odd input
            culprit = dates.unread[0] if dates.unread else self._bad_date(dates, now)
            if culprit is not None:
                raise dates.error(culprit) from error
            raise QueryError(f"cannot read the query: {error}") from error
        if errors:
            raise dates.error(errors[0])
        if parsed is wq.NullQuery or isinstance(parsed, type(wq.NullQuery)):
            raise QueryError("nothing to search for (only stop words or operators)")
        _check_expanding(parsed)
        _check_wildcards(parsed)
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


def _check_wildcards(query: wq.Query) -> None:
    """Refuse what would walk the whole article text: ``*`` alone (every document of a
    field) and a wildcard with no letter before it in the title or body (every word:
    7-10 s at 12,000 articles). Other fields hold few words (sources, names) and
    keep leading wildcards, under the query's deadline."""
    for sub in query.leaves() if not query.is_leaf() else [query]:
        if isinstance(sub, wq.Every):
            raise QueryError(
                "'*' alone matches every article: leave the search empty to list them all "
                "(newest first), or put a word or a field with a value"
            )
        if (
            isinstance(sub, wq.Wildcard)
            and sub.fieldname in TEXT_FIELDS
            and sub.text[:1] in ("*", "?")
        ):
            raise QueryError(
                f"a wildcard cannot start a word ({sub.text!r}): it would read every word "
                "in the library; put at least one letter first (gov*, b?g)"
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
