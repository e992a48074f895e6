"""Reading the library folder for the library screen, off the event loop.

What the database knows of the library is shown at once; a worker thread then reads the
folder (:func:`reader.services.library.scan_batches`) and the screen takes the articles in batches.
What the scan learnt (titles, word counts, articles moved outside reader) is saved on the
event loop afterwards, where the store belongs.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from reader.db.storage import StoreError
from reader.services.library import Library, known_entries, known_facts, scan_batches
from reader.text.documents import DocumentError

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp
    from reader.ui.library.screen import LibraryScreen


class LibraryReading:
    """One reading of the app's library folder into a library screen."""

    def __init__(self, app: ReaderApp) -> None:
        self.app = app
        self.fresh: dict = {}  # facts of files read anew, to cache
        self.moved: dict = {}  # articles found moved, to follow

    def read(self, screen: LibraryScreen, *, again: bool = False) -> None:
        """Read the folder in a worker thread, the screen shown the articles in batches
        (``again``: all at once, when they are back from an article)."""
        app = self.app
        folder = app.library_path
        if folder is None:
            return
        known = known_facts(app.store)  # here: the store is this thread's alone
        shown = [] if again else known_entries(folder, known)
        if shown:
            # What the database knows shows at once; the scan then brings what changed.
            screen.show_known(shown)

        def read() -> None:
            entries: list = []
            problems: list[str] = []
            try:
                for batch in scan_batches(folder, known=known, fresh=self.fresh, moved=self.moved):
                    if again:
                        entries += batch[0]
                        problems += batch[1]
                    else:
                        app.call_from_thread(screen.add_batch, *batch)
            except DocumentError as error:
                app.call_from_thread(app.notify, str(error), severity="error", markup=False)
                return
            if again:
                app.call_from_thread(screen.set_library, Library(folder, entries, problems))
            app.call_from_thread(self._save)

        def start() -> None:
            app.run_worker(read, thread=True, group="library", exit_on_error=False)

        if shown:
            app.call_after_refresh(start)  # the rows painted first, the scan's thread after
        else:
            start()

    def _save(self) -> None:
        app, store = self.app, self.app.store
        app.check_store()
        if store.read_only:
            return
        if self.moved:
            from reader.services.moves import report

            with contextlib.suppress(StoreError):  # not made: the next scan finds them again
                made = [self.moved[new] for new in store.follow_moves(self.moved)]
                if said := report(made, app.library_path):
                    app.notify("\n".join(said), title="Moved articles", timeout=10, markup=False)
        if self.fresh:
            with contextlib.suppress(StoreError):  # a cache not saved: the next scan reads
                store.save_article_infos(self.fresh)
