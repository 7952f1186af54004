"""Stories: copies of one real article fall together, distinct ones of the same category do
not, nor two fillings of one wire template, and the grouping survives re-adding, reopening
and an upgrade from schema 6."""

from __future__ import annotations

import gzip
import html
import re
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from index.analysis import minhash
from index.home import stories
from index.home.ingest import ingest
from index.home.library import Library
from index.home.store import SCHEMA_VERSION, Store
from index.paths import LibraryPaths

ROOT = Path(__file__).resolve().parents[2]
FOOTER = "Copyright Metro Herald. All rights reserved. Sign up for our morning newsletter."


def _bbc(corpora: Path, name: str) -> tuple[str, list[str]]:
    text = (corpora / "bbc_news" / "bbc" / name).read_text(encoding="utf-8")
    title, _, body = text.strip().partition("\n")
    return title.strip(), [p.strip() for p in body.split("\n") if p.strip()]


def _write(path: Path, title: str, date: str, source: str, paragraphs: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    front = f"---\ntitle: {title}\ndate: {date}\nsource: {source}\n---\n\n"
    path.write_text(front + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def news(corpora: Path, tmp_path: Path) -> dict[str, Path]:
    """Two real BBC business stories, each with feeds' copies (re-headlined, trimmed, a
    paragraph dropped, boilerplate), and two distinct business stories of the same days."""
    folder = tmp_path / "news"
    files: dict[str, Path] = {}
    title, paragraphs = _bbc(corpora, "business/001.txt")
    files["a"] = _write(folder / "bbc/a.md", title, "2005-03-01T08:00", "BBC News", paragraphs)
    files["a1"] = _write(
        folder / "ledger/a1.md", "UPDATE 1-" + title, "2005-03-01T11:00", "Daily Ledger",
        ["By Staff Reporter | The Daily Ledger", *paragraphs[:-1], FOOTER],
    )  # fmt: skip
    files["a2"] = _write(
        folder / "herald/a2.md", title.upper(), "2005-03-02T09:30", "Metro Herald",
        [paragraphs[0], *paragraphs[2:], FOOTER],
    )  # fmt: skip
    title, paragraphs = _bbc(corpora, "business/010.txt")
    files["b"] = _write(folder / "bbc/b.md", title, "2005-03-01T09:00", "BBC News", paragraphs)
    files["b1"] = _write(
        folder / "herald/b1.md", "Analysis: " + title, "2005-03-01T19:00", "Metro Herald",
        [*paragraphs[:-1], FOOTER],
    )  # fmt: skip
    for key, name in (("c", "business/020.txt"), ("d", "business/030.txt")):
        title, paragraphs = _bbc(corpora, name)
        files[key] = _write(
            folder / f"herald/{key}.md", title, "2005-03-01T12:00", "Metro Herald",
            [*paragraphs, FOOTER],
        )  # fmt: skip
    return files


def _stories(library: Library, files: dict[str, Path]) -> dict[str, tuple[str, int]]:
    """file key -> (story id, member count), through the store's public query."""
    by_path = {str(p.resolve()): key for key, p in files.items()}
    ids = library.store.article_ids()
    paths = library.store.paths(ids)
    stories = library.store.stories_of(ids)
    return {by_path[paths[i]]: (s.id, s.count) for i, s in stories.items() if paths[i] in by_path}


def _open(home: Path) -> Library:
    return Library.open(LibraryPaths(home).ensure())


def test_copies_fall_together_and_distinct_stories_stay_apart(
    news: dict[str, Path], tmp_path: Path
) -> None:
    library = _open(tmp_path / "home")
    try:
        ingest(library, [tmp_path / "news"], tagger="rules", jobs=1)
        found = _stories(library, news)
        ids = {key: _id_of(library, path) for key, path in news.items()}
        story = library.store.stories_of(list(ids.values()))
    finally:
        library.close()
    assert found["a"] == found["a1"] == found["a2"] == (ids["a"], 3)  # named after the first
    assert found["b"] == found["b1"] == (ids["b"], 2)
    assert found["c"] == (ids["c"], 1) and found["d"] == (ids["d"], 1)
    assert story[ids["a"]].sources == ("BBC News", "Daily Ledger", "Metro Herald")


def _id_of(library: Library, path: Path) -> str:
    ids = library.store.carried_by(str(path.resolve()))
    assert len(ids) == 1
    return ids[0]


def test_stories_survive_re_adding_a_copy_and_reopening(
    news: dict[str, Path], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    library = _open(home)
    try:
        ingest(library, [tmp_path / "news"], tagger="rules", jobs=1)
        before = _stories(library, news)
        moved = tmp_path / "aside.md"
        news["a"].rename(moved)  # the first copy goes: its story keeps its id
        ingest(library, [tmp_path / "news"], tagger="rules", jobs=1, prune=True)
        without = _stories(library, news)
        moved.rename(news["a"])
        ingest(library, [tmp_path / "news"], tagger="rules", jobs=1)
    finally:
        library.close()
    assert "a" not in without and without["a1"] == (before["a"][0], 2)
    library = _open(home)
    try:
        assert _stories(library, news) == before
    finally:
        library.close()


def test_a_schema_6_library_opens_and_its_articles_are_grouped_by_the_next_add(
    news: dict[str, Path], tmp_path: Path
) -> None:
    """A library written before stories: the same tables but no story tables, version 6."""
    home = tmp_path / "home"
    library = _open(home)
    try:
        ingest(library, [tmp_path / "news"], tagger="rules", jobs=1, stories=False)
        count = library.store.article_count()
    finally:
        library.close()
    database = LibraryPaths(home).database
    conn = sqlite3.connect(database)
    conn.executescript("DROP TABLE story_members; DROP TABLE story_keys; PRAGMA user_version=6;")
    conn.close()

    store = Store.open(database)
    try:
        assert store.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.article_count() == count
        assert len(store.unassigned(100)) == count
    finally:
        store.close()
    library = _open(home)
    try:
        report = ingest(library, [tmp_path / "news"], tagger="rules", jobs=1)
        assert report.unchanged == count and report.added == 0
        found = _stories(library, news)
    finally:
        library.close()
    assert found["a"][0] == found["a1"][0] == found["a2"][0] and found["a"][1] == 3
    assert found["c"][1] == 1 and found["b"] == found["b1"]


def test_the_estimate_follows_the_true_jaccard_and_is_the_same_in_every_process(
    corpora: Path,
) -> None:
    _, paragraphs = _bbc(corpora, "tech/001.txt")
    whole = "\n\n".join(paragraphs)
    half = "\n\n".join(paragraphs[: len(paragraphs) // 2])
    a, b = minhash.signature(whole), minhash.signature(half)
    assert a is not None and b is not None
    exact = len(minhash.shingle_hashes(half)) / len(minhash.shingle_hashes(whole))
    assert abs(minhash.similarity(a, b) - exact) < 0.15
    assert minhash.signature("Too short to tell a copy from a coincidence.") is None
    code = (
        "import sys; from index.analysis import minhash;"
        "sys.stdout.write(minhash.signature(sys.stdin.read()).values.hex())"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], input=whole, capture_output=True, text=True, check=True,
        cwd=ROOT, env={"PYTHONHASHSEED": "123", "PATH": ""},
    )  # fmt: skip
    assert other.stdout == a.values.hex()


def _reuters(corpora: Path, newid: int) -> tuple[str, str, str]:
    """A Reuters-21578 record's title, date (ISO) and body as the corpus has them."""
    path = corpora / "reuters21578" / f"reut2-{(newid - 1) // 1000:03d}.sgm.gz"
    text = gzip.decompress(path.read_bytes()).decode("latin-1")
    record = re.search(rf'NEWID="{newid}">(.*?)</REUTERS>', text, re.S)
    assert record is not None
    title, date, body = (
        re.search(rf"<{tag}>(.*?)</{tag}>", record.group(1), re.S)
        for tag in ("TITLE", "DATE", "BODY")
    )
    assert title is not None and date is not None and body is not None
    day = date.group(1).strip().split(".")[0]
    iso = datetime.strptime(day, "%d-%b-%Y %H:%M:%S").isoformat()
    return html.unescape(title.group(1)), iso, html.unescape(body.group(1)).replace("\x03", "")


TEMPLATES = {
    "balances-27": 11059,  # Treasury balances at Fed fell on March 27 (sent March 30)
    "balances-30": 11656,  # ... rose on March 30: the same words, other numbers
    "lilly": 9364,  # Lilly Industrial Coatings 1st qtr
    "lilly-corrected": 9405,  # the same, its sales corrected from 36.7 to 39.7 mln
    "chemical": 11934,  # Chemical raises prime rate to 7-3/4 pct
    "marine": 11940,  # Marine Midland raises prime rate: the same template, another bank
}


def test_two_fillings_of_a_wire_template_are_two_stories_and_a_correction_stays(
    corpora: Path, tmp_path: Path
) -> None:
    """Real Reuters templates: two days' Treasury balances (most words shared, the numbers
    not), two banks' prime rates (names not shared) stay apart; a feed's copy of one
    day's balances joins it, and a corrected earnings report joins the one it corrects."""
    folder = tmp_path / "wire"
    files: dict[str, Path] = {}
    for key, newid in TEMPLATES.items():
        title, date, body = _reuters(corpora, newid)
        files[key] = _write(folder / f"reuters/{key}.md", title, date, "Reuters", [body])
    title, date, body = _reuters(corpora, TEMPLATES["balances-27"])
    files["balances-27-copy"] = _write(
        folder / "ledger/copy.md", "UPDATE 1-" + title, date.replace("16:", "18:"),
        "Daily Ledger", ["By Staff Reporter | The Daily Ledger", body, FOOTER],
    )  # fmt: skip
    library = _open(tmp_path / "home")
    try:
        ingest(library, [folder], tagger="rules", jobs=1)
        found = _stories(library, files)
    finally:
        library.close()
    assert found["balances-27"] == found["balances-27-copy"] and found["balances-27"][1] == 2
    assert found["balances-30"][1] == 1
    assert found["lilly"] == found["lilly-corrected"] and found["lilly"][1] == 2
    assert found["chemical"][1] == 1 and found["marine"][1] == 1


def test_numbers_agree_where_both_texts_put_one(corpora: Path) -> None:
    places = {key: stories.number_places(_reuters(corpora, n)[2]) for key, n in TEMPLATES.items()}
    assert places["balances-30"]["# to # billion dlrs"] == {"3.254"}  # on March 30 to 3.254
    assert places["lilly"]["cts net # vs #"] == {"1541000"}  # "1,541,000": one number
    assert not stories.numbers_agree(places["balances-27"], places["balances-30"])
    assert stories.numbers_agree(places["lilly"], places["lilly-corrected"])
    assert stories.numbers_agree(places["balances-27"], places["balances-27"])
    assert stories.numbers_agree(places["chemical"], {})  # nothing to compare: no veto
