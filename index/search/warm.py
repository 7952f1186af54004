"""Building a large index's posting sidecars in a process of its own.

    python -m index.search.warm INDEX_FOLDER

The sidecars (``index.search.postings``) are built once per segment and kept in the
user's cache dir. For a large library new to this machine that is tens of seconds of
Python; in the reader's process it held the interpreter from the UI thread (a 1.5 s
pause while typing at 100,000 articles). So ``Library.warm`` starts this, at a low
priority, once it has built the prefix lists and fuzzy tables itself.
"""

from __future__ import annotations

import os
import sys
from contextlib import suppress

from index.search import postings


def main(argv: list[str]) -> int:
    from whoosh.filedb.filestore import FileStorage

    from index.search.storage import INDEX_NAME

    if len(argv) != 1:
        print("usage: python -m index.search.warm INDEX_FOLDER", file=sys.stderr)
        return 2
    with suppress(OSError, AttributeError):
        os.nice(10)
    index = FileStorage(argv[0], supports_mmap=True).open_index(indexname=INDEX_NAME)
    with index.searcher() as searcher:
        postings.build_sidecars(searcher)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
