"""Storage trouble is said as what it is: read-only, full or not permitted, never "damaged".

SQLite reports a read-only mount, a full disk and a folder without write
permission as ``unable to open database file``, ``disk I/O error`` or
``readonly database``; every command said the database was damaged and
suggested ``recover`` "to start a fresh one", and ``recover`` on a full disk
set the whole library aside. Here each trouble is made for real: a tmpfs
(remounted read-only, or filled to 0 bytes free), and a folder made
unwritable with ``chmod 555`` (as root, with the capabilities that override
file permissions dropped by ``setpriv``). Reads work in all three; a write is
one line naming the cause; ``recover`` touches nothing. A missing ``index/``
is said, not silently replaced by an empty one.

Needs permission to mount a tmpfs (root in CI); skipped cleanly otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import cli_env, lines, run_cli, tmpfs

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
DISK_MB = 8
DAMAGE_WORDS = ("damaged", "fresh", "corrupt")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A small library with a bookmark, built once on the ordinary disk."""
    home = tmp_path_factory.mktemp("built") / "home"
    assert run_cli(home, "add", str(SEEDS)).returncode == 0
    found = run_cli(home, "search", "blinken", "--json")
    article_id = found.stdout.split('"id": "')[1].split('"')[0]
    added = run_cli(home, "bookmarks", "add", article_id, "--quote", "Blinken", "--note", "n")
    assert added.returncode == 0, added.stderr
    return home, article_id


@pytest.fixture(scope="module")
def new_article(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file the library does not hold yet: adding it must write."""
    path = tmp_path_factory.mktemp("new") / "new.txt"
    path.write_text("A new story\n\nThe council met about the harbour budget.\n")
    return path


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    with tmpfs(mount_point, DISK_MB) as mounted:
        yield mounted


def _copy(built: tuple[Path, str], disk: Path) -> Path:
    home = disk / "home"
    shutil.copytree(built[0], home)
    return home


def _remount_read_only(disk: Path) -> None:
    done = subprocess.run(
        ["mount", "-o", "remount,ro", str(disk)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"cannot remount read-only: {done.stderr.strip()}")


def _fill(disk: Path) -> None:
    """Write until the disk has 0 bytes free."""
    with open(disk / "filler", "wb", buffering=0) as handle:
        for size in (65536, 512, 1):
            try:
                while True:
                    handle.write(b"\0" * size)
            except OSError:
                pass
    assert os.statvfs(disk).f_bavail == 0


def _unprivileged() -> list[str]:
    """A prefix that makes ``chmod`` bind this process: none for a normal user; for root,
    ``setpriv`` without the capabilities that override file permissions."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: chmod cannot stop root's writes")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--"]


DRIVER = """
import contextlib, io, json, sys, traceback
from reader.cli import main
home, commands = sys.argv[1], json.loads(sys.argv[2])
results = []
for args in commands:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--home", home, "--ner", "off", *args])
        except SystemExit as exit:
            code = exit.code
        except BaseException:
            traceback.print_exc()
            code = -1
    results.append([code, out.getvalue(), err.getvalue()])
print(json.dumps(results))
"""
"""Runs several commands in one process (the CLI's ``main``, each with its own output):
one interpreter start per scenario instead of one per command."""


def run_all(
    home: Path, *commands: tuple[str, ...], prefix: list[str] | None = None
) -> list[subprocess.CompletedProcess[str]]:
    done = subprocess.run(
        [*(prefix or []), sys.executable, "-c", DRIVER, str(home), json.dumps(commands)],
        capture_output=True,
        text=True,
        timeout=120,
        env=cli_env(),
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [
        subprocess.CompletedProcess(list(args), code, out, err)
        for args, (code, out, err) in zip(commands, json.loads(done.stdout), strict=True)
    ]


def run(
    home: Path, *args: str, prefix: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    (done,) = run_all(home, args, prefix=prefix)
    return done


def assert_reads_work(home: Path, article_id: str, prefix: list[str] | None = None) -> None:
    reads = [
        ("search", "blinken"),
        ("stats",),
        ("bookmarks", "list"),
        ("show", article_id),
        ("related", article_id),
    ]
    for args, done in zip(reads, run_all(home, *reads, prefix=prefix), strict=True):
        assert done.returncode == 0, f"{args}: {done.stderr}"
        assert done.stdout.strip(), args
        if args[0] == "search":
            assert "Blinken" in done.stdout


def assert_one_line_naming(done: subprocess.CompletedProcess[str], cause: str) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = lines(done.stderr)
    assert cause in line, line
    assert not any(word in line for word in DAMAGE_WORDS), line
    assert "newsreader recover" not in line, line  # no advice to set the library aside


def _listing(home: Path) -> list[str]:
    return sorted(str(path.relative_to(home)) for path in home.rglob("*"))


def test_read_only_home_reads_work_and_writes_say_read_only(
    built: tuple[Path, str], disk: Path, new_article: Path
) -> None:
    home = _copy(built, disk)
    _remount_read_only(disk)
    assert_reads_work(home, built[1])
    assert_one_line_naming(run(home, "add", str(new_article)), "read-only file system")
    assert_one_line_naming(
        run(home, "bookmarks", "add", built[1], "--quote", "Dermer"), "read-only file system"
    )
    assert_one_line_naming(run(home, "recover"), "read-only file system")


def test_full_disk_reads_work_and_writes_say_full(
    built: tuple[Path, str], disk: Path, new_article: Path
) -> None:
    home = _copy(built, disk)
    before = _listing(home)
    _fill(disk)
    assert_reads_work(home, built[1])
    assert_one_line_naming(run(home, "add", str(new_article)), "full")
    assert_one_line_naming(run(home, "bookmarks", "add", built[1], "--quote", "Dermer"), "full")
    assert_one_line_naming(run(home, "recover"), "full")
    after = [name for name in _listing(home) if not name.endswith(("-wal", "-shm"))]
    assert after == [name for name in before if not name.endswith(("-wal", "-shm"))]


def test_unwritable_home_reads_work_and_writes_say_no_permission(
    built: tuple[Path, str], tmp_path: Path, new_article: Path
) -> None:
    prefix = _unprivileged()
    home = tmp_path / "home"
    shutil.copytree(built[0], home)
    home.chmod(0o555)
    try:
        assert_reads_work(home, built[1], prefix)
        for args in (("add", str(new_article)), ("recover",)):
            assert_one_line_naming(run(home, *args, prefix=prefix), "no permission to write")
    finally:
        home.chmod(0o755)
    assert not any(name.startswith(("index.corrupt", "library.sqlite3.corrupt")) for name in
                   os.listdir(home))  # fmt: skip


def test_unwritable_index_folder_says_no_permission(
    built: tuple[Path, str], tmp_path: Path, new_article: Path
) -> None:
    """Was a PermissionError traceback from Whoosh's writer."""
    prefix = _unprivileged()
    home = tmp_path / "home"
    shutil.copytree(built[0], home)
    (home / "index").chmod(0o555)
    try:
        assert run(home, "search", "blinken", prefix=prefix).returncode == 0
        done = run(home, "add", str(new_article), prefix=prefix)
        assert_one_line_naming(done, f"no permission to write in {home / 'index'}")
    finally:
        (home / "index").chmod(0o755)


def test_no_home_on_a_read_only_file_system_is_one_line(disk: Path) -> None:
    _remount_read_only(disk)
    for args in (("search", "x"), ("stats",), ("add", str(SEEDS)), ("recover",)):
        assert_one_line_naming(run(disk / "home", *args), "read-only file system")


def test_a_missing_index_is_said_and_recover_rebuilds_it(
    built: tuple[Path, str], tmp_path: Path
) -> None:
    """A deleted ``index/`` was silently recreated empty (``stats``: 0 articles)."""
    home = tmp_path / "home"
    shutil.copytree(built[0], home)
    shutil.rmtree(home / "index")
    for args in (("stats",), ("search", "blinken")):
        done = run(home, *args)
        assert done.returncode == 1, done.stdout
        (line,) = lines(done.stderr)
        assert "search index" in line and "missing" in line and "newsreader recover" in line
    assert run(home, "recover").returncode == 0
    assert "Blinken" in run(home, "search", "blinken").stdout
