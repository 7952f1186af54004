"""The bookmarks wing: passage bookmarks that survive edits and re-indexing.

``anchoring`` finds a quoted passage again in changed text, ``formats`` reads
and writes W3C Web Annotation JSON and Markdown, and ``store`` keeps them in
the library's SQLite database. It reaches articles only through the small
``ArticleTexts`` interface the library home hands it, never through another
wing's tables.
"""
