"""The reading screen: header, article view, search bar and key hints."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from reader.annotations import Annotations, Placed, clean_tags
from reader.links import Location, Place
from reader.model import Article, Block, Colour, CrossLink, ReadingPosition
from reader.storage import StoreError
from reader.ui.article_life import ArticleLife
from reader.ui.article_view import ArticleView
from reader.ui.exporting import Exporting
from reader.ui.links import Links
from reader.ui.notes_pane import Entry, HighlightList, NotesPane
from reader.ui.search import Search
from reader.ui.text import plain

if TYPE_CHECKING:
    from textual.widgets import Input

PANE_MIN_WIDTH = 110


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


class ReadingScreen(Screen[None]):
    """Reads one article."""

    HELP_TITLE = "Article"
    BINDINGS: ClassVar[list[BindingType]] = [
        *Search.BINDINGS,
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
        *Exporting.BINDINGS,
        *Links.BINDINGS,
        *ArticleLife.BINDINGS,
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
        landing: Place | None = None,
    ) -> None:
        super().__init__()
        self.article = article
        self.annotations = annotations
        self.article_note = article_note
        self._reattach_target: str | None = None
        self._pane_pending = False
        self._pane_current: str | None = None
        self.direct = direct
        self.search = Search(self)
        self.links = Links(self)
        self.exporting = Exporting(self)
        self.life = ArticleLife(self, rest, position, landing)

    @property
    def view(self) -> ArticleView:
        """The article view."""
        return self.query_one(ArticleView)

    @property
    def pane(self) -> NotesPane:
        """The notes pane."""
        return self.query_one(NotesPane)

    @property
    def header(self) -> ArticleHeader:
        """The header: the title, and where the reader is."""
        return self.query_one(ArticleHeader)

    def compose(self) -> ComposeResult:
        yield ArticleHeader(self.article.title)
        # The pane sits beside the article below the header (a docked pane would cover the
        # header's right end, where the reading position is shown).
        with Horizontal(id="reading-body"):
            yield ArticleView(self.article, id="article")
            yield NotesPane(id="notes")
        yield Footer()

    def on_mount(self) -> None:
        self.view.focus()
        self.pane.display = self.app.size.width >= PANE_MIN_WIDTH
        self.life.restore()
        self.refresh_annotations()
        self.reload_links()
        if self.article.complete:
            self._place_highlights()
        self.life.start()

    def _pop_result_callback(self) -> None:
        # An article opened directly is the app's default screen, which Textual gives no
        # result callback; switching to another article would then pop an empty list
        # (Textual issue #2650). Nothing waits on a reading screen's result.
        if self._result_callbacks:
            super()._pop_result_callback()

    def article_loaded(self) -> None:
        """The rest of a book has loaded: search, highlights and links take in all of it."""
        self.search.rerun()
        self.refresh_annotations()
        self._place_highlights()
        self.reload_links()

    # --- position ---------------------------------------------------------------------

    def current_position(self) -> ReadingPosition:
        """Where the reader is now."""
        return self.life.current_position()

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self) -> None:
        self.life.show_position()
        self._follow_cursor()
        self.links.show_here()
        self.life.save_soon()

    def save_position(self) -> None:
        """Ask the app to save the reading position now."""
        self.life.save_position()

    def action_reload(self) -> None:
        """Read the article's file again, keeping the place and re-placing highlights."""
        self.life.reload()

    def action_close(self) -> None:
        """Back to the library, or quit when the article was opened directly."""
        self.save_position()
        if self.direct:
            self.app.exit()
        else:
            self.dismiss()

    # --- search -----------------------------------------------------------------------

    async def action_search(self) -> None:
        """Open the search field."""
        await self.search.open()

    def on_search_bar_cancelled(self) -> None:
        self.search.close()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "search":
            return
        event.stop()
        self.search.submitted(event.value)

    def action_next_match(self) -> None:
        """Next search match."""
        self.search.next()

    def action_previous_match(self) -> None:
        """Previous search match."""
        self.search.previous()

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
            self.store_failed(error)
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
        self.links.notes_changed()
        # The pane is redrawn after the article's frame, and once however many changes came
        # in between: the text answers the key at once, the list a frame later.
        self._pane_current = current
        if not self._pane_pending:
            self._pane_pending = True
            self.call_after_refresh(self._refresh_pane)

    def _refresh_pane(self) -> None:
        self._pane_pending = False
        # None once the screen is being taken down: a change that arrived just before the
        # reader followed a link to another article is not drawn on the old screen.
        pane = next(iter(self.query(NotesPane)), None)
        if self.annotations is None or pane is None:
            return
        placed = self.annotations.placed()
        entries = [Entry.of(p, self._where(p)) for p in placed]
        pane.show(entries, self.article_note, self._pane_current)

    def _where(self, placed: Placed) -> str:
        if placed.start is None:
            return "could not be placed"
        index = self.article.block_at(placed.start)
        where = f"¶ {index + 1}"
        heading = self.article.heading_before(index)
        if heading is not None:
            title = " ".join(self.article.blocks[heading].text.split())
            where += f" · {title[:40]}"
        return where

    def _follow_cursor(self) -> None:
        view = self.view
        here = view.highlights_at(view.cursor)
        wanted = view.current_highlight if view.current_highlight in here else None
        if wanted is None and here:
            wanted = here[0]
        if wanted != view.current_highlight:
            # Only then: a needless refresh redrew the whole article a frame after every key.
            view.current_highlight = wanted
            view.refresh()
        if view.current_highlight:
            self.pane.follow(view.current_highlight)

    def current_highlight(self) -> str | None:
        """The id of the highlight under the cursor, or None."""
        view = self.view
        here = view.highlights_at(view.cursor)
        if view.current_highlight in here:
            return view.current_highlight
        return here[0] if here else None

    def store_failed(self, error: StoreError) -> None:
        """Say that a change was not saved, and why."""
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
            self.store_failed(error)
            return None
        self.refresh_annotations(highlight.id)
        return highlight.id

    def _paragraph_highlight(self, colour: Colour = Colour.YELLOW) -> str | None:
        """The highlight under the cursor, creating one on the whole paragraph if none."""
        current = self.current_highlight()
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
        current = self.current_highlight()
        if current is None:
            self._paragraph_highlight(chosen)
            return
        self._update(current, "colour", colour=chosen)

    def _update(self, highlight_id: str, what: str, **changes: object) -> None:
        assert self.annotations is not None
        try:
            self.annotations.update(highlight_id, what, **changes)
        except StoreError as error:
            self.store_failed(error)
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

        known = self.annotations.all_tags()
        from reader.ui.note_editor import TagEditor

        self.app.push_screen(TagEditor(highlight.quote, highlight.tags, known), done)

    def action_delete(self) -> None:
        """Delete the highlight under the cursor (u undoes)."""
        current = self.current_highlight()
        if current is None:
            self.notify("There is no highlight here to delete.", markup=False)
            return
        self._delete(current)

    def _delete(self, highlight_id: str) -> None:
        assert self.annotations is not None
        place = self.annotations.place_of(highlight_id)
        links = [] if place is None else self.links.links_on(place)
        if not links:
            self._delete_now(highlight_id, [])
            return
        from reader.ui.link_picker import KeepLinksScreen

        def answered(answer: str | None) -> None:
            if answer == "keep":
                self._delete_now(highlight_id, [])
            elif answer == "remove":
                self._delete_now(highlight_id, links)

        self.app.push_screen(KeepLinksScreen(len(links)), answered)

    def _delete_now(self, highlight_id: str, links: list[CrossLink]) -> None:
        assert self.annotations is not None
        try:
            self.annotations.delete(highlight_id, links)
        except StoreError as error:
            self.store_failed(error)
            return
        self.refresh_annotations()
        if links:
            self.reload_links()
            count = f"{len(links)} link{'s' * (len(links) != 1)}"
            self.notify(f"Highlight and its {count} deleted. u brings them back.", markup=False)
        else:
            self.notify("Highlight deleted. Press u to undo.", markup=False)

    def action_undo(self) -> None:
        """Undo the last highlight, edit, delete or link."""
        if self.annotations is None:
            return
        try:
            change = self.annotations.undo()
        except StoreError as error:
            self.store_failed(error)
            return
        if change is None:
            self.notify("Nothing to undo.", markup=False)
            return
        restored = change.before.id if change.before is not None else None
        self.refresh_annotations(restored)
        if change.links_added or change.links_removed:
            self.reload_links()
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
            self.store_failed(error)
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
        self.app.record_jump(self.here())
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

    # --- links ----------------------------------------------------------------------------

    def here(self) -> Location:
        """Where the reader is, for the history."""
        return Location(self.article.meta.path, self.view.cursor)

    def jump_within(self, place: Place | None) -> None:
        """Move to a place in this article (the history was noted by the app)."""
        block = place.block_in(self.article) if place is not None else None
        if block is None:
            if place is not None and place.fragment and self.article.complete:
                self.notify(f"No heading “{place.fragment}” in this article.", markup=False)
            return
        self.view.restore(block)
        self.set_focus(self.view)

    def reload_links(self) -> None:
        """Read this article's cross-links and place their ends here."""
        self.links.reload()

    def action_follow(self) -> None:
        """Follow the link here, or choose among several."""
        self.links.follow_here()

    def action_link(self) -> None:
        """Link this passage to another, anywhere in the library."""
        self.links.link()

    def action_back(self) -> None:
        """Back to where the last jump started."""
        self.links.back()

    def action_forward(self) -> None:
        """Forward again."""
        self.links.forward()

    def action_next_linked(self) -> None:
        """The next paragraph that carries a link."""
        self.links.next_linked()

    def action_previous_linked(self) -> None:
        """The previous paragraph that carries a link."""
        self.links.previous_linked()

    # --- export ---------------------------------------------------------------------------

    def action_export(self) -> None:
        """Write this article's notes as Markdown to the export folder."""
        self.exporting.export()
