"""The app's library: its folder read into the library screen, and articles added to it.

What the database knows of the library is shown at once; a worker thread then reads the
folder (:func:`reader.services.library.scan_batches`) and the screen takes the articles in
batches. What the scan learnt (titles, word counts, articles moved outside reader) is saved
on the event loop afterwards, where the store belongs.

Adding (``+`` in the library, ``a`` on a link to a web page): the page is fetched and turned
into an article by :mod:`reader.intake` in a worker thread, so keys go on being answered
meanwhile; a notice says it is under way, another what came of it. Then the library is read
again and, when asked, the new article is opened.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from textual import on, work

from reader.db.storage import StoreError
from reader.services.library import (
    Library,
    known_entries,
    known_facts,
    read_library,
    scan_batches,
)
from reader.services.moves import former_ids, report
from reader.text.documents import DocumentError
from reader.ui.app.notes import NoteKeepingApp
from reader.ui.library.messages import ReadAgain
from reader.ui.messages import AddSource

if TYPE_CHECKING:
    from pathlib import Path

    from reader.intake import AddResult
    from reader.services.library import LibraryEntry
    from reader.services.link_index import Candidate
    from reader.services.moves import Move
    from reader.ui.library.screen import LibraryScreen


class LibraryApp(NoteKeepingApp):
    """The library folder: read, scanned for the link picker, and added to."""

    library_path: Path | None
    article_path: Path | None

    @property
    def library_folder(self) -> Path | None:
        """The folder of articles that links and the link picker look in."""
        if self.library_path is not None:
            return self.library_path
        return self.article_path.parent if self.article_path is not None else None

    def scan_library(self) -> Library | None:
        """The library folder's articles: the titles the store has cached, the files new to
        it read, nothing written (slow: for a worker thread). None when there is no library
        folder or it cannot be read."""
        folder = self.library_folder
        if folder is None:
            return None
        try:
            return read_library(folder, known_facts(self.store))
        except DocumentError:
            return None

    def known_library(self) -> Library | None:
        """The library folder's articles as the store last saw them, at once: no file is
        read (None when there is no library folder)."""
        folder = self.library_folder
        if folder is None:
            return None
        return Library(folder, known_entries(folder, known_facts(self.store)), [])

    def former_ids(self) -> dict[str, str]:
        """The ids articles had before they moved, to the ones they have now (an export
        of an article under its old id keeps its file's name)."""
        return former_ids(self.store.article_infos())

    def link_candidates(self) -> list[Candidate]:
        """Every passage of the library a link can lead to (slow: for a worker thread).

        Raises DocumentError when the library folder cannot be read.
        """
        from reader.services.link_index import build_index

        folder = self.library_folder
        return [] if folder is None else build_index(folder, self.store)

    def check_store(self) -> None:
        """Check a big database in the background, once, after the first paint."""

        def damaged(message: str) -> None:
            self.call_from_thread(
                self.notify,
                f"{message}. Nothing will be written over it: what you change goes to a file "
                "beside it (you will be told which).",
                severity="error",
                timeout=30,
                lasting=True,
            )

        self.store.check_in_background(damaged)

    # --- reading the folder into the library screen ----------------------------------------

    def read_library(
        self, screen: LibraryScreen, *, again: bool = False, select: Path | None = None
    ) -> None:
        """Read the library folder into ``screen`` in a worker thread, the screen shown the
        articles in batches (``again``: all at once, when they are back from an article;
        ``select``: the cursor put on that article then)."""
        folder = self.library_path
        if folder is None:
            return
        known = known_facts(self.store)  # here: the store is this thread's alone
        shown = [] if again else known_entries(folder, known)
        if shown:
            # What the database knows shows at once; the scan then brings what changed.
            screen.show_known(shown)
            # The rows painted first, the scan's thread after.
            self.call_after_refresh(self._read_folder, screen, folder, known, again, select)
        else:
            self._read_folder(screen, folder, known, again, select)

    @work(thread=True, group="library", exit_on_error=False)
    def _read_folder(
        self, screen: LibraryScreen, folder: Path, known: Any, again: bool, select: Path | None
    ) -> None:
        fresh: dict[str, Any] = {}  # facts of files read anew, to cache
        moved: dict[str, Move] = {}  # articles found moved, to follow
        entries: list[LibraryEntry] = []
        problems: list[str] = []
        try:
            for batch in scan_batches(folder, known=known, fresh=fresh, moved=moved):
                if again:
                    entries += batch[0]
                    problems += batch[1]
                else:
                    self.call_from_thread(screen.add_batch, *batch)
        except DocumentError as error:
            self.call_from_thread(self.notify, str(error), severity="error")
            return
        if again:
            self.call_from_thread(screen.set_library, Library(folder, entries, problems))
        if select is not None:
            self.call_from_thread(screen.select, select)
        self.call_from_thread(self._save_scan, fresh, moved)

    def _save_scan(self, fresh: dict[str, Any], moved: dict[str, Move]) -> None:
        """Save what a scan of the library learnt: moves followed, facts cached."""
        store = self.store
        self.check_store()
        if store.read_only:
            return
        if moved:
            with contextlib.suppress(StoreError):  # not made: the next scan finds them again
                made = [moved[new] for new in store.follow_moves(moved)]
                if said := report(made, self.library_path):
                    self.notify("\n".join(said), title="Moved articles", timeout=10)
        if fresh:
            with contextlib.suppress(StoreError):  # a cache not saved: the next scan reads
                store.save_article_infos(fresh)

    @on(ReadAgain)
    def _read_again(self) -> None:
        """Back in the library, or its folder changed: read it again (off the event loop)."""
        from reader.ui.library.screen import LibraryScreen

        screen = self.screen
        if isinstance(screen, LibraryScreen):
            self.read_library(screen, again=True)

    # --- adding articles -----------------------------------------------------------------

    @on(AddSource)
    def _add_source(self, event: AddSource) -> None:
        self.add_to_library(event.source, open_after=event.open_after)

    def add_to_library(self, source: str, *, open_after: bool = False) -> None:
        """Add a web page, HTML file or EPUB to the library, in a worker thread."""
        source = source.strip()
        folder = self.library_folder
        if not source:
            return
        if folder is None:
            self.notify("There is no library to add to.", severity="warning")
            return
        # Belongs to the screen it is given on: an article opened meanwhile is not covered.
        self.notify(_adding(source), timeout=30)
        self._fetch(source, folder, open_after)

    @work(thread=True, group="add-article", name="add-article", exit_on_error=False)
    def _fetch(self, source: str, folder: Path, open_after: bool) -> None:
        from reader.intake import add_source

        result = add_source(source, folder)
        self.call_from_thread(self._added, source, result, open_after)

    def _added(self, source: str, result: AddResult, open_after: bool) -> None:
        from reader.intake import AddStatus

        self.notices.withdraw(_adding(source))
        # What came of it is told wherever the reader is now.
        if result.status is AddStatus.FAILED or result.path is None:
            self.notify(result.message(), severity="error", timeout=12, lasting=True)
            return
        if result.status is AddStatus.ADDED:
            said = f"Added “{result.title}” to your library."
        else:
            said = f"Already in your library: {result.where or result.path}"
        self.notify(said, timeout=6, lasting=True)
        self.library_changed(result.path)
        if open_after:
            self.open_added(result.path)

    def library_changed(self, path: Path) -> None:
        """An article was added: the library screen (if any) reads the folder again (off the
        event loop) and puts its cursor on it."""
        from reader.ui.library.screen import LibraryScreen

        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                self.read_library(screen, again=True, select=path)

    def open_added(self, path: Path) -> None:
        """Open an article just added (a jump from the article that linked to it)."""
        raise NotImplementedError  # ReaderApp's: it knows the reading screens


def _adding(source: str) -> str:
    return f"Adding {source}…"
