"""End to end, issue 12 bar 5: the installed reader, open in tmux, shows a new feed entry
without a key press.

A loopback server serves one feed; ``newsreader feeds add URL`` subscribes (its first
fetch stores the two stories); ``config.toml`` has the reader look for due feeds
every second. The reader opens; the server publishes a third story and an hour
passes for the feed (its next fetch time is cleared in the library); the story
shows up at the top of the list, with a notice, and nothing was typed.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_tmux import NEWSREADER, _tmux, _wait, pytestmark  # noqa: F401

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "feeds"))
from feedkit import item, rss
from feedserver import FeedServer


@pytest.fixture
def session(tmp_path: Path) -> Iterator[str]:
    name = f"newsreader-feeds-{tmp_path.name}"
    yield name
    _tmux("kill-session", "-t", name)


def _story(n: int, title: str) -> str:
    return item(n, text=f"{title}: the harbour council met on Tuesday.").replace(
        f"<title>Story {n}</title>", f"<title>{title}</title>"
    )


def test_a_new_entry_appears_in_the_open_reader(tmp_path: Path, session: str) -> None:
    home = tmp_path / "H"
    home.mkdir()
    (home / "config.toml").write_text("[feeds]\ncheck_seconds = 1\n", encoding="utf-8")
    server = FeedServer()
    try:
        route = server.route(
            "/harbour.xml",
            body=rss([_story(1, "Harbour Wall Repaired"), _story(2, "Ferry Timetable Changes")]),
        )
        url = server.url("/harbour.xml")
        subprocess.run(
            [str(NEWSREADER), "--home", str(home), "feeds", "add", url],
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        command = (
            "env -u COLUMNS -u LINES TERM=xterm-256color COLORTERM=truecolor "
            f"{NEWSREADER} --home {home}"
        )
        _tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "36", command)
        _wait(session, lambda s: "Ferry Timetable Changes" in s, seconds=60)

        newest = 900  # hours after the others: the top of the newest-first list
        route.body = rss(
            [_story(1, "Harbour Wall Repaired"), _story(2, "Ferry Timetable Changes"),
             _story(newest, "Lighthouse Keeper Retires")]
        )  # fmt: skip
        with sqlite3.connect(home / "library.sqlite3") as conn:
            conn.execute("UPDATE subscriptions SET next_fetch = NULL")
        screen = _wait(session, lambda s: "Lighthouse Keeper Retires" in s, seconds=60)
        assert "1 new article from 1 feed" in _wait(session, lambda s: "new article" in s), screen
        left = [line[:40] for line in screen.splitlines()]  # the list pane
        rows = [line for line in left if "Lighthouse" in line or "Ferry" in line]
        assert "Lighthouse" in rows[0], screen
    finally:
        server.close()
