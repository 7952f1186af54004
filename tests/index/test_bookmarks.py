"""BookmarkStore: persistence, re-anchoring, orphans, export and import."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from index.bookmarks.formats import markdown
from index.bookmarks.store import BookmarkStore, clean_tags
from index.errors import NewsreaderError
from index.home.library import Library
from index.models import Analysis, Article, Bookmark, stable_id
from index.paths import resolve_home

BODY = (
    "The ongoing conflict in Gaza has escalated, prompting urgent discussions.\n\n"
    "According to officials, Israel has until 13 November to significantly improve aid "
    "delivery to Gaza or face potential cuts to military assistance. The urgency of the "
    "situation is underscored by the approaching winter.\n\n"
    "Talks will continue in Washington next week, officials said."
)
PASSAGE = "Israel has until 13 November to significantly improve aid delivery to Gaza"
TYPO_BODY = BODY.replace("significantly", "signifcantly")
TYPO_PASSAGE = PASSAGE.replace("significantly", "signifcantly")


def article(body: str = BODY, *, article_id: str = "a1", title: str = "Gaza talks") -> Article:
    return Article(id=article_id, title=title, body=body, url="https://example.org/gaza")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "library.sqlite3"


@pytest.fixture
def store(db: Path) -> BookmarkStore:
    opened = BookmarkStore(db)
    yield opened  # type: ignore[misc]
    opened.close()


def bookmark_passage(store: BookmarkStore, item: Article, passage: str, **kw: object) -> Bookmark:
    start = item.body.index(passage)
    return store.add(item, start, start + len(passage), **kw)  # type: ignore[arg-type]


# Adding and reading ----------------------------------------------------------


def test_a_bookmark_survives_closing_and_reopening(db: Path) -> None:
    with BookmarkStore(db) as first:
        made = bookmark_passage(first, article(), PASSAGE, note="the deadline", tags=["gaza"])
    with BookmarkStore(db) as again:
        assert again.get(made.id) == made
        assert again.list() == [made]


def test_add_builds_the_w3c_anchor(store: BookmarkStore) -> None:
    item = article()
    made = bookmark_passage(store, item, PASSAGE)
    start = BODY.index(PASSAGE)
    assert (made.quote, made.start, made.end) == (PASSAGE, start, start + len(PASSAGE))
    assert made.prefix == BODY[start - 32 : start]
    assert made.suffix == BODY[made.end : made.end + 32]
    assert made.content_hash == item.content_hash
    assert made.status == "anchored"
    assert made.article_title == "Gaza talks"
    assert made.created is not None and made.created.tzinfo is not None


def test_add_trims_whitespace_and_refuses_an_empty_passage(store: BookmarkStore) -> None:
    start = BODY.index(PASSAGE)
    made = store.add(article(), start - 1, start + len(PASSAGE) + 0)
    assert made.quote == PASSAGE
    with pytest.raises(NewsreaderError, match="nothing to bookmark"):
        blank = BODY.index("\n\n")
        store.add(article(), blank, blank + 2)


def test_add_quote_finds_the_passage_or_says_it_is_not_there(store: BookmarkStore) -> None:
    made = store.add_quote(article(), "israel has  until 13 november", note="n")
    assert made.quote == "Israel has until 13 November"
    with pytest.raises(NewsreaderError, match="not in article a1"):
        store.add_quote(article(), "a sentence the article never had")


def test_tags_are_cleaned(store: BookmarkStore) -> None:
    assert clean_tags([" #Gaza", "gaza", "", "aid ", "#"]) == ("Gaza", "aid")
    made = bookmark_passage(store, article(), PASSAGE, tags=["#Gaza", "GAZA", "aid"])
    assert made.tags == ("Gaza", "aid")


def test_list_filters_by_tag_text_article_and_status(store: BookmarkStore) -> None:
    first = bookmark_passage(store, article(), PASSAGE, tags=["deadline"], note="watch this")
    second = bookmark_passage(store, article(), "Talks will continue in Washington", tags=["us"])
    other = store.add_quote(article(article_id="a2", title="Winter"), "approaching winter")
    assert {b.id for b in store.list()} == {first.id, second.id, other.id}
    assert [b.id for b in store.list(tag="DEADLINE")] == [first.id]
    assert [b.id for b in store.list(text="WATCH")] == [first.id]
    assert [b.id for b in store.list(text="washington")] == [second.id]
    assert [b.id for b in store.list(text="winter", article_id="a2")] == [other.id]
    assert [b.id for b in store.list(text="100%")] == []
    assert store.list(status="orphaned") == []
    assert [b.id for b in store.for_article("a1")] == [first.id, second.id]
    assert store.tags() == [("deadline", 1), ("us", 1)]


def test_update_and_delete(store: BookmarkStore) -> None:
    made = bookmark_passage(store, article(), PASSAGE, note="old", tags=["a"])
    changed = store.update(made.id, note="new note", tags=["b", "c"])
    assert (changed.note, changed.tags) == ("new note", ("b", "c"))
    assert changed.updated is not None and made.updated is not None
    assert changed.updated >= made.updated
    assert store.update(made.id, tags=[]).tags == ()
    assert store.get(made.id).note == "new note"  # type: ignore[union-attr]
    with pytest.raises(NewsreaderError):
        store.update("missing", note="x")
    assert store.delete(made.id) is True
    assert store.delete(made.id) is False
    assert store.get(made.id) is None


def test_resolve_takes_an_id_prefix(store: BookmarkStore) -> None:
    made = bookmark_passage(store, article(), PASSAGE)
    assert store.resolve(made.id[:6]).id == made.id
    with pytest.raises(NewsreaderError, match="no bookmark"):
        store.resolve("zz%")


# Re-anchoring ----------------------------------------------------------------


def test_words_inserted_before_and_a_typo_fixed_inside_reanchor_it(store: BookmarkStore) -> None:
    made = bookmark_passage(store, article(TYPO_BODY), TYPO_PASSAGE, note="deadline")
    edited = article(
        BODY.replace("According to officials", "In a statement on Sunday, according to officials")
    )
    [moved] = store.reanchor(edited)
    assert moved.status == "moved"
    assert moved.quote == PASSAGE
    assert edited.body[moved.start : moved.end] == PASSAGE
    assert moved.content_hash == edited.content_hash
    assert (moved.note, moved.created) == ("deadline", made.created)
    assert store.get(made.id) == moved
    assert store.reanchor(edited) == []  # already checked against this version


def test_an_unchanged_passage_stays_anchored(store: BookmarkStore) -> None:
    bookmark_passage(store, article(), PASSAGE)
    edited = article(BODY + "\n\nA paragraph added at the end.")
    [kept] = store.reanchor(edited)
    assert kept.status == "anchored"
    assert kept.quote == PASSAGE


def test_a_deleted_passage_is_orphaned_listed_and_exported(store: BookmarkStore) -> None:
    made = bookmark_passage(store, article(), PASSAGE, note="keep me")
    sentence = BODY[BODY.index("According") : BODY.index("The urgency")]
    [orphan] = store.reanchor(article(BODY.replace(sentence, "")))
    assert orphan.status == "orphaned"
    assert (orphan.quote, orphan.start, orphan.end) == (made.quote, made.start, made.end)
    assert orphan.content_hash == made.content_hash
    assert store.list(status="orphaned") == [orphan]
    exported = store.export_json()["first"]["items"][0]
    assert exported["newsreader:status"] == "orphaned"
    assert exported["target"]["selector"][0]["exact"] == PASSAGE
    assert "**orphaned**" in store.export_markdown()
    assert PASSAGE in store.export_markdown()


def test_an_orphan_is_anchored_again_when_its_text_comes_back(store: BookmarkStore) -> None:
    made = bookmark_passage(store, article(), PASSAGE)
    store.reanchor(article(BODY.replace(PASSAGE, "")))
    [back] = store.reanchor(article())
    assert back.status == "anchored"
    assert (back.start, back.end) == (made.start, made.end)


def test_sync_orphans_bookmarks_of_articles_gone_from_the_library(tmp_path: Path) -> None:
    paths = resolve_home(tmp_path / "home")
    library = Library.open(paths)
    item = article()
    library.put([(item, Analysis())])
    store = BookmarkStore(paths.database, library.store)
    made = bookmark_passage(store, item, PASSAGE)
    assert store.sync() == 0
    library.remove([item.id])
    assert store.sync() == 1
    assert store.get(made.id).status == "orphaned"  # type: ignore[union-attr]
    assert store.sync() == 0
    moved = article("Preface added.\n\n" + BODY)
    library.put([(moved, Analysis())])
    assert store.sync() == 1
    found = store.get(made.id)
    assert found is not None and found.status == "moved"
    assert moved.body[found.start : found.end] == PASSAGE
    store.close()
    library.close()


def test_bookmarks_are_keyed_by_article_id_across_reindexing(tmp_path: Path) -> None:
    paths = resolve_home(tmp_path / "home")
    library = Library.open(paths)
    others = [(article(f"Body {i}", article_id=f"x{i}"), Analysis()) for i in range(5)]
    library.put([(article(), Analysis()), *others])
    with BookmarkStore(paths.database) as store:
        made = bookmark_passage(store, article(), PASSAGE)
    library.remove([f"x{i}" for i in range(5)])
    library.put([(article(title="Gaza talks, updated"), Analysis())])
    with BookmarkStore(paths.database, library.store) as store:
        store.sync()
        found = store.get(made.id)
    library.close()
    assert found is not None
    assert (found.status, found.quote, found.article_title) == (
        "anchored",
        PASSAGE,
        "Gaza talks, updated",
    )


# Export and import -----------------------------------------------------------


def test_export_is_a_w3c_annotation_collection(store: BookmarkStore) -> None:
    made = bookmark_passage(store, article(), PASSAGE, note="the deadline", tags=["gaza", "aid"])
    data = store.export_json()
    assert data["type"] == "AnnotationCollection"
    assert "http://www.w3.org/ns/anno.jsonld" in data["@context"]
    assert data["total"] == 1
    [item] = data["first"]["items"]
    assert item["type"] == "Annotation"
    assert item["id"].endswith(made.id)
    assert item["target"]["source"] == "https://example.org/gaza"
    quote, position = item["target"]["selector"]
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": PASSAGE,
        "prefix": made.prefix,
        "suffix": made.suffix,
    }
    assert position == {"type": "TextPositionSelector", "start": made.start, "end": made.end}
    bodies = {(b["purpose"], b["value"]) for b in item["body"]}
    assert bodies == {("commenting", "the deadline"), ("tagging", "gaza"), ("tagging", "aid")}
    assert item["newsreader:contentHash"] == made.content_hash
    json.dumps(data)  # plain JSON all the way down


def test_export_import_round_trip_is_lossless(store: BookmarkStore, tmp_path: Path) -> None:
    bookmark_passage(store, article(), PASSAGE, note="line one\nline two", tags=["gaza", "aid"])
    bookmark_passage(store, article(), "Talks will continue")
    store.add_quote(article(article_id="a2", title="Ünïcode 🗞"), "approaching winter")
    sentence = BODY[BODY.index("Talks") :]
    store.reanchor(article(BODY.replace(sentence, "")))  # one orphan, one anchored
    store.reanchor(article("Preface.\n\n" + BODY.replace(sentence, "")))  # now moved
    original = sorted(store.list(), key=lambda b: b.id)
    assert {b.status for b in original} == {"moved", "orphaned", "anchored"}
    data = json.loads(json.dumps(store.export_json()))
    with BookmarkStore(tmp_path / "fresh.sqlite3") as fresh:
        assert fresh.import_json(data) == 3
        assert sorted(fresh.list(), key=lambda b: b.id) == original
        assert [fresh.article_url(b.id) for b in original] == [
            store.article_url(b.id) for b in original
        ]
        assert fresh.import_json(data) == 0
        assert fresh.count() == 3
        assert fresh.export_json() == store.export_json()


def test_import_keeps_the_newer_edit(store: BookmarkStore, tmp_path: Path) -> None:
    made = bookmark_passage(store, article(), PASSAGE, note="first")
    old_export = store.export_json()
    store.update(made.id, note="edited later")
    assert store.import_json(old_export) == 0
    assert store.get(made.id).note == "edited later"  # type: ignore[union-attr]
    with BookmarkStore(tmp_path / "other.sqlite3") as other:
        other.import_json(old_export)
        other.import_json(store.export_json())
        assert other.get(made.id).note == "edited later"  # type: ignore[union-attr]


FOREIGN = {
    "@context": "http://www.w3.org/ns/anno.jsonld",
    "id": "http://example.org/anno/1",
    "type": "Annotation",
    "body": {"type": "TextualBody", "value": "From another tool"},
    "target": {
        "source": "https://example.org/gaza",
        "selector": {"type": "TextQuoteSelector", "exact": "approaching winter"},
    },
    "created": "2024-11-11T10:00:00Z",
}


def test_import_takes_a_foreign_annotation_once(tmp_path: Path) -> None:
    paths = resolve_home(tmp_path / "home")
    library = Library.open(paths)
    library.put([(article(), Analysis())])
    store = BookmarkStore(paths.database, library.store)
    assert store.import_json(FOREIGN) == 1
    assert store.import_json([FOREIGN]) == 0
    [made] = store.list()
    assert made.article_id == "a1"  # found by its URL
    assert (made.quote, made.note, made.end - made.start) == (
        "approaching winter",
        "From another tool",
        len("approaching winter"),
    )
    [found] = store.reanchor(article())
    assert found.status == "moved"
    assert BODY[found.start : found.end] == "approaching winter"
    store.close()
    library.close()


def test_a_foreign_annotation_of_an_unknown_url_gets_the_url_s_article_id(
    store: BookmarkStore,
) -> None:
    store.import_json(FOREIGN)
    [made] = store.list()
    assert made.article_id == stable_id("https://example.org/gaza")
    assert store.article_url(made.id) == "https://example.org/gaza"


@pytest.mark.parametrize(
    "data",
    [
        "text",
        {"type": "Something"},
        {"type": "Annotation", "target": "https://example.org"},
        [{"type": "Annotation", "target": {"source": "x", "selector": {"type": "Other"}}}],
        [
            {
                "target": {
                    "source": "x",
                    "selector": [
                        {"type": "TextQuoteSelector", "exact": "q"},
                        {"type": "TextPositionSelector", "start": 5, "end": "nope"},
                    ],
                }
            }
        ],
    ],
)
def test_import_refuses_malformed_data_with_a_clear_error(
    store: BookmarkStore, data: object
) -> None:
    with pytest.raises(NewsreaderError):
        store.import_json(data)
    assert store.count() == 0


def test_markdown_groups_by_article(store: BookmarkStore) -> None:
    bookmark_passage(store, article(), PASSAGE, note="the deadline", tags=["gaza"])
    store.add_quote(article(article_id="a2", title="Another story"), "approaching winter")
    text = store.export_markdown()
    assert text.index("## Another story") < text.index("## Gaza talks")
    assert f"> {PASSAGE}" in text
    assert "the deadline" in text and "`#gaza`" in text
    assert markdown([]).startswith("# Bookmarks")


# Concurrency -----------------------------------------------------------------


def test_threads_and_two_connections_lose_nothing(db: Path) -> None:
    first, second = BookmarkStore(db), BookmarkStore(db)
    made: list[str] = []
    guard = threading.Lock()

    def write(target: BookmarkStore) -> None:
        for _ in range(20):
            bookmark = bookmark_passage(target, article(), PASSAGE)
            with guard:
                made.append(bookmark.id)

    threads = [threading.Thread(target=write, args=(s,)) for s in (first, first, second, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {b.id for b in first.list()} == set(made)
    assert len(made) == 80
    first.close()
    second.close()


def test_the_database_uses_wal(db: Path) -> None:
    BookmarkStore(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_in_article_reanchors_stale_bookmarks_and_leaves_orphans_out(
    store: BookmarkStore,
) -> None:
    kept = bookmark_passage(store, article(), PASSAGE)
    bookmark_passage(store, article(), "Talks will continue in Washington")
    edited = article("New lead paragraph.\n\n" + BODY[: BODY.index("Talks")])
    [shown] = store.in_article(edited)
    assert shown.id == kept.id
    assert edited.body[shown.start : shown.end] == PASSAGE
    assert [b.status for b in store.for_article("a1")] == ["moved", "orphaned"]


def test_a_second_copy_of_the_bookmarks_follows_every_change(tmp_path: Path) -> None:
    """``recover`` takes from the copy what a damaged page of the bookmarks lost: it must hold
    exactly the bookmarks and tags, after adds, edits, re-tags and deletes."""
    from index.bookmarks.database import BOOKMARK_COLUMNS
    from index.bookmarks.store import BookmarkStore
    from index.models import Article

    database = tmp_path / "library.sqlite3"
    article = Article(id="a", title="T", body="One passage here. Another passage there.")
    with BookmarkStore(database) as store:
        first = store.add(article, 0, 17, note="first", tags=["x", "y"])
        second = store.add(article, 18, 40, note="second", tags=["z"])
        store.update(first.id, note="edited", tags=["y", "w", "v"])
        store.delete(second.id)
        store.add_quote(article, "Another passage", tags=["q"])

    conn = sqlite3.connect(database)
    try:
        for main, copy, columns in (
            ("bookmarks", "bookmarks_copy", BOOKMARK_COLUMNS),
            ("bookmark_tags", "bookmark_tags_copy", "bookmark_id, position, tag"),
        ):
            rows = sorted(conn.execute(f"SELECT {columns} FROM {main}").fetchall())
            copied = sorted(conn.execute(f"SELECT {columns} FROM {copy}").fetchall())
            assert rows == copied and rows
    finally:
        conn.close()
