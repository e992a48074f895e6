"""The notes screen: every highlight and note of the library, newest first, filtered as you
type; ``enter`` opens the article at the passage.

The notes come from a :class:`~reader.services.notes_index.NotesIndex`, which the app builds from
the store in a worker thread (half a second for 50,000 highlights); the screen says "Loading notes…"
until then and shows them, and the same thread then makes what the filter searches. The list draws
with the Line API, three lines a note, so its cost follows the screen and never the number of notes,
and a filter only swaps the list of positions it shows.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Click, Key
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from reader.services.notes_index import HIGHLIGHT, NoteItem, NotesIndex
from reader.text.display import shorten, visible
from reader.ui.host import reader_app
from reader.ui.notes.messages import NoteChosen, OpenNote
from reader.ui.widgets.cursor_list import CursorList
from reader.ui.widgets.fields import SafeInput
from reader.ui.widgets.text import plain

ROW = 3  # lines a note takes: where it is, its quote, its note and tags
SWATCH = "▌"


def _one_line(text: str, limit: int) -> str:
    """The start of ``text`` on one line, safe to draw (only what can show is looked at:
    a quote can be a whole chapter)."""
    return " ".join(visible(text[: limit * 2]).split())


class NotesList(CursorList):
    """The notes, drawn with the Line API: only the rows on screen are ever drawn."""

    HELP_TITLE = "Notes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="notes-down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="notes-up"),
        Binding("g,home", "first", "First", show=False, id="notes-first"),
        Binding("G,end", "last", "Last", show=False, id="notes-last"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="notes-page-down"),
        Binding("b,pageup", "page_up", "Page up", show=False, id="notes-page-up"),
        Binding("enter", "select", "Open at the passage", id="notes-open"),
        Binding("slash", "filter", "Filter", id="notes-filter"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "notes-list--cursor",
        "notes-list--cursor-blurred",
        "notes-list--title",
        "notes-list--where",
        "notes-list--note",
        "notes-list--tags",
        "notes-list--none",
        "notes-list--yellow",
        "notes-list--green",
        "notes-list--blue",
        "notes-list--pink",
        "notes-list--purple",
    }
    DEFAULT_CSS = """
    NotesList {
        & > .notes-list--cursor { background: $block-cursor-background; }
        & > .notes-list--cursor-blurred { background: $block-cursor-blurred-background; }
        & > .notes-list--title { text-style: bold; }
        & > .notes-list--where { color: $text-muted; }
        & > .notes-list--note { text-style: italic; }
        & > .notes-list--tags { text-style: bold; color: $text-accent; }
        & > .notes-list--none { color: $text-muted; }
        & > .notes-list--yellow { color: $reader-yellow; }
        & > .notes-list--green { color: $reader-green; }
        & > .notes-list--blue { color: $reader-blue; }
        & > .notes-list--pink { color: $reader-pink; }
        & > .notes-list--purple { color: $reader-purple; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._index = NotesIndex()
        self._rows: Sequence[int] = ()  # positions in the index, ascending: newest first
        self._strips: dict[tuple[object, ...], list[Strip]] = {}

    @property
    def _width(self) -> int:
        return max(10, self.scrollable_content_region.width or 40)

    @property
    def count(self) -> int:
        """How many notes are listed."""
        return len(self._rows)

    @property
    def current(self) -> NoteItem | None:
        """The note under the cursor."""
        if not self._rows:
            return None
        return self._index.item(self._rows[self._cursor])

    def set_rows(self, index: NotesIndex, rows: Sequence[int]) -> None:
        """List the notes of ``index`` at ``rows`` (ascending), keeping the cursor on the
        note it was on when that note is still listed."""
        position = self._rows[self._cursor] if self._rows else None
        if index is not self._index:
            # Read anew (back from an article): find the note in the new index.
            self._strips.clear()
            wanted = None if position is None else self._index.item(position).id
            position = None if wanted is None else index.find(wanted)
        self._index, self._rows, self._cursor = index, rows, 0
        if position is not None:
            found = bisect_left(rows, position)  # rows are ascending
            if found < len(rows) and rows[found] == position:
                self._cursor = found
        self.virtual_size = Size(self._width, ROW * len(rows))
        self._scroll_to_cursor()
        self.refresh()

    def on_resize(self) -> None:
        self._strips.clear()
        self.virtual_size = Size(self._width, ROW * len(self._rows))

    # --- moving -------------------------------------------------------------------------

    def move_cursor(self, row: int) -> None:
        """Put the cursor on note ``row`` (kept in range) and scroll it into view."""
        if not self._rows:
            return
        self._cursor = max(0, min(row, len(self._rows) - 1))
        self._scroll_to_cursor()
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        self.scroll_to_region(
            Region(0, self._cursor * ROW, 1, ROW), animate=False, immediate=True, force=True
        )

    @property
    def row_count(self) -> int:
        """How many notes are listed."""
        return len(self._rows)

    @property
    def page(self) -> int:
        """How many notes a page down moves by: a screenful, less one."""
        return max(1, self.scrollable_content_region.height // ROW - 1)

    def action_select(self) -> None:
        """Open the article at the note."""
        if (item := self.current) is not None:
            self.post_message(NoteChosen(item))

    def action_filter(self) -> None:
        """Type in the filter."""
        self.screen.set_focus(self.screen.query_one("#notes-filter"))

    def on_click(self, event: Click) -> None:
        row = (int(self.scroll_offset.y) + event.y) // ROW
        if 0 <= row < len(self._rows):
            self.move_cursor(row)
            self.action_select()

    # --- drawing ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self._width
        row, part = divmod(int(self.scroll_offset.y) + y, ROW)
        if row >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        return self._row_strips(row, width)[part]

    def _row_strips(self, row: int, width: int) -> list[Strip]:
        position = self._rows[row]
        is_cursor = row == self._cursor
        key = (position, width, is_cursor, self.has_focus, self.app.theme)
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        if len(self._strips) > 512:
            self._strips.clear()
        base = self.rich_style
        if is_cursor:
            blurred = "" if self.has_focus else "-blurred"
            base = base + self.get_component_rich_style(f"notes-list--cursor{blurred}")

        def style(name: str) -> Style:
            # Foreground only: a component's background would punch holes in the cursor's.
            full = self.get_component_rich_style(f"notes-list--{name}")
            return Style(color=full.color, bold=full.bold, italic=full.italic)

        item = self._index.item(position)
        swatch = (SWATCH + " ", style(item.colour or "none"))
        if item.kind != HIGHLIGHT:
            where = "article note"
        elif item.paragraph is None:
            where = item.mark
        else:
            where = " · ".join(part for part in (f"¶ {item.paragraph:,}", item.mark) if part)
        if item.when:
            where += f" · {item.when[:10]}"
        where = "  " + where
        # The title gives way, never where the note is.
        title = Text(_one_line(item.title, width), style=style("title"))
        title.truncate(max(8, width - 2 - cell_len(where)), overflow="ellipsis")
        head = Text.assemble(swatch, title, (where, style("where")))
        tags = " ".join(f"#{visible(tag)}" for tag in item.tags)
        note = _one_line(item.note, width)
        if item.quote:
            # Cut after a whole word, with "…", inside its quotation marks.
            body = Text.assemble(swatch, f"“{shorten(_one_line(item.quote, width), width - 4)}”")
            last = Text.assemble(swatch)
            if note:
                last.append(f"✎ {note}", style("note"))
            if tags:
                last.append("  " * bool(note) + tags, style("tags"))
        else:
            body = Text.assemble(swatch, (f"✎ {note}", style("note")))
            last = Text.assemble(swatch, (tags, style("tags")))
        console = self.app.console
        strips = []
        for text in (head, body, last):
            text.truncate(width, overflow="ellipsis")
            text.stylize_before(base)
            strip = Strip(list(text.render(console)))
            strips.append(strip.extend_cell_length(width, base).crop(0, width))
        self._strips[key] = strips
        return strips


class NotesFilter(SafeInput):
    """The filter: typing filters, and the keys that move a list move the notes'."""

    HELP_TITLE = "Filter"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Open at the passage", id="notes-filter-open"),
        Binding("down", "screen.move(1)", "Next note", show=False, id="notes-filter-down"),
        Binding("up", "screen.move(-1)", "Previous note", show=False, id="notes-filter-up"),
        Binding("pagedown", "screen.page(1)", "Page down", show=False, id="notes-filter-pgdn"),
        Binding("pageup", "screen.page(-1)", "Page up", show=False, id="notes-filter-pgup"),
    ]


class NotesScreen(Screen[None]):
    """Every highlight and note of the library, filtered as you type."""

    HELP_TITLE = "All notes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "close",
            "Close",
            tooltip="Clear the filter; with none, close",
            id="notes-close",
        ),
        Binding("q", "dismiss", "Close", show=False, id="notes-quit"),
        Binding("question_mark", "app.help", "Help", show=False, id="help"),
    ]
    DEFAULT_CSS = """
    NotesScreen {
        #notes-title { height: 1; padding: 0 1; text-style: bold; background: $panel; }
        #notes-filter { margin: 0 1; }
        NotesList { height: 1fr; margin: 0 1; }
        #notes-empty { padding: 1 2; color: $text-muted; }
    }
    """
    PLACEHOLDER = 'Filter: words, "a phrase", #tag, a colour, in:article'

    def __init__(self) -> None:
        super().__init__()
        self.index: NotesIndex | None = None

    def compose(self) -> ComposeResult:
        yield Static(plain("All notes"), id="notes-title")
        yield NotesFilter(placeholder=self.PLACEHOLDER, id="notes-filter", select_on_focus=False)
        yield NotesList(id="notes-list")
        yield Static(plain("Loading notes…"), id="notes-empty")
        yield Footer()

    @property
    def filter_field(self) -> Input:
        """The filter."""
        return self.query_one("#notes-filter", Input)

    @property
    def notes(self) -> NotesList:
        """The list of notes."""
        return self.query_one(NotesList)

    def on_mount(self) -> None:
        self.notes.display = False
        self.filter_field.focus()

    def on_screen_resume(self) -> None:
        # Shown first, and again after an article opened from here: read the notes anew
        # (the reader may have changed some), keeping the filter and the note chosen.
        self.read_notes()

    @work(thread=True, exclusive=True, group="notes-index", name="notes-index", exit_on_error=False)
    def read_notes(self) -> None:
        """Read every note (in a worker thread: half a second for 50,000), show them, then
        make what the filter searches while the reader looks. A failure is said, and the
        app goes on."""
        worker = get_current_worker()
        try:
            index = reader_app(self).notes_index()
            if not worker.is_cancelled:  # a newer read took its place: its notes show
                self.app.call_from_thread(self._loaded, index)
            # The notes are on screen: now what the filter searches, while the reader looks.
            index.prepare()
            if not worker.is_cancelled:
                self.app.call_from_thread(self._loaded, index)
        except Exception as error:  # a bug, not the reader's doing: said, not a crash
            self.notify(f"Could not read the notes: {error!r}", severity="error")

    def _loaded(self, index: NotesIndex) -> None:
        if not self.is_attached:
            return  # closed while the notes were being read
        self.index = index
        self._show(self.filter_field.value)

    def _show(self, query: str) -> None:
        index = self.index
        if index is None:
            return  # still loading: the filter is applied once the notes are in
        if not index.ready and index.parse(query):
            # Being made in the worker thread, in a moment: the filter is applied then.
            self.query_one("#notes-title", Static).update(plain("All notes · filtering…"))
            return
        notes, empty = self.notes, self.query_one("#notes-empty", Static)
        rows = index.filter(query)
        notes.set_rows(index, rows)
        total = len(index)
        articles = index.article_count
        title = f"All notes · {total:,} in {articles:,} article{'s' * (articles != 1)}"
        if not total:
            title = "All notes"
        elif index.parse(query):
            title = f"All notes · {len(rows):,} of {total:,}"
        self.query_one("#notes-title", Static).update(plain(title))
        if not total:
            empty.update(
                plain(
                    "No highlights or notes yet. In an article, h highlights the paragraph "
                    "and a writes a note on it."
                )
            )
        elif not rows:
            empty.update(plain(f"Nothing matches “{query}”. Escape clears the filter."))
        notes.display = bool(rows)
        empty.display = not rows

    @on(Input.Changed, "#notes-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show(event.value)

    @on(Input.Submitted, "#notes-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.notes.action_select()

    @on(NoteChosen)
    def _selected(self, event: NoteChosen) -> None:
        event.stop()
        self.post_message(OpenNote(event.item))

    def action_close(self) -> None:
        """Clear the filter; close the screen when there is none."""
        field = self.filter_field
        if field.value:
            field.value = ""
            field.focus()
        else:
            self.dismiss()

    def action_move(self, step: int) -> None:
        """Move the list's cursor by ``step`` notes (from the filter)."""
        self.notes.move_by(step)

    def action_page(self, step: int) -> None:
        """Move the list's cursor by ``step`` screenfuls (from the filter)."""
        self.notes.move_by(step * self.notes.page)

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
