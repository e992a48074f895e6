"""The contents screen (``c``): the article's headings as an indented tree, the reader's
section marked, each heading with how far into the article it is and how many highlights
its section holds; typing filters, ``enter`` jumps there (a jump the history keeps, so
``backspace`` comes back).

Drawn with the Line API, so a book of thousands of headings opens at once. The screen is
given the entries (:mod:`reader.text.contents`) and answers with the block chosen; the
reading screen makes the jump.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Click, Key
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Footer, Input, Static

from reader.text.contents import Entry, matching
from reader.text.display import visible
from reader.ui.widgets.cursor_list import CursorList
from reader.ui.widgets.fields import SafeInput
from reader.ui.widgets.text import plain

HERE = "▶ "
"""The mark before the heading of the section the reader is in."""
INDENT = 2
"""Cells of indentation per level of the tree."""


class ContentsList(CursorList):
    """The headings, one a row: only the rows on screen are drawn."""

    HELP_TITLE = "Contents"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="contents-down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="contents-up"),
        Binding("g,home", "first", "First", show=False, id="contents-first"),
        Binding("G,end", "last", "Last", show=False, id="contents-last"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="contents-page-down"),
        Binding("b,pageup", "page_up", "Page up", show=False, id="contents-page-up"),
        Binding("enter", "select", "Go there", id="contents-go"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "contents-list--cursor",
        "contents-list--cursor-blurred",
        "contents-list--here",
        "contents-list--detail",
    }
    DEFAULT_CSS = """
    ContentsList {
        & > .contents-list--cursor { background: $block-cursor-background; }
        & > .contents-list--cursor-blurred { background: $block-cursor-blurred-background; }
        & > .contents-list--here { color: $accent; text-style: bold; }
        & > .contents-list--detail { color: $text-muted; }
    }
    """

    def __init__(self, entries: Sequence[Entry], here: int | None, *, id: str | None = None):
        super().__init__(id=id)
        self.entries = entries
        self.here = here  # the position in entries of the reader's section
        self._rows: list[int] = list(range(len(entries)))
        if here is not None:
            self._cursor = here

    @property
    def _width(self) -> int:
        return max(10, self.scrollable_content_region.width or 40)

    @property
    def rows(self) -> list[int]:
        """The positions in the entries of the rows shown, in order."""
        return self._rows

    @property
    def current(self) -> Entry | None:
        """The entry under the cursor."""
        return self.entries[self._rows[self._cursor]] if self._rows else None

    def set_rows(self, rows: list[int]) -> None:
        """Show these entries, the cursor on the reader's section when it is among them."""
        self._rows = rows
        self._cursor = rows.index(self.here) if self.here in rows else 0
        self.virtual_size = Size(self._width, len(rows))
        self._scroll_to_cursor()
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self._width, len(self._rows))
        self._scroll_to_cursor()

    def move_cursor(self, row: int) -> None:
        """Put the cursor on ``row`` (kept in range) and scroll it into view."""
        if not self._rows:
            return
        self._cursor = max(0, min(row, len(self._rows) - 1))
        self._scroll_to_cursor()
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        self.scroll_to_region(
            Region(0, self._cursor, 1, 1), animate=False, immediate=True, force=True, center=True
        )

    @property
    def row_count(self) -> int:
        """How many headings are listed."""
        return len(self._rows)

    @property
    def page(self) -> int:
        """A screenful, less one."""
        return max(1, self.scrollable_content_region.height - 1)

    def action_select(self) -> None:
        """Go to the heading under the cursor."""
        entry = self.current
        if entry is not None:
            self.screen.dismiss(entry.block)

    def on_click(self, event: Click) -> None:
        row = int(self.scroll_offset.y) + event.y
        if 0 <= row < len(self._rows):
            self.move_cursor(row)
            self.action_select()

    def render_line(self, y: int) -> Strip:
        width = self._width
        row = int(self.scroll_offset.y) + y
        if row >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        position = self._rows[row]
        entry = self.entries[position]
        base = self.rich_style
        if row == self._cursor:
            blurred = "" if self.has_focus else "-blurred"
            base = base + self.get_component_rich_style(f"contents-list--cursor{blurred}")

        def colour(name: str) -> Style:
            # Foreground only: a component's background would punch holes in the cursor's.
            full = self.get_component_rich_style(f"contents-list--{name}")
            return Style(color=full.color, bold=full.bold)

        here = position == self.here
        count = f"{entry.highlights:,} ✎" if entry.highlights else ""
        detail = f"{count:>8}  {entry.progress * 100:3.0f}%"
        lead = (HERE if here else "  ") + " " * (INDENT * entry.depth)
        room = max(4, width - cell_len(lead) - cell_len(detail) - 2)
        title = Text(visible(entry.title), style=colour("here") if here else Style())
        title.truncate(room, overflow="ellipsis")
        line = Text.assemble(
            (lead, colour("here")),
            title,
            " " * (room - title.cell_len + 2),
            (detail, colour("detail")),
        )
        line.truncate(width, overflow="ellipsis")
        line.stylize_before(base)
        strip = Strip(list(line.render(self.app.console)))
        return strip.extend_cell_length(width, base).crop(0, width)


class ContentsFilter(SafeInput):
    """The filter: typing filters the headings; the keys that move a list move the
    contents'."""

    HELP_TITLE = "Filter"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Go there", id="contents-filter-go"),
        Binding("down", "screen.move(1)", "Next heading", show=False, id="contents-filter-down"),
        Binding("up", "screen.move(-1)", "Previous heading", show=False, id="contents-filter-up"),
        Binding("pagedown", "screen.page(1)", "Page down", show=False, id="contents-filter-pgdn"),
        Binding("pageup", "screen.page(-1)", "Page up", show=False, id="contents-filter-pgup"),
    ]


class ContentsScreen(Screen[int | None]):
    """The contents of one article; answers with the block of the heading chosen."""

    HELP_TITLE = "Contents"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "close",
            "Close",
            tooltip="Clear the filter; with none, close",
            id="contents-close",
        ),
        Binding("tab", "app.focus_next", "To the list and back", show=False, id="contents-tab"),
        Binding("question_mark", "app.help", "Help", show=False, id="help"),
    ]
    DEFAULT_CSS = """
    ContentsScreen {
        #contents-title { height: 1; padding: 0 1; text-style: bold; background: $panel; }
        #contents-filter { margin: 0 1; }
        ContentsList { height: 1fr; margin: 0 1; }
        #contents-empty { padding: 1 2; color: $text-muted; }
    }
    """

    def __init__(self, title: str, entries: Sequence[Entry], here: int | None) -> None:
        super().__init__()
        self.title_text = title
        self.entries = entries
        self.here = here

    def compose(self) -> ComposeResult:
        yield Static(plain(self._title(len(self.entries))), id="contents-title")
        yield ContentsFilter(
            placeholder="Type to filter the headings", id="contents-filter", select_on_focus=False
        )
        yield ContentsList(self.entries, self.here, id="contents-list")
        yield Static(plain("This article has no headings."), id="contents-empty")
        yield Footer()

    def _title(self, shown: int) -> str:
        total = len(self.entries)
        count = f"{total:,} heading{'s' * (total != 1)}"
        if shown != total:
            count = f"{shown:,} of {count}"
        return f"Contents · {self.title_text} · {count}"

    @property
    def filter_field(self) -> Input:
        """The filter."""
        return self.query_one("#contents-filter", Input)

    @property
    def list(self) -> ContentsList:
        """The headings."""
        return self.query_one(ContentsList)

    def on_mount(self) -> None:
        self._show("")
        self.filter_field.focus()

    def _show(self, query: str) -> None:
        rows = matching(self.entries, query)
        self.list.set_rows(rows)
        self.query_one("#contents-title", Static).update(plain(self._title(len(rows))))
        empty = self.query_one("#contents-empty", Static)
        if self.entries and not rows:
            empty.update(plain(f"No heading matches “{query}”. Escape clears the filter."))
        self.list.display = bool(rows)
        empty.display = not rows

    @on(Input.Changed, "#contents-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show(event.value)

    @on(Input.Submitted, "#contents-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.list.action_select()

    def action_close(self) -> None:
        """Clear the filter; close the screen when there is none."""
        field = self.filter_field
        if field.value:
            field.value = ""
            field.focus()
        else:
            self.dismiss(None)

    def action_move(self, step: int) -> None:
        """Move the list's cursor by ``step`` headings (from the filter)."""
        self.list.move_by(step)

    def action_page(self, step: int) -> None:
        """Move the list's cursor by ``step`` screenfuls (from the filter)."""
        self.list.move_by(step * self.list.page)

    def on_key(self, event: Key) -> None:
        field = self.filter_field
        if field.has_focus:
            return
        if event.is_printable and event.character and event.key not in self.active_bindings:
            # Typing on the list types in the filter.
            event.stop()
            event.prevent_default()
            self.set_focus(field)
            field.insert_text_at_cursor(event.character)
