"""Modal editors: a highlight's note, its tags, a yes/no question, and the question asked on
quitting while a note is being written."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Key, Paste
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Static, TextArea

from reader.db.storage import StoreError
from reader.text.display import editable, note_text, shorten, visible
from reader.ui.host import reader_app
from reader.ui.widgets.fields import SafeInput
from reader.ui.widgets.text import plain

if TYPE_CHECKING:
    from reader.services.drafts import DraftFile

_EDITOR_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 84; max-width: 96%; height: auto; max-height: 90%;
    border: round $accent; background: $panel; padding: 0 1;
}}
{name} .editor-title {{ text-style: bold; padding: 0 0 1 0; }}
{name} .editor-quote {{ color: $text-muted; text-style: italic; max-height: 4; }}
{name} .editor-hint {{ color: $text-muted; padding: 1 0 0 0; }}
"""


def _excerpt(quote: str, limit: int = 300) -> str:
    """The start of ``quote`` on one line, at most ``limit`` cells, cut after a word."""
    return shorten(" ".join(quote[: limit * 2 + 1].split()), limit)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; y or enter says yes, n or escape says no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 60; max-width: 96%; height: auto; border: round $warning;
        background: $panel; padding: 1 2;
    }
    ConfirmScreen Horizontal { height: auto; align: right middle; padding: 1 0 0 0; }
    ConfirmScreen Button { margin: 0 0 0 2; }
    """

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.question))
            with Horizontal():
                yield Button(f"{self.no} (n)", id="no")
                yield Button(f"{self.yes} (y)", id="yes", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def action_answer(self, answer: bool) -> None:
        """Close with the answer."""
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class NoteArea(TextArea):
    """A TextArea that leaves escape to the editor around it, and shows no control
    character (see reader.ui.widgets.fields)."""

    async def _on_paste(self, event: Paste) -> None:
        # Runs before TextArea's own handler, which inserts event.text: pasted terminal
        # output may carry escape sequences (see reader.ui.widgets.fields).
        event.text = note_text(event.text)

    async def _on_key(self, event: Key) -> None:
        # Textual calls each class's handler in turn; preventing the default skips
        # TextArea's, which would move focus on escape. The key then bubbles up to the
        # editor's binding, in order with the typing before it.
        if event.key == "escape":
            event.prevent_default()


class NoteEditor(ModalScreen[str | None]):
    """Write a note (Markdown welcome); ctrl+s saves, escape cancels.

    ``save`` saves the text (raising :class:`StoreError` when it could not: the editor then
    stays open with the text and says why); ``abandon`` is called when the editor closes
    with no note written. While it is open, what is typed is kept in ``draft`` (a file
    beside the database, :mod:`reader.services.drafts`) a moment after each change, so that a
    process killed outright leaves it behind, to be offered back at the next start.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not priority bindings: those run before the keys typed just ahead of them have
        # reached the text, so a fast "type, ctrl+s" would save the note without its end.
        Binding("ctrl+s", "save", "Save", id="note-save"),
        Binding("escape", "cancel", "Cancel", id="note-cancel"),
    ]
    DEFAULT_CSS = (
        _EDITOR_CSS.format(name="NoteEditor")
        + """
    NoteEditor TextArea { height: 12; }
    NoteEditor .editor-error { color: $text-error; padding: 1 0 0 0; display: none; }
    """
    )

    DRAFT_EVERY = 1.0
    """Seconds between writes of the draft file while the note changes."""

    def __init__(
        self,
        title: str,
        quote: str,
        note: str,
        *,
        save: Callable[[str], None] | None = None,
        abandon: Callable[[], None] | None = None,
        draft: DraftFile | None = None,
        text: str | None = None,
        hint: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.quote = quote
        # A note imported from elsewhere may hold control characters: shown, and saved, as
        # their placeholders (the reader is told).
        self.original = editable(note)
        self.cleaned = self.original != note
        self.start_text = self.original if text is None else editable(text)
        self.hint = hint
        self.draft = draft
        self.closed = False  # saved or discarded: nothing more to keep
        self._save = save
        self._abandon = abandon
        self._latest = self.start_text  # what is typed, readable from any thread
        self._unwritten = False  # the draft file is behind what is typed

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.title_text), classes="editor-title")
            if self.quote:
                yield Static(plain(f"“{_excerpt(self.quote)}”"), classes="editor-quote")
            yield NoteArea(self.start_text, id="note-text", soft_wrap=True, tab_behavior="indent")
            yield Static("", id="note-error", classes="editor-error")
            hint = self.hint or "ctrl+s save · escape cancel · Markdown is welcome"
            if self.cleaned:
                hint += " · control characters are shown as symbols (␛) and saved that way"
            yield Static(plain(hint), classes="editor-hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        reader_app(self).open_notes.opened(self)  # the app saves it if it must stop
        if self.draft is not None:
            self.set_interval(self.DRAFT_EVERY, self._write_draft)
            if self.changed:  # offered back from a draft: it stays one until saved
                self._unwritten = True

    @property
    def text(self) -> str:
        """The note as written so far."""
        return self.query_one(TextArea).text

    @property
    def changed(self) -> bool:
        """Whether the note differs from what it was when the editor opened."""
        return self._latest.rstrip() != self.original.rstrip()

    @on(TextArea.Changed)
    def _typed(self, event: TextArea.Changed) -> None:
        self._latest = event.text_area.text
        self._unwritten = True

    def _write_draft(self) -> None:
        if self._unwritten and self.draft is not None and not self.closed:
            self._unwritten = not self.draft.write(self._latest)

    def action_save(self) -> None:
        """Save the note (the editor stays open, saying why, when it could not be)."""
        self.keep()

    def keep(self) -> bool:
        """Save the note and close; False when it could not be saved (the editor stays
        open with the text, and says why)."""
        text = self.text.rstrip()
        try:
            if self._save is not None:
                self._save(text)
        except StoreError as error:
            self._latest = self.text
            self.keep_draft()  # on disk meanwhile, whatever happens next
            said = self.query_one("#note-error", Static)
            said.update(plain(f"Not saved: {error}. Your text is still here: ctrl+s tries again."))
            said.display = True
            return False
        self._close(text)
        return True

    def discard(self) -> None:
        """Close without saving (the reader chose to)."""
        self._close(None)

    def _close(self, result: str | None) -> None:
        self.closed = True
        if self.draft is not None:
            self.draft.remove()
        if result is None and self._abandon is not None:
            self._abandon()
        reader_app(self).open_notes.closed(self)
        self.dismiss(result)

    def keep_on_exit(self) -> None:
        """reader is quitting without asking (SIGTERM, a closed terminal): the note is
        saved as it is, or kept as a draft for the next start when it cannot be."""
        if self.closed:
            return
        if not self.changed:
            self.closed = True
            if self.draft is not None:
                self.draft.remove()
            if self._abandon is not None:
                self._abandon()
            return
        try:
            if self._save is not None:
                self._save(self._latest.rstrip())
        except StoreError:
            self.keep_draft()
            return
        self.closed = True
        if self.draft is not None:
            self.draft.remove()

    def keep_draft(self) -> None:
        """Write what is typed to the draft file now. Safe from any thread: the lifeline
        calls it when the process must end and the database may not be reachable."""
        if not self.closed and self.draft is not None and self.changed:
            self.draft.write(self._latest)

    def action_cancel(self) -> None:
        """Cancel, asking first if the note was changed."""
        if not self.changed:
            self.discard()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.discard()

        self.app.push_screen(
            ConfirmScreen("Discard the changes to this note?", yes="Discard", no="Keep editing"),
            answered,
        )


class QuitQuestion(ModalScreen[str]):
    """Quitting with a note being written: save it, discard it, or go on writing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "answer('save')", "Save and quit", id="quit-save"),
        Binding("d", "answer('discard')", "Discard and quit", id="quit-discard"),
        Binding("escape,c", "answer('cancel')", "Keep writing", id="quit-cancel"),
    ]

    DEFAULT_CSS = """
    QuitQuestion { align: center middle; }
    QuitQuestion > Vertical {
        width: 72; max-width: 96%; height: auto; border: round $warning;
        background: $panel; padding: 1 2;
    }
    QuitQuestion Horizontal { height: auto; align: right middle; padding: 1 0 0 0; }
    QuitQuestion Button { margin: 0 0 0 2; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain("The note you are writing is not saved. Save it before quitting?"))
            with Horizontal():
                yield Button("Keep writing (esc)", id="cancel")
                yield Button("Discard (d)", id="discard", variant="error")
                yield Button("Save and quit (s)", id="save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#save", Button).focus()

    def action_answer(self, answer: str) -> None:
        """Close with the answer: save, discard or cancel."""
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "cancel")


class TagSuggester(Suggester):
    """Completes the last comma-separated tag from the tags already in use."""

    def __init__(self, tags: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = tags

    async def get_suggestion(self, value: str) -> str | None:
        head, _, last = value.rpartition(",")
        stem = last.lstrip()
        if not stem:
            return None
        taken = {tag.strip().casefold() for tag in head.split(",")}
        for tag in self.tags:
            if tag.casefold().startswith(stem.casefold()) and tag.casefold() not in taken:
                prefix = value[: len(value) - len(stem)]
                return prefix + tag
        return None


class TagEditor(ModalScreen[str | None]):
    """Edit tags, comma separated, with completion (right arrow accepts)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="tags-cancel"),
    ]
    DEFAULT_CSS = _EDITOR_CSS.format(name="TagEditor")

    def __init__(self, quote: str, tags: tuple[str, ...], known: list[str]) -> None:
        super().__init__()
        self.quote = quote
        self.tags = tags
        self.known = [visible(tag) for tag in known]  # suggestions are drawn as typed

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain("Tags"), classes="editor-title")
            yield Static(plain(f"“{_excerpt(self.quote)}”"), classes="editor-quote")
            yield SafeInput(
                ", ".join(self.tags),
                placeholder="comma, separated, tags",
                suggester=TagSuggester(self.known),
                id="tags-input",
                select_on_focus=False,
            )
            yield Static(
                plain("enter save · → accept a suggestion · escape cancel"), classes="editor-hint"
            )

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.focus()
        field.cursor_position = len(field.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Leave the tags as they were."""
        self.dismiss(None)
