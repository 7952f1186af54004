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

from reader.context import Services

from index.paths import LibraryPaths
from reader.app import NewsReaderApp
from reader.config import Config
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


def tmux_run(home: Path, size: tuple[int, int]) -> float:
    """Seconds from launching the installed ``newsreader`` in tmux to a populated list on screen.

    This includes what the headless figure leaves out: starting Python and importing.
    """
    import os
    import shutil
    import subprocess
    import sys

    if shutil.which("tmux") is None:
        raise SystemExit("tmux is not installed")
    program = Path(sys.executable).parent / "newsreader"
    name = f"startup-bench-{os.getpid()}-{time.monotonic_ns()}"
    command = f"env -u COLUMNS -u LINES TERM=xterm-256color {program} --home {home}"
    started = time.perf_counter()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", str(size[0]), "-y", str(size[1]), command],
        check=True,
    )
    try:
        while time.perf_counter() - started < TIMEOUT_SECONDS:
            screen = subprocess.run(
                ["tmux", "capture-pane", "-t", name, "-p"], capture_output=True, text=True
            ).stdout
            lines = screen.splitlines()
            if any(" · " in line and "│" in line for line in lines[2:]):
                return time.perf_counter() - started
            time.sleep(0.01)
        raise SystemExit("timed out waiting for the list in tmux")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="120x36")
    parser.add_argument(
        "--tmux", action="store_true", help="also time the installed newsreader in a tmux pane"
    )
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
    if args.tmux:
        real = [tmux_run(args.home, (width, height)) for _ in range(args.runs)]
        print(
            "installed newsreader in tmux, launch to list on screen (incl. Python start-up): "
            f"median {statistics.median(real) * 1000:.0f} ms "
            f"(min {min(real) * 1000:.0f}, max {max(real) * 1000:.0f})"
        )


if __name__ == "__main__":
    main()
