"""Snippets with hit spans, built on Whoosh's highlight seams (tokens, fragmenter, scorer).

Returns data: the snippet text and the (start, end) offsets of the matched
terms within it. The UI decides how to show them.
"""

from __future__ import annotations

from collections.abc import Iterable

from whoosh.analysis import Analyzer
from whoosh.highlight import BasicFragmentScorer, ContextFragmenter, set_matched_filter

SNIPPET_CHARS = 200
MAX_SCAN_CHARS = 200_000
"""Long bodies are highlighted within their first part only, to bound the cost."""


def term_spans(text: str, terms: Iterable[str], analyzer: Analyzer) -> list[tuple[int, int]]:
    """Character spans in ``text`` of every token whose analysed form is in ``terms``."""
    wanted = frozenset(terms)
    if not wanted:
        return []
    spans = []
    for token in analyzer(text, chars=True, mode="query", removestops=False):
        if token.text in wanted:
            spans.append((token.startchar, token.endchar))
    return spans


def snippet(
    text: str, terms: Iterable[str], analyzer: Analyzer, *, size: int = SNIPPET_CHARS
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The best fragment of ``text`` for ``terms``, and the hit spans inside it."""
    text = text[:MAX_SCAN_CHARS]
    termset = frozenset(terms)
    tokens = analyzer(text, chars=True, positions=True, mode="query", removestops=False)
    matched = set_matched_filter(tokens, termset)
    fragmenter = ContextFragmenter(maxchars=size, surround=size // 3)
    scorer = BasicFragmentScorer()
    best = None
    best_score = -1.0
    for fragment in fragmenter.fragment_tokens(text, matched):
        score = scorer(fragment)
        if score > best_score:
            best, best_score = fragment, score
    if best is None or not best.matches:
        return _lead(text, size), ()
    start, end = _widen(text, best.startchar, best.endchar)
    spans = [
        (token.startchar - start, token.endchar - start)
        for token in best.matches
        if start <= token.startchar and token.endchar <= end
    ]
    return _one_line(text[start:end], spans)


def _lead(text: str, size: int) -> str:
    lead = text[:size]
    if len(text) > size and " " in lead:
        lead = lead.rsplit(" ", 1)[0]
    return _one_line(lead, [])[0]


def _one_line(
    text: str, spans: list[tuple[int, int]]
) -> tuple[str, tuple[tuple[int, int], ...]]:
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
    return "".join(out), moved


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Move fragment edges out to word boundaries so a snippet never starts mid-word."""
    while start > 0 and not text[start - 1].isspace() and start > 0:
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end
