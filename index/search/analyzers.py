"""How title and body text become index terms: English stemming, accents folded, CJK bigrams.

One filter (:class:`WordFilter`) does what Whoosh's ``StopFilter | StemFilter`` did for
plain words, and two things more:

* **Accents are folded.** A word with accents ("Zürich", "café") is indexed as it is
  written and, at the same position, folded ("zurich", "cafe"), so that either spelling
  finds it and phrases hold across it. A query does the same; ``index.search.query``
  ORs the exact form (which only accented documents hold) with the folded one (which
  all do), so the spelling typed ranks first. A word without accents costs nothing more.
* **Chinese, Japanese and Korean are cut into overlapping pairs of characters**, as
  Lucene's CJKAnalyzer does: "我在北京工作" has no spaces, so the tokenizer sees one
  word; it is indexed as 我在 在北 北京 京工 工作 (one position each, so a query of
  several characters is a phrase of its pairs) plus each character alone (a one-character
  query finds it anywhere). No dictionary, no dependency.

Thai, Lao, Khmer and Burmese also write without spaces, but their words are not
characters: they need a dictionary segmenter (ICU's, or PyThaiNLP's), which this does
not have; such text stays as the tokenizer cuts it.

The classes here are pickled into every index's schema: keep their module and names,
and bump ``index.search.schema.SCHEMA_VERSION`` when what they produce changes (an
index written the old way is then rebuilt from the store).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Generator, Iterable, Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.formats import Positions, tokens
from whoosh.lang.porter import stem

STOP_WORDS = frozenset(
    "a an and are as at be by can for from have if in is it may not of on or tbd that "
    "the this to us we when will with yet you your".split()
)
"""Whoosh's English stop words (``whoosh.analysis.STOP_WORDS``), spelled out: they are
part of what the index holds, and must not change under it with a Whoosh upgrade."""

MIN_WORD = 2
"""Shorter words are not indexed (Whoosh's ``StemmingAnalyzer`` default); CJK characters are."""

_CJK = (
    "\u1100-\u11ff"  # Hangul Jamo
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c"  # ideographic marks, numerals
    "\u3040-\u309f"  # Hiragana
    "\u30a0-\u30ff\u31f0-\u31ff"  # Katakana
    "\u3130-\u318f"  # Hangul compatibility Jamo
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\ua960-\ua97f\uac00-\ud7ff"  # Hangul
    "\uff66-\uff9f"  # half-width Katakana
    "\U00020000-\U0003134f"  # Han extensions
)
_CJK_RUN = re.compile(f"[{_CJK}]+")
_PIECES = re.compile(f"[{_CJK}]+|[^{_CJK}]+")
_WORDLIKE = re.compile(r"[\w.]+")
"""What the tokenizer makes of text; anything else is a pattern (``北京*``), not split."""

_FOLDS = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ł": "l",
    "ı": "i",
    "ħ": "h",
    "ŧ": "t",
    "ŋ": "n",
    "ſ": "s",
}
"""Letters that are not a base letter plus marks, folded as Lucene's ASCIIFoldingFilter does."""


def is_cjk(text: str) -> bool:
    """Whether ``text`` begins with a CJK character (a term made of pairs or one character)."""
    return bool(text) and _CJK_RUN.match(text) is not None


def is_cjk_char(char: str) -> bool:
    """Whether one character is CJK (a word boundary on either side of it)."""
    return _CJK_RUN.match(char) is not None


@lru_cache(maxsize=100_000)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    # Only the marks Latin, Greek and Cyrillic letters decompose into (U+0300-U+036F)
    # go: Thai or Devanagari vowel signs are letters of their words, not accents.
    return "".join(_FOLDS.get(c, c) for c in decomposed if not "\u0300" <= c <= "\u036f")


def fold(word: str) -> str:
    """``word`` (lower case) without accents: "zürich" -> "zurich", "straße" -> "strasse";
    unchanged if it has none. CJK text is left alone (it has no accents, and Unicode
    would decompose Hangul syllables into their letters)."""
    if word.isascii() or _CJK_RUN.search(word):
        return word
    return _fold_word(word)


class WordFilter(StemFilter):  # type: ignore[misc]
    """Stop words out, CJK runs into pairs and single characters, words stemmed, and an
    accented word's folded stem beside its own (see the module's docstring).

    Positions are renumbered as Whoosh's ``StopFilter`` does (stop words leave no gap);
    a run of n CJK characters takes n - 1 positions: pair i and character i stand at
    position i, the last character with the last pair, so that a phrase of pairs, and a
    word after the run, are where the query expects them.
    """

    def __init__(self) -> None:
        super().__init__(stemfn=stem, cachesize=50_000)
        self.stops = STOP_WORDS
        self.min = MIN_WORD

    def __call__(self, stream: Iterable[Any]) -> Iterator[Any]:
        stemmed = self._stem
        stops, minsize = self.stops, self.min
        pos: int | None = None
        for t in stream:
            text = t.text
            if text.isascii():  # the common case, as StopFilter | StemFilter did it
                if len(text) < minsize or text in stops:
                    if not t.removestops:
                        t.stopped = True
                        yield t
                    continue
                t.stopped = False
                if t.positions:
                    pos = t.pos if pos is None else pos + 1
                    t.pos = pos
                t.text = stemmed(text)
                yield t
            elif _CJK_RUN.search(text) and _WORDLIKE.fullmatch(text):
                pos = yield from self._pieces(t, pos)
            else:
                pos = yield from self._word(t, text, pos)

    def _word(self, t: Any, text: str, pos: int | None) -> Generator[Any, None, int | None]:
        """One word: its stem, then its folded
        stem at the same position if that differs."""
        if len(text) < self.min or text in self.stops:
            if not t.removestops:
                t.text, t.stopped = text, True
                yield t
            return pos
        t.stopped = False
        if t.positions:
            pos = t.pos if pos is None else pos + 1
            t.pos = pos
        own = t.text = self._stem(text)
        yield t
        folded = fold(text)
        if folded != text and folded not in self.stops:
            folded = self._stem(folded)
            if folded != own:
                t.text = folded
                yield t
        return pos

    def _pieces(self, t: Any, pos: int | None) -> Generator[Any, None, int | None]:
        """A token holding CJK text: its CJK runs as pairs and characters, the rest as words."""
        text = t.text
        chars = t.chars
        first = t.startchar if chars else 0
        for piece in _PIECES.finditer(text):
            if chars:
                t.startchar = first + piece.start()
                t.endchar = first + piece.end()
            if _CJK_RUN.match(piece.group()):
                pos = yield from self._run(t, piece.group(), pos)
            else:
                pos = yield from self._word(t, piece.group(), pos)
        return pos

    def _run(self, t: Any, run: str, pos: int | None) -> Generator[Any, None, int | None]:
        t.stopped = False
        start = t.startchar if t.chars else 0
        index_mode = t.mode != "query"
        last = max(0, len(run) - 2)
        base = (t.pos if pos is None else pos + 1) if t.positions else 0
        for i in range(len(run)):
            at = min(i, last)
            if t.positions:
                t.pos = base + at
            if i < len(run) - 1:
                t.text = run[i : i + 2]
                if t.chars:
                    t.startchar, t.endchar = start + i, start + i + 2
                yield t
            if index_mode or len(run) == 1:
                if i == len(run) - 1 and i > 0 and run[i] == run[i - 1]:
                    continue  # the same character twice at one position
                t.text = run[i]
                if t.chars:
                    t.startchar, t.endchar = start + i, start + i + 1
                yield t
        return base + last if t.positions else pos


def text_analyzer() -> CompositeAnalyzer:
    """The title and body analyzer: Whoosh's tokenizer, lower case, :class:`WordFilter`."""
    chain: CompositeAnalyzer = RegexTokenizer() | LowercaseFilter() | WordFilter()
    return chain


class OverlapPositions(Positions):  # type: ignore[misc]
    """Whoosh's ``Positions`` (same bytes on disk), with a field's length counted in
    positions, not tokens: a folded word or a CJK character standing where another term
    stands does not make the document longer (Lucene's ``discountOverlaps``), so BM25
    does not rank accented or CJK text lower for being indexed twice."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[Any]:
        boost = self.field_boost
        positions: defaultdict[str, list[int]] = defaultdict(list)
        weights: defaultdict[str, float] = defaultdict(float)
        overlaps: defaultdict[str, int] = defaultdict(int)
        kwargs["positions"] = True
        kwargs["boosts"] = True
        last = None
        for t in tokens(value, analyzer, kwargs):
            positions[t.text].append(t.pos)
            weights[t.text] += t.boost
            if t.pos == last:
                overlaps[t.text] += 1
            last = t.pos
        for word, found in positions.items():
            yield word, len(found) - overlaps[word], weights[word] * boost, self.encode(found)


# Finding the words of a text that analyse to a term -------------------------------------

_FOLDABLE = [
    (0x00C0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x1E00, 0x1FFF),  # Latin Extended Additional, Greek Extended
    (0xFB00, 0xFB06),  # Latin ligatures
]


@lru_cache(maxsize=1)
def _unfolds() -> dict[str, str]:
    """Folded text -> the characters that fold to it ("u" -> "üúù...", "ss" -> "ß")."""
    found: defaultdict[str, set[str]] = defaultdict(set)
    for low, high in _FOLDABLE:
        for code in range(low, high + 1):
            char = chr(code)
            folded = fold(char.lower())
            if folded and folded != char.lower() and folded.isalpha():
                found[folded].update({char, char.lower()})
    return {folded: "".join(sorted(chars)) for folded, chars in found.items()}


@lru_cache(maxsize=4096)
def spelling_pattern(prefix: str) -> str:
    """A regular expression (to use with IGNORECASE) for the beginnings of words whose
    folded form begins with the folded ``prefix``: "zur" matches "Zür" and "Zur", "fus"
    "Fuß"; a character with an accent in ``prefix`` stands for itself too."""
    unfolds = _unfolds()

    def loose(rest: str) -> str:
        if not rest:
            return ""
        char = rest[0]
        options = [f"[{re.escape(char + unfolds.get(char, ''))}]{loose(rest[1:])}"]
        for folded, chars in unfolds.items():
            if len(folded) > 1 and (rest.startswith(folded) or folded.startswith(rest)):
                options.append(f"[{re.escape(chars)}]{loose(rest[len(folded) :])}")
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    return loose(prefix)
