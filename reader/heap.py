"""The UI process's heap: keep Python's full collections off the event loop."""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Collect once, then take every object that survived out of the collector's sight.

    What exists once the first article is on screen (Textual's style and strip
    caches, the searcher, the store) lives as long as the app. Left in view, each
    full collection walked it all on the UI thread: 40 to 110 ms pauses, several a
    minute while typing, at 100,000 articles. Frozen, the worst pause measured was
    33 ms (``tests/reader/test_scale_lag.py``).
    """
    gc.collect()
    gc.freeze()


def release_heap() -> None:
    """Give what :func:`settle_heap` froze back to the collector (the app is closing)."""
    gc.unfreeze()
