"""One article, one id, one document (issue 16, items 1 and 2).

Every ingest path (one file, one batch, several batches, the process pool, a
re-add, articles from no file) leaves the index with exactly one document per
id and as many documents as the store has articles; the files that carry an
article are all remembered, and ``--prune`` removes an article only when no
file carries it any more.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

import index.home.ingest as ingest_module
from index.home.ingest import ingest, ingest_articles
from index.home.library import Library
from index.models import Article, stable_id
from index.paths import LibraryPaths


def rss(items: list[dict[str, str]], *, title: str = "Example News") -> str:
    """An RSS 2.0 feed; each item may have title, link, guid, description, date."""
    parts = []
    for item in items:
        fields = "".join(
            f"<{tag}>{escape(item[key])}</{tag}>"
            for key, tag in (
                ("title", "title"),
                ("link", "link"),
                ("guid", "guid"),
                ("description", "description"),
                ("date", "pubDate"),
            )
            if key in item
        )
        parts.append(f"<item>{fields}</item>")
    head = f"<title>{escape(title)}</title><link>https://example.com/</link>" if title else ""
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel>{head}{"".join(parts)}</channel></rss>'
    )


def story(number: int, text: str = "") -> dict[str, str]:
    return {
        "title": f"Story number {number}",
        "link": f"https://example.com/story/{number}",
        "description": text or f"Body of story {number}: officials said talks went on.",
        "date": "Mon, 11 Nov 2024 09:30:00 +0000",
    }


def counts(library: Library) -> tuple[int, int, int]:
    """(documents in the index, distinct ids among them, articles in the store)."""
    reader = library.searcher().reader()
    ids = [fields["id"] for fields in reader.all_stored_fields()]
    return len(ids), len(set(ids)), library.store.article_count()


@pytest.fixture
def library(tmp_path: Path) -> Library:
    opened = Library.open(LibraryPaths(tmp_path / "home"))
    yield opened  # type: ignore[misc]
    opened.close()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- every ingest path ----------------------------------------------------------------


def test_one_file_repeating_an_entry(library: Library, tmp_path: Path) -> None:
    home_page = {"link": "https://example.com/"}  # entries that all link to the site
    items = [story(1), story(2), story(1), {**story(3), **home_page}, {**story(4), **home_page}]
    feed = write(tmp_path / "d" / "a.rss", rss(items))
    report = ingest(library, [feed], tagger=None, jobs=1)
    assert counts(library) == (4, 4, 4)  # story 1 twice verbatim is once; 3 and 4 apart
    assert report.added == 4


def test_two_copies_in_one_batch_are_one_article_each(library: Library, tmp_path: Path) -> None:
    text = rss([story(n) for n in range(5)])
    a, b = write(tmp_path / "d" / "a.rss", text), write(tmp_path / "d" / "b.rss", text)
    report = ingest(library, [tmp_path / "d"], tagger=None, jobs=1)
    assert counts(library) == (5, 5, 5)
    assert (report.added, report.unchanged, report.files) == (5, 0, 2)
    first = stable_id("https://example.com/story/0")
    assert library.store.carriers_of(first) == (str(a.resolve()), str(b.resolve()))
    assert [hit.id for hit in library.search("story", limit=50).hits].count(first) == 1


def test_a_later_copy_with_other_text_updates_the_first(library: Library, tmp_path: Path) -> None:
    write(tmp_path / "d" / "a.rss", rss([story(1), story(2)]))
    write(tmp_path / "d" / "b.rss", rss([story(1, "Rewritten: a ceasefire was agreed.")]))
    report = ingest(library, [tmp_path / "d"], tagger=None, jobs=1)
    assert counts(library) == (2, 2, 2)
    stored = library.article(stable_id("https://example.com/story/1"))
    assert stored is not None and stored.article.body == "Rewritten: a ceasefire was agreed."
    assert stored.article.path.endswith("b.rss")
    assert report.added == 2
    assert [hit.id for hit in library.search("ceasefire").hits] == [stored.article.id]
    assert library.search("talks").total == 1  # story 2 only: story 1's first text is gone


def test_copies_across_many_batches(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest_module, "BATCH_ARTICLES", 3)
    for copy in range(4):
        items = [story(n, f"Version {copy} of story {n}.") for n in range(7)]
        write(tmp_path / "d" / f"c{copy}.rss", rss(items))
    ingest(library, [tmp_path / "d"], tagger=None, jobs=1)
    assert counts(library) == (7, 7, 7)
    stored = library.article(stable_id("https://example.com/story/6"))
    assert stored is not None and stored.article.body == "Version 3 of story 6."


def test_copies_read_in_the_process_pool(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest_module, "PARALLEL_MIN_FILES", 4)
    text = rss([story(n) for n in range(6)])
    for copy in range(8):
        write(tmp_path / "d" / f"c{copy}.rss", text)
    write(tmp_path / "d" / "other.rss", rss([story(n, f"Changed {n}.") for n in range(3, 9)]))
    report = ingest(library, [tmp_path / "d"], tagger=None, jobs=2)
    assert report.files == 9 and not report.skipped
    assert counts(library) == (9, 9, 9)
    assert len(library.store.carriers_of(stable_id("https://example.com/story/0"))) == 8
    assert len(library.store.carriers_of(stable_id("https://example.com/story/4"))) == 9


def test_re_adding_changed_copies(library: Library, tmp_path: Path) -> None:
    text = rss([story(n) for n in range(4)])
    a, b = write(tmp_path / "d" / "a.rss", text), write(tmp_path / "d" / "b.rss", text)
    ingest(library, [tmp_path / "d"], tagger=None, jobs=1)
    write(a, rss([story(0, "Edited in a."), story(1), story(2), story(3)]))
    write(b, rss([story(0, "Edited in b."), story(1), story(4)]))
    report = ingest(library, [tmp_path / "d"], tagger=None, jobs=1)
    assert counts(library) == (5, 5, 5)
    assert (report.added, report.updated, report.removed) == (1, 1, 0)  # story 3: still in a
    again = ingest(library, [tmp_path / "d"], tagger=None, jobs=1)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    assert counts(library) == (5, 5, 5)


def test_articles_from_no_file(library: Library, tmp_path: Path) -> None:
    carrier = "feed:https://example.org/news.rss"
    first = [
        Article(id=f"e{n}", title=f"Entry {n}", body=f"Antony Blinken spoke on day {n}.")
        for n in range(3)
    ]
    report = ingest_articles(library, carrier, [*first, first[0]])
    assert (report.added, report.unchanged) == (3, 0)
    assert counts(library) == (3, 3, 3)
    assert library.store.carried_by(carrier) == ("e0", "e1", "e2")
    stored = library.article("e1")
    assert stored is not None and any(e.canonical for e in stored.analysis.entities)

    changed: list[str] = []
    edited = Article(id="e0", title="Entry 0", body="Blinken spoke again, later.")
    again = ingest_articles(
        library, carrier, [edited, first[1], Article(id="e3", title="New", body="News.")],
        on_changed=lambda article: changed.append(article.id),
    )  # fmt: skip
    assert (again.added, again.updated, again.unchanged) == (1, 1, 1)
    assert changed == ["e0"]
    assert library.store.carried_by(carrier) == ("e0", "e1", "e2", "e3")  # e2 dropped out: kept
    assert counts(library) == (4, 4, 4)

    ingest(library, [write(tmp_path / "f.json", '{"id": "x", "title": "T", "body": "B"}')])
    library.store.carry(str(tmp_path / "f.json"), ["e2"], replace=False)  # a file holds e2 too
    last = ingest_articles(library, carrier, [first[1]], replace=True)
    assert last.removed == 2  # e0 and e3: nothing else carries them; e2 is in the file
    assert library.store.carried_by(carrier) == ("e1",)
    assert library.article("e2") is not None and library.article("e0") is None
    assert counts(library) == (3, 3, 3)


# --- what carries an article --------------------------------------------------------------


def test_prune_keeps_an_article_another_file_carries(library: Library, tmp_path: Path) -> None:
    """The shared-link repro: two files with one common entry, delete one, ``add --prune``."""
    folder = tmp_path / "d"
    a = write(folder / "a.rss", rss([story(1), story(2)]))
    b = write(folder / "b.rss", rss([story(1, "The b copy of story one."), story(3)]))
    ingest(library, [folder], tagger=None, jobs=1)
    shared = stable_id("https://example.com/story/1")
    assert library.store.carriers_of(shared) == (str(a.resolve()), str(b.resolve()))

    b.unlink()
    report = ingest(library, [folder], prune=True, tagger=None, jobs=1)
    assert report.removed == 1  # story 3, which only b carried
    assert library.store.carriers_of(shared) == (str(a.resolve()),)
    stored = library.article(shared)
    assert stored is not None
    assert stored.article.path == str(a.resolve())  # a's copy again, from the file that is there
    assert stored.article.body.startswith("Body of story 1")
    assert [hit.id for hit in library.search("story").hits].count(shared) == 1
    assert counts(library) == (2, 2, 2)
    again = ingest(library, [folder], prune=True, tagger=None, jobs=1)
    assert (again.added, again.removed, again.unchanged) == (0, 0, 2)


def test_a_file_replaced_by_a_folder_is_pruned(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "d"
    old = write(folder / "news.rss", rss([story(1), story(2)]))
    ingest(library, [folder], tagger=None, jobs=1)
    old.unlink()
    write(folder / "news.rss" / "inner.rss", rss([story(5)]))
    report = ingest(library, [folder], prune=True, tagger=None, jobs=1)
    assert (report.added, report.removed) == (1, 2)
    assert library.store.file(str(old.resolve())) is None
    assert library.store.article_ids() == [stable_id("https://example.com/story/5")]
    assert counts(library) == (1, 1, 1)


def test_an_article_an_older_prune_deleted_comes_back(library: Library, tmp_path: Path) -> None:
    """Older versions deleted an article another unchanged file still held; ``add`` reads
    that file again instead of saying "unchanged"."""
    a = write(tmp_path / "d" / "a.rss", rss([story(1), story(2)]))
    ingest(library, [a], tagger=None, jobs=1)
    lost = stable_id("https://example.com/story/1")
    library.remove([lost])  # what the old prune did; the file's record still names it
    report = ingest(library, [a], tagger=None, jobs=1)
    assert (report.added, report.unchanged) == (1, 1)
    assert library.article(lost) is not None and counts(library) == (2, 2, 2)


def test_an_older_library_takes_its_carriers_from_the_files_table(tmp_path: Path) -> None:
    paths = LibraryPaths(tmp_path / "home")
    library = Library.open(paths)
    text = rss([story(1)])
    a, b = write(tmp_path / "a.rss", text), write(tmp_path / "b.rss", text)
    ingest(library, [a, b], tagger=None, jobs=1)
    library.close()
    import sqlite3

    conn = sqlite3.connect(paths.database)
    conn.executescript("DROP TABLE carriers; PRAGMA user_version=2;")  # a version-2 library
    conn.close()
    library = Library.open(paths)
    try:
        shared = stable_id("https://example.com/story/1")
        assert library.store.carriers_of(shared) == (str(a.resolve()), str(b.resolve()))
        b.unlink()
        ingest(library, [tmp_path], prune=True, tagger=None, jobs=1)
        assert library.article(shared) is not None
    finally:
        library.close()


# --- telling entries apart ------------------------------------------------------------------

RDF_ITEM = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="http://example.com/index.rdf"></channel>
<item rdf:about="http://example.com/1"><title>{title}</title></item>
</rdf:RDF>
"""


def test_different_entries_sharing_a_guid_are_different_articles(
    library: Library, tmp_path: Path
) -> None:
    """The fallback-id repro: "crashes here" in the list, "Example title" in the pane."""
    for name, title in (("a", "crashes here"), ("b", "Example title"), ("c", "Item 1")):
        write(tmp_path / "d" / f"{name}.xml", RDF_ITEM.format(title=title))
    ingest(library, [tmp_path / "d"], tagger=None, jobs=1)
    assert counts(library) == (3, 3, 3)
    for title in ("crashes", "Example", "Item"):
        [hit] = library.search(f"title:{title}").hits
        stored = library.article(hit.id)
        assert stored is not None and stored.article.title == hit.title


def test_entries_with_neither_guid_nor_link(library: Library, tmp_path: Path) -> None:
    plain = [
        {"title": "Same title", "description": "First text."},
        {"title": "Same title", "description": "Second text."},
        {"title": "Dated", "description": "First text.", "date": "Mon, 11 Nov 2024 09:30:00 GMT"},
        {"title": "Same title", "description": "First text."},  # verbatim again: the same
    ]
    a = write(tmp_path / "d" / "a.rss", rss(plain, title=""))
    b = write(tmp_path / "d" / "b.rss", rss(plain[:1], title=""))  # a copy of the first entry
    ingest(library, [tmp_path / "d"], tagger=None, jobs=1)
    assert counts(library) == (3, 3, 3)
    a_ids = library.store.carried_by(str(a.resolve()))
    assert len(a_ids) == 3
    [copied] = library.store.carried_by(str(b.resolve()))
    assert copied in a_ids
    moved = tmp_path / "elsewhere" / "a.rss"
    moved.parent.mkdir()
    shutil.copy(a, moved)
    assert ingest(library, [moved], tagger=None, jobs=1).unchanged == 3  # ids not from the path


# --- a web page saved twice (issue 16, item 7) ------------------------------------------

PAGE = """<!doctype html><html><head><title>Harbour wall repaired | Bergen News</title>
<link rel="canonical" href="{canonical}"></head><body><article><h1>Harbour wall repaired</h1>
<p>The harbour wall of Bergen was repaired on Monday after the winter storms had broken
two of its sections, the council said in a statement on its website.</p>
<p>Engineers from the port authority worked through the weekend to finish the repairs
before the ferries return to their summer timetable next month.</p>
<p>The council said the repairs cost less than the budget set aside in the spring and
that the remaining money will go to the lighthouse on the northern pier.</p>
</article></body></html>"""


def test_the_same_page_saved_twice_is_one_article(library: Library, tmp_path: Path) -> None:
    url = "https://news.example/bergen/harbour-wall-repaired"
    a = write(tmp_path / "d" / "harbour.html", PAGE.format(canonical=url))
    b = write(tmp_path / "d" / "harbour (1).html", PAGE.format(canonical=url))
    report = ingest(library, [tmp_path / "d"], tagger=None, jobs=1)
    assert counts(library) == (1, 1, 1)
    assert report.files == 2
    assert library.store.carriers_of(stable_id(url)) == tuple(
        sorted((str(a.resolve()), str(b.resolve())))
    )
    b.unlink()
    ingest(library, [tmp_path / "d"], prune=True, tagger=None, jobs=1)
    assert counts(library) == (1, 1, 1)  # the other copy still carries it


def test_pages_whose_canonical_is_the_home_page_stay_apart(
    library: Library, tmp_path: Path
) -> None:
    write(tmp_path / "d" / "one.html", PAGE.format(canonical="https://news.example/"))
    other = PAGE.format(canonical="https://news.example/").replace("Monday", "Friday")
    write(tmp_path / "d" / "two.html", other)
    ingest(library, [tmp_path / "d"], tagger=None, jobs=1)
    assert counts(library) == (2, 2, 2)
