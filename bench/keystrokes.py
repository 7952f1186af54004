"""Typing into the search, keystroke by keystroke (issue 15, bars 1 and 2).

    python bench/keystrokes.py HOME [--queries 20] [--seed 5]

(The issue's ``bench/typing.py``: a script of that name in bench/ would stand for the
standard library's ``typing`` in every other script run from the folder.)

Replays queries a letter at a time through the reader's own query path
(``LibraryHome.search(text, typing=True)``: the last word a prefix too, an
unfinished clause left for the next key), limit 24 as the reader asks, in one
process, and prints per-keystroke latency (p50/p95/p99, worst), the keystrokes
that showed zero hits (and of those, the ones whose last word really begins no
word in the library: only those may be empty), the keystrokes that raised an
error (a valid query being typed should raise none) and those whose result says
an error is pending (shown only after a pause). Then bare prefixes of one to
four letters (``b*``, ``bl*`` ...) and fuzzy terms, searched as typed in the
command line, p50/p95/p99.

The queries: 20 (``--queries``) of ``bench/scale.py``'s 200 (words, boolean pairs,
phrases, fields, date ranges; not its prefix and fuzzy ones), plus a few names
typed as people type them. The prefix and fuzzy tables are built (or loaded) before
the timing; their build time is printed apart. ``bench/fuzzy.py`` times the fuzzy
terms against bare Whoosh and the expansion as it was.

Timings on a shared 2-core machine are noisy: compare figures of one run.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import make_queries, percentile

from index.errors import QueryError
from index.home import LibraryHome
from index.paths import LibraryPaths
from index.search import fuzzy, lexicon, postings
from index.search.schema import TEXT_FIELDS
from index.search.typing import as_typed

NAMES = ["tony blair", "microsoft", "nuclear weapons", "chelsea", "federal reserve"]
LIMIT = 24  # reader.workers.TYPING_PAGE


def keystrokes(query: str) -> list[str]:
    return [query[:n] for n in range(1, len(query) + 1)]


def begins_a_word(home: LibraryHome, word: str) -> bool:
    """Whether any title or body word of the library begins with ``word`` (as indexed)."""
    searcher = home.library.searcher()
    for sub, _ in searcher.leaf_searchers():
        reader = sub.reader()
        for field in TEXT_FIELDS:
            for _ in reader.iter_prefix(field, word.lower()):
                return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("home", type=Path)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--compare", action="store_true", help="also type with and without posting sidecars"
    )
    args = parser.parse_args()
    home = LibraryHome(LibraryPaths(args.home), tagger=None)
    library = home.library
    started = time.perf_counter()
    lexicon.warm(library.searcher(), TEXT_FIELDS)
    prefixes_ready = time.perf_counter()
    fuzzy.warm(library.searcher(), TEXT_FIELDS)
    print(f"{library.count():,} articles; prefix tables ready in "
          f"{prefixes_ready - started:.2f} s, fuzzy tables in "
          f"{time.perf_counter() - prefixes_ready:.2f} s")  # fmt: skip
    started = time.perf_counter()
    written = postings.build_sidecars(library.searcher())
    print(f"posting sidecars ready in {time.perf_counter() - started:.2f} s"
          f" ({len(written)} written now)")  # fmt: skip
    queries = typed_queries(home, args.queries, args.seed)
    try:  # the process's first search aside (a cold disk cache can take it past 1 s)
        home.search("market", limit=LIMIT)
    except QueryError as error:
        print(f"first search: {error}")

    if args.compare:
        compare(home, queries)
    latencies: list[float] = []
    empty: list[str] = []
    truly_empty: list[str] = []
    errors: list[str] = []
    pending = 0
    for query in queries:
        for text in keystrokes(query):
            started = time.perf_counter()
            try:
                result = home.search(text, limit=LIMIT, typing=True)
            except QueryError as error:
                latencies.append((time.perf_counter() - started) * 1000)
                errors.append(f"{text!r}: {error}")
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            pending += result.pending is not None
            if result.total == 0:
                typed = as_typed(text)
                if typed.prefix is not None and not begins_a_word(home, typed.prefix):
                    truly_empty.append(text)
                else:
                    empty.append(text)
    print(f"\n{len(queries)} queries typed, {len(latencies)} keystrokes:")
    print(f"  per keystroke p50 {percentile(latencies, 50):.1f} ms  p95 "
          f"{percentile(latencies, 95):.1f} ms  p99 {percentile(latencies, 99):.1f} ms  "
          f"worst {max(latencies):.1f} ms  mean {statistics.mean(latencies):.1f} ms")  # fmt: skip
    print(f"  zero hits: {len(empty) + len(truly_empty)} keystrokes; "
          f"{len(truly_empty)} where the typed word begins no word in the library, "
          f"{len(empty)} others")  # fmt: skip
    for text in empty[:15]:
        print(f"    zero hits: {text!r}")
    final = []
    for query in queries:
        try:
            home.search(query, limit=LIMIT, typing=True)
        except QueryError as error:
            final.append(f"{query!r}: {error}")
    print(f"  unfinished clauses: {len(errors)} keystrokes had nothing searchable yet and "
          f"{pending} searched what could be read; the reader shows their error only after a "
          "pause, never while keys come")  # fmt: skip
    print(f"  errors of the complete queries: {len(final)}")
    for line in final[:10]:
        print(f"    {line}")

    words = [q for q in queries if q.isalpha()] + [n.split()[0] for n in NAMES]
    prefixes = sorted({w[:n] for w in words for n in range(1, 5) if len(w) >= n})
    prefix_ms = _timed(home, [f"{p}*" for p in prefixes])
    fuzzy_texts = fuzzy_terms(queries)
    fuzzy_ms = _timed(home, fuzzy_texts)
    for name, values, count in (("prefixes", prefix_ms, len(prefixes)),
                                ("fuzzy", fuzzy_ms, len(fuzzy_texts))):  # fmt: skip
        print(f"\n{name} ({count}, one to four letters for prefixes): p50 "
              f"{percentile(values, 50):.1f} ms  p95 {percentile(values, 95):.1f} ms  "
              f"p99 {percentile(values, 99):.1f} ms  worst {max(values):.1f} ms")  # fmt: skip
    home.close()


def compare(home: LibraryHome, queries: list[str]) -> None:
    """The keystrokes with postings read from Whoosh's blocks (the baseline) and from the
    sidecars, in alternate passes of the whole set (each pass from an empty posting
    cache, as a fresh process)."""
    texts = [text for query in queries for text in keystrokes(query)]
    runs: dict[str, list[list[float]]] = {"whoosh blocks": [], "sidecars": []}
    for _ in range(2):
        for mode in runs:
            with _sidecars(on=mode == "sidecars"):
                out = []
                for text in texts:
                    started = time.perf_counter()
                    with contextlib.suppress(QueryError):
                        home.search(text, limit=LIMIT, typing=True)
                    out.append((time.perf_counter() - started) * 1000)
                runs[mode].append(out)
    print("\nalternate passes, per keystroke:")
    for mode, passes in runs.items():
        for n, values in enumerate(passes, 1):
            p50, p95, p99 = (percentile(values, q) for q in (50, 95, 99))
            print(f"  {mode:13s} pass {n}: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms")
    ratio = statistics.median(
        percentile(s, 95) / percentile(w, 95)
        for s, w in zip(runs["sidecars"], runs["whoosh blocks"], strict=True)
    )
    print(f"  p95 sidecars / whoosh blocks: {ratio:.2f}")


@contextlib.contextmanager
def _sidecars(*, on: bool) -> Iterator[None]:
    saved = postings.SIDECAR_MIN_DOCS
    postings.SIDECAR_MIN_DOCS = saved if on else 2**62
    postings._SIDECARS._readers.clear()
    postings._CACHE._readers.clear()
    try:
        yield
    finally:
        postings.SIDECAR_MIN_DOCS = saved
        postings._SIDECARS._readers.clear()
        postings._CACHE._readers.clear()


def typed_queries(home: LibraryHome, count: int, seed: int) -> list[str]:
    """The queries typed: ``count`` of ``bench/scale.py``'s (not its prefix and fuzzy
    ones), then the names."""
    rng = random.Random(seed)
    plain = [q for q in make_queries(home.library) if "*" not in q and "~" not in q]
    return rng.sample(plain, min(count, len(plain))) + NAMES


def fuzzy_terms(queries: list[str]) -> list[str]:
    """The fuzzy terms searched: ``word~`` for each one-word query and each name's first
    word, of more than three letters (``bench/fuzzy.py`` times the same ones)."""
    words = [q for q in queries if q.isalpha()] + [n.split()[0] for n in NAMES]
    return sorted({f"{w}~" for w in words if len(w) > 3})


def _timed(home: LibraryHome, texts: list[str]) -> list[float]:
    out = []
    for text in texts:
        started = time.perf_counter()
        try:
            home.search(text, limit=20)
        except QueryError as error:
            print(f"    {text!r}: {error}")
        out.append((time.perf_counter() - started) * 1000)
    return out


if __name__ == "__main__":
    main()
