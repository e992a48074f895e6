"""What the screens, their features and the dialogs may ask of the app: a typed accessor.

``self.app`` is typed as Textual's ``App``; what reader's app adds (the library folder, the
jump history, the drafts of notes being written...) is declared here, as a protocol that
:class:`reader.ui.app.ReaderApp` satisfies (mypy checks it there). A screen asks with
``reader_app(self).library_folder`` instead of guessing at ``self.app.library_folder``.

The store is not here: screens and widgets get their data from above and post messages up
(the app turns them into store calls).

A module of its own, below every screen, so that the screens need not import the app (which
imports them): no import cycle, not even one the type checker alone follows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from textual.dom import DOMNode

    from reader.model import Article, Highlight
    from reader.services.drafts import Draft, DraftFile
    from reader.services.library import Library
    from reader.services.link_index import Candidate
    from reader.services.notes_index import NotesIndex
    from reader.services.review import Day
    from reader.text.links import Location
    from reader.ui.open_notes import OpenNotes


class ReaderHost(Protocol):
    """reader's app, as its screens see it."""

    keys_in_force: dict[str, str]
    """Binding id to keys, as the settings give them (for what the footer and / show)."""

    open_notes: OpenNotes
    """The note editors open now (the lifeline saves them from its thread)."""

    @property
    def library_folder(self) -> Path | None:
        """The folder of articles that links and the link picker look in."""
        ...

    @property
    def export_folder(self) -> Path:
        """Where ``e`` writes."""
        ...

    @property
    def reorders_rtl(self) -> bool:
        """Whether reader shows right-to-left lines in visual order (False: the terminal
        does, as the settings say)."""
        ...

    def colour_name(self, colour: str) -> str:
        """What a highlight colour is called (the settings may rename it)."""
        ...

    def scan_library(self) -> Library | None:
        """The library folder's articles, nothing written (slow: for a worker thread), or
        None (no folder, or it cannot be read)."""
        ...

    def known_library(self) -> Library | None:
        """The library folder's articles as the store last saw them, at once."""
        ...

    def former_ids(self) -> dict[str, str]:
        """The ids articles had before they moved, to the ones they have now."""
        ...

    def link_candidates(self) -> list[Candidate]:
        """Every passage of the library a link can lead to (slow: for a worker thread)."""
        ...

    def notes_index(self) -> NotesIndex:
        """Every highlight and note, newest first (slow: for a worker thread)."""
        ...

    def record_jump(self, origin: Location) -> None:
        """Note a jump made within an article (search, pane, heading link)."""
        ...

    def draft_file(self, draft: Draft) -> DraftFile | None:
        """Where a note editor keeps what is typed until it is saved (None: read-only)."""
        ...

    def review_day(self, today: date) -> tuple[Day, dict[str, tuple[Path, str]]]:
        """Today's highlights to review, and the articles the store knows (slow: for a
        worker thread). Raises StoreError."""
        ...

    def save_review(self, highlight: Highlight, was: Highlight) -> None:
        """Save a highlight's new review state (``was``: as it was shown). Raises StoreError."""
        ...

    def save_article_note(self, article: Article, note: str, base: str) -> str:
        """Save the note on a whole article; the note as saved. Raises StoreError."""
        ...


def reader_app(node: DOMNode) -> ReaderHost:
    """``node``'s app, as reader's (every screen of reader runs in a ReaderApp)."""
    return cast("ReaderHost", node.app)
