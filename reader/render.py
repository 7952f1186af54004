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


LEGIBLE = 4.5
"""WCAG's contrast floor for body text, asked of the pairs ``legible_variables`` checks."""
PAIRS = (
    ("block-cursor-foreground", "block-cursor-background"),
    ("footer-key-foreground", "footer-background"),
)
"""Textual's colour pairs that some shipped themes draw under 3:1 (gruvbox's highlighted
list row was 2.4, the light themes' footer keys 1.8 to 2.9): foreground on background."""


def legible(foreground: Color, background: Color, minimum: float = LEGIBLE) -> Color:
    """``foreground``, moved toward black or white (whichever the background sets off
    better) just far enough to reach ``minimum`` contrast on ``background``."""
    if contrast(foreground, background) >= minimum:
        return foreground
    target = (
        Color(0, 0, 0)
        if contrast(Color(0, 0, 0), background) > contrast(Color(255, 255, 255), background)
        else Color(255, 255, 255)
    )
    for step in range(1, 11):
        moved = foreground.blend(target, step / 10)
        if contrast(moved, background) >= minimum:
            return moved
    return target


ENTITY_GROUNDS = ("background", "surface", "block-cursor-blurred-background")
"""What entity-coloured text is drawn on: the article, the panes, the sidebar's row under
its cursor when the pane is not focused (nord's was 2.9:1 for a person's name)."""


def legible_variables(variables: dict[str, str]) -> dict[str, str]:
    """The theme's variables with each pair of ``PAIRS`` made legible, and each entity
    colour at least 3:1 on every one of ``ENTITY_GROUNDS`` (an opaque colour over the
    screen's background; an ``ansi_`` colour is left to the terminal's palette)."""
    ground = Color.parse(variables["background"])
    changed: dict[str, str] = {}
    grounds = []
    for name in ENTITY_GROUNDS:
        try:
            grounds.append(ground + Color.parse(variables.get(name, variables["background"])))
        except Exception:
            continue
    for name, value in variables.items():
        if not name.startswith("entity-"):
            continue
        try:
            colour = ground + Color.parse(value)
        except Exception:
            continue
        for backdrop in grounds:
            colour = legible(colour, backdrop, 3.0)
        changed[name] = colour.hex
    for fore, back in PAIRS:
        if fore not in variables or back not in variables:
            continue
        try:
            foreground, background = Color.parse(variables[fore]), Color.parse(variables[back])
        except Exception:  # an ansi_ colour: the terminal's palette decides, not us
            continue
        if foreground.ansi is not None or background.ansi is not None:
            continue
        background = ground + background
        changed[fore] = legible(ground + foreground, background).hex
    return changed


def _luminance(color: Color) -> float:
    def channel(value: int) -> float:
        share = value / 255
        return share / 12.92 if share <= 0.03928 else ((share + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(first: Color, second: Color) -> float:
    """The WCAG 2 contrast ratio of two opaque colours (1 to 21)."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


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
