"""Fixtures for the feed tests: a live loopback server and a library home."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from feedserver import FeedServer

from index.home import LibraryHome
from index.paths import LibraryPaths


@pytest.fixture
def server() -> Iterator[FeedServer]:
    started = FeedServer(hosts=4)
    try:
        yield started
    finally:
        started.close()


@pytest.fixture
def home(tmp_path: Path) -> Iterator[LibraryHome]:
    opened = LibraryHome(LibraryPaths(tmp_path / "library"), tagger=None)
    try:
        yield opened
    finally:
        opened.close()
