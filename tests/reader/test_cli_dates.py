"""``newsreader search`` with the relative dates a person types: ``published:"last week"``."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from reader.cli import main


def _write(folder: Path, name: str, day: date) -> None:
    (folder / f"{name}.md").write_text(
        f"---\ntitle: Story {name}\ndate: {day.isoformat()}\n---\n\nA story about harbours.\n",
        encoding="utf-8",
    )


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Three articles: one a week ago (always in last week), one today, one a month ago."""
    folder = tmp_path / "articles"
    folder.mkdir()
    today = date.today()
    _write(folder, "week", today - timedelta(days=7))
    _write(folder, "today", today)
    _write(folder, "month", today - timedelta(days=35))
    assert main(["--home", str(tmp_path / "home"), "add", str(folder)]) == 0
    capsys.readouterr()
    return tmp_path / "home"


def _titles(capsys: pytest.CaptureFixture[str], home: Path, query: str) -> list[str]:
    assert main(["--home", str(home), "search", query, "--json"]) == 0
    return sorted(hit["title"] for hit in json.loads(capsys.readouterr().out)["hits"])


@pytest.mark.parametrize("query", ['published:"last week"', "published:[last week]"])
def test_last_week_on_the_command_line(
    capsys: pytest.CaptureFixture[str], home: Path, query: str
) -> None:
    assert _titles(capsys, home, query) == ["Story week"]
    assert _titles(capsys, home, f"harbours AND {query}") == ["Story week"]


def test_today_and_a_range_from_last_week(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    assert _titles(capsys, home, "published:[today]") == ["Story today"]
    assert _titles(capsys, home, "published:[last week to today]") == [
        "Story today",
        "Story week",
    ]


def test_an_unknown_phrase_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    code = main(["--home", str(home), "search", "published:[last fortnight]"])
    err = capsys.readouterr().err
    assert code != 0
    assert "cannot read 'last fortnight' as a date" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
