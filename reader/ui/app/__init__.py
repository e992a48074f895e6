"""The reader app: owns the store, turns messages from screens into store calls.

A package of its own, the app in links: :mod:`.notices` (how a notice is shown),
:mod:`.notes` (the notes being written, quitting, drafts), :mod:`.library` (the library
folder read and added to), and here :class:`ReaderApp`: start-up, opening articles, jumps,
positions, help. Screens ask it through :mod:`reader.ui.host`, never by importing it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import SystemCommand
from textual.binding import BindingType
from textual.screen import Screen

from reader.config import DEFAULT_COLOURS, Settings
from reader.db.store import Store, StoreError
from reader.model import Article, Highlight, ReadingPosition
from reader.services.annotations import Annotations
from reader.services.library import Library, move_of
from reader.services.moves import report, shared_folder
from reader.text.display import editable
from reader.text.documents import DocumentError, open_article
from reader.text.keys import LIBRARIES
from reader.text.links import History, Location, Place, same_file
from reader.ui.app.library import LibraryApp
from reader.ui.bindings import APP_BINDINGS
from reader.ui.library.messages import OpenArticle
from reader.ui.notes.messages import OpenNote
from reader.ui.reading.host import ReadingHost
from reader.ui.reading.life import unsettled
from reader.ui.reading.messages import GoBack, GoForward, GoTo, LookForMove, PositionChanged, Reload
from reader.ui.reading.screen import ReadingScreen
from reader.ui.terminal.collector import Collector

if TYPE_CHECKING:
    from datetime import date

    from rich.console import RenderableType
    from textual.driver import Driver
    from textual.filter import LineFilter

    from reader.db.moves import Move
    from reader.services.notes_index import NotesIndex
    from reader.services.review import Day
    from reader.ui.host import ReaderHost

# The library, help and editor screens are imported when first shown: opening an article
# directly then paints without loading their widgets (TextArea, the lists) first.


class ReaderApp(LibraryApp):
    """Read and annotate long-form articles."""

    TITLE = "reader"
    CSS_PATH = "../reader.tcss"  # beside the app's package, in reader/ui/
    HELP_TITLE = "Everywhere"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = list(APP_BINDINGS)

    def __init__(
        self,
        store: Store,
        *,
        library: Path | None = None,
        article: Path | None = None,
        start: int | None = None,
        settings: Settings | None = None,
    ) -> None:
        # Before Textual's own start: it reads the CSS variables (the five colours) then.
        self.settings = settings if settings is not None else Settings()
        super().__init__()
        self.problems = list(self.settings.problems)  # told once the app shows
        self.keys_in_force: dict[str, str] = {}  # binding id to keys, from the settings
        wrong = self.settings.theme_problem(self.available_themes)
        if wrong:
            self.problems.append(wrong)
        elif self.settings.theme:
            self.theme = self.settings.theme
        if self.settings.keys:  # before the first screen: its first frame shows the keys
            from reader.ui.keymap import apply_settings_keys

            apply_settings_keys(self)
        self.store = store
        self.start = start  # the paragraph (0-based) to open the article at
        self.library_path = library
        if library is not None:  # its articles' notes are kept in its vault
            LIBRARIES.register(library)
        self.article_path = article
        self.history = History()
        self._failed_to_open = ""
        self._library_first = False  # the first screen is the library
        self.collector = Collector(self)
        store.on_aside = self.notices.put_aside
        from reader.ui.palette import Filters

        self._filters_in_force = Filters()  # Textual's, or reader's in 256 colours

    async def on_event(self, event: events.Event) -> None:
        """Every event: input also tells the collector that keys are coming."""
        if isinstance(event, (events.InputEvent, events.Paste)) and not event.is_forwarded:
            self.collector.input()
        await super().on_event(event)

    def get_default_screen(self) -> Screen[Any]:
        """The first screen: the article opened directly, or the library."""
        # The first screen is the default one, not one pushed from on_mount: the default
        # screen is painted in the app's first frame, while a screen pushed during start-up
        # is drawn once in vain and shown a refresh later (30 ms slower, measured).
        if self.article_path is not None:
            try:
                place = Place(block=self.start) if self.start is not None else None
                return self._build_reading_screen(self.article_path, direct=True, place=place)
            except DocumentError as error:
                self._failed_to_open = str(error)  # said on exit, once the app runs
        elif self.library_path is not None:
            from reader.ui.library.screen import LibraryScreen, remembered_sort

            # Shown at once, filled by a worker thread: the first frame never waits on the
            # number of articles, and keys are answered while a first scan reads them.
            screen = LibraryScreen(
                Library(self.library_path, [], []), reading=True, sort=remembered_sort()
            )
            self._library_first = True
            self.call_later(self.read_library, screen)
            return screen
        return super().get_default_screen()

    def on_mount(self) -> None:
        # The command line turns garbage collection off while the first screen is built;
        # from then on it runs between keys (reader/memory.py).
        self.call_after_refresh(self.collector.start)
        self.notices.start()
        # A big database is checked whole (and backed up) once the first screen shows, or,
        # for the library, once its articles do: the check's thread would slow their scan.
        if not self._library_first:
            self.call_after_refresh(self.check_store)
        # Notes an earlier run could not save are offered back, over the first screen.
        self.call_after_refresh(self.offer_drafts)
        if self._failed_to_open:
            # Text, not str: Textual prints a str exit message as console markup.
            self.exit(return_code=2, message=Text(editable(self._failed_to_open)))
            return
        if self.store.problem:
            self.notify(self.store.problem, severity="warning", timeout=10, lasting=True)
        for news in self.store.news:  # the notes moved into the vault, a new device id
            self.notify(news, timeout=15, lasting=True)
        from reader.ui.palette import fit_colours

        fit_colours(self, self._filters_in_force)
        for problem in self.problems:
            self.notify(problem, severity="warning", timeout=20, lasting=True)
        if self.store.pending_recovery:
            self.notify(
                f"{self.store.recovery_hint()}Quit reader first (q).",
                severity="warning",
                timeout=30,
                lasting=True,
            )

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's line filters; in 256 colours, reader's in place of its colours' own."""
        return self._filters_in_force(super().get_line_filters())

    # --- settings -----------------------------------------------------------------------

    def get_css_variables(self) -> dict[str, str]:
        """Textual's variables, and the five highlight colours (``$reader-yellow``...)."""
        variables = super().get_css_variables()
        settings = getattr(self, "settings", None)
        for colour, value in DEFAULT_COLOURS.items():
            custom = settings.colours.get(colour) if settings is not None else None
            variables[f"reader-{colour}"] = custom.value if custom and custom.value else value
        return variables

    def colour_name(self, colour: str) -> str:
        """What a highlight colour is called (the settings may rename it)."""
        return self.settings.colour_name(colour)

    @property
    def export_folder(self) -> Path:
        """Where ``e`` writes: the settings' folder, else the data folder's exports."""
        from reader.paths import resolve

        return self.settings.export_folder or resolve().exports

    @property
    def reorders_rtl(self) -> bool:
        """Whether reader shows right-to-left lines in visual order (the settings' bidi)."""
        return self.settings.bidi != "terminal"

    # --- opening articles ----------------------------------------------------------------

    def open_article(self, path: Path) -> None:
        """Open an article from the library on a new reading screen, where the reader
        left off (an article opened directly is the default screen instead)."""
        screen = self._reading_screen(path, direct=False)
        if screen is not None:
            self.push_screen(screen)

    def _reading_screen(
        self, path: Path, *, direct: bool, place: Place | None = None
    ) -> ReadingScreen | None:
        """A reading screen for ``path``, or None when it cannot be opened (the reader is told)."""
        try:
            return self._build_reading_screen(path, direct=direct, place=place)
        except DocumentError as error:
            self.notify(str(error), severity="error")
            return None

    def _build_reading_screen(
        self, path: Path, *, direct: bool, place: Place | None = None
    ) -> ReadingScreen:
        """A reading screen for ``path``: at ``place``, or where the reader left off.

        Raises DocumentError when the file cannot be read.
        """
        article, rest = open_article(path)
        if place is not None and not article.complete and _small(path):
            # Land exactly: a small article is read whole at once (a big one lands on the
            # recorded paragraph and loads the rest in the background).
            for batch in rest:
                article.extend(batch)
            article.complete = True
        position = self.store.position(article.id)
        if place is not None:
            block = place.block_in(article)
            if block is not None:
                position = ReadingPosition(block, 0, 0.0)
        # A file read as it was being written: what placing finds waits to be saved.
        annotations = Annotations(self.store, article, provisional=unsettled(article))
        annotations.load()
        return ReadingScreen(
            article,
            rest,
            annotations=annotations,
            article_note=self.store.article_note(article.id),
            position=position,
            direct=direct,
            landing=place,
        )

    @on(LookForMove)
    def _look_for_move(self, event: LookForMove) -> None:
        if not self.store.read_only and isinstance(event.screen, ReadingScreen):
            self._find_move(event.screen)

    @work(thread=True, name="moved", exit_on_error=False)
    def _find_move(self, screen: ReadingScreen) -> None:
        """Whether the article of ``screen``, opened on its own with nothing of the
        reader's, is one whose file was moved outside reader (a pass over the articles)."""
        article = screen.article
        moved = move_of(self.store, article.id, article.meta.path, article.title)
        if moved:
            self.call_from_thread(self.follow_move, screen, moved)

    def follow_move(self, screen: ReadingScreen, moved: dict[str, Move]) -> None:
        """An article opened on its own was found moved outside reader
        (:mod:`reader.services.moves`): its notes are given to it, and it opens again with them,
        where it was left off."""
        try:
            made = [moved[new] for new in self.store.follow_moves(moved)]
            # Said from the folder both paths share: two long absolute paths wrapped past
            # what a toast shows, and cut off the words that say the notes are safe.
            said = report(made, shared_folder(made))
        except StoreError as error:
            self.notify(str(error), severity="error")
            return
        if said and screen is self.screen:
            fresh = self._reading_screen(screen.article.meta.path, direct=screen.direct)
            if fresh is not None:
                self.switch_screen(fresh)
        if said:
            self.notify("\n".join(said), title="Moved article", timeout=10)

    # --- every note -----------------------------------------------------------------------

    def action_notes(self) -> None:
        """Show every highlight and note of the library."""
        from reader.ui.notes.screen import NotesScreen

        if not isinstance(self.screen, NotesScreen):
            self.push_screen(NotesScreen())

    def notes_index(self) -> NotesIndex:
        """Every highlight and note in the store, newest first (slow: for a worker thread;
        none, and the reader told why, when the database cannot be read)."""
        from reader.config import COLOURS
        from reader.memory import paused
        from reader.services.notes_index import NotesIndex, build

        names = {colour: self.colour_name(colour) for colour in COLOURS}
        # Every object made here is kept (or dropped whole by reference counting): the
        # collector, set off again and again by 50,000 new notes, would free nothing, and
        # took a fifth of the time (measured).
        try:
            with paused():
                return build(self.store, self.library_folder, names)
        except StoreError as error:
            self.call_from_thread(
                self.notify, f"Could not read the notes: {error}", severity="error"
            )
            return NotesIndex([])

    def review_day(self, today: date) -> tuple[Day, dict[str, tuple[Path, str]]]:
        """Today's highlights to review, and the articles the store knows (for a worker)."""
        from reader.services.review import today_of

        day = today_of(self.store.all_highlights(), today, self.settings.review_per_day)
        return day, self.store.known_articles()

    def save_review(self, highlight: Highlight, was: Highlight) -> None:
        """Save a highlight's new review state. Raises StoreError."""
        self.store.save_highlight(highlight, was)

    def action_review(self) -> None:
        """Show today's highlights to review."""
        from reader.ui.review.screen import ReviewScreen

        if not isinstance(self.screen, ReviewScreen):
            self.push_screen(ReviewScreen())

    @on(OpenNote)
    def _open_note(self, event: OpenNote) -> None:
        """Open the article of a note at its passage: from an article, a jump like any link
        (backspace comes back); from the library, over the notes (q comes back to them)."""
        item = event.item
        if item.path is None or not item.path.is_file():
            where = "reader does not know its file" if item.path is None else f"{item.path} is gone"
            self.notify(f"Cannot open “{item.title}”: {where}.", severity="warning")
            return
        place = None  # a note on the whole article: where the reader left off
        if item.block is not None:
            # Its anchor as saved now (the index keeps none): placed in the text as it is.
            saved = next(
                (h for h in self.store.highlights(item.article_id) if h.id == item.id), None
            )
            place = Place(anchor=saved.anchor) if saved is not None else Place(block=item.block)
        below = self.screen_stack[-2] if len(self.screen_stack) > 1 else None
        if isinstance(below, ReadingScreen):
            self.pop_screen()
            self.go_to(item.path, place)
        else:
            screen = self._reading_screen(item.path, direct=False, place=place)
            if screen is not None:
                self.push_screen(screen)

    # --- jumps and history -----------------------------------------------------------------

    def go_to(self, path: Path, place: Place | None = None, *, record: bool = True) -> bool:
        """Jump to a place in an article (this one or another), remembering where from.

        Returns whether the jump was made.
        """
        screen = self.screen
        if not isinstance(screen, ReadingScreen):
            return False
        origin = screen.here()
        if same_file(screen.article.meta.path, path):
            if record:
                self.history.jumped(origin)
            screen.jump_within(place)
            return True
        other = self._reading_screen(path, direct=screen.direct, place=place)
        if other is None:
            return False  # the reader was told why; nothing to come back from
        if record:
            self.history.jumped(origin)
        screen.save_position()
        self.switch_screen(other)
        return True

    @on(GoTo)
    def _go_to(self, event: GoTo) -> None:
        self.go_to(event.path, event.place)

    @on(GoBack)
    def _go_back(self) -> None:
        self.go_back()

    @on(GoForward)
    def _go_forward(self) -> None:
        self.go_forward()

    @on(Reload)
    def _reload(self, event: Reload) -> None:
        if isinstance(event.screen, ReadingHost):
            self.reload_article(event.screen)

    def reload_article(self, screen: ReadingHost) -> None:
        """Replace ``screen`` by a fresh reading of its file, at the same paragraph."""
        fresh = self._reading_screen(
            screen.article.meta.path, direct=screen.direct, place=Place(block=screen.view.cursor)
        )
        if fresh is not None:  # else the reader was told why, and keeps what they have
            self.switch_screen(fresh)
            self.notify("Reloaded from disk.", timeout=3)

    def record_jump(self, origin: Location) -> None:
        """Note a jump made within an article (search, pane, heading link)."""
        self.history.jumped(origin)

    def go_back(self) -> None:
        """Back to where the last jump started."""
        self._travel(self.history.back, "Nothing to go back to.")

    def go_forward(self) -> None:
        """Forward again, after going back."""
        self._travel(self.history.forward, "Nothing to go forward to.")

    def _travel(self, step: Callable[[Location], Location | None], empty: str) -> None:
        screen = self.screen
        if not isinstance(screen, ReadingScreen):
            return
        here = screen.here()
        location = step(here)
        if location is None:
            self.notify(empty)
            return
        if not self.go_to(location.path, Place(block=location.block), record=False):
            # Could not get there (the file is gone): put the history back as it was.
            undo = self.history.forward if step == self.history.back else self.history.back
            undo(location)

    @on(OpenArticle)
    def _open_article(self, event: OpenArticle) -> None:
        """The reader chose an article in the library."""
        from reader.ui.library.screen import LibraryScreen

        self.open_article(event.path)
        screen = self.screen
        if not event.path.exists() and isinstance(screen, LibraryScreen):
            # Moved or deleted since the list was read: read it again (a move is followed).
            self.read_library(screen, again=True)

    @on(PositionChanged)
    def _position_changed(self, event: PositionChanged) -> None:
        self._save_position(event.article, event.position)

    def _save_position(self, article: Article, position: ReadingPosition) -> None:
        if self.store.read_only:
            return  # said once, at start: not again every time the reader moves
        try:
            self.store.save_position(article.id, article.meta.path, article.fingerprint, position)
        except StoreError as error:
            self.notify(str(error), severity="error", timeout=10)

    def open_added(self, path: Path) -> None:
        """Open an article just added: a jump from the article that linked to it (back
        returns there), else from the library."""
        if not self.go_to(path):
            self.open_article(path)

    # --- help and commands ---------------------------------------------------------------

    def action_help(self) -> None:
        """Show every key of the current screen."""
        from reader.ui.dialogs.help import HelpScreen, help_sections

        self.push_screen(HelpScreen(help_sections(self, self.screen)))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action of the current screen's keys, generated from its bindings as the
        help screen is (so ``ctrl+p`` then "export", "note" or "highl" finds it)."""
        from reader.ui.dialogs.help import key_entries

        yield from super().get_system_commands(screen)
        for entry in key_entries(self, screen):
            if entry.action in ("command_palette", "app.command_palette"):
                continue
            yield SystemCommand(
                entry.description,
                f"{entry.keys} · {entry.section}",
                partial(self.run_action, entry.action, entry.node),
            )

    def save_positions(self) -> None:
        """Save where the reader is in every open article (and where its highlights were
        found, if its file was read just after it changed, and has not changed since)."""
        for screen in self.screen_stack:
            if isinstance(screen, ReadingScreen):
                screen.life.settle(leaving=True)
                if screen.article.blocks:
                    self._save_position(screen.article, screen.current_position())

    def last_resort_save(self) -> None:
        """What the lifeline saves, from its own thread, when the process must end: each
        note being written to its draft file (no database needed), then where the reader
        is."""
        self.open_notes.keep_drafts()
        self.save_positions()

    def exit(
        self,
        result: None = None,
        return_code: int = 0,
        message: RenderableType | None = None,
    ) -> None:
        """Save each note being written (or keep it as a draft) and where the reader is in
        every open article, then exit."""
        self.open_notes.keep()
        self.save_positions()
        super().exit(result, return_code, message)

    def terminal_lost(self) -> None:
        """The terminal hung up: save, write nothing more to it, and quit."""
        driver = self._driver
        if driver is not None and hasattr(driver, "terminal_gone"):
            driver.terminal_gone()
        self.exit(return_code=129)  # 128 + SIGHUP, as if the hang-up had been signalled

    def get_driver_class(self) -> type[Driver]:
        """On Linux and macOS, Textual's driver made safe for a terminal that goes away."""
        stock = super().get_driver_class()
        if sys.platform != "win32":
            from textual.drivers.linux_driver import LinuxDriver

            if stock is LinuxDriver:  # not one chosen with TEXTUAL_DRIVER
                from reader.ui.terminal.driver import ReaderDriver

                return ReaderDriver
        return stock


def _small(path: Path, limit: int = 256 * 1024) -> bool:
    try:
        return path.stat().st_size <= limit
    except OSError:
        return False


def _is_a_host(app: ReaderApp) -> ReaderHost:
    """The app is everything :class:`reader.ui.host.ReaderHost` says (mypy checks it here)."""
    return app
