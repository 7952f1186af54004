"""Where a parsed query hits an article: phrases whole, words one by one, entities at
their mentions. The same spans mark a search's snippets and the open article.

Driven by the parsed query, never by its text: :func:`hit_words` walks the leaves
a hit must or may match (nothing under NOT) and keeps, for title and body, each
phrase as its analysed words in order and each other term (prefixes, wildcards
and fuzzy terms expanded in the index) as a word; for the entity fields
(``person:``, ``org:``, ``place:``, ``norp:``, ``entity:``) the names asked for,
and for ``mentioned:`` the days. :class:`HitFinder` then finds them: a phrase
("13 November") lights up where its words stand in order as the index's analyzer
sees them (stop words skipped, each within the phrase's slop of the one before),
not at every "November"; a word wherever a word analyses to it; an entity clause
at each mention the article's stored analysis has of a matching entity.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from whoosh import query as wq
from whoosh.fields import Schema

from index.models import Analysis
from index.search.analyzers import is_cjk
from index.search.schema import ENTITY_FIELDS, TEXT_FIELDS, entity_key
from index.search.snippets import (
    MAX_MATCHES,
    MAX_SCAN_CHARS,
    SNIPPET_CHARS,
    TOKEN,
    candidates,
    cjk_spans,
    snippet,
    term_spans,
)

Range = tuple[int, int]

MAX_EXPANSIONS = 200
"""Highlight at most this many index terms for one prefix or fuzzy term."""

_NAME_FIELDS = frozenset(ENTITY_FIELDS.values())


@dataclass(frozen=True, slots=True)
class HitWords:
    """What a parsed query lights up, as the index holds it (analysed terms)."""

    phrases: tuple[tuple[tuple[str, ...], int], ...] = ()
    """Title/body phrases: their words in order, and the slop between them."""
    words: frozenset[str] = frozenset()
    """Title/body terms outside phrases (prefixes and fuzzy terms expanded)."""
    names: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Entity field clauses: the field and the words a canonical name must hold in order."""
    entity_keys: frozenset[str] = frozenset()
    """``entity:`` clauses: exact entity keys (``person:antony blinken``)."""
    days: tuple[tuple[date | None, date | None], ...] = ()
    """``mentioned:`` clauses: the first and last day (open ends ``None``)."""

    @property
    def terms(self) -> frozenset[str]:
        """Every title/body term, phrase words included (``SearchResult.terms``)."""
        return self.words.union(*(words for words, _ in self.phrases))

    @property
    def needs_analysis(self) -> bool:
        """Whether the spans depend on an article's entities and dates, not just its text."""
        return bool(self.names or self.entity_keys or self.days)


def positive_leaves(query: wq.Query) -> Iterator[wq.Query]:
    """The leaves of a query that a hit must or may match (not those under NOT)."""
    if isinstance(query, wq.Not):
        return
    if isinstance(query, wq.AndNot):
        yield from positive_leaves(query.a)
        return
    if query.is_leaf() or isinstance(query, wq.Phrase):
        yield query
        return
    for child in query.children():
        yield from positive_leaves(child)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _terms(leaf: wq.Query, reader: Any) -> list[str]:
    """A leaf's terms, a prefix, wildcard or fuzzy term expanded in the index.

    Whoosh's own ``existing_terms`` loses every field but the first (its loop variable
    shadows the field name), so each leaf is expanded on its own.
    """
    try:
        expanded = leaf.expanded_terms(reader)
        return [_text(value) for _, value in itertools.islice(expanded, MAX_EXPANSIONS)]
    except Exception:  # a leaf Whoosh cannot expand (no reader): its own text
        return [_text(leaf.text)] if hasattr(leaf, "text") else []


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def hit_words(query: wq.Query, reader: Any = None) -> HitWords:
    """What ``query`` (as parsed, or as planned: phrases, terms and expansions alike)
    lights up; ``reader`` expands prefixes and fuzzy terms in the index."""
    phrases: dict[tuple[tuple[str, ...], int], None] = {}
    words: set[str] = set()
    names: dict[tuple[str, tuple[str, ...]], None] = {}
    keys: set[str] = set()
    days: dict[tuple[date | None, date | None], None] = {}
    for leaf in positive_leaves(query):
        name = getattr(leaf, "fieldname", None)
        if name == "mentioned" and isinstance(leaf, wq.DateRange):
            days[(_day(leaf.startdate), _day(leaf.enddate))] = None
        elif isinstance(leaf, wq.Phrase) and len(leaf.words) > 1:
            sequence = tuple(_text(word) for word in leaf.words)
            if name in TEXT_FIELDS:
                phrases[(sequence, max(1, leaf.slop))] = None
            elif name in _NAME_FIELDS:
                names[(name, sequence)] = None
        elif name in TEXT_FIELDS:
            words.update(_terms(leaf, reader))
        elif name in _NAME_FIELDS:
            names.update(((name, (term,)), None) for term in _terms(leaf, reader))
        elif name == "entity":
            keys.update(_terms(leaf, reader))
    return HitWords(tuple(phrases), frozenset(words), tuple(names), frozenset(keys), tuple(days))


def query_terms(query: wq.Query, reader: Any) -> frozenset[str]:
    """The text terms a query matches in title/body, prefixes and fuzzy terms expanded."""
    return hit_words(query, reader).terms


class HitFinder:
    """Finds one query's :class:`HitWords` in article texts; build once per query (it
    remembers how each word analyses)."""

    def __init__(self, words: HitWords, schema: Schema) -> None:
        self.words = words
        self._schema = schema
        self._body = schema["body"].analyzer
        self._analysed: dict[str, frozenset[str] | None] = {}
        self._canonical: dict[tuple[str, str], tuple[str, ...]] = {}
        self._phrases = [(w, slop) for w, slop in words.phrases if not any(map(is_cjk, w))]
        self._cjk_phrases = [
            pattern for w, _ in words.phrases if (pattern := _cjk_pattern(w)) is not None
        ]
        # A phrase mixing CJK and other words is marked word by word.
        self._loose_words = frozenset(
            word
            for w, _ in words.phrases
            if any(map(is_cjk, w)) and _cjk_pattern(w) is None
            for word in w
        )
        self._first_words = {
            first: candidates([first]) for first in {words[0] for words, _ in self._phrases}
        }

    def spans(
        self, text: str, analysis: Analysis | None = None, *, limit: int | None = None
    ) -> list[Range]:
        """Sorted, non-overlapping hit spans in ``text`` (an article body, or a stretch of
        one from its start); ``analysis`` (the body's) gives the entity and date mentions."""
        found: list[Range] = []
        for words, slop in self._phrases:
            found.extend(self._phrase_spans(text, words, slop, limit))
        for pattern in self._cjk_phrases:
            found.extend(cjk_spans(text, pattern, limit=limit))
        if self.words.words or self._loose_words:
            terms = self.words.words | self._loose_words
            found.extend(term_spans(text, terms, self._body, limit=limit))
        if analysis is not None and self.words.needs_analysis:
            found.extend(s for s in self._mention_spans(analysis) if s[1] <= len(text))
        return _merged(found)[:limit]

    def snippet(
        self, body: str, analysis: Analysis | None = None, *, size: int = SNIPPET_CHARS
    ) -> tuple[str, tuple[Range, ...]]:
        """The snippet of ``body`` that shows the most of these hits, and their spans in it."""
        head = body[:MAX_SCAN_CHARS]
        return snippet(head, self.spans(head, analysis, limit=MAX_MATCHES), size=size)

    # Phrases ------------------------------------------------------------------------

    def _analyse(self, word: str) -> frozenset[str] | None:
        """The terms the index holds at one token's position (its own, and its folded one
        if it has accents), or ``None`` (a stop word: no position)."""
        lowered = word.lower()
        if lowered not in self._analysed:
            terms: set[str] = set()
            first = None
            for token in self._body(lowered, mode="query", positions=True):
                if first is None:
                    first = token.pos
                elif token.pos != first:
                    break
                terms.add(token.text)
            self._analysed[lowered] = frozenset(terms) if terms else None
        return self._analysed[lowered]

    def _phrase_spans(
        self, text: str, words: tuple[str, ...], slop: int, limit: int | None
    ) -> list[Range]:
        spans: list[Range] = []
        for first in self._first_words[words[0]].finditer(text):
            if words[0] not in (self._analyse(first.group()) or ()):
                continue
            end = self._rest(text, first.end(), words[1:], slop)
            if end is not None:
                spans.append((first.start(), end))
                if limit is not None and len(spans) >= limit:
                    break
        return spans

    def _rest(self, text: str, position: int, words: tuple[str, ...], slop: int) -> int | None:
        """Where ``words`` end if they follow ``position`` in order, each within ``slop``
        kept tokens of the one before (``plan.in_order``'s rule), else ``None``."""
        kept: list[tuple[frozenset[str], int]] = []
        for token in TOKEN.finditer(text, position):
            terms = self._analyse(token.group())
            if terms is None:
                continue
            kept.append((terms, token.end()))
            if len(kept) >= len(words) * slop:
                break
        ends = {0}
        for word in words:
            ends = {
                at
                for at in range(1, len(kept) + 1)
                if word in kept[at - 1][0] and any(0 < at - end <= slop for end in ends)
            }
            if not ends:
                return None
        return kept[min(ends) - 1][1]

    # Entities and dates -------------------------------------------------------------

    def _names_of(self, field_name: str, canonical: str) -> tuple[str, ...]:
        """A canonical name's words as the entity field indexed them."""
        key = (field_name, canonical)
        if key not in self._canonical:
            analyzer = self._schema[field_name].analyzer
            self._canonical[key] = tuple(token.text for token in analyzer(canonical))
        return self._canonical[key]

    def _named(
        self, label: str, canonical: str, names: tuple[tuple[str, tuple[str, ...]], ...]
    ) -> bool:
        """Whether an entity clause asks for this entity (its canonical name holds the
        clause's words, in order, in the clause's field)."""
        field_name = ENTITY_FIELDS.get(label)
        return field_name is not None and any(
            name == field_name and _holds(self._names_of(field_name, canonical), words)
            for name, words in names
        )

    def _mention_spans(self, analysis: Analysis) -> Iterator[Range]:
        names, keys, days = self.words.names, self.words.entity_keys, self.words.days
        for span in analysis.entities:
            if self._named(span.label, span.canonical, names) or (
                keys and entity_key(span.label, span.canonical) in keys
            ):
                yield span.start, span.end
        for mention in analysis.dates:
            value = mention.value
            if value is not None and any(_within(value, first, last) for first, last in days):
                yield mention.start, mention.end


def _cjk_pattern(words: tuple[str, ...]) -> str | None:
    """A phrase of CJK pairs and characters as the text it stands for ("北京 京工" is
    "北京工"; characters apart may have spaces or punctuation between), or ``None``
    if it holds other words."""
    if not all(map(is_cjk, words)):
        return None
    parts = [re.escape(words[0])]
    for before, word in itertools.pairwise(words):
        if len(before) == 2 and len(word) == 2 and word[0] == before[1]:
            parts.append(re.escape(word[1]))
        else:
            parts.append(r"\W*" + re.escape(word))
    return "".join(parts)


def _holds(name: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """Whether ``words`` stand together, in order, in ``name``."""
    size = len(words)
    return any(name[at : at + size] == words for at in range(len(name) - size + 1))


def _within(value: date, first: date | None, last: date | None) -> bool:
    return (first is None or first <= value) and (last is None or value <= last)


def _merged(spans: Iterable[Range]) -> list[Range]:
    """Sorted spans, overlapping ones joined (a word inside a phrase is the phrase)."""
    merged: list[Range] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
