"""Notes written apart on two devices ("also written on DESKTOP"): ``K`` asks which text
to keep, or keeps them all in one note, and the choice reaches every device."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from reader.db.storage import StoreError
from reader.db.vault.records import NOTE_ID

if TYPE_CHECKING:
    from reader.ui.reading.host import ReadingHost


class WrittenApart:
    """Keeping one text of a note written apart, in the article on screen."""

    def __init__(self, screen: ReadingHost, current: Callable[[], str | None]) -> None:
        self.screen = screen
        self.current = current  # the highlight under the cursor

    def keep_one_here(self) -> None:
        """Choose the one text of the note under the cursor that was written apart on two
        devices (the article's note, when the cursor is on no such highlight)."""
        current = self.current()
        store = self.screen.annotations.store if self.screen.annotations else None
        if store is None:
            return
        if current is not None and store.note_versions(self.screen.article.id, current):
            self.keep_one(current)
        elif store.note_versions(self.screen.article.id, NOTE_ID):
            self.keep_one(NOTE_ID)
        else:
            self.screen.notify(
                "This note has one text: K chooses between texts written apart on two devices "
                "(“also written on …” in the notes pane)."
            )

    def keep_one(self, record_id: str) -> None:
        """Ask which text of a note written apart to keep (``record_id``: a highlight's
        id, or the article note's), and keep it."""
        from reader.ui.dialogs.keep_note import KeepOneText

        screen = self.screen
        annotations = screen.annotations
        if annotations is None:
            return
        article_id = screen.article.id
        try:
            versions = list(annotations.store.note_versions(article_id, record_id))
        except StoreError as error:
            screen.store_failed(error)
            return
        if not versions:
            screen.notify("This note has one text: there is nothing to choose.")
            return
        highlight = annotations.get(record_id) if record_id != NOTE_ID else None

        def chosen(text: str | None) -> None:
            if text is None:
                return
            try:
                if record_id == NOTE_ID:
                    annotations.store.keep_note(article_id, NOTE_ID, text)
                    screen.article_note = text
                    screen.refresh_annotations()
                else:
                    annotations.keep_note(record_id, text)
                    screen.refresh_annotations(record_id)
            except StoreError as error:
                screen.store_failed(error)
                return
            screen.notify("Kept: this note now has the one text, on every device.")

        quote = highlight.quote if highlight is not None else screen.article.title
        screen.app.push_screen(KeepOneText(quote, versions), chosen)
