"""Sentence and paragraph spans for the passage cursor."""

from __future__ import annotations

from index.analysis.passages import at, paragraphs, sentences

BODY = (
    "Talks Intensify\n\n"
    "The U.S. Secretary of State Antony Blinken met Mr. Dermer. They spoke for an hour!\n"
    "“We will see,” he said. Aid rose 3.5 percent in J. Smith's report.\n\n"
    "• Strikes killed 30.\n"
    "  • In Lebanon, 20 died.\n\n\n"
)


def texts(spans: list[tuple[int, int]]) -> list[str]:
    return [BODY[start:end] for start, end in spans]


def test_paragraphs_are_separated_by_blank_lines() -> None:
    assert texts(paragraphs(BODY)) == [
        "Talks Intensify",
        "The U.S. Secretary of State Antony Blinken met Mr. Dermer. They spoke for an hour!\n"
        "“We will see,” he said. Aid rose 3.5 percent in J. Smith's report.",
        "• Strikes killed 30.\n  • In Lebanon, 20 died.",
    ]


def test_sentences_skip_abbreviations_initials_and_decimals() -> None:
    assert texts(sentences(BODY)) == [
        "Talks Intensify",
        "The U.S. Secretary of State Antony Blinken met Mr. Dermer.",
        "They spoke for an hour!",
        "“We will see,” he said.",
        "Aid rose 3.5 percent in J. Smith's report.",
        "• Strikes killed 30.",
        "• In Lebanon, 20 died.",
    ]


def test_at_finds_the_span_under_an_offset() -> None:
    spans = sentences(BODY)
    assert at(spans, BODY.index("Blinken")) == 1
    assert at(spans, BODY.index("hour")) == 2
    assert at(spans, 0) == 0
    assert at([(5, 9)], 2) is None


def test_empty_bodies_have_no_passages() -> None:
    assert sentences("") == [] and paragraphs(" \n\n ") == []
