"""The clauses the UI builds (an entity to find, a date range) are ones the query reader
accepts, and they find what they name."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.errors import QueryError
from index.home.library import Library
from index.models import Analysis, Article, DateMention, EntitySpan, stable_id
from index.search.clauses import date_clause, entity_query
from index.search.query import QueryReader
from index.search.schema import build_schema

NOW = datetime(2024, 11, 12, 9, 0)  # a Tuesday


@pytest.fixture
def reader() -> QueryReader:
    return QueryReader(build_schema(), now=NOW)


def test_entity_query_uses_the_field_and_the_canonical_name() -> None:
    assert entity_query("PERSON", "Antony Blinken") == 'person:"antony blinken"'
    assert entity_query("PLACE", "Gaza") == 'place:"gaza"'
    assert entity_query("NUMBER", "43,600") == '"43,600"'


def test_entity_query_for_dates_and_numbers() -> None:
    assert entity_query("DATE", "2024-11-13") == "mentioned:2024-11-13"
    assert entity_query("DATE", "next week") == '"next week"'
    assert entity_query("DATE", "2024-11-04/2024-11-10") == "mentioned:[2024-11-04 to 2024-11-10]"
    assert entity_query("DATE", "2004/2005") == "mentioned:[2004 to 2005]"


def test_date_clause() -> None:
    assert date_clause("2024-11", mentioned=False) == "published:2024-11"
    assert date_clause("2024-11-01..2024-11-30", mentioned=True) == (
        "mentioned:[2024-11-01 to 2024-11-30]"
    )
    assert date_clause("  ", mentioned=False) == ""
    assert date_clause("last week", mentioned=False) == "published:[last week]"
    assert date_clause("'last week'", mentioned=False) == "published:[last week]"


NAMES = [
    ("PERSON", 'Dwayne "The Rock" Johnson'),
    ("PERSON", "Conan O'Brien"),
    ("ORG", "Ctrl: Alt [Delete]"),
    ("ORG", "AT&T (US)"),
    ("ORG", "Yahoo!"),
    ("ORG", "AC/DC"),
    ("ORG", "Guns N' Roses"),
    ("ORG", "name:with:colons"),
    ("PLACE", "Saint-Étienne"),
    ("PLACE", "{Curly} Bay\\"),
    ("NORP", "Qatari"),
    ("PERSON", "published: yesterday"),
]


@pytest.fixture(scope="module")
def named_library() -> Library:
    """One article per awkward name, each mentioned once in its body."""
    library = Library.in_memory(now=NOW)
    items = []
    for number, (label, name) in enumerate(NAMES):
        body = f"Reports say {name} spoke at length."
        start = body.index(name)
        span = EntitySpan(start, start + len(name), label, name, name)  # type: ignore[arg-type]
        article = Article(id=stable_id(str(number)), title=f"Story {number}", body=body)
        items.append((article, Analysis(entities=(span,))))
    library.put(items)
    return library


@pytest.mark.parametrize(("label", "name"), NAMES)
def test_every_entity_clause_parses_and_finds_its_mention(
    named_library: Library, reader: QueryReader, label: str, name: str
) -> None:
    clause = entity_query(label, name)
    reader.parse(clause)
    result = named_library.search(clause)
    titles = [hit.title for hit in result.hits]
    assert f"Story {NAMES.index((label, name))}" in titles, (clause, titles)
    hit = next(h for h in result.hits if h.title == f"Story {NAMES.index((label, name))}")
    assert [hit.snippet[s:e] for s, e in hit.spans] == [name], clause


def test_a_date_range_entity_finds_a_day_mentioned_in_it() -> None:
    library = Library.in_memory(now=NOW)
    body = "Talks resumed on 5 November."
    mention = DateMention(17, 27, "5 November", date(2024, 11, 5), "day")
    article = Article(id=stable_id("d"), title="Talks", body=body)
    library.put([(article, Analysis(dates=(mention,)))])
    result = library.search(entity_query("DATE", "2024-11-04/2024-11-10"))
    assert [hit.title for hit in result.hits] == ["Talks"]
    (hit,) = result.hits
    assert [hit.snippet[s:e] for s, e in hit.spans] == ["5 November"]


# What the dialog shows as examples, and what a person types in its style.
DIALOG = [
    ("2024-11-10", (date(2024, 11, 10), date(2024, 11, 10))),
    ("2024-11", (date(2024, 11, 1), date(2024, 11, 30))),
    ("2024", (date(2024, 1, 1), date(2024, 12, 31))),
    ("2024-11-01..2024-11-30", (date(2024, 11, 1), date(2024, 11, 30))),
    ("2024-11-01 to 2024-11-30", (date(2024, 11, 1), date(2024, 11, 30))),
    ("[2024-11-01 to 2024-11-30]", (date(2024, 11, 1), date(2024, 11, 30))),
    ("2024-11-01 – 2024-11-30", (date(2024, 11, 1), date(2024, 11, 30))),
    ("yesterday", (date(2024, 11, 11), date(2024, 11, 11))),
    ("'last week'", (date(2024, 11, 4), date(2024, 11, 10))),
    ("last week", (date(2024, 11, 4), date(2024, 11, 10))),
    ("Last Month", (date(2024, 10, 1), date(2024, 10, 31))),
    ("this week", (date(2024, 11, 11), date(2024, 11, 17))),
    ("3 days ago", (date(2024, 11, 9), date(2024, 11, 9))),
    ("last week..today", (date(2024, 11, 4), date(2024, 11, 12))),
    ("2024-11-01..last week", (date(2024, 11, 1), date(2024, 11, 10))),
    ("last 7 days", (date(2024, 11, 5), date(2024, 11, 12))),
]


@pytest.mark.parametrize("mentioned", [False, True])
@pytest.mark.parametrize(("text", "days"), DIALOG)
def test_every_date_clause_from_the_dialog_parses_to_its_days(
    reader: QueryReader, text: str, days: tuple[date, date], mentioned: bool
) -> None:
    query = reader.parse(date_clause(text, mentioned=mentioned))
    assert query.fieldname == ("mentioned" if mentioned else "published")
    assert (query.startdate.date(), query.enddate.date()) == days


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*"2024-1.[]{}()\"':*~^\\ ", " to ", "last", "week", "ago", "AND", "NOT", "OR", "–"]
        ),
        max_size=12,
    ).map("".join)
)
def test_whatever_is_typed_the_clause_parses_or_says_which_date_it_cannot_read(
    text: str,
) -> None:
    reader = QueryReader(build_schema(), now=NOW)
    clause = date_clause(text, mentioned=False)
    if not clause:
        return
    try:
        reader.parse(clause)
    except QueryError as error:
        assert str(error).startswith("cannot read "), (clause, str(error))
        assert "as a date" in str(error), (clause, str(error))
