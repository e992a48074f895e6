"""A footnote shown where the reader is: its text in a small box over the article, just
below the paragraph that cites it;
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

    def __init__(self, mark: str, text: str, rows: tuple[int, int] | None = None) -> None:
        """``rows``: the screen rows of the paragraph that cites the note (the box goes
        just below it, or above it when there is no room below)."""
        super().__init__()
        self.mark = mark
        self.text = text
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(f"Note {self.mark}"), classes="editor-title")
            yield Static(plain(self.text), id="footnote-text")
            yield Static(plain("enter go to the note · escape close"), classes="editor-hint")

    def on_mount(self) -> None:
        if self.rows is None:
            return
        box = self.query_one(Vertical)
        self.styles.align_vertical = "top"
        top, bottom = self.rows
        height = box.outer_size.height or 8

        def place() -> None:
            size = box.outer_size.height or height
            room = self.size.height
            below = bottom if bottom + size <= room else max(0, top - size)
            box.styles.margin = (below, 0, 0, 0)

        self.call_after_refresh(place)

    def action_answer(self, go: bool) -> None:
        """Close, going to the note or not."""
        self.dismiss(go)
