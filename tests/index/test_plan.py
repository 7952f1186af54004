"""The fast query plan finds exactly what Whoosh's own matchers find, ranked the same.

A few hundred articles over a small vocabulary (so phrases repeat and scores
tie), spread over several segments, with some deleted: every phrase the fast
matcher answers is checked against Whoosh's ``Phrase``, and every page of hits
against Whoosh's plain, unoptimised top-N search.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from whoosh import query as wq

from index.library import Library
from index.models import Analysis, Article, stable_id
from index.plan import FastPhrase, TopHits, plan

WORDS = "gaza market election tariff rally court budget storm harbour senate vote cabinet".split()


def _body(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randrange(5, 60)))


@pytest.fixture(scope="module")
def library() -> Library:
    rng = random.Random(5)
    lib = Library.in_memory()
    number = 0
    for _ in range(4):  # four commits: four segments
        batch = []
        for _ in range(150):
            article = Article(
                id=stable_id(f"p{number}"),
                title=" ".join(rng.choice(WORDS) for _ in range(3)),
                body=_body(rng),
                source=rng.choice(["wire", "paper"]),
            )
            batch.append((article, Analysis()))
            number += 1
        lib.put(batch)
    lib.remove([stable_id(f"p{n}") for n in range(0, 600, 7)])
    return lib


def _ids(library: Library, query: Any) -> set[str]:
    return {hit["id"] for hit in library.searcher().search(query, limit=None)}


PHRASES = [
    ["gaza", "market"],
    ["court", "budget", "storm"],
    ["vote", "vote"],
    ["senat", "vote", "cabinet", "harbour"],
    ["tariff", "ralli"],
]


@pytest.mark.parametrize("words", PHRASES)
@pytest.mark.parametrize("slop", [1, 2, 4])
@pytest.mark.parametrize("field", ["body", "title"])
def test_fast_phrases_match_what_whoosh_phrases_match(
    library: Library, words: list[str], slop: int, field: str
) -> None:
    expected = _ids(library, wq.Phrase(field, words, slop=slop))
    assert _ids(library, FastPhrase(field, words, slop=slop)) == expected
    if field == "body" and slop == 1 and len(words) == 2:
        assert expected, "the two-word phrases should occur in this corpus"


def test_a_phrase_with_an_unknown_word_matches_nothing(library: Library) -> None:
    assert _ids(library, FastPhrase("body", ["gaza", "zebra"])) == set()


QUERIES = [
    "gaza",
    "market OR rally",
    "court AND budget",
    "storm NOT senate",
    '"gaza market"',
    '"court budget" OR tariff',
    "source:wire",
    "title:vote",
    '"senate vote" AND source:paper',
]


@pytest.mark.parametrize("text", QUERIES)
def test_pages_rank_like_whoosh_and_totals_are_exact_or_upper_bounds(
    library: Library, text: str
) -> None:
    parsed = library._queries.parse(text)
    searcher = library.searcher()
    everything = searcher.search(parsed, limit=None)
    truth = [(hit["id"], hit.score) for hit in everything]
    for limit in (1, 5, 20):
        whoosh_page = searcher.search(parsed, limit=limit, optimize=False)
        result = library.search(text, limit=limit, snippets=False)
        ours = [(hit.id, hit.score) for hit in result.hits]
        assert [i for i, _ in ours] == [hit["id"] for hit in whoosh_page]
        assert [s for _, s in ours] == pytest.approx([hit.score for hit in whoosh_page])
        if result.exact:
            assert result.total == len(truth)
        else:
            assert result.total >= len(truth)


def test_ties_raise_the_bar_so_blocks_are_skipped(library: Library) -> None:
    """``source:wire`` scores every match the same: the page fills with the first ones
    and the rest need not be scored (the total becomes an upper bound)."""
    parsed = library._queries.parse("source:wire")
    collector = TopHits(limit=5)
    library.searcher().search_with_collector(plan(parsed, library.index.schema), collector)
    results = collector.results()
    expected = library.searcher().search(parsed, limit=5, optimize=False)
    assert [hit["id"] for hit in results] == [hit["id"] for hit in expected]
    assert collector.minscore == pytest.approx(expected[4].score)
