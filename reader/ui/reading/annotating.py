"""Annotating the article: highlight (h, or a selection made with v), colour (1-5), tags (t),
notes (a, and A on the whole article), delete (d), undo (u), re-attach (r), [ and ] between
highlights, and the notes pane kept in step.

Every change goes through the article's :class:`~reader.services.annotations.Annotations`, which
writes it to the store before anything is shown.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar, Unpack

from textual.binding import Binding, BindingType

from reader.db.records import highlight_doc
from reader.db.storage import StoreError
from reader.model import Colour, CrossLink
from reader.services.annotations import Placed, clean_tags
from reader.services.drafts import Draft
from reader.text.display import shorten
from reader.ui.host import reader_app
from reader.ui.reading.notes_pane import CHECK, Entry, NotesPane
from reader.ui.reading.placing import Placer

if TYPE_CHECKING:
    from reader.model import HighlightEdit
    from reader.ui.reading.host import ReadingHost


class Annotating:
    """Highlights, colours, tags and notes of the article on screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
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
        Binding("K", "keep_note", "Keep one text of a note", show=False, id="keep-note"),
    ]

    def __init__(self, screen: ReadingHost) -> None:
        self.screen = screen
        self.placer = Placer(screen)
        self._reattach_target: str | None = None
        self._pane_pending = False
        self._pane_current: str | None = None

    # --- placing and drawing ----------------------------------------------------------

    def place_highlights(self) -> None:
        """Find highlights made on an earlier version of the text (see :class:`Placer`)."""
        self.placer.place_highlights()

    def refresh(self, current: str | None = None) -> None:
        """Push the highlights down to the view, and to the pane a frame later."""
        screen = self.screen
        annotations = screen.annotations
        if annotations is None:
            return
        placed = annotations.placed()
        spans = [
            (p.start, p.end, p.highlight.colour.value, bool(p.highlight.note.strip()), p.id)
            for p in placed
            if p.start is not None and p.end is not None
        ]
        view = screen.view
        if current is None:
            current = (
                view.current_highlight if annotations.get(view.current_highlight or "") else None
            )
        view.set_highlights(spans, current)
        # The pane is redrawn after the article's frame, and once however many changes came
        # in between: the text answers the key at once, the list a frame later.
        self._pane_current = current
        if not self._pane_pending:
            self._pane_pending = True
            screen.call_after_refresh(self._refresh_pane)

    def _refresh_pane(self) -> None:
        self._pane_pending = False
        screen = self.screen
        # None once the screen is being taken down: a change that arrived just before the
        # reader followed a link to another article is not drawn on the old screen.
        pane = next(iter(screen.query(NotesPane)), None)
        if screen.annotations is None or pane is None:
            return
        placed = screen.annotations.placed()
        # What other devices did: changed a highlight last, or wrote its note apart.
        others = screen.annotations.store.others_of(screen.article.id)
        entries = []
        for p in placed:
            entry = Entry.of(p, self._where(p))
            if p.highlight.id in others:
                name, also = others[p.highlight.id]
                entry = replace(entry, elsewhere=name, also=also)
            entries.append(entry)
        pane.show(
            entries,
            screen.article_note,
            self._pane_current,
            empty_article=screen.article.complete and not screen.article.blocks,
        )

    def _where(self, placed: Placed) -> str:
        if placed.start is None:
            return "being placed…" if placed.pending else "could not be placed"
        article = self.screen.article
        index = article.block_at(placed.start)
        where = f"¶ {index + 1:,}"  # as the header writes it
        if placed.check:  # first: a narrow pane cuts the end of the line
            where = f"{CHECK} · {where}"
        heading = article.section_of(index)
        if heading is not None:
            title = " ".join(article.blocks[heading].text.split())
            where += f" · {shorten(title, 40)}"
        return where

    def follow_cursor(self) -> None:
        """Make a highlight on the cursor's paragraph the current one, and show it in the
        pane."""
        view = self.screen.view
        here = view.highlights_at(view.cursor)
        wanted = view.current_highlight if view.current_highlight in here else None
        if wanted is None and here:
            wanted = here[0]
        if wanted != view.current_highlight:
            # Only then: a needless refresh redrew the whole article a frame after every key.
            view.current_highlight = wanted
            view.refresh()
        if view.current_highlight:
            self.screen.pane.follow(view.current_highlight)

    def current(self) -> str | None:
        """The id of the highlight under the cursor, or None."""
        view = self.screen.view
        here = view.highlights_at(view.cursor)
        if view.current_highlight in here:
            return view.current_highlight
        return here[0] if here else None

    # --- making and changing highlights -------------------------------------------------

    def create(self, start: int, end: int, colour: Colour = Colour.YELLOW) -> str | None:
        """Highlight ``[start, end)`` (unless exactly that is highlighted); its id."""
        screen = self.screen
        annotations = screen.annotations
        if annotations is None:
            return None
        try:
            # Already there, or being placed there still (a keypress never waits on the
            # search, and never makes a second highlight of the same passage).
            present = annotations.existing(start, end)
            if present is not None:
                screen.notify("That passage is already highlighted.")
                screen.refresh_annotations(present)
                return present
            highlight = annotations.create(start, end, colour)
        except StoreError as error:
            screen.store_failed(error)
            return None
        screen.refresh_annotations(highlight.id)
        return highlight.id

    def _paragraph_highlight(self, colour: Colour = Colour.YELLOW) -> str | None:
        """The highlight under the cursor, creating one on the whole paragraph if none."""
        current = self.current()
        article = self.screen.article
        if current is not None or not article.blocks:
            return current
        block = article.blocks[self.screen.view.cursor]
        return self.create(block.start, block.end, colour)

    def highlight(self) -> None:
        """Highlight the paragraph under the cursor."""
        article = self.screen.article
        if not article.blocks:
            self.screen.notify("There is nothing to highlight in an empty article.")
            return
        block = article.blocks[self.screen.view.cursor]
        self.create(block.start, block.end)

    def colour(self, colour: str) -> None:
        """Set the colour of the highlight under the cursor (highlighting the paragraph first)."""
        chosen = Colour(colour)
        current = self.current()
        if current is None:
            self._paragraph_highlight(chosen)
            return
        self._update(current, "colour", colour=chosen)

    def _update(self, highlight_id: str, what: str, **changes: Unpack[HighlightEdit]) -> None:
        screen = self.screen
        assert screen.annotations is not None
        try:
            screen.annotations.update(highlight_id, what, **changes)
        except StoreError as error:
            screen.store_failed(error)
            return
        screen.refresh_annotations(highlight_id)

    def annotate(self) -> None:
        """Write the note of the highlight under the cursor (made for it if there is none:
        taken back if the note is then not written)."""
        made = self.current() is None
        current = self._paragraph_highlight()
        if current is not None:
            self.edit_note(current, made=made)

    def edit_note(self, highlight_id: str, *, made: bool = False) -> None:
        """Open the editor on a highlight's note (``made``: the highlight was made for it)."""
        screen = self.screen
        annotations = screen.annotations
        assert annotations is not None
        highlight = annotations.get(highlight_id)
        if highlight is None:
            return

        def save(note: str) -> None:  # raises StoreError: the editor stays open
            if made and not note.strip() and not highlight.note:
                self._withdraw(highlight_id)
                return
            if note == highlight.note:
                return
            saved = annotations.update(highlight_id, "note", note=note)
            screen.refresh_annotations(highlight_id)
            if saved.note != note:
                self._both_kept()

        def abandon() -> None:
            if made:
                try:
                    self._withdraw(highlight_id)
                except StoreError as error:
                    screen.store_failed(error)

        draft = reader_app(screen).draft_file(
            Draft(
                article_id=screen.article.id,
                highlight_id=highlight_id,
                title=screen.article.title,
                path=str(screen.article.meta.path),
                quote=highlight.quote,
                base=highlight.note,
                highlight=highlight_doc(highlight),
            )
        )
        from reader.ui.dialogs.note_editor import NoteEditor

        screen.app.push_screen(
            NoteEditor(
                "Note", highlight.quote, highlight.note, save=save, abandon=abandon, draft=draft
            )
        )

    def _withdraw(self, highlight_id: str) -> None:
        """Take back a highlight made for a note that was not written."""
        assert self.screen.annotations is not None
        self.screen.annotations.withdraw(highlight_id)
        self.screen.refresh_annotations()

    def _both_kept(self) -> None:
        self.screen.notify(
            "This note was also changed in another window meanwhile. Both texts are kept: "
            "yours first, then the other under “Also written at the same time”.",
            severity="warning",
            timeout=12,
        )

    def article_note(self) -> None:
        """Write the note on the article as a whole."""
        screen = self.screen
        original = screen.article_note

        def save(note: str) -> None:  # raises StoreError: the editor stays open
            if note == original:
                return
            saved = reader_app(screen).save_article_note(screen.article, note, base=original)
            screen.article_note = saved
            screen.refresh_annotations()
            if saved != note:
                self._both_kept()

        draft = reader_app(screen).draft_file(
            Draft(
                article_id=screen.article.id,
                highlight_id="",
                title=screen.article.title,
                path=str(screen.article.meta.path),
                quote="",
                base=original,
            )
        )
        from reader.ui.dialogs.note_editor import NoteEditor

        screen.app.push_screen(
            NoteEditor(f"Note on “{screen.article.title}”", "", original, save=save, draft=draft)
        )

    def tags(self) -> None:
        """Edit the tags of the highlight under the cursor."""
        current = self._paragraph_highlight()
        annotations = self.screen.annotations
        if current is None or annotations is None:
            return
        highlight = annotations.get(current)
        assert highlight is not None

        def done(value: str | None) -> None:
            if value is not None:
                tags = clean_tags(value)
                if tags != highlight.tags:
                    self._update(current, "tags", tags=tags)

        known = annotations.all_tags()
        from reader.ui.dialogs.note_editor import TagEditor

        self.screen.app.push_screen(TagEditor(highlight.quote, highlight.tags, known), done)

    # --- deleting, undoing, re-attaching ------------------------------------------------

    def delete_here(self) -> None:
        """Delete the highlight under the cursor (u undoes)."""
        current = self.current()
        if current is None:
            self.screen.notify("There is no highlight here to delete.")
            return
        self.delete(current)

    def delete(self, highlight_id: str) -> None:
        """Delete a highlight, first asking about the links it carries, if any."""
        annotations = self.screen.annotations
        assert annotations is not None
        place = annotations.place_of(highlight_id)
        links = [] if place is None else self.screen.links_on(place)
        if not links:
            self._delete_now(highlight_id, [])
            return
        from reader.ui.dialogs.link_picker import KeepLinksScreen

        def answered(answer: str | None) -> None:
            if answer == "keep":
                self._delete_now(highlight_id, [])
            elif answer == "remove":
                self._delete_now(highlight_id, links)

        self.screen.app.push_screen(KeepLinksScreen(len(links)), answered)

    def _delete_now(self, highlight_id: str, links: list[CrossLink]) -> None:
        screen = self.screen
        assert screen.annotations is not None
        try:
            screen.annotations.delete(highlight_id, links)
        except StoreError as error:
            screen.store_failed(error)
            return
        screen.refresh_annotations()
        if links:
            screen.reload_links()
            count = f"{len(links)} link{'s' * (len(links) != 1)}"
            screen.notify(f"Highlight and its {count} deleted. u brings them back.")
        else:
            screen.notify("Highlight deleted. Press u to undo.")

    def undo(self) -> None:
        """Undo the last highlight, edit, delete or link."""
        screen = self.screen
        if screen.annotations is None:
            return
        try:
            change = screen.annotations.undo()
        except StoreError as error:
            screen.store_failed(error)
            return
        if change is None:
            screen.notify("Nothing to undo.")
            return
        restored = change.before.id if change.before is not None else None
        screen.refresh_annotations(restored)
        if change.links_added or change.links_removed:
            screen.reload_links()
        screen.notify(f"Undone: {change.what}.")

    def reattach(self) -> None:
        """Attach an orphaned highlight to the selection (or the paragraph)."""
        screen = self.screen
        annotations = screen.annotations
        if annotations is None:
            return
        orphans = annotations.orphans
        target = self._reattach_target
        if target not in {p.id for p in orphans} | {p.id for p in annotations.to_check}:
            target = orphans[0].id if len(orphans) == 1 else None
        if target is None:
            message = (
                "No highlight is waiting to be placed."
                if not orphans
                else "Choose the highlight to re-attach under “Could not be placed” first."
            )
            screen.notify(message)
            return
        view = screen.view
        span = view.selection
        if span is None or span[1] <= span[0]:
            block = screen.article.blocks[view.cursor]
            span = (block.start, block.end)
        view.clear_selection()
        try:
            annotations.reattach(target, *span)
        except StoreError as error:
            screen.store_failed(error)
            return
        self._reattach_target = None
        screen.refresh_annotations(target)
        screen.notify("Highlight re-attached.")

    # --- moving between highlights --------------------------------------------------------

    def step(self, direction: int) -> None:
        """To the next (+1) or previous (-1) highlight (] and [)."""
        screen = self.screen
        annotations = screen.annotations
        if annotations is None:
            return
        view = screen.view
        current = annotations.place_of(view.current_highlight or "")
        shown = view.span_shown()
        if current is not None and (shown is None or shown[0] <= current[0] < shown[1]):
            # From the current highlight, when it is in view.
            if direction > 0:
                found = annotations.next_after(current[0])
            else:
                found = annotations.previous_before(current[0])
        elif screen.article.blocks:
            # Else from where the reader is: the cursor's paragraph, or in a paragraph
            # taller than the screen the top of the screen. The current highlight may be
            # the paragraph's, thousands of lines down, and ] must go to it, not past it.
            here = screen.article.blocks[view.cursor].start
            if shown is not None:
                here = max(here, shown[0])
            if direction > 0:
                found = annotations.next_after(here - 1)
            else:
                found = annotations.previous_before(here)
        else:
            found = None
        if found is None or found.start is None:
            screen.notify("No more highlights that way.")
            return
        view.show_highlight(found.id, found.start)
        screen.pane.follow(found.id)

    def jump(self, highlight_id: str) -> None:
        """To a highlight chosen in the pane (an orphan waits for r instead)."""
        screen = self.screen
        assert screen.annotations is not None
        place = screen.annotations.place_of(highlight_id)
        if place is None and highlight_id in {h.id for h in screen.annotations.unplaced}:
            screen.notify("This highlight is still being looked for in the changed text.")
            return
        if place is None:
            self._reattach_target = highlight_id
            screen.notify(
                "This highlight could not be placed. Select the passage it belongs to "
                "in the article and press r to re-attach it.",
            )
            screen.set_focus(screen.view)
            return
        reader_app(screen).record_jump(screen.here())
        screen.view.show_highlight(highlight_id, place[0])
        screen.set_focus(screen.view)

    def pane_moved(self, highlight_id: str | None) -> None:
        """The pane's cursor is on ``highlight_id``: an orphan there, or one moved to be
        checked, is the one r re-attaches."""
        annotations = self.screen.annotations
        if annotations is None or not highlight_id:
            return
        if not annotations.place_of(highlight_id) or highlight_id in {
            p.id for p in annotations.to_check
        }:
            self._reattach_target = highlight_id

    def confirm(self, highlight_id: str) -> None:
        """The reader checked a moved highlight (c in the pane): it stays where it is."""
        screen = self.screen
        annotations = screen.annotations
        if annotations is None:
            return
        if highlight_id not in {p.id for p in annotations.to_check}:
            screen.notify("This highlight is where it was made: nothing to confirm.")
            return
        try:
            annotations.confirm(highlight_id)
        except StoreError as error:
            screen.store_failed(error)
            return
        if self._reattach_target == highlight_id:
            self._reattach_target = None
        screen.refresh_annotations(highlight_id)
        screen.notify("Place confirmed. Press u to undo.")
