"""The default tagger: gazetteer, cue words, capitalisation and article-level consistency.

No model, no download. One pass over the tokens groups capitalised words into
chunks ("Secretary of State Antony Blinken"); each chunk is segmented left to right
by gazetteer look-ups, titles, organisation words and first names. A second pass
makes the article agree with itself: once "Antony Blinken" is a person, a later
"Blinken" is too, with the full name as its canonical form.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.entities.gazetteer import STRONG, WEAK, Entry, Gazetteer, gazetteer
from index.entities.numbers import find_numbers
from index.entities.tokens import Tokens, tokenize
from index.models import EntityLabel, EntitySpan

_CONNECTORS = frozenset({"of", "for", "and", "&", "on"})
_NAME_PARTICLES = frozenset(
    {
        "de",
        "da",
        "di",
        "van",
        "von",
        "der",
        "den",
        "bin",
        "al",
        "el",
        "le",
        "la",
        "du",
        "dos",
        "ibn",
    }
)
_MAX_PERSON_TOKENS = 4
_ACRONYM_MAX = 6


@dataclass(slots=True)
class _Found:
    """An entity found by the first pass, in token indices ``[first, last)``."""

    first: int
    last: int
    label: EntityLabel
    canonical: str
    strength: int


def _is_cap(word: str) -> bool:
    return word[0].isupper() and (len(word) > 1 or word not in {"I", "A"})


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= _ACRONYM_MAX and letters.isalpha() and letters.isupper()


class _Pass:
    """One article's tagging: tokens, the gazetteer and what has been found so far."""

    def __init__(self, text: str, gaz: Gazetteer) -> None:
        self.text = text
        self.gaz = gaz
        self.tok: Tokens = tokenize(text)
        self.words = self.tok.text
        self.headline = _headline_flags(self.tok)
        self.found: list[_Found] = []
        self.unknown: list[tuple[int, int]] = []

    # -- chunks --------------------------------------------------------------------------

    def _joined(self, i: int) -> bool:
        """Token ``i`` follows token ``i - 1`` on the same line with only spaces between."""
        return not self.tok.newline_before[i] and self.tok.start[i] - self.tok.end[i - 1] <= 1

    def _cap_run_end(self, i: int) -> int:
        n, words = len(self.words), self.words
        j = i + 1
        while j < n and _is_cap(words[j]) and self._joined(j):
            j += 1
        return j

    def _chunk_end(self, i: int) -> int:
        """End of the chunk at ``i``: capitalised runs, joined through "of", "and" ... only
        when an organisation or title word sits next to the connector."""
        words, gaz = self.words, self.gaz
        j = self._cap_run_end(i)
        of_mode = False
        while j + 1 < len(words) and words[j] in _CONNECTORS and self._joined(j):
            if not (_is_cap(words[j + 1]) and self._joined(j + 1)):
                break
            right = self._cap_run_end(j + 1)
            left_word = words[j - 1]
            cue = left_word in gaz.org_prefixes or left_word in gaz.roles
            joinable = (
                (cue and words[j] in {"of", "for", "on"})
                or (of_mode and right - (j + 1) <= 2)
                or words[right - 1] in gaz.org_suffixes
            )
            if not joinable:
                break
            of_mode = of_mode or words[j] in {"of", "for"}
            j = right
        return j

    # -- matching helpers -----------------------------------------------------------------

    def _gazetteer_match(self, k: int, limit: int) -> tuple[int, Entry] | None:
        words, gaz = self.words, self.gaz
        longest = gaz.max_tokens.get(words[k], 0)
        for n in range(min(longest, limit - k), 0, -1):
            entry = gaz.phrases.get(" ".join(words[k : k + n]))
            if entry is not None and all(self._joined(x) for x in range(k + 1, k + n)):
                return k + n, entry
        return None

    def _org_end(self, k: int, j: int) -> int:
        """The furthest end ``e`` in ``(k, j]`` where words ``k..e`` make an organisation."""
        words, gaz = self.words, self.gaz
        if words[k] in gaz.honorifics or words[k] in gaz.roles:
            return 0
        if words[k] in gaz.org_prefixes and k + 2 < j and words[k + 1] in {"of", "for"}:
            return j
        for e in range(j, k + 1, -1):
            if e < j and not self._ends_name(e):
                continue
            if words[e - 1] in gaz.org_suffixes and words[e - 2] not in _CONNECTORS:
                if any(words[x] in gaz.honorifics for x in range(k, e)):
                    return 0
                return e
        return 0

    def _ends_name(self, e: int) -> bool:
        """Whether a name may end before token ``e`` (a title, a first name or a connector
        follows), rather than run on ("The United | Nations")."""
        word, gaz = self.words[e], self.gaz
        return (
            word in gaz.roles
            or word in gaz.honorifics
            or word in gaz.first_names
            or (word in _CONNECTORS)
        )

    def _name_like(self, k: int) -> bool:
        word, gaz = self.words[k], self.gaz
        return (
            _is_cap(word)
            and word not in gaz.roles
            and word not in gaz.honorifics
            and word not in gaz.org_suffixes
        ) or word in _NAME_PARTICLES

    def _person_end(self, k: int, j: int) -> int:
        e = k + 1
        while e < j and e - k < _MAX_PERSON_TOKENS and self._name_like(e):
            e += 1
        while e > k + 1 and self.words[e - 1] in _NAME_PARTICLES:
            e -= 1
        return e

    def _skip_title(self, k: int, j: int) -> int:
        """Past a role and its portfolio ("Minister of Strategic Affairs"), up to a first name."""
        words, gaz = self.words, self.gaz
        k += 1
        while k < j and (words[k] in gaz.roles or words[k] in gaz.honorifics or words[k] == "."):
            k += 1
        if k < j and words[k] in {"of", "for", "on"}:
            k += 1
            while k < j and words[k] not in gaz.first_names:
                k += 1
        return k

    # -- segmentation ---------------------------------------------------------------------

    def _emit(
        self, first: int, last: int, label: EntityLabel, canonical: str, strength: int
    ) -> None:
        self.found.append(_Found(first, last, label, canonical, strength))

    def _segment(self, i: int, j: int) -> None:
        """Split chunk ``[i, j)`` into entities; runs nothing claims go to ``_flush_unknown``."""
        k, titled, unknown_from = i, False, -1
        while k < j - 1 and self._is_opener(k):
            k += 1
        while k < j:
            step = self._rule_at(k, j, titled)
            if step is None:
                if self.words[k] in _CONNECTORS:
                    self._flush_unknown(unknown_from, k)
                    unknown_from = -1
                elif unknown_from < 0:
                    unknown_from = k
                k, titled = k + 1, False
                continue
            self._flush_unknown(unknown_from, k)
            unknown_from = -1
            k, titled = step
        self._flush_unknown(unknown_from, j)

    def _is_opener(self, k: int) -> bool:
        """A capitalised everyday word that only starts the sentence ("The", "But")."""
        word = self.words[k]
        return (
            self.tok.sentence_start[k]
            and word.lower() in self.gaz.common
            and self._gazetteer_match(k, len(self.words)) is None
            and word not in self.gaz.roles
            and word not in self.gaz.honorifics
        )

    def _rule_at(self, k: int, j: int, titled: bool) -> tuple[int, bool] | None:
        """Apply the first rule that fires at token ``k``: (next index, title pending)."""
        words, gaz = self.words, self.gaz
        word = words[k]
        match = self._gazetteer_match(k, j)
        org_end = self._org_end(k, j)
        if org_end and (match is None or org_end > match[0]):
            self._emit(k, org_end, "ORG", self._span_text(k, org_end), STRONG)
            return org_end, False
        if match is not None and not (titled and match[1].strength == WEAK):
            end, entry = match
            self._emit(k, end, entry.label, entry.canonical, entry.strength)
            return end, False
        if word in gaz.honorifics or word in gaz.roles:
            return self._skip_title(k, j), True
        if _is_cap(word) and (titled or (word in gaz.first_names and k + 1 < j)):
            end = self._person_end(k, j)
            if titled or end > k + 1:
                self._emit(k, end, "PERSON", self._span_text(k, end), STRONG)
                return end, False
        return None

    def _flush_unknown(self, first: int, last: int) -> None:
        """Classify a run of capitalised words nothing else claimed."""
        if first < 0 or last <= first:
            return
        words, gaz, tok = self.words, self.gaz, self.tok
        while first < last and tok.sentence_start[first] and words[first].lower() in gaz.common:
            first += 1
        if first >= last:
            return
        if self.headline[first]:
            self.unknown.append((first, last))
            return
        followed_by_role = last < len(words) and words[last] in gaz.roles
        if last - first == 1:
            if _is_acronym(words[first]) and not followed_by_role:
                self._emit(first, last, "ORG", words[first], WEAK)
            else:
                self.unknown.append((first, last))
            return
        if followed_by_role or any(words[x].lower() in gaz.common for x in range(first, last)):
            self.unknown.append((first, last))
            return
        if last - first <= 3 and all(not _is_acronym(words[x]) for x in range(first, last)):
            self._emit(first, last, "PERSON", self._span_text(first, last), WEAK)
        else:
            self.unknown.append((first, last))

    def _span_text(self, first: int, last: int) -> str:
        return self.text[self.tok.start[first] : self.tok.end[last - 1]]

    # -- passes ---------------------------------------------------------------------------

    def first_pass(self) -> None:
        words, n = self.words, len(self.words)
        i = 0
        while i < n:
            word = words[i]
            if not _is_cap(word) or not word[0].isalpha():
                i += 1
                continue
            if "-" in word and self._split_hyphenated(i):
                i += 1
                continue
            j = self._chunk_end(i)
            self._segment(i, j)
            i = j

    def _split_hyphenated(self, i: int) -> bool:
        """ "US-Israel", "London-based": tag the parts the gazetteer knows."""
        word, gaz = self.words[i], self.gaz
        if word in gaz.phrases:
            return False
        parts = word.split("-")
        offset = self.tok.start[i]
        hits: list[tuple[int, int, Entry]] = []
        for part in parts:
            entry = gaz.phrases.get(part)
            if entry is not None:
                hits.append((offset, offset + len(part), entry))
            elif _is_cap(part):
                return False
            offset += len(part) + 1
        for s, e, entry in hits:
            self.extra.append(EntitySpan(s, e, entry.label, self.text[s:e], entry.canonical))
        return bool(hits)

    extra: list[EntitySpan]

    def spans(self) -> list[EntitySpan]:
        self.extra = []
        self.first_pass()
        aliases = _aliases(self.found, self.words)
        out = list(self.extra)
        for f in self.found:
            out.append(self._resolve(f, aliases))
        for first, last in self.unknown:
            out.extend(self._from_aliases(first, last, aliases))
        return out

    def _resolve(self, f: _Found, aliases: dict[str, tuple[EntityLabel, str]]) -> EntitySpan:
        s, e = self.tok.start[f.first], self.tok.end[f.last - 1]
        surface = self.text[s:e]
        label, canonical = f.label, f.canonical
        alias = aliases.get(" ".join(self.words[f.first : f.last]))
        if alias is not None and (f.strength == WEAK or alias[0] == label):
            label, canonical = alias
        return EntitySpan(s, e, label, surface, canonical)

    def _from_aliases(
        self, first: int, last: int, aliases: dict[str, tuple[EntityLabel, str]]
    ) -> list[EntitySpan]:
        out = []
        for k in range(first, last):
            for n in (2, 1):
                if k + n > last:
                    continue
                alias = aliases.get(" ".join(self.words[k : k + n]))
                if alias is not None:
                    s, e = self.tok.start[k], self.tok.end[k + n - 1]
                    out.append(EntitySpan(s, e, alias[0], self.text[s:e], alias[1]))
                    break
        return _drop_overlaps(out)


def _headline_flags(tok: Tokens) -> list[bool]:
    """True for tokens on a title-case line (a heading): there capitals prove nothing."""
    flags = [False] * len(tok)
    line_start = 0
    for i in range(1, len(tok) + 1):
        if i == len(tok) or tok.newline_before[i]:
            words = [w for w in tok.text[line_start:i] if w[0].isalpha()]
            capitals = sum(1 for w in words if w[0].isupper())
            if len(words) >= 2 and capitals >= 0.6 * len(words) and tok.text[i - 1] not in '.!?"”':
                flags[line_start:i] = [True] * (i - line_start)
            line_start = i
    return flags


def _aliases(found: list[_Found], words: list[str]) -> dict[str, tuple[EntityLabel, str]]:
    """Short forms the article uses for what it named in full: surnames, acronyms."""
    aliases: dict[str, tuple[EntityLabel, str]] = {}
    clashes: set[str] = set()
    for f in found:
        if f.strength != STRONG and f.label != "PERSON":
            continue
        parts = [w for w in words[f.first : f.last] if w not in _NAME_PARTICLES]
        if f.label == "PERSON" and len(parts) >= 2:
            keys = [parts[-1], " ".join(words[f.first : f.last])]
            if len(parts) >= 3:
                keys.append(" ".join(parts[-2:]))
        elif f.label == "ORG" and len(parts) >= 2:
            keys = ["".join(w[0] for w in parts if w[0].isupper() and w != "The")]
        else:
            keys = []
        for key in keys:
            if key in aliases and aliases[key][1] != f.canonical:
                clashes.add(key)
            aliases.setdefault(key, (f.label, f.canonical))
    for f in found:
        if f.label == "PERSON" and f.last - f.first == 1:
            aliases.setdefault(words[f.first], ("PERSON", f.canonical))
    for key in clashes:
        aliases.pop(key, None)
    return aliases


def _drop_overlaps(spans: list[EntitySpan]) -> list[EntitySpan]:
    """Sorted by start; of overlapping spans the longer (then the earlier) wins."""
    kept: list[EntitySpan] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if kept and span.start < kept[-1].end:
            if span.end - span.start > kept[-1].end - kept[-1].start:
                kept[-1] = span
            continue
        kept.append(span)
    return kept


class RulesTagger:
    """PERSON, ORG, PLACE, NORP and NUMBER from word lists and context; no model."""

    name = "rules"

    def __call__(self, text: str) -> list[EntitySpan]:
        named = _Pass(text, gazetteer()).spans()
        return merge_spans(named, find_numbers(text))


def merge_spans(primary: list[EntitySpan], secondary: list[EntitySpan]) -> list[EntitySpan]:
    """``primary`` without overlaps, plus the ``secondary`` spans that overlap none of them."""
    kept = _drop_overlaps(primary)
    bounds = [(s.start, s.end) for s in kept]
    out = list(kept)
    import bisect

    starts = [b[0] for b in bounds]
    for span in secondary:
        i = bisect.bisect_left(starts, span.end)
        if i > 0 and bounds[i - 1][1] > span.start:
            continue
        out.append(span)
    return _drop_overlaps(out)
