"""An article laid out as screen lines: a head, then one block of strips per paragraph.

The article view renders each paragraph once for a width and keeps its lines
here; drawing a screen line is then a lookup, and body offsets and lines map
both ways (to scroll to a passage, to put the cursor where a click landed).
Blocks arrive a chunk at a time, so the mapping answers for what is laid out.
"""

from __future__ import annotations

from bisect import bisect_right

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip

Range = tuple[int, int]
EMPTY = Strip([Segment("")])


class ArticleLines:
    """The lines of one article body at one width."""

    def __init__(self, body: str, paragraphs: list[Range]) -> None:
        self.body = body
        self.paragraphs = paragraphs
        self.starts = [start for start, _ in paragraphs]
        self.width = 0
        """The text's width the blocks were rendered for (0: not laid out)."""
        self.head: list[Strip] = []
        """Title, byline and a blank line."""
        self.blocks: list[list[Strip]] = []
        """One list of lines per paragraph rendered so far (its last line is blank)."""
        self.first_line: list[int] = []
        self.line_count = 0

    @property
    def complete(self) -> bool:
        """Every paragraph has been rendered for the current width."""
        return len(self.blocks) == len(self.paragraphs)

    def reindex(self) -> None:
        """Recount where each block starts (after blocks were added or changed height)."""
        self.first_line = []
        line = len(self.head)
        for block in self.blocks:
            self.first_line.append(line)
            line += len(block)
        self.line_count = line

    def line(self, index: int) -> Strip:
        """The strip of virtual line ``index`` (an empty one past what is laid out)."""
        if index < len(self.head):
            return self.head[index]
        block = bisect_right(self.first_line, index) - 1
        if 0 <= block < len(self.blocks):
            lines = self.blocks[block]
            offset = index - self.first_line[block]
            if offset < len(lines):
                return lines[offset]
        return EMPTY

    def paragraph_at(self, offset: int) -> int:
        """The paragraph holding body offset ``offset``."""
        return max(0, bisect_right(self.starts, offset) - 1)

    def overlaps(self, span: Range, index: int) -> bool:
        start, end = self.paragraphs[index]
        return span[0] < end and span[1] > start

    def line_of_offset(self, offset: int) -> int | None:
        """The virtual line showing body offset ``offset`` (None until its paragraph is laid
        out)."""
        index = self.paragraph_at(offset)
        if index >= len(self.first_line):
            return None
        return self.first_line[index] + self._row_in(index, offset - self.starts[index])

    def _row_in(self, index: int, local: int) -> int:
        if local <= 0:
            return 0
        start = self.starts[index]
        prefix = Content(self.body[start : start + local])
        return max(0, len(prefix.wrap(self.width)) - 1)

    def offset_at(self, line: int, column: int) -> int | None:
        """The body offset under virtual line ``line`` at text column ``column`` (None
        outside the body)."""
        if line < len(self.head) or not self.blocks:
            return None
        index = bisect_right(self.first_line, line) - 1
        start, end = self.paragraphs[index]
        wrapped = Content(self.body[start:end]).wrap(self.width)
        row = line - self.first_line[index]
        if row >= len(wrapped):
            return None
        before = sum(len(piece.plain) for piece in wrapped[:row])
        return start + before + max(0, min(column, len(wrapped[row].plain) - 1))

    def first_paragraph_from(self, top: int) -> int:
        """The first paragraph that starts at or below virtual line ``top``."""
        block = max(0, bisect_right(self.first_line, top) - 1)
        if block < len(self.first_line) and self.first_line[block] < top:
            block = min(block + 1, len(self.paragraphs) - 1)
        return block
