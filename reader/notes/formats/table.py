"""Comma-separated files as other tools export them: read a row at a time, by column name.

Quoting, commas and line ends inside a field are the ``csv`` module's to read. A cell is
only ever text: one that begins with ``=``, ``+``, ``-`` or ``@`` (a spreadsheet formula,
``=cmd|' /C calc'!A0``) is kept as the words it is, never evaluated nor taken for anything
else, and reader writes no CSV of its own that could hand it to a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from reader.notes.formats.common import FormatError

MAX_FIELD = 1_000_000
"""Characters of one field at the most (the ``csv`` module's own limit is 131,072)."""


def header(head: str) -> list[str]:
    """The column names of a CSV file's first line, lowercased ([] when it is not one)."""
    first = head.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    try:
        row = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return []
    return [name.strip().lower() for name in row]


def rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row of a CSV file as ``{column name (lowercase): cell}``, with the line it
    starts on; FormatError when a column in ``required`` is missing or the file is not CSV."""
    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD)
    try:
        with path.open("rb") as raw:
            handle = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
            reader = csv.reader(handle)
            try:
                names = [name.strip().lower() for name in next(reader, [])]
            except csv.Error as error:
                raise FormatError(
                    f"{path.name} is not a CSV file reader can read ({error})"
                ) from None
            missing = [name for name in required if name not in names]
            if missing:
                raise FormatError(
                    f"{path.name} has no column {', '.join(repr(n) for n in missing)}"
                )
            line = reader.line_num + 1
            while True:
                try:
                    row = next(reader, None)
                except csv.Error as error:
                    raise FormatError(f"{path.name}, line {reader.line_num}: {error}") from None
                if row is None:
                    return
                if any(cell.strip() for cell in row):
                    yield (
                        line,
                        {name: row[i] if i < len(row) else "" for i, name in enumerate(names)},
                    )
                line = reader.line_num + 1
    except OSError as error:
        raise FormatError(f"{path.name} cannot be read ({error.strerror or error})") from None
    finally:
        csv.field_size_limit(limit)
