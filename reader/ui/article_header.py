"""The reading screen's header: the article's title, and where the reader is in it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from reader.ui.text import plain


class ArticleHeader(Horizontal):
    """Title on the left, where the reader is on the right."""

    DEFAULT_CSS = """
    ArticleHeader {
        height: 1;
        dock: top;
        background: $panel;
        color: $foreground;
        #title { width: 1fr; text-style: bold; padding: 0 1; text-wrap: nowrap;
                 text-overflow: ellipsis; }
        #where { width: auto; color: $text-muted; padding: 0 1; }
    }
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self._title = title

    def compose(self) -> ComposeResult:
        yield Static(plain(self._title), id="title")
        yield Static("", id="where")

    def show_position(self, text: str) -> None:
        """Show the reading position (plain text)."""
        self.query_one("#where", Static).update(plain(text))
