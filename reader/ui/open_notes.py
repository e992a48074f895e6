"""The note editors open now: the app saves them when it must stop, the lifeline from its
own thread (:mod:`reader.cli.lifeline`), so the list is kept behind a lock.

Quitting with a note being written, and the drafts an earlier run left, are the app's
(:mod:`reader.ui.app.notes`).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from reader.services.drafts import DraftFile


class Editor(Protocol):
    """An open note editor (:class:`reader.ui.dialogs.note_editor.NoteEditor`), as the app
    sees it when it must stop."""

    closed: bool
    draft: DraftFile | None

    @property
    def changed(self) -> bool:
        """Whether the note differs from what it was when the editor opened."""
        ...

    def keep(self) -> bool:
        """Save the note and close; False when it could not be saved."""
        ...

    def discard(self) -> None:
        """Close without saving."""
        ...

    def keep_on_exit(self) -> None:
        """Save the note as it is, or keep it as a draft when that fails."""
        ...

    def keep_draft(self) -> None:
        """Write the note to its draft file."""
        ...


class OpenNotes:
    """The app's open note editors."""

    def __init__(self) -> None:
        self._open: list[Editor] = []
        self._guard = threading.Lock()  # the lifeline reads the list from its thread

    def opened(self, editor: Editor) -> None:
        """A note editor is showing."""
        with self._guard:
            self._open.append(editor)

    def closed(self, editor: Editor) -> None:
        """A note editor closed, its note saved or discarded."""
        with self._guard:
            if editor in self._open:
                self._open.remove(editor)

    def editors(self) -> list[Editor]:
        """The editors open with a note not yet saved or discarded."""
        with self._guard:
            return [editor for editor in self._open if not editor.closed]

    def keep(self) -> None:
        """reader is ending (the app's ``exit``): save every note being written, or keep it
        as a draft when that fails."""
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
