"""An article laid out in a column: each block's shape, wrapped lines and height.

No Textual here. The article view draws what a :class:`Column` says: where the column
sits in the view, which lines each block wraps into, and at which line of the document
each block starts. Blocks are wrapped only when asked for (the view asks for those on
screen); until then a block's height is an estimate. Heights are kept in a
:class:`~reader.text.display.HeightIndex`, so the block under any line of a 40,000-paragraph
book is found in O(log n).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter

from rich.cells import cell_len

from reader.model import Article, Block, BlockKind
from reader.text.direction import has_rtl, is_rtl, visual
from reader.text.display import HeightIndex, estimate_lines, visible, wrap
from reader.text.tables import TableLayout, layout, offset_in

MAX_COLUMN = 84  # cells of the column, gutter included
GUTTER = 3  # cells left of the text: the cursor bar and a mark (✎ or ⇄)
UNLAID_WIDTH = 72  # the text width heights are estimated for before the view has a size


BIDI_KINDS = frozenset({BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.QUOTE, BlockKind.ITEM})
"""The blocks whose lines are shown in visual order when they hold right-to-left text."""


@dataclass(frozen=True, slots=True)
class Shape:
    """How a block is laid out: cells before the text on the first and later lines."""

    indent: int
    first: str
    rest: str
    words: bool = True


def shape_of(block: Block) -> Shape:
    """The block's shape: quote bars, a list item's marker and hanging indent, code's
    indentation (code keeps every space), or nothing for headings and paragraphs."""
    kind = block.kind
    if kind is BlockKind.QUOTE:
        bar = "│ " * max(1, block.level)
        return Shape(len(bar), bar, bar)
    if kind is BlockKind.ITEM:
        depth = max(0, block.level - 1) * 3
        width = max(3, len(block.marker) + 1)
        first = " " * depth + block.marker.rjust(width - 1) + " " if block.marker else ""
        return Shape(depth + width, first or " " * (depth + width), " " * (depth + width))
    if kind is BlockKind.CODE:
        pad = "  " + "  " * block.level
        return Shape(len(pad), pad, pad, words=False)
    return Shape(0, "", "")


class Column:
    """Where every block of an article goes in a column of text.

    ``resized(top, delta)`` is called when wrapping a block found its height ``delta``
    lines off the estimate; ``top`` is the line where the block starts (the view keeps
    what the reader is looking at in place).
    """

    def __init__(self, article: Article, resized: Callable[[int, int], None]) -> None:
        self.article = article
        self.resized = resized
        self.text_width = 0  # 0 until laid out for a width (fit)
        # Whether right-to-left lines are drawn in visual order (the settings' bidi), which
        # the mouse's cells are mapped back through.
        self.reorder = True
        self.left = 0  # cells from the view's left edge to the column
        self.heights = HeightIndex()
        self._exact = bytearray()
        self._lines: dict[int, list[tuple[int, int]]] = {}
        self._tables: dict[int, TableLayout] = {}
        for index in range(len(article.blocks)):
            self._add(index)

    def gap(self, index: int) -> int:
        """Blank lines after block ``index``: one, except between items of a list."""
        blocks = self.article.blocks
        if index + 1 >= len(blocks):
            return 0
        this, after = blocks[index], blocks[index + 1]
        if this.kind is BlockKind.ITEM and after.kind is BlockKind.ITEM:
            return 0
        return 1

    def block_width(self, block: Block) -> int:
        """Cells for the block's text, after its indent (at least 8: a deep list item in a
        very narrow column runs past it rather than wrap a letter a line)."""
        width = self.text_width or UNLAID_WIDTH  # asked before the view had a width
        return max(min(8, width), width - shape_of(block).indent)

    def _estimate(self, index: int) -> int:
        block = self.article.blocks[index]
        width = self.block_width(block) if self.text_width else UNLAID_WIDTH
        return estimate_lines(block.text, width) + self.gap(index)

    def _add(self, index: int) -> None:
        self.heights.append(self._estimate(index))
        self._exact.append(0)

    def wrapped(self, index: int) -> list[tuple[int, int]]:
        """Wrapped line ranges of block ``index``; makes its height exact."""
        lines = self._lines.get(index)
        if lines is None:
            block = self.article.blocks[index]
            shape = shape_of(block)
            if block.kind is BlockKind.TABLE:
                table = layout(block.text, block.level, block.marker, self.block_width(block))
                self._tables[index] = table
                lines = table.lines
            else:
                lines = wrap(block.text, self.block_width(block), words=shape.words)
            self._lines[index] = lines
            height = len(lines) + self.gap(index)
            top = self.heights.prefix(index)
            delta = self.heights.set(index, height)
            self._exact[index] = 1
            if delta:
                self.resized(top, delta)
        return lines

    def table(self, index: int) -> TableLayout | None:
        """How table block ``index`` is drawn (None for any other block)."""
        if self.article.blocks[index].kind is not BlockKind.TABLE:
            return None
        self.wrapped(index)
        return self._tables.get(index)

    def fit(self, width: int) -> bool:
        """Centre the column in a view ``width`` cells wide, at most MAX_COLUMN and never
        wider than the view.

        Returns whether the text width changed; then every block is unwrapped and its
        height estimated again.
        """
        # A cell of margin each side where there is room; in a narrower view all of it, as
        # a column wider than the view has the ends of its lines cut off.
        column = min(MAX_COLUMN, max(min(20, width), width - 2))
        text_width = max(1, column - GUTTER)
        self.left = max(0, (width - column) // 2)
        if text_width == self.text_width:
            return False
        self.text_width = text_width
        self._lines.clear()
        self._tables.clear()
        heights = HeightIndex()
        for index in range(len(self.article.blocks)):
            heights.append(self._estimate(index))
        self.heights = heights
        self._exact = bytearray(len(self.article.blocks))
        return True

    def settle(self, top: int, height: int) -> None:
        """Wrap every block that shows in ``height`` lines from line ``top`` on, so their
        heights are exact.

        Wrapping a block can change its height and so bring more blocks into view; repeat
        until nothing on screen is an estimate any more.
        """
        if not self.article.blocks or not self.text_width:
            return
        count = len(self.article.blocks)
        while True:
            # Near the end the view cannot scroll past the last screenful.
            top = max(0, min(top, self.heights.total - height))
            index = self.heights.find(top)
            end = top + height
            changed = False
            while index < count and self.heights.prefix(index) < end:
                if not self._exact[index]:
                    self.wrapped(index)
                    changed = True
                index += 1
            if not changed:
                return

    def blocks_added(self, first: int) -> None:
        """Blocks from ``first`` on were appended to the article (progressive loading)."""
        if first > 0:
            # The gap after the previous last block depends on what follows it.
            self._lines.pop(first - 1, None)
            self._tables.pop(first - 1, None)
            self._exact[first - 1] = 0
            self.heights.set(first - 1, self._estimate(first - 1))
        for index in range(first, len(self.article.blocks)):
            self._add(index)

    @property
    def total(self) -> int:
        """Lines of the whole article (estimated where not yet wrapped)."""
        return self.heights.total

    def top_of(self, index: int) -> int:
        """The line where block ``index`` starts."""
        return self.heights.prefix(index)

    def block_at_line(self, line: int) -> int:
        """The block on ``line`` (the last block past the end)."""
        return self.heights.find(line)

    def line_of(self, offset: int) -> int:
        """The line where the text offset ``offset`` is drawn."""
        index = self.article.block_at(offset)
        lines = self.wrapped(index)
        relative = offset - self.article.blocks[index].start
        line = max(0, bisect_left(lines, relative + 1, key=itemgetter(0)) - 1)
        return self.heights.prefix(index) + line

    def span_shown(self, top: int, height: int) -> tuple[int, int] | None:
        """The text offsets of the first character drawn in ``height`` lines from line
        ``top`` and of the end of the last, or None if no text is laid out there."""
        if not self.article.blocks or not self.text_width or top >= self.heights.total:
            return None
        bottom = min(top + max(1, height), self.heights.total) - 1
        return self._offset_of_line(top, end=False), self._offset_of_line(bottom, end=True)

    def _offset_of_line(self, line: int, *, end: bool) -> int:
        index = self.heights.find(line)
        block = self.article.blocks[index]
        lines = self.wrapped(index)
        row = line - self.heights.prefix(index)
        if row >= len(lines):
            return block.end  # the gap after the block
        return block.start + lines[row][1 if end else 0]

    def target_for(self, index: int, view_top: int, view_height: int, top: bool) -> int | None:
        """The first line to show so block ``index`` is in a view of ``view_height`` lines
        now showing from ``view_top`` (at the top when ``top``), or None if it shows."""
        block_top = self.heights.prefix(index)
        block_height = len(self.wrapped(index))
        view_height = max(1, view_height)
        if top or block_top < view_top:
            return max(0, block_top - (1 if index else 0))
        if block_top + block_height > view_top + view_height:
            target = block_top + block_height - view_height
            return max(0, min(target, block_top - 1 if index else 0))
        return None

    def _bidi_offset(self, text: str, start: int, end: int, x: int, prefix: int) -> int:
        """The offset of ``text`` drawn at cell ``x`` (from the text's left edge) of the line
        ``start``-``end``, shown in visual order (right-aligned when right-to-left)."""
        rtl = is_rtl(text)
        shown = visual(text[start:end], rtl)
        widths = [cell_len(visible(char)) for _place, char in shown]
        left = self.text_width - sum(widths) - prefix if rtl else prefix
        if x < left:
            return end if rtl else start  # before the line's left end
        used = left
        for (place, _char), width in zip(shown, widths, strict=True):
            used += width
            if used > x:
                return start + place
        return start if rtl else end

    def offset_at(self, line: int, x: int) -> int | None:
        """The text offset drawn at cell ``x`` of document line ``line``, or None past the
        end (the end of the block past the end of its line)."""
        if not self.article.blocks or not self.text_width:
            return None
        if line >= self.heights.total:
            return None
        index = self.heights.find(line)
        block = self.article.blocks[index]
        lines = self.wrapped(index)
        row = line - self.heights.prefix(index)
        if row >= len(lines):
            return block.end
        start, end = lines[row]
        shape = shape_of(block)
        column = x - self.left - GUTTER - len(shape.first if row == 0 else shape.rest)
        table = self.table(index)
        if table is not None:
            return block.start + offset_in(table, row, max(0, column))
        if self.reorder and block.kind in BIDI_KINDS and has_rtl(block.text):
            prefix = len(shape.first if row == 0 else shape.rest)
            return block.start + self._bidi_offset(block.text, start, end, column + prefix, prefix)
        if column <= 0:
            return block.start + start
        used = 0
        # Measured as drawn: a control character takes its placeholder's cell.
        for position, char in enumerate(visible(block.text[start:end]), start):
            used += cell_len(char)
            if used > column:
                return block.start + position
        return block.start + end
