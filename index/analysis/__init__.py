"""The analysis wing: text in, spans out.

Named entities (``entities``), date mentions resolved to calendar dates
(``dates``) and the sentence and paragraph seams of a body (``passages``).
Stands on the ground floor only; knows nothing of Whoosh or SQLite.
"""
