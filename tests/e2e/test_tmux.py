"""End to end: the installed ``newsreader`` in a real terminal (tmux), driven by keys.

Builds a library with ``newsreader add`` (the seeds, plus BBC's politics folder
when ../shared/corpora is present; ``NEWSREADER_E2E_BBC=full`` adds all of
BBC), runs the reader in a 120x36 tmux pane, searches with ``/``, a query and
Enter, and reads the screen back with ``capture-pane`` (``-e`` for colours).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
BBC = ROOT.parent / "shared" / "corpora" / "bbc_news" / "bbc"
NEWSREADER = Path(sys.executable).parent / "newsreader"
PERSON_COLOUR = (215, 135, 255)
"""reader.render's PERSON colour, #d787ff."""

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.skipif(not NEWSREADER.exists(), reason=f"{NEWSREADER} is not installed"),
]


def _tmux(*args: str) -> str:
    done = subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=10)
    return done.stdout


def _sources() -> list[str]:
    sources = [str(SEEDS)]
    if BBC.is_dir():
        full = os.environ.get("NEWSREADER_E2E_BBC") == "full"
        sources.append(str(BBC if full else BBC / "politics"))
    return sources


def add_library(home: Path, sources: list[str], *, timeout: float = 300) -> Path:
    """``newsreader --home HOME add SOURCES``, as a user would build a library."""
    subprocess.run(
        [str(NEWSREADER), "--home", str(home), "add", *sources],
        check=True,
        capture_output=True,
        timeout=timeout,
    )
    return home


def launch(name: str, home: Path) -> None:
    """The reader on ``home`` in a new 120x36 tmux session called ``name``."""
    # COLUMNS/LINES (set under pytest) would override the pane's real size.
    command = (
        f"env -u COLUMNS -u LINES TERM=xterm-256color COLORTERM=truecolor "
        f"{NEWSREADER} --home {home}"
    )
    _tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "36", command)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return add_library(tmp_path / "home", _sources())


@pytest.fixture
def pane(library: Path) -> Iterator[str]:
    name = f"newsreader-e2e-{os.getpid()}"
    launch(name, library)
    try:
        yield name
    finally:
        _tmux("kill-session", "-t", name)


def _wait(pane: str, condition: Callable[[str], bool], seconds: float = 20.0) -> str:
    deadline = time.monotonic() + seconds
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-t", pane, "-p")
        if condition(screen):
            return screen
        time.sleep(0.2)
    raise AssertionError("the screen never showed what was expected:\n" + screen)


def _related_lines(screen: str) -> list[str]:
    """The text of the sidebar's Related section (between RELATED and the box's end)."""
    lines = screen.splitlines()
    start = next(i for i, line in enumerate(lines) if "RELATED" in line)
    column = lines[start].index("RELATED") - 1
    found = []
    for line in lines[start + 1 :]:
        cell = line[column:].strip("│╰╯─ ▁▃▄▅▆▇█")
        if line[column:].startswith("╰"):
            break
        found.append(cell.strip())
    return [text for text in found if text]


def _has_colour(escaped_line: str, rgb: tuple[int, int, int]) -> bool:
    """The line sets this 24-bit foreground (the pane runs with COLORTERM=truecolor)."""
    red, green, blue = rgb
    return re.search(rf"\x1b\[[0-9;]*38;2;{red};{green};{blue}m", escaped_line) is not None


def test_search_open_article_coloured_entities_and_related(pane: str) -> None:
    _wait(pane, lambda s: "articles" in s and " ×" in s)  # list loaded, an article open
    _tmux("send-keys", "-t", pane, "/")
    _tmux("send-keys", "-t", pane, "-l", "blinken dermer")
    _wait(pane, lambda s: "hit" in s.splitlines()[1])
    _tmux("send-keys", "-t", pane, "Enter")
    screen = _wait(pane, lambda s: "ENTITIES" in s and "Antony Blinken ×" in s)
    screen = _wait(pane, lambda s: "finding related" not in s)

    lines = screen.splitlines()
    assert "/ blinken dermer" in lines[1] and "relevance" in lines[1]
    # the hit list (left) and the open article (middle) both show the seed article
    assert screen.count("US-Israel Talks Intensify") >= 2, screen
    assert any("Secretary of State" in line for line in lines)
    related = _related_lines(screen)
    assert related and "nothing related" not in related[0] and "open an article" not in related[0]

    escaped = _tmux("capture-pane", "-t", pane, "-p", "-e").splitlines()
    article_lines = [line for line in escaped if "Dermer" in line and "Strategic" in line]
    assert article_lines, "the article's 'Ron Dermer' line is not on screen"
    assert _has_colour(article_lines[0], PERSON_COLOUR)

    _tmux("send-keys", "-t", pane, "q")
    time.sleep(0.5)
