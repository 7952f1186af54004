"""10,000 fuzzed queries: each returns hits or raises QueryError, within a second.

Queries are random strings over the query language's own characters, mutated
real queries, very long ones and odd field names. Seeded, so a failure is
reproducible; the slowest query and the p99 are printed (``pytest -s``).
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from support import WORDS

from index.errors import QueryError
from index.home.library import Library
from index.models import Analysis, Article, DateMention, EntitySpan, stable_id
from index.search.deadline import QUERY_SECONDS
from index.search.query import MAX_QUERY_CHARS

SEED = 7
QUERIES = 10_000
BOUND_SECONDS = QUERY_SECONDS + 3.0
"""Not a speed figure (those are printed): a hang detector. Every query stops at the
search's own deadline with a QueryError; one that ran far past it would be unbounded."""

REAL = [
    "blair AND election", '"election campaign"', "elect*", "blinkn~", "gaza OR israel",
    "published:[2024-11-01 to 2024-11-30]", "published:yesterday", "published:2024",
    'person:"antony blinken"', "person:blinken", "mentioned:2024-11-10", "place:gaza",
    "title:market NOT tax", "(bank OR trade) AND -storm", "published:>2024-01-01",
    "source:wire", "market^2 tax", '"tax budget"~3', "org:united", "mentioned:[2024 to]",
    "budget~2", "t*x", "published:{2024-11-01 TO}", "body:(alpha beta)", "norp:israeli",
]  # fmt: skip
FIELDS = ["title", "body", "published", "mentioned", "person", "place", "org", "norp", "entity",
          "source", "author", "url", "id", "PUBLISHED", "Title", "nosuch", "_x", "a1", "é",
          "published.", "x-y", "http", "c"]  # fmt: skip
ODD = (
    "\"()[]{}:*?~^-+!/\\'<>=&|,. \t\n"
    "\u200b\u200c\u200d\u2060\ufeff\u202e\u202d\u0301é中文😀\x00\x7f"
)
PIECES = [
    "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO", "to", "[", "]", "{", "}", "(", ")", '"',
    "*", "?", "~", "~2", "^", "^3", ":", "yesterday", "today", "next week", "2024", "2024-11",
    "2024-11-10", "20241110", "9999", "0000-00-00", "-1", "1e9", "*:*", "?*", "**", "~~",
]  # fmt: skip


def _library() -> Library:
    library = Library.in_memory(now=datetime(2024, 11, 12))
    rng = random.Random(SEED)
    items = []
    for number in range(200):
        body = " ".join(rng.choice(WORDS) for _ in range(80))
        published = datetime(2024, 1, 1) + timedelta(days=rng.randrange(366))
        article = Article(
            id=stable_id(f"fuzz-{number}"),
            title=f"{rng.choice(WORDS)} {rng.choice(WORDS)} {number}",
            body=body,
            published=published,
            source=rng.choice(["wire", "desk", "blog"]),
        )
        analysis = Analysis(
            entities=(EntitySpan(0, 4, "PERSON", "Antony Blinken", "Antony Blinken"),),
            dates=(DateMention(0, 4, "10 November", published.date(), "day"),),
        )
        items.append((article, analysis))
    library.put(items)
    return library


def _random_text(rng: random.Random) -> str:
    alphabet = ODD + "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 60)))


def _mutated(rng: random.Random) -> str:
    chars = list(rng.choice(REAL))
    for _ in range(rng.randrange(1, 6)):
        where = rng.randrange(len(chars) + 1)
        action = rng.randrange(3)
        if action == 0:
            chars.insert(where, rng.choice(ODD))
        elif action == 1 and chars:
            del chars[min(where, len(chars) - 1)]
        else:
            chars.insert(where, f" {rng.choice(PIECES)} ")
    return "".join(chars)


def _pieces(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randrange(1, 12)):
        kind = rng.randrange(4)
        if kind == 0:
            parts.append(f"{rng.choice(FIELDS)}:{rng.choice(PIECES + WORDS)}")
        elif kind == 1:
            parts.append(rng.choice(PIECES))
        else:
            parts.append(rng.choice(WORDS) + rng.choice(["", "*", "~", "~1", "^2", "?"]))
    return rng.choice([" ", "", " AND ", "("]).join(parts)


def _long(rng: random.Random) -> str:
    size = rng.choice([MAX_QUERY_CHARS - 1, MAX_QUERY_CHARS, MAX_QUERY_CHARS + 1, 5000, 100_000])
    unit = rng.choice(["(" * 3, "a* ", "x~ ", '"', "[", "alpha OR ", "published:2024 ", "é"])
    return (unit * (size // len(unit) + 1))[:size]


def _wide(rng: random.Random) -> str:
    """Many terms near the length cap: the expensive shapes (OR-chains, prefixes, fuzzy)."""
    unit = rng.choice(["{w}* OR ", "{w}~2 ", '"{w} {w}" ', "{w}? AND ", "title:{w}* "])
    out = ""
    while len(out) < MAX_QUERY_CHARS - 40:
        out += unit.format(w=rng.choice(WORDS)[: rng.randrange(1, 5)])
    return out


GENERATORS: list[Callable[[random.Random], str]] = [_random_text, _mutated, _pieces, _long, _wide]


def _queries() -> Iterator[str]:
    rng = random.Random(SEED)
    weights = [32, 32, 32, 2, 2]
    for _ in range(QUERIES):
        yield rng.choices(GENERATORS, weights)[0](rng)


@pytest.fixture(scope="module")
def small_library() -> Library:
    return _library()


@pytest.mark.slow
def test_fuzzed_queries_answer_or_fail_cleanly_within_a_second(small_library: Library) -> None:
    library = small_library
    durations: list[tuple[float, str]] = []
    failures: list[str] = []
    answered = refused = 0
    for query in _queries():
        started = time.perf_counter()
        try:
            library.search(query, limit=10)
            answered += 1
        except QueryError as error:
            refused += 1
            assert str(error) and "\n" not in str(error), query
        except Exception as error:
            failures.append(f"{query!r}: {type(error).__name__}: {error}")
        durations.append((time.perf_counter() - started, query))
    durations.sort()
    slowest, worst = durations[-1]
    p99 = durations[int(len(durations) * 0.99)][0]
    print(f"\n{QUERIES} queries: {answered} answered, {refused} QueryError, "
          f"max {slowest * 1000:.1f} ms ({worst[:60]!r}), p99 {p99 * 1000:.1f} ms")  # fmt: skip
    assert not failures, "\n".join(failures[:20])
    assert slowest < BOUND_SECONDS, f"{worst[:200]!r} took {slowest:.2f}s"


@pytest.mark.parametrize(
    "query",
    [
        "electionminister~5",  # Whoosh builds a Levenshtein automaton exponential in the distance
        "budg 2024 e~/2",  # a fuzzy prefix longer than the word: IndexError inside Whoosh
        "climate~id:~tax~1london^2entity:councilcourt~9999gamma*",
    ],
)
def test_queries_that_once_hung_or_crashed(query: str, small_library: Library) -> None:
    with contextlib.suppress(QueryError):
        small_library.search(query)


def test_too_many_fuzzy_or_wildcard_terms_is_refused(small_library: Library) -> None:
    with pytest.raises(QueryError, match="too many fuzzy or wildcard terms"):
        small_library.search(" ".join(f"{word}~" for word in WORDS * 2))
