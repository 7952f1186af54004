"""Issue 13, retention: per feed ``keep_days`` / ``keep_max``; ``cleanup`` removes only
read articles that are not starred, not bookmarked and carried by no other feed or file,
says what it would remove first (``--dry-run``), and a removed entry is not fetched
again."""

from __future__ import annotations

from datetime import datetime

from feedkit import BASE, feed_ids, item, rss
from feedserver import FeedServer

from index.home import LibraryHome


def test_cleanup_keeps_what_matters(server: FeedServer, home: LibraryHome) -> None:
    server.route("/wire.xml", body=rss([item(n) for n in range(10)], title="Wire"))
    home.subscribe([server.url("/wire.xml")])
    ids = {hit.title: hit.id for hit in home.recent(limit=50)}
    assert len(ids) == 10
    home.mark(list(ids.values()), "read")
    home.mark([ids["Story 0"]], "unread")  # the oldest: unread, kept
    home.mark([ids["Story 1"]], "star")
    home.add_bookmark_quote(ids["Story 2"], "Story number 2")
    assert home.cleanup() == []  # no retention: everything is kept
    home.set_retention("Wire", keep_days=None, keep_max=4)

    planned = home.cleanup(dry_run=True)
    assert [(sub.name, sorted(gone)) for sub, gone in planned] == [
        ("Wire", sorted(ids[f"Story {n}"] for n in (3, 4, 5)))
    ]
    assert home.count() == 10  # a dry run removes nothing
    home.cleanup()
    left = {hit.title for hit in home.recent(limit=50)}
    assert left == {f"Story {n}" for n in (0, 1, 2, 6, 7, 8, 9)}

    home.refresh()  # the feed still lists the removed entries: not added again
    assert {hit.title for hit in home.recent(limit=50)} == left
    assert len(feed_ids(home, server.url("/wire.xml"))) == 10  # the entries are remembered

    home.set_retention("Wire", keep_days=30, keep_max=None)
    later = BASE.replace(tzinfo=None) + (datetime(2027, 1, 1) - datetime(2026, 11, 1))
    gone = {i for _, ids_ in home.cleanup(now=later) for i in ids_}
    assert gone == {ids[f"Story {n}"] for n in (6, 7, 8, 9)}  # read, not protected, old
