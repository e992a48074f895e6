"""What the reading screen's features share: the article, its annotations, the widgets, and
what one feature asks of another.

Each feature (:mod:`.search`, :mod:`.annotating`, :mod:`.links`, :mod:`.exporting`,
:mod:`.life`) is given the screen as a :class:`ReadingHost`, this base class of
:class:`~reader.ui.reading.screen.ReadingScreen`: typed, and below them, so that none of them
imports the screen that composes them. What a feature needs of another (the links on a
passage, the highlight under the cursor) it asks the host, which the screen answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from reader.text.links import Location
from reader.ui.host import reader_app
from reader.ui.reading.header import ArticleHeader
from reader.ui.reading.notes_pane import NotesPane
from reader.ui.reading.view import ArticleView

if TYPE_CHECKING:
    from textual.worker import Worker

    from reader.db.storage import StoreError
    from reader.model import Anchor, Article, CrossLink, Highlight
    from reader.services.annotations import Annotations
    from reader.services.library import Library


class ReadingHost(Screen[None]):
    """A screen that reads one article (see :class:`~reader.ui.reading.screen.ReadingScreen`)."""

    def __init__(
        self,
        article: Article,
        *,
        annotations: Annotations | None = None,
        article_note: str = "",
        direct: bool = False,
    ) -> None:
        super().__init__()
        self.article = article
        self.annotations = annotations
        self.article_note = article_note
        self.direct = direct  # opened on its own (q quits), not from the library
        # The library's articles (for the titles that links name, and the export's file
        # names): read in a worker thread once the article shows; until then, what the
        # store knows of them.
        self.library: Library | None = None

    @property
    def view(self) -> ArticleView:
        """The article view."""
        return self.query_one(ArticleView)

    @property
    def pane(self) -> NotesPane:
        """The notes pane."""
        return self.query_one(NotesPane)

    @property
    def header(self) -> ArticleHeader:
        """The header: the title, and where the reader is."""
        return self.query_one(ArticleHeader)

    def here(self) -> Location:
        """Where the reader is, for the history."""
        return Location(self.article.meta.path, self.view.cursor)

    def library_now(self) -> Library | None:
        """The library's articles: as read once the article showed, or, until they are,
        as the store last saw them (never a scan of the folder on the event loop)."""
        return self.library if self.library is not None else reader_app(self).known_library()

    def store_failed(self, error: StoreError) -> None:
        """Say that a change was not saved, and why."""
        self.notify(f"Not saved: {error}", severity="error", timeout=15)

    # --- answered by the screen, from its features ---------------------------------------

    def refresh_annotations(self, current: str | None = None) -> None:
        """Push the highlights down to the view and the pane."""
        raise NotImplementedError

    def reload_links(self) -> None:
        """Read this article's cross-links and place their ends here."""
        raise NotImplementedError

    def article_loaded(self) -> None:
        """The rest of a book has loaded: search, highlights and links take in all of it."""
        raise NotImplementedError

    def current_highlight(self) -> str | None:
        """The id of the highlight under the cursor, or None."""
        raise NotImplementedError

    def links_on(self, place: tuple[int, int]) -> list[CrossLink]:
        """Cross-links with an end on exactly this passage."""
        raise NotImplementedError

    def save_position(self) -> None:
        """Ask the app to save the reading position now."""
        raise NotImplementedError

    # --- the screen's workers (``@work`` methods: each call starts one) ------------------

    def find_places(self, text: str, fingerprint: str, highlights: list[Highlight]) -> Worker[None]:
        """Look for highlights made on an earlier version of the text, in a thread."""
        raise NotImplementedError

    def place_links(
        self, text: str, fingerprint: str, pending: list[tuple[str, str, Anchor]]
    ) -> Worker[None]:
        """Look for the ends of cross-links made on an earlier version, in a thread."""
        raise NotImplementedError

    def load_rest(self) -> Worker[None]:
        """Append the rest of a long article in small batches."""
        raise NotImplementedError
