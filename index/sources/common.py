"""What every reader shares: the article draft, dates, titles and body clean-up.

Readers fill a :class:`Draft` from their format's fields; :func:`finish` turns it
into an :class:`~index.models.Article` with the same rules for all formats: the
id comes from the source key (a file's path, an entry's URL or GUID, see
:func:`entry_key`); the date comes from metadata, then the text, then the
file's mtime; a missing title falls back to the body's first sentence, then the
file name.
"""

from __future__ import annotations

import email.utils
import functools
import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from index.models import Article, DateOrigin, content_hash, stable_id
from index.text import visible, web_url

MAX_BODY_CHARS = 2_000_000
"""Bodies are cut (at a paragraph break when one is near) beyond this many characters."""

MAX_TITLE_CHARS = 300
"""Titles are single lines of at most this many characters."""

FALLBACK_TITLE_CHARS = 80
"""A title made from the body's first sentence is cut to about this length."""

DATE_SCAN_CHARS = 2000
"""How far into the body a publication date is looked for."""

MIN_YEAR = 1900
FUTURE_SLACK = timedelta(days=366)
"""Metadata dates may be a little in the future (scheduled posts); text dates may not."""


@dataclass(slots=True)
class Draft:
    """An article as a reader found it, before ids, dates and fallbacks are settled."""

    title: str = ""
    body: str = ""
    source: str = ""
    author: str = ""
    url: str = ""
    published: datetime | None = None
    """From the format's metadata (front matter, feed, HTML meta), naive UTC."""


def finish(draft: Draft, path: Path, key: str) -> Article | None:
    """Settle a draft into an Article, or None when it has neither title nor body."""
    body = clean_body(draft.body)
    title = clean_line(draft.title, MAX_TITLE_CHARS)
    if not title and not body:
        return None
    published, origin = _publication_date(draft, title, body, path)
    return Article(
        id=stable_id(key),
        title=title or fallback_title(body, path),
        body=body,
        source=clean_line(draft.source, MAX_TITLE_CHARS) or path.parent.name,
        author=clean_line(draft.author, MAX_TITLE_CHARS),
        url=web_url(clean_line(draft.url, 2000)),
        path=str(path),
        published=published,
        date_origin=origin,
    )


def _publication_date(
    draft: Draft, title: str, body: str, path: Path
) -> tuple[datetime | None, DateOrigin]:
    """Metadata first, then the first full date in the title or opening text, then mtime."""
    if draft.published is not None:
        return draft.published, "metadata"
    found = date_in_text(title + "\n" + body[:DATE_SCAN_CHARS])
    if found is not None:
        return found, "text"
    mtime = file_mtime(path)
    if mtime is not None:
        return mtime, "file"
    return None, "none"


# --- text clean-up -------------------------------------------------------------------

_BLANK_RUN = re.compile(r"\n{3,}")
_SPACE_RUN = re.compile(r"\s+")


def clean_body(text: str) -> str:
    """Plain text with ``\\n\\n`` between paragraphs, no control characters, capped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = visible(text)
    text = "\n".join(line.rstrip(" \t\u00a0") for line in text.split("\n"))
    text = _BLANK_RUN.sub("\n\n", text).strip()
    return cap_body(text)


def cap_body(text: str) -> str:
    """Cut ``text`` to MAX_BODY_CHARS, at a paragraph break when one is close."""
    if len(text) <= MAX_BODY_CHARS:
        return text
    cut = text.rfind("\n\n", MAX_BODY_CHARS - 10_000, MAX_BODY_CHARS)
    return text[: cut if cut > 0 else MAX_BODY_CHARS].rstrip()


def cap_source(text: str) -> str:
    """Cut raw source text well past MAX_BODY_CHARS (at a line end) before parsing it.

    Markup is stripped after this, so some slack is kept; what is cut would be cut
    from the body anyway, and parsing 20 MB of text to keep 2 MB of it is waste.
    """
    limit = MAX_BODY_CHARS + MAX_BODY_CHARS // 4
    if len(text) <= limit:
        return text
    # Only a line end past what the body keeps: a headline and then one 10 MB line was
    # cut after the headline, and stored with an empty body.
    cut = text.rfind("\n", MAX_BODY_CHARS, limit)
    return text[: cut if cut > 0 else limit]


def clean_line(text: str, limit: int) -> str:
    """One line: whitespace collapsed, control characters gone, at most ``limit`` chars."""
    line = _SPACE_RUN.sub(" ", visible(text)).strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def fallback_title(body: str, path: Path) -> str:
    """The body's first sentence (or line), cut to about 80 characters; else the file name."""
    first = body.strip().split("\n", 1)[0] if body.strip() else ""
    first = _SENTENCE_END.split(first, 1)[0].strip()
    if not first:
        return file_stem(path)
    if len(first) <= FALLBACK_TITLE_CHARS:
        return first
    cut = first[:FALLBACK_TITLE_CHARS].rsplit(" ", 1)[0]
    return (cut or first[:FALLBACK_TITLE_CHARS]).rstrip(" ,;:-") + "…"


def file_stem(path: Path) -> str:
    """The file name without its format suffixes (``page.html.gz`` -> ``page``)."""
    name = path.name
    for suffix in reversed(path.suffixes[-2:]):
        if name.lower().endswith(suffix.lower()) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name


# --- dates -------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_TEXT_DATE = re.compile(
    rf"\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH})\.?,?\s+(?P<y1>\d{{4}})\b"
    rf"|\b(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})\b"
    r"|\b(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})\b",
    re.IGNORECASE,
)


def date_in_text(text: str) -> datetime | None:
    """The first full calendar date (day, month and year) in ``text`` that is plausible."""
    latest = _now() + timedelta(days=1)
    for match in _TEXT_DATE.finditer(text):
        found = _match_date(match)
        if found is not None and found <= latest:
            return found
    return None


def _match_date(match: re.Match[str]) -> datetime | None:
    """The date a ``_TEXT_DATE`` match names, or None if it is not a real date."""
    groups = match.groupdict()
    for n in "123":
        if groups[f"y{n}"]:
            month_text = groups[f"m{n}"]
            month = int(month_text) if month_text.isdigit() else _MONTHS[month_text[:3].lower()]
            return _make_date(int(groups[f"y{n}"]), month, int(groups[f"d{n}"]))
    return None


def _make_date(year: int, month: int, day: int) -> datetime | None:
    """A datetime for a calendar day, or None when out of range or impossible."""
    if year < MIN_YEAR:
        return None
    try:
        return datetime(year, month, day)
    except ValueError:
        return None


def _now() -> datetime:
    """The current time as naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_naive_utc(value: datetime) -> datetime:
    """Aware datetimes converted to UTC; every datetime returned without tzinfo."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def plausible(value: datetime | None) -> datetime | None:
    """``value`` if it is a believable publication date, else None."""
    if value is None or value.year < MIN_YEAR or value > _now() + FUTURE_SLACK:
        return None
    return value


def parse_date(value: object) -> datetime | None:
    """A naive-UTC datetime from a metadata value: ISO or RFC 822 text, epoch seconds/ms,
    or a ``time.struct_time``. None when it is not a full, plausible date."""
    try:
        if isinstance(value, datetime):
            return plausible(to_naive_utc(value))
        if isinstance(value, time.struct_time):
            return plausible(datetime(*value[:6]))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return plausible(_from_epoch(float(value)))
        if isinstance(value, str):
            return plausible(_parse_date_text(value.strip()))
    except (ValueError, OverflowError, OSError, TypeError):
        return None
    return None


def _from_epoch(seconds: float) -> datetime | None:
    """Epoch seconds (or milliseconds, when implausibly large) to naive UTC."""
    if not math.isfinite(seconds):
        return None
    if seconds > 1e11:
        seconds /= 1000
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None, microsecond=0)


def _parse_date_text(text: str) -> datetime | None:
    """ISO 8601, then RFC 822, then dateutil's parser demanding a day, month and year."""
    if not text or len(text) > 100:
        return None
    try:
        return to_naive_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    try:
        return to_naive_utc(email.utils.parsedate_to_datetime(text))
    except (ValueError, TypeError, IndexError):
        pass
    return _parse_with_dateutil(text)


LOCAL_MONTHS = (
    "jan janv janeiro enero ene gen gennaio januar januari janvier",
    "feb fev fevereiro febrero févr fevr février febbraio februar februari",
    "mar mars março marzo mär mrz märz maart mrt",
    "apr abr abril avr avril aprile april",
    "may mai maio mayo mag maggio mei",
    "jun juin junho junio giu giugno juni",
    "jul juil juillet julho julio lug luglio juli",
    "aug ago agosto août aout augustus",
    "sep sept set setembro septiembre septembre settembre september",
    "oct out outubro octubre octobre ott ottobre okt oktober",
    "nov novembro noviembre novembre november",
    "dec dez dezembro dic diciembre déc decembre décembre dicembre dezember december",
)
"""Month names and abbreviations in the languages news feeds are most often written in
besides English (Portuguese, Spanish, French, Italian, German, Dutch): a UOL feed's
``Seg, 24 Set 2018`` is a date. Each word names one month in every language listed."""
LOCAL_WEEKDAYS = (
    "mon seg segunda lun lunes lundi lunedì mo montag ma maandag",
    "tue ter terça mar martes mardi martedì di dienstag dinsdag",
    "wed qua quarta mié miércoles mer mercredi mercoledì mi mittwoch wo woensdag",
    "thu qui quinta jue jueves jeu jeudi giovedì do donnerstag donderdag",
    "fri sex sexta vie viernes ven vendredi venerdì fr freitag vr vrijdag",
    "sat sáb sab sábado sam samedi sabato sa samstag za zaterdag",
    "sun dom domingo dim dimanche domenica so sonntag zo zondag",
)


LEADING_WEEKDAY = re.compile(r"^[^\W\d_]{2,12}\.?,\s*")
"""A weekday name before a comma (RFC 822's ``Seg,``): said again by the date itself."""


@functools.cache
def _localised_info() -> Any:
    """dateutil's parser info with the month and weekday names above added to its own."""
    from dateutil import parser as dateutil_parser

    base = dateutil_parser.parserinfo()
    months = [
        (*names, *(word for word in local.split() if word not in names))
        for names, local in zip(base.MONTHS, LOCAL_MONTHS, strict=True)
    ]
    taken: set[str] = {word for names in months for word in names}
    weekdays = [
        (*names, *(word for word in local.split() if word not in names and word not in taken))
        for names, local in zip(base.WEEKDAYS, LOCAL_WEEKDAYS, strict=True)
    ]
    info = type("LocalisedParserInfo", (dateutil_parser.parserinfo,), {
        "MONTHS": months, "WEEKDAYS": weekdays,
    })  # fmt: skip
    return info()


def _parse_with_dateutil(text: str) -> datetime | None:
    """dateutil's reading of ``text``, only when it names the year, month and day itself."""
    from dateutil import parser as dateutil_parser

    first_default = datetime(2000, 1, 1)
    second_default = datetime(2001, 2, 2)
    info = _localised_info()
    text = LEADING_WEEKDAY.sub("", text)  # "mar., 5 févr." is a Tuesday in February
    try:
        first = dateutil_parser.parse(text, default=first_default, parserinfo=info)
        second = dateutil_parser.parse(text, default=second_default, parserinfo=info)
    except (ValueError, OverflowError, TypeError, LookupError):
        return None
    if first.date() != second.date():
        return None  # a part of the date came from the default, not the text
    return to_naive_utc(first)


def file_mtime(path: Path) -> datetime | None:
    """The file's modification time as naive UTC, or None if it cannot be read."""
    try:
        return _from_epoch(path.stat().st_mtime)
    except (OSError, ValueError, OverflowError):
        return None


def first_value(record: Mapping[str, object], names: tuple[str, ...]) -> object:
    """The first of ``names`` present in ``record`` with a non-empty value, else None."""
    for name in names:
        value = record.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def finish_entry(
    draft: Draft, path: Path, *, n: int, guid: str, scope: str, seen: dict[str, str]
) -> Article | None:
    """Settle the n-th entry of a many-article file (feed entry, JSON object), id included.

    ``scope`` names the publication the entry belongs to (a feed's link or
    title, a JSON export's source); ``seen`` maps the file's keys so far to
    their texts' hashes. A key repeated inside one file with other text (a
    feed whose entries all link to its home page) gets the entry's position:
    only there is a position part of an identity. Repeated with the same
    text, it is the same entry twice, and None (the file has it once).
    """
    article = finish(draft, path, key="")
    if article is None:
        return None
    title = clean_line(draft.title, MAX_TITLE_CHARS)
    text_hash = content_hash(title, article.body)
    key = entry_key(
        url=article.url,
        guid=guid,
        scope=clean_line(scope, MAX_TITLE_CHARS),
        title=title,
        published=draft.published,
        text_hash=text_hash,
    )
    if key in seen:
        if seen[key] == text_hash:
            return None
        key = f"{key}#{n}"
    seen[key] = text_hash
    return replace(article, id=stable_id(key))


def entry_key(
    *, url: str, guid: str, scope: str, title: str, published: datetime | None, text_hash: str
) -> str:
    """What makes an entry the same entry wherever it is read (two copies of a feed, two
    fetches of it): nothing of the file it is in.

    Its URL names one page: the same link is the same article, the later copy
    updating it. Else a GUID that can be unique (a URI or a long token),
    within its publication: a GUID is only promised unique in its feed, and
    feeds reuse them (``http://example.com/1`` in three unrelated test
    feeds); with no publication named, the entry's title stands in for it.
    Else (no link, and no GUID or a bare "7" that only numbers the entries of
    one export) what a reader sees of it: publication, that GUID, stated date
    and a hash of title and text, so two different entries never share an id
    while a verbatim copy does.
    """
    if url:
        return url
    if guid and (":" in guid or "/" in guid or len(guid) >= 16):
        return f"guid\n{scope or title}\n{guid}"
    when = published.isoformat() if published is not None else ""
    return f"entry\n{scope}\n{guid}\n{when}\n{text_hash}"
