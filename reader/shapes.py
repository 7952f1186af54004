"""The JSON shapes the CLI prints, all in one place (they are a stable interface).

``search --json``, ``show --json``, ``related --json``, ``entity --json``,
``bookmarks list --json``, ``add --json``, ``recover --json`` and ``stats --json``
print these and nothing else; the README documents them.
"""

from __future__ import annotations

from typing import Any

from index.codec import article_to_dict, date_to_dict, entity_to_dict, iso
from index.home import IngestReport, RecoveryReport, StoredArticle
from index.models import Bookmark, Counted, EntityPage, Hit, Related, SearchResult, Timeline


def hit(item: Hit, *, ranked: bool = True) -> dict[str, Any]:
    """One search hit; ``score`` is the relevance, null when the hits are sorted by date
    (Whoosh's score is then the sort key, a timestamp, not a relevance)."""
    return {
        "id": item.id,
        "rank": item.rank + 1,
        "title": item.title,
        "published": iso(item.published),
        "source": item.source,
        "path": item.path,
        "url": item.url,
        "score": round(item.score, 4) if ranked else None,
        "snippet": item.snippet,
        "spans": [list(span) for span in item.spans],
        "read": item.read,
        "starred": item.starred,
    }


def search(result: SearchResult, *, ranked: bool = True) -> dict[str, Any]:
    return {
        "query": result.query,
        "total": result.total,
        "exact": result.exact,
        "terms": list(result.terms),
        "hits": [hit(item, ranked=ranked) for item in result.hits],
    }


def article(stored: StoredArticle) -> dict[str, Any]:
    """An article with its entities and dates (offsets into ``body``)."""
    return {
        **article_to_dict(stored.article),
        "entities": [entity_to_dict(span) for span in stored.analysis.entities],
        "dates": [date_to_dict(mention) for mention in stored.analysis.dates],
    }


def related(item: Related) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "published": iso(item.published),
        "source": item.source,
        "score": item.score,
        "shared": list(item.shared),
        "similar": list(item.similar),
        "reason": item.reason,
    }


def bookmark(item: Bookmark) -> dict[str, Any]:
    """One bookmark in ``bookmarks list --json``."""
    return {
        "id": item.id,
        "article_id": item.article_id,
        "article_title": item.article_title,
        "quote": item.quote,
        "note": item.note,
        "tags": list(item.tags),
        "created": iso(item.created),
        "updated": iso(item.updated),
        "status": item.status,
        "start": item.start,
        "end": item.end,
    }


def ingest_report(report: IngestReport) -> dict[str, Any]:
    return {**report.counts(), "files": report.files, "seconds": report.seconds}


def recovery(report: RecoveryReport) -> dict[str, Any]:
    return {
        "healthy": report.healthy,
        "database_problem": report.database_problem,
        "index_problem": report.index_problem,
        "backups": [str(path) for path in report.backups],
        "rebuilt": report.rebuilt,
        "ghosts_removed": report.ghosts_removed,
        "bookmarks_kept": report.bookmarks_kept,
        "bookmarks_lost": report.bookmarks_lost,
        "bookmarks_problem": report.bookmarks_problem,
        "folders": report.folders,
        "salvaged": {
            table: {"kept": kept, "lost": lost} for table, (kept, lost) in report.salvaged.items()
        },
        "articles_expected": report.articles_expected,
        "articles_kept": report.articles_kept,
        "articles_reread": report.articles_reread,
    }


def timeline(item: Timeline) -> dict[str, Any]:
    """Articles per bucket (``published``) and mentioned dates per bucket (``mentioned``),
    over contiguous buckets starting on ``starts``."""
    return {
        "bucket": item.bucket,
        "starts": [iso(start) for start in item.starts],
        "published": list(item.published),
        "mentioned": list(item.mentioned),
        "undated": item.undated,
    }


def counted(item: Counted) -> dict[str, Any]:
    return {"key": item.key, "label": item.label, "name": item.name, "count": item.count}


def entity(page: EntityPage) -> dict[str, Any]:
    """``entity --json``: one entity's page."""
    return {
        "key": page.key,
        "label": page.label,
        "name": page.name,
        "count": page.count,
        "spellings": [{"text": text, "count": count} for text, count in page.spellings],
        "timeline": timeline(page.timeline),
        "cooccurring": [counted(item) for item in page.cooccurring],
        "latest": [hit(item, ranked=False) for item in page.latest],
        "others": [counted(item) for item in page.others],
    }
