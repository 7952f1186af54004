"""Span bookkeeping shared by the taggers: what a first pass found, sorting, overlap removal,
merging."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from index.models import EntityLabel, EntitySpan


@dataclass(slots=True)
class Found:
    """An entity found by the first pass, in token indices ``[first, last)``."""

    first: int
    last: int
    label: EntityLabel
    canonical: str
    strength: int
    rule: str
    lead: int = 0
    """Tokens before ``first`` that belong to the span but not to the name ("Ms")."""


def drop_overlaps(spans: list[EntitySpan]) -> list[EntitySpan]:
    """Sorted by start; of overlapping spans the longer (then the earlier) wins."""
    kept: list[EntitySpan] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if kept and span.start < kept[-1].end:
            if span.end - span.start > kept[-1].end - kept[-1].start:
                kept[-1] = span
            continue
        kept.append(span)
    return kept


def merge_spans(primary: list[EntitySpan], secondary: list[EntitySpan]) -> list[EntitySpan]:
    """``primary`` without overlaps, plus the ``secondary`` spans that overlap none of them."""
    kept = drop_overlaps(primary)
    starts = [s.start for s in kept]
    out = list(kept)
    for span in secondary:
        i = bisect.bisect_left(starts, span.end)
        if i > 0 and kept[i - 1].end > span.start:
            continue
        out.append(span)
    return drop_overlaps(out)
