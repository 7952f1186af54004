"""Every fault the server can inject: the feed gets its named error and its next fetch,
the other feeds finish, nothing stored is damaged; Retry-After and back-off hold across
runs, as the server's log shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from feedkit import item, rss
from feedserver import FeedServer

from index.feeds.database import now
from index.home import FetchPolicy, LibraryHome, RefreshReport

POLICY = FetchPolicy(deadline=3.0, connect_timeout=2.0)
"""The real limits, with a 3 s deadline so that the dripping server is cut off quickly."""

LATIN = (
    '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Café</title>'
    "<item><title>São Paulo café</title><guid>urn:latin:1</guid>"
    "<description>Olá, a feira do café.</description></item></channel></rss>"
).encode("latin-1")


def _faulty(server: FeedServer) -> dict[str, str]:
    """Subscribable URLs by name: healthy feeds on every host, and one per fault."""
    later = format_datetime(datetime.now(UTC) + timedelta(hours=3), usegmt=True)
    s = server
    s.route("/ok0", host=0, body=rss([item(1), item(2)], title="ok0"), etag='"v1"')
    s.route("/ok1", host=1, body=rss([item(3)], title="ok1"), last_modified=later)
    s.route("/500", host=0, status=500)
    s.route("/403", host=0, status=403)
    s.route("/410", host=0, status=410)
    s.route("/503", host=3, status=503, headers={"Retry-After": later})
    s.route("/loop-a", host=0, status=302, location="/loop-b")
    s.route("/loop-b", host=0, status=302, location="/loop-a")
    for n in range(12):
        s.route(f"/hop{n}", host=0, status=301, location=f"/hop{n + 1}")
    s.route("/drip", host=1, body=rss([item(9)]), fault="drip")
    s.route("/big", host=1, fault="oversize")
    s.route("/bomb", host=1, fault="gzip-bomb")
    s.route("/html", host=1, body=b"<!doctype html><html><body>Hi</body></html>",
            content_type="text/html")  # fmt: skip
    s.route("/wrong-charset", host=1, body=LATIN, content_type="text/xml; charset=utf-8")
    undeclared = LATIN.replace(b' encoding="iso-8859-1"', b"").replace(b":1<", b":2<")
    s.route("/no-charset", host=1, body=undeclared, content_type="application/xml")
    # Host 2: a 429 first (titles sort the fetch order), then a feed the pause must hold.
    s.route("/429", host=2, status=429, headers={"Retry-After": "120"})
    s.route("/after-429", host=2, body=rss([item(4)], title="after"))
    urls = {
        name: server.url(f"/{name}", host)
        for name, host in [
            ("ok0", 0),
            ("ok1", 1),
            ("500", 0),
            ("403", 0),
            ("410", 0),
            ("503", 3),
            ("loop-a", 0),
            ("hop0", 0),
            ("drip", 1),
            ("big", 1),
            ("bomb", 1),
            ("html", 1),
            ("wrong-charset", 1),
            ("no-charset", 1),
            ("429", 2),
            ("after-429", 2),
        ]
    }
    return urls


def _subscribe_all(home: LibraryHome, urls: dict[str, str]) -> None:
    store = home.feeds.subscriptions
    for name, url in urls.items():
        store.add(url, title=("a " if name == "429" else "b ") + name)


def _by_name(report: RefreshReport, urls: dict[str, str]) -> dict[str, object]:
    back = {url: name for name, url in urls.items()}
    return {back[f.subscription.url]: f for f in report.feeds}


EXPECTED = {
    "500": ("server", "server error (HTTP 500)"),
    "403": ("auth", "needs authorisation or blocks readers (HTTP 403)"),
    "503": ("rate-limited", "Retry-After"),
    "loop-a": ("redirect-loop", "redirect loop"),
    "hop0": ("too-many-redirects", "more than 10 redirects"),
    "drip": ("too-slow", "too slow"),
    "big": ("too-large", "too large"),
    "bomb": ("too-large", "too large"),
    "html": ("not-a-feed", "not a feed: the server sent an HTML page"),
    "429": ("rate-limited", "rate limited (HTTP 429)"),
}


@pytest.mark.timeout(120)
def test_every_fault_is_named_and_scheduled_and_the_rest_finish(
    server: FeedServer, home: LibraryHome
) -> None:
    urls = _faulty(server)
    _subscribe_all(home, urls)
    started = now()
    report = home.refresh(policy=POLICY)
    feeds = _by_name(report, urls)
    subs = {s.url: s for s in home.feeds.subscriptions.all()}
    for name, (kind, words) in EXPECTED.items():
        sub = subs[urls[name]]
        assert sub.error_kind == kind, (name, sub.error)
        assert words in (sub.error or ""), (name, sub.error)
        assert sub.errors_in_a_row == 1
        assert sub.next_fetch is not None and sub.next_fetch >= started + timedelta(minutes=59)
    gone = subs[urls["410"]]
    assert gone.gone and gone.next_fetch is None and "gone (HTTP 410)" in (gone.error or "")
    # 429 with Retry-After pauses its whole host: the next feed there is not asked.
    assert feeds["after-429"].kind == "waiting"  # type: ignore[attr-defined]
    assert server.requests_for("/after-429", 2) == []
    assert subs[urls["429"]].not_before is not None
    # Everything else finished and is stored whole.
    for name in ("ok0", "ok1", "wrong-charset", "no-charset"):
        assert feeds[name].kind == "new", name  # type: ignore[attr-defined]
    assert home.count() == 5
    titles = {home.article(h.id).article.title for h in home.recent(limit=10)}  # type: ignore[union-attr]
    assert "São Paulo café" in titles
    bodies = [home.article(h.id).article.body for h in home.recent(limit=10)]  # type: ignore[union-attr]
    assert any("Olá, a feira do café." in body for body in bodies)
    assert home.search("harbour").total == 3


@pytest.mark.timeout(120)
def test_retry_after_and_backoff_are_obeyed_across_runs(
    server: FeedServer, home: LibraryHome
) -> None:
    urls = _faulty(server)
    _subscribe_all(home, urls)
    home.refresh(policy=POLICY)
    asked = {name: len(server.requests_for(f"/{name}", h)) for name, h in
             [("429", 2), ("503", 3), ("500", 0), ("410", 0)]}  # fmt: skip
    assert asked == {"429": 1, "503": 1, "500": 1, "410": 1}

    # By hand, right away: the schedule is ignored (the 500 is asked again), Retry-After
    # is not (the 429's host and the 503 wait), a gone feed is never asked again.
    second = home.refresh(policy=POLICY)
    assert len(server.requests_for("/500", 0)) == 2
    assert len(server.requests_for("/429", 2)) == 1
    assert len(server.requests_for("/after-429", 2)) == 0
    assert len(server.requests_for("/503", 3)) == 1
    assert len(server.requests_for("/410", 0)) == 1
    waiting = {f.subscription.url for f in second.feeds if f.kind == "waiting"}
    assert {urls["429"], urls["after-429"], urls["503"]} <= waiting
    failing = home.feeds.subscriptions.find(urls["500"])
    assert failing.errors_in_a_row == 2

    # On the schedule: an hour later the 500 (backed off 2 h after two errors) is not
    # due and is not asked; the healthy feeds are due again.
    hour = now() + timedelta(minutes=61, seconds=1)
    home.refresh(force=False, policy=POLICY, clock=lambda: hour + timedelta(minutes=15))
    assert len(server.requests_for("/500", 0)) == 2
    assert len(server.requests_for("/ok0", 0)) == 3
    # Three hours later it is due, and asked.
    later = now() + timedelta(hours=3)
    home.refresh(force=False, policy=POLICY, clock=lambda: later)
    assert len(server.requests_for("/500", 0)) == 3
    # The 429's host was paused 120 s: past that it is asked again, and so is its peer.
    assert len(server.requests_for("/429", 2)) == 2
    assert len(server.requests_for("/after-429", 2)) == 1


def test_backoff_grows_to_a_week_and_never_stops(server: FeedServer, home: LibraryHome) -> None:
    server.route("/down", status=500)
    url = server.url("/down")
    home.feeds.subscriptions.add(url)
    at = now()
    waits = []
    for _ in range(12):
        moment = at
        home.refresh(clock=lambda moment=moment: moment)  # type: ignore[misc]
        sub = home.feeds.subscriptions.find(url)
        assert sub.next_fetch is not None
        waits.append(sub.next_fetch - at)
        at = sub.next_fetch
    assert waits[0] >= timedelta(hours=1) and waits[1] >= timedelta(hours=2)
    assert all(w <= timedelta(days=7, minutes=15) for w in waits)
    assert waits[-1] >= timedelta(days=7)
    assert home.feeds.subscriptions.find(url).errors_in_a_row == 12
    assert len(server.requests_for("/down")) == 12


def test_a_network_that_is_down_counts_against_no_feed(home: LibraryHome) -> None:
    import socket

    dead = []
    for host in ("127.0.0.1", "127.0.0.2"):
        probe = socket.socket()
        probe.bind((host, 0))
        dead.append(f"http://{host}:{probe.getsockname()[1]}/feed")
        probe.close()  # nothing listens there now: connection refused
    for url in dead:
        home.feeds.subscriptions.add(url)
    report = home.refresh(policy=POLICY)
    assert report.network_down
    for url in dead:
        sub = home.feeds.subscriptions.find(url)
        assert sub.errors_in_a_row == 0 and "network is down" in (sub.error or "")


def test_one_dead_host_among_live_ones_counts_against_its_feed(
    server: FeedServer, home: LibraryHome
) -> None:
    import socket

    probe = socket.socket()
    probe.bind(("127.0.0.2", 0))
    dead = f"http://127.0.0.2:{probe.getsockname()[1]}/feed"
    probe.close()
    server.route("/live", body=rss([item(1)]))
    home.feeds.subscriptions.add(dead)
    home.feeds.subscriptions.add(server.url("/live"))
    report = home.refresh(policy=POLICY)
    assert not report.network_down
    sub = home.feeds.subscriptions.find(dead)
    assert sub.errors_in_a_row == 1 and sub.error_kind == "connect"
