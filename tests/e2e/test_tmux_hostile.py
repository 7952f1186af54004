"""End to end: a hostile bookmark import cannot set the terminal's title from the reader.

Issue 17's check: import an annotation file whose note, tags, quote and title
carry OSC 0 (``ESC ] 0 ; pwned BEL`` and its C1 form), open the installed
reader's Bookmarks screen (B) in tmux, and read the pane's title back: it is
the one the test set, and the screen shows the note as text.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_tmux import NEWSREADER, SEEDS, _tmux, _wait, add_library, launch, pytestmark  # noqa: F401

OSC_TITLE = "\x1b]0;pwned-7bit\x07 \u009d0;pwned-c1\u009c \x1b]2;pwned-two\x1b\\"
TITLE = "e2e-title-kept"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = add_library(tmp_path / "home", [str(SEEDS)], timeout=120)
    found = subprocess.run(
        [str(NEWSREADER), "--home", str(home), "search", "blinken", "--json"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    article_id = json.loads(found.stdout)["hits"][0]["id"]
    annotations = {
        "type": "AnnotationPage",
        "items": [
            {
                "type": "Annotation",
                "id": "urn:hostile:e2e",
                "newsreader:articleId": article_id,
                "newsreader:articleTitle": f"Imported {OSC_TITLE}",
                "body": [
                    {
                        "type": "TextualBody",
                        "purpose": "commenting",
                        "value": f"hostile{OSC_TITLE}",
                    },
                    {"type": "TextualBody", "purpose": "tagging", "value": f"tag{OSC_TITLE}"},
                ],
                "target": {
                    "source": f"urn:newsreader:article:{article_id}",
                    "selector": [{"type": "TextQuoteSelector", "exact": f"Blinken {OSC_TITLE}"}],
                },
            }
        ],
    }
    exported = tmp_path / "hostile.json"
    exported.write_text(json.dumps(annotations), encoding="utf-8")
    subprocess.run(
        [str(NEWSREADER), "--home", str(home), "bookmarks", "import", str(exported)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return home


@pytest.fixture
def session(tmp_path: Path) -> Iterator[str]:
    name = f"newsreader-hostile-{tmp_path.name}"
    yield name
    _tmux("kill-session", "-t", name)


def test_the_bookmarks_screen_leaves_the_terminal_title_alone(home: Path, session: str) -> None:
    launch(session, home)
    _tmux("set-option", "-t", session, "allow-rename", "on")
    _tmux("set-option", "-t", session, "-w", "allow-set-title", "on")
    _wait(session, lambda s: "articles" in s and " ×" in s)  # list loaded, an article open
    _tmux("select-pane", "-t", session, "-T", TITLE)
    assert _tmux("display", "-p", "-t", session, "#{pane_title}").strip() == TITLE
    _tmux("send-keys", "-t", session, "B")
    screen = _wait(session, lambda s: "1 shown" in s and "hostile" in s)
    assert "pwned" in screen  # the OSC's text is shown as text, its control bytes gone
    assert _tmux("display", "-p", "-t", session, "#{pane_title}").strip() == TITLE
    _tmux("send-keys", "-t", session, "Escape")
    _tmux("send-keys", "-t", session, "q")
