"""The reading screen: header, article view, search bar and key hints."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from reader.model import Article, Block
from reader.navigation import find_all, next_match, previous_match
from reader.store import ReadingPosition
from reader.ui.article_view import ArticleView
from reader.ui.text import plain

SAVE_DELAY = 1.5


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


class SearchBar(Input):
    """The search field: shown by ``/``, hidden again on enter or escape."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]

    DEFAULT_CSS = """
    SearchBar { dock: bottom; display: none; margin-bottom: 1; border: tall $accent; }
    SearchBar.-active { display: block; }
    """

    class Cancelled(Message):
        """The search was dismissed without searching."""

    def action_cancel(self) -> None:
        """Hide without searching."""
        self.post_message(self.Cancelled())


class ReadingScreen(Screen[None]):
    """Reads one article."""

    HELP_TITLE = "Article"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="search"),
        Binding("n", "next_match", "Next match", show=False, id="next-match"),
        Binding("N", "previous_match", "Previous match", show=False, id="previous-match"),
        Binding("question_mark", "app.help", "Help", id="help"),
        Binding("q", "close", "Back", id="back"),
    ]

    class PositionChanged(Message):
        """The reader has settled on a new position (debounced; the app saves it)."""

        def __init__(self, article: Article, position: ReadingPosition) -> None:
            super().__init__()
            self.article = article
            self.position = position

    def __init__(
        self,
        article: Article,
        rest: Iterator[list[Block]] | None = None,
        *,
        position: ReadingPosition | None = None,
        direct: bool = False,
    ) -> None:
        super().__init__()
        self.article = article
        self._rest = rest
        self._start = position
        self.direct = direct
        self._save_timer = None
        self._query = ""
        self._matches: list[int] = []

    @property
    def view(self) -> ArticleView:
        """The article view."""
        return self.query_one(ArticleView)

    def compose(self) -> ComposeResult:
        yield ArticleHeader(self.article.title)
        yield ArticleView(self.article, id="article")
        yield SearchBar(
            placeholder="Search this article (enter to find, escape to cancel)",
            select_on_focus=False,
        )
        yield Footer()

    def on_mount(self) -> None:
        view = self.view
        view.focus()
        if self._start is not None:
            view.restore(self._start.block)
        self._show_position()
        if self.article.notice:
            self.notify(self.article.notice, severity="warning", markup=False)
        if self._rest is not None and not self.article.complete:
            self.run_worker(self._load_rest(), name="load", exclusive=True)

    async def _load_rest(self) -> None:
        """Append the rest of a long article in small batches, keeping keys responsive."""
        assert self._rest is not None
        for batch in self._rest:
            first = len(self.article.blocks)
            self.article.extend(batch)
            self.view.blocks_added(first)
            self._show_position()
            await asyncio.sleep(0)
        self.article.complete = True
        self._show_position()
        if self._query:
            self._run_search(self._query, announce=False)

    # --- position ---------------------------------------------------------------------

    def _show_position(self) -> None:
        blocks = self.article.blocks
        header = self.query_one(ArticleHeader)
        if not blocks:
            header.show_position("empty")
            return
        cursor = self.view.cursor
        percent = self._progress(cursor) * 100
        where = f"¶ {cursor + 1:,} / {len(blocks):,}  {percent:3.0f}%"
        if not self.article.complete:
            where += "  (loading…)"
        header.show_position(where)

    def _progress(self, index: int) -> float:
        blocks = self.article.blocks
        if len(blocks) <= 1:
            return 1.0 if blocks else 0.0
        if not self.article.complete:
            return index / len(blocks)
        return index / (len(blocks) - 1)

    def current_position(self) -> ReadingPosition:
        """Where the reader is now."""
        index = self.view.cursor
        blocks = self.article.blocks
        offset = blocks[index].start if blocks else 0
        return ReadingPosition(index, offset, self._progress(index))

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self) -> None:
        self._show_position()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_position)

    def save_position(self) -> None:
        """Ask the app to save the reading position now."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if self.article.blocks:
            # Straight to the app, so the save is queued before whatever follows a close.
            self.app.post_message(self.PositionChanged(self.article, self.current_position()))

    def action_close(self) -> None:
        """Back to the library, or quit when the article was opened directly."""
        self.save_position()
        if self.direct:
            self.app.exit()
        else:
            self.dismiss()

    # --- search -----------------------------------------------------------------------

    def action_search(self) -> None:
        """Open the search field."""
        bar = self.query_one(SearchBar)
        bar.add_class("-active")
        bar.display = True
        bar.value = self._query
        bar.select_all()  # typing replaces the last query; enter searches it again
        # Focus now, not after a refresh, so keys typed right after "/" reach the field.
        self.set_focus(bar)

    def _close_search(self) -> None:
        bar = self.query_one(SearchBar)
        bar.remove_class("-active")
        bar.display = False
        self.set_focus(self.view)

    @on(SearchBar.Cancelled)
    def _search_cancelled(self) -> None:
        self._close_search()

    @on(Input.Submitted)
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._close_search()
        self._run_search(event.value)

    def _run_search(self, query: str, *, announce: bool = True) -> None:
        self._query = query
        matches = find_all(self.article.text, query)
        self._matches = matches
        view = self.view
        view.set_matches(matches, len(query))
        if not query:
            return
        if not matches:
            if announce:
                self.notify(f"No matches for “{query}”", severity="warning", markup=False)
            return
        if announce:
            start = self.article.blocks[view.cursor].start if self.article.blocks else 0
            view.show_match(next_match(matches, start))
            self._announce_match()

    def _announce_match(self) -> None:
        number = self.view.current_match + 1
        self.notify(
            f"Match {number} of {len(self._matches)} for “{self._query}”", timeout=2, markup=False
        )

    def action_next_match(self) -> None:
        """Next search match."""
        self._step_match(next_match)

    def action_previous_match(self) -> None:
        """Previous search match."""
        self._step_match(previous_match)

    def _step_match(self, step) -> None:
        if not self._matches:
            if self._query:
                self.notify(f"No matches for “{self._query}”", severity="warning", markup=False)
            else:
                self.notify("Press / to search first", markup=False)
            return
        view = self.view
        start = self.article.blocks[view.cursor].start
        current = view.current_match
        if current >= 0 and self.article.block_at(self._matches[current]) != view.cursor:
            current = -1  # the reader moved on: search from the cursor instead
        view.show_match(step(self._matches, start, current))
        self._announce_match()
