"""The default tagger: gazetteer, cue words, capitalisation and article-level consistency.

No model, no download. One pass over the tokens groups capitalised words into
chunks ("Secretary of State Antony Blinken"); each chunk is segmented left to right
by gazetteer look-ups, titles, organisation words and first names. A second pass
makes the article agree with itself: once "Antony Blinken" is a person, a later
"Blinken" is too, with the full name as its canonical form.

Span conventions follow OntoNotes (what spaCy's English pipelines are trained on):
titles and possessive "'s" stay outside a name, a multi-word organisation or place
takes its "the" ("the Bank of England"), a one-word one does not ("the BBC").
"""

from __future__ import annotations

from dataclasses import dataclass

from index.entities.aliases import Aliases, build_aliases
from index.entities.context import label_by_context
from index.entities.gazetteer import STRONG, WEAK, Entry, Gazetteer, gazetteer
from index.entities.numbers import find_numbers
from index.entities.spans import drop_overlaps, merge_spans
from index.entities.tokens import Tokens, headline_flags, tokenize
from index.models import EntityLabel, EntitySpan

_CONNECTORS = frozenset({"of", "for", "and", "&", "on"})
_NAME_PARTICLES = frozenset(
    "de da di van von der den bin al el le la du dos ibn".split()  # noqa: SIM905
)
_LOCATIVE = frozenset(
    "in at from to near outside across around via between into towards toward through "  # noqa: SIM905
    "throughout inside In At From Near Outside Across Around Between Throughout".split()
)
_CONTRACTIONS = ("'m", "'ve", "'re", "'ll", "'d", "’m", "’ve", "’re", "’ll", "’d", "n't", "n’t")
_MAX_PERSON_TOKENS = 4
_MAX_GUESSED_PERSON_TOKENS = 3
_ACRONYM_MAX = 6


@dataclass(slots=True)
class Found:
    """An entity found by the first pass, in token indices ``[first, last)``."""

    first: int
    last: int
    label: EntityLabel
    canonical: str
    strength: int
    rule: str


def _is_cap(word: str) -> bool:
    return word[0].isupper() and (len(word) > 1 or word not in {"I", "A"})


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= _ACRONYM_MAX and letters.isalpha() and letters.isupper()


def _is_camel(word: str) -> bool:
    """Inner capitals as in "DaimlerChrysler" or "iTunes" (not "McFadden", "O'Gara")."""
    if not word.isalpha() or word.isupper():
        return False
    inner = word[1:] if not word.startswith(("Mc", "Mac")) else word[3:]
    return any(c.isupper() for c in inner[1:]) or (word[0].islower() and word[1].isupper())


class _Pass:
    """One article's tagging: tokens, the gazetteer and what has been found so far."""

    def __init__(self, text: str, gaz: Gazetteer) -> None:
        self.text = text
        self.gaz = gaz
        self.tok: Tokens = tokenize(text)
        self.words = self.tok.text
        self.headline = headline_flags(self.tok)
        self.found: list[Found] = []
        self.unknown: list[tuple[int, int]] = []
        self.extra: list[EntitySpan] = []

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
            or word in _CONNECTORS
        )

    def _is_plain(self, k: int) -> bool:
        """A capitalised word no rule knows: not a title, first name, connector or gazetteer
        start."""
        word, gaz = self.words[k], self.gaz
        return (
            _is_cap(word)
            and word not in gaz.roles
            and word not in gaz.honorifics
            and word not in gaz.first_names
            and word not in gaz.max_tokens
        )

    def _longer_name_end(self, end: int, j: int) -> int:
        """Where a longer name ends when a gazetteer hit is only its first word ("BBC Sport",
        "China Daily", "Davis Cup"); 0 when it is not. A title after the words keeps the
        hit on its own ("US Trade Representative")."""
        if end >= j or not self._is_plain(end):
            return 0
        e = end
        while e < j and self._is_plain(e):
            e += 1
        if e < len(self.words) and self.words[e] in self.gaz.roles:
            return 0
        return e

    def _locative(self, k: int, end: int) -> bool:
        """Words around a small town's name that say it is a place: "in Leicester",
        "Swansea, Wales"."""
        words = self.words
        if k > 0 and words[k - 1] in _LOCATIVE:
            return True
        after = words[end + 1] if end + 1 < len(words) and words[end] == "," else ""
        entry = self.gaz.phrases.get(after)
        return entry is not None and entry.label == "PLACE" and entry.strength == STRONG

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
        while k < j and (
            words[k] in gaz.roles
            or words[k] in gaz.honorifics
            or words[k] == "."
            or (k + 1 < j and words[k + 1] in gaz.roles)  # "Deputy Prime Minister"
        ):
            k += 1
        if k < j and words[k] in {"of", "for", "on"}:
            k += 1
            while k < j and words[k] not in gaz.first_names:
                k += 1
        return k

    # -- segmentation ---------------------------------------------------------------------

    def _emit(
        self, first: int, last: int, label: EntityLabel, canonical: str, strength: int, rule: str
    ) -> None:
        self.found.append(Found(first, last, label, canonical, strength, rule))

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
            self._emit(k, org_end, "ORG", self._span_text(k, org_end), STRONG, "org-word")
            return org_end, False
        if match is not None and not (titled and match[1].strength < STRONG):
            end, entry = match
            if entry.strength == WEAK and not self._locative(k, end):
                return None
            longer = self._longer_name_end(end, j)
            if longer:
                if any(w in gaz.events for w in words[k:longer]) or entry.label == "PERSON":
                    return None
                canonical = self._span_text(k, longer)
                self._emit(k, longer, "ORG", canonical, WEAK, "gazetteer-extended")
                return longer, False
            self._emit(k, end, entry.label, entry.canonical, entry.strength, "gazetteer")
            return end, False
        if word in gaz.honorifics or word in gaz.roles:
            return self._skip_title(k, j), True
        if _is_cap(word) and (titled or (word in gaz.first_names and k + 1 < j)):
            end = self._person_end(k, j)
            if titled or end > k + 1:
                rule = "title" if titled else "first-name"
                self._emit(k, end, "PERSON", self._span_text(k, end), STRONG, rule)
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
        if self.headline[first] or words[first].endswith(_CONTRACTIONS):
            self.unknown.append((first, last))
            return
        if last - first == 1:
            self._single_unknown(first)
            return
        run = words[first:last]
        followed_by_role = last < len(words) and words[last] in gaz.roles
        if (
            followed_by_role
            or last - first > _MAX_GUESSED_PERSON_TOKENS
            or any(w.lower() in gaz.common or w in gaz.events or w in gaz.max_tokens for w in run)
            or any(_is_acronym(w) or _is_camel(w) for w in run)
        ):
            self.unknown.append((first, last))
            return
        self._emit(first, last, "PERSON", self._span_text(first, last), WEAK, "guess-person")

    def _single_unknown(self, k: int) -> None:
        """One capitalised word: an acronym or a camel-cased brand is an organisation, and so
        is "the Cabinet"; anything else waits for the article to say what it is."""
        words, gaz = self.words, self.gaz
        word = words[k]
        followed_by_role = k + 1 < len(words) and words[k + 1] in gaz.roles
        org_word = word in gaz.org_suffixes or word in gaz.org_prefixes
        after_the = k > 0 and words[k - 1] == "the"
        if word.lower() in gaz.common and not org_word:
            self.unknown.append((k, k + 1))
        elif (_is_acronym(word) or _is_camel(word)) and not followed_by_role:
            self._emit(k, k + 1, "ORG", word, WEAK, "acronym")
        elif org_word and after_the and not self.tok.sentence_start[k]:
            self._emit(k, k + 1, "ORG", word, WEAK, "the-org-word")
        else:
            self.unknown.append((k, k + 1))

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

    def spans(self) -> list[EntitySpan]:
        self.first_pass()
        aliases = build_aliases(self.found, self.words, self.gaz)
        out = list(self.extra)
        out.extend(self._resolve(f, aliases) for f in self.found)
        for surface, label in label_by_context(self.words, self.unknown).items():
            aliases.setdefault(surface, (label, surface))
        for first, last in self.unknown:
            out.extend(self._from_aliases(first, last, aliases))
        return out

    def _resolve(self, f: Found, aliases: Aliases) -> EntitySpan:
        label, canonical = f.label, f.canonical
        alias = aliases.get(" ".join(self.words[f.first : f.last]))
        if alias is not None and (f.strength < STRONG or alias[0] == label):
            label, canonical = alias
        first = f.first
        multiword = label in {"ORG", "PLACE"} and f.last - first >= 2 and first > 0
        if multiword and self.words[first - 1] in {"the", "The"} and self._joined(first):
            first -= 1
        s, e = self.tok.start[first], self.tok.end[f.last - 1]
        return EntitySpan(s, e, label, self.text[s:e], canonical)

    def _from_aliases(self, first: int, last: int, aliases: Aliases) -> list[EntitySpan]:
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
        return drop_overlaps(out)


class RulesTagger:
    """PERSON, ORG, PLACE, NORP and NUMBER from word lists and context; no model."""

    name = "rules"

    def __call__(self, text: str) -> list[EntitySpan]:
        named = _Pass(text, gazetteer()).spans()
        return merge_spans(named, find_numbers(text))
