"""Adding files to a library: incremental, batched, parallel, and safe to interrupt.

A file whose size and mtime match the last run is not read again; a changed
file's articles are compared by content hash, so only new or edited articles
are analysed and indexed. Work is committed in batches (index first, then the
store), so a killed run leaves the last committed batch intact and a re-run
finishes the job.
"""

from __future__ import annotations

import itertools
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import TypeVar

from index.errors import SourceError
from index.home.library import Library
from index.home.store import FileRecord
from index.models import Analysis, Article, Progress
from index.sources import discover, read_path

BATCH_ARTICLES = 10_000
"""Articles per commit. Each commit is a Whoosh segment: 10,000 keeps a
100,000-article library at 10 segments with no merging (see
``library.bounded_merge``), where 1,000 made Whoosh re-merge the index every
~18 commits. Every search and related look-up pays a little per segment (a
term look-up, a posting reader): at 20 segments that was a third of a phrase
search's time."""
BATCH_SECONDS = 60.0
"""...or fewer when a batch has been filling this long (what an interrupt can lose)."""
FILE_SECONDS = 60.0
"""Reading and analysing one file may take this long; past it the file is skipped."""
PARALLEL_MIN_FILES = 200
"""Below this many changed files, a process pool costs more than it saves."""
CHUNK_FILES = 16
"""Files a worker reads per task (fewer round trips than one file per task)."""
WINDOW_PER_WORKER = 32
"""Chunks in flight per worker (2 workers: 1,024 files, a few tens of MB): enough
for the workers to keep analysing while the main process commits a batch."""

ProgressCallback = Callable[[Progress], None]
ChangeCallback = Callable[[Article], object]


@dataclass
class IngestReport:
    """What an ``add`` run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    files: int = 0
    skipped: list[SourceError] = field(default_factory=list)
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "skipped": len(self.skipped),
        }


@dataclass(frozen=True, slots=True)
class FileResult:
    """One file read and analysed (in a worker process or in-process)."""

    path: str
    mtime_ns: int
    size: int
    articles: tuple[tuple[Article, Analysis], ...] = ()
    error: str | None = None
    transient: bool = False
    """The error is ours, not the file's: do not remember it, try again next run."""


_worker_tagger: str | None = None


def _init_worker(tagger: str | None) -> None:
    global _worker_tagger
    _worker_tagger = tagger


def _analyse(article: Article, tagger: str | None) -> Analysis:
    if tagger is None:
        return Analysis()
    from index.analysis.entities import analyse, get_tagger

    return analyse(article.body, reference_date(article), tagger=get_tagger(tagger))


def reference_date(article: Article) -> datetime | None:
    """The date relative mentions ("yesterday", "10 November") resolve against.

    Only a publication date the article states (metadata or text) will do: a file's
    mtime says when it was saved, not when "yesterday" was, so with it the mentions
    stay unresolved rather than guessed.
    """
    if article.date_origin in ("metadata", "text"):
        return article.published
    return None


_T = TypeVar("_T")


RETRY_SECONDS = 1.0


class _TooSlow(BaseException):
    """Raised by the time box; a BaseException so readers' ``except Exception`` let it through."""


def _time_boxed(call: Callable[[], _T], seconds: float) -> _T:
    """``call()``, interrupted by _TooSlow after ``seconds`` (SIGALRM: main thread only).

    Each alarm sets the next one a second later until the call ends, so a
    parser's bare ``except:`` (or a garbage-collector callback, where an
    exception is only reported) cannot swallow it for good; the gap keeps a
    second alarm out of whatever reports the first. An alarm already set
    (pytest-timeout) is put back afterwards.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        return call()
    armed = [True]

    def expired(signum: int, frame: object) -> None:
        if armed[0]:
            signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS)
            raise _TooSlow

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expired)
    earlier_delay, earlier_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        try:
            return call()
        finally:
            armed[0] = False
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if earlier_delay > 0:
            left = max(earlier_delay - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, earlier_interval)


def _read_and_analyse(path: str, tagger: str | None) -> tuple[tuple[Article, Analysis], ...]:
    return tuple((article, _analyse(article, tagger)) for article in read_path(Path(path)))


def read_file(path: str, mtime_ns: int, size: int, tagger: str | None) -> FileResult:
    """Read and analyse one file; never raises (errors come back as text).

    Time-boxed to FILE_SECONDS where a signal can do it (worker processes and
    the CLI): a pathological file (e.g. megabytes of bare tags, which
    feedparser and trafilatura read at ~20 µs a tag) is skipped, not waited on.
    """
    try:
        analysed = _time_boxed(lambda: _read_and_analyse(path, tagger), FILE_SECONDS)
    except _TooSlow:
        reason = f"took over {FILE_SECONDS:.0f} s to read, skipped (a pathological file?)"
        return FileResult(path, mtime_ns, size, error=reason)
    except SourceError as error:
        return FileResult(path, mtime_ns, size, error=error.reason)
    except Exception as error:  # a bug of ours must not stop the batch
        reason = f"internal error, please report: {type(error).__name__}: {error}"
        return FileResult(path, mtime_ns, size, error=reason, transient=True)
    return FileResult(path, mtime_ns, size, analysed)


def _read_chunk_in_worker(jobs: list[tuple[str, int, int]]) -> list[FileResult]:
    return [read_file(*job, _worker_tagger) for job in jobs]


def bounded_map(
    pool: Executor, jobs: Sequence[tuple[str, int, int]], *, window: int, chunk: int = CHUNK_FILES
) -> Iterator[FileResult]:
    """Read ``jobs`` in the pool, in order, with at most ``window`` chunks in flight.

    ``Executor.map`` submits every job up front, and when the index writer is
    slower than the workers their finished results pile up in memory; here a
    chunk is only submitted when an earlier one has been taken, so memory stays
    bounded (``window * chunk`` files) at any corpus size.
    """
    pending: deque[Future[list[FileResult]]] = deque()
    for start in range(0, len(jobs), chunk):
        pending.append(pool.submit(_read_chunk_in_worker, list(jobs[start : start + chunk])))
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


class Ingest:
    """One ``add`` run over some paths into a library."""

    def __init__(
        self,
        library: Library,
        *,
        tagger: str | None = "rules",
        jobs: int | None = None,
        on_progress: ProgressCallback | None = None,
        on_changed: ChangeCallback | None = None,
    ) -> None:
        self.library = library
        self.tagger = tagger
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self.on_progress = on_progress
        self.on_changed = on_changed
        self.report = IngestReport()
        self._pending: list[tuple[Article, Analysis]] = []
        self._pending_files: list[FileRecord] = []
        self._pending_removals: list[str] = []
        self._changed: list[Article] = []
        self._new_ids: set[str] = set()
        """Articles the store did not know, not yet indexed in this run (added, not updated)."""
        self._index_matches_store = library.index.doc_count() == library.store.article_count()
        """False after a crash left the index ahead of the store: then every article is an
        update (the index may hold a copy the store does not know)."""
        self._carry: FileResult | None = None
        """A file read but left for the next batch (it would have made this one too big)."""
        self._last_flush = time.monotonic()

    def run(self, paths: Iterable[str | Path], *, prune: bool = False) -> IngestReport:
        started = time.monotonic()
        jobs = self._plan(paths)
        total = len(jobs) + self.report.files
        self._progress(self.report.files, total, "")
        results = self._results(jobs)
        try:
            while self._index_batch(results, total):
                self._flush(indexed=True)
            self._flush(indexed=True)
        finally:
            results.close()
        if prune:
            self._prune()
            self._flush()
        self.report.seconds = time.monotonic() - started
        return self.report

    # Planning: which files need reading ------------------------------------

    def _plan(self, paths: Iterable[str | Path]) -> list[tuple[str, int, int]]:
        store = self.library.store
        jobs: list[tuple[str, int, int]] = []
        for found in discover(paths):
            if isinstance(found, SourceError):
                self.report.skipped.append(found)
                continue
            try:
                stat = found.stat()
            except OSError as error:
                self.report.skipped.append(SourceError(str(found), error.strerror or str(error)))
                continue
            key = str(found.resolve())
            record = store.file(key)
            if record and record.mtime_ns == stat.st_mtime_ns and record.size == stat.st_size:
                self.report.files += 1
                if record.error:
                    self.report.skipped.append(SourceError(key, record.error))
                else:
                    self.report.unchanged += len(record.article_ids)
                continue
            jobs.append((key, stat.st_mtime_ns, stat.st_size))
        return jobs

    def _results(self, jobs: list[tuple[str, int, int]]) -> Generator[FileResult, None, None]:
        if self.jobs <= 1 or len(jobs) < PARALLEL_MIN_FILES:
            for job in jobs:
                yield read_file(*job, self.tagger)
            return
        pool = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=get_context("spawn"),
            initializer=_init_worker,
            initargs=(self.tagger,),
        )
        try:
            yield from bounded_map(pool, jobs, window=self.jobs * WINDOW_PER_WORKER)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    # Taking results ---------------------------------------------------------

    def _take(self, result: FileResult) -> None:
        store = self.library.store
        previous = store.file(result.path)
        if result.error is not None:
            self.report.skipped.append(SourceError(result.path, result.error))
            if result.transient:
                return
            self._pending_files.append(
                FileRecord(result.path, result.mtime_ns, result.size, (), result.error)
            )
            return
        ids = tuple(article.id for article, _ in result.articles)
        known = store.content_hashes(list(ids))
        for article, analysis in result.articles:
            old = known.get(article.id)
            if old == article.content_hash:
                self.report.unchanged += 1
                continue
            if old is None:
                self.report.added += 1
                self._new_ids.add(article.id)
            else:
                self.report.updated += 1
                self._changed.append(article)
            self._pending.append((article, analysis))
        if previous is not None:
            gone = set(previous.article_ids) - set(ids)
            self._pending_removals.extend(sorted(gone))
        self._pending_files.append(FileRecord(result.path, result.mtime_ns, result.size, ids, None))

    def _prune(self) -> None:
        for record in self.library.store.files():
            if not os.path.exists(record.path):
                self._pending_removals.extend(record.article_ids)
                self.library.store.delete_file(record.path)

    def _index_batch(self, results: Iterator[FileResult], total: int) -> bool:
        """Stream results into the index until a batch is due; False once results run out.

        The library indexes each article as it arrives (``Library.put`` takes
        an iterator), so the main process indexes while the workers analyse.
        """
        more = False

        def stream() -> Iterator[tuple[Article, Analysis]]:
            nonlocal more
            carried, self._carry = self._carry, None
            for result in itertools.chain([carried] if carried else [], results):
                if self._pending and len(self._pending) + len(result.articles) > BATCH_ARTICLES:
                    self._carry = result  # never more than a batch in one commit
                    more = True
                    return
                start = len(self._pending)
                self._take(result)
                self.report.files += 1
                self._progress(self.report.files, total, result.path)
                yield from self._pending[start:]
                if self._due():
                    more = True
                    return

        self.library.put(stream(), is_new=self._is_new if self._index_matches_store else None)
        return more

    def _is_new(self, article_id: str) -> bool:
        """Not in the store before this run and not yet given to the index in it."""
        if article_id in self._new_ids:
            self._new_ids.discard(article_id)
            return True
        return False

    def _due(self) -> bool:
        return len(self._pending) >= BATCH_ARTICLES or (
            bool(self._pending) and time.monotonic() - self._last_flush > BATCH_SECONDS
        )

    def _flush(self, *, indexed: bool = False) -> None:
        """Commit what is pending: index and articles, removals, then the file records.

        ``indexed``: the pending articles were already put (streamed by
        :meth:`_index_batch`).
        """
        if self._pending and not indexed:
            self.library.put(self._pending)
        removals = [i for i in dict.fromkeys(self._pending_removals)]
        pending_ids = {article.id for article, _ in self._pending}
        removals = [i for i in removals if i not in pending_ids]
        if removals:
            self.report.removed += self.library.remove(removals)
        store = self.library.store
        with store.transaction():
            for record in self._pending_files:
                store.put_file(record)
        if self.on_changed is not None:
            for article in self._changed:
                self.on_changed(article)
        self._pending, self._pending_files, self._pending_removals, self._changed = [], [], [], []
        self._last_flush = time.monotonic()

    def _progress(self, done: int, total: int, current: str) -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(done, total, current, self.report.counts()))


def ingest(
    library: Library,
    paths: Iterable[str | Path],
    *,
    prune: bool = False,
    tagger: str | None = "rules",
    jobs: int | None = None,
    on_progress: ProgressCallback | None = None,
    on_changed: ChangeCallback | None = None,
) -> IngestReport:
    """Add the files under ``paths`` to ``library``; see :class:`Ingest`."""
    run = Ingest(library, tagger=tagger, jobs=jobs, on_progress=on_progress, on_changed=on_changed)
    return run.run(paths, prune=prune)
