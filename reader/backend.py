"""One thread for every call into the library, so the UI thread never blocks on it.

Textual's thread workers each run in a thread of their own, but the library's
SQLite connection belongs to the thread that opened it. Workers therefore hand
their library calls to this single long-lived thread and wait for the answer;
the UI thread itself never calls the library. Calls are serialised, which the
library does anyway (it holds a lock around its searcher and store).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class Backend:
    """Runs library calls on one dedicated thread."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="library")

    def call(self, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        """Run ``function`` on the library thread and return its result (or raise its error)."""
        return self._executor.submit(function, *args, **kwargs).result()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
