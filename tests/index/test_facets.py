"""Facets, timelines and entity pages on real libraries (Whoosh on disk + SQLite).

Counts are checked against what the stored analyses say, computed here the slow way,
over several index segments and after deletions; the forward tables are checked to
come back the same from the disk cache as from a fresh build."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from index.analysis.entities import analyse
from index.home import LibraryHome
from index.home.library import Library
from index.home.overview import UnknownEntity, entity, facets
from index.models import Article, stable_id
from index.paths import LibraryPaths, cache_dir
from index.search import forward
from index.search.schema import entity_key

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2024, 3, 1, 9, 0)

STORIES = [
    "Secretary of State Antony Blinken met Benjamin Netanyahu in Jerusalem on {day}. "
    "Blinken told reporters that the United Nations would send aid to Gaza.",
    "Shares in Microsoft rose in New York after the Federal Reserve held rates. "
    "Microsoft said demand in Europe was strong.",
    "Prime Minister Keir Starmer spoke in London about the Bank of England. "
    "Starmer said the BBC had asked about Ukraine.",
    "Antony Blinken flew to Tokyo to meet officials from Japan; the talks on {day} "
    "covered trade with China.",
]


def _articles(n: int) -> list[tuple[Article, object]]:
    out = []
    for i in range(n):
        published = START + timedelta(days=i)
        body = STORIES[i % len(STORIES)].format(
            day=(published + timedelta(days=2)).strftime("%d %B %Y")
        )
        article = Article(
            id=stable_id(f"a{i}"),
            title=f"Story {i}",
            body=body,
            source="wire" if i % 2 else "paper",
            published=published,
        )
        out.append((article, analyse(body, published)))
    return out


def _library(tmp_path: Path, n: int = 24, batches: int = 3) -> tuple[Library, list]:
    library = Library.open(LibraryPaths(tmp_path / "home").ensure())
    items = _articles(n)
    size = n // batches
    for start in range(0, n, size):  # one commit each: several segments
        library.put(items[start : start + size])  # type: ignore[arg-type]
    return library, items


def _expected(items: list, keep: set[str] | None = None) -> Counter[str]:
    """Articles per entity key, from the analyses themselves."""
    counted: Counter[str] = Counter()
    for article, analysis in items:
        if keep is not None and article.id not in keep:
            continue
        keys = {
            entity_key(s.label, s.canonical)
            for s in analysis.entities
            if s.label in {"PERSON", "ORG", "PLACE", "NORP"}
        }
        counted.update(keys)
    return counted


def test_whole_library_facets_match_the_stored_analyses(tmp_path: Path) -> None:
    library, items = _library(tmp_path)
    assert len(library.searcher().leaf_searchers()) >= 2  # really several segments
    found = facets(library, None, limit=50)
    expected = _expected(items)
    assert found.total == len(items)
    for group, label in (
        (found.people, "PERSON"),
        (found.organisations, "ORG"),
        (found.places, "PLACE"),
        (found.groups, "NORP"),
    ):
        want = sorted(
            ((k, c) for k, c in expected.items() if k.startswith(label.lower() + ":")),
            key=lambda item: (-item[1], item[0]),
        )
        assert [(c.key, c.count) for c in group] == want[:50]
        assert all(c.label == label for c in group)
    people = {c.key: c for c in found.people}
    assert people["person:antony blinken"].name == "Antony Blinken"  # case from the analysis
    assert people["person:antony blinken"].count == 12


def test_query_view_counts_only_its_articles(tmp_path: Path) -> None:
    library, items = _library(tmp_path)
    found = facets(library, "microsoft", limit=10)
    keep = {a.id for a, _ in items if "Microsoft" in a.body}
    assert found.total == len(keep) == 6
    orgs = {c.name: c.count for c in found.organisations}
    assert orgs["Microsoft"] == 6
    assert "Antony Blinken" not in {c.name for c in found.people}
    expected = _expected(items, keep)
    assert {c.key: c.count for c in found.places} == {
        k: v for k, v in expected.items() if k.startswith("place:")
    }
    # A phrase and a boolean query go through the same counting.
    assert facets(library, '"Antony Blinken" AND Tokyo', limit=5).total == 6


def test_deleted_articles_leave_the_counts(tmp_path: Path) -> None:
    library, items = _library(tmp_path)
    gone = [a.id for a, _ in items if "Tokyo" in a.body][:3]
    library.remove(gone)
    found = facets(library, None, limit=50)
    keep = {a.id for a, _ in items} - set(gone)
    assert found.total == len(keep)
    assert {c.key: c.count for c in found.places} == {
        k: v for k, v in _expected(items, keep).items() if k.startswith("place:")
    }
    assert facets(library, "tokyo", limit=5).total == 3


def test_timeline_buckets_by_span_with_mentioned_dates(tmp_path: Path) -> None:
    library, _ = _library(tmp_path)
    line = facets(library, None).timeline
    assert line.bucket == "day"  # 24 days
    assert line.starts[0] == START.date()
    assert len(line.starts) == 24 and sum(line.published) == 24
    assert set(line.published) == {1}
    # Blinken stories mention the day two days after publication; those past the last
    # published day fall outside the chart.
    assert sum(line.mentioned) == 12 - 1
    assert line.mentioned[0] == 0 and line.mentioned[2] == 1


def test_timeline_of_a_long_span_is_by_month(tmp_path: Path) -> None:
    library = Library.open(LibraryPaths(tmp_path / "home").ensure())
    days = [date(2020, 1, 5), date(2020, 1, 20), date(2021, 6, 1), date(2024, 12, 31)]
    for n, day in enumerate(days):
        body = "Reuters reported on Microsoft."
        published = datetime(day.year, day.month, day.day)
        article = Article(id=stable_id(f"m{n}"), title="t", body=body, published=published)
        library.put([(article, analyse(body, published))])
    undated = Article(id=stable_id("undated"), title="t", body="Microsoft again.")
    library.put([(undated, analyse(undated.body, None))])
    line = facets(library, None).timeline
    assert line.bucket == "month"
    assert line.starts[0] == date(2020, 1, 1) and line.starts[-1] == date(2024, 12, 1)
    assert line.published[0] == 2 and sum(line.published) == 4
    assert line.undated == 1


def test_entity_page(tmp_path: Path) -> None:
    library, items = _library(tmp_path)
    page = entity(library, "Blinken")
    assert page.key == "person:antony blinken"
    assert page.name == "Antony Blinken" and page.label == "PERSON"
    assert page.count == 12
    spelled = dict(page.spellings)
    assert spelled["Antony Blinken"] >= 1 and spelled["Blinken"] >= 1
    with_ = {c.name: c.count for c in page.cooccurring}
    assert with_["Gaza"] == 6 and with_["Tokyo"] == 6
    assert "Antony Blinken" not in with_
    newest = max((a for a, _ in items if "Blinken" in a.body), key=lambda a: a.published)
    assert page.latest[0].id == newest.id
    assert [h.published for h in page.latest] == sorted(
        (h.published for h in page.latest), reverse=True
    )
    assert sum(page.timeline.published) == 12
    assert entity(library, "person:antony blinken").count == 12
    assert entity(library, "ANTONY BLINKEN").key == page.key
    with pytest.raises(UnknownEntity):
        entity(library, "Nobody Here")


def _cached_tables() -> list[Path]:
    folder = cache_dir()
    assert folder is not None
    return sorted((folder / "forward").glob("*.pickle"))


def test_forward_tables_come_back_from_the_disk_cache(tmp_path: Path) -> None:
    library, _ = _library(tmp_path)
    before = facets(library, None, limit=50)
    forward._MEMORY.clear()
    cached = list(_cached_tables())
    assert cached, "tables were written to the cache dir"
    assert facets(library, None, limit=50) == before
    # A merge removes segments; their cached tables go with them.
    library.writer().commit(optimize=True)
    after = facets(library, None, limit=50)
    assert after.people == before.people
    live = [forward.table_name(sub.reader()) for sub, _ in library.searcher().leaf_searchers()]
    prefix = live[0].split("-")[0]
    mine = [p.name for p in _cached_tables() if p.name.startswith(prefix)]
    assert len(live) == 1 and [name.rsplit("-v", 1)[0] for name in mine] == live


def test_cli_entity_prints_the_page_and_json(tmp_path: Path) -> None:
    home = tmp_path / "home"
    corpus = tmp_path / "in"
    corpus.mkdir()
    for n, text in enumerate(STORIES):
        body = text.format(day="3 March 2024")
        (corpus / f"{n}.txt").write_text(f"Story {n}\n\n{body}\n", encoding="utf-8")
    library_home = LibraryHome(LibraryPaths(home))
    try:
        library_home.add([corpus], jobs=1)
    finally:
        library_home.close()

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reader", "--home", str(home), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )

    done = cli("entity", "Blinken")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Antony Blinken  PERSON · 2 articles")
    assert "appears with" in done.stdout and "Gaza" in done.stdout
    shown = json.loads(cli("entity", "Blinken", "--json").stdout)
    assert shown["key"] == "person:antony blinken" and shown["count"] == 2
    assert {s["text"] for s in shown["spellings"]} >= {"Antony Blinken", "Blinken"}
    assert len(shown["latest"]) == 2 and shown["timeline"]["bucket"] == "day"
    missing = cli("entity", "Nobody Here")
    assert missing.returncode != 0
    assert "no entity called 'Nobody Here'" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_reading_filters_narrow_the_facets_and_timeline(tmp_path: Path) -> None:
    """``is:unread``, ``is:starred`` (the home's filters, from SQLite) count like a query."""
    library, items = _library(tmp_path)
    library.close()
    home = LibraryHome(LibraryPaths(tmp_path / "home"), tagger=None)
    try:
        microsoft = [a.id for a, _ in items if "Microsoft" in a.body]
        read = microsoft[:2] + [a.id for a, _ in items if "Blinken" in a.body][:3]
        home.mark(read, "read")
        home.mark(microsoft[-1:], "star")
        unread_ms = home.facets("is:unread microsoft")
        assert unread_ms.total == len(microsoft) - 2
        assert {c.name: c.count for c in unread_ms.organisations}["Microsoft"] == len(microsoft) - 2
        gone = home.facets("is:read")
        assert gone.total == len(read) == sum(gone.timeline.published)
        keep = set(read)
        assert {c.key: c.count for c in gone.people} == {
            k: v for k, v in _expected(items, keep).items() if k.startswith("person:")
        }
        assert home.facets("is:starred").total == 1
        assert home.facets("-is:read").total == len(items) - len(read)
        assert home.facets(None).total == len(items)
    finally:
        home.close()


@pytest.mark.parametrize("query", ["blinken", "said OR talks", "microsoft OR starmer", "story"])
@pytest.mark.parametrize("limit", [1, 2, 3, 10])
def test_a_large_view_finds_the_same_tops_without_counting_every_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, query: str, limit: int
) -> None:
    """``top_in_view`` (keys counted one by one, most frequent in the library first, until
    none after can enter) gives the tops of counting the whole view, ties included."""
    from index.search import facets as fc
    from index.search.plan import plan
    from index.search.query import QueryReader

    library, items = _library(tmp_path, n=60, batches=4)
    library.remove([a.id for a, _ in items[::9]])
    searcher = library.searcher()
    parsed = plan(QueryReader(searcher.schema).parse(query), searcher.schema, searcher)
    v = fc.view(searcher, parsed)
    ranked = fc.ranked_by_label(fc.counts(fc.view(searcher, None), whole=True))
    monkeypatch.setattr(fc, "THRESHOLD_VIEW", 0)
    found = fc.top_in_view(v, ranked, limit)
    assert found == fc.top_by_label(fc.counts(v), limit)
    assert any(found.values()), "the view should hold entities"
    people = facets(library, query, limit=limit).people  # the home's call takes this path
    assert [(c.key, c.count) for c in people] == found["PERSON"]
    monkeypatch.setattr(fc, "MAX_CANDIDATES", 1)
    assert fc.top_in_view(v, ranked, limit) is None  # too many keys: count the view instead


@pytest.mark.parametrize("seed", range(40))
def test_the_threshold_walk_keeps_every_tie_a_full_count_keeps(seed: int) -> None:
    """Random small counts (many ties, at the bar too) against a full count, ties by key."""
    import random

    from index.search import facets as fc

    rng = random.Random(seed)
    keys = [f"{rng.choice(['person', 'org', 'place', 'norp'])}:k{n:02d}" for n in range(30)]
    docs = [tuple(rng.sample(keys, rng.randint(0, 5))) for _ in range(60)]
    view = {d for d in range(60) if rng.random() < 0.6}
    whole: Counter[str] = Counter(k for row in docs for k in row)
    held: dict[str, list[int]] = {}
    for d, row in enumerate(docs):
        for k in row:
            held.setdefault(k, []).append(d)
    limit = rng.choice([1, 2, 3, 5])
    found = fc._tops_by_threshold([(view, held)], fc.ranked_by_label(whole), limit)
    in_view: Counter[str] = Counter(k for d in view for k in docs[d])
    assert found == fc.top_by_label(in_view, limit)
