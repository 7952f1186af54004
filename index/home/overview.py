"""The library at a glance: facets of a view and the page of one entity.

:mod:`index.search.facets` counts entity keys ("person:antony blinken", lower case,
as the index stores them); this module turns them into what a person reads: the
canonical name as the tagger wrote it ("Antony Blinken") and the spellings the
articles used, both from the analyses stored in SQLite, and the latest articles
as list rows. Only a handful of analyses are read per call (one per name shown,
a few dozen for the spellings), so the cost stays with the counting.
"""

from __future__ import annotations

import json
import threading
from collections import Counter, OrderedDict
from collections.abc import Set as AbstractSet
from typing import Any

from index.errors import NewsreaderError
from index.home.library import Library
from index.models import Counted, EntityPage, Facets, Hit, Timeline
from index.search import facets as fc
from index.search.forward import segments, table_name
from index.search.plan import plan
from index.search.query import QueryReader
from index.search.schema import ENTITY_FIELDS, entity_key

SPELLING_ARTICLES = 40
"""Latest articles whose analyses are read for an entity's spellings."""
NAMES_KEPT = 20_000
"""Display names remembered per process (key -> canonical)."""
GROUPS = {"PERSON": "people", "ORG": "organisations", "PLACE": "places", "NORP": "groups"}


class UnknownEntity(NewsreaderError):
    """No entity in the library goes by that name."""


def _label(key: str) -> str:
    return fc.LABEL_OF_PREFIX.get(key.partition(":")[0], "")


class _Names:
    """key -> canonical name, read from one article's stored analysis per key."""

    def __init__(self) -> None:
        self._known: OrderedDict[tuple[int, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def lookup(self, library: Library, keys: list[str]) -> dict[str, str]:
        store_id = id(library.store)
        found: dict[str, str] = {}
        with self._lock:
            for key in keys:
                name = self._known.get((store_id, key))
                if name is not None:
                    found[key] = name
        missing = [key for key in keys if key not in found]
        if missing:
            read = _names_from_articles(library, missing)
            with self._lock:
                for key, name in read.items():
                    self._known[(store_id, key)] = name
                while len(self._known) > NAMES_KEPT:
                    self._known.popitem(last=False)
            found.update(read)
        return {key: found.get(key) or _fallback_name(key) for key in keys}


_NAMES = _Names()


def _fallback_name(key: str) -> str:
    """The key's name in title case: only when no stored analysis names it."""
    return " ".join(w[:1].upper() + w[1:] for w in key.partition(":")[2].split())


def _analyses(library: Library, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Stored analyses (parsed JSON) of the articles ``ids``."""
    found: dict[str, dict[str, Any]] = {}
    conn = library.store.connection
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(f"SELECT id, analysis FROM articles WHERE id IN ({marks})", chunk)
        for article_id, text in rows:
            try:
                found[article_id] = json.loads(text) if text else {}
            except ValueError:  # a damaged row: its names are not shown, nothing else
                found[article_id] = {}
    return found


def _names_from_articles(library: Library, keys: list[str]) -> dict[str, str]:
    searcher = library.searcher()
    doc_of: dict[str, str] = {}
    for key in keys:
        docs = fc.entity_view(searcher, key).global_docs()
        if docs:
            doc_of[key] = searcher.stored_fields(docs[0])["id"]
    analyses = _analyses(library, sorted(set(doc_of.values())))
    names: dict[str, str] = {}
    for key, article_id in doc_of.items():
        for span in analyses.get(article_id, {}).get("entities", ()):
            label, canonical = span.get("label", ""), span.get("canonical", "")
            if label in ENTITY_FIELDS and entity_key(label, canonical) == key:
                names[key] = canonical
                break
    return names


def _counted(library: Library, items: list[tuple[str, int]]) -> tuple[Counted, ...]:
    names = _NAMES.lookup(library, [key for key, _ in items])
    return tuple(Counted(key, _label(key), names[key], count) for key, count in items)


def facets(
    library: Library,
    query: str | None,
    limit: int = 10,
    *,
    only: AbstractSet[str] | None = None,
    without: AbstractSet[str] | None = None,
) -> Facets:
    """The top ``limit`` people, organisations, places and groups of the view ``query``
    (``None`` or blank: the whole library), with article counts, and its timeline; with
    ``only`` among those articles, with ``without`` not among those (the home's ``is:``,
    ``feed:`` and ``tag:`` filters, read from the database)."""
    limit = max(1, min(limit, 100))
    searcher = library.searcher()
    text = query.strip() if query else ""
    parsed = (
        plan(QueryReader(searcher.schema).parse(text), searcher.schema, searcher) if text else None
    )
    filtered = only is not None or bool(without)
    if parsed is None and not filtered:
        counted, line, total = _whole_library(searcher)
        tops = fc.top_by_label(counted, limit)
    else:
        allow = library.docnums(searcher, only) if only is not None else None
        restrict = library.docnums(searcher, without) if without else None
        v = fc.view(searcher, parsed, allow=allow, restrict=restrict)
        line, total = fc.timeline(v), v.total
        found = fc.top_in_view(v, _ranked(searcher), limit)  # a large view: no full count
        tops = found if found is not None else fc.top_by_label(fc.counts(v), limit)
    kinds = {label: _counted(library, tops[label]) for label in ENTITY_FIELDS}
    return Facets(
        query=text or None,
        total=total,
        people=kinds["PERSON"],
        organisations=kinds["ORG"],
        places=kinds["PLACE"],
        groups=kinds["NORP"],
        timeline=line,
    )


def candidates(library: Library, name_or_key: str) -> list[tuple[str, int]]:
    """Entity keys ``name_or_key`` may mean, most articles first: the key itself
    ("org:bbc"), an exact canonical name of any kind ("Washington"), else names that
    hold its words in order ("Blinken" -> "Antony Blinken")."""
    text = " ".join(name_or_key.replace(",", " ").lower().split())
    if not text:
        raise UnknownEntity("empty entity name")
    searcher = library.searcher()
    totals = library_counts(searcher)
    prefix, _, rest = text.partition(":")
    if rest and prefix in fc.LABEL_OF_PREFIX:
        exact = [f"{prefix}:{rest.strip()}"]
    else:
        exact = [f"{field}:{text}" for field in fc.LABEL_OF_PREFIX]
    found = [(key, totals[key]) for key in exact if totals.get(key)]
    if not found and not rest:
        words = f" {text} "
        found = [
            (key, count) for key, count in totals.items() if words in f" {key.partition(':')[2]} "
        ]
    return sorted(found, key=lambda item: (-item[1], item[0]))


_WHOLE: OrderedDict[tuple[str, ...], tuple[Counter[str], Timeline, int]] = OrderedDict()
_WHOLE_LOCK = threading.Lock()


def _whole_library(searcher: Any) -> tuple[Counter[str], Timeline, int]:
    """The whole library's counts, timeline and size, kept per index state (its
    segments and their deletions): the sidebar's default view costs one count per
    commit, not one per call."""
    state = tuple(
        f"{table_name(reader)}:{len(reader.deleted_docs_set) if reader.has_deletions() else 0}"
        for reader, _, _ in segments(searcher)
    )
    with _WHOLE_LOCK:
        cached = _WHOLE.get(state)
    if cached is not None:
        return cached
    v = fc.view(searcher, None)
    found = (fc.counts(v, whole=True), fc.timeline(v), v.total)
    with _WHOLE_LOCK:
        _WHOLE[state] = found
        while len(_WHOLE) > 4:
            _WHOLE.popitem(last=False)
    return found


_RANKED: OrderedDict[int, tuple[Counter[str], dict[str, list[tuple[str, int]]]]] = OrderedDict()


def _ranked(searcher: Any) -> dict[str, list[tuple[str, int]]]:
    """Each label's keys by their count in the whole library (``fc.top_in_view``'s
    candidates), kept with the library's counts they were ranked from."""
    counted = library_counts(searcher)
    with _WHOLE_LOCK:
        cached = _RANKED.get(id(counted))
    if cached is not None and cached[0] is counted:
        return cached[1]
    ranked = fc.ranked_by_label(counted)
    with _WHOLE_LOCK:
        _RANKED[id(counted)] = (counted, ranked)
        while len(_RANKED) > 4:
            _RANKED.popitem(last=False)
    return ranked


def library_counts(searcher: Any) -> Counter[str]:
    """Articles per entity key over the whole library, kept per index state."""
    return _whole_library(searcher)[0]


def entity(library: Library, name_or_key: str, *, limit: int = 10) -> EntityPage:
    """The page of the entity ``name_or_key`` means (the one in most articles, the
    others listed); ``UnknownEntity`` when none does."""
    found = candidates(library, name_or_key)
    if not found:
        raise UnknownEntity(f"no entity called {name_or_key.strip()!r} in this library")
    key, _ = found[0]
    searcher = library.searcher()
    v = fc.entity_view(searcher, key)
    latest_docs = fc.latest(v, max(limit, SPELLING_ARTICLES))
    stored = [searcher.stored_fields(doc) for doc in latest_docs]
    latest = tuple(
        Hit(
            id=fields["id"],
            title=fields.get("title", ""),
            published=fields.get("published"),
            source=fields.get("source", ""),
            path=fields.get("path", ""),
            url=fields.get("url", ""),
            score=0.0,
            snippet="",
            rank=rank,
        )
        for rank, fields in enumerate(stored[:limit])
    )
    spellings: Counter[str] = Counter()
    analyses = _analyses(library, [fields["id"] for fields in stored])
    for analysis in analyses.values():
        for span in analysis.get("entities", ()):
            label, canonical = span.get("label", ""), span.get("canonical", "")
            if label in ENTITY_FIELDS and entity_key(label, canonical) == key:
                spellings[_bare(span.get("text", ""))] += 1
    counted = _counted(library, [*fc.top(fc.counts(v), limit, without=key), (key, v.total)])
    return EntityPage(
        key=key,
        label=_label(key),
        name=counted[-1].name,
        count=v.total,
        spellings=tuple(spellings.most_common()),
        timeline=fc.timeline(v),
        cooccurring=counted[:-1],
        latest=latest,
        others=_counted(library, found[1 : 1 + limit]),
    )


def _bare(surface: str) -> str:
    """A surface without what spans carry around a name ("the ", "'s"), spaces folded."""
    text = " ".join(surface.split())
    for prefix in ("the ", "The "):
        text = text.removeprefix(prefix)
    for suffix in ("'s", "’s", "'", "’"):
        text = text.removesuffix(suffix)
    return text
