"""The article view: one Line-API widget that shows an article of any length, and what
the reader makes on it: highlights, link marks, search matches and the selection.

Scrolling, the block cursor and the column it moves in are its base's
(:class:`~reader.ui.reading.column_view.ColumnView`); how a block is drawn is
:mod:`reader.ui.reading.paint`'s; how a selection grows is :mod:`reader.text.selection`'s. The
view binds every key (in the order the help lists them), keeps what is drawn over the
text, tells its listener of every cursor move
(:meth:`~reader.ui.reading.column_view.ColumnView.listen`) and posts messages up (the
selection, ] and [); it never touches the store.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.strip import Strip

from reader.model import Article, Block
from reader.text import selection
from reader.ui.reading.column_view import ColumnView
from reader.ui.reading.messages import HighlightStep, SelectionChanged, SelectionDone
from reader.ui.reading.paint import Decor, Mark, paint_block

_WORD = Binding.Group("Word")
_PARA = Binding.Group("Paragraph")


class ArticleView(ColumnView, can_focus=True):
    """A scrollable, cursor-driven view of an :class:`~reader.model.Article`."""

    HELP_TITLE = "Reading"
    HELP_SUBSECTIONS: ClassVar[dict[str, str]] = {"select-": "While selecting (after v)"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next", id="next-paragraph"),
        Binding("k,up", "cursor_up", "Previous", id="previous-paragraph"),
        Binding("g,home", "first", "Top", show=False, id="first-paragraph"),
        Binding("G,end", "last", "End", show=False, id="last-paragraph"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="page-down"),
        Binding("b,pageup", "page_up", "Page up", show=False, id="page-up"),
        Binding(
            "right_curly_bracket", "next_heading", "Next heading", show=False, id="next-heading"
        ),
        Binding(
            "left_curly_bracket",
            "previous_heading",
            "Previous heading",
            show=False,
            id="previous-heading",
        ),
        Binding(
            "right_square_bracket",
            "next_highlight",
            "Next highlight",
            show=False,
            id="next-highlight",
        ),
        Binding(
            "left_square_bracket",
            "previous_highlight",
            "Previous highlight",
            show=False,
            id="previous-highlight",
        ),
        Binding("v", "select", "Select", id="select"),
        # Selection mode (v): these keys only act while a selection is being made. The
        # footer then shows them alone, in few words (the help, the tooltips in full).
        Binding(
            "enter,h",
            "select_confirm",
            "Highlight",
            tooltip="Highlight the selection",
            id="select-confirm",
        ),
        Binding(
            "escape", "select_cancel", "Cancel", tooltip="Cancel the selection", id="select-cancel"
        ),
        Binding("w", "select_word", "Grow by a word", group=_WORD, id="select-word"),
        Binding("b", "select_word_back", "Shrink by a word", group=_WORD, id="select-word-back"),
        Binding(
            "s",
            "select_sentence",
            "Sentence",
            tooltip="Grow by a sentence",
            id="select-sentence",
        ),
        Binding("j,down", "select_down", "Grow to next paragraph", group=_PARA, id="select-down"),
        Binding("k,up", "select_up", "Shrink to previous paragraph", group=_PARA, id="select-up"),
        Binding("o", "select_swap", "Other end", tooltip="Move the other end", id="select-swap"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-view--cursor",
        "article-view--cursor-mark",
        "article-view--h1",
        "article-view--h2",
        "article-view--h3",
        "article-view--quote",
        "article-view--quote-bar",
        "article-view--marker",
        "article-view--code",
        "article-view--table-header",
        "article-view--image",
        "article-view--table-rule",
        "article-view--link",
        "article-view--match",
        "article-view--match-current",
        "article-view--selection",
        "article-view--note-mark",
        "article-view--link-mark",
        "article-view--current-highlight",
        "article-view--hl-yellow",
        "article-view--hl-green",
        "article-view--hl-blue",
        "article-view--hl-pink",
        "article-view--hl-purple",
    }

    DEFAULT_CSS = """
    ArticleView {
        background: $surface;
        color: $foreground;
        scrollbar-gutter: stable;
        overflow-x: hidden;
        & > .article-view--cursor { background: $primary 12%; }
        & > .article-view--cursor-mark { color: $accent; }
        & > .article-view--h1 { color: $accent; text-style: bold; }
        & > .article-view--h2 { color: $primary; text-style: bold; }
        & > .article-view--h3 { color: $text; text-style: bold italic; }
        & > .article-view--quote { color: $text-muted; text-style: italic; }
        & > .article-view--quote-bar { color: $primary-muted; }
        & > .article-view--marker { color: $accent; }
        & > .article-view--code { background: $boost; color: $text; }
        & > .article-view--table-header { color: $text-primary; text-style: bold; }
        & > .article-view--image { color: $text-secondary; text-style: italic reverse; }
        & > .article-view--table-rule { color: $primary-muted; }
        & > .article-view--link { color: $text-primary; text-style: underline; }
        & > .article-view--match { background: $warning 40%; }
        & > .article-view--match-current { background: $warning; color: $background; }
        & > .article-view--selection { background: $accent 55%; color: $text; }
        & > .article-view--note-mark { color: $accent; text-style: bold; }
        & > .article-view--link-mark { color: $text-primary; text-style: bold; }
        & > .article-view--current-highlight { text-style: underline; }
        & > .article-view--hl-yellow { background: $reader-yellow 38%; }
        & > .article-view--hl-green { background: $reader-green 55%; }
        & > .article-view--hl-blue { background: $reader-blue 60%; }
        & > .article-view--hl-pink { background: $reader-pink 60%; }
        & > .article-view--hl-purple { background: $reader-purple 60%; }
    }
    """

    def __init__(
        self,
        article: Article,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(article, name=name, id=id, classes=classes)
        self._matches: list[int] = []
        self._match_length = 0
        self._current_match = -1
        # Highlights to draw: per block, (start, end, colour, has note, id) in text offsets.
        self._marks: dict[int, tuple[Mark, ...]] = {}
        self._linked: frozenset[int] = frozenset()
        self.current_highlight: str | None = None
        self._selection: tuple[int, int] | None = None  # (anchor, head) text offsets
        self._mouse_from: int | None = None
        self._dragged = False
        # Whether reader shows right-to-left lines in visual order (the settings' bidi =
        # "terminal": the terminal does, and is given them in logical order).
        self.reorder = True

    # --- highlights -------------------------------------------------------------------

    def set_highlights(self, spans: list[Mark], current: str | None = None) -> None:
        """Show highlights: ``(start, end, colour, has_note, id)`` in text offsets."""
        marks: dict[int, list[Mark]] = {}
        blocks = self.article.blocks
        for span in spans:
            start, end = span[0], span[1]
            if not blocks or start >= self.article.next_start:
                continue
            first = self.article.block_at(start)
            last = self.article.block_at(max(start, end - 1))
            for index in range(first, last + 1):
                marks.setdefault(index, []).append(span)
        self._marks = {index: tuple(found) for index, found in marks.items()}
        self.current_highlight = current
        self.refresh()

    def set_linked(self, blocks: frozenset[int]) -> None:
        """Mark these blocks in the margin: a cross-link starts or ends there."""
        if blocks != self._linked:
            self._linked = blocks
            self.refresh()

    def highlights_at(self, index: int) -> list[str]:
        """Ids of the highlights on block ``index``, in order."""
        return [mark[4] for mark in self._marks.get(index, ())]

    def show_highlight(self, highlight_id: str, start: int) -> None:
        """Make a highlight current and move the cursor to it, its first line in view."""
        self.current_highlight = highlight_id
        self._strips.clear()
        self.move_to(self.article.block_at(start), offset=start)

    def action_next_highlight(self) -> None:
        """Next highlight (posted to the screen, which knows them all)."""
        self.post_message(HighlightStep(+1))

    def action_previous_highlight(self) -> None:
        """Previous highlight."""
        self.post_message(HighlightStep(-1))

    # --- selection --------------------------------------------------------------------

    @property
    def selecting(self) -> bool:
        """Whether a selection is being made."""
        return self._selection is not None

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selection as ``(start, end)`` text offsets, trimmed of spaces."""
        if self._selection is None:
            return None
        anchor, head = self._selection
        return selection.trim(self.article.text, min(anchor, head), max(anchor, head))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action.startswith("select_"):
            return self.selecting
        # While selecting, j, k and b belong to the selection.
        return not (action in ("cursor_down", "cursor_up", "page_up") and self.selecting)

    def _set_selection(self, anchor: int, head: int) -> None:
        self._selection = (anchor, head)
        self._strips.clear()
        shown = head if head <= anchor else max(anchor, head - 1)
        # The moving end's own line in view, which in a long paragraph is not its top.
        self.move_to(self.article.block_at(shown), offset=shown)
        self.refresh_bindings()
        self.post_message(SelectionChanged(self.selection))

    def clear_selection(self) -> None:
        """End selection mode without highlighting."""
        if self._selection is not None:
            self._selection = None
            self._strips.clear()
            self.refresh()
            self.refresh_bindings()
            self.post_message(SelectionChanged(None))

    def action_select(self) -> None:
        """Start selecting inside the paragraph: the first word, to grow with w, s, j."""
        if not self.article.blocks:
            return
        self._set_selection(*selection.first_word(self.article, self.cursor))

    def action_select_word(self) -> None:
        """Move the moving end of the selection forward by a word."""
        assert self._selection is not None
        self._set_selection(*selection.word_forward(self.article, *self._selection))

    def action_select_word_back(self) -> None:
        """Move the moving end of the selection back by a word."""
        assert self._selection is not None
        self._set_selection(*selection.word_back(self.article, *self._selection))

    def action_select_sentence(self) -> None:
        """Move the moving end of the selection forward by a sentence."""
        assert self._selection is not None
        self._set_selection(*selection.sentence_forward(self.article, *self._selection))

    def action_select_swap(self) -> None:
        """Swap the ends: w, b and s then move the other end."""
        assert self._selection is not None
        anchor, head = self._selection
        self._set_selection(head, anchor)

    def action_select_down(self) -> None:
        """Grow the selection to the end of the next paragraph."""
        assert self._selection is not None
        grown = selection.paragraph_down(self.article, *self._selection)
        if grown is not None:
            self._set_selection(*grown)

    def action_select_up(self) -> None:
        """Shrink the selection to the end of the previous paragraph."""
        assert self._selection is not None
        shrunk = selection.paragraph_up(self.article, *self._selection)
        if shrunk is not None:
            self._set_selection(*shrunk)

    def action_select_cancel(self) -> None:
        """Stop selecting."""
        self.clear_selection()

    def action_select_confirm(self) -> None:
        """Highlight the selection."""
        span = self.selection
        self.clear_selection()
        if span is not None and span[1] > span[0]:
            self.post_message(SelectionDone(*span))

    # --- search matches ------------------------------------------------------------------

    def set_matches(self, starts: list[int], length: int) -> None:
        """Show search matches (offsets into the article's text, sorted)."""
        self._matches = starts
        self._match_length = length
        self._current_match = -1
        self._strips.clear()
        self.refresh()

    def show_match(self, number: int) -> None:
        """Make match ``number`` current and move the cursor to it."""
        if not self._matches:
            return
        self._current_match = number % len(self._matches)
        offset = self._matches[self._current_match]
        self._strips.clear()
        self.move_to(self.article.block_at(offset), offset=offset)

    @property
    def current_match(self) -> int:
        """Index of the current search match, or -1."""
        return self._current_match

    def offset_at(self, x: int, y: int) -> int | None:
        """The text offset under the cell ``(x, y)`` of the widget, or None past the end."""
        return self.column.offset_at(int(self.scroll_offset.y) + y, x)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        self._mouse_from = self.offset_at(event.x, event.y)
        self._dragged = False
        if self._mouse_from is not None:
            self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._mouse_from is None or not event.button:
            return
        offset = self.offset_at(event.x, event.y)
        if offset is None:
            offset = self.article.blocks[-1].end
        if offset != self._mouse_from or self._dragged:
            self._dragged = True
            low, high = sorted((self._mouse_from, offset))
            self._set_selection(low, high + (1 if high < self.article.next_start else 0))

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._mouse_from is None:
            return
        start, self._mouse_from = self._mouse_from, None
        self.release_mouse()
        if self._dragged:
            return
        self.clear_selection()
        # Where the click was: in a long paragraph, not its top, thousands of lines up.
        self.move_to(self.article.block_at(start), offset=start)

    # --- rendering ------------------------------------------------------------------------

    def _block_strips(self, index: int, width: int, base: Style) -> Sequence[Strip]:
        decor = self._decor(index)
        key = (width, self.column.left, decor)
        cached = self._strips.get(index)
        if cached is not None and cached[0] == key:
            return cached[1]
        strips = paint_block(
            self.column,
            index,
            decor,
            width=width,
            base=base,
            style=self.get_component_rich_style,
            console=self.app.console,
            reorder=self.reorder,
        )
        self._strips[index] = (key, strips)
        return strips

    def _decor(self, index: int) -> Decor:
        """What to draw on block ``index`` besides its text."""
        block = self.article.blocks[index]
        marks = self._marks.get(index, ())
        current = self.current_highlight
        if not any(mark[4] == current for mark in marks):
            current = None
        matches: tuple[int, ...] = ()
        current_match = -1
        if self._matches:
            low = bisect_left(self._matches, block.start - self._match_length + 1)
            high = bisect_left(self._matches, block.end)
            matches = tuple(self._matches[low:high])
            if low <= self._current_match < high:
                current_match = self._current_match - low
        return Decor(
            index == self.cursor,
            marks,
            current,
            self._selection_in(block),
            matches,
            current_match,
            self._match_length,
            index in self._linked,
        )

    def _selection_in(self, block: Block) -> tuple[int, int] | None:
        if self._selection is None:
            return None
        low, high = sorted(self._selection)
        if high <= block.start or low >= block.end:
            return None
        return max(low, block.start) - block.start, min(high, block.end) - block.start
