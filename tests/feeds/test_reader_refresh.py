"""Issue 12, bar 5 in Pilot: the open reader refreshes its due feeds in the background.

A real loopback server serves 40 generated feeds on 4 hosts. The reader opens
on a library subscribed to them and never fetched: the first look for due
feeds refreshes them all on a worker with a home of its own, and the list
fills without a key press. Then the server publishes a new entry in one feed
and the feed comes due (an hour passes: its next fetch time is cleared): the
new story appears in the list by itself, with a quiet notice. The event loop's
lag is sampled as in ``tests/reader/test_scale_lag.py`` and printed (tests
never assert timings; the figure is in the issue's closing note). ``R``
refreshes every feed by hand and says what it did.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from feedkit import item, rss
from feedserver import FeedServer
from lagprobe import LagProbe

from index.home import LibraryHome
from index.paths import LibraryPaths
from reader.app import NewsReaderApp
from reader.config import Config
from reader.screens.main import MainScreen
from reader.widgets.article_list import ArticleList

FEEDS = 40
ITEMS = 10
TEXT = (
    "Story {n} from the {city} desk: the council of {city} met Minister Alice Moreau on "
    "Tuesday about the harbour budget of 4.5 million euros, and the Port Authority said "
    "repairs would start in March 2027."
)
CITIES = ("Lyon", "Porto", "Gdansk", "Bergen", "Cork")


def _feed(n: int, numbers: Sequence[int]) -> bytes:
    items = [item(i, text=TEXT.format(n=i, city=CITIES[n % len(CITIES)])) for i in numbers]
    return rss(items, title=f"Desk {n}")


async def _until(pilot: object, check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.005)
    return check()


def test_the_open_reader_refreshes_due_feeds_without_a_key_press(tmp_path: Path) -> None:
    server = FeedServer(hosts=4)
    paths = LibraryPaths(tmp_path / "library")
    try:
        setup = LibraryHome(paths, tagger=None)
        for n in range(FEEDS):
            first = n * 100
            server.route(f"/desk{n}.xml", host=n % 4, body=_feed(n, range(first, first + ITEMS)))
            setup.feeds.subscriptions.add(server.url(f"/desk{n}.xml", n % 4))
        setup.close()
        asyncio.run(_drive(server, paths))
    finally:
        server.close()


async def _drive(server: FeedServer, paths: LibraryPaths) -> None:
    config = Config(check_seconds=1.0)
    app = NewsReaderApp(LibraryHome(paths), [], config=config)
    notices: list[str] = []
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        original = app.notify

        def notify(message: str, **kwargs: object) -> None:
            notices.append(message)
            original(message, **kwargs)  # type: ignore[arg-type]

        app.notify = notify  # type: ignore[method-assign]
        article_list = screen.query_one(ArticleList)
        probe = LagProbe()
        # Sampled from the moment the refresh starts (opening and adding the seeds are
        # another bar's business: tests/reader/test_scale_lag.py).
        assert await _until(pilot, lambda: screen._refreshing, 60)
        probe.start()

        def titles() -> set[str]:
            return {hit.title for hit in article_list.hits}

        # The first look for due feeds (after the seeds are added) fetches all 40.
        assert await _until(pilot, lambda: "Story 3905" in titles(), 120), sorted(titles())[:5]
        assert await _until(pilot, lambda: not screen._refreshing, 60)
        first = probe.figures()
        assert any("400 new articles from 40 feeds" in text for text in notices), notices

        # An hour later one feed has a new entry: it appears with no key press.
        probe.samples.clear()
        route = server.get("/desk7.xml", host=3)
        route.body = _feed(7, [*range(700, 700 + ITEMS), 9000])  # the newest story of all
        home = LibraryHome(paths, tagger=None)
        sub = home.feeds.subscriptions.find(server.url("/desk7.xml", 3))
        home.feeds.subscriptions.update(sub.id, next_fetch=None)
        home.close()
        assert await _until(pilot, lambda: article_list.hits[0].title == "Story 9000", 60)
        assert await _until(pilot, lambda: not screen._refreshing, 30)
        second = probe.figures()
        assert any("1 new article from 1 feed" in text for text in notices), notices
        assert len(server.requests_for("/desk7.xml", 3)) == 2
        assert len(server.requests_for("/desk8.xml", 0)) == 1, "only the due feed is asked"

        # R refreshes every feed by hand: all answered (nothing new), and it says so.
        notices.clear()
        await pilot.press("R")
        assert await _until(pilot, lambda: any("40 feeds: 0 new" in t for t in notices), 60), (
            notices
        )
        probe.stop()
        print(f"\nbackground refresh of 40 feeds: event loop lag {first}")
        print(f"one new entry in one feed: event loop lag {second}")
