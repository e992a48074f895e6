"""A table laid out in a column: its cells' places in the block's text, each column's width,
and the lines it is drawn in.

A table block's text (see :class:`~reader.model.BlockKind`) is its rows, one a line, their
cells separated by tabs: the words a search, a highlight and an export see, in reading
order. Drawn, the columns stand side by side, each cell wrapped to its column's width, the
header row above a rule. A table too wide for the column shares the room out: every column
gets what it needs up to an even share, and a table whose columns cannot have even
:data:`MIN_COLUMN` cells each is stacked: each cell on lines of its own, a rule between rows.

No Textual here; Rich only for cell widths.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.cells import cell_len

from reader.text.display import visible, wrap

CELL_SEPARATOR = "\t"
ROW_SEPARATOR = "\n"
GAP = 3
"""Cells between two columns (" │ ")."""
MIN_COLUMN = 6
"""The fewest cells a column is given before the table is stacked instead."""

Piece = tuple[int, int, int, str]
"""One cell's part of a drawn line: start, end (block offsets), the column's width, and its
alignment ("l", "c", "r")."""


@dataclass(frozen=True, slots=True)
class TableLayout:
    """How a table is drawn: per line, the pieces of its cells (None: the rule under the
    header); ``lines`` gives each line's span of the text, in order, for what looks a line
    up by offset; ``header`` the lines of the header row; ``widths`` the columns' widths
    (empty when stacked)."""

    pieces: list[list[Piece] | None]
    lines: list[tuple[int, int]]
    header: int
    widths: list[int]
    labels: dict[int, str] = field(default_factory=dict)  # stacked: line -> its label


def cells_of(text: str) -> list[list[tuple[int, int]]]:
    """Each row's cells as (start, end) offsets into ``text``."""
    rows = []
    start = 0
    for line in text.split(ROW_SEPARATOR):
        cells = []
        at = start
        for cell in line.split(CELL_SEPARATOR):
            cells.append((at, at + len(cell)))
            at += len(cell) + 1
        rows.append(cells)
        start += len(line) + 1
    return rows


def _width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(visible(text))


def column_widths(text: str, rows: list[list[tuple[int, int]]], room: int) -> list[int]:
    """Each column's width in ``room`` cells; [] when the table must be stacked."""
    count = max((len(row) for row in rows), default=0)
    if not count:
        return []
    natural = [1] * count
    for row in rows:
        for column, (start, end) in enumerate(row):
            natural[column] = max(natural[column], _width(text[start:end]))
    space = room - GAP * (count - 1)
    if sum(natural) <= space:
        return natural
    if count * MIN_COLUMN > space:
        return []
    # Water-filling: the narrowest columns take what they need, the rest share what is left.
    widths = [0] * count
    left = space
    order = sorted(range(count), key=lambda column: natural[column])
    for done, column in enumerate(order):
        share = left // (count - done)
        widths[column] = min(natural[column], max(MIN_COLUMN, share))
        left -= widths[column]
    return widths


def layout(text: str, header: int, aligns: str, room: int) -> TableLayout:
    """The table of ``text`` (``header`` rows of header, ``aligns`` a letter per column)
    laid out in ``room`` cells."""
    rows = cells_of(text)
    widths = column_widths(text, rows, room)
    pieces: list[list[Piece] | None] = []
    labels: dict[int, str] = {}
    header_lines = 0
    for number, row in enumerate(rows):
        if number == header and header and widths:
            pieces.append(None)  # the rule under the header
        if widths:
            _side_by_side(text, row, widths, aligns, pieces)
        else:
            if number:
                pieces.append(None)  # stacked: a rule between rows
            for column, (start, end) in enumerate(row):
                # A row's cell says which column it is in: the header's words before it.
                label = _label(text, rows[0], column, room) if header and number >= header else ""
                cells = max(1, room - len(label))
                for line, (a, b) in enumerate(wrap(text[start:end], cells)):
                    if label:
                        labels[len(pieces)] = label if not line else " " * len(label)
                    pieces.append([(start + a, start + b, cells, "l")])
        if number + 1 == header:
            header_lines = len(pieces)
    return TableLayout(pieces, _spans(pieces, len(text)), header_lines, widths, labels)


def _label(text: str, names: list[tuple[int, int]], column: int, room: int) -> str:
    """What a stacked cell is labelled with: its column's header (at most a third of the
    room, made safe to draw), and ": "."""
    if column >= len(names):
        return ""
    name = " ".join(visible(text[slice(*names[column])]).split())
    if not name:
        return ""
    limit = max(1, room // 3)
    if cell_len(name) > limit:
        name = name[: max(1, limit - 1)] + "…"
        while cell_len(name) > limit and len(name) > 1:
            name = name[:-2] + "…"
    return f"{name}: "


def _side_by_side(
    text: str,
    row: list[tuple[int, int]],
    widths: list[int],
    aligns: str,
    pieces: list[list[Piece] | None],
) -> None:
    wrapped = [
        [(start + a, start + b) for a, b in wrap(text[start:end], widths[column])]
        for column, (start, end) in enumerate(row)
    ]
    height = max((len(lines) for lines in wrapped), default=1)
    for line in range(height):
        drawn: list[Piece] = []
        for column, width in enumerate(widths):
            align = aligns[column] if column < len(aligns) else "l"
            if column >= len(row):
                end = row[-1][1] if row else 0
                drawn.append((end, end, width, align))
            elif line < len(wrapped[column]):
                drawn.append((*wrapped[column][line], width, align))
            else:
                end = row[column][1]
                drawn.append((end, end, width, align))
        pieces.append(drawn)


def _spans(pieces: list[list[Piece] | None], length: int) -> list[tuple[int, int]]:
    """Each line's first and last offset, never going back (a rule takes the place of the
    line before it)."""
    spans: list[tuple[int, int]] = []
    last = (0, 0)
    for line in pieces:
        if line:
            start = max(last[0], min(piece[0] for piece in line))
            last = (start, max(start, max(piece[1] for piece in line)))
        else:
            last = (last[1], last[1]) if spans else (0, 0)
        spans.append(last)
    return spans or [(0, length)]


def offset_in(layout: TableLayout, line: int, x: int) -> int:
    """The offset drawn at cell ``x`` (from the table's left edge) of ``line``."""
    pieces = layout.pieces[line] if 0 <= line < len(layout.pieces) else None
    if not pieces:
        return layout.lines[line][0] if 0 <= line < len(layout.lines) else 0
    left = cell_len(layout.labels.get(line, ""))
    for start, end, width, _align in pieces:
        if x < left + width + GAP:
            return min(end, start + max(0, x - left))
        left += width + GAP
    return pieces[-1][1]
