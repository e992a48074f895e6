"""The notes being written when reader quits or must stop, and those it could not save.

- Quitting (ctrl+q, ctrl+c, the command palette) with a note being written asks: save it,
  discard it, or go on writing. A save that fails keeps the editor open, saying why.
- Stopping without asking (SIGTERM, SIGHUP, a closed terminal: the app's ``exit``) saves
  the note as it is; if that fails, it stays a draft (:mod:`reader.services.drafts`).
- The lifeline (:mod:`reader.cli.lifeline`), acting for a process stuck or too slow to end,
  writes each note to its draft file, from its own thread, without the database.
- At start, drafts that a process which is gone left behind are offered back, one at a
  time, in the note editor: ``ctrl+s`` saves each as its note.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from reader.model import Article
    from reader.services.drafts import Draft, DraftFile
    from reader.ui.app import ReaderApp
    from reader.ui.dialogs.note_editor import NoteEditor


class OpenNotes:
    """The app's open note editors, and the drafts of earlier runs."""

    def __init__(self, app: ReaderApp) -> None:
        self.app = app
        self._open: list[NoteEditor] = []
        self._guard = threading.Lock()  # the lifeline reads the list from its thread

    def opened(self, editor: NoteEditor) -> None:
        """A note editor is showing."""
        with self._guard:
            self._open.append(editor)

    def closed(self, editor: NoteEditor) -> None:
        """A note editor closed, its note saved or discarded."""
        with self._guard:
            if editor in self._open:
                self._open.remove(editor)

    def editors(self) -> list[NoteEditor]:
        """The editors open with a note not yet saved or discarded."""
        with self._guard:
            return [editor for editor in self._open if not editor.closed]

    def draft_file(self, draft: Draft) -> DraftFile | None:
        """Where a note editor keeps what is typed until it is saved (none when the
        database is read-only: nothing is written)."""
        store = self.app.store
        if store.read_only:
            return None
        from reader.services.drafts import DraftFile

        return DraftFile(store.path.parent, store.path.name, draft)

    def save_article_note(self, article: Article, note: str, base: str) -> str:
        """Save the note on a whole article, written from ``base`` (a note another window
        saved meanwhile is kept beside it); the note as saved. Raises StoreError."""
        from reader.services.annotations import save_article_note

        return save_article_note(self.app.store, article.id, article.meta.path, note, base)

    # --- quitting -----------------------------------------------------------------------

    def quit(self) -> None:
        """Quit, asking first about a note being written."""
        changed = [editor for editor in self.editors() if editor.changed]
        if not changed:
            self.app.exit()
            return
        editor = changed[-1]
        from reader.ui.dialogs.note_editor import QuitQuestion

        def answered(answer: str | None) -> None:
            if answer == "save":
                if editor.keep():  # else it stays open, saying why
                    self.quit()  # another editor beneath may hold a note too
            elif answer == "discard":
                editor.discard()
                self.quit()

        self.app.push_screen(QuitQuestion(), answered)

    def keep(self) -> None:
        """reader is ending (``exit``): save every note being written, or keep it as a
        draft when that fails."""
        for editor in self.editors():
            try:
                editor.keep_on_exit()
            except Exception:  # whatever went wrong, reader still ends: the draft stays
                editor.keep_draft()

    def keep_drafts(self) -> None:
        """From the lifeline's thread: write every note being written to its draft."""
        for editor in self.editors():
            try:
                editor.keep_draft()
            except Exception:  # the last resort saves what it can
                continue

    # --- drafts of earlier runs -----------------------------------------------------------

    def offer_drafts(self) -> None:
        """Offer back, one at a time, the notes an earlier run could not save."""
        app = self.app
        if app.store.read_only:
            return
        from reader.db.storage import StoreError
        from reader.services.drafts import adopt, drafts_beside, saved_already

        db = app.store.path
        mine = {editor.draft.path for editor in self.editors() if editor.draft is not None}
        for path, draft in drafts_beside(db):
            if path in mine:
                continue
            try:
                if saved_already(app.store, draft):
                    path.unlink(missing_ok=True)
                    continue
            except (OSError, StoreError):
                continue
            self._offer(adopt(path, db, draft).path, draft)
            return  # the next one once this one is answered

    def save_draft(self, draft: Draft, text: str) -> None:
        """Save a note an earlier run could not save, and show it where it belongs.
        Raises StoreError (the editor offering it stays open)."""
        from reader.services.drafts import apply
        from reader.ui.reading.screen import ReadingScreen

        store = self.app.store
        apply(store, draft, text)
        for screen in self.app.screen_stack:
            if isinstance(screen, ReadingScreen) and screen.article.id == draft.article_id:
                screen.reload_annotations(store.article_note(draft.article_id))

    def _offer(self, path: Path, draft: Draft) -> None:
        from reader.services.drafts import DraftFile
        from reader.ui.dialogs.note_editor import NoteEditor

        app = self.app
        db = app.store.path
        when = draft.written.replace("T", " ")[:16]  # 2026-12-04 09:33, in UTC
        what = "A note" if draft.highlight_id else "A note on the whole article"
        title = f"{what} not saved when reader closed ({when} UTC), on “{draft.title}”"
        editor = NoteEditor(
            title,
            draft.quote,
            draft.base,
            text=draft.text,
            save=lambda text: self.save_draft(draft, text),
            draft=DraftFile(db.parent, db.name, draft, path),
            hint="ctrl+s save it as the note · escape discard it (asks first)",
        )
        app.push_screen(editor, lambda _note: self.offer_drafts())


class Quitting:
    """The app's keys and last resort for quitting (mixed into
    :class:`~reader.ui.app.ReaderApp`), each keeping the notes being written."""

    async def action_quit(self: ReaderApp) -> None:  # type: ignore[misc]
        """Quit (ctrl+q, ctrl+c, q in the library), asking first about a note being
        written: save it, discard it, or go on writing."""
        self.open_notes.quit()

    async def action_copy_or_quit(self: ReaderApp) -> None:
        """ctrl+c: copy the text selected in a note or a field, or with the mouse; else
        quit as ctrl+q does."""
        selected = getattr(self.focused, "selected_text", "")
        if not isinstance(selected, str) or not selected:
            selected = self.screen.get_selected_text() or ""
        if selected:
            self.copy_to_clipboard(selected)
            return
        self.open_notes.quit()

    def last_resort_save(self: ReaderApp) -> None:
        """What the lifeline saves, from its own thread, when the process must end: each
        note being written to its draft file (no database needed), then where the reader
        is."""
        self.open_notes.keep_drafts()
        self.save_positions()
