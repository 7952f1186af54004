"""The fast query plan finds exactly what Whoosh's own matchers find, ranked the same.

A few hundred articles over a small vocabulary (so phrases repeat and scores
tie), spread over several segments, with some deleted: every phrase the fast
matcher answers is checked against Whoosh's ``Phrase``, and every page of hits
against Whoosh's plain, unoptimised top-N search.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import pytest
from whoosh import query as wq

from index.errors import QueryError
from index.home.library import Library
from index.models import Analysis, Article, stable_id
from index.search import bulk, postings
from index.search.nodes import FastPhrase, TopHits
from index.search.plan import plan

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
                published=datetime(2024, 1, 1) + timedelta(days=rng.randrange(180)),
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
    "storm published:[2024-02-01 to 2024-03-15]",
    "published:[2024-05-01 to 2024-05-31] NOT rally",
    "(gaza OR market)^3 court",
]


def _pages_are(library: Library, text: str, truth: list[Any], **filters: Any) -> None:
    """Pages of 1, 5 and 20 hits are ``truth``'s first (id, score), in its order, and the
    total is exact or an upper bound, as the result says."""
    for limit in (1, 5, 20):
        result = library.search(text, limit=limit, snippets=False, **filters)
        assert [hit.id for hit in result.hits] == [i for i, _, _ in truth[:limit]]
        assert [hit.score for hit in result.hits] == pytest.approx([s for _, s, _ in truth[:limit]])
        if result.exact:
            assert result.total == len(truth)
        else:
            assert result.total >= len(truth)


@pytest.mark.parametrize("text", QUERIES)
def test_pages_rank_like_whoosh_and_totals_are_exact_or_upper_bounds(
    library: Library, text: str
) -> None:
    """Against Whoosh's unlimited search (every match scored, nothing pruned), in
    Whoosh's order: score, then document number."""
    parsed = library._queries.parse(text)
    everything = library.searcher().search(parsed, limit=None)
    truth = sorted(
        ((hit["id"], hit.score, hit.docnum) for hit in everything), key=lambda t: (-t[1], t[2])
    )
    assert truth, "the query should match something"
    searcher = library.searcher()
    fast = plan(parsed, searcher.schema, searcher)
    assert bulk.top(searcher, fast, 5) is not None, "answered in bulk, not by Whoosh"
    _pages_are(library, text, truth)


@pytest.mark.parametrize("text", [*QUERIES, ""])
@pytest.mark.parametrize("filtering", ["only", "without", "both"])
def test_filtered_pages_are_whoosh_pages_with_the_filter_applied(
    library: Library, text: str, filtering: str
) -> None:
    """``is:`` filters come as id sets; the bulk path applies them to the scored set and
    gives Whoosh's page among the articles they allow (an empty query: all of those)."""
    parsed = library._queries.parse(text) if text else wq.Every()
    everything = library.searcher().search(parsed, limit=None)
    rng = random.Random(len(text) + len(filtering))
    ids = sorted({hit["id"] for hit in library.searcher().search(wq.Every(), limit=None)})
    only = frozenset(rng.sample(ids, len(ids) // 2)) if filtering != "without" else None
    without = frozenset(rng.sample(ids, len(ids) // 3)) if filtering != "only" else None
    truth = sorted(
        (
            (hit["id"], hit.score, hit.docnum)
            for hit in everything
            if (only is None or hit["id"] in only) and (without is None or hit["id"] not in without)
        ),
        key=lambda t: (-t[1], t[2]),
    )
    assert truth, "the filtered query should match something"
    searcher = library.searcher()
    fast = plan(parsed, searcher.schema, searcher)
    allow = library.docnums(searcher, only) if only is not None else None
    restrict = library.docnums(searcher, without) if without is not None else None
    assert bulk.top(searcher, fast, 5, allow=allow, restrict=restrict) is not None, "in bulk"
    _pages_are(library, text, truth, only=only, without=without)


@pytest.mark.parametrize("text", ["court AND budget", "gaza AND market", "storm AND vote"])
def test_sums_are_never_pruned(library: Library, text: str) -> None:
    """Why the reference above is the unlimited search: Whoosh's top-N collector
    replaces an OR's matcher by the parts that could reach the page *alone*, and so
    can score ``court AND budget`` without some of its terms (seen on this corpus
    before its dates were added). Every page of ours adds every matching term."""
    parsed = library._queries.parse(text)
    full = sorted(
        (hit.score for hit in library.searcher().search(parsed, limit=None)), reverse=True
    )
    for limit in (1, 2, 3, 5):
        ours = library.search(text, limit=limit, snippets=False)
        assert [hit.score for hit in ours.hits] == pytest.approx(full[:limit])


def test_other_queries_fall_back_to_whoosh(library: Library) -> None:
    parsed = library._queries.parse("mentioned:2024")
    searcher = library.searcher()
    assert bulk.top(searcher, plan(parsed, searcher.schema, searcher), 5) is None
    result = library.search("mentioned:2024", limit=5, snippets=False)
    assert result.total == len(searcher.search(parsed, limit=None))


@pytest.mark.parametrize("text", ["gaz*", "tarif~", "title:vot*", "sen?te", "ralley~"])
def test_expanded_terms_match_what_whoosh_expands(library: Library, text: str) -> None:
    parsed = library._queries.parse(text)
    searcher = library.searcher()
    expanded = plan(parsed, searcher.schema, searcher)
    assert bulk.top(searcher, expanded, 5) is not None, "answered in bulk"
    expected = _ids(library, parsed)
    assert expected
    result = library.search(text, limit=1000, snippets=False)
    assert {hit.id for hit in result.hits} >= expected
    assert result.exact and result.total == len(result.hits)


def test_a_prefix_reaches_the_stem_of_the_word_being_typed() -> None:
    lib = Library.in_memory()
    words = ["The government fell.", "Governing is hard.", "A governor spoke.", "Gardens."]
    lib.put((Article(id=stable_id(body), title="", body=body), Analysis()) for body in words)
    found = {hit.id for hit in lib.search("governm*", limit=10).hits}
    # "government" and "governing" are both indexed as the stem "govern".
    assert found == {stable_id(words[0]), stable_id(words[1])}


def test_a_fuzzy_term_ranks_the_word_typed_above_its_variants() -> None:
    lib = Library.in_memory()
    bodies = ["The market rallied.", "A markey opened.", "Marker pens sold.", "Other news."]
    lib.put((Article(id=stable_id(b), title="", body=b), Analysis()) for b in bodies)
    hits = lib.search("market~", limit=10).hits
    assert hits[0].id == stable_id(bodies[0])
    assert {hit.id for hit in hits} == {stable_id(b) for b in bodies[:3]}


def test_a_prefix_stands_for_its_most_frequent_words_and_says_when_it_was_cut(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bounded by design: ``s*`` (storm, senate) at one word is the more frequent one, and
    the result's note says the prefix was cut; a wildcard past its bound is still refused
    with the term as typed (a fuzzy term is cut too: ``test_fuzzy.py``)."""
    from index.search import lexicon
    from index.search import plan as plan_module

    searcher = library.searcher()
    frequency = {w: searcher.doc_frequency("body", w) for w in ("storm", "senat")}
    common = max(frequency, key=frequency.__getitem__)
    full = library.search("body:s*", limit=1000, snippets=False)
    assert full.notes == ()
    monkeypatch.setattr(lexicon, "MAX_WORDS", 1)
    cut = library.search("body:s*", limit=1000, snippets=False)
    assert cut.notes == ("s* → 1 most common words",)
    live = len(searcher.search(wq.Term("body", common), limit=None))  # less the deleted
    assert cut.total == live < full.total
    assert cut.terms == (common,)
    monkeypatch.setattr(plan_module, "MAX_EXPANSION", 0)
    with pytest.raises(QueryError, match=r"'mark\?t' stands for more than"):
        library.search("body:mark?t", limit=5, snippets=False)


def test_short_and_long_prefixes_find_the_same_most_frequent_words(library: Library) -> None:
    """One- and two-letter prefixes come from the segments' short lists, longer ones from
    the word tables by first letter: the same words and counts as walking the term list."""
    from index.search import lexicon

    searcher = library.searcher()
    for prefix in ("s", "se", "g", "ga", "m", "ma", "sen", "gaz", "mar", "elect", "zz", "vote"):
        short = lexicon.expand(searcher, "body", prefix, limit=1000, budget=10**9)
        walked: dict[bytes, int] = {}
        for sub, _ in searcher.leaf_searchers():
            for word, info in sub.reader().iter_prefix("body", prefix):
                walked[word] = walked.get(word, 0) + info.doc_frequency()
        assert dict(zip(short.words, short.frequencies, strict=True)) == walked
        assert list(short.frequencies) == sorted(short.frequencies, reverse=True)


def test_without_the_raw_length_column_the_answers_are_the_same(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = library.search("market OR rally", limit=10, snippets=False)
    monkeypatch.setattr(postings, "_LENGTHS", type(postings._LENGTHS)())
    monkeypatch.setattr(postings, "_length_column", lambda reader, fieldname: None)
    again = library.search("market OR rally", limit=10, snippets=False)
    assert [(h.id, h.score) for h in again.hits] == [(h.id, h.score) for h in expected.hits]


def test_ties_raise_the_bar_so_blocks_are_skipped(library: Library) -> None:
    """In Whoosh's collector (the fallback), ``source:wire`` scores every match the
    same: the page fills with the first ones and the bar rises to their score."""
    parsed = library._queries.parse("source:wire")
    collector = TopHits(limit=5)
    library.searcher().search_with_collector(plan(parsed, library.index.schema), collector)
    everything = library.searcher().search(parsed, limit=None)
    first = sorted(hit.docnum for hit in everything)[:5]
    assert [docnum for _, docnum in collector.results().top_n] == first
    assert collector.minscore == pytest.approx(everything[0].score)


def test_remembered_postings_never_outlive_a_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """Decoded posting lists are kept per index reader: after an add or a removal the
    library searches new readers, so what was remembered cannot answer for them."""
    monkeypatch.setattr(postings._PostingCache, "SHORTEST", 1)
    monkeypatch.setattr(postings._PostingCache, "BUDGET", 3)  # evicts as it goes
    lib = Library.in_memory()
    first = [
        Article(id=stable_id(word), title="", body=f"market {word}")
        for word in ("opens", "closes", "rallies")
    ]
    lib.put((article, Analysis()) for article in first)
    assert lib.search("market", limit=10).total == 3
    assert lib.search('"market closes"', limit=10).total == 1
    lib.put([(Article(id=stable_id("m9"), title="", body="market day"), Analysis())])
    assert lib.search("market", limit=10).total == 4
    lib.remove([first[0].id])
    found = lib.search("market", limit=10)
    assert found.total == 3 and first[0].id not in {hit.id for hit in found.hits}
    assert lib.search("market", limit=10).total == 3  # from what is remembered


@pytest.mark.parametrize("text", [*QUERIES, "gaza* court", "(market OR rally) NOT (storm OR vote)"])
def test_a_view_matches_what_whoosh_matches(library: Library, text: str) -> None:
    """``bulk.matching`` (what facets and timelines count: set operations on posting
    ids, no scores) gives each segment exactly the documents Whoosh's matcher does."""
    searcher = library.searcher()
    fast = plan(library._queries.parse(text), searcher.schema, searcher)
    found = bulk.matching(searcher, fast)
    assert found is not None
    expected = [sorted(fast.docs(sub)) for sub, _ in searcher.leaf_searchers()]
    assert found == expected
    assert any(expected), "the query should match something"
