"""Shared fixtures: isolated library homes, and the external corpora when present."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Caches the tests build (the gazetteer) go to one throwaway folder per test run,
# never into the user's cache dir.
os.environ["NEWSREADER_CACHE_DIR"] = tempfile.mkdtemp(prefix="newsreader-cache-")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_ARTICLE = SEEDS / "000_ae79fbdee465601c.txt"
CORPORA = ROOT.parent / "shared" / "corpora"


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test may touch the user's real library or config."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("NEWSREADER_HOME", str(home / "library"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))


@pytest.fixture
def corpora() -> Path:
    """The shared corpora folder; the test is skipped when it is absent."""
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is not present")
    return CORPORA
