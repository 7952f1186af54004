"""Dates mentioned in a text, resolved against the article's publication date.

Pure: text (+ publication date) in, sorted non-overlapping ``DateMention``\\s out.
A fixed list of patterns, tried in priority order (the most specific first);
a match that overlaps an earlier, more specific one is dropped. Mentions that
need the publication date ("yesterday", "10 November", "last month") are kept
unresolved (``value=None``) when there is none: never guessed. What each
pattern's match means is in ``date_resolvers``.

The same grammar reads the dates a person types in a query (``read_period``):
``published:"last week"`` means the days "last week" means in an article.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from index.analysis.date_resolvers import (
    Resolver,
    ago,
    day_month,
    decade,
    iso,
    month_alone,
    month_year,
    numeric,
    period,
    relative_day,
    weekday,
    year,
    year_range,
)
from index.models import DateMention

__all__ = ["extract_dates", "read_period"]

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _month_alternatives(name: str) -> list[str]:
    """ "November", "Nov", "Nov." and their all-capital forms ("3 NOV 2023")."""
    forms = []
    for word in (name, name.upper()):
        abbr, rest = word[:3], word[3:]
        forms.append(f"{abbr}(?:{rest}|\\.)?" if rest else word)
        if name == "September":
            forms.append(word[:4] + "\\.?")
    return forms


_MONTH = "(?:" + "|".join(a for n in _MONTH_NAMES for a in _month_alternatives(n)) + ")"
_FULL_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_WEEKDAY_ABBR = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9]\d\d|20\d\d|21\d\d)"
_DASH = r"\s*(?:-|–|—|to|until|and|through)\s*"
_LEAD = rf"(?:(?:{_WEEKDAY}|{_WEEKDAY_ABBR}),?\s+)?(?:the\s+)?"
_NOT_NUMBER_AFTER = r"(?![\d,.]\d|%|\w)"
_NOT_NUMBER_BEFORE = r"(?<![\d£$€¥.,/\w-])"

_GLUED = r"(?:\b|(?<=[a-z\d]))"  # "Australia28 October", "2023November 1" in scraped text
_DAY_MONTH = (
    rf"{_GLUED}{_LEAD}(?P<d>{_DAY})(?:{_DASH}(?P<d2>{_DAY}))?(?:\s+of)?\s+(?P<mo>{_MONTH})"
    rf"{{year}}"
)
_MONTH_DAY = (
    rf"{_GLUED}{_LEAD}(?P<mo>{_MONTH})\s+(?:the\s+)?(?P<d>{_DAY})(?:{_DASH}(?P<d2>{_DAY}))?"
    rf"{{year}}"
)
_WITH_YEAR = rf"(?:,?\s+(?P<y>{_YEAR}))(?![\d%])"
_WITHOUT_YEAR = _NOT_NUMBER_AFTER

_PATTERNS: list[tuple[str, Resolver]] = [
    (rf"(?<![\d.,/-])(?P<y>{_YEAR})-(?P<mo>[01]\d)-(?P<d>[0-3]\d)(?!\d)", iso),
    (rf"{_NOT_NUMBER_BEFORE}(?P<y>{_YEAR})/(?P<mo>[01]?\d)/(?P<d>[0-3]?\d)(?![\d/])", iso),
    (
        rf"{_NOT_NUMBER_BEFORE}(?P<a>[0-3]?\d)[/.](?P<b>[0-3]?\d)[/.](?P<y>{_YEAR}|\d\d)(?![\d/.]\d)",
        numeric,
    ),
    *(
        (pattern.format(year=year), day_month)
        for year in (_WITH_YEAR, _WITHOUT_YEAR)  # "3 January 13, 2020" is January 13
        for pattern in (_DAY_MONTH, _MONTH_DAY)
    ),
    (rf"\b(?P<mo>{_MONTH}),?\s+(?:of\s+)?(?P<y>{_YEAR}){_NOT_NUMBER_AFTER}", month_year),
    (
        rf"(?:\b(?P<rel>[Ll]ast|[Nn]ext|[Tt]his)\s+|\b(?:[Ii]n|[Bb]y|of|on|to|[Ss]ince|[Uu]ntil"
        rf"|[Aa]fter|[Ee]arly|[Ll]ate|[Dd]uring|[Bb]efore|through|throughout|[Ff]rom)\s+|\bmid-)"
        rf"(?P<mo>{_FULL_MONTH})\b",
        month_alone,
    ),
    (rf"{_NOT_NUMBER_BEFORE}(?P<y>{_YEAR})[-–/](?P<y2>\d\d(?:\d\d)?)(?![\d%]|,\d)", year_range),
    (r"\b(?:the\s+)?(?:early\s+|mid-?|late\s+)?(?P<y>1[6-9]\d0|20\d0)s\b", decade),
    (rf"{_NOT_NUMBER_BEFORE}(?P<y>{_YEAR}){_NOT_NUMBER_AFTER}(?!\s*(?:%|per ?cent))", year),
    (
        r"\b(?:(?:the\s+day\s+(?:before\s+yesterday|after\s+tomorrow))|[Yy]esterday|[Tt]oday"
        r"|[Tt]omorrow|[Tt]onight|[Ll]ast\s+night|[Tt]his\s+(?:morning|afternoon|evening))\b",
        relative_day,
    ),
    (
        rf"\b(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his|[Oo]n)\s+)?(?P<wd>{_WEEKDAY})\b"
        r"(?!\s+[A-Z0-9])(?!’s\s+[A-Z]|'s\s+[A-Z])",
        weekday,
    ),
    (
        r"\b(?P<rel>(?:(?:[Ee]arlier|[Ll]ater)\s+)?(?:[Ll]ast|[Nn]ext|[Tt]his|[Pp]ast|[Pp]revious"
        r"|[Cc]oming))\s+(?P<unit>weekend|week|month|year)\b",
        period,
    ),
    (
        r"\b(?P<n>\d{1,3}|[Aa]n?|[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even|[Ee]ight"
        r"|[Nn]ine|[Tt]en|[Ee]leven|[Tt]welve)\s+(?P<unit>days?|weeks?|months?|years?)\s+ago\b",
        ago,
    ),
]

_COMPILED: list[tuple[re.Pattern[str], Resolver]] | None = None
_MONTH_WORD: re.Pattern[str] | None = None
_MONTH_RESOLVERS = frozenset({day_month, month_year, month_alone})
"""Patterns that need a month name: run only in windows around one (most text has none)."""
_WINDOW_BEFORE, _WINDOW_AFTER = 40, 30


def _compiled() -> list[tuple[re.Pattern[str], Resolver]]:
    """The patterns, compiled once on first use (keeps ``import index`` cheap)."""
    global _COMPILED, _MONTH_WORD
    if _COMPILED is None:
        _COMPILED = [(re.compile(p), resolve) for p, resolve in _PATTERNS]
        _MONTH_WORD = re.compile(_MONTH)
    return _COMPILED


def _month_windows(text: str) -> list[tuple[int, int]]:
    """Merged stretches of ``text`` around month names, where month patterns can match."""
    assert _MONTH_WORD is not None
    windows: list[tuple[int, int]] = []
    for m in _MONTH_WORD.finditer(text):
        start = max(0, m.start() - _WINDOW_BEFORE)
        end = min(len(text), m.end() + _WINDOW_AFTER)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _as_date(published: date | datetime | None) -> date | None:
    if isinstance(published, datetime):
        return published.date()
    return published


def _candidates(text: str, published: date | None) -> Iterator[DateMention]:
    patterns = _compiled()
    windows = _month_windows(text)
    whole = [(0, len(text))]
    for pattern, resolve in patterns:
        for start, end in windows if resolve in _MONTH_RESOLVERS else whole:
            for m in pattern.finditer(text, start, end):
                mention = resolve(m, published, text)
                if mention is not None:
                    yield mention


def extract_dates(text: str, published: date | datetime | None) -> list[DateMention]:
    """Date mentions in ``text``, sorted by position and non-overlapping.

    Relative mentions are resolved against ``published``; without it they are kept
    with ``value=None``. Earlier (more specific) patterns win over later ones.
    """
    pub = _as_date(published)
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for mention in _candidates(text, pub):
        if any(mention.start < e and s < mention.end for s, e in taken):
            continue
        taken.append((mention.start, mention.end))
        found.append(mention)
    found.sort(key=lambda d: d.start)
    return found


_QUERY_NAME = re.compile(
    r"\b(?:(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|tues|wed|thu|thur|thurs"
    r"|fri|sat|sun)\.?)(?!\w)"
)
_LAST_N = re.compile(r"(?:last|past)\s+(?P<n>\d{1,4})\s+(?P<unit>day|week|month|year)s?")


def read_period(text: str, today: date | datetime) -> tuple[date, date] | None:
    """The first and last day a date phrase typed in a query stands for, resolved
    against ``today``: "last week", "this month", "3 days ago", "last Friday",
    "10 November", "last 7 days". ``None`` unless the whole phrase is one date.

    Typed phrases are lower case more often than not; the grammar wants month and
    weekday names capitalised as in prose, so they are capitalised first.
    """
    day = _as_date(today)
    assert day is not None
    phrase = " ".join(text.lower().split())
    last_n = _LAST_N.fullmatch(phrase)
    if last_n:
        count = int(last_n["n"])
        back = {
            "day": relativedelta(days=count),
            "week": relativedelta(weeks=count),
            "month": relativedelta(months=count),
            "year": relativedelta(years=count),
        }[last_n["unit"]]
        return day - back, day
    phrase = _QUERY_NAME.sub(lambda word: word.group().capitalize(), phrase)
    mentions = extract_dates(phrase, day)
    if len(mentions) != 1:
        return None
    (mention,) = mentions
    if (mention.start, mention.end) != (0, len(phrase)) or mention.value is None:
        return None
    return mention.value, mention.end_value or mention.value
