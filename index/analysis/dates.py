"""Dates mentioned in a text, resolved against the article's publication date.

Pure: text (+ publication date) in, sorted non-overlapping ``DateMention``\\s out.
A fixed list of patterns, tried in priority order (the most specific first);
a match that overlaps an earlier, more specific one is dropped. Mentions that
need the publication date ("yesterday", "10 November", "last month") are kept
unresolved (``value=None``) when there is none: never guessed.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from index.models import DateMention, Granularity

__all__ = ["extract_dates"]

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
_COUNT_BEFORE = re.compile(
    r"(?:about|around|some|nearly|almost|approximately|roughly|than|least|up to|over|under"
    r"|only|just|all|No\.|no\.|number|page|pages|flight|route|model|room|#)\s*$"
)
_SINCE_BEFORE = re.compile(r"\b[Ss]ince\s+(?:the\s+)?$")
_FUTURE_BEFORE = re.compile(
    r"\b(?:will|won't|shall|would|'ll|’ll|is due|are due|due to|is set to|are set to|is expected"
    r"|are expected|plans? to|scheduled|going to|to be held|next)\b[^.!?]*$"
)

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


def _iso(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    value = _safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return _mention(m, 0, value, "day") if value else None


def _numeric(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
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


def _day_month(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
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


def _month_year(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    month, year = _month_number(m["mo"]), int(m["y"])
    return _mention(m, 0, date(year, month, 1), "month", _month_end(year, month))


def _month_alone(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
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


def _year_range(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
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


def _decade(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    y = int(m["y"])
    return _mention(m, 0, date(y, 1, 1), "year", date(y + 9, 12, 31))


def _year(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    """A bare year, unless the words before it say it is a count ("about 2000")."""
    if _COUNT_BEFORE.search(text, max(0, m.start() - 20), m.start()):
        return None
    y = int(m["y"])
    return _mention(m, 0, date(y, 1, 1), "year", date(y, 12, 31))


def _relative_day(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
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


def _weekday(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
    """``last Tuesday``, ``on Monday``: the nearest such day, in the past unless the
    sentence speaks of the future ("will meet on Thursday")."""
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
        sentence_start = max(text.rfind(".", 0, m.start()), m.start() - 120, 0)
        future = _FUTURE_BEFORE.search(text, sentence_start, m.start()) is not None
        value = published + timedelta(days=ahead) if future else published - timedelta(days=back)
    return _mention(m, group, value, "day", relative=True)


def _period(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
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


def _ago(m: re.Match[str], published: date | None, text: str) -> DateMention | None:
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


_PATTERNS: list[tuple[str, Resolver]] = [
    (rf"(?<![\d.,/-])(?P<y>{_YEAR})-(?P<mo>[01]\d)-(?P<d>[0-3]\d)(?!\d)", _iso),
    (rf"{_NOT_NUMBER_BEFORE}(?P<y>{_YEAR})/(?P<mo>[01]?\d)/(?P<d>[0-3]?\d)(?![\d/])", _iso),
    (
        rf"{_NOT_NUMBER_BEFORE}(?P<a>[0-3]?\d)[/.](?P<b>[0-3]?\d)[/.](?P<y>{_YEAR}|\d\d)(?![\d/.]\d)",
        _numeric,
    ),
    *(
        (pattern.format(year=year), _day_month)
        for year in (_WITH_YEAR, _WITHOUT_YEAR)  # "3 January 13, 2020" is January 13
        for pattern in (_DAY_MONTH, _MONTH_DAY)
    ),
    (rf"\b(?P<mo>{_MONTH}),?\s+(?:of\s+)?(?P<y>{_YEAR}){_NOT_NUMBER_AFTER}", _month_year),
    (
        rf"(?:\b(?P<rel>[Ll]ast|[Nn]ext|[Tt]his)\s+|\b(?:[Ii]n|[Bb]y|of|on|to|[Ss]ince|[Uu]ntil"
        rf"|[Aa]fter|[Ee]arly|[Ll]ate|[Dd]uring|[Bb]efore|through|throughout|[Ff]rom)\s+|\bmid-)"
        rf"(?P<mo>{_FULL_MONTH})\b",
        _month_alone,
    ),
    (rf"{_NOT_NUMBER_BEFORE}(?P<y>{_YEAR})[-–/](?P<y2>\d\d(?:\d\d)?)(?![\d%]|,\d)", _year_range),
    (r"\b(?:the\s+)?(?:early\s+|mid-?|late\s+)?(?P<y>1[6-9]\d0|20\d0)s\b", _decade),
    (rf"{_NOT_NUMBER_BEFORE}(?P<y>{_YEAR}){_NOT_NUMBER_AFTER}(?!\s*(?:%|per ?cent))", _year),
    (
        r"\b(?:(?:the\s+day\s+(?:before\s+yesterday|after\s+tomorrow))|[Yy]esterday|[Tt]oday"
        r"|[Tt]omorrow|[Tt]onight|[Ll]ast\s+night|[Tt]his\s+(?:morning|afternoon|evening))\b",
        _relative_day,
    ),
    (
        rf"\b(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his|[Oo]n)\s+)?(?P<wd>{_WEEKDAY})\b"
        r"(?!\s+[A-Z0-9])(?!’s\s+[A-Z]|'s\s+[A-Z])",
        _weekday,
    ),
    (
        r"\b(?P<rel>(?:(?:[Ee]arlier|[Ll]ater)\s+)?(?:[Ll]ast|[Nn]ext|[Tt]his|[Pp]ast|[Pp]revious"
        r"|[Cc]oming))\s+(?P<unit>weekend|week|month|year)\b",
        _period,
    ),
    (
        r"\b(?P<n>\d{1,3}|[Aa]n?|[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even|[Ee]ight"
        r"|[Nn]ine|[Tt]en|[Ee]leven|[Tt]welve)\s+(?P<unit>days?|weeks?|months?|years?)\s+ago\b",
        _ago,
    ),
]

_COMPILED: list[tuple[re.Pattern[str], Resolver]] | None = None
_MONTH_WORD: re.Pattern[str] | None = None
_MONTH_RESOLVERS = frozenset({_day_month, _month_year, _month_alone})
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
