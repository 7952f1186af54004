"""The issue's bars 1 and 2 on 500 corpus feeds served locally, through the installed CLI.

1. ``feeds import`` of an OPML listing them, then ``refresh``: every parseable
   feed's entries are in the library, as many as feedparser itself finds in the
   same files; the server never had two connections open to one host.
2. A second ``refresh`` right after: every feed that gave a validator is asked
   conditionally and answered 304, and no article is indexed again.
(The times of both are measured by bench/refresh.py, not asserted here.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from corpusfeeds import corpus_files, expected_entries, serve, write_subscriptions
from feedserver import FeedServer

from index.home import LibraryHome
from index.paths import LibraryPaths

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
from support import run_cli

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


@pytest.fixture
def corpus_feeds(corpora: Path) -> list[Path]:
    root = corpora / "feeds"
    if not root.is_dir():
        pytest.skip("../shared/corpora/feeds is not present")
    files = corpus_files(root, 500)
    assert len(files) == 500
    return files


@pytest.mark.timeout(600)
def test_500_feeds_imported_and_refreshed_then_all_304(
    corpus_feeds: list[Path], tmp_path: Path
) -> None:
    server = FeedServer(hosts=10)
    try:
        feeds = serve(server, corpus_feeds)
        opml = write_subscriptions(feeds, tmp_path / "subscriptions.opml")
        lib = tmp_path / "library"
        imported = run_cli(lib, "feeds", "import", str(opml), "--json")
        assert imported.returncode == 0, imported.stderr
        assert json.loads(imported.stdout)["subscribed"] == 500
        first = run_cli(lib, "refresh", "--json", timeout=500)
        assert first.returncode == 0, first.stderr
        assert max(server.max_open_per_host().values()) == 1
        asked_first = len(server.requests)
        assert asked_first == 500

        home = LibraryHome(LibraryPaths(lib), tagger=None)
        try:
            store = home.feeds.subscriptions
            counts = store.entry_counts()
            by_url = {s.url: s for s in store.all()}
            wrong = []
            for feed, path in zip(feeds, corpus_feeds, strict=True):
                sub = by_url[feed.url]
                want, got = expected_entries(path), counts.get(sub.id, 0)
                if want != got:
                    wrong.append((path.name, want, got, sub.error))
            assert wrong == [], wrong
            total = sum(counts.values())
            assert home.count() == total == home.library.store.article_count()
            generation = home.library.index.latest_generation()
        finally:
            home.close()

        second = run_cli(lib, "refresh", "--json", timeout=500)
        assert second.returncode == 0, second.stderr
        report = json.loads(second.stdout)
        assert report["added"] == report["updated"] == 0
        again = server.requests[asked_first:]
        assert len(again) == 500
        validated = {f.url for f, p in zip(feeds, corpus_feeds, strict=True)}
        conditional = [r for r in again if "if-none-match" in r.headers
                       or "if-modified-since" in r.headers]  # fmt: skip
        with_validator = [n for n in range(500) if n % 10 != 7]
        assert len(conditional) == len(with_validator)
        assert all(r.status == 304 for r in conditional)
        assert max(server.max_open_per_host().values()) == 1
        assert validated
        home = LibraryHome(LibraryPaths(lib), tagger=None)
        try:
            assert home.library.index.latest_generation() == generation
            assert home.count() == total
        finally:
            home.close()
    finally:
        server.close()
