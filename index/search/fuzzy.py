"""Fuzzy terms (``blinkn~``) answered from a table of words built once per segment.

Whoosh expands a fuzzy term by walking a Levenshtein automaton over the term
list on disk, in every segment: at 100,000 articles (13 segments) that was
26 walks for a title-and-body term, each a few dozen seeks in the segment's
hash file, 100-200 ms of the 150-210 ms a fuzzy search took. The words of a
segment never change, so each segment's title and body words are read once,
grouped by first character with their document frequencies, and kept
(:mod:`index.search.segment_cache`, as the prefix short lists are). A fuzzy
term keeps its first letter (``query.FUZZY_PREFIX``), so it only needs the
words that begin with it: the union of the segments' groups for that letter,
sorted, is built once per searcher and letter, and Whoosh's own automaton
walks it in memory, once for the whole index instead of once per segment. What
a searcher found for a term is kept for the next keystroke, which plans it again.

The words found are those Whoosh's ``FuzzyTerm`` finds in the same segments
(same automaton, same words), with the same document frequencies; only the
walk is elsewhere. A term may stand for at most ``MAX_VARIANTS`` words, the
most frequent (and always the word typed, if the library holds it); the
result says when it was cut.
"""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from whoosh import fields
from whoosh import query as wq
from whoosh.automata.fsa import DFA
from whoosh.automata.lev import levenshtein_automaton

from index.search import deadline
from index.search.schema import TEXT_FIELDS
from index.search.segment_cache import Recent, cache_file, kept, segment_name, warm_all

MAX_VARIANTS = 32
"""Words a fuzzy term may stand for in a field: the most frequent within its distance.
At 100,000 articles ``word~`` stands for fewer than 20 body words; ``tony~2`` for 212
(143,000 postings, 0.3 s to score). The rare words left out hardly reach a page: for
``tony~2``, ``gov~2``, ``market~2`` and ``blair~2`` the first 20 hits with the 32 most
frequent were those of all their words."""
MEMORY_TERMS = 64
"""Fuzzy terms whose variants are kept per searcher."""
FORMAT = 1
MEMORY_TABLES = 128
"""Segment tables kept in memory by segment name (a segment has one per title and
body), for the next searcher's readers of the same segments."""

Table = dict[str, dict[str, int]]
"""First character -> a segment's words of one field that begin with it (as text) ->
the word's document frequency in that segment."""


@dataclass(frozen=True, slots=True)
class Variants:
    """The words a fuzzy term stands for (as the field stores them), most frequent
    first, their document frequencies in the whole index, and how many words within
    the distance there were in all (more than were kept when ``cut``)."""

    words: tuple[bytes, ...]
    frequencies: tuple[int, ...]
    found: int

    @property
    def cut(self) -> bool:
        return self.found > len(self.words)


def answers(searcher: Any, query: Any) -> bool:
    """Whether :func:`variants` answers ``query``: a fuzzy term of the title or body that
    keeps at least its first letter (the tables are grouped by it)."""
    if type(query) is not wq.FuzzyTerm or query.fieldname not in TEXT_FIELDS:
        return False
    if query.fieldname not in searcher.schema:
        return False
    field = searcher.schema[query.fieldname]
    return (
        isinstance(field, fields.TEXT)
        and field.spelling_fieldname(query.fieldname) == query.fieldname
        and query.prefixlength >= 1
        and len(query.text) >= 1
    )


def variants(searcher: Any, query: wq.FuzzyTerm, limit: int | None = None) -> Variants:
    """The ``limit`` (``MAX_VARIANTS``) most frequent words of the index within
    ``query.maxdist`` edits of ``query.text`` that keep its first ``prefixlength``
    characters (what Whoosh's ``FuzzyTerm`` matches); the word typed comes first if the
    index holds it. Only for queries :func:`answers`."""
    limit = MAX_VARIANTS if limit is None else limit
    fieldname, text = query.fieldname, query.text
    prefix = min(query.prefixlength, len(text))
    with _FOUND_LOCK:
        earlier = _FOUND.get(searcher.reader())
        if earlier is None:
            earlier = _FOUND[searcher.reader()] = Recent(MEMORY_TERMS)
    key = (fieldname, text, query.maxdist, prefix, limit)
    remembered = earlier.get(key)
    if remembered is None:
        remembered = _variants(searcher, fieldname, text, query.maxdist, prefix, limit)
        earlier.put(key, remembered)
    return remembered


def _variants(
    searcher: Any, fieldname: str, text: str, maxdist: int, prefix: int, limit: int
) -> Variants:
    readers = [sub.reader() for sub, _ in searcher.leaf_searchers()]
    tables = [table(reader, fieldname).get(text[0], {}) for reader in readers]
    words = letter_words(searcher, fieldname, text[0], tables)
    found = within(words, text, maxdist, prefix)
    totals = {word: sum(group.get(word, 0) for group in tables) for word in found}
    ranked = sorted(totals, key=lambda word: (word != text, -totals[word], word))
    kept = ranked[:limit]
    field = searcher.schema[fieldname]
    return Variants(
        tuple(field.to_bytes(word) for word in kept),
        tuple(totals[word] for word in kept),
        len(ranked),
    )


def within(words: list[str], text: str, maxdist: int, prefix: int) -> list[str]:
    """The ``words`` (sorted) that Whoosh's Levenshtein automaton for ``text`` accepts:
    its own walk (``Automata.find_matches``) over a list in memory instead of a term
    cursor on disk. The automaton names the next string it could accept; a bisection
    finds the first word from there."""
    dfa = _automaton(text, maxdist, prefix)
    found: list[str] = []
    count = len(words)
    if not count:
        return found
    at, steps = 0, 0
    match = dfa.next_valid_string(words[0])
    while match:
        steps += 1
        if steps % deadline.CHECK_EVERY == 0:
            deadline.check()
        at = bisect_left(words, match, at)
        if at == count:
            break
        word = words[at]
        if match == word:
            found.append(word)
            word += "\0"
        match = dfa.next_valid_string(word)
    return found


@lru_cache(maxsize=64)
def _automaton(text: str, maxdist: int, prefix: int) -> DFA:
    """Whoosh's own automaton (``Automata.levenshtein_dfa``), built once for a term's
    title and body and for the next keystrokes that search it again."""
    return levenshtein_automaton(text, maxdist, prefix).to_dfa()


_FOUND: weakref.WeakKeyDictionary[Any, Recent[tuple[str, str, int, int, int], Variants]] = (
    weakref.WeakKeyDictionary()
)
"""The searcher's reader -> the fuzzy terms last expanded in it: each keystroke typed after
``tony~`` plans it again."""
_FOUND_LOCK = threading.Lock()

_LETTERS: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], list[str]]] = (
    weakref.WeakKeyDictionary()
)
"""The searcher's reader -> (field, first character) -> the sorted union of its segments'
words: built once per searcher and letter (a few ms), gone with the searcher."""
_LETTERS_LOCK = threading.Lock()


def letter_words(
    searcher: Any, fieldname: str, letter: str, tables: list[dict[str, int]]
) -> list[str]:
    """The words of ``fieldname`` that begin with ``letter`` in any of the segments'
    ``tables`` (one per segment of ``searcher``), sorted; merged once per searcher."""
    with _LETTERS_LOCK:
        letters = _LETTERS.setdefault(searcher.reader(), {})
    found = letters.get((fieldname, letter))
    if found is None:
        union: set[str] = set()
        for group in tables:
            union.update(group)
        found = letters[(fieldname, letter)] = sorted(union)
    return found


_TABLES: Recent[tuple[str, str], Table] = Recent(MEMORY_TABLES)
"""(segment name, field) -> its table."""
_READERS: weakref.WeakKeyDictionary[Any, dict[str, Table]] = weakref.WeakKeyDictionary()
"""A segment reader -> field -> its table: what a search asks for, without naming the
segment again (a ``realpath`` per segment, a third of the expansion's time)."""
_READERS_LOCK = threading.Lock()


def table(reader: Any, fieldname: str) -> Table:
    """A segment's table of ``fieldname`` (from memory, the disk cache, or built)."""
    with _READERS_LOCK:
        by_field = _READERS.setdefault(reader, {})
    found = by_field.get(fieldname)
    if found is None:
        found = by_field[fieldname] = _named_table(reader, fieldname)
    return found


def _named_table(reader: Any, fieldname: str) -> Table:
    return kept(_TABLES, reader, fieldname, _cache_path(reader, fieldname), FORMAT, build)


def build(reader: Any, fieldname: str) -> Table:
    """One pass over the segment's words of ``fieldname`` (about 0.25 s for the body of
    10,000 articles)."""
    built: Table = {}
    if fieldname not in reader.schema.names():
        return built
    decode = reader.schema[fieldname].from_bytes
    for word, info in reader.iter_field(fieldname):
        text = decode(word)
        if text:
            built.setdefault(text[0], {})[text] = info.doc_frequency()
    return built


def warm(searcher: Any, fieldnames: tuple[str, ...] = TEXT_FIELDS) -> None:
    """Build (or load) every segment's tables ahead of the first fuzzy term, and delete
    the cached tables of this index's segments that merges removed."""
    warm_all(searcher, fieldnames, table, _cache_path)


def _cache_path(reader: Any, fieldname: str) -> str | None:
    return cache_file(reader, "fuzzy", f"{segment_name(reader)}-{fieldname}-v{FORMAT}")
