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

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from reader.model import Block, BlockKind, SpanKind
from reader.text.column import BIDI_KINDS, GUTTER, Column, shape_of
from reader.text.direction import has_rtl, is_rtl, visual
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
    elif block.kind is BlockKind.TABLE and block.level:
        header_end = block.text.find("\n")
        text.stylize(
            ink(style("article-view--table-header")),
            0,
            len(block.text) if header_end < 0 else header_end,
        )
    for span in block.spans:
        if span.kind is SpanKind.EMPHASIS:
            text.stylize(Style(italic=True), span.start, span.end)
        elif span.kind is SpanKind.STRONG:
            text.stylize(Style(bold=True), span.start, span.end)
        elif span.kind is SpanKind.CODE:
            text.stylize(style("article-view--code"), span.start, span.end)
        elif span.kind is SpanKind.STRIKE:
            text.stylize(Style(strike=True), span.start, span.end)
        elif span.kind in (SpanKind.LINK, SpanKind.NOTE):
            text.stylize(ink(style("article-view--link")), span.start, span.end)
        elif span.kind is SpanKind.IMAGE:
            text.stylize(ink(style("article-view--image")), span.start, span.end)
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
    reorder: bool = True,
) -> Rows:
    """Block ``index``'s rows, ``width`` cells wide, each drawn when first asked for.

    ``reorder``: a right-to-left paragraph's lines are shown in visual order, right-aligned
    (False: the terminal reorders them itself, and gets them in logical order)."""
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

    table = column.table(index)
    border = line_style + ink(style("article-view--table-rule"))

    def table_row(number: int, segments: list[Segment]) -> int:
        """A table's line: its cells' pieces side by side, or the rule under the header."""
        assert table is not None
        pieces = table.pieces[number]
        used = 0
        if pieces is None:
            rule = "─┼─".join("─" * w for w in table.widths) if table.widths else ""
            rule = rule or "─" * column.text_width
            segments.append(Segment(rule, border))
            return cell_len(rule)
        label = table.labels.get(number, "")
        if label:
            segments.append(Segment(label, line_style + ink(style("article-view--table-header"))))
            used += cell_len(label)
        for place, (start, end, cells, align) in enumerate(pieces):
            if place:
                segments.append(Segment(" │ ", border))
                used += 3
            piece = _slice(text, start, end)
            piece.stylize_before(line_style)
            room = max(0, cells - piece.cell_len)
            before = room if align == "r" else room // 2 if align == "c" else 0
            if before:
                segments.append(Segment(" " * before, line_style))
            segments.extend(piece.render(console))
            if room - before:
                segments.append(Segment(" " * (room - before), line_style))
            used += max(cells, piece.cell_len)
        return used

    bidi = reorder and block.kind in BIDI_KINDS and has_rtl(block.text)
    rtl = bidi and is_rtl(block.text)

    def rtl_row(number: int, segments: list[Segment]) -> int:
        """A line holding right-to-left words, in visual order; a right-to-left
        paragraph's against the right edge (its quote bar or list marker at the right too)."""
        start, end = lines[number]
        piece = _slice(text, start, end)
        piece.stylize_before(line_style)
        shown = Text(end="")
        marks = _styles_of(piece)
        for place, char in visual(block.text[start:end], rtl):
            shown.append(visible(char), marks[place])
        prefix = shape.first if number == 0 else shape.rest
        if not rtl:
            segments.append(Segment(prefix, prefix_style))
            segments.extend(shown.render(console))
            return len(prefix) + shown.cell_len
        after = Text(prefix[::-1], prefix_style)
        fill = max(0, column.text_width - shown.cell_len - after.cell_len)
        segments.append(Segment(" " * fill, line_style))
        segments.extend(shown.render(console))
        segments.extend(after.render(console))
        return fill + shown.cell_len + after.cell_len

    def render_row(number: int) -> Strip:
        if number >= len(lines):
            return Strip.blank(width, base)
        if bidi:
            gutter = note_gutter if number in noted else blank_gutter
            segments = [left, mark, gutter]
            used = left_cells + GUTTER + rtl_row(number, segments)
            if width > used:
                segments.append(Segment(" " * (width - used), base))
            return Strip(segments).crop_extend(0, width, base)
        if table is not None:
            segments = [left, mark, blank_gutter]
            used = left_cells + GUTTER + table_row(number, segments)
            fill = left_cells + right - used
            if fill > 0:
                segments.append(Segment(" " * fill, line_style))
                used += fill
            if width > used:
                segments.append(Segment(" " * (width - used), base))
            return Strip(segments).crop_extend(0, width, base)
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

    def __getitem__(self, row):  # type: ignore[override]
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


def _styles_of(text: Text) -> list[Style]:
    """The style of each character of ``text`` (its spans combined, in order)."""
    styles = [Style()] * len(text.plain)
    for span in text.spans:
        extra = Style.parse(span.style) if isinstance(span.style, str) else span.style
        for place in range(max(0, span.start), min(len(styles), span.end)):
            styles[place] = styles[place] + extra
    return styles


def _slice(text: Text, start: int, end: int) -> Text:
    """``text[start:end]`` without copying the whole text (Rich's slice divides it all,
    which made drawing a long paragraph quadratic)."""
    piece = Text(text.plain[start:end], style=text.style, end="")
    for span in text.spans:
        if span.end > start and span.start < end:
            piece.stylize(span.style, max(span.start, start) - start, min(span.end, end) - start)
    return piece
