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
from reader.ui.fields import SafeInput
from reader.ui.text import plain


class LibraryTable(DataTable):
    """The list of articles, with vim-style movement."""

    HELP_TITLE = "Articles"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="library-down"),
        Binding("k", "cursor_up", "Up", show=False, id="library-up"),
        Binding("g", "scroll_top", "Top", show=False, id="library-top"),
        Binding("G", "scroll_bottom", "Bottom", show=False, id="library-bottom"),
    ]


TUTORIAL = "welcome-to-reader.md"


class LibraryScreen(Screen[None]):
    """Lists the articles of a folder."""

    HELP_TITLE = "Library"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("plus", "add", "Add", id="add-article"),
        Binding("number_sign", "app.notes", "All notes", id="notes-screen"),
        Binding("question_mark", "app.help", "Help", id="help"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    class OpenArticle(Message):
        """The reader chose an article."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    class Resumed(Message):
        """The library is showing again (the app re-reads progress for it)."""

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self._shown: list[LibraryEntry] = []

    def compose(self) -> ComposeResult:
        count = len(self.library.entries)
        label = f"Library · {self.library.folder.name} · {count} article{'s' * (count != 1)}"
        yield Static(plain(label), id="library-title")
        yield SafeInput(placeholder="Type to filter by title", id="filter", select_on_focus=False)
        yield LibraryTable(cursor_type="row", zebra_stripes=True, id="articles")
        yield Static("", id="library-empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(LibraryTable)
        # The title goes last: a long one then never pushes the numbers off screen.
        table.add_column(Text("Read", justify="right"), key="read")
        table.add_column(Text("Words", justify="right"), key="words")
        table.add_column(Text("Highlights", justify="right"), key="highlights")
        table.add_column(Text("Notes", justify="right"), key="notes")
        table.add_column("Title", key="title")
        self._fill("")
        table.move_cursor(row=self._starting_row())
        table.focus()
        # Notify once the screen is showing, so the toasts land on it.
        self.call_after_refresh(self._report_problems)

    def _starting_row(self) -> int:
        """The article read last; before any has been read, the tutorial, if it is here
        (the README and the first screen tell a newcomer to start with it)."""
        opened = [(entry.opened, row) for row, entry in enumerate(self._shown) if entry.opened]
        if opened:
            return max(opened)[1]
        return next((row for row, e in enumerate(self._shown) if e.path.name == TUTORIAL), 0)

    def _report_problems(self) -> None:
        for problem in self.library.problems:
            self.notify(f"Skipped: {problem}", severity="warning", timeout=8, markup=False)

    def on_screen_resume(self) -> None:
        self.app.post_message(self.Resumed())

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

    def select(self, path: Path) -> None:
        """Put the cursor on the article at ``path``, if it is listed."""
        table = self.query_one(LibraryTable)
        for row, entry in enumerate(self._shown):
            if entry.path == path:
                table.move_cursor(row=row)
                return

    def _fill(self, query: str) -> None:
        table = self.query_one(LibraryTable)
        table.clear()
        needle = query.casefold().strip()
        self._shown = [entry for entry in self.library.entries if needle in entry.title.casefold()]
        for entry in self._shown:
            progress = "" if entry.progress is None else f"{entry.progress * 100:.0f}%"
            table.add_row(
                Text(progress, justify="right"),
                Text(f"{entry.words:,}", justify="right"),
                Text(f"{entry.highlights:,}" if entry.highlights else "", justify="right"),
                Text(f"{entry.notes:,}" if entry.notes else "", justify="right"),
                Text(visible(entry.title)),
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
        # The message takes the empty table's place, where the eye is.
        empty.display = not self._shown
        table.display = bool(self._shown)

    def _selected(self) -> LibraryEntry | None:
        table = self.query_one(LibraryTable)
        if not self._shown or table.cursor_row < 0:
            return None
        return self._shown[min(table.cursor_row, len(self._shown) - 1)]

    def action_add(self) -> None:
        """Ask for a web address or a file, and add it to the library."""
        from reader.ui.link_picker import TextPrompt

        def answered(source: str | None) -> None:
            if source:
                self.app.add_to_library(source)

        self.app.push_screen(
            TextPrompt(
                "Add to your library",
                "",
                "a web address, or the path of an .html, .htm or .epub file",
                hint="enter add · escape cancel",
            ),
            answered,
        )

    def action_filter(self) -> None:
        """Focus the filter."""
        self.set_focus(self.query_one("#filter", Input))

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
        table = self.query_one(LibraryTable)
        if not field.has_focus:
            if event.is_printable and event.character and event.key not in self.active_bindings:
                # Type to filter: the first letter moves focus to the filter at once, so the
                # letters typed right after it land there too.
                event.stop()
                event.prevent_default()
                self.set_focus(field)
                field.insert_text_at_cursor(event.character)
            return
        if event.key == "escape":
            event.stop()
            field.value = ""
            table.focus()
        elif event.key in ("down", "up"):
            event.stop()
            table.action_cursor_down() if event.key == "down" else table.action_cursor_up()
