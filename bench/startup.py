"""Startup to first paint of the reader with the article list populated.

Usage: python bench/startup.py LIBRARY_HOME [--runs N] [--size 120x36]

Runs the app headless (``App.run_test``) on an existing library and times,
from the moment the app is started, until the article list holds rows (and,
reported separately, until the first article is shown). Each run is a fresh
app and a freshly opened library, as a user launching ``newsreader`` gets.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from index.paths import LibraryPaths
from reader.app import NewsReaderApp
from reader.config import Config
from reader.context import Services
from reader.widgets.article_list import ArticleList
from reader.widgets.article_view import ArticleView

POLL_SECONDS = 0.005
TIMEOUT_SECONDS = 60.0


async def _until(pilot: object, condition: object) -> None:
    deadline = time.perf_counter() + TIMEOUT_SECONDS
    while not condition():  # type: ignore[operator]
        if time.perf_counter() > deadline:
            raise SystemExit("timed out waiting for the list")
        await asyncio.sleep(POLL_SECONDS)


def _rows(app: NewsReaderApp) -> int:
    lists = app.screen.query(ArticleList)
    return len(lists.first().hits) if lists else 0


def _article(app: NewsReaderApp) -> bool:
    views = app.screen.query(ArticleView)
    return bool(views) and views.first().stored is not None


async def one_run(home: Path, size: tuple[int, int]) -> tuple[float, float, int]:
    """Seconds to a populated list, seconds to the first article, rows shown."""
    started = time.perf_counter()
    app = NewsReaderApp(Services(LibraryPaths(home)), [], config=Config())
    async with app.run_test(size=size) as pilot:
        await _until(pilot, lambda: _rows(app) > 0)
        listed = time.perf_counter() - started
        await _until(pilot, lambda: _article(app))
        opened = time.perf_counter() - started
        rows = _rows(app)
    return listed, opened, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="120x36")
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    if not (args.home / "index").is_dir():
        raise SystemExit(f"{args.home} is not a library home (no index/ in it)")
    listed, opened = [], []
    for run in range(args.runs):
        first, article, rows = asyncio.run(one_run(args.home, (width, height)))
        listed.append(first)
        opened.append(article)
        print(
            f"run {run + 1}: list populated ({rows} rows) {first * 1000:.0f} ms, "
            f"first article shown {article * 1000:.0f} ms"
        )
    print(
        "startup to first paint with the list populated: "
        f"median {statistics.median(listed) * 1000:.0f} ms"
        f" (min {min(listed) * 1000:.0f}, max {max(listed) * 1000:.0f}) over {args.runs} runs;"
        f" first article shown: median {statistics.median(opened) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
