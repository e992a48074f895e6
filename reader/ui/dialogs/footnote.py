"""A footnote shown where the reader is: its text in a small box over the article;
``enter`` goes to the note itself (a jump the history keeps), ``escape`` closes."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.ui.dialogs.note_editor import _EDITOR_CSS
from reader.ui.widgets.text import plain


class FootnoteScreen(ModalScreen[bool]):
    """The note a footnote mark leads to; answers True to go to it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,o", "answer(True)", "Go to the note", id="footnote-go"),
        Binding("escape,q,backspace", "answer(False)", "Close", id="footnote-close"),
    ]
    DEFAULT_CSS = (
        _EDITOR_CSS.format(name="FootnoteScreen")
        + """
    FootnoteScreen > Vertical { width: 72; }
    FootnoteScreen #footnote-text { max-height: 16; overflow-y: auto; }
    """
    )

    def __init__(self, mark: str, text: str) -> None:
        super().__init__()
        self.mark = mark
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(f"Note {self.mark}"), classes="editor-title")
            yield Static(plain(self.text), id="footnote-text")
            yield Static(plain("enter go to the note · escape close"), classes="editor-hint")

    def action_answer(self, go: bool) -> None:
        """Close, going to the note or not."""
        self.dismiss(go)
