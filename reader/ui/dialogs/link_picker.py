"""Modal screens for links: choose among the links here, confirm an address, pick a target."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.services.link_index import Candidate, rank
from reader.text.display import visible
from reader.text.documents import DocumentError
from reader.ui.dialogs.choices import NumberedChoices
from reader.ui.dialogs.link_choice import LinkChoice, choice_text
from reader.ui.dialogs.note_editor import _EDITOR_CSS, _excerpt
from reader.ui.widgets.fields import SafeInput
from reader.ui.widgets.text import plain


class LinkList(NumberedChoices[int]):
    """The links of a paragraph: 1-9 or j/k and enter follow one; escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "cancel", "Close", id="links-close"),
        Binding("j", "down", "Down", show=False, id="links-down"),
        Binding("k", "up", "Up", show=False, id="links-up"),
    ]
    DEFAULT_CSS = (
        _EDITOR_CSS.format(name="LinkList")
        + """
    LinkList OptionList { height: auto; max-height: 16; border: none; }
    """
    )

    def __init__(self, choices: list[LinkChoice]) -> None:
        super().__init__()
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain("Links from and to here"), classes="editor-title")
            options = [
                Option(choice_text(c, n + 1 if n < 9 else None), disabled=not c.followable)
                for n, c in enumerate(self.choices)
            ]
            yield OptionList(*options, id="links")
            yield Static(
                plain("1-9 or enter follow · → links out · ← links to this passage"),
                classes="editor-hint",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        first = next((n for n, c in enumerate(self.choices) if c.followable), None)
        options.highlighted = first

    def chosen(self, index: int) -> int:
        """The link followed: its place in the list."""
        return index

    def can_choose(self, index: int) -> bool:
        """Whether the link leads anywhere."""
        return self.choices[index].followable


class UrlScreen(ModalScreen[str | None]):
    """An address outside reader: open it in the browser (o, y), copy it (c), or not (n)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o,y", "answer('open')", "Open in browser", id="url-open"),
        Binding("a", "answer('add')", "Add to your library", id="url-add"),
        Binding("c", "answer('copy')", "Copy", id="url-copy"),
        Binding("n,escape", "answer(None)", "Cancel", id="url-cancel"),
    ]
    DEFAULT_CSS = _EDITOR_CSS.format(name="UrlScreen")

    def __init__(self, url: str, openable: bool) -> None:
        super().__init__()
        self.url = url
        self.openable = openable
        # A web page can become an article of the library (mailto: cannot).
        self._addable = openable and url.lower().startswith(("http://", "https://"))

    def compose(self) -> ComposeResult:
        with Vertical():
            title = "Open this address in your browser?" if self.openable else "Copy this link?"
            yield Static(plain(title), classes="editor-title")
            yield Static(plain(self.url), classes="editor-quote")
            adds = " · a add to your library" if self._addable else ""
            hint = (
                f"o open in browser{adds} · c copy · escape cancel"
                if self.openable
                else "reader only opens http, https and mailto addresses · c copy · escape cancel"
            )
            yield Static(plain(hint), classes="editor-hint")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer" and parameters == ("open",):
            return self.openable
        if action == "answer" and parameters == ("add",):
            return self._addable
        return True

    def action_answer(self, answer: str | None) -> None:
        """Close with what to do."""
        self.dismiss(answer)


class KeepLinksScreen(ModalScreen[str | None]):
    """A highlight with links is being deleted: keep the links (k), remove them (r), or not."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k,y", "answer('keep')", "Keep the links", id="links-keep"),
        Binding("r", "answer('remove')", "Remove them", id="links-remove"),
        Binding("n,escape", "answer(None)", "Cancel", id="links-cancel"),
    ]
    DEFAULT_CSS = _EDITOR_CSS.format(name="KeepLinksScreen")

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        links = f"{self.count} link{'s' * (self.count != 1)}"
        with Vertical():
            yield Static(plain(f"This highlight carries {links}."), classes="editor-title")
            yield Static(
                plain(
                    "Keep them on the passage (they still work without the highlight), "
                    "or remove them with it?"
                )
            )
            yield Static(
                plain("k keep the links · r remove them · escape keep everything"),
                classes="editor-hint",
            )

    def action_answer(self, answer: str | None) -> None:
        """Close with the answer."""
        self.dismiss(answer)


class TextPrompt(ModalScreen[str | None]):
    """One line of text (a link's label); enter keeps it, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt-cancel"),
    ]
    DEFAULT_CSS = _EDITOR_CSS.format(name="TextPrompt")

    def __init__(
        self, title: str, detail: str, placeholder: str, hint: str = "enter save · escape cancel"
    ) -> None:
        super().__init__()
        self.title_text = title
        self.detail = detail
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.title_text), classes="editor-title")
            if self.detail:
                yield Static(plain(_excerpt(self.detail)), classes="editor-quote")
            yield SafeInput(placeholder=self.placeholder, id="prompt-input", select_on_focus=False)
            yield Static(plain(self.hint), classes="editor-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        """Close without a value."""
        self.dismiss(None)


class LinkPicker(ModalScreen[Candidate | None]):
    """Search the whole library as you type; enter links to the passage chosen.

    ``load`` reads every candidate of the library (in a worker thread; it may raise
    DocumentError): the picker is given it, and never reads the store itself.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="picker-cancel"),
        Binding("down", "down", "Down", show=False, id="picker-down"),
        Binding("up", "up", "Up", show=False, id="picker-up"),
    ]
    DEFAULT_CSS = (
        _EDITOR_CSS.format(name="LinkPicker")
        + """
    LinkPicker > Vertical { width: 100; }
    LinkPicker OptionList { height: auto; max-height: 20; border: none; }
    """
    )

    def __init__(self, load: Callable[[], list[Candidate]], source: str) -> None:
        super().__init__()
        self.load = load
        self.source = source
        self._candidates: list[Candidate] = []
        self._shown: list[Candidate] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain("Link this passage to…"), classes="editor-title")
            yield Static(plain(f"“{_excerpt(self.source, 160)}”"), classes="editor-quote")
            yield SafeInput(
                placeholder="Search titles, highlights, notes and paragraphs",
                id="picker-input",
                select_on_focus=False,
            )
            yield OptionList(id="picker-results")
            yield Static(
                plain("type to search · ↑ ↓ choose · enter link · escape cancel"),
                classes="editor-hint",
                id="picker-hint",
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.query_one("#picker-hint", Static).update(plain("Reading the library…"))
        self._load()

    @work(thread=True, exclusive=True, group="picker-index")
    def _load(self) -> None:
        try:
            candidates = self.load()
        except DocumentError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._loaded, candidates)

    def _failed(self, message: str) -> None:
        self.query_one("#picker-hint", Static).update(plain(f"Cannot read the library: {message}"))

    def _loaded(self, candidates: list[Candidate]) -> None:
        self._candidates = candidates
        self.query_one("#picker-hint", Static).update(
            plain("type to search · ↑ ↓ choose · enter link · escape cancel")
        )
        self._search(self.query_one(Input).value)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._search(event.value)

    def _search(self, query: str) -> None:
        # Ranking tens of thousands of paragraphs takes tens of milliseconds: off the UI
        # thread, and only the latest query's answer is shown.
        self._rank(query, self._candidates)

    @work(thread=True, exclusive=True, group="picker-rank")
    def _rank(self, query: str, candidates: list[Candidate]) -> None:
        shown = rank(query, candidates)
        self.app.call_from_thread(self._show, query, shown)

    def _show(self, query: str, shown: list[Candidate]) -> None:
        if query != self.query_one(Input).value:
            return  # a newer query is on its way
        self._shown = shown
        options = self.query_one(OptionList)
        options.clear_options()
        for candidate in self._shown:
            text = Text()
            text.append(f"{candidate.kind:>9} ", style="dim")
            text.append(visible(candidate.title), style="bold")
            if candidate.kind != "article":
                text.append(f" ¶ {candidate.block + 1}  ", style="dim")
                text.append(visible(_excerpt(candidate.text, 90)))
            options.add_option(Option(text))
        if self._shown:
            options.highlighted = 0

    def action_down(self) -> None:
        """Next result."""
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        """Previous result."""
        self.query_one(OptionList).action_cursor_up()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is not None and options.highlighted < len(self._shown):
            self.dismiss(self._shown[options.highlighted])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._shown[event.option_index])

    def action_cancel(self) -> None:
        """Close without linking."""
        self.dismiss(None)
