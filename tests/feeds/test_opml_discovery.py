"""OPML in and out (folders, duplicates, bombs) and finding a feed from a site's address."""

from __future__ import annotations

from pathlib import Path

import pytest
from feedkit import item, rss
from feedserver import FeedServer

from index.errors import NewsreaderError
from index.feeds.opml import parse_opml
from index.home import LibraryHome

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>mine</title></head><body>
  <outline text="News">
    <outline text="World">
      <outline type="rss" text="Guardian" xmlUrl="https://www.theguardian.com/world/rss"/>
    </outline>
    <outline type="rss" title="BBC" text="bbc" xmlUrl="https://feeds.bbci.co.uk/news/rss.xml"
             htmlUrl="https://www.bbc.co.uk/news"/>
  </outline>
  <outline type="rss" text="Loose" xmlUrl="https://example.org/feed"/>
  <outline type="rss" text="Again" xmlUrl="https://www.theguardian.com/world/rss"/>
</body></opml>"""

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE opml [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<opml version="2.0"><body><outline text="&d;" xmlUrl="https://x.example/&d;"/></body></opml>"""


def test_nested_outlines_become_folders_and_duplicates_are_skipped(
    tmp_path: Path, home: LibraryHome
) -> None:
    path = tmp_path / "subs.opml"
    path.write_bytes(NESTED)
    report = home.import_opml(path)
    assert (report.added, report.duplicates) == (3, 1)
    folders = {s.url: s.folder for s in home.feeds.subscriptions.all()}
    assert folders == {
        "https://www.theguardian.com/world/rss": "News/World",
        "https://feeds.bbci.co.uk/news/rss.xml": "News",
        "https://example.org/feed": "",
    }
    again = home.import_opml(path)
    assert (again.added, again.duplicates) == (0, 4)


def test_export_is_opml_2_that_imports_back_the_same(tmp_path: Path, home: LibraryHome) -> None:
    path = tmp_path / "subs.opml"
    path.write_bytes(NESTED)
    home.import_opml(path)
    data, count = home.export_opml()
    assert count == 3 and b'<opml version="2.0">' in data
    assert b'type="rss"' in data and b'htmlUrl="https://www.bbc.co.uk/news"' in data
    back = {(f.url, f.folder, f.title) for f in parse_opml(data)}
    assert back == {
        ("https://www.theguardian.com/world/rss", "News/World", "Guardian"),
        ("https://feeds.bbci.co.uk/news/rss.xml", "News", "BBC"),
        ("https://example.org/feed", "", "Loose"),
    }


def test_an_xml_bomb_is_refused_and_nothing_is_subscribed(
    tmp_path: Path, home: LibraryHome
) -> None:
    path = tmp_path / "bomb.opml"
    path.write_bytes(BOMB)
    with pytest.raises(NewsreaderError, match=r"refused.*DTD"):
        home.import_opml(path)
    assert home.feeds.subscriptions.all() == []


def test_not_opml_is_one_clear_error(tmp_path: Path, home: LibraryHome) -> None:
    path = tmp_path / "x.opml"
    path.write_bytes(b"<html><body>no</body>")
    with pytest.raises(NewsreaderError, match=r"not well-formed|not an OPML"):
        home.import_opml(path)


def test_a_page_names_its_feed_and_one_get_is_its_first_fetch(
    server: FeedServer, home: LibraryHome
) -> None:
    page = b'<html><head><link rel="alternate" type="application/atom+xml" href="/atom"></head>'
    server.route("/", body=page, content_type="text/html")
    server.route("/atom", body=rss([item(1), item(2)]), etag='"x"')
    done, report = home.subscribe([server.url("/")])
    assert done[0].subscription is not None and done[0].subscription.url == server.url("/atom")
    assert report.added == 2
    assert len(server.requests_for("/atom")) == 1  # the discovering GET stored its entries
    assert home.feeds.subscriptions.find(server.url("/atom")).etag == '"x"'


def test_common_paths_are_tried_when_a_page_names_no_feed(
    server: FeedServer, home: LibraryHome
) -> None:
    server.route("/", body=b"<html><head></head><body>a blog</body></html>",
                 content_type="text/html")  # fmt: skip
    server.route("/rss.xml", body=rss([item(1)]))
    done, _ = home.subscribe([server.url("/")])
    assert done[0].subscription is not None
    assert done[0].subscription.url == server.url("/rss.xml")
    assert home.count() == 1


def test_a_json_feed_and_a_local_feed_file_subscribe_the_same_way(
    server: FeedServer, home: LibraryHome, tmp_path: Path
) -> None:
    json_feed = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": ['
        b'{"id": "1", "title": "Json one", "content_text": "A JSON Feed item about trains."}]}'
    )
    server.route("/feed.json", body=json_feed, content_type="application/feed+json")
    local = tmp_path / "local.rss"
    local.write_bytes(rss([item(7)], title="Local"))
    done, report = home.subscribe([server.url("/feed.json"), str(local)])
    assert [d.error for d in done] == [None, None]
    assert report.added == 2
    assert done[1].subscription is not None and done[1].subscription.url.startswith("file:///")
    again = home.refresh()
    assert again.added == 0 and {f.kind for f in again.feeds} == {"unchanged"}


def test_an_address_with_no_feed_says_what_was_tried(server: FeedServer, home: LibraryHome) -> None:
    server.route("/", body=b"<html><body>nothing</body></html>", content_type="text/html")
    done, _ = home.subscribe([server.url("/")])
    assert done[0].subscription is None
    assert "no feed was found" in (done[0].error or "")
    assert home.feeds.subscriptions.all() == []
