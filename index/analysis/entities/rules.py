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

import re

from index.analysis.entities.aliases import Aliases, build_aliases, long_forms
from index.analysis.entities.context import label_by_context
from index.analysis.entities.gazetteer import STRONG, WEAK, Entry, Gazetteer, gazetteer
from index.analysis.entities.matchers import (
    CONNECTORS,
    CONTRACTIONS,
    MAX_GUESSED_PERSON_TOKENS,
    NAME_PARTICLES,
    Matcher,
    is_acronym,
    is_camel,
    is_cap,
)
from index.analysis.entities.numbers import find_numbers
from index.analysis.entities.spans import Found, drop_overlaps, merge_spans
from index.models import EntityLabel, EntitySpan

_POSSESSIVE = ("'s", "’s")
_PERSONAL_HONORIFICS = frozenset(
    "Mr Mrs Ms Miss Mx Dr Sir Dame Lord Lady Prof Professor Baroness Baron".split()
)
"""Titles only people take: the name after one is a person's even where a firm or a
place has it. Not "St" (St Helens), "King" or "Prince" (King's Cross, Prince Edward
Island)."""
_HONORIFICS_IN_SPAN = frozenset({"Ms", "Mrs", "Miss", "Prof", "Lady"})
_SURNAME_PLACES = frozenset({"Hill", "Lane", "Lake", "Bridge"})
"""Place-name endings that are common surnames too (not "Hills": Beverly Hills)."""
"""OntoNotes-style spans keep these in a person's span ("Ms Hewitt") but not "Mr"."""


def _plural(word: str) -> bool:
    """A plural-looking last word: names of groups, clubs and works more often than of a
    person whose first name the word lists do not know."""
    return word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3


class _Pass(Matcher):
    """One article's tagging: the rules in order, then the article-level pass."""

    def __init__(self, text: str, gaz: Gazetteer) -> None:
        super().__init__(text, gaz)
        self.found: list[Found] = []
        self.unknown: list[tuple[int, int]] = []
        self.extra: list[EntitySpan] = []
        self._mid: set[str] | None = None

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
                if self.words[k] in CONNECTORS and self.words[k] != "&":
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
        if not (self.tok.sentence_start[k] and self.is_common(k)):
            return False
        match = self.gazetteer_match(k, len(self.words))
        return (
            (match is None or match[0] == k + 1)  # "The Times" is a name, "Total" alone not
            and word not in self.gaz.roles
            and word not in self.gaz.honorifics
        )

    def _rule_at(self, k: int, j: int, titled: bool) -> tuple[int, bool] | None:
        """Apply the first rule that fires at token ``k``: (next index, title pending)."""
        words, gaz = self.words, self.gaz
        word = words[k]
        if word in CONNECTORS and word != "&":
            return None  # "Shares | of General Electric Co": no name starts with "of"
        if "-" in word and self._split_hyphenated(k):
            return k + 1, False
        match = self.gazetteer_match(k, j)
        if match is not None and titled and words[k - 1] in _PERSONAL_HONORIFICS:
            match = None  # "Mr Pearson", "Ms Essex", "Lord Sainsbury": a person, whatever else
        org_end = self.org_end(k, j)
        place_end = self.place_end(k, j)
        if place_end == k + 2 and self._first_name_and_surname(k):
            place_end = 0
        if max(org_end, place_end) > (match[0] if match else 0):
            end = max(org_end, place_end)
            label: EntityLabel = "ORG" if org_end >= place_end else "PLACE"
            self._emit(k, end, label, self._span_text(k, end), STRONG, "cue-word")
            return end, False
        if match is not None and not (titled and match[1].strength < STRONG):
            end, entry = match
            if end == k + 1 and self.tok.sentence_start[k] and self.is_common(k):
                return None  # "Total sales rose", "Union leaders said"
            if entry.strength == WEAK and not self.locative(k, end):
                return None
            tail = self._suffix_tail(end, j) if entry.label == "ORG" else end
            if tail > end:  # "General Electric Co", "Sony Pictures": the firm, named in full
                self._emit(k, tail, "ORG", self._span_text(k, tail), entry.strength, "org-suffix")
                return tail, False
            longer = self.longer_name_end(end, j)
            if longer and entry.label == "PLACE" and words[end - 1].endswith("."):
                longer = 0  # "U.S. Treasuries", "U.S. Provides": wire copy's capital, no name
            if longer:
                if entry.label != "ORG" or any(w in gaz.events for w in words[k:longer]):
                    return None  # "Australian Open", "China Daily", "Davis Cup": another name
                self._emit(k, longer, "ORG", self._span_text(k, longer), WEAK, "org-extended")
                return longer, False  # "BBC Radio", "Google News"
            if end < j and entry.strength == STRONG and entry.label in {"ORG", "PLACE"}:
                compound = self._compound_org_end(k, entry, end, j)
                if compound:
                    self._emit(k, compound, "ORG", self._span_text(k, compound), WEAK, "org-part")
                    return compound, False
            self._emit(k, end, entry.label, entry.canonical, entry.strength, "gazetteer")
            return end, False
        if word in gaz.honorifics or word in gaz.roles:
            return self.skip_title(k, j), True
        if titled and word in gaz.events and words[k - 1] not in gaz.honorifics:
            return None  # "the General Election", "the Grand Prix": an event, no person
        if (
            titled
            and word.lower() in self.lower
            and word not in gaz.first_names
            and words[k - 1] not in gaz.honorifics  # "Mr Brown" is a person, brown or not
        ):
            return None  # a title, then a word the article uses in lower case: no person
        if is_cap(word) and (titled or (k + 1 < j and self._given_name(k))):
            end = self.person_end(k, j)
            if titled or end > k + 1:
                rule = "title" if titled else "first-name"
                self._emit(k, end, "PERSON", self._span_text(k, end), STRONG, rule)
                if titled and k > 0 and words[k - 1] in _HONORIFICS_IN_SPAN:
                    self.found[-1].lead = 1
                return end, False
        return None

    def _first_name_and_surname(self, k: int) -> bool:
        """A first name, then a place word that is also a surname: "Richard Hill", "Nathan
        Lane", "Wayne Bridge" are people, not places made from cue words."""
        return self.words[k] in self.gaz.first_names and self.words[k + 1] in _SURNAME_PLACES

    def _compound_org_end(self, k: int, entry: Entry, end: int, j: int) -> int:
        """Where one organisation made of two known names ends: "BBC Radio 4", "BBC
        Scotland", "AOL Europe" (an organisation, then a part or a place), "US Treasury"
        (a country's short form, then its body; not "Israel Hamas talks"); 0 when the
        next words are no such name."""
        inner = self.gazetteer_match(end, j)
        if inner is None or inner[1].strength < STRONG:
            return 0
        kind = inner[1].label
        if entry.label == "ORG" and (kind == "PLACE" or (kind == "ORG" and inner[0] - end >= 2)):
            return inner[0]
        if entry.label == "PLACE" and kind == "ORG" and inner[0] == j and self.words[k].isupper():
            return inner[0]
        return 0

    def _suffix_tail(self, end: int, j: int) -> int:
        """Where the organisation words right after a known organisation's name end
        ("Co", "Inc", "Group", "Pictures"); ``end`` when none follows."""
        e = end
        while e < j and self.words[e] in self.gaz.org_suffixes:
            e += 1
        return e

    def _plural_noun(self, word: str) -> bool:
        """A plural-looking word that is no surname: "Harriers", not "Williams" or
        "Roberts" (a first name with an "s", the commonest way surnames are made)."""
        return _plural(word) and word[:-1] not in self.gaz.first_names

    def _given_name(self, k: int) -> bool:
        """A first name starts a person's name here: one from the main list, or one from
        the longer international list when a plain surname-like word follows
        ("Imelda Staunton", not "Christian Democrats")."""
        word, gaz = self.words[k], self.gaz
        if word in gaz.first_names:
            return True
        if word not in gaz.more_first_names or self.headline[k]:
            return False
        after = self.words[k + 1]
        if after in NAME_PARTICLES:  # "Rodrigo de la Serna": the name after the particles
            rest = [w for w in self.words[k + 1 : k + 4] if w not in NAME_PARTICLES]
            after = rest[0] if rest else after
        entry = gaz.phrases.get(after)
        return (
            is_cap(after)
            and (entry is None or entry.strength < STRONG)
            and after not in gaz.roles
            and after not in gaz.honorifics
            and after.lower() not in gaz.common
            and after not in gaz.org_suffixes
            and after not in gaz.events
            and not self._plural_noun(after)
            and not is_acronym(after)
        )

    def _flush_unknown(self, first: int, last: int) -> None:
        """Classify a run of capitalised words nothing else claimed."""
        if first < 0 or last <= first:
            return
        words, gaz, tok = self.words, self.gaz, self.tok
        while first < last and tok.sentence_start[first] and words[first].lower() in gaz.common:
            first += 1
        if first >= last:
            return
        if self.headline[first] or words[first].endswith(CONTRACTIONS):
            self.unknown.append((first, last))
            return
        if last - first == 1:
            self._single_unknown(first)
            return
        run = words[first:last]
        if "&" in run[1:-1]:  # "Marsh & McLennan", "AG Edwards & Sons": a firm
            self._emit(first, last, "ORG", self._span_text(first, last), WEAK, "ampersand")
            return
        followed_by_role = last < len(words) and words[last] in gaz.roles
        if (
            followed_by_role
            or last - first > MAX_GUESSED_PERSON_TOKENS
            or any(w.lower() in gaz.common or w in gaz.events or w in gaz.max_tokens for w in run)
            or any(w.lower() in self.lower for w in run)  # "Finding Neverland": words in use
            or any(is_acronym(w) or is_camel(w) for w in run)
            or len(run[0]) == 1  # "S Jones": a team sheet or a byline, not prose
            or self._plural_noun(run[-1])  # "Belgrave Harriers", "Beastie Boys"
            or (run[0].endswith("ing") and len(run[0]) > 5)  # "Finding Neverland": a title
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
        elif (
            (is_acronym(word) or is_camel(word))
            and not followed_by_role
            and not self._alone(k)
            and not self._heading_word(k)
        ):
            self._emit(k, k + 1, "ORG", word, WEAK, "acronym")
        elif org_word and after_the and not self.tok.sentence_start[k]:
            self._emit(k, k + 1, "ORG", word, WEAK, "the-org-word")
        elif word in gaz.first_names:
            self._emit(k, k + 1, "PERSON", word, WEAK, "first-name-alone")
        else:
            self.unknown.append((k, k + 1))

    def _alone(self, k: int) -> bool:
        """Token ``k`` is a line of its own: a sign-off ("REUTER") or a label, not prose."""
        tok = self.tok
        return tok.newline_before[k] and (k + 1 == len(tok) or tok.newline_before[k + 1])

    def _heading_word(self, k: int) -> bool:
        """An all-capital word of four letters or more before a colon: a label such as
        "NOTE:" or "UPDATE:" in wire copy, or a dateline ("TEHRAN:"), not an acronym."""
        word = self.words[k]
        return (
            len(word) >= 4
            and word.isupper()
            and k + 1 < len(self.words)
            and (self.words[k + 1] == ":")
        )

    def _span_text(self, first: int, last: int) -> str:
        """The words of tokens ``[first, last)`` as a canonical name: a line break from
        hard wrapping becomes a space."""
        return " ".join(self.text[self.tok.start[first] : self.tok.end[last - 1]].split())

    # -- passes ---------------------------------------------------------------------------

    def first_pass(self) -> None:
        words, n = self.words, len(self.words)
        i = 0
        while i < n:
            word = words[i]
            if not is_cap(word) or not word[0].isalpha():
                if len(word) > 2 and word[1].isupper() and word[0].islower() and is_camel(word):
                    self._single_unknown(i)  # "iPod", "eBay": a brand, lower case or not
                i += 1
                continue
            ticker = self._ticker_end(i) if i and words[i - 1] == "<" else 0
            if ticker:
                i = ticker  # "<AXP>", "<BPCL.L>": a stock code, not a mention of the firm
                continue
            j = self.chunk_end(i)
            longest = self.gaz.max_tokens.get(word, 0)
            known = self.gazetteer_match(i, n) if longest > j - i else None
            if known is not None and known[0] > j:
                j = known[0]  # "News of the World", "Save the Children": "the" inside
                if j < n and is_cap(words[j]) and self.joined(j):
                    j = self.chunk_end(j)  # "Standard and Poor's Corp"
            self._segment(i, j)
            i = j

    def _ticker_end(self, i: int) -> int:
        """The index past the closing bracket when token ``i`` opens a stock ticker in
        angle brackets, as wire copy writes them after a company's name ("<AXP>",
        "<BPCL.L>"); 0 otherwise. A name in brackets ("<Woodco Inc>") is no ticker."""
        words = self.words
        if i == 0 or words[i - 1] != "<":
            return 0
        for e in range(i, min(i + 5, len(words))):
            if words[e] == ">":
                inner = words[i:e]
                codes = all(w == "." or (w.isupper() or w.isdigit()) for w in inner)
                return e + 1 if codes and len(inner) >= 1 else 0
        return 0

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
            elif is_cap(part):
                return False
            offset += len(part) + 1
        for s, e, entry in hits:
            self.extra.append(EntitySpan(s, e, entry.label, self.text[s:e], entry.canonical))
        return bool(hits)

    def spans(self) -> list[EntitySpan]:
        self.first_pass()
        self._link_long_forms()
        aliases = build_aliases(self.found, self.words, self.gaz)
        out = list(self.extra)
        out.extend(self._resolve(f, aliases) for f in self.found)
        runs = [(f, last) for f, last in self.unknown if self._votes(f, last)]
        for surface, label in label_by_context(self.words, runs, self.lower).items():
            aliases.setdefault(surface, (label, surface))
        for first, last in self.unknown:
            out.extend(self._from_aliases(first, last, aliases))
        return out

    def _votes(self, first: int, last: int) -> bool:
        """Whether an unknown run's neighbours may say what it is. A lone word opening a
        line (past the first), never written with a capital mid-sentence in the article,
        is a row's label more likely than a name ("Net profit 72,000", "Shr loss 22 cts"
        in wire tables)."""
        if self.is_common(first):
            return False
        row_label = last - first == 1 and first > 0 and self.tok.newline_before[first]
        return not row_label or self.words[first] in self._mid_sentence()

    def _mid_sentence(self) -> set[str]:
        """The words the article writes somewhere other than a sentence's start, built on
        first need (most articles have no lone line opener to judge)."""
        if self._mid is None:
            starts = self.tok.sentence_start
            self._mid = {w for w, start in zip(self.words, starts, strict=True) if not start}
        return self._mid

    def _link_long_forms(self) -> None:
        """An unknown run or a weakly found organisation whose initials spell an acronym the
        article uses is that organisation's long form ("Quarrow Valley Traders ... the
        QVT"): it becomes a confident ORG, so the acronym takes it as canonical. Guessed
        people are left alone ("Cat Deeley" is no "CD"), and precision is low on BBC
        (technical terms: "Internet Explorer" ... "IE"), so this only adds a little recall."""
        weak = [
            f
            for f in self.found
            if f.label == "ORG" and f.strength < STRONG and f.last - f.first >= 2
        ]
        runs = [(f.first, f.last) for f in weak] + [r for r in self.unknown if r[1] - r[0] >= 2]
        linked = long_forms(runs, self.words)
        if not linked:
            return
        for f in weak:
            if (f.first, f.last) in linked:
                f.label, f.strength, f.rule = "ORG", STRONG, "long-form"
                f.canonical = self._span_text(f.first, f.last)
        for first, last in self.unknown:
            if (first, last) in linked:
                canonical = self._span_text(first, last)
                self._emit(first, last, "ORG", canonical, STRONG, "long-form")
        self.unknown = [r for r in self.unknown if r not in linked]

    def _resolve(self, f: Found, aliases: Aliases) -> EntitySpan:
        label, canonical = f.label, f.canonical
        alias = aliases.get(" ".join(self.words[f.first : f.last]))
        if alias is not None and (f.strength < STRONG or alias[0] == label):
            label, canonical = alias
        first = f.first
        multiword = label in {"ORG", "PLACE"} and f.last - first >= 2 and first > 0
        if multiword and self.words[first - 1] in {"the", "The"} and self.joined(first):
            first -= 1
        s, e = self.tok.start[first - f.lead], self.tok.end[f.last - 1]
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


def _with_possessive(text: str, span: EntitySpan) -> EntitySpan:
    """A name of two words or more takes its possessive ("Gordon Brown's", "the Bank of
    England's"); a one-word name does not ("Blair's"). This is how OntoNotes-trained
    taggers mark them, because their tokenizer splits "'s" off one word but the entity
    then runs to the end of the phrase. The canonical form never carries the "'s"."""
    end = span.end
    if " " not in span.text or span.label == "NORP":
        return span
    tail = text[end : end + 3]
    if tail[:2] in _POSSESSIVE and not tail[2:].isalnum():
        end += 2
    elif tail[:1] in "'’" and span.text.endswith("s") and not tail[1:2].isalnum():
        end += 1  # "Shane Meadows' film"
    else:
        return span
    return EntitySpan(span.start, end, span.label, text[span.start : end], span.canonical)


_ABBREVIATED_ENDINGS = ("Corp", "Inc", "Co", "Ltd", "Bros", "Cos", "Mfg", "Intl")


def _with_abbreviation_point(text: str, span: EntitySpan) -> EntitySpan:
    """An organisation whose name ends in an abbreviated legal form keeps its point
    ("Microsoft Corp.", "Salomon Brothers Inc."): English tokenizers keep "Corp." as one
    word, so OntoNotes-trained taggers mark the name with it, even at a sentence's end."""
    if span.label != "ORG" or text[span.end : span.end + 1] != ".":
        return span
    if not span.text.endswith(_ABBREVIATED_ENDINGS) or not span.text[-1].isalpha():
        return span
    last = span.text.rsplit(None, 1)[-1]
    if last not in _ABBREVIATED_ENDINGS:
        return span
    end = span.end + 1
    return EntitySpan(span.start, end, span.label, text[span.start : end], span.canonical)


_WAR = re.compile(r"\s+war\b")


def _names_a_war(text: str, span: EntitySpan) -> bool:
    """A place right before "war" names the war, an event ("the Iraq war", "the Vietnam
    war"), as it does in "the Iraq War"; OntoNotes tags the phrase, not the place."""
    return span.label == "PLACE" and _WAR.match(text, span.end) is not None


class RulesTagger:
    """PERSON, ORG, PLACE, NORP and NUMBER from word lists and context; no model."""

    name = "rules"

    def __call__(self, text: str) -> list[EntitySpan]:
        named = [
            _with_possessive(text, _with_abbreviation_point(text, s))
            for s in _Pass(text, gazetteer()).spans()
            if not _names_a_war(text, s)
        ]
        return merge_spans(named, find_numbers(text))
