"""Fuzzy terms answered from the segments' word tables find what Whoosh's FuzzyTerm finds.

Two real indexes on disk, several segments each, some articles deleted: one of
made-up words over a five-letter alphabet (so every word has many neighbours one
and two edits away, accented and CJK ones among them), and one of real BBC
articles (skipped when ``../shared`` is absent). For every word tried, at every
distance and kept prefix, the tables' words must be exactly the words Whoosh's
own ``FuzzyTerm`` walks to in each segment, with the same document frequencies;
and a search must rank the same pages, with the same scores, as the same search
whose fuzzy terms Whoosh expanded.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from whoosh import query as wq

from index.home.library import Library
from index.models import Analysis, Article, stable_id
from index.paths import LibraryPaths
from index.search import bulk, fuzzy, plan
from index.search.query import QueryReader
from index.sources import read_path

LETTERS = "abcdeé"


def _word(rng: random.Random) -> str:
    word = "".join(rng.choice(LETTERS) for _ in range(rng.randrange(2, 7)))
    return word if rng.random() > 0.02 else word + "中"


@pytest.fixture(scope="module")
def made_up(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """400 articles of made-up words in four segments, every ninth one deleted."""
    rng = random.Random(15)
    vocabulary = sorted({_word(rng) for _ in range(900)})
    library = Library.open(LibraryPaths(tmp_path_factory.mktemp("made-up")).ensure())
    number = 0
    for _ in range(4):  # four commits: four segments
        batch = []
        for _ in range(100):
            words = [rng.choice(vocabulary) for _ in range(rng.randrange(3, 30))]
            article = Article(id=stable_id(f"m{number}"), title=" ".join(words[:3]),
                              body=" ".join(words))  # fmt: skip
            batch.append((article, Analysis()))
            number += 1
        library.put(batch)
    library.remove([stable_id(f"m{n}") for n in range(0, number, 9)])
    return library


_BBC: dict[Path, Library] = {}


@pytest.fixture
def bbc(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Library:
    """300 BBC articles (business, politics, tech) in three segments, some deleted; built
    once for the tests of this module."""
    if corpora not in _BBC:
        library = Library.open(LibraryPaths(tmp_path_factory.mktemp("bbc")).ensure())
        for topic in ("business", "politics", "tech"):
            paths = sorted((corpora / "bbc_news" / "bbc" / topic).glob("*.txt"))[:100]
            library.put([(article, Analysis()) for path in paths for article in read_path(path)])
        ids = sorted(hit["id"] for hit in library.searcher().documents())
        library.remove(ids[::13])
        _BBC[corpora] = library
    return _BBC[corpora]


def _whoosh_words(searcher: Any, query: wq.FuzzyTerm) -> set[bytes]:
    """What Whoosh's FuzzyTerm expands to: its automaton walked over each segment."""
    field = searcher.schema[query.fieldname]
    return {
        field.to_bytes(word)
        for sub, _ in searcher.leaf_searchers()
        for word in query._btexts(sub.reader())
    }


def _check_words(searcher: Any, query: wq.FuzzyTerm) -> int:
    assert fuzzy.answers(searcher, query)
    found = fuzzy.variants(searcher, query, limit=10_000)
    expected = _whoosh_words(searcher, query)
    assert set(found.words) == expected, query
    assert len(found.words) == len(expected) == found.found and not found.cut
    for word, frequency in zip(found.words, found.frequencies, strict=True):
        assert frequency == searcher.doc_frequency(query.fieldname, word)
    return len(expected)


def test_made_up_words_are_found_as_whoosh_finds_them(made_up: Library) -> None:
    searcher = made_up.searcher()
    assert len(searcher.leaf_searchers()) >= 3 and searcher.reader().has_deletions()
    rng = random.Random(2)
    # Words of the index, words near them and words that are in no article.
    tried = {_word(rng) for _ in range(60)} | {"a", "é", "eé", "ab中", "dddddddd"}
    found = 0
    for text in sorted(tried):
        for maxdist in (0, 1, 2):
            for prefix in range(1, min(3, len(text)) + 1):
                for fieldname in ("title", "body"):
                    query = wq.FuzzyTerm(fieldname, text, maxdist=maxdist, prefixlength=prefix)
                    found += _check_words(searcher, query)
    assert found > 5_000, "the words tried should have had many neighbours"


def test_bbc_words_are_found_as_whoosh_finds_them(bbc: Library) -> None:
    searcher = bbc.searcher()
    reader = QueryReader(searcher.schema)
    texts = ["goverment~", "economy~", "blair~", "brown~2", "microsft~", "mobile~",
             "labour~2", "bank~", "pric~2/2", "elction~", "ofice~", "zzzz~"]  # fmt: skip
    for text in texts:
        leaves = [q for q in reader.parse(text).leaves() if isinstance(q, wq.FuzzyTerm)]
        assert {q.fieldname for q in leaves} == {"title", "body"}
        for query in leaves:
            _check_words(searcher, query)


def _page(library: Library, query: Any) -> list[tuple[float, int]]:
    searcher = library.searcher()
    page = bulk.top(searcher, query, 50)
    assert page is not None, "the bulk evaluator should answer a planned fuzzy term"
    return [(round(score, 9), doc) for score, doc in page.hits]


@pytest.mark.parametrize(
    "text",
    ["goverment~", "economy~ OR blair~", "brown~2", "mobile~ phone", "labour~2 AND tax",
     "title:bank~", "microsft~ NOT apple"],
)  # fmt: skip
def test_bbc_pages_rank_as_with_whoosh_expansion(
    bbc: Library, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    searcher = bbc.searcher()
    parsed = bbc.parse(text)
    notes: list[str] = []
    tables = plan.plan(parsed, searcher.schema, searcher, notes)
    assert not notes, "no fuzzy term here stands for more than MAX_VARIANTS words"
    monkeypatch.setattr(fuzzy, "answers", lambda searcher, query: False)
    walked = plan.plan(parsed, searcher.schema, searcher)
    monkeypatch.undo()
    assert repr(tables) == repr(walked)
    found = _page(bbc, tables)
    assert found, f"{text!r} should match something"
    assert found == _page(bbc, walked)
    # And the articles matched are those Whoosh's own FuzzyTerm search matches.
    whoosh = {hit.docnum for hit in searcher.search(parsed, limit=None)}
    every = bulk.top(searcher, tables, 10_000)
    assert every is not None and {doc for _, doc in every.hits} == whoosh


def test_a_term_past_the_cap_keeps_its_most_frequent_words_and_says_so(
    made_up: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    searcher = made_up.searcher()
    # The rarest three-letter word of the body: its neighbours are more frequent.
    words = [(searcher.doc_frequency("body", w), w) for w in searcher.lexicon("body")]
    typed = min((f, w.decode()) for f, w in words if len(w) == 3)[1]
    query = wq.FuzzyTerm("body", typed, maxdist=2, prefixlength=1)
    everything = fuzzy.variants(searcher, query, limit=10_000)
    assert len(everything.words) > 8
    kept = fuzzy.variants(searcher, query, limit=8)
    assert kept.cut and kept.found == len(everything.words) and len(kept.words) == 8
    frequency = dict(zip(everything.words, everything.frequencies, strict=True))
    assert kept.words[0] == typed.encode() and frequency[typed.encode()] == kept.frequencies[0]
    others = sorted(frequency.values(), reverse=True)
    others.remove(frequency[typed.encode()])
    assert list(kept.frequencies[1:]) == others[:7], "the most frequent, most frequent first"

    monkeypatch.setattr(fuzzy, "MAX_VARIANTS", 8)
    notes: list[str] = []
    planned = plan.plan(made_up.parse(f"{typed}~2"), searcher.schema, searcher, notes)
    assert notes == [f"{typed}~2 → 8 most common words"]
    assert all(len(part.subqueries) <= 8 for part in planned.subqueries)
    result = made_up.search(f"{typed}~2")
    assert result.hits and f"{typed}~2 → 8 most common words" in result.notes


def test_tables_come_back_from_the_cache_dir_and_a_bad_file_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSREADER_CACHE_DIR", str(tmp_path / "cache"))
    library = Library.open(LibraryPaths(tmp_path / "home").ensure())
    for number in range(2):
        body = f"tariff tarrif tariffs story{number}"
        library.put([(Article(id=stable_id(f"c{number}"), title="t", body=body), Analysis())])
    searcher = library.searcher()
    fuzzy.warm(searcher)
    files = sorted((tmp_path / "cache" / "fuzzy").glob("*.pickle"))
    assert len(files) == 2 * len(searcher.leaf_searchers()) == 4
    reader = searcher.leaf_searchers()[0][0].reader()
    built = fuzzy.build(reader, "body")
    assert set(built["t"]) == {"tariff", "tarrif"} and built["s"] == {"story0": 1}

    fuzzy._TABLES.clear()  # a new process: only the files are left
    monkeypatch.setattr(fuzzy, "build", lambda reader, fieldname: pytest.fail("rebuilt"))
    assert fuzzy._named_table(reader, "body") == built
    monkeypatch.undo()
    monkeypatch.setenv("NEWSREADER_CACHE_DIR", str(tmp_path / "cache"))
    for path in files:
        path.write_bytes(b"not a pickle")
    fuzzy._TABLES.clear()
    assert fuzzy._named_table(reader, "body") == built


def test_a_new_segment_brings_its_words(tmp_path: Path) -> None:
    library = Library.open(LibraryPaths(tmp_path / "home").ensure())
    library.put([(Article(id=stable_id("old"), title="old", body="zyxwa zyxwb"), Analysis())])
    query = wq.FuzzyTerm("body", "zyxwv", maxdist=1, prefixlength=1)
    assert set(fuzzy.variants(library.searcher(), query).words) == {b"zyxwa", b"zyxwb"}
    library.put([(Article(id=stable_id("new"), title="new", body="zyxwu zyxwv"), Analysis())])
    searcher = library.searcher()
    found = fuzzy.variants(searcher, query)
    assert found.words[0] == b"zyxwv"
    assert set(found.words) == {b"zyxwa", b"zyxwb", b"zyxwu", b"zyxwv"}
    assert set(found.words) == _whoosh_words(searcher, query)
    assert [hit.title for hit in library.search("zyxwv~").hits] == ["new", "old"]


def test_other_fields_keep_whooshs_walk(made_up: Library) -> None:
    searcher = made_up.searcher()
    assert not fuzzy.answers(searcher, wq.FuzzyTerm("source", "wire", maxdist=1))
    assert not fuzzy.answers(searcher, wq.FuzzyTerm("body", "", maxdist=1, prefixlength=0))
    assert not fuzzy.answers(searcher, wq.Prefix("body", "ab"))
