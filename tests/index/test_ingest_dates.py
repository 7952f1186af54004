"""Relative dates resolve only against a publication date the article states."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from index.home.ingest import ingest
from index.home.library import Library


def _dates(library: Library, title: str) -> dict[str, date | None]:
    hit = library.search(f'title:"{title}"').hits[0]
    stored = library.article(hit.id)
    assert stored is not None
    return {mention.text: mention.value for mention in stored.analysis.dates}


def test_file_time_is_no_reference_for_yesterday(tmp_path: Path) -> None:
    (tmp_path / "undated.txt").write_text(
        "Council votes on budget\n\nThe council met yesterday and will vote on 10 November.\n"
    )
    (tmp_path / "dated.md").write_text(
        "---\ntitle: Mayor resigns\ndate: 2024-11-12\n---\n\nThe mayor resigned yesterday.\n"
    )
    library = Library.in_memory()
    report = ingest(library, [tmp_path], jobs=1)
    assert report.added == 2
    assert _dates(library, "Council votes on budget") == {"yesterday": None, "10 November": None}
    assert _dates(library, "Mayor resigns") == {"yesterday": date(2024, 11, 11)}
