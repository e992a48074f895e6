"""Instapaper's CSV export: ``URL, Title, Selection, Folder, Timestamp``, an article a row.

``Selection`` is the passage chosen on the page; a row without one is an article saved
with nothing highlighted (``reader add --from`` adds those articles), and is skipped here.
The article is matched by its address. Each highlight's id is made from its address,
words and time.
"""

from __future__ import annotations

from pathlib import Path

from reader.notes.formats import table
from reader.notes.formats.common import (
    MAX_TEXT,
    Reading,
    Skips,
    from_epoch,
    passage,
    quote_text,
)
from reader.notes.incoming import Incoming, record_id

KIND = "Instapaper CSV export"
COLUMNS = ("url", "title", "selection")


def looks_like(head: str) -> bool:
    """Whether a file starts with Instapaper's header."""
    names = table.header(head)
    return all(name in names for name in COLUMNS)


def read(path: Path) -> Reading:
    """The highlighted passages of an Instapaper CSV file."""
    skips = Skips()
    items: list[Incoming] = []
    for line, row in table.rows(path, COLUMNS):
        words = quote_text(row.get("selection", ""))
        if not words:
            skips.add("articles saved without a passage chosen (`reader add --from` adds them)")
            continue
        if len(words) > MAX_TEXT:
            skips.add(f"passages longer than {MAX_TEXT:,} characters")
            continue
        address, title = row.get("url", "").strip(), row.get("title", "")
        when = from_epoch(row.get("timestamp", ""))
        items.append(
            Incoming(
                id=record_id("instapaper", address, words, row.get("timestamp", "")),
                label=f"{title or address or 'untitled'} (line {line})",
                target=passage(words, title=title, source=address),
                created=when,
                modified=when,
            )
        )
    return Reading(KIND, items, skips)
