"""An article's table of contents: its headings as a tree, each with how far into the
article it is and how many highlights its section holds, and the filter typed over them.

Pure: neither the store nor Textual. The levels are the headings' own; a book that
``reader add`` wrote has them from its navigation document (see :mod:`reader.intake.epub`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reader.model import Article
from reader.text.links import normalise_title


@dataclass(frozen=True, slots=True)
class Entry:
    """One heading of the contents.

    ``depth`` is its indentation in the tree (0 for the article's highest level);
    ``progress`` how far into the article it starts (0.0-1.0, as the header counts:
    by paragraph); ``highlights`` how many highlights start in its section, the
    sections under it included.
    """

    block: int
    title: str
    depth: int
    progress: float
    highlights: int


def contents(article: Article, highlight_starts: Iterable[int] = ()) -> list[Entry]:
    """The headings of ``article`` (what has loaded of it), in order, as entries.

    ``highlight_starts`` are the text offsets where the article's placed highlights start.
    """
    blocks = article.blocks
    headings = article.headings
    if not headings:
        return []
    top = min(blocks[index].level for index in headings)
    last = max(1, len(blocks) - 1)
    # Which block each highlight starts in, sorted, so a section's count is two bisects.
    starts = sorted(article.block_at(offset) for offset in highlight_starts)
    entries = []
    for position, index in enumerate(headings):
        level = blocks[index].level
        end = len(blocks)
        for later in headings[position + 1 :]:
            if blocks[later].level <= level:
                end = later
                break
        count = bisect_left(starts, end) - bisect_left(starts, index)
        title = " ".join(blocks[index].text.split())
        entries.append(Entry(index, title, level - top, index / last, count))
    return entries


def current(entries: Sequence[Entry], cursor: int) -> int | None:
    """The position in ``entries`` of the section block ``cursor`` is in (None: before the
    first heading)."""
    position = bisect_left([entry.block for entry in entries], cursor + 1) - 1
    return position if position >= 0 else None


def matching(entries: Sequence[Entry], query: str) -> list[int]:
    """The positions of the entries whose title holds every word of ``query`` (case,
    accents and punctuation forgiven); all of them for an empty query."""
    words = normalise_title(query).split()
    if not words:
        return list(range(len(entries)))
    return [
        position
        for position, entry in enumerate(entries)
        if all(word in normalise_title(entry.title) for word in words)
    ]
