"""Plain-data encodings of the core's models, for SQLite and for ``--json`` output."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from index.models import Analysis, Article, DateMention, EntitySpan


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def parse_datetime(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def parse_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def entity_to_dict(span: EntitySpan) -> dict[str, Any]:
    return {
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "text": span.text,
        "canonical": span.canonical,
    }


def date_to_dict(mention: DateMention) -> dict[str, Any]:
    return {
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "value": iso(mention.value),
        "end_value": iso(mention.end_value),
        "granularity": mention.granularity,
        "relative": mention.relative,
    }


def analysis_to_json(analysis: Analysis) -> str:
    return json.dumps(
        {
            "entities": [entity_to_dict(s) for s in analysis.entities],
            "dates": [date_to_dict(d) for d in analysis.dates],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def analysis_from_json(text: str | None) -> Analysis:
    if not text:
        return Analysis()
    data = json.loads(text)
    entities = tuple(EntitySpan(**item) for item in data.get("entities", ()))
    dates = tuple(
        DateMention(
            start=item["start"],
            end=item["end"],
            text=item["text"],
            value=parse_date(item["value"]),
            end_value=parse_date(item["end_value"]),
            granularity=item["granularity"],
            relative=item["relative"],
        )
        for item in data.get("dates", ())
    )
    return Analysis(entities=entities, dates=dates)


def article_to_dict(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "author": article.author,
        "url": article.url,
        "path": article.path,
        "published": iso(article.published),
        "date_origin": article.date_origin,
        "content_hash": article.content_hash,
        "body": article.body,
    }
