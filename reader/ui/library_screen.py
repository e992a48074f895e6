"""The library screen: every article with its title, length and progress; type to filter."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Key
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from reader.layout import visible
from reader.library import Library, LibraryEntry
from reader.ui.text import plain


class LibraryTable(DataTable):
    """The list of articles; printable keys that are not bindings start the filter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_top", "Top", show=False),
        Binding("G", "scroll_bottom", "Bottom", show=False),
    ]

    class TypeAhead(Message):
        """A character typed on the table, for the filter."""

        def __init__(self, character: str) -> None:
            super().__init__()
            self.character = character

    def on_key(self, event: Key) -> None:
        if event.is_printable and event.character and event.character not in "jkgGq?/":
            event.stop()
            self.post_message(self.TypeAhead(event.character))


class LibraryScreen(Screen[None]):
    """Lists the articles of a folder."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("question_mark", "app.help", "Help", id="help"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    class OpenArticle(Message):
        """The reader chose an article."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self._shown: list[LibraryEntry] = []

    def compose(self) -> ComposeResult:
        yield Static(plain(f"Library · {self.library.folder}"), id="library-title")
        yield Input(placeholder="Type to filter by title", id="filter")
        yield LibraryTable(cursor_type="row", zebra_stripes=True, id="articles")
        yield Static("", id="library-empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(LibraryTable)
        table.add_column("Title", key="title")
        table.add_column(Text("Words", justify="right"), key="words")
        table.add_column(Text("Read", justify="right"), key="read")
        self._fill("")
        table.focus()
        for problem in self.library.problems:
            self.notify(problem, severity="warning", markup=False)

    def set_library(self, library: Library) -> None:
        """Show a re-scanned library (after returning from an article)."""
        table = self.query_one(LibraryTable)
        selected = self._selected()
        self.library = library
        self._fill(self.query_one("#filter", Input).value)
        if selected is not None:
            for row, entry in enumerate(self._shown):
                if entry.path == selected.path:
                    table.move_cursor(row=row)

    def _fill(self, query: str) -> None:
        table = self.query_one(LibraryTable)
        table.clear()
        needle = query.casefold().strip()
        self._shown = [entry for entry in self.library.entries if needle in entry.title.casefold()]
        for entry in self._shown:
            progress = "" if entry.progress is None else f"{entry.progress * 100:.0f}%"
            table.add_row(
                Text(visible(entry.title)),
                Text(f"{entry.words:,}", justify="right"),
                Text(progress, justify="right"),
            )
        empty = self.query_one("#library-empty", Static)
        if not self.library.entries:
            empty.update(
                plain(
                    f"No articles in {self.library.folder}. "
                    "Add .md or .txt files there and start reader again."
                )
            )
        elif not self._shown:
            empty.update(plain(f"No title contains “{query}”. Press escape to clear the filter."))
        else:
            empty.update("")
        empty.display = not self._shown

    def _selected(self) -> LibraryEntry | None:
        table = self.query_one(LibraryTable)
        if not self._shown or table.cursor_row < 0:
            return None
        return self._shown[min(table.cursor_row, len(self._shown) - 1)]

    def action_filter(self) -> None:
        """Focus the filter."""
        self.set_focus(self.query_one("#filter", Input))

    @on(LibraryTable.TypeAhead)
    def _type_ahead(self, event: LibraryTable.TypeAhead) -> None:
        field = self.query_one("#filter", Input)
        self.set_focus(field)
        field.insert_text_at_cursor(event.character)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self._open_selected()

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self._open_selected()

    def _open_selected(self) -> None:
        entry = self._selected()
        if entry is not None:
            self.post_message(self.OpenArticle(entry.path))

    def on_key(self, event: Key) -> None:
        field = self.query_one("#filter", Input)
        if not field.has_focus:
            return
        table = self.query_one(LibraryTable)
        if event.key == "escape":
            event.stop()
            field.value = ""
            table.focus()
        elif event.key in ("down", "up"):
            event.stop()
            table.action_cursor_down() if event.key == "down" else table.action_cursor_up()
