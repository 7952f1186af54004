"""A refresh on a worker thread, with a home of its own: the caller's thread reads the
library while the network is slow, and hears of each feed and each commit."""

from __future__ import annotations

import threading
from pathlib import Path

from feedkit import item, rss
from feedserver import FeedServer

from index.home import FetchPolicy, LibraryHome
from index.models import Progress
from index.paths import LibraryPaths


def test_a_background_refresh_leaves_the_reading_thread_free(
    server: FeedServer, tmp_path: Path
) -> None:
    paths = LibraryPaths(tmp_path / "library")
    reader = LibraryHome(paths, tagger=None)
    server.route("/fast", body=rss([item(1), item(2)]))
    server.route("/slow", host=1, body=rss([item(3)]), fault="drip")
    reader.feeds.subscriptions.add(server.url("/fast"))
    reader.feeds.subscriptions.add(server.url("/slow", 1))
    steps: list[Progress] = []
    stored: list[list[str]] = []
    done = threading.Event()

    def work() -> None:
        worker = LibraryHome(paths, tagger=None)  # its own connections, on its own thread
        try:
            worker.refresh(force=False, policy=FetchPolicy(deadline=15.0),
                           on_progress=steps.append, on_stored=stored.append)  # fmt: skip
        finally:
            worker.close()
            done.set()

    thread = threading.Thread(target=work)
    thread.start()
    try:
        # While the slow feed drips (cut off at 15 s), this thread searches and lists as
        # usual, and the fast feed's articles are committed (after 10 s) before it ends.
        while not stored and not done.is_set():
            reader.search("budget")
            reader.recent(limit=5)
        assert not done.is_set(), "the reading thread waited for the network"
        done.wait(30)
    finally:
        thread.join(30)
    assert [ids for batch in stored for ids in batch] and steps[-1].done == 2
    assert {h.title for h in reader.recent()} == {"Story 1", "Story 2"}
    slow = reader.feeds.subscriptions.find(server.url("/slow", 1))
    assert slow.error_kind == "too-slow"
    reader.close()
