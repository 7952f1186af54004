"""Helpers for the reliability tests: generated corpora, the installed CLI, library checks.

Every test here drives the real ``newsreader`` (a subprocess, so it can be
killed, run twice at once or starved of disk) and then inspects the library
home in-process through the core.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from index.home import MAX_LIMIT, LibraryHome
from index.home.library import Library
from index.paths import LibraryPaths
from index.search.storage import INDEX_NAME

WORDS_TEXT = """alpha beta gamma delta election minister gaza market bank football london paris
tax budget storm council court police health school energy climate trade vote"""
WORDS = WORDS_TEXT.split()


def newsreader_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m reader``."""
    script = Path(sys.executable).parent / "newsreader"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "reader"]


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("NEWSREADER_HOME", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_cli(home: Path, *args: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
    """Run ``newsreader --home HOME --ner off ARGS`` to completion."""
    return subprocess.run(
        [*newsreader_command(), "--home", str(home), "--ner", "off", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(),
        check=False,
    )


def start_cli(home: Path, *args: str, batch: int | None = None) -> subprocess.Popen[str]:
    """Start ``newsreader --home HOME --ner off ARGS`` in its own process group.

    ``batch`` runs the same CLI with a smaller ingest batch (through
    ``python -c``), so that a short run commits several batches and a kill can
    land between them.
    """
    if batch is None:
        command = newsreader_command()
    else:
        code = (
            "import sys, index.home.ingest as i; i.BATCH_ARTICLES = int(sys.argv.pop(1)); "
            "from reader.cli import main; sys.exit(main())"
        )
        command = [sys.executable, "-c", code, str(batch)]
    return subprocess.Popen(
        [*command, "--home", str(home), "--ner", "off", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
        start_new_session=True,
    )


def kill_group(process: subprocess.Popen[str]) -> bool:
    """SIGKILL the process and its workers; True if it was still running."""
    running = process.poll() is None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    return running


def kill_main(process: subprocess.Popen[str]) -> bool:
    """SIGKILL the process alone, as a user's ``kill -9 PID`` does (its workers are left to
    end by themselves); True if it was still running."""
    running = process.poll() is None
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    return running


def output_closes(process: subprocess.Popen[str], timeout: float = 15.0) -> bool:
    """Whether the dead process's stdout and stderr reach their end: no child holds them."""
    try:
        process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        return False
    return True


def group_members(group: int) -> list[int]:
    """Live processes of a process group (from /proc: Linux), zombies apart."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, _parent, pgrp = stat[stat.rindex(")") + 2 :].split()[:3]
        if int(pgrp) == group and state != "Z":
            found.append(int(entry))
    return found


def left_behind(group: int, *, grace: float = 5.0) -> list[int]:
    """The group's processes still alive ``grace`` seconds after its leader died (then
    killed, so that a failing test leaves nothing running)."""
    deadline = time.monotonic() + grace
    while (alive := group_members(group)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in alive:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return alive


def assert_every_hit_opens(home: Path, query: str = "election OR market OR story OR item") -> int:
    """Opened as the CLI opens it: every search hit is an article ``show`` can open, and
    the article count is the number of articles that open. Returns that number."""
    library_home = LibraryHome(LibraryPaths(home), tagger=None)
    try:
        result = library_home.search(query, limit=MAX_LIMIT, snippets=False)
        lost = [hit.id for hit in result.hits if library_home.article(hit.id) is None]
        assert not lost, f"{len(lost)} hits have no article, e.g. {lost[:3]}"
        stored = library_home.library.store.article_count()
        assert library_home.count() == stored, "the article count counts what cannot open"
        return stored
    finally:
        library_home.close()


def make_corpus(folder: Path, *, texts: int = 240, jsonl_files: int = 20, per_jsonl: int = 40,
                seed: int = 7) -> int:  # fmt: skip
    """Write a corpus of small text and JSON Lines files; return its number of articles."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)

    def body(marker: str) -> str:
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(40)) for _ in range(3)]
        return f"{marker} " + "\n\n".join(paragraphs)

    for number in range(texts):
        marker = f"txtmark{number:05d}"
        (folder / f"t{number:04d}.txt").write_text(f"Story {number} {rng.choice(WORDS)}\n\n"
                                                   f"{body(marker)}\n")  # fmt: skip
    for number in range(jsonl_files):
        lines = []
        for row in range(per_jsonl):
            marker = f"jsonmark{number:03d}x{row:03d}"
            lines.append(json.dumps({"id": f"j{number}-{row}", "title": f"Item {number}.{row}",
                                     "body": body(marker), "date": "2024-11-10"}))  # fmt: skip
        (folder / f"j{number:03d}.jsonl").write_text("\n".join(lines) + "\n")
    return texts + jsonl_files * per_jsonl


@dataclass(frozen=True)
class LibraryState:
    """What a library home holds, read through the core."""

    index_ids: tuple[str, ...]
    store_ids: frozenset[str]
    filed_ids: frozenset[str]
    hashes: dict[str, str]
    count: int
    searched: int

    @property
    def index_set(self) -> frozenset[str]:
        return frozenset(self.index_ids)


def read_state(home: Path, query: str = "election OR market") -> LibraryState:
    """Open the library as a user would, search it, and collect ids from index and store."""
    library = Library.open(LibraryPaths(home))
    try:
        searcher = library.searcher()
        index_ids = tuple(fields["id"] for fields in searcher.reader().all_stored_fields())
        store = library.store
        store_ids = frozenset(store.article_ids())
        filed = frozenset(i for record in store.files() for i in record.article_ids)
        hashes = store.content_hashes(sorted(store_ids))
        result = library.search(query, limit=5) if index_ids else None
        return LibraryState(
            index_ids=index_ids,
            store_ids=store_ids,
            filed_ids=filed,
            hashes=hashes,
            count=library.count(),
            searched=len(result.hits) if result else 0,
        )
    finally:
        library.close()


def assert_consistent(state: LibraryState, *, batch: int) -> None:
    """The committed-state invariant of a library after any crash.

    ``Library.put`` commits the Whoosh index inside the SQLite transaction and
    then commits SQLite, and the ingest writes file records only after that.
    So after a kill at any moment:

    - every article in SQLite is in the index (nothing stored is unsearchable);
    - the index holds no duplicates and ``count()`` is its number of articles;
    - the index may hold at most one batch more than SQLite (killed between
      the two commits); those articles' files have no record yet, so the next
      ``add`` reads them again;
    - every article a file record names is in SQLite (a file is marked done only
      after its articles are kept).
    """
    assert len(state.index_ids) == len(state.index_set), "duplicate ids in the index"
    assert state.count == len(state.index_ids)
    assert state.store_ids <= state.index_set, "articles in SQLite missing from the index"
    ahead = state.index_set - state.store_ids
    assert len(ahead) <= batch, f"index ahead of SQLite by {len(ahead)} > one batch"
    assert not (ahead & state.filed_ids), "a file is marked done but its articles are not stored"
    assert state.filed_ids <= state.store_ids, "file records name articles that are not stored"


def lines(text: str) -> Sequence[str]:
    return [line for line in text.splitlines() if line.strip()]


def assert_only_committed_files(home: Path) -> None:
    """Only the committed generation's files are in the index folder."""
    index_dir = LibraryPaths(home).index_dir
    toc = TOC.read(FileStorage(str(index_dir)), INDEX_NAME)
    committed = {segment.segment_id() for segment in toc.segments}
    for entry in os.listdir(index_dir):
        if entry.endswith("WRITELOCK") or entry == f"_{INDEX_NAME}_{toc.generation}.toc":
            continue
        assert not (index_dir / entry).is_dir(), f"temporary folder left: {entry}"
        segment = re.match(rf"({INDEX_NAME}_[0-9a-z]+)\.", entry)
        assert segment and segment.group(1) in committed, f"uncommitted file left: {entry}"


@contextlib.contextmanager
def tmpfs(mount_point: Path, megabytes: int) -> Iterator[Path]:
    """A real tmpfs of ``megabytes`` mounted at ``mount_point`` (a full disk, a read-only
    file system for the tests); skips the test where one cannot be mounted."""
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(mount_point)], check=False)
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
