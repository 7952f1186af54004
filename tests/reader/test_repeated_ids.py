"""Two copies of one feed (issue 16, item 1): one article each, through the real CLI and
in the reader; and a list that never ends the app on a repeated row, whatever the core
answers.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import wait_for

from index.home import LibraryHome
from index.models import Hit, SearchResult
from index.paths import LibraryPaths
from reader.app import NewsReaderApp
from reader.widgets.article_list import ArticleList
from reader.widgets.search_bar import QueryInput

ROOT = Path(__file__).resolve().parents[2]
GUARDIAN = ROOT.parent / "shared" / "corpora" / "feeds" / "rss_parser_inputs" / "guardian.rss"
SIZE = (120, 36)


def generated_feed() -> str:
    """55 entries like the Guardian capture's, one of them with "grave concerns"."""
    items = []
    for n in range(55):
        said = "Ministers voiced grave concerns." if n == 17 else "Officials met again."
        items.append(
            f"<item><title>World story {n}</title><link>https://example.com/world/{n}</link>"
            f"<description>Story {n} from the desk. {said}</description>"
            "<pubDate>Mon, 11 Nov 2024 09:30:00 +0000</pubDate></item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>The Guardian</title>'
        f"<link>https://example.com/</link>{''.join(items)}</channel></rss>"
    )


@pytest.fixture(params=["guardian", "generated"])
def two_copies(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """``cp guardian.rss d/a.rss; cp guardian.rss d/b.rss`` (a generated feed stands in for
    the capture when ../shared/corpora is absent)."""
    folder = tmp_path / "d"
    folder.mkdir()
    if request.param == "guardian":
        if not GUARDIAN.is_file():
            pytest.skip("../shared/corpora/feeds is not present")
        shutil.copy(GUARDIAN, folder / "a.rss")
    else:
        (folder / "a.rss").write_text(generated_feed(), encoding="utf-8")
    shutil.copy(folder / "a.rss", folder / "b.rss")
    return folder


def newsreader(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed ``newsreader`` (else ``python -m reader``), as a user runs it."""
    script = Path(sys.executable).parent / "newsreader"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "reader"]
    env = {k: v for k, v in os.environ.items() if k != "NEWSREADER_HOME"}
    done = subprocess.run(
        [*command, "--home", str(home), "--ner", "off", *args],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done


def search_ids(home: Path, query: str) -> list[str]:
    hits: list[dict[str, Any]] = json.loads(
        newsreader(home, "search", query, "--json", "--limit", "500").stdout
    )["hits"]
    return [hit["id"] for hit in hits]


def test_two_copies_of_a_feed_through_the_cli(two_copies: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    added = json.loads(newsreader(home, "add", "--json", str(two_copies)).stdout)
    assert (added["added"], added["unchanged"], added["files"]) == (55, 0, 2)
    assert json.loads(newsreader(home, "stats", "--json").stdout)["articles"] == 55
    [grave] = search_ids(home, '"grave concerns"')
    every = search_ids(home, "source:guardian")
    assert len(every) == len(set(every)) == 55 and grave in every
    again = json.loads(newsreader(home, "add", "--json", str(two_copies)).stdout)
    assert (again["added"], again["unchanged"]) == (0, 55)


async def test_the_reader_searches_two_copies_of_a_feed(two_copies: Path, tmp_path: Path) -> None:
    home = LibraryHome(LibraryPaths(tmp_path / "home"), tagger=None)
    home.add([two_copies], jobs=1)
    home.close()
    app = NewsReaderApp(LibraryHome(LibraryPaths(tmp_path / "home"), tagger=None), [])
    async with app.run_test(size=SIZE) as pilot:
        rows = app.screen.query_one(ArticleList)
        await wait_for(pilot, lambda: len(rows.hits) == 55)
        await pilot.press("slash", *"grave concerns")
        await wait_for(pilot, lambda: app.screen.query_text == "grave concerns")
        await wait_for(pilot, lambda: len(rows.hits) == 1)
        assert app.is_running


class RepeatingHome(LibraryHome):
    """A real home whose answers repeat every row: what a library written before one id was
    one document gave, or any bug below the reader."""

    answered: SearchResult | None = None

    def search(self, text: str, **kwargs: Any) -> SearchResult:
        result = super().search(text, **kwargs)
        self.answered = dataclasses.replace(result, hits=result.hits + result.hits[::-1])
        return self.answered

    def recent(self, *, limit: int = 100, offset: int = 0) -> list[Hit]:
        page = super().recent(limit=limit, offset=offset)
        return page + page


async def test_a_repeated_row_never_ends_the_app(built_home: Path, tmp_path: Path) -> None:
    shutil.copytree(built_home, tmp_path / "library")
    home = RepeatingHome(LibraryPaths(tmp_path / "library"))
    app = NewsReaderApp(home, [])
    async with app.run_test(size=SIZE) as pilot:
        rows = app.screen.query_one(ArticleList)
        await wait_for(pilot, lambda: len(rows.hits) > 0)
        listed = [hit.id for hit in rows.hits]
        assert len(listed) == len(set(listed)) == 7
        await pilot.press("slash", *"gaza")
        assert isinstance(app.focused, QueryInput)

        def searched() -> bool:
            found = home.answered
            return found is not None and [h.id for h in rows.hits] == [
                h.id for h in found.hits[: len(found.hits) // 2]
            ]

        await wait_for(pilot, searched)  # each article once, where it first came
        found = home.answered  # what the core answered, repeats and all
        assert found is not None and len(found.hits) == 2 * len({h.id for h in found.hits}) > 2
        ids = [hit.id for hit in rows.hits]
        assert [option.id for option in rows.options] == ids
        await pilot.press("enter")
        assert app.is_running
