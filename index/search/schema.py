"""The Whoosh schema, in one place.

Bodies are indexed but not stored: the full text lives in SQLite (``store.py``)
and is loaded on demand, which keeps the index lean at 100,000 articles.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from whoosh import fields
from whoosh.analysis import StandardAnalyzer

from index.models import Analysis, Article
from index.search.analyzers import OverlapPositions, text_analyzer

ENTITY_FIELDS: dict[str, str] = {
    "PERSON": "person",
    "ORG": "org",
    "PLACE": "place",
    "NORP": "norp",
}
"""Entity label -> the keyword-like text field holding its canonical names."""

TEXT_FIELDS = ("title", "body")
SEARCH_FIELDS = (
    "id",
    "title",
    "body",
    "source",
    "author",
    "url",
    "published",
    "mentioned",
    "entity",
    *ENTITY_FIELDS.values(),
)
"""Fields a user may name in a query (``person:blinken``)."""

TITLE_BOOST = 2.0

SCHEMA_VERSION = 2
"""What the index holds, as a number: bump it when a field's analyzer or format changes
what is indexed. An index written under another version is rebuilt from the store when
the library opens (``index.home.reindex``). 1: Whoosh's StemmingAnalyzer; 2: accents
folded, CJK text in pairs of characters (``index.search.analyzers``)."""

_VERSION_ATTRIBUTE = "newsreader_version"


def schema_version(schema: fields.Schema) -> int:
    """The version an index's schema was written under (1 for those from before versions)."""
    return int(getattr(schema, _VERSION_ATTRIBUTE, 1))


def build_schema() -> fields.Schema:
    names = StandardAnalyzer(stoplist=None, minsize=1)
    entity_fields = {
        name: fields.TEXT(analyzer=names, phrase=True, stored=False)
        for name in ENTITY_FIELDS.values()
    }
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=_text(fields.TEXT(analyzer=text_analyzer(), stored=True, field_boost=TITLE_BOOST)),
        body=_text(fields.TEXT(analyzer=text_analyzer(), stored=False)),
        source=fields.TEXT(analyzer=names, stored=True),
        author=fields.TEXT(analyzer=names, stored=False),
        url=fields.ID(stored=True),
        path=fields.ID(stored=True),
        published=fields.DATETIME(stored=True, sortable=True),
        mentioned=_whole_days(fields.DATETIME(stored=False)),
        day=fields.NUMERIC(int, bits=32, signed=True, shift_step=2, stored=False),
        entity=fields.KEYWORD(commas=True, lowercase=True, scorable=True, stored=True),
        content_hash=fields.ID(stored=True),
        **entity_fields,
    )
    # Pickled with the schema in the index's table of contents (Schema has no
    # __getstate__), so an index says which version wrote it.
    setattr(schema, _VERSION_ATTRIBUTE, SCHEMA_VERSION)
    return schema


def _text(field: fields.TEXT) -> fields.TEXT:
    """Title and body: positions as Whoosh stores them, lengths without overlaps
    (:class:`index.search.analyzers.OverlapPositions`)."""
    field.format = OverlapPositions(field_boost=field.format.field_boost)
    return field


EPOCH = date(1970, 1, 1)


def day_number(value: date) -> int:
    """Days since 1970-01-01: the hidden ``day`` field, which answers whole-day
    ranges on ``published`` with a handful of terms (see ``Library.search``)."""
    return (value - EPOCH).days


def _whole_days(field: fields.DATETIME) -> fields.DATETIME:
    """One term per date instead of eight precision tiers.

    Mentioned dates are whole days and few distinct values, so a range query
    enumerates at most a few thousand terms without tiers; the tiers cost about
    a tenth of the index CPU per article, mostly terms with a single posting.
    (An attribute of the instance: it is pickled with the schema, no new class.)
    """
    field.shift_step = 0
    return field


def entity_key(label: str, canonical: str) -> str:
    """The exact join key of a canonical entity, as stored in the ``entity`` field."""
    return f"{label.lower()}:{canonical.lower().replace(',', ' ')}"


def document(article: Article, analysis: Analysis) -> dict[str, Any]:
    """The Whoosh document for an article and its analysis."""
    doc: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "source": article.source,
        "author": article.author,
        "url": article.url,
        "path": article.path,
        "content_hash": article.content_hash,
    }
    if article.published is not None:
        doc["published"] = article.published
        doc["day"] = day_number(article.published.date())
    by_field: dict[str, list[str]] = {}
    keys: list[str] = []
    for span in analysis.entities:
        field = ENTITY_FIELDS.get(span.label)
        if field is None:
            continue
        names = by_field.setdefault(field, [])
        if span.canonical not in names:
            names.append(span.canonical)
            keys.append(entity_key(span.label, span.canonical))
    for field, names in by_field.items():
        doc[field] = " , ".join(names)
    if keys:
        doc["entity"] = ",".join(keys)
    mentioned = sorted(
        {datetime(m.value.year, m.value.month, m.value.day) for m in analysis.dates if m.value}
    )
    if mentioned:
        doc["mentioned"] = mentioned
    return doc
