"""The paths that keep a large library fast give the same answers as the slow ones.

Whole-day ``published`` ranges answered by the ``day`` field, the article list
paged from SQLite, streamed batches, the bounded merge policy and the bounded
window of files in flight.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from index.home.ingest import bounded_map
from index.home.library import Library
from index.models import Analysis, Article, stable_id
from index.search import storage as storage_module
from index.search.plan import plan

NOW = datetime(2024, 11, 12, 9, 30)
START = datetime(2024, 9, 1, 13, 45)


def _article(number: int, published: datetime | None) -> Article:
    words = ["gaza", "markets", "election"]
    body = f"Story {number} about {words[number % 3]} and more words."
    return Article(
        id=stable_id(f"a{number}"), title=f"Story {number}", body=body, published=published
    )


@pytest.fixture
def library() -> Library:
    lib = Library.in_memory(now=NOW)
    items = [(_article(n, START + timedelta(days=n, hours=n % 11)), Analysis()) for n in range(90)]
    items.append((_article(90, None), Analysis()))
    lib.put(items)
    return lib


def _ids(library: Library, query: Any) -> set[str]:
    searcher = library.searcher()
    return {hit["id"] for hit in searcher.search(query, limit=None)}


@pytest.mark.parametrize(
    "text",
    [
        "published:[2024-10-01 to 2024-10-31]",
        "published:2024-10",
        "published:2024-09-05",
        "published:[2024-10-15 to]",
        "published:[to 2024-09-10]",
        "gaza AND published:[2024-09-20 to 2024-11-02]",
        "markets NOT published:[2024-09-01 to 2024-10-10]",
        "published:yesterday OR published:[2024-09-03 to 2024-09-04]",
    ],
)
def test_day_ranges_find_what_published_ranges_find(library: Library, text: str) -> None:
    parsed = library._queries.parse(text)
    fast = plan(parsed, library.index.schema)
    assert fast != parsed, "the whole-day range should have been rewritten"
    expected = _ids(library, parsed)
    assert expected, "the query should match something"
    assert _ids(library, fast) == expected
    assert {hit.id for hit in library.search(text, limit=1000).hits} == expected


def test_ranges_with_a_time_of_day_keep_using_published(library: Library) -> None:
    from whoosh import query as wq

    query = wq.DateRange("published", datetime(2024, 10, 1, 12), datetime(2024, 10, 3))
    assert plan(query, library.index.schema) == query


def test_recent_pages_are_newest_first_with_undated_last(library: Library) -> None:
    first = library.recent(limit=10)
    assert [hit.title for hit in first] == [f"Story {n}" for n in range(89, 79, -1)]
    assert [hit.rank for hit in first] == list(range(10))
    everything = library.recent(limit=50) + library.recent(limit=50, offset=50)
    assert len(everything) == 91 and len({hit.id for hit in everything}) == 91
    assert everything[-1].title == "Story 90" and everything[-1].published is None
    assert everything[50].rank == 50
    assert library.recent(limit=10, offset=200) == []


def test_put_streams_an_iterator_and_an_empty_one_commits_nothing(library: Library) -> None:
    seen: list[int] = []

    def stream() -> Iterator[tuple[Article, Analysis]]:
        for number in range(100, 105):
            seen.append(number)
            yield _article(number, START), Analysis()

    segments = len(library.index._segments())
    assert library.put(stream()) == 5 and seen == list(range(100, 105))
    assert library.count() == 96
    assert library.put(iter(())) == 0
    assert len(library.index._segments()) == segments + 1


def test_many_small_commits_are_merged_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage_module, "MAX_SEGMENTS", 6)
    monkeypatch.setattr(storage_module, "MERGE_DOWN_TO", 3)
    lib = Library.in_memory(now=NOW)
    for number in range(20):
        lib.put([(_article(number, START), Analysis())])
        assert len(lib.index._segments()) <= 6 + 1  # the kept ones, the merged one, the new one
    assert lib.count() == 20
    assert len(lib.search("story", limit=100).hits) == 20


class _CountingPool(ThreadPoolExecutor):
    """A thread pool that counts the tasks submitted to it."""

    def __init__(self) -> None:
        super().__init__(max_workers=2)
        self.submitted = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted += 1
        return super().submit(fn, *args, **kwargs)


def test_bounded_map_keeps_order_and_a_bounded_window(tmp_path: Path) -> None:
    jobs = []
    for number in range(40):
        path = tmp_path / f"{number:02d}.txt"
        path.write_text(f"Title {number}\n\nBody of article {number}.\n")
        stat = path.stat()
        jobs.append((str(path), stat.st_mtime_ns, stat.st_size))
    taken = []
    with _CountingPool() as pool:
        for result in bounded_map(pool, jobs, window=3, chunk=4):
            taken.append(result)
            chunks_taken = (len(taken) - 1) // 4
            assert pool.submitted - chunks_taken <= 3, "more chunks in flight than the window"
        assert pool.submitted == 10
    assert [r.path for r in taken] == [job[0] for job in jobs]
    assert [r.articles[0][0].title for r in taken] == [f"Title {n}" for n in range(40)]


def test_a_batch_never_holds_more_than_batch_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from index.home import ingest as ingest_module

    monkeypatch.setattr(ingest_module, "BATCH_ARTICLES", 5)
    for number in range(7):
        rows = [
            {"id": f"f{number}-{row}", "title": f"Item {number}.{row}", "body": "Some words."}
            for row in range(3)
        ]
        (tmp_path / f"f{number}.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    lib = Library.in_memory(now=NOW)
    sizes: list[int] = []
    put = lib.put

    def recording_put(items: Any, **options: Any) -> int:
        count = put(items, **options)
        sizes.append(count)
        return count

    monkeypatch.setattr(lib, "put", recording_put)
    report = ingest_module.ingest(lib, [tmp_path], tagger=None, jobs=1)
    assert report.added == 21 and lib.count() == 21
    assert max(sizes) <= 5 and sum(sizes) == 21
    assert {record.path for record in lib.store.files()} == {
        str((tmp_path / f"f{n}.jsonl").resolve()) for n in range(7)
    }


def test_new_articles_are_added_without_duplicates_even_after_a_crash(tmp_path: Path) -> None:
    from index.home import ingest as ingest_module
    from index.search.schema import document
    from index.sources import read_path

    for number in range(3):
        (tmp_path / f"a{number}.txt").write_text(f"Title {number}\n\nBody {number}.\n")
    lib = Library.in_memory(now=NOW)
    ahead = read_path((tmp_path / "a0.txt").resolve())[0]
    writer = lib.writer()  # a crash left a0 in the index but not in the store
    writer.add_document(**document(ahead, Analysis()))
    writer.commit()
    ingest_module.ingest(lib, [tmp_path], tagger=None, jobs=1)
    assert lib.count() == 3 == lib.store.article_count()
    (tmp_path / "a1.txt").write_text("Title 1\n\nBody 1, edited.\n")
    (tmp_path / "a3.txt").write_text("Title 3\n\nBody 3.\n")
    report = ingest_module.ingest(lib, [tmp_path], tagger=None, jobs=1)
    assert (report.added, report.updated) == (1, 1)
    assert lib.count() == 4 == lib.store.article_count()
    ids = [hit["id"] for hit in lib.searcher().documents()]
    assert len(ids) == len(set(ids)) == 4


def test_memory_file_reads_in_place_like_a_file() -> None:
    import io
    import pickle

    from index.search.mmap import MemoryFile

    payload = b"first line\nsecond\n" + pickle.dumps({"a": [1, 2, 3]}, 2)
    backing = bytearray(payload)
    view = memoryview(backing)[11:]
    memory, reference = MemoryFile(view), io.BytesIO(bytes(view))
    assert memory.readline() == reference.readline() == b"second\n"
    assert pickle.load(memory) == pickle.load(reference) == {"a": [1, 2, 3]}
    assert memory.tell() == reference.tell() == len(view)
    memory.seek(-3, io.SEEK_END)
    assert memory.read() == bytes(view[-3:])
    memory.seek(2)
    assert memory.read(4) == b"cond" and memory.read(0) == b""
    backing[13] = ord("X")  # no copy: the view sees the change
    memory.seek(0)
    assert memory.read(4) == b"seXo"


def test_a_library_on_disk_opens_and_searches_with_in_place_buffers(tmp_path: Path) -> None:
    from index.paths import LibraryPaths

    paths = LibraryPaths(tmp_path / "home")
    lib = Library.open(paths)
    lib.put([(_article(n, START + timedelta(days=n)), Analysis()) for n in range(30)])
    lib.close()
    again = Library.open(paths)
    assert again.count() == 30
    assert len(again.search("gaza", limit=50).hits) == 10
    assert again.search("published:2024-09-05", limit=5).hits[0].title == "Story 4"
    again.close()
