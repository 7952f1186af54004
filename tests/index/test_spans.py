"""Hit spans follow the parsed query: phrases whole (as the analyzer sees them), words
one by one, nothing under NOT, entity and mentioned: clauses at their mentions."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.home.library import Library
from index.models import Analysis, Article, DateMention, EntitySpan, stable_id
from index.search.query import QueryReader
from index.search.schema import build_schema
from index.search.spans import HitFinder, HitWords, hit_words

SCHEMA = build_schema()
NOW = datetime(2024, 11, 12)


def _words(text: str) -> HitWords:
    return hit_words(QueryReader(SCHEMA, now=NOW).parse(text))


def _hits(body: str, query: str, analysis: Analysis | None = None) -> list[str]:
    return [body[s:e] for s, e in HitFinder(_words(query), SCHEMA).spans(body, analysis)]


def test_free_words_leave_out_fields_phrases_and_operators() -> None:
    query = 'blinken AND person:"ron dermer" NOT published:2024 "13 November" blinkn~2 (aid)'
    words = _words(query)
    assert words.words == {"blinken", "blinkn", "aid"}
    assert words.phrases == ((("13", "novemb"), 1),)
    assert words.names == (("person", ("ron", "dermer")),)
    assert words.terms == {"blinken", "blinkn", "aid", "13", "novemb"}


def test_not_branches_light_up_nothing() -> None:
    words = _words('gaza NOT aid NOT "13 november" AND NOT person:blinken NOT mentioned:2024-11-13')
    assert words == HitWords(words=frozenset({"gaza"}))
    assert _hits("Aid to Gaza by 13 November.", "gaza NOT aid") == ["Gaza"]


def test_a_phrase_hits_as_a_whole_and_its_words_not_alone() -> None:
    body = "Due by 13 November. On 10 November, aid stalled. Aid resumed."
    assert _hits(body, '"13 november" aid') == ["13 November", "aid", "Aid"]


def test_a_phrase_is_matched_as_the_analyzer_sees_it() -> None:
    body = "The Bank of England and the banks of England met; England's bank did not."
    assert _hits(body, '"bank of england"') == ["Bank of England", "banks of England"]
    assert _hits("a bank of the old England", '"bank england"~3') == ["bank of the old England"]
    assert _hits("a bank of the old England", '"bank england"') == []


def test_a_word_inside_a_phrase_hit_is_the_phrase() -> None:
    assert _hits("Blinken met Dermer.", '"blinken met" blinken') == ["Blinken met"]


VOCABULARY = ["bank", "banks", "of", "the", "England", "England's", "Bank.", "old", "x", ","]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=12), st.sampled_from([1, 2]))
def test_phrase_spans_exist_exactly_where_the_index_matches(words: list[str], slop: int) -> None:
    body = " ".join(words)
    query = '"bank england"' + (f"~{slop}" if slop > 1 else "")
    library = Library.in_memory(now=NOW)
    library.put([(Article(id="a", title="t", body=body), Analysis())])
    matched = library.search(query).total > 0
    spans = library.hit_spans(body, query)
    assert bool(spans) == matched, (body, spans)
    for start, end in spans:
        assert body[start:end].lower().startswith("bank")
        assert body[start:end].lower().endswith("england")


BODY = "Antony Blinken met Ron Dermer in Washington.\n\nGaza aid must improve by 13 November."


def _span(text: str, label: str) -> EntitySpan:
    start = BODY.index(text)
    return EntitySpan(start, start + len(text), label, text, text)  # type: ignore[arg-type]


DAY = BODY.index("13 November")
ANALYSIS = Analysis(
    entities=(
        _span("Antony Blinken", "PERSON"),
        _span("Ron Dermer", "PERSON"),
        _span("Washington", "PLACE"),
        _span("Gaza", "PLACE"),
    ),
    dates=(DateMention(DAY, DAY + 11, "13 November", date(2024, 11, 13), "day"),),
)


@pytest.fixture(scope="module")
def library() -> Library:
    lib = Library.in_memory(now=NOW)
    seed = Article(id=stable_id("seed"), title="Talks on Gaza", body=BODY)
    other = Article(id=stable_id("o"), title="Government", body="The governor and government.")
    lib.put([(seed, ANALYSIS), (other, Analysis())])
    return lib


@pytest.mark.parametrize(
    ("query", "marked"),
    [
        ('person:"antony blinken"', ["Antony Blinken"]),
        ("person:blinken", ["Antony Blinken"]),
        ("person:dermer OR place:gaza", ["Ron Dermer", "Gaza"]),
        ('entity:"place:washington"', ["Washington"]),
        ("mentioned:2024-11-13", ["13 November"]),
        ("mentioned:[2024-11-01 to 2024-11-30] aid", ["aid", "13 November"]),
        ("person:blink*", ["Antony Blinken"]),
        ('gaza NOT person:"tony blair"', ["Gaza"]),
    ],
)
def test_entity_and_mentioned_clauses_mark_their_mentions(
    library: Library, query: str, marked: list[str]
) -> None:
    spans = library.hit_spans(BODY, query, ANALYSIS)
    assert [BODY[s:e] for s, e in spans] == marked
    (hit,) = [h for h in library.search(query).hits if h.title == "Talks on Gaza"]
    assert [hit.snippet[s:e] for s, e in hit.spans] == marked


def test_without_the_analysis_entity_clauses_mark_nothing(library: Library) -> None:
    assert library.hit_spans(BODY, 'person:"antony blinken"') == []
    gaza = BODY.index("Gaza")
    assert library.hit_spans(BODY, "person:blinken gaza") == [(gaza, gaza + 4)]


def test_prefixes_and_fuzzy_terms_are_expanded_in_the_index(library: Library) -> None:
    body = "The governor and government."
    assert [body[s:e] for s, e in library.hit_spans(body, "gov*")] == ["governor", "government"]
    assert [BODY[s:e] for s, e in library.hit_spans(BODY, "blinkn~1")] == ["Blinken"]


def test_a_query_that_does_not_parse_hits_nothing(library: Library) -> None:
    assert library.hit_spans(BODY, "colour:red") == []
    assert library.hit_spans(BODY, "   ") == []


def test_snippets_are_made_again_when_the_article_changes() -> None:
    library = Library.in_memory(now=NOW)
    article = Article(id="a", title="t", body="Old words about Gaza aid.")
    library.put([(article, Analysis())])
    assert library.search("gaza").hits[0].snippet == "Old words about Gaza aid."
    changed = Article(id="a", title="t", body="New words about Gaza and more.")
    library.put([(changed, Analysis())])
    (hit,) = library.search("gaza").hits
    assert hit.snippet == "New words about Gaza and more."
    assert [hit.snippet[s:e] for s, e in hit.spans] == ["Gaza"]
    assert library.search("gaza", limit=40).hits[0].snippet == hit.snippet
