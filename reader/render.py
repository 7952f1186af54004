"""Core spans -> styled ``Content``: entities, resolved dates, search hits, passages.

The core hands over data (offsets and labels); this module alone decides how
it looks. Offsets are character offsets into the article body; each function
takes a paragraph's ``(start, end)`` and returns the paragraph's ``Content``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from textual.color import Color
from textual.content import Content, Span

from index.models import ENTITY_LABELS, Analysis, DateMention, DateOrigin, Hit

ENTITY_COLOURS: dict[str, tuple[str, str]] = {
    "PERSON": ("#d787ff", "#8700af"),
    "ORG": ("#5fafff", "#005fd7"),
    "PLACE": ("#5fd75f", "#007a00"),
    "NORP": ("#ffaf5f", "#af5000"),
    "DATE": ("#5fd7d7", "#00767a"),
    "NUMBER": ("#d7af5f", "#7a6000"),
}
"""One colour per entity label, (on dark themes, on light themes): each at least 4:1
against every shipped theme's background of its kind (``tests/reader/test_look.py``)."""
LABEL_STYLES: dict[str, str] = {
    "PERSON": "bold $entity-person",
    "ORG": "bold $entity-org",
    "PLACE": "bold $entity-place",
    "NORP": "$entity-norp",
    "DATE": "$entity-date",
    "NUMBER": "$entity-number",
}
"""Styles naming theme variables (``$entity-person``...): the app defines them for the
theme in use, and a custom theme may set its own."""


def muted_variables(background: str) -> dict[str, str]:
    """``reader-muted``: what Textual's ``$text-muted`` (the contrasting text colour at 60%)
    shows on ``background``, as one opaque colour."""
    ground = Color.parse(background)
    return {"reader-muted": (ground + ground.get_contrast_text(0.6)).hex}


def entity_variables(dark: bool) -> dict[str, str]:
    """The ``entity-*`` theme variables for a dark or a light theme."""
    return {
        f"entity-{label.lower()}": colours[0 if dark else 1]
        for label, colours in ENTITY_COLOURS.items()
    }


LABEL_NAMES: dict[str, str] = {
    "PERSON": "person",
    "ORG": "organisation",
    "PLACE": "place",
    "NORP": "group",
    "DATE": "date",
    "NUMBER": "number",
}
HIT_STYLE = "bold $text on $warning-muted"
CURRENT_HIT_STYLE = "bold reverse $warning"
MUTED = "$reader-muted"
"""Secondary text (sources, dates, counts): the theme's muted text colour, at least 5:1 on
every shipped theme, where faint (``dim``) text fell to 2:1 on several."""
ROW_MUTED = ""
"""Secondary text in article-list rows (which can be highlighted): the row's own colour,
set apart by the bold title. Faint dates measured 1.8-3:1 on seven themes, and one
opaque grey cannot read on both a light theme's rows and its dark highlighted row."""
DATE_NOTE_STYLE = f"italic {MUTED}"
CURSOR_STYLE = "on $primary 25%"
SELECTION_STYLE = "on $accent 35%"
BOOKMARK_STYLE = "underline"

Range = tuple[int, int]


FILE_DATE = "file date"
"""Said after a date read from the file's mtime: the article states none of its own."""


def format_date(value: datetime | date | None) -> str:
    return value.strftime("%Y-%m-%d") if value is not None else ""


def published_label(value: datetime | None, origin: DateOrigin) -> str:
    """An article's date as the list and the byline show it: ``2024-11-11``, or
    ``2026-11-30 · file date`` when only the file's time gave it."""
    text = format_date(value)
    return f"{text} · {FILE_DATE}" if text and origin == "file" else text


def date_note(mention: DateMention) -> str:
    """The dim annotation after a date mention: the resolved day, month or range."""
    if mention.value is None:
        return ""
    if mention.granularity == "year":
        text = f"{mention.value:%Y}"
    elif mention.granularity == "month":
        text = f"{mention.value:%Y-%m}"
    else:
        text = f"{mention.value:%Y-%m-%d}"
    if mention.end_value is not None and mention.granularity == "day":
        text += f"–{mention.end_value:%Y-%m-%d}"
    return text


@dataclass
class Marks:
    """Everything to style in one article body, in body offsets."""

    analysis: Analysis = field(default_factory=Analysis)
    hits: Sequence[Range] = ()
    current_hit: int | None = None
    cursor: Range | None = None
    selection: Range | None = None
    bookmarks: Sequence[Range] = ()
    highlight: bool = True


def _inside(span: Range, paragraph: Range) -> Range | None:
    start, end = max(span[0], paragraph[0]), min(span[1], paragraph[1])
    return (start - paragraph[0], end - paragraph[0]) if end > start else None


def paragraph_content(body: str, paragraph: Range, marks: Marks) -> Content:
    """One paragraph as ``Content``: coloured entities, dated mentions, hits, cursor."""
    spans: list[Span] = []

    def add(span: Range, style: str) -> None:
        local = _inside(span, paragraph)
        if local is not None:
            spans.append(Span(local[0], local[1], style))

    for span in marks.bookmarks:
        add(span, BOOKMARK_STYLE)
    if marks.cursor is not None:
        add(marks.cursor, CURSOR_STYLE)
    if marks.selection is not None:
        add(marks.selection, SELECTION_STYLE)
    if marks.highlight:
        for entity in marks.analysis.entities:
            add((entity.start, entity.end), LABEL_STYLES.get(entity.label, "bold"))
    for index, hit in enumerate(marks.hits):
        add(hit, CURRENT_HIT_STYLE if index == marks.current_hit else HIT_STYLE)
    content = Content(body[paragraph[0] : paragraph[1]], spans=spans)
    if not marks.highlight:
        return content
    return _with_date_notes(content, paragraph, marks.analysis.dates)


def _with_date_notes(content: Content, paragraph: Range, dates: Iterable[DateMention]) -> Content:
    """Insert a dim resolved date after each resolved mention in the paragraph."""
    notes = sorted(
        (mention.end - paragraph[0], date_note(mention))
        for mention in dates
        if paragraph[0] < mention.end <= paragraph[1] and mention.value is not None
    )
    if not notes:
        return content
    pieces = content.divide([offset for offset, _ in notes])
    parts: list[Content] = [pieces[0]]
    for piece, (_, note) in zip(pieces[1:], notes, strict=False):
        parts.append(Content.styled(f" ·{note}", DATE_NOTE_STYLE))
        parts.append(piece)
    if len(pieces) <= len(notes):
        parts.append(Content.styled(f" ·{notes[-1][1]}", DATE_NOTE_STYLE))
    return Content("").join(parts)


def legend() -> Content:
    """Each entity label in its colour, for the help screen and the entities pane."""
    parts = [
        Content.styled(f"■ {LABEL_NAMES[label]}", LABEL_STYLES[label]) for label in ENTITY_LABELS
    ]
    return Content("  ").join(parts)


def snippet_content(hit: Hit) -> Content:
    """A search hit's snippet with its matched terms marked."""
    spans = [Span(start, end, HIT_STYLE) for start, end in hit.spans]
    return Content(hit.snippet, spans=spans)


def byline(
    source: str, author: str, published: datetime | None, origin: DateOrigin = "none"
) -> str:
    parts = [part for part in (source, author, published_label(published, origin)) if part]
    return " · ".join(parts)
