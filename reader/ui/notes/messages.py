"""The messages of the screen of every note."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from reader.services.notes_index import NoteItem


@dataclass
class NoteChosen(Message):
    """Enter, or a click, on a note of the list."""

    item: NoteItem


@dataclass
class OpenNote(Message):
    """Open the article of ``item`` at its passage (to the app)."""

    item: NoteItem
