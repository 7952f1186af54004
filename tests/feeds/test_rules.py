"""Issue 13, filters: a rule "query → action" acts on new articles as they arrive, from
files and from feeds: ``hide`` keeps them out of every view but ``is:hidden``, ``read``,
``star`` and ``tag`` (``tag:NAME``); nothing is deleted, and the past is not rewritten."""

from __future__ import annotations

from pathlib import Path

import pytest
from feedkit import item, rss
from feedserver import FeedServer

from index.errors import QueryError
from index.home import LibraryHome


def _titles(home: LibraryHome, query: str) -> set[str]:
    return {hit.title for hit in home.search(query, limit=100).hits}


def _write(folder: Path, name: str, title: str, body: str) -> None:
    (folder / name).write_text(
        f"---\ntitle: {title}\ndate: 2024-11-0{len(name) % 9 + 1}\n---\n\n{body}\n"
    )


def test_rules_act_on_what_arrives(server: FeedServer, home: LibraryHome, tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    _write(folder, "old.md", "Old gossip", "Celebrity gossip from before the rule.")
    home.add([folder])
    hide = home.add_rule("gossip", "hide")
    home.add_rule("harbour", "star")
    home.add_rule("budget", "tag", "money")
    with pytest.raises(QueryError, match="no feed or added folder called 'Wire'"):
        home.add_rule('feed:"Wire"', "read")  # not subscribed yet
    with pytest.raises(QueryError, match="needs --tag"):
        home.add_rule("x", "tag")
    with pytest.raises(QueryError):
        home.add_rule("published:[zz", "hide")

    _write(folder, "new.md", "New gossip", "More celebrity gossip.")
    _write(folder, "harbour.md", "Harbour news", "The harbour budget was approved.")
    home.add([folder])
    server.route("/wire.xml", body=rss([item(1, text="The council budget for the ferry.")],
                                       title="Wire"))  # fmt: skip
    home.subscribe([server.url("/wire.xml")])
    home.add_rule('feed:"Wire"', "read")
    later = [item(1, text="The council budget for the ferry."), item(2, text="Gossip about him.")]
    server.route("/wire.xml", body=rss(later, title="Wire"))
    home.refresh()

    shown = {hit.title for hit in home.recent(limit=50)}
    assert "New gossip" not in shown and "Story 2" not in shown  # hidden as they arrived
    assert "Old gossip" in shown  # before the rule: left alone
    assert _titles(home, "gossip") == {"Old gossip"}
    assert _titles(home, "is:hidden") == {"New gossip", "Story 2"}
    assert {h.title for h in home.recent(state="hidden")} == {"New gossip", "Story 2"}
    assert _titles(home, "is:starred") == {"Harbour news"}
    assert _titles(home, "tag:money") == {"Harbour news", "Story 1"}
    assert _titles(home, "is:read") == set()  # Story 2 is, but it is hidden
    assert _titles(home, "is:read is:hidden") == {"Story 2"}
    assert home.count() == 5  # nothing deleted
    assert home.remove_rule(hide.id) and not home.remove_rule(hide.id)
