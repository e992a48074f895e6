"""The reading screen's header: the article's title, and where the reader is in it."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from reader.text.display import visible


class ArticleHeader(Widget):
    """Title on the left, where the reader is on the right.

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
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"article-header--title", "article-header--where"}

    def __init__(self, title: str) -> None:
        super().__init__()
        self._title = visible(title)
        self._where = ""

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
        if cell_len(title) > room:
            title = set_cell_size(title, room - 1) + "…" if room else ""
        segments = [
            Segment(" ", blank),
            Segment(title, title_style),
            Segment(" " * (room - cell_len(title) + 2), blank),
            Segment(self._where, where_style),
            Segment(" ", blank),
        ]
        return Strip(segments).crop_extend(0, width, blank)
