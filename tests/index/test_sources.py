"""Source readers: each format's happy path, and bad input that must fail cleanly."""

from __future__ import annotations

import gzip
import json
import os
import random
from datetime import datetime
from pathlib import Path

import pytest

from index.errors import SourceError
from index.models import stable_id
from index.sources import SUPPORTED_SUFFIXES, discover, read_path
from index.sources.common import MAX_BODY_CHARS, date_in_text, parse_date
from index.sources.html import strip_site_name
from index.sources.raw import MAX_FILE_BYTES

SEED_TEXT = """US-Israel Talks Intensify Amid Humanitarian Crisis in Gaza

The ongoing conflict in Gaza has escalated. Antony Blinken is set to meet Ron Dermer in \
Washington on 11 November 2024.

Escalating Violence Ahead of U.S. Deadline

  • Israeli strikes on Gaza killed at least 30.
  • In Lebanon, strikes reportedly killed 20.
"""


def write(folder: Path, name: str, content: str | bytes) -> Path:
    """Write a source file (text as UTF-8) and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def read_one(path: Path) -> object:
    """The single article of a single-article file."""
    articles = read_path(path)
    assert len(articles) == 1
    return articles[0]


# --- plain text ----------------------------------------------------------------------


def test_text_seed_shape(tmp_path: Path) -> None:
    path = write(tmp_path / "sample", "000.txt", SEED_TEXT)
    [article] = read_path(path)
    assert article.title == "US-Israel Talks Intensify Amid Humanitarian Crisis in Gaza"
    assert article.body.startswith("The ongoing conflict in Gaza")
    assert "\n\nEscalating Violence Ahead of U.S. Deadline\n\n" in article.body
    assert "• Israeli strikes" in article.body
    assert article.published == datetime(2024, 11, 11)
    assert article.date_origin == "text"
    assert article.source == "sample"
    assert article.path == str(path.resolve())
    assert article.id == stable_id(str(path.resolve()))


def test_text_id_is_from_path_not_content(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "Title\n\nFirst version.\n")
    before = read_path(path)[0]
    path.write_text("Title\n\nSecond version, longer.\n", encoding="utf-8")
    after = read_path(path)[0]
    assert before.id == after.id
    assert before.content_hash != after.content_hash


def test_text_without_date_uses_file_time(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "Title\n\nNo date in here at all.\n")
    stamp = datetime(2021, 3, 4, 5, 6, 7).timestamp()
    os.utime(path, (stamp, stamp))
    article = read_path(path)[0]
    assert article.date_origin == "file"
    assert article.published == datetime.utcfromtimestamp(stamp)


def test_text_paragraph_first_line_gets_a_sentence_title(tmp_path: Path) -> None:
    sentence = "Markets rallied on Tuesday as investors cheered news of lower inflation everywhere."
    path = write(tmp_path, "a.txt", sentence + " " + "More words follow here. " * 20)
    article = read_path(path)[0]
    assert article.body.startswith("Markets rallied")
    assert article.title.startswith("Markets rallied on Tuesday")
    assert len(article.title) <= 81


def test_text_crlf_and_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "\ufeffHeadline\r\n\r\nOne.\r\n\r\nTwo.\r\n".encode())
    article = read_path(path)[0]
    assert article.title == "Headline"
    assert article.body == "One.\n\nTwo."


# --- Markdown ------------------------------------------------------------------------

MARKDOWN = """---
title: "Talks resume in Washington"
date: 2024-11-11T10:00:00+02:00
source: Example Wire
author: Jane Roe
url: https://example.com/talks
tags: [politics, gaza]
---

# A heading in the body

Some **bold**, _italic_ and `code` text with a [link](https://example.com/a_(b)) \
and a snake_case_name.

> A quoted line.

- item one
- item two

![chart](chart.png)
"""


def test_markdown_front_matter(tmp_path: Path) -> None:
    article = read_path(write(tmp_path, "talks.md", MARKDOWN))[0]
    assert article.title == "Talks resume in Washington"
    assert article.published == datetime(2024, 11, 11, 8, 0)
    assert article.date_origin == "metadata"
    assert article.source == "Example Wire"
    assert article.author == "Jane Roe"
    assert article.url == "https://example.com/talks"
    assert article.body.startswith("A heading in the body\n\n")
    assert "Some bold, italic and code text with a link and a snake_case_name." in article.body
    assert "A quoted line." in article.body
    assert "• item one\n• item two" in article.body
    for markup in ("**", "](", "![", "> ", "---", "chart.png"):
        assert markup not in article.body


def test_markdown_heading_is_title_without_front_matter(tmp_path: Path) -> None:
    path = write(tmp_path / "notes", "n.markdown", "# The *real* title\n\nBody text here.\n")
    article = read_path(path)[0]
    assert article.title == "The real title"
    assert article.body == "Body text here."
    assert article.source == "notes"


def test_markdown_unclosed_front_matter_is_text(tmp_path: Path) -> None:
    article = read_path(write(tmp_path, "a.md", "---\ntitle: x\n\nJust text.\n"))[0]
    assert "Just text." in article.body


def test_markdown_unclosed_markup_stays_text(tmp_path: Path) -> None:
    # Quadratic regexes would make this file take hours; pytest-timeout catches that.
    hostile = "*a _b [c]( ![d]( ~~f " * 50_000
    article = read_path(write(tmp_path, "hostile.md", "# T\n\nStart " + hostile + "\n"))[0]
    assert article.title == "T"
    assert article.body == "Start " + hostile.strip()


def test_markdown_comment_removed(tmp_path: Path) -> None:
    article = read_path(write(tmp_path, "c.md", "# T\n\nKeep <!-- drop\nthis --> this.\n"))[0]
    assert article.body == "Keep  this."


# --- HTML ----------------------------------------------------------------------------

PARAGRAPHS = [
    "The city council voted on Tuesday to approve a new plan for the riverside park, "
    "ending months of debate among residents and local businesses.",
    "Supporters said the plan would add green space and protect the area from floods, "
    "while critics warned that the cost could rise well beyond the original estimate.",
    "Work on the first phase is expected to begin next spring and to last two years, "
    "according to the council's planning department.",
]


def news_page() -> str:
    """A small news page with metadata, navigation and a footer."""
    body = "\n".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Council approves riverside park plan | Daily Example</title>
<meta property="og:title" content="Council approves riverside park plan">
<meta property="og:site_name" content="Daily Example">
<meta property="og:url" content="https://daily.example.com/news/park-plan">
<meta name="author" content="Sam Writer">
<meta property="article:published_time" content="2023-05-16T08:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Council approves riverside park plan</h1>
{body}
</article>
<footer>Copyright Daily Example. All rights reserved.</footer>
</body></html>"""


def test_html_news_page(tmp_path: Path) -> None:
    article = read_path(write(tmp_path, "park.html", news_page()))[0]
    assert article.title == "Council approves riverside park plan"
    assert article.published == datetime(2023, 5, 16)
    assert article.date_origin == "metadata"
    assert article.author == "Sam Writer"
    assert article.source == "Daily Example"
    assert article.url == "https://daily.example.com/news/park-plan"
    assert PARAGRAPHS[0] in article.body
    assert f"{PARAGRAPHS[1]}\n\n{PARAGRAPHS[2]}" in article.body
    assert "<p>" not in article.body
    assert "All rights reserved" not in article.body


def test_html_gzipped(tmp_path: Path) -> None:
    path = write(tmp_path, "park.html.gz", gzip.compress(news_page().encode()))
    assert read_path(path)[0].title == "Council approves riverside park plan"


def test_html_declared_charset(tmp_path: Path) -> None:
    page = news_page().replace('charset="utf-8"', 'charset="windows-1252"')
    page = page.replace("riverside park, ending", "riverside park \u2013 costing \u00a32m, ending")
    article = read_path(write(tmp_path, "park.htm", page.encode("cp1252")))[0]
    assert "park \u2013 costing \u00a32m" in article.body


@pytest.mark.parametrize(
    ("title", "sitename", "hostname", "expected"),
    [
        ("Penny - Stardew Valley Wiki", "Stardew Valley Wiki", "", "Penny"),
        ("Char Kway Teow - Eat What Tonight", "", "eatwhattonight.com", "Char Kway Teow"),
        ("BBC News - Big story", "BBC News", "bbc.co.uk", "Big story"),
        ("Talks | Site A | Section B", "Site A | Section B", "a.com", "Talks"),
        (
            "Chapter 1: Prologue - Murdered",
            "Royal Road",
            "royalroad.com",
            "Chapter 1: Prologue - Murdered",
        ),
        ("Tax rises - US", "Daily", "us.example.com", "Tax rises - US"),
        ("Daily Example", "Daily Example", "", "Daily Example"),
    ],
)
def test_html_title_loses_its_site_name(
    title: str, sitename: str, hostname: str, expected: str
) -> None:
    assert strip_site_name(title, sitename, hostname) == expected


# --- JSON, JSON Lines, JSON Feed -----------------------------------------------------


def test_json_single_object(tmp_path: Path) -> None:
    record = {"headline": "One story", "text": "Its body.", "pubDate": "2024-11-10"}
    path = write(tmp_path / "wire", "one.json", json.dumps(record))
    article = read_path(path)[0]
    assert (article.title, article.body) == ("One story", "Its body.")
    assert article.published == datetime(2024, 11, 10)
    assert article.date_origin == "metadata"
    assert article.source == "wire"
    assert article.id == stable_id(str(path.resolve()))


def test_json_list_and_wrapper(tmp_path: Path) -> None:
    items = [
        {"title": "A", "content": "<p>Alpha <b>one</b>.</p><p>Two.</p>", "link": "https://x.org/a"},
        {"title": "B", "description": "Beta.", "published": 1700000000, "id": "7"},
        {"title": "", "body": ""},
        "not an object",
    ]
    listed = read_path(write(tmp_path, "list.json", json.dumps(items)))
    wrapped = read_path(
        write(tmp_path, "wrap.json", json.dumps({"source": "X", "articles": items}))
    )
    assert [a.title for a in listed] == ["A", "B"]
    assert listed[0].body == "Alpha one.\n\nTwo."
    assert listed[0].id == stable_id("https://x.org/a")
    assert listed[1].published == datetime(2023, 11, 14, 22, 13, 20)
    assert listed[1].id != wrapped[1].id  # a bare "7" is qualified by its publication
    assert [a.source for a in wrapped] == ["X", "X"]


def test_json_lines(tmp_path: Path) -> None:
    lines = [json.dumps({"title": f"T{n}", "body": f"Body {n}."}) for n in range(3)]
    path = write(tmp_path, "many.jsonl", "\n".join(lines) + "\n\n")
    articles = read_path(path)
    assert [a.title for a in articles] == ["T0", "T1", "T2"]
    assert len({a.id for a in articles}) == 3
    # Neither link nor id: the entry's text is its identity, not the file it is in.
    (tmp_path / "copy").mkdir()
    copy = write(tmp_path / "copy", "other.jsonl", "\n".join(lines))
    assert [a.id for a in read_path(copy)] == [a.id for a in articles]


def test_json_feed(tmp_path: Path) -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Example Blog",
        "authors": [{"name": "Feed Author"}],
        "items": [
            {
                "id": "https://blog.example/1",
                "url": "https://blog.example/posts/1",
                "title": "First post",
                "content_html": "<p>Hello <em>there</em>.</p><ul><li>a</li><li>b</li></ul>",
                "date_published": "2024-01-02T03:04:05-05:00",
            },
            {"id": "2", "content_text": "A title-less note.", "authors": [{"name": "Al"}]},
        ],
    }
    articles = read_path(write(tmp_path, "feed.json", json.dumps(feed)))
    first, second = articles
    assert first.title == "First post"
    assert first.body == "Hello there.\n\n• a\n\n• b"
    assert first.source == "Example Blog"
    assert first.author == "Feed Author"
    assert first.published == datetime(2024, 1, 2, 8, 4, 5)
    assert first.id == stable_id("https://blog.example/posts/1")
    assert second.title == "A title-less note."
    assert second.author == "Al"


# --- feeds ---------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example News</title><link>https://example.com/</link>
<item><title>First story</title><link>https://example.com/1</link>
<guid>https://example.com/guid/1</guid><pubDate>Mon, 11 Nov 2024 09:30:00 +0100</pubDate>
<description>&lt;p&gt;Hello &lt;b&gt;world&lt;/b&gt;.&lt;/p&gt;
&lt;p&gt;Again.&lt;/p&gt;</description>
</item>
<item><title>Second story</title><link>https://example.com/2</link>
<description>Plain body &amp; more.</description></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Site</title>
<entry><title>Entry one</title><id>tag:example.org,2024:1</id>
<updated>2024-02-03T04:05:06Z</updated><author><name>Ann</name></author>
<summary>Short.</summary>
<content type="html">&lt;p&gt;Full text.&lt;/p&gt;&lt;p&gt;More.&lt;/p&gt;</content></entry>
</feed>
"""


def test_rss_feed(tmp_path: Path) -> None:
    first, second = read_path(write(tmp_path, "news.rss", RSS))
    assert first.title == "First story"
    assert first.body == "Hello world.\n\nAgain."
    assert first.source == "Example News"
    assert first.url == "https://example.com/1"
    assert first.published == datetime(2024, 11, 11, 8, 30)
    assert first.date_origin == "metadata"
    assert first.id == stable_id("https://example.com/1")
    assert second.body == "Plain body & more."
    assert second.date_origin == "file"


def test_atom_feed_prefers_content(tmp_path: Path) -> None:
    [entry] = read_path(write(tmp_path, "site.atom", ATOM))
    assert entry.body == "Full text.\n\nMore."
    assert entry.author == "Ann"
    assert entry.published == datetime(2024, 2, 3, 4, 5, 6)
    assert entry.id == stable_id("guid\nAtom Site\ntag:example.org,2024:1")  # within its feed


def test_gzipped_feed_and_json_lines(tmp_path: Path) -> None:
    feed = write(tmp_path, "news.rss.gz", gzip.compress(RSS.encode()))
    lines = write(tmp_path, "a.jsonl.gz", gzip.compress(b'{"title": "A"}\n{"title": "B"}\n'))
    assert [a.title for a in read_path(feed)] == ["First story", "Second story"]
    assert [a.title for a in read_path(lines)] == ["A", "B"]
    assert list(discover([tmp_path])) == [lines, feed]


def test_xml_that_is_not_a_feed(tmp_path: Path) -> None:
    path = write(tmp_path, "config.xml", "<?xml version='1.0'?><config><a>1</a></config>")
    with pytest.raises(SourceError, match="not a feed"):
        read_path(path)


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a.txt", "a.md", "a.html", "a.json", "a.rss"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    with pytest.raises(SourceError, match="empty file"):
        read_path(write(tmp_path, name, b""))


def test_whitespace_only_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="empty file"):
        read_path(write(tmp_path, "a.txt", "  \n\n\t\n"))


@pytest.mark.parametrize("name", ["a.txt", "a.md", "a.html", "a.json", "a.xml"])
def test_binary_file(tmp_path: Path, name: str) -> None:
    data = bytes(random.Random(1).randrange(256) for _ in range(4000))
    with pytest.raises(SourceError, match="binary"):
        read_path(write(tmp_path, name, b"\x89PNG\r\n\x1a\n\x00\x00" + data))


def test_invalid_utf8_keeps_the_text(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"Transfer fee\n\nA \xa315.8m signing, caf\xe9 owner said.\n")
    article = read_path(path)[0]
    assert article.body == "A £15.8m signing, café owner said."


def test_utf16_text(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "Wide title\n\nWide body.\n".encode("utf-16"))
    assert read_path(path)[0].title == "Wide title"


def test_truncated_feed_before_any_entry(tmp_path: Path) -> None:
    path = write(tmp_path, "cut.rss", RSS[: RSS.index("<item>")])
    with pytest.raises(SourceError, match="feed has no entries"):
        read_path(path)


def test_truncated_feed_keeps_complete_entries(tmp_path: Path) -> None:
    path = write(tmp_path, "cut.rss", RSS[: RSS.index("Second story")])
    articles = read_path(path)
    assert articles[0].body == "Hello world.\n\nAgain."


def test_truncated_json(tmp_path: Path) -> None:
    path = write(tmp_path, "cut.json", '[{"title": "a", "body": "unfinished')
    with pytest.raises(SourceError, match=r"invalid JSON \(Unterminated string .* line 1"):
        read_path(path)


def test_json_lines_all_bad(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="invalid JSON Lines"):
        read_path(write(tmp_path, "bad.jsonl", "{nope\n{still nope\n"))


def test_json_deeply_nested(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="JSON"):
        read_path(write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000))


def test_json_without_articles(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no articles"):
        read_path(write(tmp_path, "n.json", "[1, 2, 3]"))


def test_20_mb_text_file_is_read_and_capped(tmp_path: Path) -> None:
    paragraph = "Twenty megabytes of words keep on coming in this file. " * 4 + "\n\n"
    path = write(tmp_path, "big.txt", "Big file\n\n" + paragraph * (20_000_000 // len(paragraph)))
    assert path.stat().st_size > 19_000_000
    article = read_path(path)[0]
    assert article.title == "Big file"
    assert 0.99 * MAX_BODY_CHARS < len(article.body) <= MAX_BODY_CHARS
    assert article.body.endswith("file.")


def test_20_mb_html_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "big.html", "<html><body>" + "<p>words</p>" * 1_700_000)
    with pytest.raises(SourceError, match="too large for HTML"):
        read_path(path)


def test_a_page_of_empty_tags_is_refused_before_extraction(tmp_path: Path) -> None:
    # 600 kB of "<p>" took trafilatura 8 s here (20 s on a busy CI machine).
    path = write(tmp_path, "tags.html", "<p>" * 200_000)
    with pytest.raises(SourceError, match=r"too much markup for HTML extraction \(200,000 tags"):
        read_path(path)


def test_file_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no 32 MiB written
    with pytest.raises(SourceError, match=r"too large \(32 MiB > 32 MiB\)"):
        read_path(path)
    [skip] = list(discover([path]))
    assert isinstance(skip, SourceError)
    assert "too large" in skip.reason


def test_corrupt_gzip(tmp_path: Path) -> None:
    data = gzip.compress(b"Title\n\nBody.\n")
    with pytest.raises(SourceError, match="gzip"):
        read_path(write(tmp_path, "a.txt.gz", data[:-6]))
    with pytest.raises(SourceError, match="gzip"):
        read_path(write(tmp_path, "b.txt.gz", b"not gzip at all"))


def test_missing_and_special_files(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        read_path(tmp_path / "gone.txt")
    with pytest.raises(SourceError, match="not a regular file"):
        read_path(tmp_path)
    with pytest.raises(SourceError, match="unsupported file type"):
        read_path(write(tmp_path, "a.pdf", "x"))


@pytest.mark.parametrize("suffix", sorted(SUPPORTED_SUFFIXES))
def test_random_bytes_never_escape_as_other_errors(tmp_path: Path, suffix: str) -> None:
    rng = random.Random(suffix)
    alphabet = b'<>{}[]":,/\\ \n\tabc&;#!-=01\xa3\xe9\xff'
    for n in range(25):
        data = bytes(rng.choice(alphabet) for _ in range(rng.randrange(1, 400)))
        path = write(tmp_path, f"fuzz{n}{suffix}", data)
        try:
            articles = read_path(path)
        except SourceError as error:
            assert error.reason and "\n" not in error.reason
        else:
            assert articles and all(a.title for a in articles)


# --- discover ------------------------------------------------------------------------


def test_discover_and_read_a_mixed_folder(tmp_path: Path) -> None:
    root = tmp_path / "inbox"
    good = [
        write(root, "a.txt", SEED_TEXT),
        write(root, "b/news.rss", RSS),
        write(root, "b/c/post.md", MARKDOWN),
    ]
    bad = [write(root, "b/broken.json", "{"), write(root, "empty.txt", "")]
    skipped = [write(root, "photo.png", b"\x89PNG"), write(root, "README.md", "# Readme")]
    write(root, ".hidden.txt", "Hidden\n\nNot for reading.")
    write(root, ".git/x.txt", "Git\n\nNot for reading.")
    os.mkfifo(root / "pipe.txt")
    (root / "b" / "loop").symlink_to(root, target_is_directory=True)

    found = list(discover([root, tmp_path / "missing"]))
    paths = [item for item in found if isinstance(item, Path)]
    errors = {Path(item.path).name: item.reason for item in found if isinstance(item, SourceError)}

    assert paths == sorted(paths, key=lambda p: p.relative_to(root).parts)
    assert set(paths) == set(good + bad)
    assert errors[skipped[0].name] == "unsupported file type (.png)"
    assert "not an article" in errors[skipped[1].name]
    assert errors["pipe.txt"] == "not a regular file"
    assert errors["missing"] == "no such file or directory"
    assert not any("hidden" in str(p) or ".git" in str(p) for p in paths)

    read, failed = [], []
    for path in paths:
        try:
            read.extend(read_path(path))
        except SourceError as error:
            failed.append(error)
    assert len(read) == 1 + 2 + 1
    assert sorted(Path(e.path).name for e in failed) == ["broken.json", "empty.txt"]
    assert all(str(e).startswith(e.path + ": ") for e in failed)


def test_discover_reads_a_named_readme(tmp_path: Path) -> None:
    path = write(tmp_path, "README.md", "# Notes\n\nText.")
    assert list(discover([path])) == [path]


# --- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Talks on 11 November 2024 in Washington", datetime(2024, 11, 11)),
        ("On Nov. 3, 2019, officials said", datetime(2019, 11, 3)),
        ("Updated 2020-02-29 at noon", datetime(2020, 2, 29)),
        ("the 1st of March 2021", datetime(2021, 3, 1)),
        ("On 31 February 2021, then 2 March 2021", datetime(2021, 3, 2)),
        ("Only November 2024 and 10 November", None),
        ("A target for 1 January 2999", None),
    ],
)
def test_date_in_text(text: str, expected: datetime | None) -> None:
    assert date_in_text(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-11-11T10:00:00+02:00", datetime(2024, 11, 11, 8)),
        ("2024-11-11T10:00:00Z", datetime(2024, 11, 11, 10)),
        ("Mon, 11 Nov 2024 09:30:00 GMT", datetime(2024, 11, 11, 9, 30)),
        ("November 11, 2024", datetime(2024, 11, 11)),
        (1700000000, datetime(2023, 11, 14, 22, 13, 20)),
        (1700000000000, datetime(2023, 11, 14, 22, 13, 20)),
        ("2024", None),
        ("November 2024", None),
        ("yesterday-ish", None),
        ("", None),
        (float("nan"), None),
        (True, None),
        ("0001-01-01", None),
    ],
)
def test_parse_date(value: object, expected: datetime | None) -> None:
    assert parse_date(value) == expected


# --- shared corpora ------------------------------------------------------------------


def test_bbc_latin1_byte_keeps_its_article(corpora: Path) -> None:
    article = read_path(corpora / "bbc_news" / "bbc" / "sport" / "199.txt")[0]
    assert article.title == "Chelsea sack Mutu"
    assert "£15.8m" in article.body
    assert article.source == "sport"


@pytest.mark.corpus
def test_every_bbc_file_is_one_article(corpora: Path) -> None:
    found = list(discover([corpora / "bbc_news" / "bbc"]))
    paths = [item for item in found if isinstance(item, Path)]
    assert len(paths) == 2225
    articles = [article for path in paths for article in read_path(path)]
    assert len(articles) == 2225
    assert all(article.title and article.body for article in articles)


@pytest.mark.corpus
def test_feeds_and_news_html_read_or_fail_cleanly(corpora: Path) -> None:
    read = failed = 0
    for item in discover([corpora / "feeds", corpora / "news_html"]):
        if isinstance(item, SourceError):
            continue
        try:
            read += len(read_path(item))
        except SourceError as error:
            assert error.reason and "\n" not in error.reason
            failed += 1
    assert read > 2000
    assert failed < read
