"""Posting sidecars (``index.search.postings``): long posting lists as flat arrays.

On a real library on disk, over several segments with deletions: every term's ids and
weights read from a sidecar are the ones Whoosh's blocks hold, pages of hits are the
same with sidecars as without, a damaged sidecar is left aside for Whoosh's blocks,
and a merge's removed segments lose their sidecars.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from index.home.library import Library
from index.models import Analysis, Article, stable_id
from index.paths import LibraryPaths
from index.search import postings, warm

WORDS = "gaza market election tariff rally court budget storm harbour senate vote".split()
QUERIES = ["gaza", "market OR rally", "court AND budget", '"gaza market"', "storm NOT senate"]


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    monkeypatch.setattr(postings, "SIDECAR_MIN_DOCS", 1)
    monkeypatch.setattr(postings, "SIDECAR_MIN_POSTINGS", 2)
    monkeypatch.setattr(postings._SIDECARS, "_readers", type(postings._SIDECARS._readers)())
    rng = random.Random(3)
    lib = Library.open(LibraryPaths(tmp_path / "home").ensure())
    for batch in range(3):
        items = []
        for n in range(80):
            body = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(5, 40)))
            article = Article(id=stable_id(f"s{batch}-{n}"), title=rng.choice(WORDS), body=body)
            items.append((article, Analysis()))
        lib.put(items)
    lib.remove([stable_id(f"s1-{n}") for n in range(0, 80, 5)])
    return lib


def _warm(lib: Library) -> None:
    """What ``Library.warm`` has ``python -m index.search.warm`` do, in this process (the
    thresholds above are this process's)."""
    folder = lib.index.storage.folder
    assert warm.main([folder]) == 0
    postings.sidecars_written()


def _pages(lib: Library) -> list[list[tuple[str, float]]]:
    return [
        [(hit.id, round(hit.score, 9)) for hit in lib.search(q, limit=30, snippets=False).hits]
        for q in QUERIES
    ]


def test_sidecars_hold_what_whoosh_blocks_hold_and_pages_do_not_change(library: Library) -> None:
    before = _pages(library)
    _warm(library)
    searcher = library.searcher()
    checked = 0
    for sub, _ in searcher.leaf_searchers():
        reader = sub.reader()
        side = postings._SIDECARS.of(reader)
        assert side is not None, "every segment has its sidecar after warm()"
        deleted = reader.deleted_docs_set if reader.has_deletions() else None
        for fieldname in postings.SIDECAR_FIELDS:
            for btext, info in reader.iter_field(fieldname):
                if info.doc_frequency() < postings.SIDECAR_MIN_POSTINGS:
                    continue
                want = postings._whoosh_postings(reader, deleted, fieldname, btext, values=False)
                got = postings._read_postings(reader, deleted, fieldname, btext, values=False)
                assert list(got[0]) == list(want[0])
                assert list(got[1]) == list(want[1])
                checked += 1
    assert checked > 20
    postings._CACHE._readers.clear()
    assert _pages(library) == before


def test_a_damaged_sidecar_is_left_for_whoosh_blocks(library: Library) -> None:
    before = _pages(library)
    _warm(library)
    reader = library.searcher().leaf_searchers()[0][0].reader()
    path = postings.sidecar_path(reader)
    assert path is not None
    Path(path).write_bytes(b"not a sidecar")
    postings._SIDECARS._readers.clear()
    postings._CACHE._readers.clear()
    assert postings._SIDECARS.of(reader) is None
    assert _pages(library) == before


def test_merged_segments_lose_their_sidecars(library: Library) -> None:
    _warm(library)
    first = Path(postings.sidecar_path(library.searcher().leaf_searchers()[0][0].reader()) or "")
    mine = first.name.split("-", 1)[0] + "-*.bin"  # this index's (the cache dir is shared)
    before = {p.name for p in first.parent.glob(mine)}
    assert len(before) >= 3
    writer = library.index.writer()
    writer.commit(optimize=True)  # one segment
    _warm(library)
    after = {p.name for p in first.parent.glob(mine)}
    assert len(after) == 1 and not after & before


def test_warm_starts_the_builder_without_waiting_and_close_stops_it(library: Library) -> None:
    """The builder is a process of its own: ``warm`` returns at once (searches go on), and
    closing the library leaves no builder running (quitting the reader waited for it)."""
    import time

    started = time.perf_counter()
    library.warm()
    child = library._warming
    assert child is not None, "segments without sidecars start a builder"
    assert time.perf_counter() - started < 5
    assert library.search("gaza", limit=5, snippets=False).total > 0  # not blocked by it
    library.close()
    assert child.poll() is not None
