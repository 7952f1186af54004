"""Related articles: shared canonical entities blended with Whoosh's more-like-this.

Each result says why it is related: the entities both articles name, and the
key terms (from more-like-this) they share, shown in the words the open
article uses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from whoosh import query as wq

from index.models import Analysis, Related
from index.schema import ENTITY_FIELDS, entity_key

KEY_TERMS = 12
REASON_TERMS = 40
TOP_ENTITIES = 8
CANDIDATES = 30
SIMILARITY_WEIGHT = 0.6
ENTITY_WEIGHT = 0.4
REASON_ITEMS = 3
MIN_WORD = 3
PLAIN_WORDS = frozenset(
    "about after also been before but could did does had has have her his its just last like "
    "made make many more most much new now one only other our out over said say says she some "
    "such than that their them then there these they this those through too two under very was "
    "were what which while who whom why would year years".split()
)
"""Words too plain to explain why two articles are related."""


def entity_counts(analysis: Analysis) -> Counter[tuple[str, str]]:
    """(label, canonical) -> mentions, for the labels that are indexed as entities."""
    return Counter(
        (span.label, span.canonical) for span in analysis.entities if span.label in ENTITY_FIELDS
    )


def surface_forms(text: str, analyzer: Any) -> dict[str, str]:
    """Analysed term -> the first word in ``text`` that produced it ("ceasefir" -> "ceasefire")."""
    forms: dict[str, str] = {}
    for token in analyzer(text, chars=True, mode="query"):
        forms.setdefault(token.text, text[token.startchar : token.endchar].lower())
    return forms


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
) -> list[Related]:
    """The ``limit`` articles most related to ``article_id``, with reasons.

    ``bodies`` loads the bodies of some ids (for the "similar:" words); optional.
    """
    exclude = wq.Term("id", article_id)
    reason_terms = [
        term for term, _ in searcher.key_terms_from_text("body", body, numterms=REASON_TERMS)
    ]
    key_terms = reason_terms[:KEY_TERMS]
    similar = (
        _search(searcher, wq.Or([wq.Term("body", t) for t in key_terms]), exclude)
        if key_terms
        else {}
    )
    counts = entity_counts(analysis)
    top = [key for key, _ in counts.most_common(TOP_ENTITIES)]
    entity_query = wq.Or([wq.Term("entity", entity_key(*key)) for key in top]) if top else None
    by_entity = _search(searcher, entity_query, exclude) if entity_query else {}
    sim, ent = (
        _normalised({k: v for k, v, _ in similar.values()}),
        _normalised({k: v for k, v, _ in by_entity.values()}),
    )
    blended = {
        key: SIMILARITY_WEIGHT * sim.get(key, 0.0) + ENTITY_WEIGHT * ent.get(key, 0.0)
        for key in set(sim) | set(ent)
    }
    ranked = sorted(blended, key=lambda key: (-blended[key], key))[:limit]
    fields = {
        **{k: f for k, (_, _, f) in by_entity.items()},
        **{k: f for k, (_, _, f) in similar.items()},
    }
    names = {entity_key(*key): key[1] for key in top}
    texts = bodies(ranked) if bodies is not None else None
    return [
        _related(key, blended[key], fields[key], names, reason_terms, body, texts, searcher)
        for key in ranked
    ]


def _search(
    searcher: Any, query: wq.Query, exclude: wq.Query
) -> dict[str, tuple[str, float, dict[str, Any]]]:
    results = searcher.search(query, limit=CANDIDATES, mask=exclude)
    return {hit["id"]: (hit["id"], float(hit.score or 0.0), hit.fields()) for hit in results}


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
    words = [mine.get(term, term) for term in key_terms if term in theirs]
    return tuple(
        word
        for word in words
        if len(word) >= MIN_WORD and word.isalpha() and word not in PLAIN_WORDS
    )
