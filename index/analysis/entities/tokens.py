"""Word tokens for the rules tagger: one regex pass, possessives split off.

Both the gazetteer keys and the text go through the same ``tokenize``, so a phrase
such as "Washington, D.C." matches token for token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}|[^\W\d_](?:\w|['’&-](?=\w))*(?:\.(?:com|net|org)\b)?|\d+(?:[.,]\d+)*|\S"
)
_POSSESSIVE = ("'s", "’s")
_SENTENCE_END = frozenset({".", "!", "?", ":", ";", "…"})
_OPENERS = frozenset({'"', "“", "‘", "'", "(", "[", "•", "-", "–", "—", "*"})
_ABBREVIATIONS = frozenset(
    {"Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Gen", "Lt", "Col", "Sgt", "Capt", "Rev",
     "Prof", "Sen", "Rep", "Gov", "Maj", "Adm", "Mt", "No", "vs", "Co", "Corp", "Inc", "Ltd",
     "Fr", "Supt", "Insp", "Det", "Cpl"}
)  # fmt: skip


@dataclass(slots=True)
class Tokens:
    """Parallel lists: text, start and end offset, and whether a sentence starts there."""

    text: list[str]
    start: list[int]
    end: list[int]
    sentence_start: list[bool]
    newline_before: list[bool]

    def __len__(self) -> int:
        return len(self.text)


def tokenize(text: str) -> Tokens:
    """Split ``text`` into word, number and punctuation tokens with offsets."""
    matches = list(_TOKEN.finditer(text))
    words = [m.group() for m in matches]
    starts = [m.start() for m in matches]
    ends = [m.end() for m in matches]
    possessives = [i for i, w in enumerate(words) if w.endswith(_POSSESSIVE) and len(w) > 2]
    for i in reversed(possessives):  # "Blair's" -> "Blair", "'s"; few per article
        word, e = words[i], ends[i]
        words[i : i + 1] = (word[:-2], word[-2:])
        starts[i : i + 1] = (starts[i], e - 2)
        ends[i : i + 1] = (e - 2, e)
    newline = [True] * len(words)
    for i in range(1, len(words)):
        gap = text[ends[i - 1] : starts[i]]
        newline[i] = "\n" in gap and _line_break(gap, words, i)
    return Tokens(words, starts, ends, _sentence_starts(words, newline), newline)


def _line_break(gap: str, words: list[str], i: int) -> bool:
    """Whether the space before token ``i`` breaks the text: a blank line, an indented
    line, or a new line after a sentence or before a list item. A single newline inside a
    sentence is only hard wrapping ("George\nShultz" in wire copy) and breaks nothing."""
    if "\n" not in gap:
        return False
    return (
        gap.count("\n") > 1
        or gap.endswith(("  ", "\t"))
        or words[i - 1] in _SENTENCE_END
        or words[i - 1] in _OPENERS
        or words[i] in _OPENERS
        or (not words[i - 1][-1].isalnum() and words[i - 1] not in {",", "&"})
    )


def _sentence_starts(words: list[str], newline: list[bool]) -> list[bool]:
    """True where a token opens a sentence (after . ! ? : or a line break, through quotes)."""
    flags = [False] * len(words)
    for i in range(len(words)):
        if newline[i]:
            flags[i] = True
            continue
        prev = words[i - 1]
        if prev in _OPENERS:
            flags[i] = flags[i - 1]
        elif prev in _SENTENCE_END:
            flags[i] = not (prev == "." and i >= 2 and words[i - 2] in _ABBREVIATIONS)
    return flags


def headline_flags(tok: Tokens) -> list[bool]:
    """True for tokens on a title-case line (a heading): there capitals prove nothing."""
    flags = [False] * len(tok)
    line_start = 0
    for i in range(1, len(tok) + 1):
        if i == len(tok) or tok.newline_before[i]:
            words = [w for w in tok.text[line_start:i] if w[0].isalpha()]
            capitals = sum(1 for w in words if w[0].isupper())
            ends_sentence = tok.text[i - 1] in '.!?"”'
            if len(words) >= 2 and capitals >= 0.6 * len(words) and not ends_sentence:
                flags[line_start:i] = [True] * (i - line_start)
            line_start = i
    return flags
