"""Issue 13 on the command line: ``list``, ``mark`` and ``saved``, headless."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", "--home", str(home), *args],
        cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip


def test_list_mark_and_saved_searches(home: Path) -> None:
    listed = json.loads(run(home, "list", "--json").stdout)
    assert listed["total"] == 7 and all(not a["read"] for a in listed["articles"])
    first, second = listed["articles"][0]["id"], listed["articles"][1]["id"]
    done = run(home, "mark", "read", first, second, "nope")
    assert done.returncode == 1
    assert "2 articles marked read (0 already were)" in done.stdout
    assert "no article with id 'nope'" in done.stderr
    assert run(home, "mark", "star", second).returncode == 0
    unread = json.loads(run(home, "list", "--unread", "--json").stdout)
    assert unread["total"] == 5 and first not in [a["id"] for a in unread["articles"]]
    starred = run(home, "list", "--starred").stdout
    assert starred.startswith(" ★") and "1–1 of 1 article" in starred
    hits = json.loads(run(home, "search", "is:read", "--json").stdout)
    assert {h["id"] for h in hits["hits"]} == {first, second}

    assert run(home, "saved", "add", "Gaza unread", "gaza", "is:unread").returncode == 0
    bad = run(home, "saved", "add", "Bad", "published:[zz")
    assert bad.returncode == 2 and "cannot read 'zz' as a date" in bad.stderr
    saved = json.loads(run(home, "saved", "list", "--json").stdout)
    gaza = json.loads(run(home, "search", "gaza", "is:unread", "--json").stdout)["total"]
    assert saved == [
        {"name": "Gaza unread", "query": "gaza is:unread", "articles": gaza, "unread": gaza}
    ]
    assert run(home, "saved", "remove", "gaza UNREAD").returncode == 0
    assert json.loads(run(home, "saved", "list", "--json").stdout) == []
    assert run(home, "mark", "unread", "--all").returncode == 0
    assert json.loads(run(home, "list", "--unread", "--json").stdout)["total"] == 7
