"""The home wing: one library home on disk.

``library`` commits the Whoosh index and the SQLite ``store`` together,
``ingest`` adds files, ``recovery`` repairs a damaged home, ``locking`` and
``safewrite`` keep writers apart and leave no half-written file, and
``subscribing`` stores what the feeds wing fetches, and
``service`` (:class:`LibraryHome`) is the one owner of what "add", "the
bookmarks of an article" and "recover" mean: the CLI and the reader call it.

This package's names below are the home's public face for the UI.
"""

from __future__ import annotations

from index.feeds import FeedReport, FetchPolicy, RefreshReport, Subscription
from index.home.ingest import IngestReport
from index.home.library import MAX_LIMIT, SortOrder
from index.home.marks import NO_MARKS, Mark, Marks, State
from index.home.recovery import RecoveryReport
from index.home.safewrite import storage_error
from index.home.service import ArticleBookmarks, LibraryHome, MarkReport, StaleTextError
from index.home.sources_view import SourceRow, SourcesView
from index.home.store import StoredArticle

__all__ = [
    "MAX_LIMIT",
    "NO_MARKS",
    "ArticleBookmarks",
    "FeedReport",
    "FetchPolicy",
    "IngestReport",
    "LibraryHome",
    "Mark",
    "MarkReport",
    "Marks",
    "RecoveryReport",
    "RefreshReport",
    "SortOrder",
    "SourceRow",
    "SourcesView",
    "StaleTextError",
    "State",
    "StoredArticle",
    "Subscription",
    "storage_error",
]
