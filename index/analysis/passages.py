"""Sentences and paragraphs of an article body, as character spans.

The passage cursor of the article view moves over these spans and a bookmark
is made from one of them (or a run of them), so they live in the core: plain
``(start, end)`` pairs into ``Article.body``, without surrounding whitespace.
Sentence ends are ``.``, ``!`` or ``?`` (with closing quotes or brackets) before
white space and a capital, digit or opening quote, except after common
abbreviations ("U.S.", "Mr.", "Gen.") and single initials ("J. Smith").
"""

from __future__ import annotations

import re
from bisect import bisect_right

Span = tuple[int, int]

_ABBREVIATIONS = """mr mrs ms dr prof gen col lt sgt capt cmdr adm gov sen rep rev st jr sr
no nos vol fig inc ltd co corp dept univ est approx vs etc al jan feb mar apr jun jul aug sep
sept oct nov dec u.s u.k u.n e.u u.s.a e.g i.e a.m p.m"""
ABBREVIATIONS = frozenset(_ABBREVIATIONS.split())

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_BULLET_LINE = re.compile(r"\n(?=[ \t]*[•◦▪‣*+\-–—][ \t])")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9À-Ý])")


def paragraphs(body: str) -> list[Span]:
    """The body's paragraphs (separated by blank lines)."""
    spans: list[Span] = []
    position = 0
    for gap in _PARAGRAPH_BREAK.finditer(body):
        spans.extend(_stripped(body, position, gap.start()))
        position = gap.end()
    spans.extend(_stripped(body, position, len(body)))
    return spans


def sentences(body: str) -> list[Span]:
    """The body's sentences, paragraph by paragraph (a sentence never spans two, nor two
    bulleted lines)."""
    spans: list[Span] = []
    for start, end in paragraphs(body):
        for line_start, line_end in _bullet_lines(body, start, end):
            spans.extend(_sentences_in(body, line_start, line_end))
    return spans


def _bullet_lines(body: str, start: int, end: int) -> list[Span]:
    spans: list[Span] = []
    position = start
    for found in _BULLET_LINE.finditer(body, start, end):
        spans.extend(_stripped(body, position, found.start()))
        position = found.end()
    spans.extend(_stripped(body, position, end))
    return spans


def at(spans: list[Span], offset: int) -> int | None:
    """Index of the span holding ``offset`` (or the last one before it); None before all."""
    starts = [start for start, _ in spans]
    index = bisect_right(starts, offset) - 1
    return index if index >= 0 else None


def _sentences_in(body: str, start: int, end: int) -> list[Span]:
    spans: list[Span] = []
    position = start
    for found in _SENTENCE_END.finditer(body, start, end):
        if _abbreviation(body, position, found.start()):
            continue
        spans.extend(_stripped(body, position, found.end()))
        position = found.end()
    spans.extend(_stripped(body, position, end))
    return spans


def _abbreviation(body: str, sentence_start: int, dot: int) -> bool:
    """Is the full stop at ``dot`` the end of an abbreviation or an initial?"""
    if body[dot] != ".":
        return False
    word_start = dot
    while word_start > sentence_start and not body[word_start - 1].isspace():
        word_start -= 1
    word = body[word_start:dot].lstrip("\"'“‘([").lower()
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _stripped(body: str, start: int, end: int) -> list[Span]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return [(start, end)] if start < end else []
