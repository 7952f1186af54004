"""The search wing: everything that knows Whoosh.

The schema and the document an article becomes (``schema``), the query
language (``query``), the fast query plan and its block-at-a-time evaluation
(``plan``, ``bulk``), related articles (``related``), snippets and hit spans
(``snippets``), and where the index lives (``storage``, ``mmap``). It stands on
the ground floor (``index.models``, ``index.errors``, ``index.paths``) and on
``index.analysis.dates`` (one grammar for the dates in articles and in queries):
never on ``index.home`` or ``index.bookmarks``.
"""
