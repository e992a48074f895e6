"""The notes pane: every highlight of the article in order, with its colour, quote and note."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Click, Key
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Static

from reader.services.annotations import Placed
from reader.text.display import shorten, visible, wrap
from reader.ui.dialogs.link_choice import LinkChoice, choice_text
from reader.ui.reading.messages import JumpToHighlight, PaneChosen, PaneMoved, PaneRequest
from reader.ui.widgets.fields import SafeInput
from reader.ui.widgets.text import plain

SWATCH = "▌"
EXCERPT = 2  # lines of quote shown per entry
CHECK = "moved: check"
"""What marks a highlight moved where the words around it changed, until confirmed."""


@dataclass(frozen=True, slots=True)
class Entry:
    """What the pane shows for one highlight (built by the screen, plain data)."""

    id: str
    colour: str
    quote: str
    note: str
    tags: tuple[str, ...]
    where: str
    orphan: bool
    was: str = ""  # the words first highlighted, when the text changed under them
    check: bool = False  # moved where the words around it changed, not yet confirmed
    pending: bool = False  # made on another text, and still being looked for
    elsewhere: str = ""  # the device that changed it last, when not this one
    # Texts of its note written apart on other devices, kept beside it: (device, text).
    also: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, placed: Placed, where: str) -> Entry:
        """The entry for a placed (or orphaned) highlight."""
        highlight = placed.highlight
        return cls(
            highlight.id,
            highlight.colour.value,
            highlight.quote,
            highlight.note,
            highlight.tags,
            where,
            placed.orphan,
            highlight.was,
            placed.check,
            placed.pending,
        )

    def matches(self, query: str) -> bool:
        """Whether the filter ``query`` finds this entry (text, #tag or colour)."""
        needle = query.casefold().strip()
        if not needle:
            return True
        if needle.startswith("#"):
            return any(tag.casefold().startswith(needle[1:]) for tag in self.tags)
        haystack = " ".join((self.quote, self.note, " ".join(self.tags), self.colour))
        return needle in haystack.casefold()


class HighlightList(ScrollView, can_focus=True):
    """The entries, drawn with the Line API: its cost follows the screen, not the notes.

    j/k move, enter (or a click) jumps, a annotates, d deletes, / filters. Each entry's
    height is known without drawing it (its quote takes one line or two), so ten thousand
    highlights cost a list of offsets; only the entries on screen are ever drawn.
    """

    HELP_TITLE = "Notes pane"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="pane-down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="pane-up"),
        Binding("g,home", "first", "First", show=False, id="pane-first"),
        Binding("G,end", "last", "Last", show=False, id="pane-last"),
        Binding("enter", "select", "Jump", id="pane-jump"),
        Binding("a", "annotate", "Note", id="pane-annotate"),
        Binding("d", "delete", "Delete", id="pane-delete"),
        Binding("c", "confirm", "Confirm place", show=False, id="pane-confirm"),
        Binding("K", "keep", "Keep one text", show=False, id="pane-keep-note"),
        Binding("slash", "filter", "Filter", id="pane-filter"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "highlight-list--cursor",
        "highlight-list--cursor-blurred",
        "highlight-list--where",
        "highlight-list--note",
        "highlight-list--tags",
        "highlight-list--heading",
        "highlight-list--yellow",
        "highlight-list--green",
        "highlight-list--blue",
        "highlight-list--pink",
        "highlight-list--purple",
    }
    DEFAULT_CSS = """
    HighlightList {
        & > .highlight-list--cursor { background: $block-cursor-background; }
        & > .highlight-list--cursor-blurred { background: $block-cursor-blurred-background; }
        & > .highlight-list--where { color: $text-muted; }
        & > .highlight-list--note { text-style: italic; }
        & > .highlight-list--tags { text-style: bold; color: $text-accent; }
        & > .highlight-list--heading { text-style: bold; color: $text-warning; }
        & > .highlight-list--yellow { color: $reader-yellow; text-style: bold; }
        & > .highlight-list--green { color: $reader-green; text-style: bold; }
        & > .highlight-list--blue { color: $reader-blue; text-style: bold; }
        & > .highlight-list--pink { color: $reader-pink; text-style: bold; }
        & > .highlight-list--purple { color: $reader-purple; text-style: bold; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[Entry | str] = []  # an entry, or a heading
        self._tops: list[int] = [0]
        self._index: dict[str, int] = {}
        self._cursor: int | None = None
        self._strips: dict[tuple[object, ...], list[Strip]] = {}

    # --- content ------------------------------------------------------------------------

    @property
    def _width(self) -> int:
        return max(10, self.scrollable_content_region.width or 40)

    def _height(self, row: Entry | str) -> int:
        if isinstance(row, str):
            return 2
        quote = cell_len(" ".join(visible(row.quote).split())) + 2 <= self._width - 2
        return (
            (1 if quote else EXCERPT)
            + 1
            + bool(row.was)
            + bool(row.elsewhere)
            + bool(row.note.strip())
            + len(row.also)
            + bool(row.also)  # the key that keeps one text
            + bool(row.tags)
        )

    def set_rows(self, rows: list[Entry | str], current: str | None = None) -> None:
        """Show these rows; keep the cursor on ``current`` (or the entry it was on)."""
        remember = current or self.highlighted_id
        self._rows = rows
        self._index = {row.id: n for n, row in enumerate(rows) if isinstance(row, Entry)}
        self._strips.clear()
        self._measure()
        self._cursor = None
        if remember is not None and remember in self._index:
            self._cursor = self._index[remember]
        elif self._index:
            self._cursor = min(self._index.values())
        self._scroll_to_cursor()
        self.refresh()

    def _measure(self) -> None:
        tops = [0]
        for row in self._rows:
            tops.append(tops[-1] + self._height(row))
        self._tops = tops
        self.virtual_size = Size(self._width, tops[-1])

    def on_resize(self) -> None:
        self._strips.clear()
        self._measure()

    @property
    def highlighted(self) -> int | None:
        """Index of the row under the cursor."""
        return self._cursor

    @property
    def highlighted_id(self) -> str | None:
        """The id of the entry under the cursor."""
        if self._cursor is None:
            return None
        row = self._rows[self._cursor]
        return row.id if isinstance(row, Entry) else None

    def follow(self, highlight_id: str) -> None:
        """Put the cursor on this entry (as the article's cursor moves), if it is listed."""
        index = self._index.get(highlight_id)
        if index is not None and index != self._cursor:
            self._move(index, announce=False)

    def _move(self, index: int, *, announce: bool = True) -> None:
        self._cursor = index
        self._scroll_to_cursor()
        self.refresh()
        if announce:
            self.post_message(PaneMoved(self.highlighted_id))

    def _scroll_to_cursor(self) -> None:
        if self._cursor is None:
            return
        top, bottom = self._tops[self._cursor], self._tops[self._cursor + 1]
        self.scroll_to_region(
            Region(0, top, 1, bottom - top), animate=False, immediate=True, force=True
        )

    def _step(self, direction: int) -> None:
        if not self._index:
            return
        index = self._cursor if self._cursor is not None else -direction
        while 0 <= index + direction < len(self._rows):
            index += direction
            if isinstance(self._rows[index], Entry):
                self._move(index)
                return

    # --- actions ------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        """Next entry."""
        self._step(+1)

    def action_cursor_up(self) -> None:
        """Previous entry."""
        self._step(-1)

    def action_first(self) -> None:
        """First entry."""
        if self._index:
            self._move(min(self._index.values()))

    def action_last(self) -> None:
        """Last entry."""
        if self._index:
            self._move(max(self._index.values()))

    def action_select(self) -> None:
        """Jump the article to the entry."""
        if chosen := self.highlighted_id:
            self.post_message(PaneChosen(chosen))

    def action_annotate(self) -> None:
        """Write the note of the highlighted entry."""
        if chosen := self.highlighted_id:
            self.post_message(PaneRequest("annotate", chosen))

    def action_delete(self) -> None:
        """Delete the highlighted entry."""
        if chosen := self.highlighted_id:
            self.post_message(PaneRequest("delete", chosen))

    def action_confirm(self) -> None:
        """Confirm that the highlighted entry, moved where its context changed, is right."""
        if chosen := self.highlighted_id:
            self.post_message(PaneRequest("confirm", chosen))

    def action_keep(self) -> None:
        """Choose the one text of the highlighted entry's note, written apart."""
        if chosen := self.highlighted_id:
            self.post_message(PaneRequest("keep", chosen))

    def action_filter(self) -> None:
        """Filter the entries."""
        self.post_message(PaneRequest("filter", ""))

    def on_click(self, event: Click) -> None:
        line = int(self.scroll_offset.y) + event.y
        index = bisect_right(self._tops, line) - 1
        if 0 <= index < len(self._rows) and isinstance(self._rows[index], Entry):
            self._move(index)
            self.action_select()

    # --- drawing ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self._width
        line = int(self.scroll_offset.y) + y
        base = self.rich_style
        if line >= self._tops[-1]:
            return Strip.blank(width, base)
        index = bisect_right(self._tops, line) - 1
        strips = self._row_strips(index, width, base)
        row = line - self._tops[index]
        return strips[row] if row < len(strips) else Strip.blank(width, base)

    def _row_strips(self, index: int, width: int, base: Style) -> list[Strip]:
        is_cursor = index == self._cursor
        key = (index, width, is_cursor, self.has_focus, self.app.theme)
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        if len(self._strips) > 512:
            self._strips.clear()
        if is_cursor:
            blurred = "" if self.has_focus else "-blurred"
            base = base + self.get_component_rich_style(f"highlight-list--cursor{blurred}")

        def style(name: str) -> Style:
            # Foreground only: a component's background would punch holes in the cursor's.
            full = self.get_component_rich_style(name)
            return Style(color=full.color, bold=full.bold, italic=full.italic)

        row = self._rows[index]
        lines: list[Text] = []
        if isinstance(row, str):
            lines = [Text(""), Text.assemble((row, style("highlight-list--heading")))]
        else:
            quote = f"“{' '.join(visible(row.quote).split())}”"
            shown = [quote[start:end] for start, end in wrap(quote, width - 2)]
            if len(shown) > EXCERPT:
                # The last line shown ends after a whole word, with the ellipsis.
                rest = " ".join(shown[EXCERPT - 1 :]).removesuffix("”")
                shown = [*shown[: EXCERPT - 1], shorten(rest, width - 3) + "”"]
            swatch = style(f"highlight-list--{row.colour}")
            for number, piece in enumerate(shown):
                text = Text()
                text.append(SWATCH + " " if number == 0 else "  ", style=swatch)
                text.append(piece)
                lines.append(text)
            if row.was:
                was = f"was: “{' '.join(visible(row.was).split())}”"
                if cell_len(was) > width - 2:
                    was = shorten(was.removesuffix("”"), width - 3) + "”"
                lines.append(Text.assemble(("  " + was, style("highlight-list--where"))))
            lines.append(Text.assemble(("  " + row.where, style("highlight-list--where"))))
            if row.elsewhere:
                said = shorten(f"⇄ changed on {visible(row.elsewhere)}", width - 2)
                lines.append(Text.assemble(("  " + said, style("highlight-list--where"))))
            if row.note.strip():
                note = shorten("✎ " + " ".join(visible(row.note).split()), width - 2)
                lines.append(Text.assemble(("  " + note, style("highlight-list--note"))))
            for device, written in row.also:  # a note written apart: both texts are kept
                also = f"also written on {visible(device)}: " + " ".join(visible(written).split())
                also = shorten(also, width - 2)
                lines.append(Text.assemble(("  " + also, style("highlight-list--note"))))
            if row.also:
                keep = shorten("K keeps one text", width - 2)
                lines.append(Text.assemble(("  " + keep, style("highlight-list--where"))))
            if row.tags:
                tags = " ".join(f"#{visible(tag)}" for tag in row.tags)
                lines.append(Text.assemble(("  " + tags, style("highlight-list--tags"))))
        console = self.app.console
        strips = []
        for text in lines:
            text.truncate(width, overflow="ellipsis")
            text.stylize_before(base)
            segments = list(text.render(console))
            strips.append(Strip(segments).extend_cell_length(width, base).crop(0, width))
        self._strips[key] = strips
        return strips

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


class NotesPane(Vertical):
    """Highlights and notes beside the article."""

    DEFAULT_CSS = """
    NotesPane {
        width: 42;
        max-width: 50%;  /* asked for (p) in a narrow window, it leaves the article half */
        height: 1fr;
        border-left: vkey $panel-lighten-2;
        background: $surface;
        #pane-title { height: 1; padding: 0 1; text-style: bold; background: $panel; }
        #pane-filter { display: none; height: 3; }
        #pane-filter.-active { display: block; }
        #pane-article-note { padding: 0 1; color: $text-muted; max-height: 6; }
        HighlightList { height: 1fr; border: none; padding: 0; background: $surface; }
        #pane-empty { padding: 1; color: $text-muted; }
        #pane-links { padding: 0 1 1 1; max-height: 10; display: none; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._entries: list[Entry] = []
        self._query = ""
        self._article_note = ""
        self._empty_article = False

    def compose(self) -> ComposeResult:
        yield Static("Highlights", id="pane-title")
        yield SafeInput(
            placeholder="Filter: words, #tag or colour", id="pane-filter", select_on_focus=False
        )
        yield Static("", id="pane-article-note")
        yield Static("", id="pane-links")
        yield HighlightList(id="pane-list")
        yield Static("", id="pane-empty")

    @property
    def option_list(self) -> HighlightList:
        """The list of entries."""
        return self.query_one(HighlightList)

    def show(
        self,
        entries: list[Entry],
        article_note: str = "",
        current: str | None = None,
        *,
        empty_article: bool = False,
    ) -> None:
        """Show these entries (document order, orphans last); ``empty_article``: there is
        nothing in the article to highlight."""
        self._entries = entries
        self._article_note = article_note
        self._empty_article = empty_article
        self._rebuild(current)

    def _rebuild(self, current: str | None = None) -> None:
        entries = self.option_list
        shown = [entry for entry in self._entries if entry.matches(self._query)]
        placed = [entry for entry in shown if not entry.orphan]
        orphans = [entry for entry in shown if entry.orphan and not entry.pending]
        pending = [entry for entry in shown if entry.pending]
        rows: list[Entry | str] = list(placed)
        if pending:  # not yet "could not be placed": only not looked for yet
            rows.append(f"Being placed ({len(pending)})")
            rows += pending
        if orphans:
            rows.append(f"Could not be placed ({len(orphans)})")
            rows += orphans
        entries.set_rows(rows, current)
        total = len(self._entries)
        title = f"Highlights · {total}" if not self._query else f"Highlights · {len(shown)}/{total}"
        self.query_one("#pane-title", Static).update(plain(title))
        note = self.query_one("#pane-article-note", Static)
        note.update(plain(f"Article note: {self._article_note}") if self._article_note else "")
        note.display = bool(self._article_note)
        empty = self.query_one("#pane-empty", Static)
        if not self._entries and self._empty_article:
            empty.update(plain("This article is empty: there is nothing to highlight."))
        elif not self._entries:
            empty.update(
                plain(
                    "No highlights yet. Press h to highlight the paragraph under "
                    "the cursor, or v to select words first."
                )
            )
        elif not shown:
            empty.update(plain(f"Nothing matches “{self._query}”."))
        empty.display = not shown
        entries.display = bool(shown)

    def show_links(self, choices: list[LinkChoice]) -> None:
        """The cross-links of the paragraph under the cursor: "Links from here" (made on
        it, leading elsewhere) and "Links to here" (made elsewhere, leading to it)."""
        box = self.query_one("#pane-links", Static)
        if not choices:
            box.display = False
            return
        text = Text()
        outgoing = [c for c in choices if c.kind == "outgoing"]
        incoming = [c for c in choices if c.kind == "backlink"]
        for heading, group in (("Links from here", outgoing), ("Links to here", incoming)):
            if group:
                if text:
                    text.append("\n")
                text.append(heading, style="bold")
                for choice in group:
                    text.append("\n")
                    text.append_text(choice_text(choice))
        text.append("\n")
        text.append("o follows · backspace comes back", style="dim")
        box.update(text)
        box.display = True

    @property
    def highlighted_id(self) -> str | None:
        """The id of the entry under the list's cursor."""
        return self.option_list.highlighted_id

    def follow(self, highlight_id: str | None) -> None:
        """Put the list's cursor on ``highlight_id`` (as the article's cursor moves)."""
        if highlight_id is not None:
            self.option_list.follow(highlight_id)

    @on(PaneChosen)
    def _selected(self, event: PaneChosen) -> None:
        event.stop()
        self.post_message(JumpToHighlight(event.highlight_id))

    @on(PaneRequest)
    def _request(self, event: PaneRequest) -> None:
        if event.what == "filter":
            event.stop()
            field = self.query_one("#pane-filter", Input)
            field.add_class("-active")
            field.display = True
            self.screen.set_focus(field)

    @on(Input.Changed, "#pane-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._query = event.value
        self._rebuild()

    @on(Input.Submitted, "#pane-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.set_focus(self.option_list)

    def on_key(self, event: Key) -> None:
        field = self.query_one("#pane-filter", Input)
        if event.key == "escape" and field.has_focus:
            event.stop()
            field.value = ""
            field.remove_class("-active")
            field.display = False
            self.screen.set_focus(self.option_list)
