"""Named entities in an article body: text in, labelled spans with canonical names out.

Two taggers share one interface: ``rules`` (the default: gazetteers, cue words and
context; nothing to download) and ``spacy`` (optional; needs spaCy and an installed
English pipeline). ``analyse`` adds the resolved date mentions from ``index.analysis.dates``,
so the DATE spans and the date list always agree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from index.analysis.dates import extract_dates
from index.errors import NewsreaderError
from index.models import Analysis, DateMention, EntitySpan

__all__ = ["TAGGERS", "Tagger", "analyse", "extract_entities", "get_tagger"]

TAGGERS = ("rules", "spacy")


class Tagger(Protocol):
    """Anything that turns a text into entity spans."""

    name: str

    def __call__(self, text: str) -> list[EntitySpan]: ...


_CACHE: dict[str, Tagger] = {}


def get_tagger(name: str = "rules") -> Tagger:
    """The tagger called ``name``, built once per process."""
    if name not in TAGGERS:
        raise NewsreaderError(f"Unknown entity tagger {name!r}; choose one of: rules, spacy.")
    if name not in _CACHE:
        if name == "spacy":
            from index.analysis.entities.spacy_backend import SpacyTagger

            _CACHE[name] = SpacyTagger()
        else:
            from index.analysis.entities.rules import RulesTagger

            _CACHE[name] = RulesTagger()
    return _CACHE[name]


def _date_canonical(mention: DateMention) -> str:
    """ISO form at the mention's granularity ("2024-11-10", "2023-10", "2004", ranges with /)."""
    if mention.value is None:
        return mention.text
    width = {"day": 10, "month": 7, "year": 4}[mention.granularity or "day"]
    first = mention.value.isoformat()[:width]
    if mention.end_value is None:
        return first
    last = mention.end_value.isoformat()[:width]
    return first if last == first else f"{first}/{last}"


def _date_spans(mentions: list[DateMention]) -> list[EntitySpan]:
    return [EntitySpan(d.start, d.end, "DATE", d.text, _date_canonical(d)) for d in mentions]


def _with_dates(spans: list[EntitySpan], mentions: list[DateMention]) -> list[EntitySpan]:
    """Tagger spans and DATE spans, sorted and non-overlapping.

    A date beats a NUMBER or a tagger's own DATE; against a name the longer span wins.
    """
    from index.analysis.entities.spans import merge_spans

    dates = _date_spans(mentions)
    named = [s for s in spans if s.label not in {"NUMBER", "DATE"}]
    numbers = [s for s in spans if s.label == "NUMBER"]
    return merge_spans(merge_spans(named, dates), numbers)


def extract_entities(text: str, *, tagger: Tagger | None = None) -> list[EntitySpan]:
    """Entity spans in ``text``; DATE spans canonical only where no resolution is needed."""
    tagger = tagger or get_tagger()
    return _with_dates(tagger(text), extract_dates(text, None))


def analyse(
    text: str, published: date | datetime | None, *, tagger: Tagger | None = None
) -> Analysis:
    """Entities and date mentions of one article body, dates resolved against ``published``."""
    tagger = tagger or get_tagger()
    mentions = extract_dates(text, published)
    return Analysis(tuple(_with_dates(tagger(text), mentions)), tuple(mentions))
