"""newsreader's core: articles, analysis, the Whoosh index and bookmarks.

Nothing in this package imports Textual, Rich or ``reader``; the UI and the CLI
stand on it, never the other way round.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
