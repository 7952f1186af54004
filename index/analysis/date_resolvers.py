"""What a matched date pattern means: each resolver turns a match, the publication
date and the text around it into a ``DateMention`` (or rejects the match).

Split from ``dates`` (which holds the patterns and the scan): this is where a
year-less day finds its year and a bare weekday its week.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from index.models import DateMention, Granularity

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "several": 0, "few": 0, "a few": 0,
}  # fmt: skip

_COUNT_BEFORE = re.compile(
    r"(?:about|around|some|nearly|almost|approximately|roughly|than|least|up to|over|under"
    r"|only|just|all|No\.|no\.|number|page|pages|flight|route|model|room|#)\s*$"
)
_SINCE_BEFORE = re.compile(r"\b[Ss]ince\s+(?:the\s+)?$")
_FUTURE_CUE = re.compile(
    r"\b(?:will|won't|shall|would|'ll|’ll|is due|are due|due to|is set to|are set to|is expected"
    r"|are expected|plans? to|scheduled|going to|to be held|next|(?:is|are) to(?=\s+[a-z])"
    r"|to be(?=\s+(?:\w+ly\s+)?\w+(?:ed|en)\b))\b"
)
_PAST_CUE = re.compile(
    r"\b(?:said|told|met|was|were|had|did|went|came|took|made|gave|saw|left|held|began|spoke"
    r"|wrote|won|lost|fell|rose|struck|sent|sought|fought|brought|bought|thought|found|became"
    r"|broke|chose|drove|flew|knew|led|meant|paid|ran|stood|stole|swore|taught|threw|withdrew"
    r"|sold|spent|felt|kept|heard|\w{2,}ed)\b"
)
_NOT_PAST = frozenset(
    "need speed seed feed shed hundred indeed proceed succeed exceed breed united greed bleed"
    " ahmed mohammed mohamed muhammed dubbed called named based entitled titled located owned"
    " aimed related".split()
)
"""Words ending in -ed that are no past tense (or mostly stand as adjectives, "a group
called X"): they say nothing of when."""
_AUXILIARY_BEFORE = re.compile(
    r"(?:\b(?:be|been|being|is|are|am|was|were|'s|’s|have|has|had)\s+"
    r"(?:(?:not|also|still|now|then|\w+ly)\s+)?|-)$"
)
"""A participle after these ("will be held", "would have created") or in a compound
("long-awaited") is no tense of its own: the auxiliary, or the cue before it, decides."""

Resolver = Callable[[re.Match[str], date | None, str], "DateMention | None"]


def _month_number(word: str) -> int:
    return _MONTHS[word[:3].lower()]


def _day_number(word: str) -> int:
    return int(re.sub(r"\D", "", word))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _nearest_year(month: int, day: int, published: date) -> date | None:
    """The year that puts (month, day) nearest the publication date."""
    candidates = [_safe_date(published.year + k, month, day) for k in (-1, 0, 1)]
    valid = [d for d in candidates if d is not None]
    if not valid:
        return None
    return min(valid, key=lambda d: (abs((d - published).days), d > published))


def _nearest_month_year(month: int, published: date) -> int:
    """The year that puts ``month`` nearest the publication month (ties go to the past)."""
    best = min(
        (published.year + k for k in (-1, 0, 1)),
        key=lambda y: (abs((y - published.year) * 12 + month - published.month), y),
    )
    return best


def _mention(
    m: re.Match[str],
    group: int | str,
    value: date | None,
    granularity: Granularity | None,
    end_value: date | None = None,
    relative: bool = False,
) -> DateMention:
    start, end = m.span(group)
    return DateMention(start, end, m.string[start:end], value, granularity, end_value, relative)


# -- resolvers: match -> DateMention (or None to reject) -------------------------------


def iso(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    value = _safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return _mention(m, 0, value, "day") if value else None


def numeric(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    """``11/12/2024``: day-month or month-day; ambiguous ones go nearest the publication."""
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    if y < 100:
        y += 2000 if y < 70 else 1900
    dmy, mdy = _safe_date(y, b, a), _safe_date(y, a, b)
    options = [d for d in (dmy, mdy) if d is not None]
    if not options:
        return None
    if len(set(options)) == 1:
        return _mention(m, 0, options[0], "day")
    if published is None:
        return _mention(m, 0, None, "day")
    return _mention(m, 0, min(options, key=lambda d: abs((d - published).days)), "day")


def day_month(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    """``11 November 2024``, ``November 11, 2024``, ``10 November`` and ranges of them."""
    month = _month_number(m["mo"])
    day = _day_number(m["d"])
    day2 = _day_number(m["d2"]) if m["d2"] else None
    if day2 is not None and day2 <= day:
        return None
    year_text = m.groupdict().get("y")
    if year_text:
        year = int(year_text)
        value = _safe_date(year, month, day)
        relative = False
    elif published is not None:
        value = _nearest_year(month, day, published)
        since = _SINCE_BEFORE.search(text, max(0, m.start() - 12), m.start())
        if value and value > published and since:
            value = _safe_date(value.year - 1, month, day)
        relative = True
    else:
        if _safe_date(2000, month, day) is None:
            return None
        return _mention(m, 0, None, "day", relative=True)
    if value is None:
        return None
    end_value = _safe_date(value.year, month, day2) if day2 else None
    if day2 and end_value is None:
        return None
    return _mention(m, 0, value, "day", end_value, relative)


def month_year(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    month, year = _month_number(m["mo"]), int(m["y"])
    return _mention(m, 0, date(year, month, 1), "month", _month_end(year, month))


def month_alone(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    """``in October``, ``last March``: a month of a year taken from the publication date."""
    month = _month_number(m["mo"])
    which = (m["rel"] or "").lower()
    group: int | str = 0 if which in {"last", "next", "this"} else "mo"
    if published is None:
        return _mention(m, group, None, "month", relative=True)
    if which == "last":
        year = published.year if month < published.month else published.year - 1
    elif which == "next":
        year = published.year if month > published.month else published.year + 1
    elif which == "this":
        year = published.year
    else:
        year = _nearest_month_year(month, published)
    return _mention(m, group, date(year, month, 1), "month", _month_end(year, month), True)


def year_range(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    """``2004-05`` or ``2004-2005``: a season or fiscal year."""
    y1 = int(m["y"])
    tail = m["y2"]
    y2 = int(tail) if len(tail) == 4 else (y1 // 100) * 100 + int(tail)
    if y2 != y1 + 1:
        if len(tail) == 2 and 1 <= int(tail) <= 12:
            value = date(y1, int(tail), 1)
            return _mention(m, 0, value, "month", _month_end(y1, int(tail)))
        if not y1 < y2 <= y1 + 50:
            return None
    return _mention(m, 0, date(y1, 1, 1), "year", date(y2, 12, 31))


def decade(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    y = int(m["y"])
    return _mention(m, 0, date(y, 1, 1), "year", date(y + 9, 12, 31))


def year(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    """A bare year, unless the words before it say it is a count ("about 2000")."""
    if _COUNT_BEFORE.search(text, max(0, m.start() - 20), m.start()):
        return None
    y = int(m["y"])
    return _mention(m, 0, date(y, 1, 1), "year", date(y, 12, 31))


def relative_day(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    word = m[0].lower()
    if "before yesterday" in word:
        offset = -2
    elif "after tomorrow" in word:
        offset = 2
    elif word.startswith(("yesterday", "last night")):
        offset = -1
    elif word.startswith("tomorrow"):
        offset = 1
    else:
        offset = 0
    value = published + timedelta(days=offset) if published else None
    return _mention(m, 0, value, "day", relative=True)


def weekday(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    """``last Tuesday``, ``on Monday``: the nearest such day, in the past unless the
    verb nearest it speaks of the future ("will meet on Thursday", not "said on Saturday")."""
    wd = _WEEKDAYS[m["wd"][:3].lower()]
    which = (m["rel"] or "").lower()
    if which == "on":
        which = ""
    group: int | str = 0 if which else "wd"
    if published is None:
        return _mention(m, group, None, "day", relative=True)
    back = (published.weekday() - wd) % 7
    ahead = (wd - published.weekday()) % 7
    if which == "last":
        value = published - timedelta(days=back or 7)
    elif which == "next":
        value = published + timedelta(days=ahead or 7)
    elif which == "this":
        value = published + timedelta(days=wd - published.weekday())
    else:
        future = _speaks_of_future(text, m.start(), m.end())
        value = published + timedelta(days=ahead) if future else published - timedelta(days=back)
    return _mention(m, group, value, "day", relative=True)


def _tense(text: str, start: int, end: int, *, last: bool) -> bool | None:
    """Whether the last (or first) tense cue in ``text[start:end]`` is future (True) or
    past (False); ``None`` when there is none. A future cue that ends where a past one
    does ("is expected", "scheduled") is future."""
    futures = [found.end() for found in _FUTURE_CUE.finditer(text, start, end)]
    pasts = [
        found.end()
        for found in _PAST_CUE.finditer(text, start, end)
        if found.group().lower() not in _NOT_PAST
        and not _AUXILIARY_BEFORE.search(text, max(start, found.start() - 20), found.start())
    ]
    if not futures and not pasts:
        return None
    if last:
        return max(futures, default=-1) >= max(pasts, default=-1)
    return min(futures, default=len(text) + 1) <= min(pasts, default=len(text) + 1)


def _speaks_of_future(text: str, start: int, end: int) -> bool:
    """Whether the verb that governs the weekday at ``text[start:end]`` is future.

    The nearest cue before it in its sentence decides ("a Qatari official said on
    Saturday" is past even after "it will pause its role"; "Israel said it will reopen
    the crossing on Thursday" is future); with none before, the first after it ("On
    Thursday, leaders will meet"); with none at all, the past (news reports).
    """
    sentence_start = max(text.rfind(".", 0, start), start - 120, 0)
    before = _tense(text, sentence_start, start, last=True)
    if before is not None:
        return before
    stop = text.find(".", end)
    stop = min(len(text) if stop < 0 else stop, end + 80)
    return bool(_tense(text, end, stop, last=False))


def period(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    """``last week``, ``this month``, ``next year``, ``earlier this year``."""
    which = m["rel"].lower().split()[-1]
    unit = m["unit"].lower()
    shift = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(which, 0)
    granularity: Granularity = "year" if unit == "year" else "month" if unit == "month" else "day"
    if published is None:
        return _mention(m, 0, None, granularity, relative=True)
    if unit == "week" or unit == "weekend":
        monday = published - timedelta(days=published.weekday()) + timedelta(weeks=shift)
        if unit == "weekend":
            return _mention(m, 0, monday + timedelta(days=5), "day", monday + timedelta(6), True)
        return _mention(m, 0, monday, "day", monday + timedelta(days=6), True)
    if unit == "month":
        first = published.replace(day=1) + relativedelta(months=shift)
        return _mention(m, 0, first, "month", _month_end(first.year, first.month), True)
    year = published.year + shift
    return _mention(m, 0, date(year, 1, 1), "year", date(year, 12, 31), True)


def ago(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    """``three days ago``, ``two years ago``."""
    count_word = m["n"].lower()
    count = int(count_word) if count_word.isdigit() else _NUMBER_WORDS.get(count_word, 0)
    unit = m["unit"].lower().rstrip("s")
    granularity: Granularity = "year" if unit == "year" else "month" if unit == "month" else "day"
    if count == 0 or published is None:
        return _mention(m, 0, None, granularity, relative=True)
    delta = {
        "day": relativedelta(days=count),
        "week": relativedelta(weeks=count),
        "month": relativedelta(months=count),
        "year": relativedelta(years=count),
    }[unit]
    value = published - delta
    if granularity == "month":
        value = value.replace(day=1)
        return _mention(m, 0, value, "month", _month_end(value.year, value.month), True)
    if granularity == "year":
        return _mention(m, 0, date(value.year, 1, 1), "year", date(value.year, 12, 31), True)
    return _mention(m, 0, value, "day", relative=True)
