"""The command line's own mistakes: a mistyped command, a missing path, no terminal, a
closed pipe. Each is one line and a usage exit status, never the reader opening on
nothing or a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", "--home", str(home), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_a_mistyped_command_is_named_with_a_suggestion(tmp_path: Path) -> None:
    done = run("serach", "gaza", home=tmp_path / "h")
    assert done.returncode == 2
    assert "unknown command 'serach' (did you mean 'search'?)" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_path_is_named(tmp_path: Path) -> None:
    done = run(str(tmp_path / "nothing-here"), home=tmp_path / "h")
    assert done.returncode == 2
    assert "no such file or folder" in done.stderr


def test_the_reader_without_a_terminal_says_it_needs_one(tmp_path: Path) -> None:
    done = run(home=tmp_path / "h")
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    home = tmp_path / "h"
    seeds = ROOT / "seeds"
    assert run("add", str(seeds), home=home).returncode == 0
    pipeline = (
        f"{sys.executable} -m reader --home {home} search gaza --json --limit 50 | head -c 10"
    )
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {pipeline}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr, done.stderr


def test_add_on_a_messy_folder_lists_a_few_skips_of_each_reason_then_counts_them(
    tmp_path: Path,
) -> None:
    """Issue 16, item 7: a messy folder printed 1,629 skip lines and no summary by reason."""
    folder = tmp_path / "messy"
    folder.mkdir()
    for n in range(25):
        (folder / f"empty{n:02}.txt").write_bytes(b"")
    for n in range(12):
        (folder / f"blob{n:02}.bin").write_bytes(bytes(range(256)))
    (folder / "story.txt").write_text("A story about the harbour wall and the council.\n")
    done = run("add", str(folder), home=tmp_path / "h")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert sum(line.startswith("skipped /") and "empty file" in line for line in lines) == 10
    assert "skipped … and 15 more files: empty file (--all-skips lists them)" in lines
    assert "skipped … and 2 more files: unsupported file type (--all-skips lists them)" in lines
    assert lines[-1] == "37 skipped — empty file: 25 · unsupported file type: 12", lines[-3:]
    assert "1 added" in done.stdout
    every = run("add", "--all-skips", str(folder), home=tmp_path / "h")
    assert sum(line.startswith("skipped /") for line in every.stderr.splitlines()) == 37
