"""Reading and analysing source files, in worker processes or in-process, time-boxed.

What an ``add`` does before anything is written: each file read into its
articles and each article analysed (entities, dates), with a file that takes
too long skipped rather than waited on, and results streamed back in order
with bounded memory.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from index.errors import SourceError
from index.models import Analysis, Article
from index.sources import read_path

FILE_SECONDS = 60.0
"""Reading and analysing one file may take this long; past it the file is skipped."""
CHUNK_FILES = 16
"""Files a worker reads per task (fewer round trips than one file per task)."""


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
PR_SET_PDEATHSIG = 1
"""Linux ``prctl`` option: the signal a process gets when its parent dies."""
PARENT_POLL_SECONDS = 0.5


def init_worker(tagger: str | None, parent: int | None = None) -> None:
    """Set up a worker process of ``add``: its tagger, and that it ends with ``parent``.

    A SIGKILLed ``add`` cannot shut its pool down, and its workers would
    wait for work forever (each holds both ends of the pool's pipes, so none
    sees the other side close), holding the caller's stdout open: ``$(newsreader
    add ...)`` or a pipe into ``tee`` never ended. So a worker lets go of
    stdout (it prints nothing) and dies with its parent.
    """
    global _worker_tagger
    _worker_tagger = tagger
    release_stdout()
    if parent is not None:
        end_with_parent(parent)


def release_stdout() -> None:
    """Point this process's stdout at /dev/null (the parent's pipe stays the parent's)."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)


def end_with_parent(parent: int) -> None:
    """Die when process ``parent`` does: a parent-death signal on Linux, else (or if that
    is refused) a thread that watches for the parent to go."""
    if sys.platform.startswith("linux") and _parent_death_signal(signal.SIGKILL):
        if os.getppid() != parent:  # it died before the signal was set
            os._exit(1)
        return
    watcher = threading.Thread(target=_watch_parent, args=(parent,), daemon=True)
    watcher.start()


def _parent_death_signal(signum: int) -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def analyse(article: Article, tagger: str | None) -> Analysis:
    """Entities and dates of one article (nothing when ``tagger`` is None)."""
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


class TooSlow(BaseException):
    """Raised by the time box; a BaseException so readers' ``except Exception`` let it through."""


def time_boxed(call: Callable[[], _T], seconds: float) -> _T:
    """``call()``, interrupted by TooSlow after ``seconds`` (SIGALRM: main thread only).

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
            raise TooSlow

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
    return tuple((article, analyse(article, tagger)) for article in read_path(Path(path)))


def read_file(path: str, mtime_ns: int, size: int, tagger: str | None) -> FileResult:
    """Read and analyse one file; never raises (errors come back as text).

    Time-boxed to FILE_SECONDS where a signal can do it (worker processes and
    the CLI): a pathological file (e.g. megabytes of bare tags, which
    feedparser and trafilatura read at ~20 µs a tag) is skipped, not waited on.
    """
    try:
        analysed = time_boxed(lambda: _read_and_analyse(path, tagger), FILE_SECONDS)
    except TooSlow:
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
