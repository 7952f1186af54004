"""The installed CLI's feeds and refresh commands, against the live test server."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from feedkit import item, rss
from feedserver import FeedServer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
from support import run_cli

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE = "\x1b]0;pwned\x07 \x1b[2J \u009b2J [bold]loud[/bold]"


def test_add_refresh_list_export_remove(server: FeedServer, tmp_path: Path) -> None:
    server.route("/a", body=rss([item(1), item(2)], title="Alpha"), etag='"a"')
    server.route("/b", host=1, status=503, headers={"Retry-After": "3600"})
    local = tmp_path / "local.xml"
    local.write_bytes(rss([item(5)], title="Local"))
    lib = tmp_path / "lib"
    added = run_cli(lib, "feeds", "add", server.url("/a"), str(local), "--folder", "Mine")
    assert added.returncode == 0, added.stderr
    assert "subscribed to Alpha" in added.stdout and "2 articles added" in added.stdout
    opml = tmp_path / "more.opml"
    opml.write_text(
        f'<opml version="2.0"><body><outline text="Down" xmlUrl="{server.url("/b", 1)}"/>'
        f'<outline text="Alpha again" xmlUrl="{server.url("/a")}"/></body></opml>'
    )
    imported = run_cli(lib, "feeds", "import", str(opml))
    assert "1 feed subscribed, 1 already subscribed" in imported.stdout
    refreshed = run_cli(lib, "refresh")
    assert refreshed.returncode == 0
    assert "3 feeds: 0 articles added" in refreshed.stdout
    [failure] = [line for line in refreshed.stderr.splitlines() if line.startswith("failed")]
    assert "Down" in failure and "HTTP 503" in failure and "next try" in failure
    listed = json.loads(run_cli(lib, "feeds", "list", "--json").stdout)
    by_title = {row["title"]: row for row in listed}
    assert by_title["Alpha"]["articles"] == 2 and by_title["Alpha"]["folder"] == "Mine"
    assert by_title["Alpha"]["unread"] == 2  # nothing read yet
    alpha_ids = [h["id"] for h in json.loads(run_cli(lib, "list", "--json").stdout)["articles"]
                 if h["source"] == "Alpha"]  # fmt: skip
    assert run_cli(lib, "mark", "read", alpha_ids[0]).returncode == 0
    listed = json.loads(run_cli(lib, "feeds", "list", "--json").stdout)
    by_title = {row["title"]: row for row in listed}
    assert by_title["Alpha"]["unread"] == 1
    assert "2 articles (1 unread," in run_cli(lib, "feeds", "list").stdout
    assert by_title["Down"]["errors_in_a_row"] == 1 and by_title["Down"]["next_fetch"]
    assert by_title["Local"]["url"].startswith("file:///")
    exported = run_cli(lib, "feeds", "export")
    assert exported.stdout.count('type="rss"') == 3
    removed = run_cli(lib, "feeds", "remove", "Alpha", "--delete-articles")
    assert "2 of its articles removed, 0 kept" in removed.stdout
    assert len(json.loads(run_cli(lib, "feeds", "list", "--json").stdout)) == 2


def test_no_control_sequence_from_a_feed_reaches_the_terminal(
    server: FeedServer, tmp_path: Path
) -> None:
    hostile = rss([item(1)], title=f"Evil {HOSTILE}")
    server.route("/evil", body=hostile)
    server.route("/html", body=f"<html>{HOSTILE}</html>".encode(), content_type="text/html")
    lib = tmp_path / "lib"
    outputs = [
        run_cli(lib, "feeds", "add", server.url("/evil")),
        run_cli(lib, "feeds", "add", server.url("/html")),
        run_cli(lib, "feeds", "list"),
        run_cli(lib, "feeds", "list", "--json"),
        run_cli(lib, "refresh"),
    ]
    for done in outputs:
        for stream in (done.stdout, done.stderr):
            assert not CONTROL.findall(stream), stream[:300]
    assert "[bold]loud[/bold]" in outputs[2].stdout  # markup shown as text


def test_a_bad_opml_is_one_line_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.opml"
    bad.write_text('<!DOCTYPE x [<!ENTITY a "a">]><opml><body/></opml>')
    done = run_cli(tmp_path / "lib", "feeds", "import", str(bad))
    assert done.returncode == 1
    assert "refused" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
