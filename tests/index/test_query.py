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
