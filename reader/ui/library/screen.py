"""The library screen: every article with its title, length and progress; ``/`` filters.

Letters always act on the list (j, k, g, G, q, +, #), as in less, vim or lazygit: a title
beginning with q can be looked for, and no key is taken for text by surprise. ``/`` puts
the cursor in the filter, where every key is text but enter (open), escape (clear and leave)
and the arrows (move the list); the footer then offers only those.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from reader.services.library import Library, LibraryEntry, sort_entries
from reader.services.review import streak
from reader.ui.host import reader_app
from reader.ui.keynames import is_typed, normalize
from reader.ui.library.articles import LibraryList
from reader.ui.library.messages import OpenArticle, ReadAgain, RowChosen
from reader.ui.library.watch import LibraryWatch
from reader.ui.messages import AddSource
from reader.ui.widgets.fields import SafeInput
from reader.ui.widgets.text import plain

TUTORIAL = "welcome-to-reader.md"


SORTS = ("title", "recent", "added", "progress", "highlights")


class LibraryFilter(SafeInput):
    """The filter: what is typed narrows the list; enter opens, escape clears and leaves."""

    HELP_TITLE = "Filter"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Open", id="library-filter-open"),
        Binding(
            "escape",
            "screen.leave_filter",
            "Clear",
            tooltip="Clear the filter and go back to the list",
            id="library-filter-clear",
        ),
        Binding("down", "screen.move(1)", "Next article", show=False, id="library-filter-down"),
        Binding("up", "screen.move(-1)", "Previous article", show=False, id="library-filter-up"),
    ]
    TYPING = "Filter by title or folder · enter opens · escape clears"

    def on_focus(self) -> None:
        self.placeholder = self.TYPING

    def on_blur(self) -> None:
        self.placeholder = self.idle()

    def idle(self) -> str:
        """What the empty filter says while the list has the keys: the key that filters
        (``/``, or the one the settings give it)."""
        key = next(
            (
                self.app.get_key_display(active.binding)
                for active in self.screen.active_bindings.values()
                if active.binding.id == "filter"
            ),
            "/",
        )
        return f"Press {key} to filter by title or folder"


class LibraryScreen(Screen[None]):
    """Lists the articles of a folder (and its subfolders), read in the background."""

    HELP_TITLE = "Library"
    # The list has the keys from the first frame. Textual's own choice (the first field
    # that takes focus) was the filter, and a key pressed as the screen came up (#, q)
    # was now and then typed into it, before on_mount gave the list the focus.
    AUTO_FOCUS = "LibraryList"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("plus", "add", "Add", id="add-article"),
        Binding("ctrl+s", "sort", "Sort", id="library-sort"),
        Binding(
            "ctrl+r",
            "refresh_library",
            "Read again",
            show=False,
            tooltip="Read the folder again (files added or moved show by themselves)",
            id="library-refresh",
        ),
        Binding("number_sign", "app.notes", "All notes", id="notes-screen"),
        Binding("R", "app.review", "Review", id="review"),
        Binding("question_mark", "app.help", "Help", id="help"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    def __init__(self, library: Library, *, reading: bool = False, sort: str = "title") -> None:
        super().__init__()
        self.library = library
        self.reading = reading  # the app is still reading the folder
        self.sort = sort if sort in SORTS else "title"
        self._shown: list[LibraryEntry] = []
        self._resumed = False
        self._placed = False  # the cursor has been put on its starting row
        self._known = False  # showing the database's list, not yet the folder's
        self._query = ""  # what the filter holds
        self._progress = (0, 0)  # files read of all, while the folder is read
        self.folder_watch = LibraryWatch(self, lambda: self.library, self.read_again)
        self._review = (0, 0)  # highlights left to review today, and the days in a row

    def compose(self) -> ComposeResult:
        yield Static("", id="library-title")
        yield LibraryFilter(id="filter", select_on_focus=False)
        yield LibraryList(id="articles")
        yield Static("", id="library-empty")
        yield Footer()

    def on_mount(self) -> None:
        self._fill("")
        self._show_title()
        self.query_one(LibraryList).focus()
        field = self.query_one(LibraryFilter)
        field.placeholder = field.idle()
        if not self.reading:
            self._place_cursor()
            # Notify once the screen is showing, so the toasts land on it.
            self.call_after_refresh(self._report_problems)

    def _show_title(self, done: int | None = None, total: int | None = None) -> None:
        if done is not None and total is not None:
            self._progress = (done, total)
        done, total = self._progress
        count = len(self.library.entries)
        articles = f"{count:,} article{'s' * (count != 1)}"
        if self._query:  # filtered: how many of them show
            articles = f"{len(self._shown):,} of {articles}"
        label = f"Library · {self.library.folder.name} · {articles}"
        if self.reading and total:
            label += f" · reading {done:,} of {total:,}…"
        elif self.reading:
            label += " · reading…"
        if self.sort != "title":
            label += f" · by {self.sort}"
        due, days = self._review
        if due:
            label += f" · {due:,} to review today (R)"
        if days:
            label += f" · {days}-day review streak"
        self.query_one("#library-title", Static).update(plain(label))

    def show_known(self, entries: list[LibraryEntry]) -> None:
        """The library as the database last saw it, while the folder is read."""
        self.library = Library(self.library.folder, entries, [])
        self._known = True
        self._refill()
        self._show_title()
        self._place_cursor()

    def add_batch(
        self, entries: list[LibraryEntry], problems: list[str], done: int, total: int
    ) -> None:
        """Articles read so far (the app reads the folder in a worker thread). The first
        batch takes the place of what :meth:`show_known` showed."""
        before = [] if self._known else self.library.entries
        self._known = False
        self.library = Library(
            self.library.folder,
            [*before, *entries],
            [*self.library.problems, *problems],
        )
        self.reading = done < total
        self._refill()
        self._show_title(done, total)
        if not self._placed and self._shown and not self.reading:
            self._place_cursor()
        if not self.reading:
            self._report_problems()

    def _place_cursor(self) -> None:
        self._placed = True
        self.query_one(LibraryList).move_cursor(self._starting_row())

    def _starting_row(self) -> int:
        """The article read last; before any has been read, the tutorial, if it is here
        (the README and the first screen tell a newcomer to start with it)."""
        opened = [(entry.opened, row) for row, entry in enumerate(self._shown) if entry.opened]
        if opened:
            return max(opened)[1]
        return next((row for row, e in enumerate(self._shown) if e.path.name == TUTORIAL), 0)

    def _report_problems(self) -> None:
        for problem in self.library.problems:
            self.notify(f"Skipped: {problem}", severity="warning", timeout=8)

    def on_screen_suspend(self) -> None:
        self.folder_watch.stop()  # an article, or every note, is on top

    def on_screen_resume(self) -> None:
        self.folder_watch.start()
        self.count_review()  # shown, or back from the review or an article
        # The first resume is the screen being shown at all; later ones are returns from
        # an article, whose progress and counts the app reads again.
        if self._resumed:
            self.app.post_message(ReadAgain())
            # Back from an article opened from the filter: keys act on the list again (the
            # filter keeps what it holds, and escape clears it).
            self.set_focus(self.query_one(LibraryList))
        self._resumed = True

    @work(thread=True, exclusive=True, group="review-count", exit_on_error=False)
    def count_review(self) -> None:
        """Count today's review (in a thread: every highlight is looked at), for the title
        line. A failure leaves the count out: the review itself says why."""
        from reader.ui.review.screen import review_days, today

        day = today()
        try:
            due = reader_app(self).review_day(day)[0].due
        except Exception:  # a damaged database is reported by whoever reads it first
            return
        self.app.call_from_thread(self._counted, due, streak(review_days(), day))

    def _counted(self, due: int, days: int) -> None:
        if self.is_attached:
            self._review = (due, days)
            self._show_title()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys in force; while the filter has the focus, not those it takes as text
        (q, +, #): the footer then offers only what the keys do there."""
        bindings = super().active_bindings
        if not isinstance(self.focused, LibraryFilter):
            return bindings
        return {key: active for key, active in bindings.items() if not is_typed(key)}

    def set_library(self, library: Library) -> None:
        """Show a re-read library (after returning from an article)."""
        self.library = library
        self.reading = False
        self._refill()
        self._show_title()

    def _refill(self) -> None:
        """Fill the table again, keeping the cursor on the article it was on."""
        table = self.query_one(LibraryList)
        selected = self._selected()
        self._fill(self.query_one("#filter", Input).value)
        if selected is not None:
            self.select(selected.path)
        else:
            table.move_cursor(0)

    def select(self, path: Path) -> None:
        """Put the cursor on the article at ``path``, if it is listed."""
        table = self.query_one(LibraryList)
        for row, entry in enumerate(self._shown):
            if entry.path == path:
                table.move_cursor(row)
                return

    def action_sort(self) -> None:
        """Sort by the next order: title, recent, added, progress, highlights."""
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._refill()
        self._show_title()
        self.notify(f"Sorted by {self.sort}.", timeout=2)
        remember_sort(self.app, self.sort)

    def _fill(self, query: str) -> None:
        table = self.query_one(LibraryList)
        needle = query.casefold().strip()
        self._query = needle
        entries = sort_entries(self.library.entries, self.sort)
        self._shown = [
            entry
            for entry in entries
            if needle in entry.title.casefold() or (needle and needle in entry.folder.casefold())
        ]
        table.set_rows(self._shown, folders=bool(self.library.folders))
        empty = self.query_one("#library-empty", Static)
        if not self.library.entries and self.reading:
            empty.update(plain(f"Reading {self.library.folder}…"))
        elif not self.library.entries:
            empty.update(
                plain(
                    f"No articles in {self.library.folder}. "
                    "Add .md or .txt files there (or press + to add a web page or a book)."
                )
            )
        elif not self._shown:
            empty.update(
                plain(f"No title or folder contains “{query}”. Press escape to clear the filter.")
            )
        else:
            empty.update("")
        # The message takes the empty table's place, where the eye is.
        empty.display = not self._shown
        table.set_class(not self._shown, "-empty")
        self._show_title()

    def _selected(self) -> LibraryEntry | None:
        table = self.query_one(LibraryList)
        if not self._shown or table.cursor_row < 0:
            return None
        return self._shown[min(table.cursor_row, len(self._shown) - 1)]

    def read_again(self) -> bool:
        """Ask the app to read the library again, unless a reading of it is under way
        (False then)."""
        busy = any(worker.group == "library" and worker.is_running for worker in self.app.workers)
        if busy or self.reading:
            return False
        self.app.post_message(ReadAgain())
        return True

    def action_refresh_library(self) -> None:
        """Read the library's folder again."""
        if self.read_again():
            self.notify(f"Reading {self.library.folder.name} again…", timeout=2)

    def action_add(self) -> None:
        """Ask for a web address or a file, and add it to the library."""
        from reader.ui.dialogs.link_picker import TextPrompt

        def answered(source: str | None) -> None:
            if source:
                self.app.post_message(AddSource(source))

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

    @on(RowChosen)
    def _row_selected(self) -> None:
        self._open_selected()

    def _open_selected(self) -> None:
        entry = self._selected()
        if entry is not None:
            self.post_message(OpenArticle(entry.path))

    def action_leave_filter(self) -> None:
        """Clear the filter and give the keys back to the list."""
        self.query_one("#filter", Input).value = ""
        self.set_focus(self.query_one(LibraryList))

    def action_move(self, rows: int) -> None:
        """Move the list's cursor (the arrows, from the filter)."""
        self.query_one(LibraryList).move_by(rows)

    def on_key(self, event: Key) -> None:
        # Keys reach the screen one after the other, but the app's bindings only after the
        # screen has seen them all: "/qui" typed fast (or pasted) would have "qui" sent to
        # the list before / had given the filter the keys, and be lost. So the filter's key
        # acts here, at once, and the keys after it land in the filter.
        field = self.query_one("#filter", Input)
        if self.focused is field and event.is_printable and event.character:
            # (What is typed in the filter stops there: these were sent to the list.)
            event.stop()
            event.prevent_default()
            field.insert_text_at_cursor(event.character)
            return
        if self.focused is field:
            return
        declared = reader_app(self).keys_in_force.get("filter") or "slash"
        filtering = event.key in {normalize(key) for key in declared.split(",")}
        active = self.active_bindings.get(event.key) if filtering else None
        if active is not None and active.node is self and active.binding.action == "filter":
            event.stop()
            event.prevent_default()
            self.action_filter()
        elif event.key == "escape" and field.value:
            # On the list, a filter left in place (back from an article) is cleared too.
            event.stop()
            self.action_leave_filter()


def remembered_sort() -> str:
    """The library's order when reader last ran (title, if none)."""
    from reader.paths import resolve
    from reader.state import load

    return str(load(resolve().data_dir).get("library_sort", "title"))


def remember_sort(app: App[object], order: str) -> None:
    """Remember the library's order for the next run (in the data folder's state)."""
    from reader.paths import resolve
    from reader.state import StateError, remember

    try:
        remember(resolve().data_dir, library_sort=order)
    except StateError as error:
        app.notify(f"The order will not be remembered: {error}.", timeout=8)
