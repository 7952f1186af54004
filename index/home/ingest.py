"""Adding articles to a library: incremental, batched, parallel, and safe to interrupt.

A file whose size and mtime match the last run is not read again; a changed
file's articles are compared by content hash, so only new or edited articles
are analysed and indexed. Work is committed in batches (index first, then the
store), so a killed run leaves the last committed batch intact and a re-run
finishes the job. What is not a file (a subscription's entries) comes in
through :func:`ingest_articles`, with the same batches and the same rules.

One article, one id, one document: the same entry in two files is one
article, carried by both (see ``carriers``), and ``--prune`` removes it only
when no file carries it any more.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from index.errors import SourceError
from index.home.batch import Batch, ChangeCallback, IngestReport
from index.home.library import Library
from index.home.reading import (
    FILE_SECONDS,
    FileResult,
    TooSlow,
    analyse,
    bounded_map,
    init_worker,
    read_file,
    reference_date,
    time_boxed,
)
from index.home.store import FileRecord
from index.models import Analysis, Article, Progress
from index.sources import discover

__all__ = [
    "FILE_SECONDS",
    "ChangeCallback",
    "FileResult",
    "Ingest",
    "IngestReport",
    "bounded_map",
    "ingest",
    "ingest_articles",
    "read_file",
    "reference_date",
]

BATCH_ARTICLES = 10_000
"""Articles per commit. Each commit is a Whoosh segment: 10,000 keeps a
100,000-article library at 10 segments with no merging (see
``library.bounded_merge``), where 1,000 made Whoosh re-merge the index every
~18 commits. Every search and related look-up pays a little per segment (a
term look-up, a posting reader): at 20 segments that was a third of a phrase
search's time."""
BATCH_SECONDS = 30.0
"""...or fewer when a batch has been filling this long (what an interrupt can lose)."""
FIRST_BATCH_ARTICLES = 1_000
FIRST_BATCH_SECONDS = 5.0
"""An ``add``'s first batch is small and each next one twice the last, up to the limits
above: the first articles are kept (and searchable, and the store free for a bookmark)
within seconds, where a first batch of 10,000 articles or 60 s lost all of it to a kill
and kept a ``bookmarks add`` waiting on its long commit; a big ``add`` still ends in
10,000-article segments after the first few."""
BATCH_GROWTH = 2
PARALLEL_MIN_FILES = 200
"""Below this many changed files, a process pool costs more than it saves."""
WINDOW_PER_WORKER = 32
"""Chunks in flight per worker (2 workers: 1,024 files, a few tens of MB): enough
for the workers to keep analysing while the main process commits a batch."""

ProgressCallback = Callable[[Progress], None]


class Ingest:
    """One ``add`` run over some paths into a library (the caller holds the write lock)."""

    def __init__(
        self,
        library: Library,
        *,
        tagger: str | None = "rules",
        jobs: int | None = None,
        on_progress: ProgressCallback | None = None,
        on_changed: ChangeCallback | None = None,
        stories: bool = True,
    ) -> None:
        self.library = library
        self.tagger = tagger
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self.on_progress = on_progress
        self.report = IngestReport()
        self._batch = Batch(
            library,
            self.report,
            limit=min(FIRST_BATCH_ARTICLES, BATCH_ARTICLES),
            seconds=min(FIRST_BATCH_SECONDS, BATCH_SECONDS),
            on_changed=on_changed,
            stories=stories,
        )
        self._held: FileResult | None = None
        """A file read but left for the next batch (it would have made this one too big,
        or it repeats an article of this one with other text)."""
        self._rehome: set[str] = set()
        """Articles whose stored copy came from a file now gone: rewritten from another."""

    def run(self, paths: Iterable[str | Path], *, prune: bool = False) -> IngestReport:
        started = time.monotonic()
        gone = self._gone_files() if prune else []
        jobs = self._plan(paths, self._must_read(gone))
        total = len(jobs) + self.report.files
        self._progress(self.report.files, total, "")
        results = self._results(jobs)
        try:
            while self._index_batch(results, total):
                self._batch.commit(indexed=True)
                self._batch.grow(BATCH_GROWTH, limit=BATCH_ARTICLES, seconds=BATCH_SECONDS)
            self._batch.commit(indexed=True)
        finally:
            results.close()
        if gone:
            for record in gone:
                self._batch.drop(record.path, record.article_ids)
            self._batch.commit()
        self._batch.assign_leftovers()
        self.report.seconds = time.monotonic() - started
        return self.report

    # Planning: which files need reading ------------------------------------

    def _gone_files(self) -> list[FileRecord]:
        """Files the library remembers that are no longer files (deleted, or now a folder)."""
        return [record for record in self.library.store.files() if not os.path.isfile(record.path)]

    def _must_read(self, gone: Sequence[FileRecord]) -> set[str]:
        """Files to read even if unchanged: those naming articles the store lacks (an older
        prune removed them), and, for each article whose stored copy came from a file in
        ``gone``, another file that carries it."""
        store = self.library.store
        forced = {path for path in store.carriers_missing_articles() if os.path.isfile(path)}
        gone_paths = {record.path for record in gone}
        ids = [article_id for record in gone for article_id in record.article_ids]
        homes = store.paths(ids)
        carriers = store.carriers_for(ids)
        for article_id in ids:
            if homes.get(article_id) not in gone_paths:
                continue
            others = [c for c in carriers.get(article_id, ()) if c not in gone_paths]
            others = [c for c in others if os.path.isfile(c)]
            if others:
                forced.add(others[0])
                self._rehome.add(article_id)
        return forced

    def _plan(self, paths: Iterable[str | Path], forced: set[str]) -> list[tuple[str, int, int]]:
        store = self.library.store
        jobs: list[tuple[str, int, int]] = []
        planned: set[str] = set()
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
            if key in planned:
                continue
            planned.add(key)
            record = store.file(key)
            if record and _same_stat(record, stat) and key not in forced:
                self.report.files += 1
                if record.error:
                    self.report.skipped.append(SourceError(key, record.error))
                for article_id in record.article_ids:
                    self._batch.count(article_id, "unchanged")
                continue
            jobs.append((key, stat.st_mtime_ns, stat.st_size))
        for key in sorted(forced - planned):  # outside the paths given: read for what they carry
            try:
                stat = os.stat(key)
            except OSError:
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
            initializer=init_worker,
            initargs=(self.tagger, os.getpid()),
        )
        try:
            yield from bounded_map(pool, jobs, window=self.jobs * WINDOW_PER_WORKER)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    # Taking results ---------------------------------------------------------

    def _take(self, result: FileResult) -> list[tuple[Article, Analysis]]:
        """The file's articles to index now; its new record goes into the batch."""
        previous = self.library.store.file(result.path)
        held = previous.article_ids if previous is not None else ()
        if result.error is not None:
            self.report.skipped.append(SourceError(result.path, result.error))
            if not result.transient:  # remembered, and it keeps what it carried until fixed
                record = FileRecord(result.path, result.mtime_ns, result.size, held, result.error)
                self._batch.carry_file(record, held)
            return []
        analyses = {article.id: analysis for article, analysis in result.articles}
        fresh, carried = self._batch.take(
            [article for article, _ in result.articles],
            lambda article: analyses.get(article.id),
            force=self._rehome,
        )
        record = FileRecord(result.path, result.mtime_ns, result.size, tuple(carried), None)
        self._batch.carry_file(record, held)
        return fresh

    def _index_batch(self, results: Iterator[FileResult], total: int) -> bool:
        """Stream results into the index until a batch is due; False once results run out.

        The library indexes each article as it arrives (``Library.put`` takes
        an iterator), so the main process indexes while the workers analyse.
        """
        more = False
        batch = self._batch

        def stream() -> Iterator[tuple[Article, Analysis]]:
            nonlocal more
            held, self._held = self._held, None
            for result in itertools.chain([held] if held else [], results):
                articles = [article for article, _ in result.articles]
                if batch.articles and (
                    len(batch.articles) + len(articles) > batch.limit or batch.clashes(articles)
                ):
                    self._held = result  # never more than a batch, never an id twice
                    more = True
                    return
                fresh = self._take(result)
                self.report.files += 1
                self._progress(self.report.files, total, result.path)
                yield from fresh
                if batch.due():
                    more = True
                    return

        self.library.put(stream(), is_new=batch.new_check())
        return more

    def _progress(self, done: int, total: int, current: str) -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(done, total, current, self.report.counts()))


def _same_stat(record: FileRecord, stat: os.stat_result) -> bool:
    return record.mtime_ns == stat.st_mtime_ns and record.size == stat.st_size


def ingest(
    library: Library,
    paths: Iterable[str | Path],
    *,
    prune: bool = False,
    tagger: str | None = "rules",
    jobs: int | None = None,
    on_progress: ProgressCallback | None = None,
    on_changed: ChangeCallback | None = None,
    stories: bool = True,
) -> IngestReport:
    """Add the files under ``paths`` to ``library``; see :class:`Ingest`. With ``stories``
    (the default) the articles are grouped into stories as they are committed."""
    run = Ingest(
        library,
        tagger=tagger,
        jobs=jobs,
        on_progress=on_progress,
        on_changed=on_changed,
        stories=stories,
    )
    return run.run(paths, prune=prune)


def ingest_articles(
    library: Library,
    carrier: str,
    articles: Sequence[Article],
    *,
    tagger: str | None = "rules",
    on_changed: ChangeCallback | None = None,
    on_progress: ProgressCallback | None = None,
    replace: bool = False,
) -> IngestReport:
    """Add articles that come from no file (a subscription's entries), carried by ``carrier``
    (``"feed:" + URL``); the caller holds the write lock, as for :func:`ingest`.

    Each article is analysed and indexed only when its text is new or
    changed, in the same batches, with the same commits, as files. The
    carrier holds them as well as what it held before (a feed's entries stay
    when they drop out of the feed), or, with ``replace``, instead: then what
    it held and no carrier holds any more is removed. Of two articles with
    one id, the later counts. An article whose analysis fails is skipped
    with its reason, and the rest go on.
    """
    return ingest_carried(
        library,
        [(carrier, articles)],
        tagger=tagger,
        on_changed=on_changed,
        on_progress=on_progress,
        replace=replace,
    )


def ingest_carried(
    library: Library,
    carried: Sequence[tuple[str, Sequence[Article]]],
    *,
    tagger: str | None = "rules",
    on_changed: ChangeCallback | None = None,
    on_progress: ProgressCallback | None = None,
    replace: bool = False,
) -> IngestReport:
    """:func:`ingest_articles` for several carriers in one run: one batch, its commits
    shared. A refresh hands in many feeds at once: a commit per feed made Whoosh write
    each small segment's terms apart, three times the indexing time of 500 feeds."""
    started = time.monotonic()
    report = IngestReport()
    batch = Batch(
        library, report, limit=BATCH_ARTICLES, seconds=BATCH_SECONDS, on_changed=on_changed
    )
    previous = {carrier: library.store.carried_by(carrier) for carrier, _ in carried}
    latest = [
        (carrier, article)
        for carrier, articles in carried
        for article in {article.id: article for article in articles}.values()
    ]
    held: dict[str, list[str]] = {carrier: [] for carrier, _ in carried}
    carriers = {article.id: carrier for carrier, article in latest}

    def analysed(article: Article) -> Analysis | None:
        try:
            return time_boxed(lambda: analyse(article, tagger), FILE_SECONDS)
        except TooSlow:
            reason = f"took over {FILE_SECONDS:.0f} s to analyse, skipped"
        except Exception as error:  # a bug of ours must not stop the rest
            reason = f"internal error, please report: {type(error).__name__}: {error}"
        where = f"{carriers.get(article.id, '')} {article.url or article.title}"
        report.skipped.append(SourceError(where, reason))
        return None

    pending = enumerate(latest, start=1)
    more = True
    while more:
        more = False

        def stream() -> Iterator[tuple[Article, Analysis]]:
            nonlocal more
            for done, (carrier, article) in pending:
                fresh, ids = batch.take([article], analysed)
                held[carrier].extend(ids)
                batch.carry(carrier, ids, replace=False)
                if on_progress is not None:
                    on_progress(Progress(done, len(latest), carrier, report.counts()))
                yield from fresh
                if batch.due():
                    more = True
                    return

        library.put(stream(), is_new=batch.new_check())
        batch.commit(indexed=True)
    if replace:
        for carrier, ids in held.items():
            batch.carry(carrier, ids, replace=True, previous=previous[carrier])
        batch.commit()
    batch.assign_leftovers()
    report.seconds = time.monotonic() - started
    return report
