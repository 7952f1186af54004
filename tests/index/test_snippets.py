"""Snippets find the words the search matched, the way the index split them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from index.search.schema import build_schema
from index.search.snippets import TOKEN, _matcher, snippet, term_spans

ANALYZER = build_schema()["body"].analyzer
TERMS = ["elect", "govern", "u.s", "gaza", "münch"]


def _reference(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Every token ``TOKEN`` finds, each checked (the slow way the fast one must equal)."""
    matches = _matcher(terms, ANALYZER)
    return [m.span() for m in TOKEN.finditer(text) if matches(m.group())]


def test_words_are_matched_through_the_analyzer() -> None:
    text = "Elections loom; the Government's electors met in Gaza. Selected? no."
    spans = term_spans(text, TERMS, ANALYZER)
    assert [text[s:e] for s, e in spans] == ["Elections", "Government", "Gaza"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Elections",
                "elect",
                "x.elect",
                "U.S.",
                "u.s.a",
                ".Gaza",
                "gaza.",
                "GOVERNMENT",
                "governing",
                "MÜNCHEN",
                "münchen",
                "selected",
                "e",
                " ",
                "  ",
                ".",
                ",",
                "'",
                "9",
                "elect9",
                "_elect",
                "ÉLECT",
                "\n",
            ]
        ),
        max_size=30,
    )
)
def test_the_fast_scan_finds_what_a_full_scan_finds(parts: list[str]) -> None:
    text = "".join(parts)
    assert term_spans(text, TERMS, ANALYZER) == _reference(text, TERMS)


def test_a_snippet_is_the_window_with_the_hits() -> None:
    body = "Filler words here. " * 30 + "Voters in Gaza went to the elections. " + "More. " * 40
    text, spans = snippet(body, term_spans(body, ["gaza", "elect"], ANALYZER))
    assert "Gaza" in text and "elections" in text
    assert [text[s:e] for s, e in spans] == ["Gaza", "elections"]
