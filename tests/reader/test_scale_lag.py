"""At 100,000 articles the UI thread stays responsive: typing a query and scrolling the list.

Runs only when ``NEWSREADER_SCALE_HOME`` names a prebuilt large library (for
example ``bench/out/home-100000-rules`` from ``bench/scale.py``), so CI never
builds one. The event loop's lag is sampled by a task that asks to wake every
10 ms and records how late it woke: any blocking call on the UI thread shows
up as lag. Prints the figures; fails if the loop was ever blocked > 100 ms.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import wait_for
from lagprobe import LagProbe

from index.home import LibraryHome
from index.paths import LibraryPaths
from reader.app import NewsReaderApp
from reader.widgets.article_list import ArticleList
from reader.widgets.search_bar import QueryInput

HOME = os.environ.get("NEWSREADER_SCALE_HOME")
TICK = 0.01
MAX_LAG_MS = 100.0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not HOME, reason="set NEWSREADER_SCALE_HOME to a large prebuilt library"),
]


async def test_typing_and_scrolling_at_scale_never_block_the_ui() -> None:
    assert HOME is not None
    app = NewsReaderApp(LibraryHome(LibraryPaths(Path(HOME))), [])
    async with app.run_test(size=(120, 36)) as pilot:
        article_list = app.screen.query_one(ArticleList)
        await wait_for(pilot, lambda: article_list.option_count > 0, seconds=60)
        probe = LagProbe()
        probe.start()
        await pilot.press("slash")
        assert isinstance(app.focused, QueryInput)
        for char in "government":
            await pilot.press(char)
            await pilot.pause(0.08)  # a fast typist: about 12 keys a second
        await wait_for(pilot, lambda: app.screen.query_text == "government", seconds=30)
        await wait_for(pilot, lambda: article_list.option_count > 0, seconds=30)
        typing = probe.worst
        await pilot.press("escape")
        article_list.focus()
        for _ in range(60):
            await pilot.press("down")
        await pilot.press("pagedown", "pagedown", "end")
        await pilot.pause(1.0)
        probe.stop()
        print(
            f"\nevent loop lag at {HOME}: typing worst {typing:.1f} ms, overall worst "
            f"{probe.worst:.1f} ms, {len(probe.samples)} samples, "
            f"{probe.share_over(50):.1%} over 50 ms, {probe.share_over(100):.1%} over 100 ms"
        )
        assert probe.worst < MAX_LAG_MS, f"the UI thread was blocked {probe.worst:.0f} ms"
