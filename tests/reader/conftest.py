"""Fixtures for the reader's Pilot and snapshot tests: a small library built in tmp_path."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from pathlib import Path

import pytest

from index.home import LibraryHome
from index.home.ingest import ingest
from index.paths import LibraryPaths
from reader.app import NewsReaderApp

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SEED_ID_FILE = SEEDS / "000_ae79fbdee465601c.txt"

EXTRA = {
    "blinken_visit.md": """---
title: Blinken Returns to Washington After Gaza Talks
date: 2024-11-12
source: test wire
---

Antony Blinken returned to Washington on 12 November after talks about Gaza.
He said aid deliveries to Gaza had to rise before the deadline.

Officials in Israel said they were studying the proposals.
""",
    "harvest.md": """---
title: Orchard Growers Report a Record Apple Harvest
date: 2024-10-02
source: test wire
---

Growers in Kent said the apple harvest was the largest in a decade.
Prices at markets fell by ten percent in September.
""",
}


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (no async plugin needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


def build_library(home: Path) -> Path:
    """Ingest the seeds plus a few small articles of our own into ``home``."""
    extra = home.parent / "extra"
    extra.mkdir(parents=True, exist_ok=True)
    for name, text in EXTRA.items():
        (extra / name).write_text(text, encoding="utf-8")
    services = LibraryHome(LibraryPaths(home))
    try:
        report = ingest(services.library, [SEEDS, extra], tagger="rules", jobs=1)
        assert report.added == 7, report
    finally:
        services.close()
    return home


@pytest.fixture(scope="session")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One library for the whole session (tests copy it when they change it)."""
    return build_library(tmp_path_factory.mktemp("built") / "library")


@pytest.fixture
def home(built_home: Path, tmp_path: Path) -> Path:
    """A private copy of the built library, so a test may add bookmarks or config."""
    import shutil

    target = tmp_path / "library"
    shutil.copytree(built_home, target)
    return target


@pytest.fixture
def make_app(home: Path) -> Callable[..., NewsReaderApp]:
    def make(*paths: str, library: Path | None = None) -> NewsReaderApp:
        return NewsReaderApp(LibraryHome(LibraryPaths(library or home)), list(paths))

    return make


async def wait_for(pilot, condition: Callable[[], bool], seconds: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    """Let the app run until ``condition()`` holds; fail the test if it never does."""
    for _ in range(int(seconds / 0.05)):
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("the app never reached the expected state")


def seed_id() -> str:
    from index.models import stable_id

    return stable_id(str(SEED_ID_FILE.resolve()))


def ready(app: NewsReaderApp) -> Callable[[], bool]:
    """True once the main screen shows an article and its related items are in."""

    def check() -> bool:
        from reader.widgets.article_view import ArticleView
        from reader.widgets.related import RelatedList

        screen = app.screen
        views = screen.query(ArticleView)
        if not views or views.first().stored is None:
            return False
        related = screen.query_one(RelatedList)
        return any(option.id for option in related.options)

    return check
