"""Word-level tests and the look-ups the rules tagger segments chunks with.

``Matcher`` holds one article's tokens and the gazetteer; each method answers one
question about a position ("does an organisation name end here?"), so that
``rules._Pass`` reads as the order in which the rules are tried.
"""

from __future__ import annotations

from index.analysis.entities.gazetteer import STRONG, Entry, Gazetteer
from index.analysis.entities.tokens import Tokens, headline_flags, tokenize

CONNECTORS = frozenset({"of", "for", "and", "&", "on"})
NAME_PARTICLES = frozenset("de da di van von der den bin al el le la du dos ibn".split())
_LOCATIVE = frozenset(
    "in at from to near outside across around via between into towards toward through "
    "throughout inside In At From Near Outside Across Around Between Throughout".split()
)
CONTRACTIONS = ("'m", "'ve", "'re", "'ll", "'d", "’m", "’ve", "’re", "’ll", "’d", "n't", "n’t")
_CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
_SURNAME_TITLES = frozenset(
    "King Major Bishop Prince Judge Marshal Cardinal Pope Speaker Chancellor".split()
)
"""Title words that are also surnames: after a first name and before no other name."""
MAX_PERSON_TOKENS = 4
MAX_GUESSED_PERSON_TOKENS = 3
_ACRONYM_MAX = 6


def is_cap(word: str) -> bool:
    return word[0].isupper() and (len(word) > 1 or word not in {"I", "A"})


def is_acronym(word: str) -> bool:
    letters = word.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= _ACRONYM_MAX and letters.isalpha() and letters.isupper()


def is_camel(word: str) -> bool:
    """Inner capitals as in "DaimlerChrysler" or "iTunes" (not "McFadden", "O'Gara")."""
    if not word.isalpha() or word.isupper() or (word[:-1].isupper() and word[-1] == "s"):
        return False  # "MEPs", "PCs": plural acronyms are common nouns
    inner = word[1:] if not word.startswith(("Mc", "Mac")) else word[3:]
    return any(c.isupper() for c in inner[1:]) or (word[0].islower() and word[1].isupper())


class Matcher:
    """One article's tokens and the gazetteer, with the questions the rules ask of them."""

    def __init__(self, text: str, gaz: Gazetteer) -> None:
        self.text = text
        self.gaz = gaz
        self.tok: Tokens = tokenize(text)
        self.words = self.tok.text
        self.headline = headline_flags(self.tok)
        self.lower = frozenset(filter(str.islower, self.words))
        """The article's lower-case words: "Bonds" is no name where "bonds" also occurs."""

    # -- chunks --------------------------------------------------------------------------

    def joined(self, i: int) -> bool:
        """Token ``i`` follows token ``i - 1`` on the same line with only spaces between."""
        return not self.tok.newline_before[i] and self.tok.start[i] - self.tok.end[i - 1] <= 1

    def cap_run_end(self, i: int) -> int:
        n, words, phrases = len(self.words), self.words, self.gaz.phrases
        j = i + 1
        while j < n and self.joined(j):
            if words[j] in NAME_PARTICLES and self._particle_joins(j):
                j += 1  # "Ruud van Nistelrooy", "Rodrigo de la Serna"
                continue
            if not (is_cap(words[j]) or f"{words[j - 1]} {words[j]}" in phrases):
                break  # a number joins only a known name: "Channel 4", "Radio 1"
            j += 1
        return j

    def _particle_joins(self, j: int) -> bool:
        """A lower-case name particle at ``j`` sits inside a name: a capitalised word
        follows it on the same line, at most one more particle between."""
        words, n = self.words, len(self.words)
        for k in (j + 1, j + 2):
            if k >= n or not self.joined(k):
                return False
            if is_cap(words[k]):
                return True
            if words[k] not in NAME_PARTICLES:
                return False
        return False

    def chunk_end(self, i: int) -> int:
        """End of the chunk at ``i``: capitalised runs, joined through "of", "and" ... only
        when an organisation or title word sits next to the connector."""
        words, gaz = self.words, self.gaz
        j = self.cap_run_end(i)
        of_mode = False
        while j + 1 < len(words) and words[j] in CONNECTORS and self.joined(j):
            if not (is_cap(words[j + 1]) and self.joined(j + 1)):
                break
            right = self.cap_run_end(j + 1)
            left_word = words[j - 1]
            cue = (
                left_word in gaz.org_prefixes
                or left_word in gaz.roles
                or left_word in gaz.place_prefixes
            )
            joinable = (
                words[j] == "&"  # "Marks & Spencer", "Tate & Lyle": one name
                or (cue and words[j] in {"of", "for", "on"})
                or (of_mode and right - (j + 1) <= 2)
                or words[right - 1] in gaz.org_suffixes
                # "Reserve Bank of Australia", "Royal Society of Edinburgh"
                or (left_word in gaz.org_suffixes and words[j] == "of" and right - j <= 3)
            )
            if not joinable:
                break
            of_mode = of_mode or words[j] in {"of", "for"}
            j = right
        return j

    # -- matching helpers -----------------------------------------------------------------

    def gazetteer_match(self, k: int, limit: int) -> tuple[int, Entry] | None:
        words, gaz = self.words, self.gaz
        longest = gaz.max_tokens.get(words[k], 0)
        for n in range(min(longest, limit - k), 0, -1):
            entry = gaz.phrases.get(" ".join(words[k : k + n]))
            if entry is not None and all(self.joined(x) for x in range(k + 1, k + n)):
                return k + n, entry
        return None

    def org_end(self, k: int, j: int) -> int:
        """The furthest end ``e`` in ``(k, j]`` where words ``k..e`` make an organisation."""
        words, gaz = self.words, self.gaz
        if words[k] in gaz.honorifics or words[k] in gaz.roles:
            return 0
        if words[k] in gaz.org_prefixes and k + 2 < j and words[k + 1] in {"of", "for"}:
            return j
        for e in range(j, k + 1, -1):
            if e < j and not self.ends_name(e):
                continue
            if words[e - 1] in gaz.org_suffixes and words[e - 2] not in CONNECTORS:
                if any(words[x] in gaz.honorifics for x in range(k, e)):
                    return 0
                if e + 1 < j and words[e] == "of":
                    return j  # the chunk joined "of Australia" on for this organisation
                return e
        return 0

    def is_common(self, k: int) -> bool:
        """An everyday word capitalised ("Total", "Union"); all-capital "US" is not one."""
        word = self.words[k]
        return word.lower() in self.gaz.common and not word.isupper()

    def place_end(self, k: int, j: int) -> int:
        """Where a place name built from cue words ends: "Lake Victoria", "Gulf of Mexico",
        "South Wales", "Guantanamo Bay"; 0 when none starts at ``k``."""
        words, gaz = self.words, self.gaz
        word = words[k]
        if word in gaz.place_prefixes and k + 1 < j:
            if words[k + 1] == "of" and k + 2 < j:
                return k + 3
            if words[k + 1] not in CONNECTORS:
                return k + 2
        if word in gaz.compass and k + 1 < j:
            match = self.gazetteer_match(k + 1, j)
            if match is not None and match[1].label == "PLACE":
                return match[0]
        if word in gaz.honorifics or word in gaz.roles:
            return 0
        for e in range(j, k + 1, -1):
            if e < j and not self.ends_name(e):
                continue
            if words[e - 1] in gaz.place_suffixes and words[e - 2] not in CONNECTORS:
                return e
        return 0

    def ends_name(self, e: int) -> bool:
        """Whether a name may end before token ``e`` (a title, a first name or a connector
        follows), rather than run on ("The United | Nations")."""
        word, gaz = self.words[e], self.gaz
        return (
            word in gaz.roles
            or word in gaz.honorifics
            or word in gaz.first_names
            or word in CONNECTORS
        )

    def is_plain(self, k: int) -> bool:
        """A capitalised word no rule knows: not a title, first name, connector or gazetteer
        start."""
        word, gaz = self.words[k], self.gaz
        return (
            is_cap(word)
            and word not in gaz.roles
            and word not in gaz.honorifics
            and word not in gaz.first_names
            and word not in gaz.max_tokens
        )

    def _name_part(self, k: int) -> bool:
        """A plain capitalised word that is not an everyday word in disguise ("U.S. Bonds",
        "U.S. January" in a capitalised wire headline)."""
        word = self.words[k]
        lower = word.lower()
        return self.is_plain(k) and (
            word in self.gaz.events  # "Australian Open": an event, whatever the article says
            or (lower not in self.lower and lower not in self.gaz.common and lower not in _CALENDAR)
        )

    def longer_name_end(self, end: int, j: int) -> int:
        """Where a longer name ends when a gazetteer hit is only its first word ("BBC Sport",
        "China Daily", "Davis Cup"); 0 when it is not. A title after the words keeps the
        hit on its own ("US Trade Representative")."""
        if end >= j or not self._name_part(end):
            return 0
        e = end
        while e < j and self._name_part(e):
            e += 1
        if e < len(self.words) and self.words[e] in self.gaz.roles:
            return 0
        if e < len(self.words) and self.words[e].isdigit() and len(self.words[e]) == 1:
            e += 1 if self.joined(e) else 0  # "BBC Radio 4"
        return e

    def locative(self, k: int, end: int) -> bool:
        """Words around a small town's name that say it is a place: "in Leicester",
        "Swansea, Wales"."""
        words = self.words
        if k > 0 and words[k - 1] in _LOCATIVE:
            return True
        after = words[end + 1] if end + 1 < len(words) and words[end] == "," else ""
        entry = self.gaz.phrases.get(after)
        return entry is not None and entry.label == "PLACE" and entry.strength == STRONG

    def name_like(self, k: int) -> bool:
        word, gaz = self.words[k], self.gaz
        return (
            is_cap(word)
            and word not in gaz.roles
            and word not in gaz.honorifics
            and word not in gaz.org_suffixes
        ) or word in NAME_PARTICLES

    def person_end(self, k: int, j: int) -> int:
        words, roles = self.words, self.gaz.roles
        e = k + 1
        while e < j and e - k < MAX_PERSON_TOKENS and self.name_like(e):
            if e + 1 < j and words[e + 1] in roles and e > k + 1:
                break  # "Tony Blair | Prime Minister"
            e += 1
        if e < j and words[e] in _SURNAME_TITLES and (e + 1 == j or not is_cap(words[e + 1])):
            e += 1  # "John Major said", "Mervyn King": a title word as the surname
        while e > k + 1 and self.words[e - 1] in NAME_PARTICLES:
            e -= 1
        return e

    def skip_title(self, k: int, j: int) -> int:
        """Past a role and its portfolio ("Minister of Strategic Affairs"), up to a first name."""
        words, gaz = self.words, self.gaz
        k += 1
        while k < j and (
            words[k] in gaz.roles
            or words[k] in gaz.honorifics
            or words[k] == "."
            or (k + 1 < j and words[k + 1] in gaz.roles)  # "Deputy Prime Minister"
            or (words[k] in gaz.org_suffixes and words[k - 1] in gaz.roles)  # "Chief Executive"
        ):
            k += 1
        if k < j and words[k] in {"of", "for", "on"}:
            k += 1
            while k < j and words[k] not in gaz.first_names:
                match = self.gazetteer_match(k, j)
                if match is not None and match[1].strength == STRONG:
                    break  # "Chief Executive of Tesco": the organisation is a name
                k += 1
        return k
