"""Readwise's CSV export: one highlight a row, with its book, note, colour, tags and time.

Columns (Readwise's names): ``Highlight``, ``Book Title``, ``Book Author``, ``Amazon Book
ID``, ``Note``, ``Color``, ``Tags``, ``Location Type``, ``Location``, ``Highlighted at``,
``Document tags``; a ``URL`` (or ``Source URL``) column, when there is one, names the web
page a highlight was made on. The book is matched by its address, else by its title and
author. Each highlight's id is made from its book, place, words and time.
"""

from __future__ import annotations

from pathlib import Path

from reader.notes.formats import table
from reader.notes.formats.common import (
    MAX_TEXT,
    Reading,
    Skips,
    colour_of,
    from_iso,
    note,
    passage,
    quote_text,
    tags_of,
)
from reader.notes.incoming import Incoming, record_id

KIND = "Readwise CSV export"
COLUMNS = ("highlight", "book title")


def looks_like(head: str) -> bool:
    """Whether a file starts with Readwise's header."""
    names = table.header(head)
    return all(name in names for name in COLUMNS) and "book author" in names


def read(path: Path) -> Reading:
    """The highlights of a Readwise CSV file."""
    skips = Skips()
    items: list[Incoming] = []
    for line, row in table.rows(path, COLUMNS):
        words = quote_text(row.get("highlight", ""))
        if not words:
            skips.add("rows without a highlight")
            continue
        if len(words) > MAX_TEXT:
            skips.add(f"highlights longer than {MAX_TEXT:,} characters")
            continue
        title, author = row.get("book title", ""), row.get("book author", "")
        address = row.get("url", "") or row.get("source url", "")
        where = " ".join(
            part for part in (row.get("location type", ""), row.get("location", "")) if part
        )
        when = from_iso(row.get("highlighted at", ""))
        items.append(
            Incoming(
                id=record_id(
                    "readwise", title, author, where, words, row.get("highlighted at", "")
                ),
                label=f"{title or 'untitled'}, {where or f'line {line}'}",
                target=passage(words, title=title, author=author, source=address),
                note=note(row.get("note", "")),
                tags=tags_of(row.get("tags", "")),
                created=when,
                modified=when,
                colour=colour_of(row.get("color", "")),
            )
        )
    return Reading(KIND, items, skips)
