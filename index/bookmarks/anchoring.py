"""Anchoring a passage in an article body, and finding it again after the text changed.

An anchor is the W3C Web Annotation pair of selectors: a TextQuoteSelector
(the exact quote with some prefix and suffix context) and a TextPositionSelector
(character start/end). ``locate`` finds the passage in a new body in three
steps, each cheaper than the next:

1. the exact quote at the old position, with its context intact;
2. every exact occurrence of the quote, the best by context then nearness;
3. an approximate match (edit distance at most a quarter of the quote), found
   with Myers' bit-parallel algorithm in one pass over the body, scored by
   quote similarity, context and nearness (the weighting Hypothesis uses); a
   short quote must also have its context agree, or any similar phrase would do.

Pure functions on strings: no storage, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Literal

from index.models import Article, Bookmark, BookmarkStatus

CONTEXT_CHARS = 32
"""Characters of prefix and suffix context kept with a quote."""
MAX_OCCURRENCES = 1000
"""Exact occurrences of a quote considered in step 2 (bounds time on repetitive text)."""
MAX_CANDIDATES = 12
"""Approximate matches scored in step 3."""
TIES_PER_RUN = 8
"""Equally good ends kept per run of adjacent approximate matches."""
ERROR_RATE = 0.25
"""Edits tolerated in a fuzzy match, as a fraction of the quote's length."""
SHORT_QUOTE = 32
"""Quotes shorter than this are matched approximately only where their context agrees."""
MIN_CONTEXT_SIMILARITY = 0.6
"""How alike (0-1) the context of a short quote's approximate match must be."""

MatchKind = Literal["exact", "quote", "fuzzy"]


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a passage was: its quote, the context around it, and its offsets."""

    quote: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Match:
    """Where a passage is now. ``kind`` says which step found it."""

    start: int
    end: int
    quote: str
    kind: MatchKind


def trim(body: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` clamped to the body and without surrounding whitespace."""
    start, end = max(0, min(start, len(body))), max(0, min(end, len(body)))
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def make_anchor(body: str, start: int, end: int, context: int = CONTEXT_CHARS) -> Anchor:
    """The anchor of ``body[start:end]`` (offsets already validated by the caller)."""
    return Anchor(
        quote=body[start:end],
        prefix=body[max(0, start - context) : start],
        suffix=body[end : end + context],
        start=start,
        end=end,
    )


def find_quote(body: str, quote: str) -> tuple[int, int] | None:
    """First place ``quote`` appears in ``body``: exactly, else ignoring whitespace, then case."""
    quote = quote.strip()
    if not quote:
        return None
    position = body.find(quote)
    if position >= 0:
        return position, position + len(quote)
    words = quote.split()
    pattern = r"\s+".join(re.escape(word) for word in words)
    for flags in (0, re.IGNORECASE):
        found = re.search(pattern, body, flags)
        if found:
            return found.start(), found.end()
    return None


def locate(anchor: Anchor, body: str) -> Match | None:
    """Find the anchored passage in ``body``; None when it is gone (the bookmark is orphaned)."""
    if not anchor.quote:
        return None
    if _intact(anchor, body):
        return Match(anchor.start, anchor.end, anchor.quote, "exact")
    found = _best_occurrence(anchor, body)
    if found is not None:
        kind: MatchKind = "exact" if found == anchor.start else "quote"
        return Match(found, found + len(anchor.quote), anchor.quote, kind)
    return _fuzzy(anchor, body)


def _intact(anchor: Anchor, body: str) -> bool:
    start, end = anchor.start, anchor.end
    return (
        body[start:end] == anchor.quote
        and body[max(0, start - len(anchor.prefix)) : start] == anchor.prefix
        and body[end : end + len(anchor.suffix)] == anchor.suffix
    )


# Step 2: exact occurrences ---------------------------------------------------


def _best_occurrence(anchor: Anchor, body: str) -> int | None:
    best: tuple[float, int] | None = None
    position = body.find(anchor.quote)
    seen = 0
    while position >= 0 and seen < MAX_OCCURRENCES:
        end = position + len(anchor.quote)
        score = _score(anchor, body, position, end, quote_similarity=1.0)
        if best is None or score > best[0]:
            best = (score, position)
        seen += 1
        position = body.find(anchor.quote, position + 1)
    return best[1] if best else None


def _score(anchor: Anchor, body: str, start: int, end: int, *, quote_similarity: float) -> float:
    """Hypothesis' weighting: quote 50, prefix 20, suffix 20, position 2."""
    distance = abs(start - anchor.start) / max(len(body), 1)
    return (
        50 * quote_similarity
        + 40 * _context_similarity(anchor, body, start, end)
        + 2 * (1.0 - min(distance, 1.0))
    )


def _context_similarity(anchor: Anchor, body: str, start: int, end: int) -> float:
    """How alike the text around ``[start, end)`` is to the anchor's prefix and suffix (0-1)."""
    before = body[max(0, start - len(anchor.prefix)) : start]
    after = body[end : end + len(anchor.suffix)]
    return (_similarity(anchor.prefix, before) + _similarity(anchor.suffix, after)) / 2


def _similarity(expected: str, found: str) -> float:
    if not expected:
        return 1.0
    return SequenceMatcher(None, expected, found, autojunk=False).ratio()


# Step 3: approximate match ---------------------------------------------------


def max_errors(quote: str) -> int:
    """How many edits a fuzzy match of ``quote`` may have."""
    return int(len(quote) * ERROR_RATE)


def _fuzzy(anchor: Anchor, body: str) -> Match | None:
    limit = max_errors(anchor.quote)
    if limit == 0:
        return None
    ends = _best_ends(search_ends(anchor.quote, body, limit))
    best: tuple[float, int, int] | None = None
    for end, errors in ends:
        start = _start_of(anchor.quote, body, end, errors)
        if not _plausible(anchor, body, start, end):
            continue
        quality = 1.0 - errors / len(anchor.quote)
        score = _score(anchor, body, start, end, quote_similarity=quality)
        if best is None or score > best[0]:
            best = (score, start, end)
    if best is None:
        return None
    _, start, end = _snap(body, best[1], best[2], anchor)
    return Match(start, end, body[start:end], "fuzzy")


MAX_SNAP = 24


def _snap(body: str, start: int, end: int, anchor: Anchor) -> tuple[float, int, int]:
    """Grow an approximate match to whole words where the quote had whole words at its edges,
    so an edited "aid delivery" re-anchors as "aid deliveries", not "aid deliveri"."""
    quote = anchor.quote
    if quote[-1:].isalnum() and not anchor.suffix[:1].isalnum():
        limit = min(len(body), end + MAX_SNAP)
        while end < limit and body[end].isalnum():
            end += 1
    if quote[:1].isalnum() and not anchor.prefix[-1:].isalnum():
        limit = max(0, start - MAX_SNAP)
        while start > limit and body[start - 1].isalnum():
            start -= 1
    return 0.0, start, end


def _plausible(anchor: Anchor, body: str, start: int, end: int) -> bool:
    """A short quote matched approximately could be any similar phrase ("13 November" for
    "10 November"): it needs its context to agree too. A long one stands on its own."""
    if len(anchor.quote) >= SHORT_QUOTE:
        return True
    return _context_similarity(anchor, body, start, end) >= MIN_CONTEXT_SIMILARITY


def _best_ends(ends: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ends with the fewest errors in each run of adjacent ends, the best runs first.

    Ties within a run are all kept (up to a few): "Novemebr" matches "November" as
    well ending after "Noveme" as after "Novemebr", and only the context can tell.
    """
    runs: list[list[tuple[int, int]]] = []
    previous = -2
    for end, errors in ends:
        if end - previous > 1:
            runs.append([(end, errors)])
        elif errors < runs[-1][0][1]:
            runs[-1] = [(end, errors)]
        elif errors == runs[-1][0][1] and len(runs[-1]) < TIES_PER_RUN:
            runs[-1].append((end, errors))
        previous = end
    runs.sort(key=lambda run: run[0][1])
    return [end for run in runs[:MAX_CANDIDATES] for end in run]


def search_ends(pattern: str, text: str, limit: int) -> list[tuple[int, int]]:
    """Every ``(end, errors)`` where some substring of ``text`` ending at ``end`` is within
    ``limit`` edits of ``pattern`` (Myers 1999, bit-parallel; one pass, Python big ints)."""
    return [
        (end, errors) for end, errors in _myers(pattern, text, anchored=False) if errors <= limit
    ]


def _start_of(pattern: str, text: str, end: int, errors: int) -> int:
    """Where the match of ``pattern`` ending at ``end`` begins: the reversed pattern aligned
    against the text before ``end``, read backwards, the prefix with the fewest edits."""
    window_start = max(0, end - len(pattern) - errors)
    backwards = text[window_start:end][::-1]
    best_length, best_errors = 0, len(pattern)
    for length, found in _myers(pattern[::-1], backwards, anchored=True):
        if found < best_errors or (
            found == best_errors and abs(length - len(pattern)) < abs(best_length - len(pattern))
        ):
            best_length, best_errors = length, found
    return end - best_length


def _myers(pattern: str, text: str, *, anchored: bool) -> Iterator[tuple[int, int]]:
    """Edit distance of ``pattern`` to the best substring of ``text`` ending at each position.

    With ``anchored`` the substring must start at 0 (a prefix alignment); otherwise it may
    start anywhere (semi-global). Yields ``(end, distance)`` for every end in 1..len(text).
    """
    m = len(pattern)
    peq: dict[str, int] = {}
    for i, char in enumerate(pattern):
        peq[char] = peq.get(char, 0) | (1 << i)
    mask = (1 << m) - 1
    high = 1 << (m - 1)
    carry = 1 if anchored else 0
    pv, mv, score = mask, 0, m
    for j, char in enumerate(text, start=1):
        eq = peq.get(char, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & mask) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | carry) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
        yield j, score


def place(bookmark: Bookmark, article: Article) -> Bookmark:
    """The bookmark as found in the article's current text (or orphaned, anchor unchanged)."""
    anchor = Anchor(bookmark.quote, bookmark.prefix, bookmark.suffix, bookmark.start, bookmark.end)
    match = locate(anchor, article.body)
    if match is None:
        return replace(bookmark, status="orphaned", article_title=article.title)
    fresh = make_anchor(article.body, match.start, match.end)
    return replace(
        bookmark,
        quote=fresh.quote,
        prefix=fresh.prefix,
        suffix=fresh.suffix,
        start=fresh.start,
        end=fresh.end,
        content_hash=article.content_hash,
        status=status_after(bookmark.status, match),
        article_title=article.title,
    )


def status_after(previous: BookmarkStatus, match: Match) -> BookmarkStatus:
    """Exactly where it was keeps a bookmark's status (an orphan found again in place is
    anchored); found elsewhere or with different text makes it moved."""
    if match.kind == "exact":
        return "anchored" if previous == "orphaned" else previous
    return "moved"
