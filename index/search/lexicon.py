"""Prefixes bounded by design: the most frequent words a prefix stands for, at once.

A prefix typed into the search box (``b*``, ``co*``, and every word while it is
being typed) stands for thousands of words at 100,000 articles: walking them
took Whoosh 150-250 ms for one letter (``c``: 36,542 words over the segments),
and searching them all took seconds. A person typing ``co`` wants the common
words that begin so, not all of them. So a prefix expands to at most
``MAX_WORDS`` words, the most frequent (by document frequency over the whole
index), and the search says when it cut.

Long prefixes (three letters and more) cover few words, and each segment's term
list is walked from the prefix on (``iter_prefix``: a seek, then only the words
that begin so). One- and two-letter prefixes cover a large share of the
lexicon, so each segment gets a *short list*: for every prefix of one or two
characters of the title and body fields, its ``KEPT`` most frequent words in
that segment. The words of a short prefix are then the union of the segments'
short lists, their frequencies summed exactly over every segment: a word
frequent in the whole index is frequent in some segment, so it is on some list.

A segment never changes once written, so its short list is built once (one pass
over its terms, about 1.7 s for all of a 100,000-article index's title and body
words) and kept (:mod:`index.search.segment_cache`, as the forward tables are).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from whoosh import fields

from index.search import deadline, fuzzy
from index.search.schema import TEXT_FIELDS
from index.search.segment_cache import Recent, cache_file, kept, segment_name, warm_all

MAX_WORDS = 16
"""Words a prefix may stand for: its most frequent ones."""
MAX_POSTINGS = 30_000
"""And at most this many postings in all (the words' document frequencies summed): the
cost of a search grows with the postings it scores, and ``b*``'s 20 most common words
are over 300,000 of them at 100,000 articles."""
SHORT = 2
"""Prefixes up to this many characters are answered from the segments' short lists."""
KEPT = 64
"""Words kept per short prefix per segment (more than ``MAX_WORDS``: the union of
several segments' lists then holds the whole index's most frequent words)."""
FORMAT = 1
MEMORY_LISTS = 128


@dataclass(frozen=True, slots=True)
class Expansion:
    """The words a prefix stands for (as the field stores them), most frequent first,
    and how many words it began in all (``cut`` when that was more than were kept)."""

    words: tuple[bytes, ...]
    frequencies: tuple[int, ...]
    cut: bool


def expand(
    searcher: Any,
    fieldname: str,
    prefix: str,
    limit: int | None = None,
    budget: int | None = None,
) -> Expansion:
    """The ``limit`` (``MAX_WORDS``) most frequent words of ``fieldname`` that begin with
    ``prefix``, within ``budget`` (``MAX_POSTINGS``) postings."""
    limit = MAX_WORDS if limit is None else limit
    budget = MAX_POSTINGS if budget is None else budget
    leaves = [sub.reader() for sub, _ in searcher.leaf_searchers()]
    if len(prefix) <= SHORT:
        # Summed over the lists that hold the word: a segment whose list lacks it holds
        # it in fewer documents than that list's last word, so the order of the common
        # words (what is kept) comes out as the exact counts would give it.
        totals: dict[bytes, int] = {}
        overflow = False
        for reader in leaves:
            listed = short_list(reader, fieldname).get(prefix, ())
            for frequency, word in listed:
                totals[word] = totals.get(word, 0) + frequency
            overflow = overflow or len(listed) >= KEPT
        cut = overflow or len(totals) > limit
    else:
        totals = _beginning(searcher, leaves, fieldname, prefix)
        cut = len(totals) > limit
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    # The most frequent words that fit the budget together; a word that alone takes
    # more than half of it ("more" for m*: 39,000 articles of 100,000) says little of
    # what is being typed and is passed over, unless no other word is left.
    best: list[tuple[bytes, int]] = []
    postings = 0
    for word, frequency in ranked:
        if len(best) == limit:
            break
        if frequency > budget // 2 or postings + frequency > budget:
            cut = True
            continue
        best.append((word, frequency))
        postings += frequency
    if not best and ranked:
        best = ranked[:1]
    return Expansion(
        tuple(word for word, _ in best),
        tuple(frequency for _, frequency in best),
        cut,
    )


def _beginning(searcher: Any, leaves: list[Any], fieldname: str, prefix: str) -> dict[bytes, int]:
    """Every word of ``fieldname`` that begins with ``prefix``, with its document frequency
    over the index: from the segments' word tables by first letter (``index.search.fuzzy``,
    a bisection in the searcher's sorted list of them) for the title and body, else a
    walk of each segment's term list (Whoosh's term reader: a few microseconds a word,
    thousands of words for "pro" in each of a dozen segments)."""
    totals: dict[bytes, int] = {}
    field = searcher.schema[fieldname] if fieldname in searcher.schema.names() else None
    if fieldname in TEXT_FIELDS and isinstance(field, fields.TEXT):
        tables = [fuzzy.table(reader, fieldname).get(prefix[0], {}) for reader in leaves]
        words = fuzzy.letter_words(searcher, fieldname, prefix[0], tables)
        for word in words[bisect_left(words, prefix) :]:
            if not word.startswith(prefix):
                break
            totals[field.to_bytes(word)] = sum(table.get(word, 0) for table in tables)
        return totals
    for reader in leaves:
        for walked, (word, info) in enumerate(reader.iter_prefix(fieldname, prefix)):
            if walked % deadline.CHECK_EVERY == 0:
                deadline.check()
            totals[word] = totals.get(word, 0) + info.doc_frequency()
    return totals


ShortList = dict[str, tuple[tuple[int, bytes], ...]]
"""Prefix (one or two characters) -> its most frequent words in a segment, as
``(document frequency, word)``, most frequent first."""


_MEMORY: Recent[tuple[str, str], ShortList] = Recent(MEMORY_LISTS)
"""(segment name, field) -> its short list."""


def short_list(reader: Any, fieldname: str) -> ShortList:
    """A segment's short list of ``fieldname`` (from memory, the disk cache, or built)."""
    return kept(_MEMORY, reader, fieldname, _cache_path(reader, fieldname), FORMAT, build)


def build(reader: Any, fieldname: str) -> ShortList:
    """One pass over the segment's words of ``fieldname``."""
    buckets: dict[str, list[tuple[int, bytes]]] = {}
    if fieldname not in reader.schema.names():
        return {}
    for word, info in reader.iter_field(fieldname):
        text = word.decode("utf-8", "replace")
        entry = (info.doc_frequency(), word)
        for size in range(1, min(SHORT, len(text)) + 1):
            buckets.setdefault(text[:size], []).append(entry)
    # The words come in order and nlargest is stable: of equally frequent words, the first.
    return {
        prefix: tuple(heapq.nlargest(KEPT, entries, key=itemgetter(0)))
        for prefix, entries in buckets.items()
    }


def warm(searcher: Any, fieldnames: tuple[str, ...]) -> None:
    """Build (or load) the short lists of every segment, ahead of the first prefix, and
    delete the cached lists of this index's segments that merges removed."""
    warm_all(searcher, fieldnames, short_list, _cache_path)


def _cache_path(reader: Any, fieldname: str) -> str | None:
    return cache_file(reader, "lexicon", f"{segment_name(reader)}-{fieldname}-v{FORMAT}")
