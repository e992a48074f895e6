"""The settings' ``[keys]``, checked before they are given to Textual: no action is lost.

A line of ``[keys]`` gives a binding id new keys (``highlight = "h,x"``). Textual takes any
keymap as it is: a key name it never sends (``banana``) binds nothing, and a key that
another action already has in the same place leaves one of the two unreachable
(``highlight = "j"``: ``j`` still moves to the next paragraph, and nothing highlights).
:func:`check_keys` finds such lines, names each (its line, the key, what is wrong), and
keeps the binding's own keys for it; the app tells them at start, ``reader config --check``
prints them.

Where keys meet is a *scope*: the bindings in force together, from the focused widget up to
the app (Textual's own included, such as a list's arrows). Only keys a line adds are checked:
the shipped keys overlap on purpose where one wins (``h`` highlights a selection while
selecting, ``a`` in the notes pane edits the note of the pane's entry).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from textual.app import App
from textual.binding import Binding, BindingsMap, BindingType, Keymap
from textual.dom import DOMNode

from reader.ui.bindings import APP_BINDINGS
from reader.ui.keynames import is_typed, key_problem, normalize

if TYPE_CHECKING:
    from reader.config import Settings

# While a selection is being made (after v), the view's own keys j, k and b belong to it;
# of the screen's keys, link (l) and re-attach (r) act on the selection.
_SELECTION_TAKES = frozenset({"cursor_down", "cursor_up", "page_up"})
_SELECTION_USES = frozenset({"link", "reattach"})


@dataclass(frozen=True, slots=True)
class Scope:
    """Bindings in force together: ``classes`` from the focused widget up to the app, each
    with which of its bindings count there."""

    name: str  # "in the article": where, for a message
    classes: tuple[tuple[type[DOMNode], Callable[[Binding], bool]], ...]
    typing: bool = False  # a text field has the keys: printable ones are text there


class KeyedApp(Protocol):
    """What :func:`apply_settings_keys` needs of the app (reader.ui.app.ReaderApp)."""

    settings: Settings
    problems: list[str]
    keys_in_force: dict[str, str]

    def set_keymap(self, keymap: Keymap) -> None: ...


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """The keymap to give Textual, and one line for each setting not taken."""

    keymap: dict[str, str]
    problems: list[str]


def _every(_binding: Binding) -> bool:
    return True


class _AppKeys(App[None]):
    """The keys in force on every screen: Textual's App's, and reader's app's
    (:data:`reader.ui.bindings.APP_BINDINGS`), merged as they are for
    :class:`reader.ui.app.ReaderApp` (which this module may not import: it imports this)."""

    BINDINGS: ClassVar[list[BindingType]] = list(APP_BINDINGS)


def scopes() -> list[Scope]:
    """Every place keys are in force together (imports the screens and widgets)."""
    from textual.containers import VerticalScroll
    from textual.widgets import Button, Input, OptionList

    from reader.ui.dialogs.contents import ContentsFilter, ContentsList, ContentsScreen
    from reader.ui.dialogs.footnote import FootnoteScreen
    from reader.ui.dialogs.help import HelpScreen
    from reader.ui.dialogs.keep_note import KeepOneText
    from reader.ui.dialogs.link_picker import (
        KeepLinksScreen,
        LinkList,
        LinkPicker,
        TextPrompt,
        UrlScreen,
    )
    from reader.ui.dialogs.note_editor import (
        ConfirmScreen,
        NoteArea,
        NoteEditor,
        QuitQuestion,
        TagEditor,
    )
    from reader.ui.library.articles import LibraryList
    from reader.ui.library.screen import LibraryFilter, LibraryScreen
    from reader.ui.notes.screen import NotesFilter, NotesList, NotesScreen
    from reader.ui.reading.notes_pane import HighlightList
    from reader.ui.reading.screen import ReadingScreen
    from reader.ui.reading.view import ArticleView
    from reader.ui.review.screen import ReviewScreen
    from reader.ui.widgets.fields import SafeInput
    from reader.ui.widgets.search_bar import SearchBar

    app = (_AppKeys, _every)

    def reading(binding: Binding) -> bool:
        return not (binding.id or "").startswith("select-")

    def selecting(binding: Binding) -> bool:
        return binding.action not in _SELECTION_TAKES and binding.action != "select"

    def around_a_selection(binding: Binding) -> bool:
        return binding.action in _SELECTION_USES

    def modal(name: str, screen: type, *focused: type, typing: bool = False) -> Scope:
        return Scope(name, (*((cls, _every) for cls in focused), (screen, _every), app), typing)

    return [
        Scope("in the article", ((ArticleView, reading), (ReadingScreen, _every), app)),
        Scope(
            "while selecting (after v)",
            ((ArticleView, selecting), (ReadingScreen, around_a_selection), app),
        ),
        Scope("in the notes pane", ((HighlightList, _every), (ReadingScreen, _every), app)),
        modal("in the search field", ReadingScreen, SearchBar, typing=True),
        modal("in the notes pane's filter", ReadingScreen, SafeInput, typing=True),
        modal("in the library", LibraryScreen, LibraryList),
        modal("in the library's filter", LibraryScreen, LibraryFilter, typing=True),
        modal("in every note", NotesScreen, NotesList),
        modal("in the filter of every note", NotesScreen, NotesFilter, typing=True),
        modal("in the contents", ContentsScreen, ContentsList),
        modal("in the filter of the contents", ContentsScreen, ContentsFilter, typing=True),
        modal("in the review", ReviewScreen),
        modal("in the help", HelpScreen, VerticalScroll),
        modal("in a footnote", FootnoteScreen),
        modal("in the list of links", LinkList, OptionList),
        modal("when keeping one text of a note", KeepOneText, OptionList),
        modal("when asked to open an address", UrlScreen),
        modal("when asked to keep links", KeepLinksScreen),
        modal("when asked a question", ConfirmScreen, Button),
        modal("when asked about a note on quitting", QuitQuestion, Button),
        modal("in a one-line prompt", TextPrompt, Input, typing=True),
        modal("in the link picker", LinkPicker, Input, typing=True),
        modal("in the note editor", NoteEditor, NoteArea, typing=True),
        modal("in the tag editor", TagEditor, Input, typing=True),
    ]


@dataclass(frozen=True, slots=True)
class _Bound:
    """One binding of a scope, with its keys as they stand."""

    id: str | None
    action: str
    description: str
    keys: tuple[str, ...]

    def named(self) -> str:
        """How a message names it."""
        what = f" ({self.description})" if self.description else ""
        return f"{self.id}'s{what}" if self.id else f"Textual's {self.action}{what}"


def _merged(cls: type[DOMNode]) -> BindingsMap:
    """The bindings of ``cls`` and its bases, as Textual merges them (it sets them on each
    subclass as the class is made: only DOMNode's own are None)."""
    merged = cls._merged_bindings
    assert merged is not None, cls
    return merged


def default_keys(scope_list: Iterable[Scope]) -> dict[str, tuple[str, ...]]:
    """Each binding id's keys as reader ships them, in Textual's names."""
    keys: dict[str, list[str]] = {}
    for scope in scope_list:
        for cls, counts in scope.classes:
            for key, bindings in _merged(cls).key_to_bindings.items():
                for binding in bindings:
                    if binding.id and counts(binding):
                        found = keys.setdefault(binding.id, [])
                        if key not in found:
                            found.append(key)
    return {binding_id: tuple(found) for binding_id, found in keys.items()}


def _bound(scope: Scope, keymap: Mapping[str, tuple[str, ...]]) -> list[_Bound]:
    """The bindings of ``scope``, each with the keys ``keymap`` gives its id."""
    found: dict[tuple[str | None, str], _Bound] = {}
    for cls, counts in scope.classes:
        for key, bindings in _merged(cls).key_to_bindings.items():
            for binding in bindings:
                if not counts(binding):
                    continue
                ident = (binding.id, binding.action)
                keys = keymap[binding.id] if binding.id and binding.id in keymap else (key,)
                known = found.get(ident)
                merged = keys if known is None else tuple(dict.fromkeys(known.keys + keys))
                description = binding.tooltip or binding.description
                found[ident] = _Bound(binding.id, binding.action, description, merged)
    return list(found.values())


def check_keys(
    keys: Mapping[str, str],
    known: set[str],
    *,
    where: Callable[[str], str] = lambda _id: "",
) -> KeyCheck:
    """Check ``keys`` (binding id to keys, as the settings give them) against the
    bindings of ``known`` ids; ``where(id)`` says where a line is ("...: line 3: ")."""
    scope_list = scopes()
    defaults = default_keys(scope_list)
    problems: dict[str, str] = {}
    wanted: dict[str, tuple[str, ...]] = {}
    for binding_id, value in keys.items():
        if binding_id not in known:
            problems[binding_id] = (
                f"{where(binding_id)}keys.{binding_id}: no key has that id (? lists each "
                "key with its id)"
            )
            continue
        named = [part.strip() for part in value.split(",") if part.strip()]
        wrong = next((problem for key in named if (problem := key_problem(key))), None)
        if wrong is not None:
            problems[binding_id] = _said(where, binding_id, value, wrong, defaults)
            continue
        wanted[binding_id] = tuple(dict.fromkeys(normalize(key) for key in named))
    # A line given up gives its keys back to its binding, which may then meet another
    # line's: the first clash is given up, and the rest checked again, until all stand.
    while True:
        keymap = {**defaults, **wanted}
        clash = next(
            (
                (binding_id, said)
                for binding_id in wanted
                if (said := _clash(binding_id, keymap, defaults, scope_list)) is not None
            ),
            None,
        )
        if clash is None:
            break
        binding_id, said = clash
        problems[binding_id] = _said(where, binding_id, keys[binding_id], said, defaults)
        del wanted[binding_id]
    ordered = [problems[binding_id] for binding_id in keys if binding_id in problems]
    return KeyCheck({k: ",".join(v) for k, v in wanted.items()}, ordered)


def _clash(
    binding_id: str,
    keymap: Mapping[str, tuple[str, ...]],
    defaults: Mapping[str, tuple[str, ...]],
    scope_list: list[Scope],
) -> str | None:
    """What is wrong with the keys ``keymap`` gives ``binding_id`` that it did not have
    (None: nothing)."""
    added = [key for key in keymap[binding_id] if key not in defaults.get(binding_id, ())]
    if not added:
        return None
    mine = [scope for scope in scope_list if any(b.id == binding_id for b in _bound(scope, keymap))]
    # A key of a screen that a text field of it takes (ctrl+x cuts there) still acts from
    # the rest of the screen: the fields count only for the keys that are theirs alone.
    mine = [scope for scope in mine if not scope.typing] or mine
    for key in added:
        for scope in mine:
            if scope.typing and is_typed(key):
                return f"{key} is typed as text {scope.name}"
            for other in _bound(scope, keymap):
                if other.id != binding_id and key in other.keys:
                    return f"{key} is already {other.named()} key {scope.name}"
    return None


def _said(
    where: Callable[[str], str],
    binding_id: str,
    value: str,
    what: str,
    defaults: Mapping[str, tuple[str, ...]],
) -> str:
    kept = ",".join(defaults.get(binding_id, ())) or "none"
    return f'{where(binding_id)}keys.{binding_id} = "{value}": {what}; it keeps {kept}'


def settings_keys(settings: Settings) -> KeyCheck:
    """The settings' keymap, checked (every binding id of reader's screens known)."""
    from reader.ui.bindings import binding_ids

    path: Path | None = settings.path

    def where(binding_id: str) -> str:
        line = settings.key_lines.get(binding_id)
        return f"{path}: " + (f"line {line}: " if line else "")

    return check_keys(settings.keys, binding_ids(), where=where)


def apply_settings_keys(app: KeyedApp) -> None:
    """Give ``app`` the settings' keys, checked: a line that would bind nothing, or take a
    key another action has, is added to what the app tells at start, and its binding keeps
    its own keys."""
    checked = settings_keys(app.settings)
    app.problems += checked.problems
    app.keys_in_force = checked.keymap
    app.set_keymap(checked.keymap)


def settings_problems(settings: Settings) -> list[str]:
    """Every problem of ``settings`` the app would name at start: the file's own, a theme
    Textual does not have, and the keys (for ``reader config --check``)."""
    from textual.theme import BUILTIN_THEMES

    problems = list(settings.problems)
    wrong = settings.theme_problem(BUILTIN_THEMES)
    if wrong:
        problems.append(wrong)
    if settings.keys:
        problems += settings_keys(settings).problems
    return problems
