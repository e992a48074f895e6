"""The reading screen: composes the header, the article, the notes pane and the key hints,
and wires the features that act on them.

Each feature keeps its keys and logic in a module of its own, held here as a small controller:
:mod:`~reader.ui.reading.search` (/, n, N), :mod:`~reader.ui.reading.annotating` (h, a, A, t, 1-5,
d, u, r, [ ]), :mod:`~reader.ui.reading.links` (follow, make, backlinks, history),
:mod:`~reader.ui.reading.exporting` (e) and :mod:`~reader.ui.reading.life` (opening, loading a book,
watching the file, the position). Each is given the screen as a
:class:`~reader.ui.reading.host.ReadingHost` (its base class), so none imports this module.
Textual dispatches a key only to the focused widget, its ancestors, the screen and the app, so
the screen declares the features' bindings and hands each action to its feature; it routes the
messages of the view and the pane (:mod:`~reader.ui.reading.messages`) the same way, and runs
the features' slow work in its worker threads, whose findings come back as messages. Highlights
change through the article's ``Annotations`` (a service, not the store); the reading position,
jumps and reloads go up to the app as messages, the article's note to the app's
``save_article_note``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer
from textual.worker import get_current_worker

from reader.model import Anchor, Article, Block, CrossLink, Highlight, ReadingPosition
from reader.ui.host import reader_app
from reader.ui.keynames import normalize
from reader.ui.reading.annotating import Annotating
from reader.ui.reading.contents import Contents
from reader.ui.reading.exporting import Exporting
from reader.ui.reading.header import ArticleHeader
from reader.ui.reading.host import ReadingHost
from reader.ui.reading.life import ArticleLife
from reader.ui.reading.links import Links, find_link_ends
from reader.ui.reading.messages import (
    HighlightStep,
    JumpToHighlight,
    LibraryRead,
    LinksPlaced,
    PaneMoved,
    PaneRequest,
    PlacesFound,
    SelectionDone,
)
from reader.ui.reading.notes_pane import NotesPane
from reader.ui.reading.placing import search_places
from reader.ui.reading.search import Search
from reader.ui.reading.view import ArticleView
from reader.ui.reading.written_apart import WrittenApart
from reader.ui.widgets.messages import SearchCancelled

if TYPE_CHECKING:
    from textual.widgets import Input

    from reader.services.annotations import Annotations
    from reader.text.links import Place

SELECTING = (
    "select-confirm",
    "select-cancel",
    "select-word",
    "select-word-back",
    "select-sentence",
    "select-down",
    "select-up",
    "select-swap",
)
"""The keys the footer offers while selecting, in order."""


def _declared(binding_id: str) -> str:
    """The keys the view's binding ``binding_id`` is declared with ("enter,h")."""
    return next(
        (b.key for b in ArticleView.BINDINGS if isinstance(b, Binding) and b.id == binding_id), ""
    )


PANE_MIN_WIDTH = 110
"""Columns below which the notes pane gives way, at start-up and on every resize: beside its
43, the article would have fewer than 67."""


class ReadingScreen(ReadingHost):
    """Reads one article."""

    HELP_TITLE = "Article"
    # In the order the help and the footer list them.
    BINDINGS: ClassVar[list[BindingType]] = [
        *Search.BINDINGS,
        *Annotating.BINDINGS,
        Binding("p", "toggle_pane", "Notes", id="toggle-pane"),
        Binding(
            "tab", "app.focus_next", "To the notes pane and back", show=False, id="switch-pane"
        ),
        Binding("number_sign", "app.notes", "All notes", show=False, id="notes-screen"),
        *Contents.BINDINGS,
        *Exporting.BINDINGS,
        *Links.BINDINGS,
        *ArticleLife.BINDINGS,
        Binding("question_mark", "app.help", "Help", id="help"),
        Binding("q", "close", "Back", id="back"),
    ]

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
        super().__init__(article, annotations=annotations, article_note=article_note, direct=direct)
        self.search = Search(self)
        self.annotating = Annotating(self)
        self.written_apart = WrittenApart(self, self.annotating.current)
        self.links = Links(self)
        self.exporting = Exporting(self)
        self.contents = Contents(self)
        self.life = ArticleLife(self, rest, position, landing)
        # Whether the reader wants the pane (p says); it shows only where there is room.
        self._pane_wanted = True
        self._pane_fitted = -1  # the width the pane was last shown or hidden for

    def compose(self) -> ComposeResult:
        yield ArticleHeader(self.article.title)
        # The pane sits beside the article below the header (a docked pane would cover the
        # header's right end, where the reading position is shown).
        with Horizontal(id="reading-body"):
            yield ArticleView(self.article, id="article")
            yield NotesPane(id="notes")
        yield Footer()

    def on_mount(self) -> None:
        self.view.reorder = self.view.column.reorder = reader_app(self).reorders_rtl
        self.view.focus()
        self._fit_pane(self.app.size.width)
        self.life.restore()
        self.header.show_chapter(self.contents.chapter())
        self.refresh_annotations()
        self.reload_links()
        if self.article.complete:
            self.annotating.place_highlights()
        self.life.start()
        # Last, as a message would have come: the position restored above is told now, with
        # the highlights and links in place.
        self.view.listen(self._cursor_moved)
        self.call_after_refresh(self.search.prepare)
        if reader_app(self).library_folder is not None:
            self.call_after_refresh(self.read_library)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys in force; while a selection is being made, the footer offers the
        selection's keys alone, what ends it first (the screen's keys act as before)."""
        bindings = super().active_bindings
        views = self.query(ArticleView)
        if not views or not views.first().selecting:
            return bindings
        ranks = {ident: rank for rank, ident in enumerate(SELECTING)}
        keymap = reader_app(self).keys_in_force

        def order(item: tuple[str, ActiveBinding]) -> tuple[int, int]:
            # By SELECTING, then each binding's keys as declared: enter before h, j
            # before down (the footer shows an action's first key).
            key, active = item
            ident = active.binding.id or ""
            if ident not in ranks:
                return len(ranks), 0  # the app's (ctrl+p shows at the right end)
            keys = [normalize(k) for k in (keymap.get(ident) or _declared(ident)).split(",")]
            return ranks[ident], keys.index(key) if key in keys else len(keys)

        kept = [
            item
            for item in bindings.items()
            if item[1].binding.id in ranks or item[1].node is self.app
        ]
        return dict(sorted(kept, key=order))

    def on_unmount(self) -> None:
        # However the screen goes (a key, the app shutting down): what placing found in a
        # file read just after it changed is saved, if the file has not changed since.
        self.life.settle(leaving=True)

    def _pop_result_callback(self) -> None:
        # An article opened directly is the app's default screen, which Textual gives no
        # result callback; switching to another article would then pop an empty list
        # (Textual issue #2650). Nothing waits on a reading screen's result.
        if self._result_callbacks:
            super()._pop_result_callback()

    # --- what the features and the app ask of the screen -----------------------------------

    def refresh_annotations(self, current: str | None = None) -> None:
        """Push the highlights down to the view and the pane."""
        self.annotating.refresh(current)
        self.links.notes_changed()

    def reload_annotations(self, article_note: str) -> None:
        """Read this article's highlights and note again (saved from elsewhere: a draft
        offered back at start)."""
        if self.annotations is not None:
            self.annotations.load()
        self.article_note = article_note
        self.refresh_annotations()
        if self.article.complete:
            self.annotating.place_highlights()

    def reload_links(self) -> None:
        """Read this article's cross-links and place their ends here."""
        self.links.reload()

    def article_loaded(self) -> None:
        """The rest of a book has loaded: search, highlights and links take in all of it."""
        self.search.rerun()
        self.refresh_annotations()
        self.annotating.place_highlights()
        self.reload_links()

    def jump_within(self, place: Place | None) -> None:
        """Move to a place in this article (the history was noted by the app)."""
        block = place.block_in(self.article) if place is not None else None
        if block is None:
            if place is not None and place.fragment and self.article.complete:
                self.notify(f"No heading “{place.fragment}” in this article.")
            return
        self.view.restore(block)
        self.set_focus(self.view)

    def current_position(self) -> ReadingPosition:
        """Where the reader is now."""
        return self.life.current_position()

    def save_position(self) -> None:
        """Ask the app to save the reading position now."""
        self.life.save_position()

    def current_highlight(self) -> str | None:
        """The id of the highlight under the cursor, or None."""
        return self.annotating.current()

    def links_on(self, place: tuple[int, int]) -> list[CrossLink]:
        """Cross-links with an end on exactly this passage."""
        return self.links.links_on(place)

    # --- the screen's workers: what they find comes back as messages ------------------------

    @work(thread=True, exclusive=True, group="anchoring", name="find_places")
    def find_places(self, text: str, fingerprint: str, highlights: list[Highlight]) -> None:
        """Look for highlights made on an earlier version of the text (see
        :func:`~reader.ui.reading.placing.search_places`), batch by batch."""
        assert self.annotations is not None
        worker = get_current_worker()
        for found, last in search_places(self.annotations, text, fingerprint, highlights, worker):
            self.post_message(PlacesFound(found, last))

    @on(PlacesFound)
    def _places_found(self, event: PlacesFound) -> None:
        self.annotating.placer.places_found(event.found, event.last)

    @work(thread=True, exclusive=True, group="link-anchoring", name="place_links")
    def place_links(
        self, text: str, fingerprint: str, pending: list[tuple[str, str, Anchor]]
    ) -> None:
        """Look for the ends of cross-links made on an earlier version of the text."""
        self.post_message(LinksPlaced(find_link_ends(text, fingerprint, pending)))

    @on(LinksPlaced)
    def _links_placed(self, event: LinksPlaced) -> None:
        self.links.links_placed(event.found)

    @work(thread=True, exclusive=True, group="library-titles", exit_on_error=False)
    def read_library(self) -> None:
        """Read the library's articles (their titles, for links and the export's names)."""
        library = reader_app(self).scan_library()
        if library is not None:
            self.post_message(LibraryRead(library))

    @on(LibraryRead)
    def _library_read(self, event: LibraryRead) -> None:
        self.library = event.library
        self.links.library_read()

    @work(exclusive=True, name="load")
    async def load_rest(self) -> None:
        """Append the rest of a long article in small batches, keeping keys responsive."""
        await self.life.load_rest()

    # --- messages from the view and the pane ------------------------------------------------

    def _cursor_moved(self, index: int) -> None:
        """The view's cursor moved (told at once, so all of this is drawn with the view)."""
        self.life.show_position()
        self.header.show_chapter(self.contents.chapter())
        self.annotating.follow_cursor()
        self.links.show_here()
        self.life.save_soon()

    @on(SelectionDone)
    def _selection_done(self, event: SelectionDone) -> None:
        self.annotating.create(event.start, event.end)

    @on(HighlightStep)
    def _highlight_step(self, event: HighlightStep) -> None:
        self.annotating.step(event.direction)

    @on(JumpToHighlight)
    def _jump(self, event: JumpToHighlight) -> None:
        self.annotating.jump(event.highlight_id)

    @on(PaneMoved)
    def _pane_moved(self, event: PaneMoved) -> None:
        self.annotating.pane_moved(event.highlight_id)

    @on(PaneRequest)
    def _pane_request(self, event: PaneRequest) -> None:
        if event.what == "annotate":
            self.annotating.edit_note(event.highlight_id)
        elif event.what == "delete":
            self.annotating.delete(event.highlight_id)
        elif event.what == "confirm":
            self.annotating.confirm(event.highlight_id)
        elif event.what == "keep":
            self.written_apart.keep_one(event.highlight_id)

    def on_key(self, event: events.Key) -> None:
        if self.search.key(event):
            event.stop()
            event.prevent_default()

    @on(SearchCancelled)
    def _search_cancelled(self) -> None:
        self.search.close()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "search":
            return
        event.stop()
        self.search.submitted(event.value)

    # --- actions: each key to its feature ---------------------------------------------------

    async def action_search(self) -> None:
        """Open the search field."""
        await self.search.open()

    def action_next_match(self) -> None:
        """Next search match."""
        self.search.next()

    def action_previous_match(self) -> None:
        """Previous search match."""
        self.search.previous()

    def action_highlight(self) -> None:
        """Highlight the paragraph under the cursor."""
        self.annotating.highlight()

    def action_annotate(self) -> None:
        """Write the note of the highlight under the cursor."""
        self.annotating.annotate()

    def action_article_note(self) -> None:
        """Write the note on the article as a whole."""
        self.annotating.article_note()

    def action_tags(self) -> None:
        """Edit the tags of the highlight under the cursor."""
        self.annotating.tags()

    def action_colour(self, colour: str) -> None:
        """Set the colour of the highlight under the cursor (highlighting the paragraph first)."""
        self.annotating.colour(colour)

    def action_delete(self) -> None:
        """Delete the highlight under the cursor (u undoes)."""
        self.annotating.delete_here()

    def action_undo(self) -> None:
        """Undo the last highlight, edit, delete or link."""
        self.annotating.undo()

    def action_reattach(self) -> None:
        """Attach an orphaned highlight to the selection (or the paragraph)."""
        self.annotating.reattach()

    def action_keep_note(self) -> None:
        """Choose the one text of a note written apart on two devices."""
        self.written_apart.keep_one_here()

    def action_toggle_pane(self) -> None:
        """Show or hide the notes pane (shown below PANE_MIN_WIDTH too, when asked for)."""
        pane = self.pane
        self._pane_wanted = not pane.display
        self._show_pane(self._pane_wanted)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_pane(event.size.width)
        if len(self.article.blocks) == 1:
            # Whether one paragraph fits on the screen, and so how far it is read, changed.
            self.call_after_refresh(self.life.show_position)

    def on_screen_resume(self) -> None:
        # A resize while a dialog was on top reached only the dialog.
        self._fit_pane(self.app.size.width)

    def _fit_pane(self, width: int) -> None:
        """Show the pane if the reader wants it and there is room beside the article; only
        when the width changed, so a pane asked for in a narrow window stays."""
        if width != self._pane_fitted:
            self._pane_fitted = width
            self._show_pane(self._pane_wanted and width >= PANE_MIN_WIDTH)

    def _show_pane(self, show: bool) -> None:
        pane = self.pane
        pane.display = show
        if not show and pane.has_focus_within:
            self.set_focus(self.view)

    def action_contents(self) -> None:
        """Show the article's headings; enter jumps to one."""
        self.contents.open()

    def action_export(self) -> None:
        """Write this article's notes as Markdown to the export folder."""
        self.exporting.export()

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

    def action_reload(self) -> None:
        """Read the article's file again, keeping the place and re-placing highlights."""
        self.life.reload()

    def action_read_elsewhere(self) -> None:
        """Go where another device left off in this article (L)."""
        self.life.go_where_read_elsewhere()

    def action_close(self) -> None:
        """Back to the library, or quit when the article was opened directly."""
        self.save_position()
        if self.direct:
            self.app.exit()
        else:
            self.dismiss()
