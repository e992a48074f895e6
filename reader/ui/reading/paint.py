"""How the article view draws one block: its text styled by range, the gutter, the column.

Text is built from the block's plain text with styles applied by range (never markup):
its own emphasis, then highlights, the selection and search matches over it. The rows of
a block are drawn one at a time, when first shown: a 2 MB paragraph has 25,000 of them,
and only a screenful is ever on screen.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import overload

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from reader.model import Block, BlockKind, SpanKind
from reader.text.column import GUTTER, Column, shape_of
from reader.text.display import visible

CURSOR_MARK = "▌"
NOTE_MARK = "✎"
LINK_MARK = "⇄"

Mark = tuple[int, int, str, bool, str]
"""A highlight to draw: start, end (text offsets), colour, whether it has a note, id."""


@dataclass(frozen=True, slots=True)
class Decor:
    """What is drawn on a block besides its text (and the key of its drawn rows)."""

    cursor: bool
    marks: tuple[Mark, ...]
    current: str | None  # the current highlight, when it is one of ``marks``
    selected: tuple[int, int] | None  # block-relative
    matches: tuple[int, ...]  # starts (text offsets) of the search matches in the block
    current_match: int  # index of the current match in ``matches``, or -1
    match_length: int
    linked: bool


@lru_cache(maxsize=256)
def ink(style: Style) -> Style:
    """``style`` without its background: a component's style carries the page's, which
    would hide the cursor's bar behind a heading's words (and a quote's, and a link's)."""
    return style.without_color + Style(color=style.color)


def styled(block: Block, decor: Decor, style: Callable[[str], Style]) -> Text:
    """The block's text with every style applied by range; ``style`` gives a component
    class's style (``article-view--h1``...)."""
    text = Text(visible(block.text), end="", no_wrap=True)
    if block.kind is BlockKind.HEADING:
        level = min(3, max(1, block.level))
        text.stylize(ink(style(f"article-view--h{level}")))
    elif block.kind is BlockKind.QUOTE:
        text.stylize(ink(style("article-view--quote")))
    elif block.kind is BlockKind.CODE:
        text.stylize(style("article-view--code"))
    for span in block.spans:
        if span.kind is SpanKind.EMPHASIS:
            text.stylize(Style(italic=True), span.start, span.end)
        elif span.kind is SpanKind.STRONG:
            text.stylize(Style(bold=True), span.start, span.end)
        elif span.kind is SpanKind.CODE:
            text.stylize(style("article-view--code"), span.start, span.end)
        elif span.kind is SpanKind.STRIKE:
            text.stylize(Style(strike=True), span.start, span.end)
        elif span.kind is SpanKind.LINK:
            text.stylize(ink(style("article-view--link")), span.start, span.end)
    for start, end, colour, _note, highlight_id in decor.marks:
        low, high = max(0, start - block.start), min(len(block.text), end - block.start)
        text.stylize(style(f"article-view--hl-{colour}"), low, high)
        if highlight_id == decor.current:
            # Only the text style: the component's colours would hide the highlight's.
            marked = style("article-view--current-highlight")
            emphasis = Style(underline=marked.underline, bold=marked.bold)
            text.stylize(emphasis, low, high)
    if decor.selected is not None:
        text.stylize(style("article-view--selection"), *decor.selected)
    for number, match in enumerate(decor.matches):
        start = match - block.start
        name = (
            "article-view--match-current"
            if number == decor.current_match
            else "article-view--match"
        )
        text.stylize(style(name), max(0, start), start + decor.match_length)
    return text


def note_rows(block: Block, lines: list[tuple[int, int]], marks: tuple[Mark, ...]) -> set[int]:
    """Rows of the block where a highlight with a note starts (row 0 if it began above)."""
    rows = set()
    for start, _end, _colour, has_note, _id in marks:
        if has_note:
            relative = max(0, start - block.start)
            row = bisect_left([line[0] for line in lines], relative + 1) - 1
            rows.add(max(0, row))
    return rows


def paint_block(
    column: Column,
    index: int,
    decor: Decor,
    *,
    width: int,
    base: Style,
    style: Callable[[str], Style],
    console: Console,
) -> Rows:
    """Block ``index``'s rows, ``width`` cells wide, each drawn when first asked for."""
    block = column.article.blocks[index]
    lines = column.wrapped(index)
    is_cursor = decor.cursor
    line_style = base + style("article-view--cursor") if is_cursor else base
    text = styled(block, decor, style)
    noted = note_rows(block, lines, decor.marks)
    shape = shape_of(block)
    left_cells = column.left
    right = GUTTER + column.text_width
    left = Segment(" " * left_cells, base)
    mark = Segment(
        CURSOR_MARK if is_cursor else " ",
        base + style("article-view--cursor-mark") if is_cursor else base,
    )
    blank_gutter = Segment(" " * (GUTTER - 1), base)
    note_gutter = Segment(NOTE_MARK + " " * (GUTTER - 2), base + style("article-view--note-mark"))
    link_gutter = Segment(LINK_MARK + " " * (GUTTER - 2), base + style("article-view--link-mark"))
    link_row = None
    if decor.linked:
        link_row = next((n for n in range(len(lines)) if n not in noted), None)
    prefix_style = line_style + ink(
        style(
            "article-view--quote-bar" if block.kind is BlockKind.QUOTE else "article-view--marker"
        )
    )

    def render_row(number: int) -> Strip:
        if number >= len(lines):
            return Strip.blank(width, base)
        start, end = lines[number]
        prefix = shape.first if number == 0 else shape.rest
        if number in noted:
            gutter = note_gutter
        elif number == link_row:
            gutter = link_gutter
        else:
            gutter = blank_gutter
        segments = [left, mark, gutter]
        if prefix:
            segments.append(Segment(prefix, prefix_style))
        piece = _slice(text, start, end)
        piece.stylize_before(line_style)
        segments.extend(piece.render(console))
        used = left_cells + GUTTER + len(prefix) + piece.cell_len
        fill = left_cells + right - used
        if fill > 0:
            segments.append(Segment(" " * fill, line_style))
            used += fill
        if width > used:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments).crop_extend(0, width, base)

    return Rows(render_row, len(lines) + column.gap(index))


class Rows(Sequence[Strip]):
    """A block's rows, drawn on first use and kept."""

    def __init__(self, render: Callable[[int], Strip], length: int) -> None:
        self._render = render
        self._length = length
        self._done: dict[int, Strip] = {}

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, row: int) -> Strip: ...
    @overload
    def __getitem__(self, row: slice) -> list[Strip]: ...
    def __getitem__(self, row: int | slice) -> Strip | list[Strip]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(self._length))]
        if row < 0:
            row += self._length
        if not 0 <= row < self._length:
            raise IndexError(row)
        strip = self._done.get(row)
        if strip is None:
            strip = self._done[row] = self._render(row)
        return strip


def _slice(text: Text, start: int, end: int) -> Text:
    """``text[start:end]`` without copying the whole text (Rich's slice divides it all,
    which made drawing a long paragraph quadratic)."""
    piece = Text(text.plain[start:end], style=text.style, end="")
    for span in text.spans:
        if span.end > start and span.start < end:
            piece.stylize(span.style, max(span.start, start) - start, min(span.end, end) - start)
    return piece
