"""The home wing: one library home on disk.

``library`` commits the Whoosh index and the SQLite ``store`` together,
``ingest`` adds files, ``recovery`` repairs a damaged home, ``locking`` and
``safewrite`` keep writers apart and leave no half-written file, and
``service`` (``LibraryHome``) is the one owner of what "add", "the bookmarks
of an article" and "recover" mean: the CLI and the reader call it.
"""
