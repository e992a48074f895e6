"""Adding an article from the app: ``+`` in the library, ``a`` on a link to a web page.

The page is fetched and turned into an article by :mod:`reader.intake` in a worker thread,
so keys go on being answered meanwhile; a notice says it is under way, another what came
of it. Then the library is read again and, when asked, the new article is opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.intake import AddResult
    from reader.ui.app import ReaderApp


class Adding:
    """Adds sources to the app's library, one worker each."""

    def __init__(self, app: ReaderApp) -> None:
        self.app = app

    def add(self, source: str, *, open_after: bool) -> None:
        """Add ``source`` (a web address, or an .html/.epub file) to the library."""
        source = source.strip()
        folder = self.app.library_folder
        if not source:
            return
        if folder is None:
            self.app.notify("There is no library to add to.", severity="warning", markup=False)
            return
        # Belongs to the screen it is given on: an article opened meanwhile is not covered.
        self.app.notify(self._adding(source), timeout=30, markup=False)
        self.app.run_worker(
            lambda: self._fetch(source, folder, open_after),
            name="add-article",
            group="add-article",
            thread=True,
            exit_on_error=False,
        )

    @staticmethod
    def _adding(source: str) -> str:
        return f"Adding {source}…"

    def _fetch(self, source: str, folder: Path, open_after: bool) -> None:
        from reader.intake import add_source

        result = add_source(source, folder)
        self.app.call_from_thread(self._done, source, result, open_after)

    def _done(self, source: str, result: AddResult, open_after: bool) -> None:
        from reader.intake import AddStatus

        app = self.app
        app.notices.withdraw(self._adding(source))
        # What came of it is told wherever the reader is now.
        if result.status is AddStatus.FAILED or result.path is None:
            app.notify(result.message(), severity="error", timeout=12, markup=False, lasting=True)
            return
        if result.status is AddStatus.ADDED:
            said = f"Added “{result.title}” to your library."
        else:
            said = f"Already in your library: {result.where or result.path}"
        app.notify(said, timeout=6, markup=False, lasting=True)
        app.library_changed(result.path)
        if open_after:
            app.open_added(result.path)
