"""Snippets with hit spans: data, not markup.

Returns the snippet text and the ``(start, end)`` offsets of the hits within
it; the UI decides how to show them. Which spans are hits is ``spans``' job (it
follows the parsed query); here words are matched through the index's own
analyzer (so "elections" matches the term "elect"), but only words that share a
term's first letters are analysed: stemming every word of every hit's body would
otherwise dominate search time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from whoosh.analysis import Analyzer

from index.search.analyzers import fold, is_cjk, is_cjk_char, spelling_pattern

SNIPPET_CHARS = 200
MAX_SCAN_CHARS = 200_000
"""Long bodies are searched for hits within their first part only, to bound the cost."""
MAX_MATCHES = 400
PREFIX_CHARS = 3

TOKEN = re.compile(r"\w+(?:\.?\w+)*")
"""Whoosh's default tokenizer pattern: what the index saw as words."""


def _matcher(terms: Iterable[str], analyzer: Analyzer) -> Callable[[str], bool]:
    """A test "does this word analyse to one of the terms?", cached per word."""
    wanted = frozenset(terms)
    prefixes = tuple({fold(term[:PREFIX_CHARS]) for term in wanted if term})
    cache: dict[str, bool] = {}

    def matches(word: str) -> bool:
        lowered = word.lower()
        if not fold(lowered).startswith(prefixes):
            return False
        known = cache.get(lowered)
        if known is None:
            analysed = {token.text for token in analyzer(lowered, mode="query")}
            known = cache[lowered] = not analysed.isdisjoint(wanted)
        return known

    return matches


def candidates(terms: Iterable[str]) -> re.Pattern[str]:
    """The words of a text (as ``TOKEN`` splits it) that begin like one of the terms,
    accents or not ("zurich" and "Zürich" alike): the regex engine skips the rest, so
    only these reach Python and the analyzer."""
    prefixes = sorted(
        {spelling_pattern(fold(term[:PREFIX_CHARS])) for term in terms if term}, reverse=True
    )
    return re.compile(
        r"(?<!\w)(?<!\w\.)(?:" + "|".join(prefixes) + r")\w*(?:\.?\w+)*", re.IGNORECASE
    )


def cjk_spans(text: str, pattern: str, *, limit: int | None = None) -> list[tuple[int, int]]:
    """Where ``pattern`` (CJK characters, which the index holds in pairs and singly
    wherever they stand, inside a run of others) occurs in ``text``."""
    spans = []
    for found in re.finditer(pattern, text):
        spans.append(found.span())
        if limit is not None and len(spans) >= limit:
            break
    return spans


def term_spans(
    text: str, terms: Iterable[str], analyzer: Analyzer, *, limit: int | None = None
) -> list[tuple[int, int]]:
    """Character spans in ``text`` of every word that analyses to one of ``terms``
    (the first ``limit`` of them); a CJK term (a pair of characters, or one) wherever its
    characters stand."""
    wanted = [term for term in terms if term and not is_cjk(term)]
    characters = sorted({term for term in terms if is_cjk(term)}, key=len, reverse=True)
    spans = []
    if characters:
        pattern = "|".join(re.escape(term) for term in characters)
        spans = cjk_spans(text, pattern, limit=limit)
    if not wanted:
        return sorted(spans)
    matches = _matcher(wanted, analyzer)
    for found in candidates(wanted).finditer(text):
        if matches(found.group()):
            spans.append(found.span())
            if limit is not None and len(spans) >= limit:
                break
    return sorted(spans)


def snippet(
    text: str, spans: Sequence[tuple[int, int]], *, size: int = SNIPPET_CHARS
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The window of ``text`` with the most distinct hit words, and the ``spans`` in it
    (sorted hit spans in ``text``; none: the text's lead)."""
    spans = [span for span in spans if span[1] <= len(text)]
    if not spans:
        return _lead(text, size), ()
    start, end = _best_window(text, spans, size)
    start, end = _widen(text, start, end)
    inside = [(s - start, e - start) for s, e in spans if start <= s and e <= end]
    return _one_line(text[start:end], inside)


def _best_window(text: str, spans: Sequence[tuple[int, int]], size: int) -> tuple[int, int]:
    """Of windows starting a little before each match, the one covering most distinct words."""
    lead_in = size // 4
    best_start, best_score = 0, -1
    for i, (first, _) in enumerate(spans):
        start = max(0, first - lead_in)
        words = {text[s:e].lower() for s, e in spans[i:] if e <= start + size}
        score = len(words) * 10 + sum(1 for s, e in spans[i:] if e <= start + size)
        if score > best_score:
            best_start, best_score = start, score
    return best_start, min(len(text), best_start + size)


def _lead(text: str, size: int) -> str:
    lead = text[:size]
    if len(text) > size and " " in lead:
        lead = lead.rsplit(" ", 1)[0]
    return _one_line(lead, [])[0]


def _one_line(text: str, spans: list[tuple[int, int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Collapse runs of white space to one space, moving the spans with the text."""
    out: list[str] = []
    new_index = [0] * (len(text) + 1)
    previous_space = False
    for i, char in enumerate(text):
        new_index[i] = len(out)
        if char.isspace():
            if not previous_space:
                out.append(" ")
            previous_space = True
        else:
            out.append(char)
            previous_space = False
    new_index[len(text)] = len(out)
    moved = tuple((new_index[start], new_index[end]) for start, end in spans)
    return "".join(out).strip(), moved


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Move the window's edges out to word boundaries so a snippet never cuts a word
    (beside a CJK character is a boundary: such text has no spaces to go to)."""
    while start > 0 and not text[start - 1].isspace() and not _beside_cjk(text, start):
        start -= 1
    while end < len(text) and not text[end].isspace() and not _beside_cjk(text, end):
        end += 1
    return start, end


def _beside_cjk(text: str, at: int) -> bool:
    """Whether a CJK character stands just before or just after offset ``at``."""
    return is_cjk_char(text[at - 1]) or (at < len(text) and is_cjk_char(text[at]))
