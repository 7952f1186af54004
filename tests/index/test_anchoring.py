"""Anchoring passages and finding them again after the text changed (pure functions)."""

from __future__ import annotations

import random

import pytest

from index.bookmarks.anchoring import (
    Anchor,
    _myers,
    find_quote,
    locate,
    make_anchor,
    max_errors,
    search_ends,
    trim,
)

BODY = (
    "The ongoing conflict in Gaza has escalated, prompting urgent discussions.\n\n"
    "According to officials, Israel has until 13 November to significantly improve aid "
    "delivery to Gaza or face potential cuts to military assistance. The urgency of the "
    "situation is underscored by the approaching winter.\n\n"
    "Talks will continue in Washington next week, officials said."
)
PASSAGE = "Israel has until 13 November to significantly improve aid delivery to Gaza"


def anchor_of(body: str, passage: str) -> Anchor:
    start = body.index(passage)
    return make_anchor(body, start, start + len(passage))


def edit_distance_ends(pattern: str, text: str, *, anchored: bool) -> list[tuple[int, int]]:
    """The textbook dynamic programme the bit-parallel version must agree with."""
    previous = list(range(len(pattern) + 1))
    ends = []
    for j, char in enumerate(text, start=1):
        current = [j if anchored else 0] + [0] * len(pattern)
        for i in range(1, len(pattern) + 1):
            current[i] = min(
                previous[i] + 1,
                current[i - 1] + 1,
                previous[i - 1] + (pattern[i - 1] != char),
            )
        ends.append((j, current[-1]))
        previous = current
    return ends


@pytest.mark.parametrize("anchored", [False, True])
def test_bit_parallel_distance_agrees_with_the_dynamic_programme(anchored: bool) -> None:
    rng = random.Random(5)
    for _ in range(600):
        pattern = "".join(rng.choice("abc") for _ in range(rng.randint(1, 14)))
        text = "".join(rng.choice("abcd") for _ in range(rng.randint(0, 40)))
        got = list(_myers(pattern, text, anchored=anchored))
        assert got == edit_distance_ends(pattern, text, anchored=anchored), (pattern, text)


def test_bit_parallel_distance_handles_patterns_longer_than_a_machine_word() -> None:
    rng = random.Random(9)
    pattern = "".join(rng.choice("ab ") for _ in range(130))
    text = "xx" + pattern[:60] + "Q" + pattern[61:] + "yy"
    assert min(errors for _, errors in search_ends(pattern, text, 3)) == 1


def test_make_anchor_keeps_32_characters_of_context() -> None:
    anchor = anchor_of(BODY, PASSAGE)
    assert anchor.quote == PASSAGE
    assert anchor.prefix == BODY[anchor.start - 32 : anchor.start]
    assert anchor.suffix == BODY[anchor.end : anchor.end + 32]


def test_trim_drops_surrounding_whitespace_and_clamps() -> None:
    assert trim("  ab c  ", 0, 8) == (2, 6)
    assert trim("abc", -5, 99) == (0, 3)
    start, end = trim("   ", 0, 3)
    assert start == end


def test_find_quote_forgives_whitespace_then_case() -> None:
    assert find_quote(BODY, PASSAGE) == (BODY.index(PASSAGE), BODY.index(PASSAGE) + len(PASSAGE))
    start, end = find_quote(BODY, "israel  has until\n13 november") or (0, 0)
    assert BODY[start:end] == "Israel has until 13 November"
    assert find_quote(BODY, "not in the text") is None
    assert find_quote(BODY, "   ") is None


def test_an_unchanged_body_is_an_exact_match() -> None:
    anchor = anchor_of(BODY, PASSAGE)
    match = locate(anchor, BODY)
    assert match is not None
    assert (match.start, match.end, match.kind) == (anchor.start, anchor.end, "exact")


def test_words_inserted_before_the_passage_move_it() -> None:
    anchor = anchor_of(BODY, PASSAGE)
    edited = BODY.replace("According to", "In a statement released late on Sunday, according to")
    match = locate(anchor, edited)
    assert match is not None
    assert match.kind == "quote"
    assert edited[match.start : match.end] == PASSAGE
    assert match.start > anchor.start


def test_a_typo_fixed_inside_the_passage_is_found_fuzzily() -> None:
    typo = BODY.replace("significantly", "signifcantly")
    anchor = anchor_of(typo, PASSAGE.replace("significantly", "signifcantly"))
    edited = "Breaking news, updated.\n\n" + BODY
    match = locate(anchor, edited)
    assert match is not None
    assert match.kind == "fuzzy"
    assert match.quote == PASSAGE
    assert edited[match.start : match.end] == PASSAGE


def test_a_typo_at_the_end_of_the_passage_keeps_the_whole_word() -> None:
    passage = "Israel has until 13 November"
    anchor = anchor_of(BODY, passage)
    edited = BODY.replace("13 November", "13 Novemebr")
    match = locate(anchor, edited)
    assert match is not None
    assert match.quote == "Israel has until 13 Novemebr"


def test_a_deleted_passage_is_not_found() -> None:
    anchor = anchor_of(BODY, PASSAGE)
    sentence_start = BODY.index("According")
    sentence_end = BODY.index("The urgency")
    edited = BODY[:sentence_start] + BODY[sentence_end:]
    assert locate(anchor, edited) is None


def test_a_rewritten_passage_is_not_matched_to_something_else() -> None:
    anchor = anchor_of(BODY, PASSAGE)
    edited = BODY.replace(PASSAGE, "the government must act on humanitarian access soon")
    assert locate(anchor, edited) is None


def test_a_repeated_quote_is_told_apart_by_its_context() -> None:
    body = "First, officials said no. Later, in Washington, officials said yes."
    second = body.index("officials said", 20)
    anchor = make_anchor(body, second, second + len("officials said"))
    edited = "Update: " + body
    match = locate(anchor, edited)
    assert match is not None
    assert match.start == second + len("Update: ")


def test_the_tolerance_grows_with_the_quote() -> None:
    assert max_errors("abc") == 0
    assert max_errors("x" * 100) == 25


def test_a_long_passage_in_a_long_body_is_found_after_small_edits() -> None:
    rng = random.Random(3)
    words = [
        "the",
        "of",
        "and",
        "to",
        "in",
        "said",
        "government",
        "minister",
        "talks",
        "aid",
        "city",
        "week",
        "report",
    ]
    body = " ".join(rng.choice(words) for _ in range(30_000))
    start = body.index(" ", 90_000) + 1
    anchor = make_anchor(body, start, start + 900)
    passage = body[start : start + 900]
    edited = body[:1000] + "INSERTED TEXT " + body[1000 : start + 400] + "X" + body[start + 401 :]
    match = locate(anchor, edited)
    assert match is not None
    assert match.kind == "fuzzy"
    found = edited[match.start : match.end]
    assert found == passage[:400] + "X" + passage[401:]


def test_a_short_deleted_quote_is_not_matched_to_a_similar_phrase() -> None:
    anchor = anchor_of(BODY, "13 November")
    edited = BODY.replace("Israel has until 13 November to", "Israel must") + " Since 10 November."
    assert locate(anchor, edited) is None


def test_a_short_quote_with_a_typo_fixed_in_place_is_found() -> None:
    typo = BODY.replace("13 November", "13 Novembr")
    anchor = anchor_of(typo, "13 Novembr")
    match = locate(anchor, BODY + " Since 10 November.")
    assert match is not None
    assert match.quote == "13 November"


def test_fuzzy_match_grows_to_whole_words() -> None:
    from index.bookmarks.anchoring import locate, make_anchor

    body = "Before. Israel has until 13 November to improve aid delivery to Gaza. After."
    start = body.index("Israel")
    end = body.index(" to Gaza")
    anchor = make_anchor(body, start, end)
    edited = body.replace("aid delivery", "aid deliveries").replace("Before.", "Quite before.")
    match = locate(anchor, edited)
    assert match is not None
    assert match.quote.endswith("aid deliveries")
