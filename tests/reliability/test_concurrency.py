"""Two copies at once: a second ``add`` waits and says so, readers never fail, no bookmark lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import assert_consistent, make_corpus, read_state, run_cli, start_cli

from index.home.library import Library
from index.home.locking import WriteLock
from index.paths import LibraryPaths


def _wait_for_writer(home: Path, process: subprocess.Popen[str], timeout: float = 60.0) -> None:
    """Return once ``process`` holds the library's write lock."""
    lock = WriteLock(LibraryPaths(home).lock)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the writer ended before it was seen writing: {process.stderr}")
        if lock.path.exists() and lock.holder() == process.pid and not lock.try_acquire():
            return
        lock.release()
        time.sleep(0.02)
    pytest.fail("the writer never took the write lock")


@pytest.mark.slow
def test_second_add_waits_and_both_complete(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first, second = tmp_path / "first", tmp_path / "second"
    total = make_corpus(first) + make_corpus(second, texts=80, jsonl_files=2, per_jsonl=10, seed=8)

    one = start_cli(home, "add", str(first), batch=50)
    _wait_for_writer(home, one)
    os.killpg(one.pid, signal.SIGSTOP)  # hold the first writer mid-run, whatever the machine
    try:
        two = start_cli(home, "add", str(second))
        assert two.stderr is not None
        waiting = two.stderr.readline()
    finally:
        os.killpg(one.pid, signal.SIGCONT)
    _, err_two = two.communicate(timeout=300)
    _, err_one = one.communicate(timeout=300)
    err_two = waiting + err_two

    assert one.returncode == 0, err_one
    assert two.returncode == 0, err_two
    assert "the library is busy" in err_two and f"pid {one.pid}" in err_two
    assert "Traceback" not in err_one + err_two
    state = read_state(home)
    assert_consistent(state, batch=0)
    assert state.count == total == len(state.store_ids)


@pytest.mark.slow
def test_reader_never_fails_while_add_runs_and_sees_new_articles(tmp_path: Path) -> None:
    home = tmp_path / "home"
    seed, corpus = tmp_path / "seed", tmp_path / "corpus"
    initial = make_corpus(seed, texts=10, jsonl_files=0, seed=1)
    total = initial + make_corpus(corpus)
    assert run_cli(home, "add", str(seed)).returncode == 0

    library = Library.open(LibraryPaths(home))
    counts: list[int] = []
    searches = 0
    try:
        writer = start_cli(home, "add", str(corpus), batch=50)
        while writer.poll() is None:
            result = library.search("election OR market", limit=5)
            assert result.hits
            counts.append(library.count())
            searches += 1
            time.sleep(0.02)
        _, stderr = writer.communicate(timeout=60)
        assert writer.returncode == 0, stderr
        final = library.count()
        hits = library.search("jsonmark019x039").hits
    finally:
        library.close()
    assert counts == sorted(counts), "a reader saw articles disappear"
    assert counts[0] >= initial
    assert final == total, "after refresh the reader sees every new article"
    assert [hit.title for hit in hits] == ["Item 19.39"]
    print(
        f"\nreader: {searches} searches during add, counts {counts[0]} -> {counts[-1]} -> {final}"
    )


_BOOKMARKER = """
import sys
from index.bookmarks.store import BookmarkStore
from index.models import Article
database, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
article = Article(id="a" + tag, title="T", body="One sentence here. Another sentence there.")
with BookmarkStore(database) as store:
    for number in range(count):
        store.add(article, 0, 18, note=f"{tag}-{number}", tags=[tag])
        print(number, flush=True)
"""


@pytest.mark.slow
def test_bookmarks_from_two_processes_are_all_kept(tmp_path: Path) -> None:
    from index.bookmarks.store import BookmarkStore

    home = tmp_path / "home"
    corpus = tmp_path / "corpus"
    make_corpus(corpus, texts=200, jsonl_files=5, per_jsonl=20)
    paths = LibraryPaths(home).ensure()
    writer = start_cli(home, "add", str(corpus), batch=50)
    per_process = 40
    markers = [
        subprocess.Popen(
            [sys.executable, "-c", _BOOKMARKER, str(paths.database), tag, str(per_process)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("left", "right")
    ]
    for marker in markers:
        out, err = marker.communicate(timeout=120)
        assert marker.returncode == 0, err
        assert len(out.split()) == per_process
    _, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err

    with BookmarkStore(paths.database) as store:
        notes = {bookmark.note for bookmark in store.list()}
    expected = {f"{tag}-{number}" for tag in ("left", "right") for number in range(per_process)}
    assert expected <= notes
