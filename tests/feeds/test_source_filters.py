"""Issue 13: ``feed:NAME`` (a subscription, or a folder of files that was added) and
``folder:NAME`` (an OPML folder and those below it) filter any query, from the carriers
the database keeps; an unknown name says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from feedkit import item, rss
from feedserver import FeedServer

from index.errors import QueryError
from index.home import LibraryHome


def _titles(home: LibraryHome, query: str) -> set[str]:
    return {hit.title for hit in home.search(query, limit=100).hits}


def test_feed_and_folder_filters(server: FeedServer, home: LibraryHome, tmp_path: Path) -> None:
    server.route("/world.xml", body=rss([item(1), item(2)], title="World Desk"))
    server.route("/sport.xml", body=rss([item(3)], title="Sport Desk"))
    server.route("/local.xml", body=rss([item(4)], title="Local Desk"))
    home.subscribe([server.url("/world.xml")], folder="News/World")
    home.subscribe([server.url("/sport.xml")], folder="News")
    home.subscribe([server.url("/local.xml")], folder="Elsewhere")
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "note.md").write_text("---\ntitle: Saved council note\n---\n\nThe council budget.\n")
    home.add([saved])

    assert _titles(home, 'feed:"World Desk"') == {"Story 1", "Story 2"}
    assert _titles(home, f"feed:{server.url('/sport.xml')}") == {"Story 3"}
    assert _titles(home, "folder:News") == {"Story 1", "Story 2", "Story 3"}
    assert _titles(home, "folder:News/World") == {"Story 1", "Story 2"}
    assert _titles(home, "council folder:Elsewhere") == {"Story 4"}
    assert _titles(home, "council NOT folder:News") == {"Story 4", "Saved council note"}
    assert _titles(home, "feed:saved") == {"Saved council note"}  # an added folder
    assert _titles(home, f"feed:{saved.resolve()} council") == {"Saved council note"}
    assert _titles(home, 'feed:"World Desk" is:unread') == {"Story 1", "Story 2"}
    with pytest.raises(QueryError, match="no feed or added folder called 'Nowhere'"):
        home.search("feed:Nowhere")
    with pytest.raises(QueryError, match="no feed folder called 'Sports'"):
        home.search("folder:Sports")
