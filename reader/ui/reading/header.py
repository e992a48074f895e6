"""The reading screen's header: the article's title, the chapter the reader is in, and
where the reader is in it."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from reader.text.display import visible


class ArticleHeader(Widget):
    """Title and chapter on the left, where the reader is on the right.

    One widget that draws both, rather than a title and a position side by side: a position
    that grows or shrinks by a digit (``g``, ``G``) would resize both, and a layout of the
    whole screen costs 5-10 ms, and a second frame (Textual lays a resized widget out again).
    Drawn alone, the header never changes size; a new position only redraws it.
    """

    DEFAULT_CSS = """
    ArticleHeader {
        height: 1;
        dock: top;
        background: $panel;
        color: $foreground;
        & > .article-header--title { text-style: bold; }
        & > .article-header--where { color: $text-muted; }
        & > .article-header--chapter { color: $text-muted; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-header--title",
        "article-header--where",
        "article-header--chapter",
    }

    def __init__(self, title: str) -> None:
        super().__init__()
        self._title = visible(title)
        self._where = ""
        self._chapter = ""

    def show_chapter(self, text: str) -> None:
        """Show the chapter (the heading of the section) the reader is in ("": none)."""
        chapter = " ".join(visible(text).split())
        if chapter != self._chapter:
            self._chapter = chapter
            self.refresh()

    def show_position(self, text: str) -> None:
        """Show the reading position (plain text)."""
        where = visible(text)
        if where != self._where:
            self._where = where
            self.refresh()

    def render_line(self, y: int) -> Strip:
        # Drawn as Textual drew a title one fraction wide beside a position as wide as its
        # text, each with a cell of padding on either side (the padding and the room after
        # the title in the background alone), the title cut with an ellipsis where they meet.
        width = self.size.width
        blank = Style.from_color(bgcolor=self.rich_style.bgcolor)
        title_style = self.get_component_rich_style("article-header--title")
        where_style = self.get_component_rich_style("article-header--where")
        room = max(0, width - cell_len(self._where) - 4)
        title = self._title
        chapter = f" › {self._chapter}" if self._chapter else ""
        if cell_len(title) + cell_len(chapter) > room:
            # Both cut where they do not fit: the chapter keeps up to two thirds of the room
            # (it is what changes as the reader goes on), the title the rest.
            keep = min(cell_len(chapter), max(room * 2 // 3, room - cell_len(title)))
            chapter = _cut(chapter, keep)
            title = _cut(title, room - cell_len(chapter))
        used = cell_len(title) + cell_len(chapter)
        segments = [
            Segment(" ", blank),
            Segment(title, title_style),
            Segment(chapter, self.get_component_rich_style("article-header--chapter")),
            Segment(" " * (room - used + 2), blank),
            Segment(self._where, where_style),
            Segment(" ", blank),
        ]
        return Strip(segments).crop_extend(0, width, blank)


def _cut(text: str, room: int) -> str:
    """``text`` in ``room`` cells, ending in "…" when cut."""
    if cell_len(text) <= room:
        return text
    return set_cell_size(text, room - 1) + "…" if room > 0 else ""
