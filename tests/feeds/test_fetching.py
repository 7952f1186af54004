"""The fetcher's manners, seen from the server: validators, User-Agent, compression,
redirects, one connection per host."""

from __future__ import annotations

import brotli
from feedkit import feed_ids, item, rss
from feedserver import FeedServer

from index.feeds.fetcher import Fetcher
from index.home import LibraryHome


def test_validators_are_stored_byte_for_byte_from_every_200_and_304(
    server: FeedServer, home: LibraryHome
) -> None:
    # An ETag with a non-ASCII byte and a Last-Modified in an odd but legal form.
    etag = 'W/"caf\xe9-1"'
    modified = "Sun, 01 Nov 2026 12:00:00 GMT"
    route = server.route("/f", body=rss([item(1)]), etag=etag, last_modified=modified)
    url = server.url("/f")
    home.feeds.subscriptions.add(url)
    home.refresh()
    sub = home.feeds.subscriptions.find(url)
    assert sub.etag == etag and sub.last_modified == "Sun, 01 Nov 2026 12:00:00 GMT"
    # The 304 names a new ETag: it replaces the stored one.
    route.etag = '"rotated"'
    route.headers = {}
    server.routes[(server.hosts[0], "/f")].etag = '"rotated"'
    home.refresh()  # If-None-Match no longer matches: a 200 with the new ETag
    home.refresh()  # now a 304
    requests = server.requests_for("/f")
    assert requests[0].headers.get("if-none-match") is None
    assert requests[1].headers["if-none-match"].encode("latin-1") == etag.encode("latin-1")
    assert requests[1].headers["if-modified-since"] == "Sun, 01 Nov 2026 12:00:00 GMT"
    assert [r.status for r in requests] == [200, 304, 304]  # Last-Modified still matched
    assert home.feeds.subscriptions.find(url).etag == '"rotated"'
    assert requests[2].headers["if-none-match"] == '"rotated"'


def test_user_agent_names_newsreader_and_its_version(server: FeedServer) -> None:
    server.route("/f", body=rss([item(1)]))
    with Fetcher() as fetcher:
        fetcher.fetch(server.url("/f"))
    agent = server.requests_for("/f")[0].headers["user-agent"]
    assert agent.startswith("newsreader/") and agent.split("/")[1].split(" ")[0][0].isdigit()
    accepted = server.requests_for("/f")[0].headers["accept-encoding"]
    assert "gzip" in accepted and "br" in accepted


def test_gzip_and_brotli_bodies_are_decoded(server: FeedServer) -> None:
    body = rss([item(1)])
    server.route("/gz", body=body, gzip=True)
    server.route("/br", body=brotli.compress(body), headers={"Content-Encoding": "br"})
    with Fetcher() as fetcher:
        assert fetcher.fetch(server.url("/gz")).body == body
        assert fetcher.fetch(server.url("/br")).body == body


def test_a_permanent_redirect_seen_three_times_moves_the_feed_with_its_articles(
    server: FeedServer, home: LibraryHome
) -> None:
    server.route("/new", body=rss([item(1), item(2)]))
    server.route("/mid", status=308, location="/new")
    server.route("/old", status=301, location="/mid")
    old, new = server.url("/old"), server.url("/new")
    home.feeds.subscriptions.add(old)
    home.refresh()
    ids = feed_ids(home, old)
    home.refresh()
    assert home.feeds.subscriptions.find(old).moved_seen == 2
    report = home.refresh()
    assert report.feeds[0].moved_to == new
    moved = home.feeds.subscriptions.find(new)
    assert moved.url == new and feed_ids(home, new) == ids and home.count() == 2
    home.refresh()
    assert server.requests_for("/old")[-1:] and len(server.requests_for("/old")) == 3
    assert len(server.requests_for("/new")) == 4


def test_a_temporary_redirect_never_moves_the_feed(server: FeedServer, home: LibraryHome) -> None:
    server.route("/new", body=rss([item(1)]))
    server.route("/old", status=302, location="/new")
    server.route("/perm", status=301, location="/old")  # a 301 then a 302: not permanent
    for path in ("/old", "/perm"):
        home.feeds.subscriptions.add(server.url(path))
    for _ in range(4):
        home.refresh()
    urls = {s.url for s in home.feeds.subscriptions.all()}
    assert urls == {server.url("/old"), server.url("/perm")}


def test_never_more_than_one_connection_per_host(server: FeedServer, home: LibraryHome) -> None:
    for host in range(4):
        for n in range(15):
            server.route(f"/f{n}", host=host, body=rss([item(n)], title=f"{host}-{n}"),
                         etag=f'"{n}"')  # fmt: skip
            home.feeds.subscriptions.add(server.url(f"/f{n}", host))
    home.refresh()
    home.refresh()
    assert len(server.requests) == 120
    assert max(server.max_open_per_host().values()) == 1
    # Four hosts, each asked 30 times, over one kept-alive connection each per refresh.
    assert len(server.connections) <= 8


def test_a_feed_carries_its_articles_and_a_move_takes_them_along(
    server: FeedServer, home: LibraryHome
) -> None:
    server.route("/new", body=rss([item(1), item(2)]))
    server.route("/old", status=301, location="/new")
    old, new = server.url("/old"), server.url("/new")
    home.feeds.subscriptions.add(old)
    home.refresh()
    store = home.library.store
    ids = feed_ids(home, old)
    assert sorted(store.carried_by("feed:" + old)) == ids
    home.refresh()
    home.refresh()  # the third permanent answer moves it
    assert store.carried_by("feed:" + old) == ()
    assert sorted(store.carried_by("feed:" + new)) == ids
    assert store.carriers_of(ids[0]) == ("feed:" + new,)
