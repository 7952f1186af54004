"""Crash safety: a process writing bookmarks is killed with SIGKILL, many times.

The child adds bookmarks, edits notes and imports batches in a loop, printing
each write only after it returned. After every kill the database must pass
SQLite's integrity check and hold every write that was printed: each added
bookmark, each edit (or a later one), and every imported batch whole.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from index.bookmarks.store import BookmarkStore

ROOT = Path(__file__).resolve().parents[2]
RUNS = 30
BATCH = 20

CHILD = f"""
import random, sys
from index.bookmarks.store import BookmarkStore
from index.models import Article

body = " ".join(f"Sentence number {{i}} of the article, with some words." for i in range(400))
article = Article(id="crash", title="Crash test", body=body)
store = BookmarkStore(sys.argv[1])
rng = random.Random(int(sys.argv[2]))
mine, step = [], 0
while True:
    step += 1
    if step % 17 == 0:
        batch = f"{{sys.argv[2]}}-{{step}}"
        items = [{{
            "id": f"urn:newsreader:bookmark:b{{batch}}-{{j}}",
            "type": "Annotation",
            "target": {{"source": "urn:newsreader:article:crash",
                       "selector": {{"type": "TextQuoteSelector", "exact": "number {{j}}"}}}},
        }} for j in range({BATCH})]
        store.import_json(items)
        print("I", batch, flush=True)
    elif step % 5 == 0 and mine:
        target = rng.choice(mine)
        store.update(target, note=str(step), tags=["edited", str(step)])
        print("U", target, step, flush=True)
    else:
        start = rng.randrange(0, len(body) - 60)
        made = store.add(article, start, start + rng.randint(5, 60), note=str(step), tags=["t"])
        mine.append(made.id)
        print("A", made.id, flush=True)
"""


@dataclass
class Written:
    """What the children said they wrote (only writes that returned are printed)."""

    added: set[str] = field(default_factory=set)
    edited: dict[str, int] = field(default_factory=dict)
    batches: set[str] = field(default_factory=set)

    def take(self, line: str) -> None:
        kind, *rest = line.split()
        if kind == "A":
            self.added.add(rest[0])
        elif kind == "U":
            self.edited[rest[0]] = max(self.edited.get(rest[0], 0), int(rest[1]))
        elif kind == "I":
            self.batches.add(rest[0])


def run_and_kill(db: Path, seed: int, delay: float, *, after_first_write: bool) -> list[str]:
    """Start a writer, SIGKILL it ``delay`` seconds in, return the complete lines it printed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    assert child.stdout is not None
    first = child.stdout.readline() if after_first_write else b""
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    rest, errors = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, errors.decode(errors="replace")
    text = (first + rest).decode()
    complete = text[: text.rfind("\n") + 1] if "\n" in text else ""
    return complete.splitlines()


def check(db: Path, written: Written) -> None:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with BookmarkStore(db) as store:
        present = {b.id: b for b in store.list()}
    missing = written.added - set(present)
    assert not missing, f"{len(missing)} printed bookmarks lost: {sorted(missing)[:5]}"
    for bookmark_id, step in written.edited.items():
        assert int(present[bookmark_id].note) >= step
        assert present[bookmark_id].tags[0] == "edited"
    for batch in written.batches:
        assert sum(key.startswith(f"b{batch}-") for key in present) == BATCH
    imported = {key.rsplit("-", 1)[0] for key in present if "-" in key}  # added ids are hex
    for batch in imported:  # a batch is there whole or not at all, printed or not
        assert sum(key.rsplit("-", 1)[0] == batch for key in present) == BATCH


@pytest.mark.slow
def test_sigkill_while_writing_bookmarks_loses_no_returned_write(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    rng = random.Random(20241113)
    written = Written()
    for run in range(RUNS):
        delay = rng.uniform(0.02, 0.3)
        lines = run_and_kill(db, seed=run, delay=delay, after_first_write=run % 2 == 1)
        for line in lines:
            written.take(line)
        check(db, written)
    assert len(written.added) > RUNS  # the kills did land in the middle of writing
    assert written.edited and written.batches
