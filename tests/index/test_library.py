from __future__ import annotations

from datetime import datetime

import pytest

from index.errors import QueryError
from index.home.library import Library
from index.models import Analysis, Article, DateMention, EntitySpan, stable_id

NOW = datetime(2024, 11, 12)


def _article(
    key: str, title: str, body: str, published: datetime | None = None, **kw: str
) -> Article:
    return Article(id=stable_id(key), title=title, body=body, published=published, **kw)


@pytest.fixture
def library() -> Library:
    lib = Library.in_memory(now=NOW)
    seed_body = (
        "Antony Blinken met Ron Dermer in Washington.\n\nGaza aid must improve by 13 November."
    )
    seed = _article("seed", "Talks on Gaza", seed_body, datetime(2024, 11, 11), source="sample")
    analysis = Analysis(
        entities=(
            EntitySpan(0, 14, "PERSON", "Antony Blinken", "Antony Blinken"),
            EntitySpan(19, 28, "PERSON", "Ron Dermer", "Ron Dermer"),
            EntitySpan(32, 42, "PLACE", "Washington", "Washington"),
            EntitySpan(46, 50, "PLACE", "Gaza", "Gaza"),
        ),
        dates=(DateMention(72, 83, "13 November", datetime(2024, 11, 13).date(), "day"),),
    )
    lib.put(
        [
            (seed, analysis),
            (
                _article(
                    "b",
                    "Blair calls election",
                    "Tony Blair says the election will be in May. The election campaign starts.",
                    datetime(2005, 4, 5),
                    source="politics",
                ),
                Analysis(),
            ),
            (
                _article(
                    "c",
                    "Markets rally",
                    "Shares rose as the election result was known.",
                    datetime(2005, 5, 7),
                    source="business",
                ),
                Analysis(),
            ),
        ]
    )
    return lib


def test_ranked_hits_carry_snippets_with_spans_on_the_terms(library: Library) -> None:
    result = library.search("blair AND election")
    assert [hit.title for hit in result.hits] == ["Blair calls election"]
    hit = result.hits[0]
    marked = [hit.snippet[start:end].lower() for start, end in hit.spans]
    assert "blair" in marked and "election" in marked
    assert all(word in ("blair", "election") for word in marked)


def test_title_matches_rank_above_body_matches(library: Library) -> None:
    titles = [hit.title for hit in library.search("election").hits]
    assert titles[0] == "Blair calls election"
    assert set(titles) == {"Blair calls election", "Markets rally"}


def test_sort_by_date_is_newest_first(library: Library) -> None:
    titles = [hit.title for hit in library.search("election", sort="date").hits]
    assert titles == ["Markets rally", "Blair calls election"]


def test_entity_and_mentioned_fields(library: Library) -> None:
    for query in (
        'person:"antony blinken"',
        "person:blinken",
        "mentioned:2024-11-13",
        "place:gaza",
    ):
        assert [h.title for h in library.search(query).hits] == ["Talks on Gaza"], query
    assert library.search("mentioned:2024-11-10").hits == ()


def test_phrases_prefix_fuzzy_and_date_ranges(library: Library) -> None:
    assert len(library.search('"election campaign"').hits) == 1
    assert len(library.search('"campaign election"').hits) == 0
    assert len(library.search("elect*").hits) == 2
    assert len(library.search("blinkn~").hits) == 1
    assert len(library.search("published:[2005-05-01 to 2005-05-31]").hits) == 1
    assert len(library.search("published:yesterday").hits) == 1


def test_update_replaces_and_remove_deletes(library: Library) -> None:
    article = _article("b", "Blair calls poll", "Tony Blair names the day.", datetime(2005, 4, 5))
    library.put([(article, Analysis())])
    assert library.count() == 3
    assert library.search("poll").hits[0].id == article.id
    assert library.search("campaign").hits == ()
    library.remove([article.id])
    assert library.count() == 2
    assert library.article(article.id) is None


def test_bad_query_raises_query_error(library: Library) -> None:
    with pytest.raises(QueryError):
        library.search("nosuchfield:x")


def test_recent_lists_newest_first(library: Library) -> None:
    assert [hit.title for hit in library.recent(limit=2)] == ["Talks on Gaza", "Markets rally"]
    assert [hit.title for hit in library.recent(limit=2, offset=2)] == ["Blair calls election"]


def test_hit_terms_cover_every_word_and_phrase_but_not_negated_ones(library: Library) -> None:
    assert set(library.search("tony campaign").terms) == {"toni", "campaign"}
    assert set(library.search('"election campaign"').terms) == {"elect", "campaign"}
    assert set(library.search("election NOT shares").terms) == {"elect"}


def test_total_is_exact_when_the_page_is_not_full(library: Library) -> None:
    result = library.search('"election campaign"')
    assert result.total == len(result.hits) == 1


def test_first_writer_sweeps_files_a_killed_writer_left(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from index.paths import LibraryPaths

    paths = LibraryPaths(tmp_path).ensure()
    first = Library.open(paths)
    first.put([(_article("a", "First", "one body"), Analysis())])
    first.close()
    leftovers = [
        paths.index_dir / "_articles_9.toc.1795643502.5420003",
        paths.index_dir / "articles_deadbeefdeadbeef.trm",
    ]
    for leftover in leftovers:
        leftover.write_bytes(b"half written")
    second = Library.open(paths)
    second.put([(_article("b", "Second", "two body"), Analysis())])
    assert not any(leftover.exists() for leftover in leftovers)
    assert second.count() == 2
    second.close()
