"""The reading screen: header, article view, search bar and key hints."""

from __future__ import annotations

import asyncio
import gc
from bisect import bisect_right
from collections.abc import Iterator
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from reader.annotations import Annotations, Placed, clean_tags
from reader.model import Article, Block, Colour
from reader.navigation import find_all, next_match, previous_match
from reader.store import ReadingPosition, StoreError
from reader.ui.article_view import ArticleView
from reader.ui.notes_pane import Entry, HighlightList, NotesPane
from reader.ui.text import plain

PANE_MIN_WIDTH = 110

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
        Binding("h", "highlight", "Highlight", id="highlight"),
        Binding("a", "annotate", "Note", id="annotate"),
        Binding("A", "article_note", "Article note", show=False, id="article-note"),
        Binding("t", "tags", "Tags", show=False, id="tags"),
        Binding("1", "colour('yellow')", "Yellow", show=False, id="colour-yellow"),
        Binding("2", "colour('green')", "Green", show=False, id="colour-green"),
        Binding("3", "colour('blue')", "Blue", show=False, id="colour-blue"),
        Binding("4", "colour('pink')", "Pink", show=False, id="colour-pink"),
        Binding("5", "colour('purple')", "Purple", show=False, id="colour-purple"),
        Binding("d", "delete", "Delete highlight", show=False, id="delete-highlight"),
        Binding("u", "undo", "Undo", show=False, id="undo"),
        Binding("r", "reattach", "Re-attach orphan", show=False, id="reattach"),
        Binding("p", "toggle_pane", "Notes", id="toggle-pane"),
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
        annotations: Annotations | None = None,
        article_note: str = "",
        position: ReadingPosition | None = None,
        direct: bool = False,
    ) -> None:
        super().__init__()
        self.article = article
        self.annotations = annotations
        self.article_note = article_note
        self._reattach_target: str | None = None
        self._pane_pending = False
        self._pane_current: str | None = None
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

    @property
    def pane(self) -> NotesPane:
        """The notes pane."""
        return self.query_one(NotesPane)

    def compose(self) -> ComposeResult:
        yield ArticleHeader(self.article.title)
        # The pane sits beside the article below the header (a docked pane would cover the
        # header's right end, where the reading position is shown).
        with Horizontal(id="reading-body"):
            yield ArticleView(self.article, id="article")
            yield NotesPane(id="notes")
        yield SearchBar(
            placeholder="Search this article (enter to find, escape to cancel)",
            select_on_focus=False,
        )
        yield Footer()

    def on_mount(self) -> None:
        view = self.view
        view.focus()
        self.pane.display = self.app.size.width >= PANE_MIN_WIDTH
        if self._start is not None:
            view.restore(self._start.block)
        self._show_position()
        self.refresh_annotations()
        if self.article.complete:
            self._place_highlights()
        if self.article.notice:
            self.notify(self.article.notice, severity="warning", markup=False)
        if self.article.complete:
            self.call_after_refresh(self._settle_memory)
        if self._rest is not None and not self.article.complete:
            # Only once the first screen is painted: before it, each batch would hold it up.
            self.call_after_refresh(self._start_loading)

    def _start_loading(self) -> None:
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
        self._settle_memory()
        self._show_position()
        if self._query:
            self._run_search(self._query, announce=False)
        self.refresh_annotations()
        self._place_highlights()

    @staticmethod
    def _settle_memory() -> None:
        """Exempt the loaded article from garbage collection.

        A book is hundreds of thousands of long-lived objects; without this every full
        collection walks them all, a 40-60 ms pause every couple of seconds (measured).
        """
        gc.freeze()

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
        self._follow_cursor()
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

    # --- highlights and notes -----------------------------------------------------------

    def _place_highlights(self) -> None:
        """Find highlights made on an earlier version of the text (in a worker thread)."""
        if self.annotations is None or not self.annotations.unplaced:
            return
        self._find_places(self.article.text, self.annotations.unplaced)

    @work(thread=True, exclusive=True, group="anchoring")
    def _find_places(self, text: str, highlights: list) -> None:
        assert self.annotations is not None
        found = self.annotations.find_places(text, highlights)
        self.app.call_from_thread(self._places_found, found)

    def _places_found(self, found: dict) -> None:
        assert self.annotations is not None
        try:
            orphans = self.annotations.apply_places(found)
        except StoreError as error:
            self._store_failed(error)
            return
        moved = len(found) - orphans
        self.refresh_annotations()
        if moved:
            self.notify(
                f"The article changed; {moved} highlight{'s' * (moved != 1)} "
                "re-placed in the new text.",
                markup=False,
            )
        if orphans:
            self.notify(
                f"{orphans} highlight{'s' * (orphans != 1)} could not be placed in the changed "
                "article. They are kept with their notes under “Could not be placed” in the "
                "notes pane (p); select new text and press r to re-attach one.",
                severity="warning",
                timeout=12,
                markup=False,
            )

    def refresh_annotations(self, current: str | None = None) -> None:
        """Push the highlights down to the view and the pane."""
        if self.annotations is None:
            return
        placed = self.annotations.placed()
        spans = [
            (p.start, p.end, p.highlight.colour.value, bool(p.highlight.note.strip()), p.id)
            for p in placed
            if p.start is not None and p.end is not None
        ]
        view = self.view
        if current is None:
            current = (
                view.current_highlight
                if self.annotations.get(view.current_highlight or "")
                else None
            )
        view.set_highlights(spans, current)
        # The pane is redrawn after the article's frame, and once however many changes came
        # in between: the text answers the key at once, the list a frame later.
        self._pane_current = current
        if not self._pane_pending:
            self._pane_pending = True
            self.call_after_refresh(self._refresh_pane)

    def _refresh_pane(self) -> None:
        self._pane_pending = False
        if self.annotations is None:
            return
        placed = self.annotations.placed()
        entries = [Entry.of(p, self._where(p)) for p in placed]
        self.pane.show(entries, self.article_note, self._pane_current)

    def _where(self, placed: Placed) -> str:
        if placed.start is None:
            return "could not be placed"
        index = self.article.block_at(placed.start)
        where = f"¶ {index + 1}"
        headings = self.article.headings
        position = bisect_right(headings, index) - 1
        if position >= 0 and headings[position] != index:
            title = " ".join(self.article.blocks[headings[position]].text.split())
            where += f" · {title[:40]}"
        return where

    def _follow_cursor(self) -> None:
        view = self.view
        here = view.highlights_at(view.cursor)
        if view.current_highlight not in here:
            view.current_highlight = here[0] if here else None
            view.refresh()
        if view.current_highlight:
            self.pane.follow(view.current_highlight)

    def _current(self) -> str | None:
        view = self.view
        here = view.highlights_at(view.cursor)
        if view.current_highlight in here:
            return view.current_highlight
        return here[0] if here else None

    def _store_failed(self, error: StoreError) -> None:
        self.notify(f"Not saved: {error}", severity="error", timeout=15, markup=False)

    def _create(self, start: int, end: int, colour: Colour = Colour.YELLOW) -> str | None:
        if self.annotations is None:
            return None
        for placed in self.annotations.in_range(start, end):
            if (placed.start, placed.end) == (start, end):
                self.notify("That passage is already highlighted.", markup=False)
                return placed.id
        try:
            highlight = self.annotations.create(start, end, colour)
        except StoreError as error:
            self._store_failed(error)
            return None
        self.refresh_annotations(highlight.id)
        return highlight.id

    def _paragraph_highlight(self, colour: Colour = Colour.YELLOW) -> str | None:
        """The highlight under the cursor, creating one on the whole paragraph if none."""
        current = self._current()
        if current is not None or not self.article.blocks:
            return current
        block = self.article.blocks[self.view.cursor]
        return self._create(block.start, block.end, colour)

    def action_highlight(self) -> None:
        """Highlight the paragraph under the cursor."""
        if not self.article.blocks:
            self.notify("There is nothing to highlight in an empty article.", markup=False)
            return
        block = self.article.blocks[self.view.cursor]
        self._create(block.start, block.end)

    @on(ArticleView.SelectionDone)
    def _selection_done(self, event: ArticleView.SelectionDone) -> None:
        self._create(event.start, event.end)

    def action_colour(self, colour: str) -> None:
        """Set the colour of the highlight under the cursor (highlighting the paragraph first)."""
        chosen = Colour(colour)
        current = self._current()
        if current is None:
            self._paragraph_highlight(chosen)
            return
        self._update(current, "colour", colour=chosen)

    def _update(self, highlight_id: str, what: str, **changes: object) -> None:
        assert self.annotations is not None
        try:
            self.annotations.update(highlight_id, what, **changes)
        except StoreError as error:
            self._store_failed(error)
            return
        self.refresh_annotations(highlight_id)

    def action_annotate(self) -> None:
        """Write the note of the highlight under the cursor."""
        current = self._paragraph_highlight()
        if current is not None:
            self._edit_note(current)

    def _edit_note(self, highlight_id: str) -> None:
        assert self.annotations is not None
        highlight = self.annotations.get(highlight_id)
        if highlight is None:
            return

        def done(note: str | None) -> None:
            if note is not None and note != highlight.note:
                self._update(highlight_id, "note", note=note)

        from reader.ui.note_editor import NoteEditor

        self.app.push_screen(NoteEditor("Note", highlight.quote, highlight.note), done)

    def action_article_note(self) -> None:
        """Write the note on the article as a whole."""

        def done(note: str | None) -> None:
            if note is not None and note != self.article_note:
                self.post_message(self.ArticleNoteChanged(self.article, note))
                self.article_note = note
                self.refresh_annotations()

        from reader.ui.note_editor import NoteEditor

        self.app.push_screen(
            NoteEditor(f"Note on “{self.article.title}”", "", self.article_note), done
        )

    class ArticleNoteChanged(Message):
        """The article-level note was edited (the app saves it)."""

        def __init__(self, article: Article, note: str) -> None:
            super().__init__()
            self.article = article
            self.note = note

    def action_tags(self) -> None:
        """Edit the tags of the highlight under the cursor."""
        current = self._paragraph_highlight()
        if current is None or self.annotations is None:
            return
        highlight = self.annotations.get(current)
        assert highlight is not None

        def done(value: str | None) -> None:
            if value is not None:
                tags = clean_tags(value)
                if tags != highlight.tags:
                    self._update(current, "tags", tags=tags)

        known = self.annotations.store.all_tags()
        from reader.ui.note_editor import TagEditor

        self.app.push_screen(TagEditor(highlight.quote, highlight.tags, known), done)

    def action_delete(self) -> None:
        """Delete the highlight under the cursor (u undoes)."""
        current = self._current()
        if current is None:
            self.notify("There is no highlight here to delete.", markup=False)
            return
        self._delete(current)

    def _delete(self, highlight_id: str) -> None:
        assert self.annotations is not None
        try:
            self.annotations.delete(highlight_id)
        except StoreError as error:
            self._store_failed(error)
            return
        self.refresh_annotations()
        self.notify("Highlight deleted. Press u to undo.", markup=False)

    def action_undo(self) -> None:
        """Undo the last highlight, edit or delete."""
        if self.annotations is None:
            return
        try:
            change = self.annotations.undo()
        except StoreError as error:
            self._store_failed(error)
            return
        if change is None:
            self.notify("Nothing to undo.", markup=False)
            return
        restored = change.before.id if change.before is not None else None
        self.refresh_annotations(restored)
        self.notify(f"Undone: {change.what}.", markup=False)

    def action_toggle_pane(self) -> None:
        """Show or hide the notes pane."""
        pane = self.pane
        pane.display = not pane.display
        if not pane.display and pane.has_focus_within:
            self.set_focus(self.view)

    def action_reattach(self) -> None:
        """Attach an orphaned highlight to the selection (or the paragraph)."""
        if self.annotations is None:
            return
        orphans = self.annotations.orphans
        target = self._reattach_target
        if target not in {p.id for p in orphans}:
            target = orphans[0].id if len(orphans) == 1 else None
        if target is None:
            message = (
                "No highlight is waiting to be placed."
                if not orphans
                else "Choose the highlight to re-attach under “Could not be placed” first."
            )
            self.notify(message, markup=False)
            return
        view = self.view
        span = view.selection
        if span is None or span[1] <= span[0]:
            block = self.article.blocks[view.cursor]
            span = (block.start, block.end)
        view.clear_selection()
        try:
            self.annotations.reattach(target, *span)
        except StoreError as error:
            self._store_failed(error)
            return
        self._reattach_target = None
        self.refresh_annotations(target)
        self.notify("Highlight re-attached.", markup=False)

    @on(ArticleView.HighlightStep)
    def _highlight_step(self, event: ArticleView.HighlightStep) -> None:
        if self.annotations is None:
            return
        view = self.view
        here = self.annotations.place_of(view.current_highlight or "")
        if here is None and self.article.blocks:
            block = self.article.blocks[view.cursor]
            here = (block.start - 1, block.start - 1) if event.direction > 0 else (block.start, 0)
        assert here is not None
        if event.direction > 0:
            found = self.annotations.next_after(here[0])
        else:
            found = self.annotations.previous_before(here[0])
        if found is None or found.start is None:
            self.notify("No more highlights that way.", markup=False)
            return
        view.show_highlight(found.id, found.start)
        self.pane.follow(found.id)

    @on(NotesPane.Jump)
    def _jump(self, event: NotesPane.Jump) -> None:
        assert self.annotations is not None
        place = self.annotations.place_of(event.highlight_id)
        if place is None:
            self._reattach_target = event.highlight_id
            self.notify(
                "This highlight could not be placed. Select the passage it belongs to "
                "in the article and press r to re-attach it.",
                markup=False,
            )
            self.set_focus(self.view)
            return
        self.view.show_highlight(event.highlight_id, place[0])
        self.set_focus(self.view)

    @on(HighlightList.Highlighted)
    def _pane_moved(self, event: HighlightList.Highlighted) -> None:
        option_id = event.highlight_id
        if self.annotations is not None and option_id and not self.annotations.place_of(option_id):
            self._reattach_target = option_id

    @on(HighlightList.Request)
    def _pane_request(self, event: HighlightList.Request) -> None:
        if event.what == "annotate":
            self._edit_note(event.highlight_id)
        elif event.what == "delete":
            self._delete(event.highlight_id)
