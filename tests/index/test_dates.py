"""Date mentions: absolute, year-less, relative, months, years, ranges; never guessed."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from pathlib import Path

import pytest

from index.analysis.dates import extract_dates

PUB = date(2024, 11, 11)  # a Monday


def _one(text: str, published: date | datetime | None = PUB) -> tuple[object, ...]:
    mentions = extract_dates(text, published)
    assert len(mentions) == 1, mentions
    m = mentions[0]
    return m.text, m.value, m.end_value, m.granularity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on 11 November 2024 in", ("11 November 2024", date(2024, 11, 11), None, "day")),
        ("on November 11, 2024.", ("November 11, 2024", date(2024, 11, 11), None, "day")),
        ("at 2024-11-11T10:00", ("2024-11-11", date(2024, 11, 11), None, "day")),
        ("on Monday, 3rd June 2019 we", ("Monday, 3rd June 2019", date(2019, 6, 3), None, "day")),
        ("the 4th of July 1976", ("the 4th of July 1976", date(1976, 7, 4), None, "day")),
        ("in October 2023,", ("October 2023", date(2023, 10, 1), date(2023, 10, 31), "month")),
        ("Feb 2024 figures", ("Feb 2024", date(2024, 2, 1), date(2024, 2, 29), "month")),
        ("in 2004 the", ("2004", date(2004, 1, 1), date(2004, 12, 31), "year")),
        ("the 1990s", ("the 1990s", date(1990, 1, 1), date(1999, 12, 31), "year")),
        ("the 2004-05 season", ("2004-05", date(2004, 1, 1), date(2005, 12, 31), "year")),
    ],
)
def test_absolute_dates(text: str, expected: tuple[object, ...]) -> None:
    assert _one(text) == expected


@pytest.mark.parametrize(
    ("text", "value", "end_value"),
    [
        ("killed on 10 November.", date(2024, 11, 10), None),
        ("until 13 November to", date(2024, 11, 13), None),
        ("due on 2 January,", date(2025, 1, 2), None),  # nearer in the next year
        ("since 28 December", date(2023, 12, 28), None),
        ("talks on 10-13 November", date(2024, 11, 10), date(2024, 11, 13)),
        ("from November 10 to 13", date(2024, 11, 10), date(2024, 11, 13)),
        ("He left yesterday.", date(2024, 11, 10), None),
        ("It opens today.", date(2024, 11, 11), None),
        ("tomorrow's vote", date(2024, 11, 12), None),
        ("said last Tuesday", date(2024, 11, 5), None),
        ("said on Friday", date(2024, 11, 8), None),
        ("on Monday", date(2024, 11, 11), None),  # the publication day itself
        ("He will fly to Paris on Thursday", date(2024, 11, 14), None),
        ("next Monday", date(2024, 11, 18), None),
        ("next week", date(2024, 11, 18), date(2024, 11, 24)),
        ("last week", date(2024, 11, 4), date(2024, 11, 10)),
        ("three days ago", date(2024, 11, 8), None),
    ],
)
def test_relative_dates_resolve_against_publication(
    text: str, value: date, end_value: date | None
) -> None:
    (mention,) = extract_dates(text, PUB)
    assert (mention.value, mention.end_value) == (value, end_value)
    assert mention.relative


@pytest.mark.parametrize(
    ("text", "value", "end_value", "granularity"),
    [
        ("last month", date(2024, 10, 1), date(2024, 10, 31), "month"),
        ("next year", date(2025, 1, 1), date(2025, 12, 31), "year"),
        ("earlier this year", date(2024, 1, 1), date(2024, 12, 31), "year"),
        ("in October", date(2024, 10, 1), date(2024, 10, 31), "month"),
        ("last December", date(2023, 12, 1), date(2023, 12, 31), "month"),
    ],
)
def test_relative_months_and_years(
    text: str, value: date, end_value: date, granularity: str
) -> None:
    (mention,) = extract_dates(text, PUB)
    assert (mention.value, mention.end_value, mention.granularity) == (
        value,
        end_value,
        granularity,
    )


def test_datetime_publication_is_accepted() -> None:
    (mention,) = extract_dates("yesterday", datetime(2024, 11, 11, 23, 59))
    assert mention.value == date(2024, 11, 10)


def test_without_publication_relative_mentions_stay_unresolved() -> None:
    mentions = extract_dates("Yesterday, on 10 November, and last week; 7 October 2023.", None)
    assert [m.text for m in mentions] == ["Yesterday", "10 November", "last week", "7 October 2023"]
    assert [m.value for m in mentions] == [None, None, None, date(2023, 10, 7)]
    assert all(m.relative for m in mentions[:3])
    assert not mentions[0].resolved


@pytest.mark.parametrize(
    "text",
    [
        "over 1,200 Israeli deaths",
        "a toll of 2,004 people",
        "about 2000 people",
        "it cost £2010",
        "up 2015%",
        "flight 2012 was late",
        "Theresa May said",
        "May I ask?",
        "The Sunday Times reported",
        "a march on the capital",
        "3.2020 units",
    ],
)
def test_no_false_dates(text: str) -> None:
    assert extract_dates(text, PUB) == []


def test_mentions_are_sorted_and_do_not_overlap() -> None:
    text = "On 10 November 2024 and again yesterday, in 2023 and in October 2023."
    mentions = extract_dates(text, PUB)
    assert [m.text for m in mentions] == ["10 November 2024", "yesterday", "2023", "October 2023"]
    for a, b in itertools.pairwise(mentions):
        assert a.end <= b.start
    for m in mentions:
        assert text[m.start : m.end] == m.text


def test_invalid_calendar_dates_are_dropped() -> None:
    assert all(m.granularity != "day" for m in extract_dates("on 31 February 2024", PUB))
    (leap,) = extract_dates("on 29 February", PUB)
    assert leap.value == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # the verb that governs the weekday is past, whatever the reported clause says
        (
            "Qatar has told Israel and Hamas that it will pause its role as a mediator until"
            " both sides show they are willing to negotiate, a Qatari official said on Saturday.",
            date(2024, 11, 9),
        ),
        ("Hamas said on Sunday it would consider the offer.", date(2024, 11, 10)),
        (
            "Ministers, who will meet again in March, agreed on Friday to a truce.",
            date(2024, 11, 8),
        ),
        ("The talks were held on Thursday.", date(2024, 11, 7)),
        # ... and future when the nearest verb is
        ("Israel said it will reopen the crossing on Thursday.", date(2024, 11, 14)),
        ("He is expected to arrive on Wednesday.", date(2024, 11, 13)),
        ("Voting will take place on Tuesday, officials said.", date(2024, 11, 12)),
        ("The leaders met and will sign the deal on Friday.", date(2024, 11, 15)),
        ("The law, which came into force on Friday, is strict.", date(2024, 11, 8)),
        # a participle after an auxiliary or in a compound has no tense of its own
        ("Meetings will be held on Wednesday.", date(2024, 11, 13)),
        ("The report is expected to be published on Thursday.", date(2024, 11, 14)),
        ("He will make his long-awaited return on Saturday.", date(2024, 11, 16)),
        ("A win would have created a new landscape for Sunday.", date(2024, 11, 17)),
        ("She is to launch her own party on Wednesday.", date(2024, 11, 13)),
        # with no verb before it, the first one after it
        ("On Thursday, leaders will meet in Doha.", date(2024, 11, 14)),
        ("On Saturday, a Qatari official said talks were off.", date(2024, 11, 9)),
    ],
)
def test_a_bare_weekday_follows_the_tense_of_its_own_verb(text: str, value: date) -> None:
    (mention,) = (m for m in extract_dates(text, PUB) if m.granularity == "day")
    assert mention.value == value, mention


def test_the_qatar_seed_said_on_saturday_is_the_day_before_it_was_published() -> None:
    from index.sources import read_path

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    (article,) = read_path(seeds / "002_sample_qatar_mediation.md")
    assert article.published is not None and article.published.date() == date(2024, 11, 10)
    saturday = [m for m in extract_dates(article.body, article.published) if m.text == "Saturday"]
    assert saturday and {m.value for m in saturday} == {date(2024, 11, 9)}
