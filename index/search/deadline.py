"""A time limit for one query: past it, the search stops with a one-line reason.

Some queries cost far more than their length suggests: a wildcard walking
every word of the index, a prefix standing for thousands of words that Whoosh
then matches one by one. The parse is bounded (see ``query``), the expensive
shapes are refused or capped there, and this is the net under all of them:
``Library.search`` runs inside :func:`deadline`, and the loops that can run
long (a term walk, a posting-by-posting match, the collector) call
:func:`check`, which raises :class:`QueryTooSlow` once the time is up. The
deadline lives in a context variable, so each thread (the reader's library
thread, a CLI) has its own and code outside a search pays nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from whoosh.collectors import WrappingCollector

from index.errors import QueryError

QUERY_SECONDS = 1.0
"""How long one search (parse, plan and run) may take before it is stopped."""

CHECK_EVERY = 256
"""Documents or words between two looks at the clock in the tightest loops."""

_END: ContextVar[tuple[float, float] | None] = ContextVar("query_deadline", default=None)
"""When the current query must end (a monotonic time), and the seconds it was given."""


class QueryTooSlow(QueryError):
    """A query ran past its deadline and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the query took more than {seconds:g} s and was stopped; narrow it "
            "(longer prefixes before * or ?, fewer wildcard or fuzzy terms)"
        )


@contextmanager
def deadline(seconds: float = QUERY_SECONDS) -> Iterator[None]:
    """Run the block with a query deadline ``seconds`` from now (an outer one is kept
    if it ends sooner)."""
    mine = (time.monotonic() + seconds, seconds)
    outer = _END.get()
    token = _END.set(mine if outer is None else min(mine, outer))
    try:
        yield
    finally:
        _END.reset(token)


def check() -> None:
    """Raise :class:`QueryTooSlow` if the current query's deadline has passed."""
    current = _END.get()
    if current is not None and time.monotonic() > current[0]:
        raise QueryTooSlow(current[1])


class DeadlineCollector(WrappingCollector):  # type: ignore[misc]
    """A Whoosh collector that looks at the deadline while it walks the matches."""

    def matches(self) -> Iterator[Any]:
        for number, docnum in enumerate(self.child.matches()):
            if number % CHECK_EVERY == 0:
                check()
            yield docnum
