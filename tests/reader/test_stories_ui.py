"""The article list folds copies of one story into one row, "+N sources", and ``z`` opens it."""

from __future__ import annotations

from pathlib import Path

from index.home import LibraryHome
from index.home.ingest import ingest
from index.paths import LibraryPaths
from reader.app import NewsReaderApp
from reader.widgets.article_list import ArticleList
from tests.reader.conftest import wait_for

STORY = [
    "The harbour authority in Porthmellin said on Tuesday that the old stone pier would"
    " close for eighteen months while engineers rebuild its storm wall and replace the"
    " timber landing stage that fishermen have used since the nineteenth century.",
    "Boats that land their catch at the pier will move to a temporary pontoon on the"
    " eastern quay, the authority said, and the ferry to the islands will sail from the"
    " lifeboat slipway until the work is finished next autumn.",
    "Local councillor Morwenna Tregothnan said the closure was painful but overdue after"
    " the winter storms tore away sections of the parapet and flooded the fish market"
    " twice in one month.",
]
OTHER = (
    "A bakery in the same town won a national prize for its saffron buns, beating more than"
    " four hundred entries from across the country in a blind tasting held in London."
)


def _write(path: Path, title: str, date: str, source: str, paragraphs: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    front = f"---\ntitle: {title}\ndate: {date}\nsource: {source}\n---\n\n"
    path.write_text(front + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


def _home(tmp_path: Path) -> Path:
    news = tmp_path / "news"
    _write(news / "a.md", "Historic pier to close for repairs", "2024-05-07T09:00",
           "Cornish Times", STORY)  # fmt: skip
    _write(news / "b.md", "UPDATE 1-Pier closes for 18 months", "2024-05-07T12:00",
           "Wire Digest", ["Wire Digest staff", *STORY[:2], "Share this story"])  # fmt: skip
    _write(news / "c.md", "PORTHMELLIN PIER CLOSURE", "2024-05-07T15:00",
           "Harbour Post", [*STORY, "Comments are closed."])  # fmt: skip
    _write(news / "d.md", "Bakery wins saffron bun prize", "2024-05-07T10:00",
           "Cornish Times", [OTHER])  # fmt: skip
    home = tmp_path / "library"
    services = LibraryHome(LibraryPaths(home))
    try:
        report = ingest(services.library, [news], tagger="rules", jobs=1)
        assert report.added == 4, report
    finally:
        services.close()
    return home


async def test_copies_of_a_story_fold_into_one_row_that_z_opens_and_closes(
    tmp_path: Path,
) -> None:
    app = NewsReaderApp(LibraryHome(LibraryPaths(_home(tmp_path))), [])
    async with app.run_test(size=(120, 36)) as pilot:
        article_list = app.screen.query_one(ArticleList)
        await wait_for(pilot, lambda: len(article_list.hits) == 4)
        rows = [article_list.get_option_at_index(i).prompt.plain for i in range(2)]
        assert article_list.option_count == 2
        assert "PORTHMELLIN PIER CLOSURE" in rows[0] and "+2 sources" in rows[0]  # the newest
        assert "Bakery" in rows[1] and "source" not in rows[1].split("·")[-1]

        article_list.focus()
        article_list.highlighted = 0
        await pilot.press("z")
        await wait_for(pilot, lambda: article_list.option_count == 4)
        opened = [article_list.get_option_at_index(i).prompt.plain for i in range(4)]
        assert opened[0] == rows[0]
        assert opened[1].startswith("↳") and opened[2].startswith("↳")
        copies = "\n".join(opened[1:3])
        assert "UPDATE 1-Pier closes" in copies and "Historic pier to close" in copies
        assert "Bakery" in opened[3]

        article_list.highlighted = 2  # closing from a copy goes back to the story's row
        await pilot.press("z")
        await wait_for(pilot, lambda: article_list.option_count == 2)
        assert article_list.highlighted == 0
