"""Queries that took seconds: each is now answered correctly or refused with one line.

``w0 ANDNOT w1 ... ANDNOT w19`` (202 characters) took 34 s to parse: Whoosh
builds each side of a binary operator twice. A leading wildcard (``*``,
``*ing``) walked every word or document of the article text (7-10 s at 12,000
articles); a prefix standing for thousands of words was left to Whoosh, which
took seconds more. Every search runs under a deadline. Timings are in
``bench/slow_queries.py``; here, the work done and the answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from whoosh import qparser
from whoosh.qparser import syntax

from index.errors import QueryError
from index.home.library import Library
from index.models import Analysis, Article, stable_id
from index.search.deadline import QueryTooSlow, deadline
from index.search.query import QueryReader
from index.search.schema import build_schema

CHAIN = 12


@pytest.fixture(scope="module")
def library() -> Library:
    lib = Library.in_memory()
    bodies = [f"w0 common story {' '.join(f'w{n}' for n in range(1, k))}" for k in range(1, 21)]
    bodies += ["governs the harbour", "government budget", "governor visits", "reading a book"]
    lib.put((Article(id=stable_id(b), title="", body=b), Analysis()) for b in bodies)
    return lib


@pytest.fixture
def word_queries(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts how often the parser turns a word into a query (its unit of work)."""
    calls = [0]
    original = syntax.WordNode.query

    def counted(self, parser):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return original(self, parser)

    monkeypatch.setattr(syntax.WordNode, "query", counted)
    yield calls


def chain(length: int, operator: str = "ANDNOT") -> str:
    return " ".join(["w0", *(f"{operator} w{n}" for n in range(1, length))])


@pytest.mark.parametrize("operator", ["ANDNOT", "ANDMAYBE", "REQUIRE"])
def test_a_chain_of_binary_operators_is_parsed_once_per_word(
    word_queries: list[int], operator: str
) -> None:
    """Whoosh's own parser makes 2**12 = 4,096 word queries for this chain of 12."""
    QueryReader(build_schema()).parse(chain(CHAIN, operator))
    assert word_queries[0] <= 2 * CHAIN, word_queries[0]


def test_the_chain_parses_to_what_whoosh_would_build() -> None:
    schema = build_schema()
    ours = QueryReader(schema).parse(chain(6))
    stock = qparser.MultifieldParser(["title", "body"], schema, fieldboosts={"title": 2.0})
    assert ours == stock.parse(chain(6))


def test_the_twenty_word_chain_is_answered(library: Library) -> None:
    result = library.search(chain(20), limit=50, snippets=False)
    assert [hit.id for hit in result.hits] == [stable_id("w0 common story ")]


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("*", "'*' alone matches every article"),
        ("title:*", "'*' alone matches every article"),
        ("*:*", "'*' alone matches every article"),
        ("NOT *", "'*' alone matches every article"),
        ("*ing", "a wildcard cannot start a word ('*ing')"),
        ("?ook", "a wildcard cannot start a word ('?ook')"),
        ("harbour OR body:*ern*", "a wildcard cannot start a word ('*ern*')"),
    ],
)
def test_leading_wildcards_in_the_text_are_refused(library: Library, query: str, said: str) -> None:
    with pytest.raises(QueryError, match=r"^" + re.escape(said)):
        library.search(query)


def test_wildcards_after_a_letter_are_answered(library: Library) -> None:
    assert len(library.search("gov*", snippets=False).hits) == 3
    assert len(library.search("bo?k", snippets=False).hits) == 1


def test_a_search_past_its_deadline_is_one_line(library: Library) -> None:
    with deadline(0.0), pytest.raises(QueryTooSlow) as raised:
        library.search("gov* OR harbour", snippets=False)
    assert "took more than 0 s and was stopped" in str(raised.value)
    assert "\n" not in str(raised.value)
    assert library.search("gov* OR harbour", snippets=False).hits  # no deadline left behind
