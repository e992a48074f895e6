"""A Line-API view of an article laid out in a column, with a block cursor: the mechanics
under the article view.

Its cost follows the screen, not the document: blocks are wrapped only when they come into
view (:class:`~reader.text.column.Column` keeps their lines and heights, estimated until then),
the rows drawn for each block are cached, and the block under any line of a
40,000-paragraph book is found in O(log n). The cursor is a block index: the view moves it
by paragraph, page and heading, keeps it in view, and tells its listener (see
:meth:`ColumnView.listen`) when it changes. What a block looks like is the subclass's to draw
(``_block_strips``);
the keys are the subclass's to bind (Textual merges a subclass's bindings over its base's
key by key, and the article view binds j, k and b again while selecting).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence

from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.model import Article
from reader.text.column import GUTTER, Column

DRAWN_BLOCKS = 128
"""Blocks whose drawn rows are kept (more if the screen can show more; each shows at least
one line). A drawn row is a Textual Strip with seven caches of its own: 1,024 blocks kept
some 100,000 objects alive, and every full garbage collection walked them all, 27 ms in
the middle of a key every two seconds of reading (measured); 128 keep it near 6 ms."""


class ColumnView(ScrollView):
    """A scrollable view of an article's blocks in a column, with a block cursor."""

    def __init__(
        self,
        article: Article,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.article = article
        self.cursor = 0
        self.column = Column(article, self._height_changed)
        # Each block's rows as last drawn, with the key they were drawn for.
        self._strips: LRUCache[int, tuple[tuple[object, ...], Sequence[Strip]]] = LRUCache(
            DRAWN_BLOCKS
        )
        self._laid_out_width = -1  # the widget width the column was last computed for
        self._pending_end = False
        self._pending_cursor: int | None = None
        self._listener: Callable[[int], None] | None = None
        # While a frame is drawn: its width, the widget's style, each block's top and rows.
        self._drawing: tuple[int, Style, dict[int, tuple[int, Sequence[Strip]]]] | None = None
        self._unheard: int | None = None  # a move made before anyone listened

    # --- the listener ----------------------------------------------------------------------

    def listen(self, listener: Callable[[int], None]) -> None:
        """Call ``listener(index)`` whenever the cursor moves to another block (or is put on
        one at the top of the view), at once, before the move returns; a move made before
        this is told now.

        At once rather than by message: what the listener changes (the header, the notes
        pane) is then drawn in the same frame as the view. A message arrives after that
        frame, and its changes took one or two more, each up to 33 ms later (Textual's
        screen updates at most 60 times a second); a multiplexer such as tmux shows every
        frame, so a key took some 50-80 ms to look finished.
        """
        self._listener = listener
        if self._unheard is not None:
            index, self._unheard = self._unheard, None
            listener(index)

    def _cursor_moved(self, index: int) -> None:
        if self._listener is None:
            self._unheard = index
        else:
            self._listener(index)

    # --- geometry -------------------------------------------------------------------------

    def _height_changed(self, top: int, delta: int) -> None:
        """Keep what the reader is looking at in place when a block above it resizes."""
        self._set_virtual_size(self.scrollable_content_region.width)
        if top < self.scroll_offset.y:
            self.set_reactive(ScrollView.scroll_y, max(0.0, self.scroll_y + delta))
            self.set_reactive(ScrollView.scroll_target_y, self.scroll_y)

    def _set_virtual_size(self, width: int) -> None:
        """Give Textual the document's size: the range of scrolling and the scroll bar's.

        Not through the ``virtual_size`` reactive, whose every change asks for a layout of
        the whole screen: the view's own size never depends on it, and each layout cost a
        frame after the key's (the scroll bar redrawn on its own). In a book, wrapping the
        blocks that come into view changes the height on most keys.
        """
        size = Size(width, self.column.total)
        if size != self.virtual_size:
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Textual gives a ScrollView its region's size as its virtual size, which is never the
        # document's: every layout of the screen (the pane listing a paragraph's links, a
        # toast) went on to redraw the scroll bar, in a frame of its own. Compared with the
        # view's own virtual size, the scroll bar is redrawn when it has changed.
        return super()._size_updated(size, self.virtual_size, container_size, layout)

    def _relayout(self) -> None:
        """Recompute the column for the current width (after a resize)."""
        width = self.scrollable_content_region.width
        self._laid_out_width = width
        if width <= GUTTER:
            # No room for text (a view is zero wide when mounted): wrapping for it would
            # make every character a line of its own, a million for a long paragraph.
            return
        inside = self._reading_inside()
        if not self.column.fit(width):
            return
        self._strips = LRUCache(max(DRAWN_BLOCKS, 2 * self.size.height))
        self._set_virtual_size(width)
        if inside is not None:
            self._scroll_lines(self.column.line_of(inside))
        elif self.article.blocks:
            anchor = self.cursor
            self._settle(self.column.top_of(anchor))
            self._scroll_to_block(anchor, top=True)

    def _reading_inside(self) -> int | None:
        """The text offset at the top of the screen when that is inside the cursor's
        paragraph, below its first line (the reader is reading a paragraph taller than the
        screen), else None."""
        if not self.article.blocks or not self.column.text_width:
            return None
        top = int(self.scroll_offset.y)
        if self.column.top_of(self.cursor) >= top or self.column.block_at_line(top) != self.cursor:
            return None
        shown = self.column.span_shown(top, 1)
        return shown[0] if shown is not None else None

    def _settle(self, top: int) -> None:
        """Wrap every block that will show from line ``top`` on, so heights are exact."""
        self.column.settle(top, self.size.height or 1)

    # --- growing article -----------------------------------------------------------------

    def blocks_added(self, first: int) -> None:
        """Blocks from ``first`` on were appended to the article (progressive loading)."""
        self.column.blocks_added(first)
        if first > 0:
            self._strips.discard(first - 1)
        self._set_virtual_size(self.scrollable_content_region.width)
        if self._pending_cursor is not None and self._pending_cursor < len(self.article.blocks):
            target, self._pending_cursor = self._pending_cursor, None
            self.move_to(target, top=True)
        elif self._pending_end:
            self.move_to(len(self.article.blocks) - 1, keep_pending=True)
        else:
            self.refresh()

    # --- cursor -------------------------------------------------------------------------

    def restore(self, index: int) -> None:
        """Put the cursor on block ``index`` now, or as soon as it has loaded."""
        if index < len(self.article.blocks):
            self.move_to(index, top=True)
        elif not self.article.complete:
            self._pending_cursor = index
        elif self.article.blocks:
            self.move_to(len(self.article.blocks) - 1, top=True)

    def move_to(
        self,
        index: int,
        *,
        top: bool = False,
        keep_pending: bool = False,
        offset: int | None = None,
    ) -> None:
        """Move the cursor to block ``index`` and scroll it into view (the line of text
        offset ``offset`` in it, when given)."""
        if not self.article.blocks:
            return
        if not keep_pending:
            self._pending_end = False
            self._pending_cursor = None
        index = max(0, min(index, len(self.article.blocks) - 1))
        previous = self.cursor
        self.cursor = index
        self._strips.discard(previous)
        self._strips.discard(index)
        if offset is None:
            self._scroll_to_block(index, top=top)
        else:
            self._scroll_to_offset(index, offset)
        self.refresh()
        if previous != index or top:
            self._cursor_moved(index)

    def _scroll_to_block(self, index: int, *, top: bool = False) -> None:
        if not self.column.text_width:
            return
        self.column.wrapped(index)
        view_top = int(self.scroll_offset.y)
        target = self.column.target_for(index, view_top, self.size.height, top)
        if target is None:
            return
        # Wrapping what will show above the block can move it; aim again until it stays.
        for _ in range(8):
            self._settle(target)
            again = self.column.target_for(index, view_top, self.size.height, top)
            if again is None or again == target:
                break
            target = again
        self._scroll_lines(target)

    def _scroll_to_offset(self, index: int, offset: int) -> None:
        if not self.column.text_width:
            return
        height = self.size.height
        if len(self.column.wrapped(index)) <= height:
            self._scroll_to_block(index)  # the whole block, the offset's line with it
            return
        # A block taller than the screen: its top may be thousands of lines away.
        line = self.column.line_of(offset)
        view_top = int(self.scroll_offset.y)
        if not view_top <= line < view_top + height:
            self._scroll_lines(max(0, line - height // 3))

    def span_shown(self) -> tuple[int, int] | None:
        """The text offsets of the first character on screen and of the end of the last."""
        return self.column.span_shown(int(self.scroll_offset.y), self.size.height)

    def _scroll_lines(self, y: int) -> None:
        self._settle(y)
        # Forced: on the first frame Textual has not yet given the view its scroll bar (it
        # was not laid out at mount, zero wide), and would not scroll it.
        self.scroll_to(y=y, animate=False, immediate=True, force=True)
        self._settle(int(self.scroll_offset.y))

    def _cursor_bottom_hidden(self) -> bool:
        lines = self.column.wrapped(self.cursor)
        bottom = self.column.top_of(self.cursor) + len(lines)
        return bottom > self.scroll_offset.y + self.size.height

    def _cursor_top_hidden(self) -> bool:
        self.column.wrapped(self.cursor)
        return self.column.top_of(self.cursor) < self.scroll_offset.y

    def action_cursor_down(self) -> None:
        """Next paragraph (or the rest of a paragraph taller than the screen)."""
        if self.article.blocks and self._cursor_bottom_hidden() and self.size.height > 4:
            self._scroll_lines(int(self.scroll_offset.y) + self.size.height - 2)
            return
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Previous paragraph (or the start of a paragraph taller than the screen)."""
        if self.article.blocks and self._cursor_top_hidden() and self.size.height > 4:
            top = self.column.top_of(self.cursor)
            self._scroll_lines(max(top, int(self.scroll_offset.y) - self.size.height + 2))
            return
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        """First paragraph."""
        self.move_to(0, top=True)

    def action_last(self) -> None:
        """Last paragraph, scrolled to the end of the text (follows the end while a long
        book is still loading)."""
        last = len(self.article.blocks) - 1
        self.move_to(last)
        self._pending_end = not self.article.complete
        if (
            last >= 0
            and self.column.text_width
            and len(self.column.wrapped(last)) > self.size.height
        ):
            # A last paragraph taller than the screen: show where the text ends, as a pager
            # does, not the top of a paragraph that may be a book long.
            self._scroll_lines(max(0, self.column.total - self.size.height))

    def action_page_down(self) -> None:
        """Scroll one screen down; the cursor goes to the first paragraph in view."""
        self._page(+1)

    def action_page_up(self) -> None:
        """Scroll one screen up; the cursor goes to the first paragraph in view."""
        self._page(-1)

    def _page(self, direction: int) -> None:
        if not self.article.blocks:
            return
        self._pending_end = False
        self._pending_cursor = None
        step = max(1, self.size.height - 2)
        before = int(self.scroll_offset.y)
        self._scroll_lines(max(0, before + direction * step))
        after = int(self.scroll_offset.y)
        if after == before:
            target = len(self.article.blocks) - 1 if direction > 0 else 0
        else:
            target = self.column.block_at_line(after)
            partly_above = self.column.top_of(target) < after
            if (
                partly_above
                and target + 1 < len(self.article.blocks)
                and self.column.top_of(target + 1) < after + self.size.height
            ):
                target += 1
        previous, self.cursor = self.cursor, target
        self._strips.discard(previous)
        self._strips.discard(target)
        if after == before:
            self._scroll_to_block(target)
        self.refresh()
        if previous != target:
            self._cursor_moved(target)

    def action_next_heading(self) -> None:
        """Next heading."""
        headings = self.article.headings
        position = bisect_left(headings, self.cursor + 1)
        if position < len(headings):
            self.move_to(headings[position], top=True)

    def action_previous_heading(self) -> None:
        """Previous heading."""
        headings = self.article.headings
        position = bisect_left(headings, self.cursor) - 1
        if position >= 0:
            self.move_to(headings[position], top=True)

    # --- events -------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # A theme chosen, or the colours of a 16-colour terminal: the rows kept were drawn
        # with the styles of before.
        strips = getattr(self, "_strips", None)
        if strips is not None:
            strips.clear()
            self.refresh()

    def on_mount(self) -> None:
        self._relayout()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._settle(int(new_value))
        if len(self.article.blocks) == 1 and int(old_value) != int(new_value):
            # In an article of one paragraph, where the reader is is how far it is scrolled.
            self._cursor_moved(self.cursor)

    # --- rendering ------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        if self.scrollable_content_region.width != self._laid_out_width:
            # The first frame of the app's first screen is drawn before its Resize event is
            # handled: wrap for the width being drawn, not the width at mount (zero).
            self._relayout()
        # Make every height on screen exact before drawing, so no line moves mid-frame.
        self._settle(int(self.scroll_offset.y))
        # What the lines of a frame share, found once: the widget's style is worked out
        # from every node above it each time it is asked for (a sixth of a frame's time
        # when asked for on each line), and a block's rows serve several lines.
        self._drawing = (self.scrollable_content_region.width, self.rich_style, {})
        try:
            return super().render_lines(crop)
        finally:
            self._drawing = None

    def render_line(self, y: int) -> Strip:
        drawing = self._drawing
        if drawing is None:  # a line asked for outside a frame
            drawing = (self.scrollable_content_region.width, self.rich_style, {})
        width, base, drawn = drawing
        line = int(self.scroll_offset.y) + y
        blocks = self.article.blocks
        if not blocks or line >= self.column.total or not self.column.text_width:
            return Strip.blank(width, base)
        index = self.column.block_at_line(line)
        found = drawn.get(index)
        if found is None:
            found = drawn[index] = (
                self.column.top_of(index),
                self._block_strips(index, width, base),
            )
        top, strips = found
        row = line - top
        if row < len(strips):
            return strips[row]
        return Strip.blank(width, base)

    def _block_strips(self, index: int, width: int, base: Style) -> Sequence[Strip]:
        """The rows of block ``index``, ``width`` cells wide (drawn by the subclass)."""
        raise NotImplementedError
