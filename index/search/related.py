"""Related articles: shared canonical entities blended with Whoosh's more-like-this.

Each result says why it is related: the entities both articles name, and the
key terms (from more-like-this) they share, shown in the words the open
article uses.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from typing import Any

from whoosh.util.numeric import byte_to_length

from index.models import Analysis, Related
from index.search.postings import term_postings
from index.search.schema import ENTITY_FIELDS, entity_key

KEY_TERMS = 30
REASON_TERMS = 40
TOP_ENTITIES = 12
CANDIDATES = 40
SIMILARITY_WEIGHT = 0.75
ENTITY_WEIGHT = 0.25
REASON_ITEMS = 3
TF_SATURATION = 1.2
LENGTH_NORM = 0.5
"""BM25's b: how much a long article's many matches are discounted."""
MAX_DF_SHARE = 0.01
MIN_DF_CAP = 500
"""Terms and entities in more articles than this share (at least this many) are not searched."""
MIN_WORD = 3
PLAIN_WORDS = frozenset(
    word
    for line in resources.files("index.data")
    .joinpath("plain_words.txt")
    .read_text("utf-8")
    .splitlines()
    if not line.startswith("#")
    for word in line.split()
)
"""Words too plain to explain why two articles are related (``index/data/plain_words.txt``)."""


def entity_counts(analysis: Analysis) -> Counter[tuple[str, str]]:
    """(label, canonical) -> mentions, for the labels that are indexed as entities."""
    return Counter(
        (span.label, span.canonical) for span in analysis.entities if span.label in ENTITY_FIELDS
    )


def surface_forms(text: str, analyzer: Any) -> dict[str, str]:
    """Analysed term -> the word in ``text`` that produced it most often ("resum" ->
    "resume", never the stem itself), first seen first among equals."""
    seen: dict[str, Counter[str]] = {}
    for token in analyzer(text, chars=True, mode="index"):
        word = text[token.startchar : token.endchar].lower()
        seen.setdefault(token.text, Counter())[word] += 1
    return {term: words.most_common(1)[0][0] for term, words in seen.items()}


def _normalised(scores: dict[str, float]) -> dict[str, float]:
    top = max(scores.values(), default=0.0)
    return {key: value / top for key, value in scores.items()} if top > 0 else {}


def related(
    searcher: Any,
    article_id: str,
    body: str,
    analysis: Analysis,
    *,
    limit: int = 5,
    bodies: Callable[[Sequence[str]], dict[str, str]] | None = None,
    title: str = "",
) -> list[Related]:
    """The ``limit`` articles most related to ``article_id``, with reasons.

    ``bodies`` loads the bodies of some ids (for the "similar:" words); optional.
    The title's words count twice when picking key terms, as a title match does
    in search: on BBC that lifts the share of same-category related articles.
    """
    own = searcher.document_number(id=article_id)
    text = f"{title}\n{title}\n{body}" if title else body
    reason_terms = [
        term for term, _ in searcher.key_terms_from_text("body", text, numterms=REASON_TERMS)
    ]
    key_terms = _selective(searcher, "body", reason_terms, KEY_TERMS)
    similar = _candidates(searcher, "body", key_terms, own)
    counts = entity_counts(analysis)
    top = [key for key, _ in counts.most_common(TOP_ENTITIES)]
    keys = _selective(searcher, "entity", [entity_key(*key) for key in top], TOP_ENTITIES)
    by_entity = _candidates(searcher, "entity", keys, own)
    sim, ent = (
        _normalised({k: v for k, v, _ in similar.values()}),
        _normalised({k: v for k, v, _ in by_entity.values()}),
    )
    blended = {
        key: SIMILARITY_WEIGHT * sim.get(key, 0.0) + ENTITY_WEIGHT * ent.get(key, 0.0)
        for key in set(sim) | set(ent)
    }
    fields = {
        **{k: f for k, (_, _, f) in by_entity.items()},
        **{k: f for k, (_, _, f) in similar.items()},
    }
    ranked = _distinct(sorted(blended, key=lambda key: (-blended[key], key)), fields, title)
    ranked = ranked[:limit]
    names = {entity_key(*key): key[1] for key in top}
    texts = bodies(ranked) if bodies is not None else None
    found = [
        _related(key, blended[key], fields[key], names, reason_terms, text, texts, searcher)
        for key in ranked
    ]
    if texts is None:
        return found
    # An article that shares no entity and no telling word is not shown as related: the
    # sidebar could not say why (in a small library that is most of the "nearest" ones).
    return [item for item in found if item.shared or item.similar]


def _distinct(ranked: list[str], fields: dict[str, dict[str, Any]], title: str) -> list[str]:
    """One article per title, and none with the open article's own: copies of one story
    (a wire story in several feeds) would otherwise fill the list and say nothing new."""
    seen = {_title_key(title)} if title.strip() else set()
    kept = []
    for key in ranked:
        name = _title_key(fields[key].get("title", ""))
        if name and name in seen:
            continue
        seen.add(name)
        kept.append(key)
    return kept


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def _selective(searcher: Any, field: str, terms: Iterable[str], limit: int) -> list[str]:
    """The first ``limit`` of ``terms`` that another article has and few articles have.

    A term in more than ``MAX_DF_SHARE`` of the library ("pct", "United
    States") says little about relatedness but makes the candidate search walk
    a long posting list: at 100,000 articles such terms were most of the cost.
    """
    reader = searcher.reader()
    cap = max(MIN_DF_CAP, int(searcher.doc_count() * MAX_DF_SHARE))
    return [t for t in terms if 1 < reader.doc_frequency(field, t) <= cap][:limit]


def _candidates(
    searcher: Any, field: str, terms: Sequence[str], own: int | None
) -> dict[str, tuple[str, float, dict[str, Any]]]:
    """The ``CANDIDATES`` best articles sharing ``terms``, scored straight from the postings.

    Each shared term adds its idf, saturated by its frequency in the article
    (BM25's tf part, half length-normalised). The posting lists are read a block
    at a time (:func:`index.search.postings.term_postings`) into a dict: Whoosh's collector over
    an Or query costs a few Python calls per posting, which made related items
    cost 200 ms an article at 20,000 articles.
    """
    if not terms:
        return {}
    reader = searcher.reader()
    total = max(1, searcher.doc_count_all())
    average = max(1.0, reader.field_length(field) / total)
    norms = [
        TF_SATURATION * (1 - LENGTH_NORM + LENGTH_NORM * byte_to_length(n or 1) / average)
        for n in range(256)
    ]
    scores: dict[int, float] = {}
    get = scores.get
    for term in terms:
        frequency = reader.doc_frequency(field, term)
        if not frequency:
            continue
        idf = math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))
        for offset, ids, weights, lengths in term_postings(searcher, field, term):
            for docnum, weight in zip(ids, weights, strict=True):
                key = offset + docnum
                scores[key] = get(key, 0.0) + idf * weight / (weight + norms[lengths[docnum]])
    if own is not None:
        scores.pop(own, None)
    best = heapq.nlargest(CANDIDATES, scores.items(), key=lambda item: (item[1], -item[0]))
    found = {}
    for docnum, score in best:
        fields = searcher.stored_fields(docnum)
        found[fields["id"]] = (fields["id"], score, fields)
    return found


def _related(
    key: str,
    score: float,
    fields: dict[str, Any],
    names: dict[str, str],
    key_terms: list[str],
    body: str,
    texts: dict[str, str] | None,
    searcher: Any,
) -> Related:
    theirs = set(filter(None, (fields.get("entity") or "").split(",")))
    shared = tuple(name for k, name in names.items() if k in theirs)[:REASON_ITEMS]
    similar: tuple[str, ...] = ()
    if texts is not None:
        named = {word.lower() for name in names.values() for word in name.split()}
        words = _shared_words(key_terms, body, texts.get(key, ""), searcher)
        similar = tuple(w for w in words if w not in named)[:REASON_ITEMS]
    return Related(
        id=key,
        title=fields.get("title", ""),
        published=fields.get("published"),
        source=fields.get("source", ""),
        score=round(score, 4),
        shared=shared,
        similar=similar,
    )


def _shared_words(
    key_terms: Iterable[str], body: str, other: str, searcher: Any
) -> tuple[str, ...]:
    analyzer = searcher.schema["body"].analyzer
    mine = surface_forms(body, analyzer)
    theirs = {token.text for token in analyzer(other, mode="query")}
    words = [mine[term] for term in key_terms if term in theirs and term in mine]
    return tuple(
        word
        for word in words
        if len(word) >= MIN_WORD and word.isalpha() and word not in PLAIN_WORDS
    )
