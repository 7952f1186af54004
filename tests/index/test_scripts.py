"""Text beyond plain English: accents folded both ways (the spelling typed first), Chinese
and Japanese found inside unsegmented text, and an index from before that rebuilt."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import fields
from whoosh.analysis import StemmingAnalyzer

from index.home.library import Library
from index.home.service import LibraryHome
from index.models import Analysis, Article, stable_id
from index.paths import LibraryPaths
from index.search.analyzers import fold, text_analyzer
from index.search.schema import SCHEMA_VERSION, build_schema, schema_version
from index.search.storage import INDEX_NAME, index_storage
from reader.cli import main

ARTICLES = {
    "zurich-accent": ("Banks in Zürich", "The Zürich office opened. Zürich airport is busy."),
    "zurich-plain": ("Banks in Zurich", "The Zurich office opened. Zurich airport is busy."),
    "cafe-accent": ("Coffee", "We met in a café near the river."),
    "cafe-plain": ("Coffee", "We met in a cafe near the river."),
    "beijing": ("中国新闻", "我在北京工作。他们住在上海，常常去北京大学。"),
    "apart": ("分开", "北京的天气很好，大学生很多。"),
    "tokyo": ("東京", "東京タワーに行きました。"),
    "english": ("Election news", "Tony Blair says the election will be in May."),
}
KEYS = {stable_id(key): key for key in ARTICLES}


def _items() -> list[tuple[Article, Analysis]]:
    return [
        (Article(id=stable_id(key), title=title, body=body, source="test"), Analysis())
        for key, (title, body) in ARTICLES.items()
    ]


@pytest.fixture(scope="module")
def library() -> Library:
    lib = Library.in_memory()
    lib.put(_items())
    return lib


def _found(library: Library, query: str) -> list[str]:
    return [KEYS[hit.id] for hit in library.search(query).hits]


def _marked(library: Library, query: str) -> dict[str, list[str]]:
    return {
        KEYS[hit.id]: [hit.snippet[start:end] for start, end in hit.spans]
        for hit in library.search(query).hits
    }


# Accents ----------------------------------------------------------------------------------


def test_fold_takes_accents_off_and_leaves_cjk_alone() -> None:
    assert fold("zürich") == "zurich"
    assert fold("straße") == "strasse"
    assert fold("œuvre") == "oeuvre"
    assert fold("北京") == "北京"
    assert fold("한국어") == "한국어"  # not decomposed into its letters


@pytest.mark.parametrize("query", ["zurich", "Zurich", "Zürich", "ZÜRICH"])
def test_both_spellings_of_zurich_are_found(library: Library, query: str) -> None:
    assert sorted(_found(library, query)) == ["zurich-accent", "zurich-plain"]


@pytest.mark.parametrize("query", ["cafe", "café"])
def test_both_spellings_of_cafe_are_found(library: Library, query: str) -> None:
    assert sorted(_found(library, query)) == ["cafe-accent", "cafe-plain"]


def test_the_spelling_typed_ranks_first(library: Library) -> None:
    assert _found(library, "Zürich")[0] == "zurich-accent"
    assert _found(library, "café")[0] == "cafe-accent"
    hits = library.search("café").hits
    assert hits[0].score > hits[1].score


def test_a_word_without_accents_is_indexed_as_before() -> None:
    """English text gives exactly the terms and positions Whoosh's StemmingAnalyzer did."""
    text = "The elections of 13 November: Tony Blair's U.S. trip, e.g. 2,000 voters."
    old = [(t.text, t.pos) for t in StemmingAnalyzer()(text, positions=True)]
    new = [(t.text, t.pos) for t in text_analyzer()(text, positions=True)]
    assert new == old


def test_an_accented_word_is_not_counted_twice_in_the_length(library: Library) -> None:
    searcher = library.searcher()
    lengths = {
        KEYS[fields["id"]]: searcher.reader().doc_field_length(docnum, "body")
        for docnum, fields in searcher.reader().iter_docs()
    }
    assert lengths["zurich-accent"] == lengths["zurich-plain"]


@pytest.mark.parametrize("query", ['"zurich airport"', '"Zürich airport"'])
def test_phrases_hold_across_accented_words(library: Library, query: str) -> None:
    assert sorted(_found(library, query)) == ["zurich-accent", "zurich-plain"]
    assert _found(library, '"Zürich busy"') == []


def test_the_exact_phrase_ranks_first(library: Library) -> None:
    assert _found(library, '"Zürich airport"')[0] == "zurich-accent"


def test_prefixes_and_fuzzy_words_find_both_spellings(library: Library) -> None:
    assert sorted(_found(library, "zür*")) == ["zurich-accent", "zurich-plain"]
    assert sorted(_found(library, "zurch~")) == ["zurich-accent", "zurich-plain"]


def test_snippets_mark_the_accented_word(library: Library) -> None:
    marked = _marked(library, "zurich")
    assert marked["zurich-accent"] == ["Zürich", "Zürich"]
    assert marked["zurich-plain"] == ["Zurich", "Zurich"]
    assert _marked(library, '"zurich airport"')["zurich-accent"] == ["Zürich airport"]
    assert _marked(library, "cafe")["cafe-accent"] == ["café"]


def test_the_article_marks_the_accented_word(library: Library) -> None:
    body = ARTICLES["zurich-accent"][1]
    spans = library.hit_spans(body, "zurich airport")
    assert [body[start:end] for start, end in spans] == ["Zürich", "Zürich", "airport"]
    spans = library.hit_spans(body, '"zurich airport"')
    assert [body[start:end] for start, end in spans] == ["Zürich airport"]


# CJK --------------------------------------------------------------------------------------


def test_a_chinese_word_is_found_inside_unsegmented_text(library: Library) -> None:
    assert set(_found(library, "北京")) == {"beijing", "apart"}
    assert _found(library, "上海") == ["beijing"]
    assert _found(library, "東京") == ["tokyo"]
    assert _found(library, "タワー") == ["tokyo"]


def test_a_longer_word_must_stand_together(library: Library) -> None:
    """北京大学 is the phrase of its pairs: "apart" has 北京 and 大学, not together."""
    assert _found(library, "北京大学") == ["beijing"]
    assert _found(library, '"北京大学"') == ["beijing"]
    assert sorted(_found(library, "北京 大学")) == ["apart", "beijing"]


def test_one_character_finds_the_articles_holding_it(library: Library) -> None:
    assert sorted(_found(library, "京")) == ["apart", "beijing", "tokyo"]
    assert _found(library, "海") == ["beijing"]


def test_cjk_hits_are_marked_in_snippets_and_the_article(library: Library) -> None:
    assert _marked(library, "北京大学")["beijing"] == ["北京大学"]
    marked = _marked(library, "北京")
    assert marked["beijing"] == ["北京", "北京"]
    body = ARTICLES["beijing"][1]
    spans = library.hit_spans(body, "上海")
    assert [body[start:end] for start, end in spans] == ["上海"]


def test_a_cjk_snippet_is_cut_to_size_without_spaces() -> None:
    lib = Library.in_memory()
    body = "天气很好" * 200 + "我在北京工作" + "天气很好" * 200
    lib.put([(Article(id="long", title="長い", body=body), Analysis())])
    (hit,) = lib.search("北京").hits
    assert len(hit.snippet) < 300
    assert [hit.snippet[start:end] for start, end in hit.spans] == ["北京"]


def test_related_articles_work_on_cjk_and_accented_text(library: Library) -> None:
    related = library.related(stable_id("zurich-accent"))
    assert [KEYS[item.id] for item in related][:1] == ["zurich-plain"]
    library.related(stable_id("beijing"))  # reads its pairs without failing


# An index from before ---------------------------------------------------------------------


def _old_schema() -> fields.Schema:
    """The schema of version 1: Whoosh's StemmingAnalyzer on title and body, no version."""
    schema = build_schema()
    stem = StemmingAnalyzer()
    schema.remove("title")
    schema.remove("body")
    schema.add("title", fields.TEXT(analyzer=stem, stored=True, field_boost=2.0))
    schema.add("body", fields.TEXT(analyzer=stem, stored=False))
    del schema.newsreader_version
    return schema


def _old_home(tmp_path: Path) -> LibraryPaths:
    paths = LibraryPaths(tmp_path / "home").ensure()
    index_storage(paths).create_index(_old_schema(), indexname=INDEX_NAME)
    old = Library.open(paths)
    try:
        old.put(_items())
        assert schema_version(old.index.schema) == 1
        assert old.search("北京").total == 0  # what an old index cannot find
    finally:
        old.close()
    return paths


def test_an_index_from_an_older_version_is_rebuilt_on_opening(tmp_path: Path) -> None:
    paths = _old_home(tmp_path)
    told: list[tuple[int, int]] = []
    home = LibraryHome(paths, on_reindex=lambda done, total: told.append((done, total)))
    try:
        assert set(KEYS[hit.id] for hit in home.search("北京").hits) == {"beijing", "apart"}
        assert home.count() == len(ARTICLES)
        assert schema_version(home.library.index.schema) == SCHEMA_VERSION
        assert told[0] == (0, len(ARTICLES)) and told[-1] == (len(ARTICLES), len(ARTICLES))
        assert home.reindex_if_stale() is None  # once only
    finally:
        home.close()
    # The write lock was let go: another writer can take it.
    lock = LibraryHome(paths).write_lock()
    assert lock.try_acquire()
    lock.release()


def test_a_locked_call_opening_a_stale_index_does_not_wait_for_itself(tmp_path: Path) -> None:
    paths = _old_home(tmp_path)
    home = LibraryHome(paths)
    try:
        with home._locked(None):
            assert home.count() == len(ARTICLES)
        assert sorted(KEYS[hit.id] for hit in home.search("café").hits)[0] == "cafe-accent"
    finally:
        home.close()


def test_the_cli_says_it_is_rebuilding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = _old_home(tmp_path)
    assert main(["--home", str(paths.home), "search", "北京"]) == 0
    captured = capsys.readouterr()
    assert "rebuilding it from the library database (8 articles)" in captured.err
    assert "search index rebuilt" in captured.err
    assert main(["--home", str(paths.home), "search", "北京"]) == 0
    assert "rebuild" not in capsys.readouterr().err
