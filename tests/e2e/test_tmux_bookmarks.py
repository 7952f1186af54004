"""End to end: bookmark a passage in the installed reader, quit, relaunch, find it again.

Issue 5's terminal check: open the seed article, move to the sentence about
the 13 November deadline, bookmark it with a note, quit, relaunch, open the
Bookmarks screen (B): it is there; Enter jumps to it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_tmux import SEEDS, _tmux, _wait, add_library, launch, pytestmark  # noqa: F401


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return add_library(tmp_path / "home", [str(SEEDS)], timeout=120)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[str]:
    name = f"newsreader-bm-{tmp_path.name}"
    yield name
    _tmux("kill-session", "-t", name)


def _launch(name: str, home: Path) -> None:
    launch(name, home)
    _wait(name, lambda s: "articles" in s and " ×" in s)  # list loaded, an article open


def test_bookmark_survives_a_restart_and_enter_jumps_to_it(home: Path, session: str) -> None:
    _launch(session, home)
    _tmux("send-keys", "-t", session, "/")
    _tmux("send-keys", "-t", session, "-l", '"13 november"')
    _wait(session, lambda s: "1 hit" in s.splitlines()[1])
    _tmux("send-keys", "-t", session, "Enter")
    _wait(session, lambda s: "Back to list" not in s.splitlines()[-1])  # focus left the input
    _tmux("send-keys", "-t", session, "a")  # the article; its cursor is on the hit's sentence
    time.sleep(0.3)
    _tmux("send-keys", "-t", session, "b")
    _wait(session, lambda s: "Bookmark" in s and "note (optional)" in s)
    for keys in (["-l", "deadline for aid"], ["Enter"], ["-l", "gaza"], ["Enter"]):
        _tmux("send-keys", "-t", session, *keys)
        time.sleep(0.3)  # a person's pace: each Enter moves focus before the next keys
    _wait(session, lambda s: "note (optional)" not in s)
    _tmux("send-keys", "-t", session, "q")
    _wait(session, lambda s: "newsreader —" not in s, seconds=10)
    _tmux("kill-session", "-t", session)

    _launch(session, home)
    _tmux("send-keys", "-t", session, "B")
    screen = _wait(session, lambda s: "1 shown" in s)
    assert "until 13 November to significantly improve aid" in " ".join(screen.split())
    assert "✎ deadline for aid" in screen and "#gaza" in screen
    _tmux("send-keys", "-t", session, "Enter")
    # back on the main screen, the article scrolled to the passage
    screen = _wait(
        session,
        lambda s: (
            "shown" not in s
            and any("▌" in line and "13 November ·2024-11-13" in line for line in s.splitlines())
        ),
    )
    assert "ENTITIES" in screen and "US-Israel Talks Intensify" in screen
