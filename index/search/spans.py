"""Where a query hits an article body: phrases as whole spans, other terms word by word.

The query's analysed terms come from the parsed query; ``snippets.term_spans`` finds
them in a body. A quoted phrase ("13 November") should light up where the
phrase is, not at every "November", so phrases are found as phrases and their
words are not highlighted on their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from index.search.snippets import term_spans

Range = tuple[int, int]
_OPERATORS = {"and", "or", "not", "to", "andnot", "andmaybe"}
_FIELD_CLAUSE = re.compile(r'\w+:(?:"[^"]*"|\[[^\]]*\]|\{[^}]*\}|\S+)')
_PHRASE = re.compile(r'"([^"]+)"')
_MODIFIER = re.compile(r"[~^][\d.]*$")


def phrases(query: str) -> list[str]:
    """Quoted phrases that are not a field's value (``person:"..."`` is not body text)."""
    return [match.group(1) for match in _PHRASE.finditer(_FIELD_CLAUSE.sub(" ", query))]


def free_words(query: str) -> list[str]:
    """Words outside phrases and field clauses, operators and modifiers removed."""
    text = _PHRASE.sub(" ", _FIELD_CLAUSE.sub(" ", query))
    words = []
    for word in text.replace("(", " ").replace(")", " ").split():
        if word.lower() in _OPERATORS or word in ("-", "+"):
            continue
        words.append(_MODIFIER.sub("", word.lstrip("+-")))
    return [word for word in words if word]


def phrase_spans(body: str, phrase: str) -> list[Range]:
    words = [re.escape(word) for word in re.findall(r"\w+", phrase)]
    if not words:
        return []
    pattern = re.compile(r"\b" + r"\W+".join(words) + r"\b", re.IGNORECASE)
    return [(match.start(), match.end()) for match in pattern.finditer(body)]


def article_hits(body: str, query: str, terms: Iterable[str], analyzer: Any) -> list[Range]:
    """Sorted, non-overlapping hit spans of ``query`` in ``body``."""
    if not query.strip():
        return []
    found_phrases = phrases(query)
    spans: list[Range] = []
    for phrase in found_phrases:
        spans.extend(phrase_spans(body, phrase))
    free = {token.text for token in analyzer(" ".join(free_words(query)), mode="query")}
    in_phrases = {token.text for token in analyzer(" ".join(found_phrases), mode="query")}
    wanted = free | (set(terms) - in_phrases)
    for span in term_spans(body, wanted, analyzer):
        if not any(start < span[1] and span[0] < end for start, end in spans):
            spans.append(span)
    return sorted(set(spans))
