"""End to end, issue 11's repro: the installed reader re-anchors a bookmark when it adds
a changed file, so Bookmarks -> Enter opens at the quoted sentence, and the stored row
holds the new offsets.

`newsreader --home H add lib/`; `newsreader --home H bookmarks add ID --quote ...`;
a paragraph is inserted above the sentence in the file; `newsreader --home H lib/`
(the reader adds the changed file, then opens); `B`, Enter; quit.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_tmux import NEWSREADER, SEEDS, _tmux, _wait, pytestmark  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
SEED = SEEDS / "000_ae79fbdee465601c.txt"
QUOTE = "Mediation efforts previously supported by Qatar have been suspended"
INSERTED = (
    "Inserted later above the bookmarked sentence: an old offset now falls in these words, "
    "which a bookmark that was not re-anchored would mark instead of the quote."
)


def _cli(home: Path, *args: str) -> str:
    done = subprocess.run(
        [str(NEWSREADER), "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


@pytest.fixture
def session(tmp_path: Path) -> Iterator[str]:
    name = f"newsreader-reanchor-{tmp_path.name}"
    yield name
    _tmux("kill-session", "-t", name)


def test_the_reader_reanchors_and_opens_the_bookmark_at_its_quote(
    tmp_path: Path, session: str
) -> None:
    lib, home = tmp_path / "lib", tmp_path / "H"
    lib.mkdir()
    article = lib / SEED.name
    shutil.copyfile(SEED, article)
    _cli(home, "add", str(lib))
    (hit,) = json.loads(_cli(home, "search", "qatar", "--json"))["hits"]
    bookmark_id = _cli(home, "bookmarks", "add", hit["id"], "--quote", QUOTE).strip()
    text = article.read_text(encoding="utf-8")
    at = text.index(QUOTE)
    article.write_text(text[:at] + INSERTED + "\n\n" + text[at:], encoding="utf-8")

    command = (
        "env -u COLUMNS -u LINES TERM=xterm-256color COLORTERM=truecolor "
        f"{NEWSREADER} --home {home} {lib}"
    )
    _tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "36", command)
    _wait(session, lambda s: "from the paths given" in s and " ×" in s, seconds=60)
    _tmux("send-keys", "-t", session, "B")
    _wait(session, lambda s: "1 shown" in s)
    _tmux("send-keys", "-t", session, "Enter")
    # The bar in the article's gutter marks bookmarked paragraphs (toasts draw one too).
    words = ("Mediation efforts", "Inserted later")
    screen = _wait(
        session,
        lambda s: any("▌" in x and any(w in x for w in words) for x in s.splitlines()),
    )
    marked = [line for line in screen.splitlines() if "▌" in line]
    assert any("Mediation efforts previously" in line for line in marked), screen
    assert not any("Inserted later" in line for line in marked), screen
    _tmux("send-keys", "-t", session, "q")
    _wait(session, lambda s: "newsreader —" not in s, seconds=10)

    conn = sqlite3.connect(home / "library.sqlite3")
    try:
        start, end = conn.execute(
            "SELECT start_offset, end_offset FROM bookmarks WHERE id = ?", (bookmark_id,)
        ).fetchone()
        (body,) = conn.execute("SELECT body FROM articles WHERE id = ?", (hit["id"],)).fetchone()
    finally:
        conn.close()
    assert body[start:end] == QUOTE
