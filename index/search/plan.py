"""Query execution at scale: faster equivalents of what Whoosh's parser builds.

Whoosh answers a query correctly but, at 100,000 articles, slowly in three places
(measured in ``bench/scale.py``):

* **Date ranges.** ``published`` is indexed to the microsecond in eight precision
  tiers, so a month expands to hundreds of terms; :func:`plan` answers whole-day
  ranges from the hidden ``day`` field, and :class:`DayRange` unions that field's
  postings in one sorted pass instead of Whoosh's array-union matcher, which
  clears and scans a 2,048-slot array per block of documents (78 ms for a
  month's range intersected with one word, 4 ms here).
* **Phrases.** Whoosh checks a phrase with its general span machinery, about
  40 microseconds per candidate document; :class:`FastPhrase` keeps the same
  semantics (ordered words, each within ``slop`` positions of the last) with a
  set look-up per position, and lets the collector skip whole posting blocks
  that cannot reach the top hits.
* **Ties.** Whoosh's top-N collector only raises its bar after a document has
  *beaten* the weakest of the top N, so when every match scores the same
  (``source:reuters``) it scores all 30,000 of them; :class:`TopHits` raises the
  bar as soon as the page is full, which lets block-max skipping work.

When blocks are skipped the number of matches is no longer counted: the result
then carries Whoosh's estimate, an upper bound, and says so.
"""

from __future__ import annotations

import math
from datetime import time
from typing import Any

from whoosh import fields
from whoosh import query as wq
from whoosh.query.terms import Term
from whoosh.support.levenshtein import damerau_levenshtein

from index.errors import QueryError
from index.search import deadline, fuzzy, lexicon
from index.search.nodes import Blended, DayRange, FastPhrase
from index.search.schema import TEXT_FIELDS, day_number

_END_OF_DAY = time(23, 59, 59)


def plan(
    query: wq.Query, schema: Any, searcher: Any = None, notes: list[str] | None = None
) -> wq.Query:
    """``query`` rewritten into faster equivalents that match the same documents.

    Given the ``searcher``, prefix, wildcard and fuzzy terms are also expanded, once
    for the whole index, into an OR of the words they stand for (see :func:`_expand`);
    a prefix or fuzzy term of the title or body stands for its most frequent words
    only, and says so in ``notes`` when it was cut ("bl* → 50 most common words").
    """
    if isinstance(query, wq.DateRange) and query.fieldname == "published" and "day" in schema:
        return _day_range(query)
    if isinstance(query, wq.Phrase) and type(query) is wq.Phrase:
        return FastPhrase(
            query.fieldname,
            query.words,
            slop=query.slop,
            boost=query.boost,
            char_ranges=query.char_ranges,
        )
    if searcher is not None and type(query) is wq.Prefix and query.fieldname in TEXT_FIELDS:
        return _most_frequent(query, searcher, notes)
    if searcher is not None and fuzzy.answers(searcher, query):
        return _fuzzy(query, searcher, notes)
    if searcher is not None and type(query) in _EXPANDABLE:
        return _expand(query, searcher)
    if isinstance(query, wq.Not):
        return wq.Not(plan(query.query, schema, searcher, notes), boost=query.boost)
    if query.is_leaf():
        return query
    return query.apply(lambda child: plan(child, schema, searcher, notes))


_EXPANDABLE = (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)

MAX_EXPANSION = 512
"""Words a prefix, wildcard or fuzzy term may stand for; past this it is refused. (It was
left to Whoosh, which expands it again in every segment and matches each word on its own:
``a*`` or ``c*`` took seconds at 20,000 articles, past any deadline check.)"""


def _typed(query: Any) -> str:
    """The term as a person typed it: ``gov*``, ``b?g``, ``blinkn~2``."""
    if isinstance(query, wq.FuzzyTerm):
        return f"{query.text}~{query.maxdist}" if query.maxdist != 1 else f"{query.text}~"
    if isinstance(query, wq.Prefix):
        return f"{query.text}*"
    return str(query.text)


def _expand(query: Any, searcher: Any) -> wq.Query:
    """The words ``query`` stands for in any segment, as a :class:`Blended` OR.

    Whoosh expands such a term again in every segment (20 at 100,000 articles),
    scores prefixes and wildcards as constants (``gove*`` listed the oldest
    articles first) and fuzzy variants by their own rarity (a one-off misspelling
    outranked the word itself). Here the words are found once, segment by segment,
    and scored as one word would be; a fuzzy variant counts less the further it
    is from what was typed. More than ``MAX_EXPANSION`` words is a QueryError.
    """
    field = searcher.schema[query.fieldname]
    words: set[bytes] = set()
    for sub, _ in searcher.leaf_searchers():
        for walked, word in enumerate(query._btexts(sub.reader())):
            if walked % deadline.CHECK_EVERY == 0:
                deadline.check()  # a wildcard walks the field's words from its prefix on
            words.add(word if isinstance(word, bytes) else field.to_bytes(word))
            if len(words) > MAX_EXPANSION:
                raise QueryError(
                    f"{_typed(query)!r} stands for more than {MAX_EXPANSION:,} words in the "
                    "library; type more of the word"
                )
    if type(query) is wq.Prefix:
        words |= _stems_of_prefix(query, searcher)
    return _blended(query, words, searcher)


def _blended(
    query: Any, words: set[bytes], searcher: Any, frequencies: dict[bytes, int] | None = None
) -> wq.Query:
    """``words`` (as the field stores them) scored as one word: each with its own
    frequency in a document, all with the idf of the most frequent of them; a fuzzy
    variant weighed down by its edits from what was typed. ``frequencies``: the words'
    document frequencies in the index, if known (else they are looked up)."""
    if not words:
        return wq.NullQuery
    field = searcher.schema[query.fieldname]
    texts = [field.from_bytes(word) for word in sorted(words)]
    typed = query.text if isinstance(query, wq.FuzzyTerm) else None
    terms = [
        Term(query.fieldname, text, boost=query.boost * _closeness(text, typed)) for text in texts
    ]
    if frequencies is None:
        frequency = max(searcher.doc_frequency(query.fieldname, word) for word in words)
    else:
        frequency = max(frequencies[word] for word in words)
    if frequency:
        count = searcher.doc_count_all()
        idf = math.log(count / (frequency + 1)) + 1
    else:
        idf = searcher.weighting.idf(searcher, query.fieldname, next(iter(words)))
    return Blended(terms, idf=idf)


def _fuzzy(query: wq.FuzzyTerm, searcher: Any, notes: list[str] | None) -> wq.Query:
    """A title or body fuzzy term as the words Whoosh's ``FuzzyTerm`` finds, from the
    segments' word tables (:mod:`index.search.fuzzy`) instead of a walk of each segment's
    term list; at most ``fuzzy.MAX_VARIANTS``, the most frequent, said in ``notes``
    when it was cut. Scored as :func:`_blended` scores any expansion."""
    found = fuzzy.variants(searcher, query)
    if found.cut and notes is not None:
        _note_cut(notes, query, len(found.words))
    words = dict(zip(found.words, found.frequencies, strict=True))
    return _blended(query, set(words), searcher, words)


def _most_frequent(query: wq.Prefix, searcher: Any, notes: list[str] | None) -> wq.Query:
    """A title or body prefix as its ``lexicon.MAX_WORDS`` most frequent words (and the
    stems the typed prefix itself begins with), scored as one word (:func:`_blended`)."""
    found = lexicon.expand(searcher, query.fieldname, query.text)
    words = set(found.words) | _stems_of_prefix(query, searcher)
    if found.cut and notes is not None:
        _note_cut(notes, query, len(found.words))
    return _blended(query, words, searcher)


def _note_cut(notes: list[str], query: Any, kept: int) -> None:
    """Say in ``notes`` that ``query`` stands for its ``kept`` most common words only:
    one note for the title's and the body's expansion, the body's (the larger)."""
    typed = f"{_typed(query)} →"
    note = f"{typed} {kept} most common words"
    earlier = [n for n in notes if n.startswith(typed)]
    if not earlier:
        notes.append(note)
    elif query.fieldname == "body":
        notes[notes.index(earlier[0])] = note


STEM_SLACK = 4
"""How much shorter than a typed prefix a word's stem may be and still be its word."""


def _stems_of_prefix(query: wq.Prefix, searcher: Any) -> set[bytes]:
    """Indexed stems that the typed prefix itself begins with: ``governm*`` is typed
    towards "government", which the body field holds as "govern"."""
    field = searcher.schema[query.fieldname]
    if not isinstance(field, fields.TEXT):
        return set()
    text = query.text
    found = set()
    for size in range(max(3, len(text) - STEM_SLACK), len(text)):
        word = field.to_bytes(text[:size])
        if searcher.doc_frequency(query.fieldname, word):
            found.add(word)
    return found


def _closeness(word: str, typed: str | None) -> float:
    """1 for the word typed (or any word of a prefix); less for each edit away from it."""
    if typed is None:
        return 1.0
    edits = int(damerau_levenshtein(word, typed))
    return 1.0 / (1 + edits)


def _day_range(query: wq.DateRange) -> wq.Query:
    """Whole-day ``published`` ranges as a :class:`DayRange`; others unchanged."""
    start, end = query.startdate, query.enddate
    whole_start = start is None or (start.time() == time.min and not query.startexcl)
    whole_end = end is None or (end.time() >= _END_OF_DAY and not query.endexcl)
    if not (whole_start and whole_end):
        return query
    return DayRange(
        "day",
        day_number(start.date()) if start is not None else None,
        day_number(end.date()) if end is not None else None,
        boost=query.boost,
    )
