"""The article view's passage cursor and selection, as sentence indices.

The cursor sits on one sentence (``j``/``k`` move it by sentence, ``J``/``K``
by paragraph); ``v`` drops an anchor and the cursor then stretches a selection
from it. What ``b`` bookmarks is the selection, else the sentence under the
cursor. Pure bookkeeping over the core's sentence spans: the view decides what
to repaint and where to scroll.
"""

from __future__ import annotations

from bisect import bisect_right

Range = tuple[int, int]


class PassageCursor:
    """A cursor over an article's sentences, with an optional selection anchor."""

    def __init__(self, sentences: list[Range], paragraph_starts: list[int]) -> None:
        self.sentences = sentences
        self._starts = [start for start, _ in sentences]
        self._paragraph_starts = paragraph_starts
        self._paragraph_of = [bisect_right(paragraph_starts, start) - 1 for start in self._starts]
        self.cursor: int | None = None
        """The sentence under the cursor, None before the reader moves it."""
        self.anchor: int | None = None
        """Where a selection started (``v``), None when nothing is being selected."""

    def __bool__(self) -> bool:
        return bool(self.sentences)

    @property
    def last(self) -> int:
        return len(self.sentences) - 1

    def at(self, offset: int) -> int | None:
        """The sentence holding body offset ``offset`` (None in an article without any)."""
        if not self.sentences:
            return None
        return max(0, bisect_right(self._starts, offset) - 1)

    def clamp(self, target: int) -> int:
        return max(0, min(target, self.last))

    @property
    def cursor_range(self) -> Range | None:
        if self.cursor is None or not self.sentences:
            return None
        return self.sentences[self.cursor]

    @property
    def selection_range(self) -> Range | None:
        if self.anchor is None or self.cursor is None:
            return None
        low, high = sorted((self.anchor, self.cursor))
        return self.sentences[low][0], self.sentences[high][1]

    def passage(self) -> Range | None:
        """What ``b`` bookmarks: the selection, else the sentence under the cursor."""
        return self.selection_range or self.cursor_range

    def next_paragraph(self) -> int:
        """The first sentence of the paragraph after the cursor's (the last sentence at the end)."""
        current = self.cursor if self.cursor is not None else -1
        paragraph = self._paragraph_of[current] if current >= 0 else -1
        for index in range(current + 1, len(self.sentences)):
            if self._paragraph_of[index] != paragraph:
                return index
        return self.last

    def previous_paragraph(self) -> int:
        """The start of the cursor's paragraph, or of the one before when already there."""
        current = self.cursor if self.cursor is not None else 0
        paragraph = self._paragraph_of[current]
        at_start = self.sentences[current][0] == self._paragraph_starts[paragraph]
        target = max(0, paragraph - 1 if at_start else paragraph)
        return self._paragraph_of.index(target)
