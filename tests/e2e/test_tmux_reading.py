"""End to end, issue 13 bar 1: the installed reader on a library with subscriptions (a
loopback server) and an added folder. Open a feed in the sources pane, read two
articles (its count falls by two), star one, save a search, mark all read and undo,
quit and relaunch: everything kept."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_tmux import NEWSREADER, SEEDS, _tmux, _wait, pytestmark  # noqa: F401

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "feeds"))
from feedkit import item, rss
from feedserver import FeedServer


def _cli(home: Path, *args: str) -> str:
    done = subprocess.run([str(NEWSREADER), "--home", str(home), *args],
                          capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    return done.stdout


@pytest.fixture
def session(tmp_path: Path) -> Iterator[str]:
    name = f"newsreader-reading-{tmp_path.name}"
    yield name
    _tmux("kill-session", "-t", name)


def _launch(session: str, home: Path) -> None:
    command = (
        "env -u COLUMNS -u LINES TERM=xterm-256color COLORTERM=truecolor "
        f"{NEWSREADER} --home {home}"
    )
    _tmux("new-session", "-d", "-s", session, "-x", "140", "-y", "40", command)


def _row(screen: str, name: str) -> str:
    """The sources pane's row for ``name`` (the pane is the first 28 columns)."""
    rows = (line[:28] for line in screen.splitlines() if line.startswith("│"))
    return next((row for row in rows if name in row), "")


def _in_article(screen: str, text: str) -> bool:
    """``text`` in the article pane (right of the sources pane and the list)."""
    return any(text in line[58:] for line in screen.splitlines())


def _count(screen: str, name: str) -> str:
    """The unread count at the row's right ("" when none are unread)."""
    words = _row(screen, name).strip("│ ").split()
    return words[-1] if words and words[-1].replace(",", "").isdigit() else ""


def test_a_reading_session_is_kept(tmp_path: Path, session: str) -> None:
    home = tmp_path / "H"
    home.mkdir()
    (home / "config.toml").write_text(
        "[reading]\nmark_read_after = 0\n[feeds]\nbackground = false\n"
    )
    server = FeedServer()
    try:
        server.route("/wire.xml", body=rss([item(n) for n in range(1, 6)], title="Wire Desk"))
        _cli(home, "feeds", "add", "--folder", "News", server.url("/wire.xml"))
        _cli(home, "add", str(SEEDS))
        _launch(session, home)
        _wait(session, lambda s: "unread" in s.splitlines()[0], seconds=60)
        _tmux("send-keys", "-t", session, "F")
        # The newest story opened by itself at start, so it is read already: 4 of 5 unread.
        screen = _wait(session, lambda s: "FEEDS" in s and _count(s, "Wire Desk") == "4")
        # The feed's row: All, Unread, Starred, Bookmarked, then (past its headings) it.
        for _ in range(4):
            _tmux("send-keys", "-t", session, "j")
        time.sleep(0.3)
        _tmux("send-keys", "-t", session, "Enter")
        _wait(session, lambda s: 'feed:"Wire Desk"' in s and "5 hits" in s)
        for story in (5, 4, 3):  # open the first (read already), then the next two
            if story != 5:
                _tmux("send-keys", "-t", session, "l")
                _tmux("send-keys", "-t", session, "j")
            _tmux("send-keys", "-t", session, "Enter")
            _wait(session, lambda s, n=story: _in_article(s, f"Story number {n} reports"))
            time.sleep(0.3)  # a person's pace
        _wait(session, lambda s: _count(s, "Wire Desk") == "2")  # two fewer unread
        _tmux("send-keys", "-t", session, "l", "*")  # star the last one read
        _wait(session, lambda s: "★ Story 3" in s)
        time.sleep(0.3)
        _tmux("send-keys", "-t", session, "S")
        _wait(session, lambda s: "Save this search" in s)
        _tmux("send-keys", "-t", session, "-l", "Wire")
        _tmux("send-keys", "-t", session, "Enter")
        _wait(session, lambda s: "SAVED" in s)
        time.sleep(0.3)
        _tmux("send-keys", "-t", session, "A")
        _wait(session, lambda s: _count(s, "Wire Desk") == "")  # all read (the toast says how many)
        _tmux("send-keys", "-t", session, "U")
        _wait(session, lambda s: _count(s, "Wire Desk") == "2")
        _tmux("send-keys", "-t", session, "q")
        listed = json.loads(_cli(home, "list", "--json"))
        wire = [a for a in listed["articles"] if a["source"] == "Wire Desk"]
        assert sum(a["read"] for a in wire) == 3 and sum(a["starred"] for a in wire) == 1
        assert json.loads(_cli(home, "saved", "list", "--json"))[0]["query"] == 'feed:"Wire Desk"'

        _launch(session, home)  # relaunch: the pane, the view and the counts come back
        screen = _wait(
            session,
            lambda s: 'feed:"Wire Desk"' in s and "SAVED" in s and "5 hits" in s,  # not before
            seconds=60,  # the restored search's hits are in
        )
        assert _count(screen, "Wire Desk") == "2", screen
        assert "★" in screen, screen
    finally:
        server.close()
