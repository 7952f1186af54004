"""Article-level consistency: the short forms an article uses for what it named in full.

"Antony Blinken" makes "Blinken" (and "Antony Blinken" itself, wherever a weaker rule
said otherwise) a person with canonical "Antony Blinken"; "World Trade Organisation"
makes "WTO" that organisation, and so does an acronym in brackets right after any
organisation's name, whatever its letters ("Jupiter Research (JR)"); "Manchester United"
makes "United" the club. A short
form two different names claim is dropped: ambiguous, so not guessed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.analysis.entities.gazetteer import STRONG, Gazetteer
from index.analysis.entities.matchers import is_acronym
from index.models import EntityLabel

if TYPE_CHECKING:
    from index.analysis.entities.spans import Found

Aliases = dict[str, tuple[EntityLabel, str]]

_PARTICLES = frozenset("de da di van von der den bin al el le la du dos ibn".split())


def _person_keys(words: list[str], gaz: Gazetteer) -> list[str]:
    """The short forms of a person's name: the surname, the first name when it is one
    the lists know ("Tony", not "Mac" of a guessed "Mac Mini"), the full name; never an
    abbreviation ("TV", "DS")."""
    parts = [w for w in words if w not in _PARTICLES]
    if len(parts) < 2:
        return []
    keys = [parts[-1], " ".join(words)]
    if parts[0] in gaz.first_names or parts[0] in gaz.more_first_names:
        keys.append(parts[0])
    if len(parts) >= 3:
        keys.append(" ".join(parts[-2:]))
    return [k for k in keys if not k.isupper()]


def _org_keys(words: list[str], gaz: Gazetteer) -> list[str]:
    parts = [w for w in words if w[0].isupper() and w != "The"]
    if len(parts) < 2:
        return []
    initials = "".join(w[0] for w in parts)
    keys = [] if initials.lower() in gaz.common else [initials]
    place = gaz.phrases.get(parts[0])
    if place is not None and place.label == "PLACE" and len(parts) == 2:
        keys.append(parts[1])  # "Manchester United" -> "United"
    return keys


def initials(words: list[str]) -> str:
    """The capital initials of a name's words ("Office for National Statistics" -> "ONS");
    empty for a one-word name."""
    parts = [w for w in words if w[0].isupper() and w != "The"]
    return "".join(w[0] for w in parts) if len(parts) >= 2 else ""


def long_forms(runs: list[tuple[int, int]], words: list[str]) -> dict[tuple[int, int], str]:
    """The runs ``[first, last)`` whose initials spell an acronym the article also uses:
    "Digital Rights Management" where "DRM" occurs is that organisation's long form, even
    though no cue word says so. Run -> the acronym."""
    if not runs:
        return {}
    # isupper() first: a C call that rules out nearly every word before the slower test
    acronyms = {w for w in words if w.isupper() and "." not in w and is_acronym(w)}
    out: dict[tuple[int, int], str] = {}
    for first, last in runs:
        short = initials(words[first:last])
        if short in acronyms:
            out[(first, last)] = short
    return out


def build_aliases(found: list[Found], words: list[str], gaz: Gazetteer) -> Aliases:
    """Short form -> (label, canonical), from the first pass's confident finds."""
    aliases: Aliases = {}
    clashes: set[str] = set()
    for f in found:
        span_words = words[f.first : f.last]
        if f.label == "PERSON":
            keys = _person_keys(span_words, gaz)
        elif f.label == "ORG" and f.strength == STRONG:
            keys = _org_keys(span_words, gaz)
        else:
            keys = []
        for key in keys:
            if key in aliases and aliases[key][1] != f.canonical:
                clashes.add(key)
            aliases.setdefault(key, (f.label, f.canonical))
    for f in found:
        if f.label == "PERSON" and f.last - f.first == 1 and f.rule == "title":
            aliases.setdefault(words[f.first], ("PERSON", f.canonical))
    _acronyms_in_brackets(found, words, aliases, clashes)
    for key in clashes:
        aliases.pop(key, None)
    return aliases


def _acronyms_in_brackets(
    found: list[Found], words: list[str], aliases: Aliases, clashes: set[str]
) -> None:
    """ "the Pew Internet & American Life Project (PIP)": the short form in brackets
    right after an organisation's name is that organisation, whatever its letters and
    however weakly the name was found."""
    for f in found:
        if f.label != "ORG" or f.last - f.first < 2 or f.last + 2 >= len(words):
            continue
        if words[f.last] != "(" or words[f.last + 2] != ")":
            continue
        short = words[f.last + 1]
        if is_acronym(short):
            if short in aliases and aliases[short][1] != f.canonical:
                clashes.add(short)
            aliases[short] = ("ORG", f.canonical)
