"""The sources pane's counts as SQLite's triggers keep them (``index.home.tally``).

Every change the home makes to articles, marks, carriers and folders, in a random
order over real SQLite files, and after each one the kept counts equal a count from
scratch: feeds, added folders (nested ones too, and files that carry the same article),
All, Starred. A library from before the tally gets it on opening, counted right.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from index.home import tally
from index.home.store import Store
from index.models import Analysis, Article

FOLDERS = ["/news", "/news/world", "/other"]
FILES = ["/news/a.md", "/news/b.md", "/news/world/c.md", "/news/world/d.md", "/other/e.md"]
FEEDS = ["feed:http://127.0.0.1/one.xml", "feed:http://127.0.0.1/two.xml"]


def _article(number: int) -> Article:
    return Article(id=f"{number:04x}", title=f"Story {number}", body=f"Body of story {number}.")


def _nonzero(counts: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """A source whose articles all went keeps a row of zeros; a fresh count has none."""
    return {source: n for source, n in counts.items() if n != (0, 0) or ":" in source[-1:]}


def _check(store: Store) -> None:
    conn = store.connection
    assert _nonzero(tally.kept(conn)) == _nonzero(tally.fresh(conn))


@pytest.mark.parametrize("seed", range(6))
def test_kept_counts_equal_a_fresh_count_after_every_change(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    store = Store.open(tmp_path / "library.sqlite3")
    ids = [_article(n).id for n in range(40)]
    for _ in range(160):
        action = rng.choice(
            ["put", "put", "delete", "carry", "carry", "uncarry", "file_gone", "folder",
             "read", "unread", "star", "unstar", "reput"]
        )  # fmt: skip
        some = rng.sample(ids, rng.randint(1, 6))
        if action in ("put", "reput"):
            with store.transaction():
                for article_id in some:
                    store.put_article(_article(int(article_id, 16)), Analysis())
        elif action == "delete":
            with store.transaction():
                store.delete_articles(some)
        elif action == "carry":
            carrier = rng.choice(FILES + FEEDS)
            store.carry(carrier, some, replace=carrier in FILES and rng.random() < 0.5)
        elif action == "uncarry":
            store.uncarry(rng.choice(FILES + FEEDS), some)
        elif action == "file_gone":
            store.delete_file(rng.choice(FILES))
        elif action == "folder":
            store.remember_folders([rng.choice(FOLDERS)])
        else:
            how = {"read": "read", "unread": "unread", "star": "star", "unstar": "unstar"}[action]
            store.mark(some, how)  # type: ignore[arg-type]
        _check(store)
    counts = store.mark_counts()
    assert counts["articles"] == len(store.article_ids())
    assert counts["unread"] == counts["articles"] - len(store.marked_ids("read"))
    assert counts["starred"] == len(store.marked_ids("starred"))
    store.close()


def test_a_folder_counts_an_article_once_however_many_files_carry_it(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "library.sqlite3")
    with store.transaction():
        store.put_article(_article(1), Analysis())
    store.remember_folders(["/news"])
    for path in ("/news/a.md", "/news/world/copy.md", "/newsroom/x.md"):
        store.carry(path, [_article(1).id])
    assert store.source_counts()["/news"] == (1, 1)
    store.mark([_article(1).id], "read")
    assert store.source_counts()["/news"] == (1, 0)
    store.delete_file("/news/a.md")
    assert store.source_counts()["/news"] == (1, 0)  # the copy still carries it
    store.delete_file("/news/world/copy.md")
    assert store.source_counts()["/news"] == (0, 0)
    store.close()


def test_a_library_from_before_the_tally_gets_it_counted(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    store = Store.open(path)
    with store.transaction():
        for number in range(10):
            store.put_article(_article(number), Analysis())
    store.carry(FEEDS[0], [_article(n).id for n in range(6)])
    store.mark([_article(n).id for n in range(3)], "read")
    store.close()
    conn = sqlite3.connect(path)
    triggers = [
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'tally_%'")
    ]
    for name in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP TABLE tally")
    conn.execute("CREATE TABLE membership_generation (n INTEGER NOT NULL)")
    conn.commit()
    conn.close()
    store = Store.open(path)
    assert store.source_counts()[FEEDS[0]] == (6, 3)
    assert store.mark_counts()["unread"] == 7
    assert not store.connection.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'membership_generation'"
    ).fetchone()
    store.mark([_article(9).id], "read")  # the triggers are there again
    assert store.mark_counts()["unread"] == 6
    store.close()
