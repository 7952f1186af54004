"""The line docked at the top while the reader adds files or refreshes its feeds by hand:
how far it is and what it added."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from index.models import Progress


class IngestBar(Horizontal):
    """Hidden until :meth:`show_progress`; :meth:`finish` hides it again."""

    DEFAULT_CSS = """
    IngestBar {
        height: 1;
        dock: top;
        background: $boost;
        padding: 0 1;
        display: none;
        & > Label { width: auto; margin-right: 2; }
        & > ProgressBar { width: 1fr; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Label("Indexing…")
        yield ProgressBar(show_eta=False)

    def show_progress(self, progress: Progress) -> None:
        self.display = True
        self.query_one(ProgressBar).update(total=progress.total, progress=progress.done)
        added = progress.counts.get("added", 0)
        self.query_one(Label).update(
            f"Indexing {progress.done:,}/{progress.total or 0:,} "
            f"{_plural(progress.total, 'file')} · {added:,} added"
        )

    def show_feeds(self, progress: Progress) -> None:
        """A refresh by hand: feeds done of all, and the articles they added so far."""
        self.display = True
        self.query_one(ProgressBar).update(total=progress.total, progress=progress.done)
        if progress.total is None:
            self.query_one(Label).update(f"Refreshing feeds · {progress.current}")
            return
        added = progress.counts.get("added", 0)
        self.query_one(Label).update(
            f"Refreshing {progress.done:,}/{progress.total:,} "
            f"{_plural(progress.total, 'feed')} · {added:,} new"
        )

    def finish(self) -> None:
        self.display = False


def _plural(count: int | None, noun: str) -> str:
    return noun if count == 1 else noun + "s"
