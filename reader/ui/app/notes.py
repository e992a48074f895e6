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

from typing import TYPE_CHECKING

from reader.db.storage import StoreError
from reader.services.annotations import save_article_note
from reader.services.drafts import Draft, DraftFile, adopt, apply, drafts_beside, saved_already
from reader.ui.app.notices import NoticingApp
from reader.ui.open_notes import OpenNotes
from reader.ui.reading.screen import ReadingScreen

if TYPE_CHECKING:
    from pathlib import Path

    from reader.db.store import Store
    from reader.model import Article


class NoteKeepingApp(NoticingApp):
    """The app's open note editors, the keys that quit (asking about a note being
    written), and the drafts of earlier runs."""

    store: Store

    def __init__(self) -> None:
        super().__init__()
        self.open_notes = OpenNotes()

    def draft_file(self, draft: Draft) -> DraftFile | None:
        """Where a note editor keeps what is typed until it is saved (none when the
        database is read-only: nothing is written)."""
        store = self.store
        if store.read_only:
            return None
        return DraftFile(store.drafts_base.parent, store.drafts_base.name, draft)

    def save_article_note(self, article: Article, note: str, base: str) -> str:
        """Save the note on a whole article, written from ``base`` (a note another window
        saved meanwhile is kept beside it); the note as saved. Raises StoreError."""
        return save_article_note(self.store, article.id, article.meta.path, note, base)

    # --- quitting -----------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit (ctrl+q, ctrl+c, q in the library), asking first about a note being
        written: save it, discard it, or go on writing."""
        self.quit_asking()

    async def action_copy_or_quit(self) -> None:
        """ctrl+c: copy the text selected in a note or a field, or with the mouse; else
        quit as ctrl+q does."""
        selected = getattr(self.focused, "selected_text", "")
        if not isinstance(selected, str) or not selected:
            selected = self.screen.get_selected_text() or ""
        if selected:
            self.copy_to_clipboard(selected)
            return
        self.quit_asking()

    def quit_asking(self) -> None:
        """Quit, asking first about a note being written."""
        changed = [editor for editor in self.open_notes.editors() if editor.changed]
        if not changed:
            self.exit()
            return
        editor = changed[-1]
        from reader.ui.dialogs.note_editor import QuitQuestion

        def answered(answer: str | None) -> None:
            if answer == "save":
                if editor.keep():  # else it stays open, saying why
                    self.quit_asking()  # another editor beneath may hold a note too
            elif answer == "discard":
                editor.discard()
                self.quit_asking()

        self.push_screen(QuitQuestion(), answered)

    # --- drafts of earlier runs -----------------------------------------------------------

    def offer_drafts(self) -> None:
        """Offer back, one at a time, the notes an earlier run could not save."""
        store = self.store
        if store.read_only:
            return
        db = store.drafts_base
        mine = {e.draft.path for e in self.open_notes.editors() if e.draft is not None}
        for path, draft in drafts_beside(db):
            if path in mine:
                continue
            try:
                if saved_already(store, draft):
                    path.unlink(missing_ok=True)
                    continue
            except (OSError, StoreError):
                continue
            self._offer(adopt(path, db, draft).path, draft)
            return  # the next one once this one is answered

    def save_draft(self, draft: Draft, text: str) -> None:
        """Save a note an earlier run could not save, and show it where it belongs.
        Raises StoreError (the editor offering it stays open)."""
        store = self.store
        apply(store, draft, text)
        for screen in self.screen_stack:
            if isinstance(screen, ReadingScreen) and screen.article.id == draft.article_id:
                screen.reload_annotations(store.article_note(draft.article_id))

    def _offer(self, path: Path, draft: Draft) -> None:
        from reader.ui.dialogs.note_editor import NoteEditor

        db = self.store.drafts_base
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
        self.push_screen(editor, lambda _note: self.offer_drafts())
