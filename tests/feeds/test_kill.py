"""Bar 4: ``kill -9`` at 20 random moments of a refresh of the 500 corpus feeds.

After every kill the library opens and answers a search, every entry a feed
has recorded has its article (a feed's state is written only after its
articles commit), and no article is in the index twice. Then one refresh runs
to the end: every feed's entries are there, as many as feedparser finds in the
file, none twice, and the bookmarks made before the kills are all there.
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
from corpusfeeds import corpus_files, expected_entries, serve, write_subscriptions
from feedserver import FeedServer

from index.home import LibraryHome
from index.paths import LibraryPaths

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
from support import cli_env, newsreader_command, run_cli

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

KILLS = 20


def _check_after_kill(lib: Path) -> int:
    home = LibraryHome(LibraryPaths(lib), tagger=None)
    try:
        home.search("story OR news OR feed")  # opens the index and the store, reads both
        stored = set(home.library.store.article_ids())
        searcher = home.library.searcher()
        ids = [fields["id"] for fields in searcher.all_stored_fields()]
        assert len(ids) == len(set(ids)), "an article is in the index twice"
        assert set(ids) >= stored
    finally:
        home.close()
    with sqlite3.connect(lib / "library.sqlite3") as conn:
        recorded = {row[0] for row in conn.execute("SELECT article_id FROM feed_entries")}
    assert recorded <= stored, "a feed recorded entries whose articles are not stored"
    return len(stored)


@pytest.mark.timeout(1800)
def test_kill_9_at_random_moments_loses_and_duplicates_nothing(
    corpora: Path, tmp_path: Path
) -> None:
    root = corpora / "feeds"
    if not root.is_dir():
        pytest.skip("../shared/corpora/feeds is not present")
    files = corpus_files(root, 500)
    server = FeedServer(hosts=10)
    rng = random.Random(12)
    try:
        feeds = serve(server, files)
        lib = tmp_path / "library"
        opml = write_subscriptions(feeds, tmp_path / "subscriptions.opml")
        assert run_cli(lib, "feeds", "import", str(opml)).returncode == 0
        # A few feeds first, to have articles to bookmark before the kills.
        first = run_cli(lib, "refresh", *(f.url for f in feeds[:3]))
        assert first.returncode == 0, first.stderr
        marks = []
        home = LibraryHome(LibraryPaths(lib), tagger=None)
        try:
            for hit in home.recent(limit=3):
                stored = home.article(hit.id)
                assert stored is not None
                home.add_bookmark_quote(hit.id, " ".join(stored.article.body.split()[:3]))
                marks.append(hit.id)
        finally:
            home.close()
        assert len(marks) == 3
        moments: list[float] = []
        outcomes: list[int] = []
        stored: list[int] = []
        # A moment is drawn within the length of the last refresh that ran to its end
        # (the first is a guess): the first refreshes store the entries, later ones are
        # mostly 304s and take a few seconds, and a moment past the end tests nothing.
        length = 45.0
        for _ in range(KILLS):
            moment = rng.uniform(0.05, 0.95) * length
            moments.append(round(moment, 2))
            started = time.monotonic()
            process = subprocess.Popen(
                [*newsreader_command(), "--home", str(lib), "--ner", "off", "refresh"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=cli_env(),
            )
            try:
                process.wait(timeout=moment)
                length = max(1.0, time.monotonic() - started)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
            outcomes.append(process.returncode)
            stored.append(_check_after_kill(lib))
        final = run_cli(lib, "refresh", "--json", timeout=600)
        assert final.returncode == 0, final.stderr
        _check_after_kill(lib)
        home = LibraryHome(LibraryPaths(lib), tagger=None)
        try:
            counts = home.feeds.subscriptions.entry_counts()
            by_url = {s.url: s for s in home.feeds.subscriptions.all()}
            wrong = [
                (path.name, want, got)
                for feed, path in zip(feeds, files, strict=True)
                if (want := expected_entries(path)) != (got := counts.get(by_url[feed.url].id, 0))
            ]
            assert wrong == [], wrong
            assert home.count() == sum(counts.values()) == home.library.store.article_count()
            bookmarks = home.list_bookmarks()
            assert sorted(b.article_id for b in bookmarks) == sorted(marks)
            assert all(b.status != "orphaned" for b in bookmarks)
        finally:
            home.close()
        killed = sum(1 for code in outcomes if code == -signal.SIGKILL)
        # Every moment falls within a refresh's length, so most runs must have been cut
        # short for the test to have tested anything (one that ends early resets it).
        assert killed >= KILLS // 2, (moments, outcomes)
        print(
            f"moments {moments} s; {killed} killed, {KILLS - killed} finished first;"
            f" articles stored after each: {stored}"
        )
    finally:
        server.close()
