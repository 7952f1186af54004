"""Files at the edges: a very deep folder tree, a stray NUL byte, short Latin-1 text."""

from __future__ import annotations

import sys
from datetime import datetime
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


# --- dates written in other languages (issue 16, item 3) ------------------------------


def test_feed_dates_in_other_languages_are_read(tmp_path: Path) -> None:
    """UOL's feed dates its entries ``Seg, 24 Set 2018 19:42:40 -0300``, which feedparser
    does not read: they got the file's time and looked dated today."""

    feed = tmp_path / "uol.rss"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Notícias</title>'
        "<item><title>Um</title><link>https://n.example/1</link>"
        "<pubDate>Seg, 24 Set 2018 19:42:40 -0300</pubDate>"
        "<description>Texto um.</description></item>"
        "<item><title>Deux</title><link>https://n.example/2</link>"
        "<pubDate>mar., 5 févr. 2019 10:00:00 +0100</pubDate>"
        "<description>Texte deux.</description></item>"
        "<item><title>Drei</title><link>https://n.example/3</link>"
        "<pubDate>Mi, 3 Mär 2021 08:00:00 GMT</pubDate><description>Text drei.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    articles = {a.title: a for a in read_path(feed)}
    assert articles["Um"].published == datetime(2018, 9, 24, 22, 42, 40)
    assert articles["Deux"].published == datetime(2019, 2, 5, 9, 0)
    assert articles["Drei"].published == datetime(2021, 3, 3, 8, 0)
    assert {a.date_origin for a in articles.values()} == {"metadata"}


def test_a_weekday_or_month_alone_is_no_date() -> None:
    from index.sources.common import parse_date

    assert parse_date("Set 2018") is None
    assert parse_date("Sunday") is None
    assert parse_date("Dom, 02 Dez 2018 10:00:00 +0100") == datetime(2018, 12, 2, 9, 0)


def test_a_headline_then_one_huge_line_keeps_its_body(tmp_path: Path) -> None:
    """A 10 MB line after a headline was cut at the headline's line end: an empty body."""
    from index.sources.common import MAX_BODY_CHARS

    sentence = "The minister said the market fell. "
    for name, head in (("headed.txt", "A headline\n\n"), ("headed.md", "# A headline\n\n")):
        path = tmp_path / name
        path.write_text(head + sentence * (10_000_000 // len(sentence)))
        [article] = read_path(path)
        assert article.title == "A headline"
        assert MAX_BODY_CHARS - 100 <= len(article.body) <= MAX_BODY_CHARS
        assert article.body.startswith(sentence.strip())
