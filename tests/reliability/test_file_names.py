"""A name that is not UTF-8 is one named skip or one line, never the whole command's end.

A Latin-1 disk gives ``caf\\xe9.txt``; Python hands it over with a lone
surrogate that SQLite and Whoosh cannot encode, and one such file among 200
used to abort ``add`` while planning (0 of 201 added). Arguments from
``$'\\xff'`` reached the store and the index the same way.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from support import run_cli

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

pytestmark = pytest.mark.skipif(
    os.fsencode("caf\udce9") != b"caf\xe9", reason="the file system encoding is not UTF-8"
)


def test_one_foreign_name_among_200_good_files(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    for number in range(200):
        (folder / f"story{number:03}.txt").write_text(
            f"Story {number}\n\nThe council met about story {number} and the budget.\n",
            encoding="utf-8",
        )
    os.makedirs(os.path.join(os.fsencode(folder), b"d\xe9p\xf4t"))
    for name in (b"caf\xe9.txt", b"d\xe9p\xf4t/inside.txt"):
        with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
            handle.write(b"A title\n\nA body about the council.\n")
    home = tmp_path / "home"
    done = run_cli(home, "add", str(folder), "--json")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert report["added"] == 200
    assert report["skipped"] == 2  # the file, and the folder once (not each file in it)
    skips = [line for line in done.stderr.splitlines() if line.startswith("skipped")]
    assert len(skips) == 2, done.stderr
    wanted = "caf\\xe9.txt: name is not UTF-8 (rename it to add it)"
    assert any(line.endswith(wanted) for line in skips)
    assert any("d\\xe9p\\xf4t: name is not UTF-8" in line for line in skips)
    assert not CONTROL.search(done.stderr)
    stats = json.loads(run_cli(home, "stats", "--json").stdout)
    assert stats["articles"] == 200


@pytest.mark.parametrize(
    "args",
    [
        ("show", "\udcff"),
        ("search", "id:\udcff*"),
        ("search", "caf\udce9"),
        ("related", "\udcff"),
        ("bookmarks", "add", "abc", "--quote", "council", "--note", "\udcff"),
    ],
)
def test_foreign_arguments_get_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    done = run_cli(tmp_path / "home", *args)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    assert "is not UTF-8 text" in line and "\\x" in line
