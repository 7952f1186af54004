"""Issue 13, bar 2: ``kill -9`` at 20 random moments while a script marks articles read.

A child process marks articles read one small batch at a time and prints each
batch's ids once ``mark`` has returned. After each kill the library opens, every
id the child printed is read (nothing marked is lost), and the unread count
the home gives equals a fresh count from the database.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.home import LibraryHome
from index.home.library import Library
from index.models import Analysis, Article
from index.paths import LibraryPaths

pytestmark = pytest.mark.slow

KILLS = 20
ARTICLES = 3000

CHILD = """
import sys
import time
from pathlib import Path
from index.home import LibraryHome
from index.paths import LibraryPaths
home = LibraryHome(LibraryPaths(Path(sys.argv[1])), tagger=None)
ids = sys.argv[2].split(",")
for start in range(0, len(ids), 25):
    batch = ids[start:start + 25]
    home.mark(batch, "read")
    print(",".join(batch), flush=True)
    time.sleep(0.03)  # a script's pace: the kill must land among the marks, not after
"""


def _fresh_unread(database: Path) -> int:
    with sqlite3.connect(database) as conn:
        return int(
            conn.execute(
                "SELECT COUNT(*) FROM articles a LEFT JOIN marks m ON m.article_id = a.id"
                " WHERE m.read_at IS NULL"
            ).fetchone()[0]
        )


def test_kill_9_while_marking_loses_no_mark(tmp_path: Path) -> None:
    paths = LibraryPaths(tmp_path / "library")
    library = Library.open(paths)
    ids = [f"{n:016x}" for n in range(ARTICLES)]
    library.put([(Article(id=i, title=f"Story {i}", body=f"text {i}"), Analysis()) for i in ids])
    library.close()
    rng = random.Random(7)
    confirmed: set[str] = set()
    killed = 0
    root = Path(__file__).resolve().parents[2]
    for round_ in range(KILLS):
        todo = [i for i in ids if i not in confirmed][:400]
        if len(todo) < 400:  # all confirmed: start again from unread
            reset = LibraryHome(paths, tagger=None)
            reset.mark(sorted(confirmed), "unread")
            reset.close()
            confirmed.clear()
            todo = ids[:400]
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(paths.home), ",".join(todo)],
            stdout=subprocess.PIPE, text=True, cwd=root,
            env={**os.environ, "PYTHONPATH": str(root)},
        )  # fmt: skip
        time.sleep(rng.uniform(0.3, 1.2))
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            killed += 1
        out, _ = child.communicate()
        for line in out.splitlines():
            if line.strip():
                confirmed.update(line.strip().split(","))
        home = LibraryHome(paths, tagger=None)
        try:
            marks = home.marks(sorted(confirmed))
            lost = [i for i in confirmed if not marks.get(i) or not marks[i].read]
            assert not lost, f"round {round_}: {len(lost)} confirmed marks lost"
            assert home.mark_counts()["unread"] == _fresh_unread(paths.database)
        finally:
            home.close()
    print(f"\n{KILLS} runs, {killed} killed; {len(confirmed)} marks confirmed, none lost")
    assert killed >= KILLS // 2
