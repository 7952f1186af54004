"""kill -9 during ``newsreader add`` loses nothing: the library always opens and re-adding finishes.

A run is killed (SIGKILL, the whole process group) at a seeded random moment,
then the library is opened and checked against the committed-state invariant
of :func:`support.assert_consistent`; the next run goes on from whatever the
killed one left. Half the runs use the CLI as installed (a first batch of
1,000 articles, then the rest of the corpus), half the same CLI with batches
of 50 so that kills land between many commits. The CLI alone is killed, as by
``kill -9 PID``: its worker processes must end by themselves and let go of its
output, and every search hit must open.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import (
    assert_consistent,
    assert_every_hit_opens,
    assert_only_committed_files,
    cli_env,
    kill_group,
    kill_main,
    left_behind,
    make_corpus,
    output_closes,
    read_state,
    run_cli,
    start_cli,
)

from index.home.ingest import BATCH_ARTICLES
from index.home.locking import WriteLock
from index.paths import LibraryPaths

KILLS_WANTED = 20
MAX_RUNS = 60
SEED = 20261125


@pytest.fixture(scope="module")
def corpus_260_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The default corpus (260 files: enough for ``add`` to read them in worker processes)."""
    corpus = tmp_path_factory.mktemp("corpus") / "corpus"
    return corpus, make_corpus(corpus)


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc"), reason="counts processes in /proc")


@needs_proc
@pytest.mark.slow
def test_sigkill_during_add_loses_nothing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    total = make_corpus(corpus)
    reference = tmp_path / "reference"
    started = time.monotonic()
    done = run_cli(reference, "add", str(corpus))
    full_run = time.monotonic() - started  # kill moments scale with this machine's speed
    assert done.returncode == 0, done.stderr
    expected = read_state(reference)
    assert expected.count == total == len(expected.store_ids)

    rng = random.Random(SEED)
    home = tmp_path / "home0"
    interrupted = completed = homes = partial = ahead = 0
    for run in range(MAX_RUNS):
        if interrupted >= KILLS_WANTED:
            break
        batch = None if run % 2 == 0 else 50
        process = start_cli(home, "add", str(corpus), batch=batch)
        time.sleep(rng.uniform(0.1, 0.9) * full_run)
        if kill_main(process):  # the process alone: its workers must end by themselves
            interrupted += 1
        else:
            completed += 1
        closed, leftovers = output_closes(process), left_behind(process.pid)  # both, then judge
        assert closed, "a worker holds the killed add's stdout"
        assert not leftovers, "processes of the killed add are still running"
        assert process.returncode in (0, -9), process.stderr
        state = read_state(home)
        assert_consistent(state, batch=batch or BATCH_ARTICLES)
        partial += 0 < len(state.store_ids) < total
        ahead += bool(state.index_set - state.store_ids)
        assert_every_hit_opens(home)
        if state.store_ids == expected.store_ids and state.filed_ids == expected.store_ids:
            assert state.hashes == expected.hashes
            homes += 1
            home = tmp_path / f"home{homes}"
    assert interrupted >= KILLS_WANTED, f"only {interrupted} runs were killed mid-way"
    assert partial > 0, "no kill landed between two commits"

    finish = run_cli(home, "add", str(corpus))
    assert finish.returncode == 0, finish.stderr
    final = read_state(home)
    assert_consistent(final, batch=0)
    assert final.count == total
    assert final.store_ids == expected.store_ids
    assert final.hashes == expected.hashes
    assert final.searched > 0
    assert_only_committed_files(home)
    print(
        f"\nkill runs: {interrupted} interrupted, {completed} completed, {homes + 1} homes, "
        f"{partial} left a partial library, {ahead} left the index ahead of SQLite"
    )


_HOLD_WRITER = """
import sys, time
from index.home.library import Library
from index.home.locking import WriteLock
from index.paths import LibraryPaths
paths = LibraryPaths(__import__("pathlib").Path(sys.argv[1]))
lock = WriteLock(paths.ensure().lock)
lock.acquire()
library = Library.open(paths)
writer = library.writer()
print("holding", flush=True)
time.sleep(600)
"""


def test_killed_writer_leaves_no_lock_that_blocks(tmp_path: Path) -> None:
    """Whoosh's WRITELOCK and our write lock are flock locks: the kernel drops them on SIGKILL."""
    home = tmp_path / "home"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_WRITER, str(home)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "holding"
    paths = LibraryPaths(home)
    assert not WriteLock(paths.lock).try_acquire(), "the holder should own the write lock"
    kill_group(holder)

    lock_files = [name for name in os.listdir(paths.index_dir) if "WRITELOCK" in name]
    assert lock_files, "whoosh keeps its lock file on disk"
    lock = WriteLock(paths.lock)
    assert lock.try_acquire(), "the write lock of a dead process must be free"
    lock.release()

    corpus = tmp_path / "corpus"
    total = make_corpus(corpus, texts=5, jsonl_files=1, per_jsonl=3)
    result = run_cli(home, "add", str(corpus), timeout=60)
    assert result.returncode == 0, result.stderr
    assert "busy" not in result.stderr
    assert read_state(home).count == total


def test_add_after_kill_reports_unchanged_for_committed_files(tmp_path: Path) -> None:
    """A re-run after a completed add does no work again, even after a kill of a later run."""
    corpus = tmp_path / "corpus"
    total = make_corpus(corpus, texts=30, jsonl_files=2, per_jsonl=5)
    home = tmp_path / "home"
    assert run_cli(home, "add", str(corpus)).returncode == 0
    extra = tmp_path / "extra"
    make_corpus(extra, texts=300, jsonl_files=0, seed=9)
    process = start_cli(home, "add", str(extra), batch=20)
    time.sleep(1.5)
    kill_group(process)
    again = run_cli(home, "add", "--json", str(corpus))
    assert again.returncode == 0, again.stderr
    assert f'"unchanged": {total}' in again.stdout


class _Killed(BaseException):
    """Stands for SIGKILL between the index commit and the SQLite commit."""


def test_kill_between_the_two_commits_is_repaired_by_the_next_add(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one window no random kill is likely to hit, forced: index committed, SQLite not."""
    from contextlib import contextmanager

    from index.home.ingest import ingest
    from index.home.library import Library
    from index.home.store import Store

    corpus = tmp_path / "corpus"
    total = make_corpus(corpus, texts=30, jsonl_files=1, per_jsonl=10)
    home = tmp_path / "home"
    original = Store.transaction

    @contextmanager
    def dies_before_commit(self: Store):  # type: ignore[no-untyped-def]
        with original(self):
            yield
            raise _Killed

    library = Library.open(LibraryPaths(home))
    monkeypatch.setattr(Store, "transaction", dies_before_commit)
    with pytest.raises(_Killed):
        ingest(library, [corpus], tagger=None, jobs=1)
    monkeypatch.setattr(Store, "transaction", original)
    library.close()

    state = read_state(home)
    assert_consistent(state, batch=BATCH_ARTICLES)
    assert len(state.index_set) == total and not state.store_ids, "index ahead by the batch"

    finish = run_cli(home, "add", str(corpus))
    assert finish.returncode == 0, finish.stderr
    final = read_state(home)
    assert_consistent(final, batch=0)
    assert final.count == total == len(final.store_ids)


_DIES_IN_THE_COMMIT_WINDOW = """
import os, signal, sys
from contextlib import contextmanager
import index.home.ingest as ingest
from index.home.store import Store

ingest.BATCH_ARTICLES = int(sys.argv.pop(1))
fatal = int(sys.argv.pop(1))
original_put, original_transaction = Store.put_article, Store.transaction
commits = [0, False]

def put_article(self, *args):
    commits[1] = True
    return original_put(self, *args)

@contextmanager
def transaction(self):
    with original_transaction(self):
        yield
        if commits[1]:  # the index has committed this batch; SQLite is about to
            commits[0] += 1
            if commits[0] == fatal:
                os.kill(os.getpid(), signal.SIGKILL)
        commits[1] = False

Store.put_article, Store.transaction = put_article, transaction
from reader.cli import main
sys.exit(main())
"""


@needs_proc
@pytest.mark.parametrize("fatal", [1, 2, 4, 7])
def test_sigkill_in_the_commit_window_leaves_no_ghost_hits(
    tmp_path: Path, corpus_260_files: tuple[Path, int], fatal: int
) -> None:
    """SIGKILL after the index's commit and before SQLite's (the batch is in the index and
    not in the store): no process is left, no search hit lacks its article, the count is
    what opens, ``recover`` and the next ``add`` finish the job."""
    corpus, total = corpus_260_files
    home = tmp_path / "home"
    command = [sys.executable, "-c", _DIES_IN_THE_COMMIT_WINDOW, "50", str(fatal)]
    process = subprocess.Popen(
        [*command, "--home", str(home), "--ner", "off", "add", str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
        start_new_session=True,
    )
    closed, leftovers = output_closes(process, timeout=60), left_behind(process.pid)
    assert closed, "a worker holds the killed add's stdout"
    assert not leftovers, "processes of the killed add are still running"
    assert process.returncode == -9, process.stderr

    state = read_state(home)
    assert_consistent(state, batch=50)
    ghosts = state.index_set - state.store_ids
    assert ghosts, "the kill should have left the batch in the index only"
    shown = run_cli(home, "show", sorted(state.store_ids)[0]) if state.store_ids else None
    assert shown is None or shown.returncode == 0, shown.stderr

    searched = run_cli(home, "search", "--json", "--limit", "1000", "story OR item")
    assert searched.returncode == 0, searched.stderr
    hits = [hit["id"] for hit in json.loads(searched.stdout)["hits"]]
    assert set(hits) <= state.store_ids, "a search listed an article it cannot show"
    assert bool(hits) == bool(state.store_ids)
    stats = run_cli(home, "stats", "--json")
    assert json.loads(stats.stdout)["articles"] == len(state.store_ids)
    assert assert_every_hit_opens(home) == len(state.store_ids)
    assert run_cli(home, "recover").returncode == 0

    finish = run_cli(home, "add", str(corpus))
    assert finish.returncode == 0, finish.stderr
    final = read_state(home)
    assert_consistent(final, batch=0)
    assert final.count == total == len(final.store_ids)


def test_recover_removes_ghost_hits_in_place(tmp_path: Path) -> None:
    """A library opened by something other than the CLI after a commit-window kill still
    holds the ghosts: ``recover`` names them and removes them without a rebuild."""
    from whoosh.filedb.filestore import FileStorage

    from index.home.library import Library
    from index.models import Analysis, Article
    from index.search.schema import document

    corpus = tmp_path / "corpus"
    total = make_corpus(corpus, texts=20, jsonl_files=0)
    home = tmp_path / "home"
    assert run_cli(home, "add", str(corpus)).returncode == 0
    library = Library.open(LibraryPaths(home))
    writer = library.writer()
    for number in range(3):
        ghost = Article(id=f"ghost{number}", title="Story of a ghost", body="story " * 20)
        writer.add_document(**document(ghost, Analysis()))
    writer.commit()
    library.close()
    assert read_state(home).count == total + 3

    result = run_cli(home, "recover")
    assert result.returncode == 0, result.stderr
    assert "3 indexed articles had no stored article" in result.stdout
    assert not list(home.glob("index.corrupt-*")), "removed in place, not rebuilt"
    state = read_state(home)
    assert state.count == total and state.index_set == state.store_ids
    index = FileStorage(str(LibraryPaths(home).index_dir)).open_index(indexname="articles")
    assert index.doc_count() == total
    assert "healthy" in run_cli(home, "recover").stdout


def test_an_add_with_nothing_to_do_leaves_no_file(tmp_path: Path) -> None:
    """A re-add of unchanged files cancels its empty writer: Whoosh's cancel left the empty
    segment's files in the index folder (the kill test's last check caught it, now and then)."""
    corpus = tmp_path / "corpus"
    make_corpus(corpus, texts=10, jsonl_files=0)
    home = tmp_path / "home"
    assert run_cli(home, "add", str(corpus)).returncode == 0
    again = run_cli(home, "add", str(corpus))
    assert again.returncode == 0, again.stderr
    assert_only_committed_files(home)
