"""Ingest into a 20 MB tmpfs until it fills: one line, the library as it was, nothing half-written.

Needs permission to mount a tmpfs (root in CI); skipped cleanly otherwise.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import (
    assert_consistent,
    assert_only_committed_files,
    lines,
    make_corpus,
    read_state,
    run_cli,
    start_cli,
    tmpfs,
)

from index.paths import LibraryPaths

DISK_MB = 20
MIB = 1024 * 1024


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    with tmpfs(mount_point, DISK_MB) as mounted:
        yield mounted


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """More text than the disk holds: files of random words from a large vocabulary."""
    folder = tmp_path_factory.mktemp("big") / "big"
    _write_big_corpus(folder, megabytes=DISK_MB + 6)
    return folder


def _write_big_corpus(folder: Path, megabytes: int) -> None:
    rng = random.Random(3)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choices(letters, k=rng.randrange(3, 10))) for _ in range(30_000)]
    folder.mkdir()
    for number in range(megabytes * 1024 // 16):
        body = "\n\n".join(" ".join(rng.choices(vocabulary, k=280)) for _ in range(6))
        (folder / f"big{number:05d}.txt").write_text(f"Big story {number}\n\n{body}\n")


def _free_bytes(path: Path) -> int:
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


@pytest.mark.slow
@pytest.mark.parametrize("batch", [None, 100], ids=["batch-1000", "batch-100"])
def test_full_disk_is_one_line_and_keeps_the_library(
    small_disk: Path, big_corpus: Path, tmp_path: Path, batch: int | None
) -> None:
    home = small_disk / "home"
    first = tmp_path / "first"
    total = make_corpus(first, texts=60, jsonl_files=2, per_jsonl=20)
    assert run_cli(home, "add", str(first)).returncode == 0
    before = read_state(home)
    assert before.count == total
    free_before = _free_bytes(small_disk)

    process = start_cli(home, "add", str(big_corpus), batch=batch)
    _, stderr = process.communicate(timeout=300)

    assert process.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert len(lines(stderr)) == 1, stderr
    assert "disk full while writing" in stderr and "nothing from this batch was kept" in stderr

    after = read_state(home)
    assert_consistent(after, batch=batch or 1000)
    assert before.store_ids <= after.store_ids
    assert all(after.hashes[key] == value for key, value in before.hashes.items())
    assert after.searched > 0
    assert_only_committed_files(home)
    # The batch that failed left nothing, in the index or the store; those before it are
    # kept whole (the installed schedule's first batch is small, and fits).
    assert after.index_set == after.store_ids
    if len(after.store_ids) == len(before.store_ids):
        assert _free_bytes(small_disk) >= free_before - MIB  # and its files are gone
    stats = run_cli(home, "stats")
    assert stats.returncode == 0, stats.stderr


def test_enospc_in_a_commit_leaves_no_file_and_says_disk_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same guarantees without a tmpfs: ENOSPC raised after the segment files are written."""
    import errno

    from whoosh.writing import SegmentWriter

    from index.errors import StorageError
    from index.home.library import Library
    from index.models import Analysis, Article, stable_id

    def article(key: str) -> tuple[Article, Analysis]:
        return Article(id=stable_id(key), title=key, body=f"{key} body text"), Analysis()

    home = tmp_path / "home"
    library = Library.open(LibraryPaths(home))
    library.put([article("kept")])
    index_dir = LibraryPaths(home).index_dir
    files_before = sorted(os.listdir(index_dir))
    flush = SegmentWriter._flush_segment

    def flush_then_fail(self: SegmentWriter) -> None:
        flush(self)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(SegmentWriter, "_flush_segment", flush_then_fail)
    with pytest.raises(StorageError, match=r"disk full while writing the library in .*nothing"):
        library.put([article(f"lost{n}") for n in range(50)])
    monkeypatch.setattr(SegmentWriter, "_flush_segment", flush)

    assert sorted(os.listdir(index_dir)) == files_before
    assert library.count() == 1 and library.store.article_count() == 1
    assert [hit.title for hit in library.search("kept").hits] == ["kept"]
    library.put([article("after")])
    assert library.count() == 2
    library.close()
