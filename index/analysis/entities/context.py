"""Context cues for capitalised words nothing else knows: "Parry said" is a person,
"shares in Yukos" an organisation, and the article agrees with itself about it."""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from importlib import resources

from index.models import EntityLabel


@dataclass(frozen=True, slots=True)
class Cues:
    person_after: frozenset[str]
    person_before: frozenset[str]
    person_before_name: frozenset[str]
    """Before a run of two or more words only."""
    org_after: frozenset[str]
    org_before: frozenset[str]
    place_before: frozenset[str]


@functools.cache
def cues() -> Cues:
    text = resources.files("index.data").joinpath("context_cues.txt").read_text("utf-8")
    sections: dict[str, set[str]] = {}
    current = ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = line.strip("[]")
        else:
            sections.setdefault(current, set()).add(line)
    return Cues(
        person_after=frozenset(sections.get("person-after", ())),
        person_before=frozenset(sections.get("person-before", ())),
        person_before_name=frozenset(sections.get("person-before-name", ())),
        org_after=frozenset(sections.get("org-after", ())),
        org_before=frozenset(sections.get("org-before", ())),
        place_before=frozenset(sections.get("place-before", ())),
    )


def _code_like(word: str) -> bool:
    """An abbreviation or a plural one ("HDTV", "GDP", "PCs", "MMORPGs"): "in HDTV" and
    "in GDP" are no places, and a town's name is not written in capitals in prose."""
    stem = word[:-1] if word.endswith("s") else word
    return len(stem) >= 2 and stem.isupper()


def _vote(
    words: list[str], first: int, last: int, c: Cues, lower: frozenset[str]
) -> EntityLabel | None:
    next_word = words[last] if last < len(words) else ""
    after = next_word
    if after == "," and last + 1 < len(words):
        after = words[last + 1]  # "Parry, who": a person; "Hiromichi Shirakawa, chief
        # economist at UBS" is one too, so an organisation cue must follow at once
    before = words[first - 1] if first > 0 else ""
    before2 = f"{words[first - 2]} {before}" if first > 1 else ""
    if next_word in c.org_after or before in c.org_before or before2 in c.org_before:
        return "ORG"
    if after in c.person_after or before in c.person_before:
        return "PERSON"
    if before in c.person_before_name and last - first >= 2:
        return "PERSON"
    word = words[first]
    one_word = last - first == 1 and not _code_like(word)
    if before in c.place_before and one_word and word.lower() not in lower:
        return "PLACE"  # "in Yeovil"; not "in Parliament" where "parliament" also occurs
    return None


def label_by_context(
    words: list[str], runs: list[tuple[int, int]], lower: frozenset[str] | None = None
) -> dict[str, EntityLabel]:
    """Surface -> label for the unknown ``runs`` whose neighbours say what they are,
    by majority over the article (ties are left alone)."""
    c = cues()
    if lower is None:
        lower = frozenset(w for w in words if w.islower())
    votes: dict[str, Counter[EntityLabel]] = {}
    for first, last in runs:
        label = _vote(words, first, last, c, lower)
        if label is not None:
            votes.setdefault(" ".join(words[first:last]), Counter())[label] += 1
    decided: dict[str, EntityLabel] = {}
    for surface, counter in votes.items():
        ranked = counter.most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            decided[surface] = ranked[0][0]
    return decided
