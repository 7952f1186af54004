"""``newsreader bookmarks``: list, add, delete, export and import, headless."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from index.bookmarks.store import BookmarkStore
from index.home.library import Library
from index.models import Analysis, Article
from index.paths import resolve_home
from reader.cli import main

BODY = (
    "The ongoing conflict in Gaza has escalated, prompting urgent discussions.\n\n"
    "According to officials, Israel has until 13 November to significantly improve aid "
    "delivery to Gaza or face potential cuts to military assistance.\n\n"
    "Talks will continue in Washington next week, officials said."
)
QUOTE = "Israel has until 13 November"


def put(home: Path, body: str = BODY, article_id: str = "a1") -> None:
    library = Library.open(resolve_home(home))
    library.put([(Article(id=article_id, title="Gaza talks", body=body), Analysis())])
    library.close()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    put(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), "bookmarks", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def listed(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> list[dict[str, Any]]:
    code, out, _ = run(capsys, home, "list", "--json", *args)
    assert code == 0
    result: list[dict[str, Any]] = json.loads(out)
    return result


def test_add_then_list_json(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, out, _ = run(
        capsys, home, "add", "a1", "--quote", QUOTE, "--note", "deadline", "--tag", "gaza",
        "--tag", "aid",
    )  # fmt: skip
    assert code == 0
    new_id = out.strip()
    [item] = listed(capsys, home)
    assert item["id"] == new_id
    assert {k: item[k] for k in ("article_id", "quote", "note", "tags", "status")} == {
        "article_id": "a1",
        "quote": QUOTE,
        "note": "deadline",
        "tags": ["gaza", "aid"],
        "status": "anchored",
    }
    assert item["article_title"] == "Gaza talks"
    assert item["created"].startswith("20")
    assert listed(capsys, home, "--tag", "AID")[0]["id"] == new_id
    assert listed(capsys, home, "--tag", "other") == []
    assert listed(capsys, home, "--text", "deadline")[0]["id"] == new_id
    code, out, _ = run(capsys, home, "list")
    assert code == 0 and new_id in out and QUOTE in out and "#gaza" in out


def test_add_errors_are_one_line(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, _, err = run(capsys, home, "add", "missing", "--quote", QUOTE)
    assert code == 1 and "no article with id 'missing'" in err
    code, _, err = run(capsys, home, "add", "a1", "--quote", "words the article never had")
    assert code == 1 and "is not in article a1" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_an_edited_article_moves_the_bookmark_and_a_deleted_passage_orphans_it(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    run(capsys, home, "add", "a1", "--quote", QUOTE)
    put(home, "Words inserted before. " + BODY.replace("13 November", "13 Novmber"))
    [item] = listed(capsys, home)
    assert (item["status"], item["quote"]) == ("moved", "Israel has until 13 Novmber")
    put(home, BODY.replace("According to officials, " + QUOTE, "Nothing here"))
    [item] = listed(capsys, home, "--status", "orphaned")
    assert item["quote"] == "Israel has until 13 Novmber"
    code, out, _ = run(capsys, home, "export", "--format", "markdown")
    assert code == 0 and "**orphaned**" in out and "13 Novmber" in out


def test_export_json_then_import_into_a_fresh_library(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    run(capsys, home, "add", "a1", "--quote", QUOTE, "--note", "n", "--tag", "t")
    run(capsys, home, "add", "a1", "--quote", "Talks will continue")
    exported = tmp_path / "out" / "bookmarks.json"
    exported.parent.mkdir()
    code, _, err = run(capsys, home, "export", "--format", "json", "--output", str(exported))
    assert code == 0 and "exported 2 bookmarks" in err
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["type"] == "AnnotationCollection" and data["total"] == 2
    before = listed(capsys, home)

    fresh = tmp_path / "fresh"
    put(fresh)
    code, _, err = run(capsys, fresh, "import", str(exported))
    assert code == 0 and "imported 2 bookmarks" in err
    assert listed(capsys, fresh) == before
    code, _, err = run(capsys, fresh, "import", str(exported))
    assert "imported 0 bookmarks" in err
    assert len(listed(capsys, fresh)) == 2


def test_export_json_to_stdout(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    run(capsys, home, "add", "a1", "--quote", QUOTE)
    code, out, _ = run(capsys, home, "export", "--format", "json")
    assert code == 0
    [item] = json.loads(out)["first"]["items"]
    assert item["target"]["selector"][0]["exact"] == QUOTE


def test_import_refuses_what_is_not_an_export(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, home, "import", str(bad))
    assert code == 1 and "is not JSON" in err
    bad.write_text('{"type": "Nope"}', encoding="utf-8")
    code, _, err = run(capsys, home, "import", str(bad))
    assert code == 1 and "not a W3C annotation export" in err
    code, _, err = run(capsys, home, "import", str(tmp_path / "absent.json"))
    assert code == 1 and "cannot read" in err


def test_delete_by_id_prefix(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    _, out, _ = run(capsys, home, "add", "a1", "--quote", QUOTE)
    new_id = out.strip()
    code, _, err = run(capsys, home, "delete", new_id[:6])
    assert code == 0 and new_id in err
    assert listed(capsys, home) == []
    code, _, err = run(capsys, home, "delete", new_id)
    assert code == 1 and "no bookmark" in err


def test_every_action_has_help(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    for action in ("list", "add", "delete", "export", "import"):
        with pytest.raises(SystemExit) as exit_:
            main(["--home", str(home), "bookmarks", action, "--help"])
        assert exit_.value.code == 0
        assert "usage:" in capsys.readouterr().out


def test_re_adding_an_edited_file_reanchors_through_add(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Bar 1 end to end: words inserted before the passage and a typo fixed inside it."""
    typo = BODY.replace("significantly", "signficantly")
    source = tmp_path / "articles" / "gaza.txt"
    source.parent.mkdir()
    source.write_text("Gaza talks\n\n" + typo + "\n", encoding="utf-8")
    home = tmp_path / "library"

    def add() -> None:
        assert main(["--home", str(home), "--ner", "off", "add", str(source)]) == 0
        capsys.readouterr()

    add()
    library = Library.open(resolve_home(home))
    [article_id] = library.store.article_ids()
    library.close()
    quote = "Israel has until 13 November to signficantly improve aid delivery"
    code, _, _ = run(capsys, home, "add", article_id, "--quote", quote, "--note", "n")
    assert code == 0
    [before] = listed(capsys, home)
    assert before["quote"] == quote
    edited = "A new first paragraph was added by the editors.\n\n" + BODY
    source.write_text("Gaza talks\n\n" + edited + "\n", encoding="utf-8")
    add()
    with BookmarkStore(resolve_home(home).database) as store:  # re-anchored by add, not list
        assert store.get(before["id"]).status == "moved"  # type: ignore[union-attr]
    library = Library.open(resolve_home(home))
    stored = library.article(article_id)
    library.close()
    assert stored is not None
    [after] = listed(capsys, home)
    fixed = "Israel has until 13 November to significantly improve aid delivery"
    assert (after["id"], after["status"], after["quote"], after["note"]) == (
        before["id"],
        "moved",
        fixed,
        "n",
    )
    assert stored.article.body[after["start"] : after["end"]] == fixed


def test_markdown_export_names_each_articles_source_date_and_link(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    """Issue 16, item 7: the Markdown export lacked the article's URL, source and date."""
    from datetime import UTC, datetime

    library = Library.open(resolve_home(home))
    article = Article(
        id="a2",
        title="Harbour wall",
        body="The harbour wall was repaired on Monday, the council said.",
        source="Bergen Harbour News",
        url="https://news.example/harbour-wall",
        published=datetime(2024, 11, 10, 9, 0, tzinfo=UTC),
        date_origin="metadata",
    )
    library.put([(article, Analysis())])
    library.close()
    run(capsys, home, "add", "a2", "--quote", "The harbour wall was repaired")
    run(capsys, home, "add", "a1", "--quote", QUOTE)
    code, out, _ = run(capsys, home, "export", "--format", "markdown")
    assert code == 0
    lines = out.splitlines()
    at = lines.index("## Harbour wall")
    assert lines[at + 2] == (
        "*Bergen Harbour News · 2024-11-10* · <https://news.example/harbour-wall>"
    ), lines
    assert "## Gaza talks" in lines  # no source, date or link: no byline line
    gaza = lines.index("## Gaza talks")
    assert lines[gaza + 2].startswith(">"), lines
