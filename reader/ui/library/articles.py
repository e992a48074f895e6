"""The library's list of articles, drawn with the Line API: its cost follows the screen.

Textual's DataTable measures every cell of every row it is given (1.1 s for 5,000
articles, before the first row shows); this list measures nothing it does not draw. The
numbers' columns are as wide as their largest value, the folder's as its longest name (up
to a limit), and the title takes the rest; a row is drawn only when it is on screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Size
from textual.strip import Strip

from reader.services.library import LibraryEntry
from reader.text.display import visible
from reader.ui.library.messages import RowChosen
from reader.ui.widgets.cursor_list import CursorList

GAP = 2  # cells between two columns
FOLDER_WIDTH = 24  # at most: a deep folder's name gives way to the title
NUMBERS = (("Read", "read"), ("Words", "words"), ("Highlights", "highlights"), ("Notes", "notes"))
MIN_TITLE = 30  # cells the title keeps before other columns give way
GIVE_WAY = ("words", "notes", "read", "highlights")  # the order the numbers give way in


def _cells(entry: LibraryEntry) -> dict[str, str]:
    return {
        "read": "" if entry.progress is None else f"{entry.progress * 100:.0f}%",
        "words": f"{entry.words:,}",
        "highlights": f"{entry.highlights:,}" if entry.highlights else "",
        "notes": f"{entry.notes:,}" if entry.notes else "",
    }


class LibraryList(CursorList):
    """Articles, one a row, under a header that stays; j/k move, enter or a click opens."""

    HELP_TITLE = "Articles"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="library-down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="library-up"),
        Binding("g,home", "first", "Top", show=False, id="library-top"),
        Binding("G,end", "last", "Bottom", show=False, id="library-bottom"),
        Binding("pagedown", "page_down", "Page down", show=False, id="library-page-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="library-page-up"),
        Binding("enter", "select", "Open", show=False, id="library-open"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "library-list--header",
        "library-list--cursor",
        "library-list--cursor-blurred",
        "library-list--even",
        "library-list--folder",
    }
    DEFAULT_CSS = """
    LibraryList {
        & > .library-list--header { text-style: bold; color: $text-accent; }
        & > .library-list--cursor { background: $block-cursor-background; }
        & > .library-list--cursor-blurred { background: $block-cursor-blurred-background; }
        & > .library-list--even { background: $surface-lighten-1 30%; }
        & > .library-list--folder { color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._entries: Sequence[LibraryEntry] = ()
        self._folders = False
        self._widths: dict[str, int] = {}
        self._strips: dict[tuple[object, ...], Strip] = {}

    # --- what is shown ------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """How many rows the list holds."""
        return len(self._entries)

    @property
    def cursor_row(self) -> int:
        """The row the cursor is on (0 when the list is empty)."""
        return self._cursor

    def set_rows(self, entries: Sequence[LibraryEntry], *, folders: bool) -> None:
        """Show ``entries`` (a Folder column when ``folders``); the cursor stays in range."""
        self._entries = entries
        self._folders = folders
        self._widths = self._measure(entries)
        self._strips.clear()
        self._cursor = min(self._cursor, max(0, len(entries) - 1))
        self.virtual_size = Size(self.scrollable_content_region.width, len(entries) + 1)
        self._keep_cursor_in_view()
        self.refresh()

    def _measure(self, entries: Sequence[LibraryEntry]) -> dict[str, int]:
        # The largest number is the widest: no row needs formatting to know it.
        widest = {
            "read": "100%" if any(e.progress is not None for e in entries) else "",
            "words": f"{max((e.words for e in entries), default=0):,}",
            "highlights": f"{max((e.highlights for e in entries), default=0):,}",
            "notes": f"{max((e.notes for e in entries), default=0):,}",
        }
        widths = {key: max(len(label), len(widest[key])) for label, key in NUMBERS}
        if self._folders:
            names = {e.folder for e in entries}
            longest = max((cell_len(visible(name)) for name in names), default=0)
            widths["folder"] = min(FOLDER_WIDTH, max(len("Folder"), longest))
        return widths

    def move_cursor(self, row: int) -> None:
        """Put the cursor on ``row`` (kept in range) and scroll it into view."""
        row = max(0, min(row, len(self._entries) - 1))
        if row != self._cursor:
            self._cursor = row
            self._strips.clear()
            self.refresh()
        self._keep_cursor_in_view()

    def _keep_cursor_in_view(self) -> None:
        rows = max(1, self.size.height - 1)  # under the header
        top = int(self.scroll_offset.y)
        if self._cursor < top:
            top = self._cursor
        elif self._cursor >= top + rows:
            top = self._cursor - rows + 1
        if top != int(self.scroll_offset.y):
            self.scroll_to(y=top, animate=False, immediate=True)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._entries) + 1)
        self._strips.clear()
        self._keep_cursor_in_view()

    def on_focus(self) -> None:
        self._strips.clear()  # drawn with the cursor's other colour
        super().on_focus()

    def on_blur(self) -> None:
        self._strips.clear()
        super().on_blur()

    # --- keys and the mouse -------------------------------------------------------------

    @property
    def page(self) -> int:
        """A screenful, less one (the header takes a row)."""
        return max(1, self.size.height - 2)

    def action_select(self) -> None:
        """Open the article under the cursor."""
        if self._entries:
            self.post_message(RowChosen(self._cursor))

    def on_click(self, event: Click) -> None:
        if event.y == 0:
            return  # the header
        row = int(self.scroll_offset.y) + event.y - 1
        if 0 <= row < len(self._entries):
            self.move_cursor(row)
            self.action_select()

    # --- drawing ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._strip(-1, width)
        row = int(self.scroll_offset.y) + y - 1
        if row >= len(self._entries):
            return Strip.blank(width, self.rich_style)
        return self._strip(row, width)

    def _strip(self, row: int, width: int) -> Strip:
        key = (row, width, row == self._cursor, self.has_focus, self.app.theme)
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        if len(self._strips) > 512:
            self._strips.clear()
        base = self.rich_style
        if row < 0:
            cells = {key: label for label, key in NUMBERS}
            texts = (cells, "Folder", "Title")
            base += self.get_component_rich_style("library-list--header")
            folder_style = Style()
        else:
            entry = self._entries[row]
            texts = (_cells(entry), visible(entry.folder), visible(entry.title))
            if row == self._cursor:
                blurred = "" if self.has_focus else "-blurred"
                base += self.get_component_rich_style(f"library-list--cursor{blurred}")
            elif row % 2:
                base += self.get_component_rich_style("library-list--even")
            full = self.get_component_rich_style("library-list--folder")
            folder_style = Style(color=full.color)  # no background: the cursor's shows
        numbers, folder, title = texts
        shown, folder_width = self._columns(width)
        segments = [Segment(" ", base)]
        for name in shown:
            segments.append(Segment(numbers[name].rjust(self._widths[name]) + " " * GAP, base))
        if folder_width:
            folder_cell = _fit(folder, folder_width)
            segments.append(Segment(folder_cell, base + folder_style))
            segments.append(Segment(" " * GAP, base))
        used = sum(segment.cell_length for segment in segments)
        segments.append(Segment(_fit(title, max(0, width - used - 1)) + " ", base))
        strip = Strip(segments).adjust_cell_length(width, base)
        self._strips[key] = strip
        return strip

    def _columns(self, width: int) -> tuple[list[str], int]:
        """The number columns shown at ``width``, and the Folder column's width (0: none).

        The title is what a row is for: below :data:`MIN_TITLE` cells (or half the width,
        in a narrow terminal) the folder narrows, then goes, then the numbers give way.
        """
        shown = [name for _label, name in NUMBERS]
        folder = self._widths["folder"] if self._folders else 0
        wanted = min(MIN_TITLE, width // 2)

        def room() -> int:
            used = 2 + sum(self._widths[name] + GAP for name in shown)
            return width - used - (folder + GAP if folder else 0)

        if folder and room() < wanted:
            folder = max(0, folder - (wanted - room()))
            folder = folder if folder >= len("Folder") else 0
        for name in GIVE_WAY:
            if room() >= wanted:
                break
            shown.remove(name)
        return shown, folder


def _fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with an ellipsis."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    if width <= 1:
        return set_cell_size("…", width)
    return set_cell_size(text, width - 1) + "…"
