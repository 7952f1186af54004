"""Files at the edges: a very deep folder tree, a stray NUL byte, short Latin-1 text."""

from __future__ import annotations

import sys
from pathlib import Path

from index.sources import discover, read_path
from index.sources.raw import decode


def test_a_folder_tree_deeper_than_the_recursion_limit_is_walked(tmp_path: Path) -> None:
    depth = 1900
    assert depth > sys.getrecursionlimit() - 100
    deepest = tmp_path
    for _ in range(depth):  # os.makedirs itself recurses
        deepest = deepest / "d"
        deepest.mkdir()
    (deepest / "story.txt").write_text("Deep\n\nA story far down.\n", encoding="utf-8")
    (tmp_path / "top.txt").write_text("Top\n\nA story on top.\n", encoding="utf-8")
    try:
        found = list(discover([tmp_path]))
        assert sorted(p.name for p in found if isinstance(p, Path)) == ["story.txt", "top.txt"]
    finally:  # shutil.rmtree (pytest's clean-up) recurses too: take the tree down here
        (deepest / "story.txt").unlink()
        while deepest != tmp_path:
            deepest.rmdir()
            deepest = deepest.parent


def test_a_folder_loop_through_a_symlink_is_entered_once(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("One\n\nText.\n", encoding="utf-8")
    (tmp_path / "a" / "back").symlink_to(tmp_path, target_is_directory=True)
    found = [p for p in discover([tmp_path]) if isinstance(p, Path)]
    assert [p.name for p in found] == ["one.txt"]


def test_a_stray_nul_byte_does_not_make_text_binary(tmp_path: Path) -> None:
    path = tmp_path / "nul.txt"
    path.write_bytes(b"A title\n\nBody with a stray \x00 byte in it.\n")
    (article,) = read_path(path)
    assert article.title == "A title"
    assert article.body == "Body with a stray  byte in it."


def test_short_latin1_text_is_read_as_western_european() -> None:
    assert decode("Crème brûlée".encode("latin-1"), Path("x")) == "Crème brûlée"
    assert decode(b"cr\xe8me", Path("x")) == "crème"
    russian = ("Правительство заявило о новых мерах поддержки. " * 40).encode("cp1251")
    assert "Правительство" in decode(russian, Path("x"))  # many high bytes: detection decides
