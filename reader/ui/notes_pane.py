"""The notes pane: every highlight of the article in order, with its colour, quote and note."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from reader.annotations import Placed
from reader.layout import visible, wrap
from reader.ui.text import plain

SWATCH = "▌"
EXCERPT = 2  # lines of quote shown per entry


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


class HighlightList(OptionList):
    """The entries; j/k move, enter jumps, a annotates, d deletes."""

    HELP_TITLE = "Notes pane"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="pane-down"),
        Binding("k", "cursor_up", "Up", show=False, id="pane-up"),
        Binding("a", "annotate", "Note", id="pane-annotate"),
        Binding("d", "delete", "Delete", id="pane-delete"),
        Binding("slash", "filter", "Filter", id="pane-filter"),
    ]

    class Request(Message):
        """The reader asked to do something with the highlighted entry."""

        def __init__(self, what: str, highlight_id: str) -> None:
            super().__init__()
            self.what = what
            self.highlight_id = highlight_id

    def _chosen(self) -> str | None:
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        return option.id if option.id and not option.disabled else None

    def action_annotate(self) -> None:
        """Write the note of the highlighted entry."""
        if chosen := self._chosen():
            self.post_message(self.Request("annotate", chosen))

    def action_delete(self) -> None:
        """Delete the highlighted entry."""
        if chosen := self._chosen():
            self.post_message(self.Request("delete", chosen))

    def action_filter(self) -> None:
        """Filter the entries."""
        self.post_message(self.Request("filter", ""))


class NotesPane(Vertical):
    """Highlights and notes beside the article."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "notes-pane--yellow",
        "notes-pane--green",
        "notes-pane--blue",
        "notes-pane--pink",
        "notes-pane--purple",
    }

    DEFAULT_CSS = """
    NotesPane {
        width: 42;
        dock: right;
        border-left: vkey $panel-lighten-2;
        background: $surface;
        #pane-title { height: 1; padding: 0 1; text-style: bold; background: $panel; }
        #pane-filter { display: none; height: 3; }
        #pane-filter.-active { display: block; }
        #pane-article-note { padding: 0 1; color: $text-muted; max-height: 6; }
        HighlightList { height: 1fr; border: none; padding: 0; background: $surface; }
        #pane-empty { padding: 1; color: $text-muted; }
        & > .notes-pane--yellow { color: #f2c744; text-style: bold; }
        & > .notes-pane--green { color: #5fbf5f; text-style: bold; }
        & > .notes-pane--blue { color: #4f8fe0; text-style: bold; }
        & > .notes-pane--pink { color: #e060a8; text-style: bold; }
        & > .notes-pane--purple { color: #9a6ae0; text-style: bold; }
    }
    """

    class Jump(Message):
        """Move the article to a highlight."""

        def __init__(self, highlight_id: str) -> None:
            super().__init__()
            self.highlight_id = highlight_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._entries: list[Entry] = []
        self._query = ""
        self._article_note = ""

    def compose(self) -> ComposeResult:
        yield Static("Highlights", id="pane-title")
        yield Input(
            placeholder="Filter: words, #tag or colour", id="pane-filter", select_on_focus=False
        )
        yield Static("", id="pane-article-note")
        yield HighlightList(id="pane-list")
        yield Static("", id="pane-empty")

    @property
    def option_list(self) -> HighlightList:
        """The list of entries."""
        return self.query_one(HighlightList)

    def show(
        self, entries: list[Entry], article_note: str = "", current: str | None = None
    ) -> None:
        """Show these entries (document order, orphans last)."""
        self._entries = entries
        self._article_note = article_note
        self._rebuild(current)

    def _rebuild(self, current: str | None = None) -> None:
        options = self.option_list
        shown = [entry for entry in self._entries if entry.matches(self._query)]
        placed = [entry for entry in shown if not entry.orphan]
        orphans = [entry for entry in shown if entry.orphan]
        items: list[Option] = [Option(self._prompt(entry), id=entry.id) for entry in placed]
        if orphans:
            heading = Text(f"Could not be placed ({len(orphans)})", style="bold")
            items.append(Option(heading, disabled=True))
            items += [Option(self._prompt(entry), id=entry.id) for entry in orphans]
        remember = current or self.highlighted_id
        options.set_options(items)
        total = len(self._entries)
        title = f"Highlights · {total}" if not self._query else f"Highlights · {len(shown)}/{total}"
        self.query_one("#pane-title", Static).update(plain(title))
        note = self.query_one("#pane-article-note", Static)
        note.update(plain(f"Article note: {self._article_note}") if self._article_note else "")
        note.display = bool(self._article_note)
        empty = self.query_one("#pane-empty", Static)
        if not self._entries:
            empty.update(
                plain(
                    "No highlights yet. Press h to highlight the paragraph under "
                    "the cursor, or v to select words first."
                )
            )
        elif not shown:
            empty.update(plain(f"Nothing matches “{self._query}”."))
        empty.display = not shown
        options.display = bool(shown)
        if remember:
            self.follow(remember)
        if options.highlighted is None and shown:
            # Filtered away or nothing chosen yet: keep a cursor in the list for d, a, enter.
            options.highlighted = 0 if placed else 1

    def _prompt(self, entry: Entry) -> Text:
        width = max(10, (self.size.width or 42) - 4)
        text = Text(no_wrap=False, overflow="fold")
        quote = f"“{' '.join(visible(entry.quote).split())}”"
        lines = wrap(quote, width - 2)
        if len(lines) > EXCERPT:
            # Cut at the end of the last line shown, leaving room for the ellipsis.
            quote = quote[: max(1, lines[EXCERPT - 1][1] - 2)].rstrip() + "…”"
        swatch = self.get_component_rich_style(f"notes-pane--{entry.colour}")
        text.append(SWATCH + " ", style=swatch)
        text.append(quote)
        text.append("\n  " + entry.where, style="dim")
        if entry.note.strip():
            first = " ".join(visible(entry.note).split())
            if len(first) > width - 4:
                first = first[: width - 5].rstrip() + "…"
            text.append("\n  ✎ " + first, style="italic")
        if entry.tags:
            text.append("\n  " + " ".join(f"#{visible(tag)}" for tag in entry.tags), style="bold")
        return text

    @property
    def highlighted_id(self) -> str | None:
        """The id of the highlighted entry."""
        options = self.option_list
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def follow(self, highlight_id: str | None) -> None:
        """Highlight the entry of ``highlight_id`` (as the cursor moves), without focus."""
        if highlight_id is None:
            return
        options = self.option_list
        try:
            index = options.get_option_index(highlight_id)
        except OptionDoesNotExist:  # filtered out or gone: leave the list as it is
            return
        if options.highlighted != index:
            options.highlighted = index

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Jump(event.option.id))

    @on(HighlightList.Request)
    def _request(self, event: HighlightList.Request) -> None:
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
