"""Entries -> articles over real HTTP: stable ids, updates in place, tombstones, no duplicates."""

from __future__ import annotations

from feedkit import feed_ids, item, rss
from feedserver import FeedServer

from index.home import LibraryHome


def _subscribe(home: LibraryHome, url: str) -> None:
    home.feeds.subscriptions.add(url)


def test_an_entry_changed_upstream_updates_its_article_and_its_bookmark_follows(
    server: FeedServer, home: LibraryHome
) -> None:
    route = server.route("/f", body=rss([item(1), item(2)]), etag='"1"')
    url = server.url("/f")
    _subscribe(home, url)
    first = home.refresh()
    assert first.added == 2
    [story] = [h for h in home.recent() if h.title == "Story 1"]
    mark = home.add_bookmark_quote(story.id, "the harbour storm")
    # Between two fetches the publisher rewrites the entry (a paragraph first).
    changed = "A correction was added. Story number 1 reports on the council budget and the"
    route.body = rss([item(1, text=changed + " harbour storm."), item(2)])
    route.etag = '"2"'
    second = home.refresh()
    assert (second.added, second.updated) == (0, 1)
    assert home.count() == 2
    stored = home.article(story.id)
    assert stored is not None and stored.article.body.startswith("A correction")
    [after] = home.bookmarks_in(story.id).shown
    assert after.id == mark.id
    assert stored.article.body[after.start : after.end] == "the harbour storm"


def test_an_entry_that_drops_out_of_the_feed_stays(server: FeedServer, home: LibraryHome) -> None:
    route = server.route("/f", body=rss([item(1), item(2), item(3)]))
    _subscribe(home, server.url("/f"))
    home.refresh()
    route.body = rss([item(3), item(4)])
    report = home.refresh()
    assert report.added == 1
    assert home.count() == 4
    assert len(feed_ids(home, server.url("/f"))) == 4


def test_a_removed_article_is_remembered_and_not_added_again(
    server: FeedServer, home: LibraryHome
) -> None:
    route = server.route("/f", body=rss([item(1), item(2)]))
    _subscribe(home, server.url("/f"))
    home.refresh()
    [story] = [h for h in home.recent() if h.title == "Story 2"]
    home.library.remove([story.id])  # the user removes it
    edited = item(2, text="Story 2, edited so that it is fetched anew.")
    route.body = rss([item(1), edited, item(3)])
    report = home.refresh()
    assert report.added == 1  # only Story 3
    assert home.article(story.id) is None
    sub = home.feeds.subscriptions.find(server.url("/f"))
    assert story.id in home.feeds.subscriptions.tombstones(sub.id)
    home.refresh()
    assert home.article(story.id) is None and home.count() == 2


def test_a_new_guid_on_the_same_link_is_not_a_duplicate(
    server: FeedServer, home: LibraryHome
) -> None:
    route = server.route("/f", body=rss([item(1, guid="urn:old:1")]))
    _subscribe(home, server.url("/f"))
    home.refresh()
    route.body = rss([item(1, guid="urn:new:1", text="Same story, its guid rewritten.")])
    report = home.refresh()
    assert (report.added, report.updated) == (0, 1)
    assert home.count() == 1


def test_ids_come_from_guid_else_link_else_title_and_date(
    server: FeedServer, home: LibraryHome
) -> None:
    server.route("/f", body=rss([item(1), item(2, guid=""), item(3, guid="", link="")]))
    _subscribe(home, server.url("/f"))
    home.refresh()
    sub = home.feeds.subscriptions.find(server.url("/f"))
    keys = sorted(home.feeds.subscriptions.entries(sub.id))
    assert keys[0] == "guid:urn:story:1"
    assert keys[1] == "link:https://news.example/2"
    assert keys[2].startswith("title:Story 3|2026-11-01T15:00")


def test_the_same_feed_refetched_unchanged_indexes_nothing(
    server: FeedServer, home: LibraryHome
) -> None:
    route = server.route("/f", body=rss([item(1), item(2)]))  # no validators at all
    _subscribe(home, server.url("/f"))
    home.refresh()
    segments = home.library.index.latest_generation()
    report = home.refresh()
    assert report.feeds[0].kind == "unchanged"  # same body hash: not parsed again
    route.body = rss([item(1), item(2)], title="Generated ")  # new bytes, same entries
    report = home.refresh()
    assert (report.added, report.updated, report.feeds[0].kind) == (0, 0, "new")
    assert home.library.index.latest_generation() == segments


def test_full_text_fetches_the_page_and_a_failure_keeps_the_summary(
    server: FeedServer, home: LibraryHome
) -> None:
    page = (
        "<html><head><title>Story 1</title></head><body><article><h1>Story 1</h1>"
        + "".join(
            f"<p>Paragraph {n} of the whole story about the river and the mill.</p>"
            for n in range(12)
        )
        + "</article></body></html>"
    ).encode()
    server.route("/story/1", body=page, content_type="text/html; charset=utf-8")
    items = [
        item(1, link=server.url("/story/1")),
        item(2, link=server.url("/story/missing"), text="Only a summary."),
    ]
    server.route("/f", body=rss(items))
    url = server.url("/f")
    _subscribe(home, url)
    home.set_full_text(url, True)
    home.refresh()
    bodies = {h.title: home.article(h.id).article.body for h in home.recent()}  # type: ignore[union-attr]
    assert "Paragraph 11 of the whole story" in bodies["Story 1"]
    assert bodies["Story 2"] == "Only a summary."


def test_a_link_in_a_public_feed_never_reaches_a_private_address() -> None:
    from index.feeds.fetcher import Fetcher

    with Fetcher() as fetcher:
        result = fetcher.fetch("http://127.0.0.1:9/page", allow_private=False)
    assert result.error is not None and result.error.kind == "blocked-address"


def test_removing_a_feed_with_its_articles_keeps_the_bookmarked_ones(
    server: FeedServer, home: LibraryHome
) -> None:
    server.route("/f", body=rss([item(1), item(2), item(3)]))
    url = server.url("/f")
    _subscribe(home, url)
    home.refresh()
    [kept] = [h for h in home.recent() if h.title == "Story 2"]
    home.add_bookmark_quote(kept.id, "the harbour storm", note="keep me")
    _, removed, held = home.unsubscribe(url, delete_articles=True)
    assert (removed, held) == (2, 1)
    assert home.count() == 1 and home.article(kept.id) is not None
    assert [b.note for b in home.list_bookmarks()] == ["keep me"]
    assert home.feeds.subscriptions.all() == []


def test_a_page_that_is_not_a_feed_stays_an_error_when_answered_304(
    server: FeedServer, home: LibraryHome
) -> None:
    server.route("/page", body=b"<html><body>hello</body></html>", content_type="text/html",
                 etag='"p"')  # fmt: skip
    url = server.url("/page")
    _subscribe(home, url)
    home.refresh()
    home.refresh()
    assert [r.status for r in server.requests_for("/page")] == [200, 304]
    sub = home.feeds.subscriptions.find(url)
    assert sub.error_kind == "not-a-feed" and sub.errors_in_a_row == 2
