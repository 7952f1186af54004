from __future__ import annotations

from datetime import datetime

import pytest

from index.errors import QueryError
from index.search.query import MAX_QUERY_CHARS, QueryReader
from index.search.schema import build_schema

NOW = datetime(2024, 11, 12, 9, 0)


@pytest.fixture
def reader() -> QueryReader:
    return QueryReader(build_schema(), now=NOW)


def test_iso_date_range_is_read_as_days_not_the_year(reader: QueryReader) -> None:
    query = reader.parse("published:[2024-11-01 to 2024-11-30]")
    assert query.startdate == datetime(2024, 11, 1)
    assert query.enddate.date() == datetime(2024, 11, 30).date()


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("published:yesterday", datetime(2024, 11, 11), datetime(2024, 11, 11)),
        ("published:2024", datetime(2024, 1, 1), datetime(2024, 12, 31)),
        ("mentioned:2024-11-10", datetime(2024, 11, 10), datetime(2024, 11, 10)),
    ],
)
def test_natural_and_iso_dates(
    reader: QueryReader, text: str, start: datetime, end: datetime
) -> None:
    query = reader.parse(text)
    low, high = _bounds(query)
    assert low.date() == start.date()
    assert high.date() == end.date()


def _bounds(query: object) -> tuple[datetime, datetime]:
    if hasattr(query, "startdate"):
        return query.startdate, query.enddate  # type: ignore[attr-defined]
    from whoosh.util.times import long_to_datetime

    return long_to_datetime(query.start), long_to_datetime(query.end)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour:red", "unknown field 'colour:'"),
        ("published:garbage", "as a date"),
        ("", "empty query"),
        ("x" * (MAX_QUERY_CHARS + 1), "query too long"),
        ("AND", "nothing to search for"),
    ],
)
def test_bad_queries_say_what_is_wrong(reader: QueryReader, text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        reader.parse(text)


def test_field_names_inside_quotes_and_urls_are_not_fields(reader: QueryReader) -> None:
    reader.parse('"ratio 3:1 holds"')
    reader.parse("http://example.com")


@pytest.mark.parametrize("text", ['"unclosed phrase', "(unbalanced", "gaz*", "blinkn~", "gaza OR"])
def test_lenient_syntax_still_parses(reader: QueryReader, text: str) -> None:
    reader.parse(text)


# NOW is Tuesday 2024-11-12: last week is Monday 4 to Sunday 10 November.
@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ('published:"last week"', datetime(2024, 11, 4), datetime(2024, 11, 10)),
        ("published:[last week]", datetime(2024, 11, 4), datetime(2024, 11, 10)),
        ("published:[Last Week]", datetime(2024, 11, 4), datetime(2024, 11, 10)),
        ("mentioned:[last week]", datetime(2024, 11, 4), datetime(2024, 11, 10)),
        ('mentioned:"this week"', datetime(2024, 11, 11), datetime(2024, 11, 17)),
        ("published:[this week]", datetime(2024, 11, 11), datetime(2024, 11, 17)),
        ("published:[next week]", datetime(2024, 11, 18), datetime(2024, 11, 24)),
        ("published:[last month]", datetime(2024, 10, 1), datetime(2024, 10, 31)),
        ('published:"this month"', datetime(2024, 11, 1), datetime(2024, 11, 30)),
        ("published:[next month]", datetime(2024, 12, 1), datetime(2024, 12, 31)),
        ("published:[last year]", datetime(2023, 1, 1), datetime(2023, 12, 31)),
        ('published:"this year"', datetime(2024, 1, 1), datetime(2024, 12, 31)),
        ('published:"3 days ago"', datetime(2024, 11, 9), datetime(2024, 11, 9)),
        ("published:[two weeks ago]", datetime(2024, 10, 29), datetime(2024, 10, 29)),
        ('published:"yesterday"', datetime(2024, 11, 11), datetime(2024, 11, 11)),
        ("published:[today]", datetime(2024, 11, 12), datetime(2024, 11, 12)),
        ('published:"last Friday"', datetime(2024, 11, 8), datetime(2024, 11, 8)),
        ("published:[last week to today]", datetime(2024, 11, 4), datetime(2024, 11, 12)),
        ("published:[2024-11-01 to last week]", datetime(2024, 11, 1), datetime(2024, 11, 10)),
        (
            "gaza AND published:[last month] AND NOT x",
            datetime(2024, 10, 1),
            datetime(2024, 10, 31),
        ),
    ],
)
def test_relative_periods_are_ranges_resolved_against_now(
    reader: QueryReader, text: str, start: datetime, end: datetime
) -> None:
    query = reader.parse(text)
    leaves = [query] if query.is_leaf() else list(query.leaves())
    (found,) = [leaf for leaf in leaves if hasattr(leaf, "startdate")]
    low, high = _bounds(found)
    assert (low.date(), high.date()) == (start.date(), end.date())


def test_an_open_ended_relative_range(reader: QueryReader) -> None:
    query = reader.parse("published:[last month to]")
    assert query.startdate == datetime(2024, 10, 1) and query.enddate is None


@pytest.mark.parametrize(
    "text",
    ['published:"last fortnight"', "published:[last fortnight]", "mentioned:[soon-ish times]"],
)
def test_unknown_date_phrases_say_which_phrase(reader: QueryReader, text: str) -> None:
    phrase = text.split(":", 1)[1].strip('"[]')
    with pytest.raises(QueryError, match=f"cannot read '{phrase}' as a date"):
        reader.parse(text)
