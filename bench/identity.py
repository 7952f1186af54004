"""One id, one document: add a folder to a fresh library and count what the index holds.

    python bench/identity.py ../shared/corpora/feeds [--ner rules|off] [--jobs N]

Prints the ``add`` report, then the index's documents, the distinct ids among
them and the store's articles (issue 16: before the fix the feeds corpus gave
2,229 documents for 2,132 ids), and how many articles more than one file carries.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.home.ingest import ingest
from index.home.library import Library
from index.paths import LibraryPaths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--ner", choices=("rules", "off"), default="rules")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="identity-") as scratch:
        library = Library.open(LibraryPaths(Path(scratch)))
        try:
            tagger = None if args.ner == "off" else args.ner
            report = ingest(library, [args.folder], tagger=tagger, jobs=args.jobs)
            print(f"add: {report.counts()} from {report.files:,} files in {report.seconds:.1f}s")
            reader = library.searcher().reader()
            ids = [fields["id"] for fields in reader.all_stored_fields()]
            stored = library.store.article_ids()
            shared = sum(1 for i in stored if len(library.store.carriers_of(i)) > 1)
            print(f"index documents: {len(ids):,}")
            print(f"distinct ids:    {len(set(ids)):,}")
            print(f"store articles:  {len(stored):,} ({shared:,} carried by more than one file)")
        finally:
            library.close()


if __name__ == "__main__":
    main()
