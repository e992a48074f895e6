"""The help screen, generated from the bindings that are active where it was opened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from reader.ui.host import reader_app

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode


class HelpScreen(ModalScreen[None]):
    """Every key of the screen underneath, with what it does and its binding's id (what
    ``[keys]`` in the settings names, to give it other keys)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="close-help"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 88; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $panel; padding: 0 1;
    }
    """

    def __init__(self, sections: list[tuple[str, list[tuple[str, str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        # One table a section, under its title (a title in the keys' column would widen it
        # and squeeze what the keys do in a narrow terminal); the same widths in each.
        every = [row for _title, rows in self.sections for row in rows]
        keys_width = max((cell_len(keys) for keys, _what, _ids in every), default=6)
        ids_width = max((cell_len(ids) for _keys, _what, ids in every), default=12)

        def table() -> Table:
            grid = Table.grid(padding=(0, 2), expand=True)
            grid.add_column(style="bold", no_wrap=True, width=max(keys_width, len("escape")))
            grid.add_column(ratio=1)
            grid.add_column(style="dim", no_wrap=True, width=max(ids_width, len("id in [keys]")))
            return grid

        parts: list[Text | Table] = []
        heading = table()
        heading.add_row(Text(""), Text(""), Text("id in [keys]", style="italic"))
        parts.append(heading)
        for title, rows in self.sections:
            parts.append(Text(title, style="bold underline"))
            section = table()
            for keys, what, ids in rows:
                section.add_row(Text(keys), Text(what), Text(ids))
            parts += [section, Text("")]
        closing = table()
        closing.add_row(Text("escape"), Text("close this help"), Text(""))
        parts.append(closing)
        with VerticalScroll():
            yield Static(Group(*parts))


def _key_rank(key: str) -> int:
    """Letters first (``j, ↓``), then ``space``, then named keys."""
    if len(key) == 1 and key.isascii():
        return 0
    return 1 if key == "space" else 2


@dataclass(frozen=True, slots=True)
class KeyEntry:
    """One action of the keys in force: where it is listed, what runs it, its keys."""

    section: str
    node: DOMNode  # the widget, screen or app whose binding it is
    action: str
    keys: str
    description: str
    ids: str = ""  # the binding id (or ids) that a keymap names


def key_entries(app: App[Any], screen: Screen[Any]) -> list[KeyEntry]:
    """Every action of the bindings from the focused widget up to the app, in order.

    Bindings sharing an action are one entry (``j, ↓``), so what is listed stays true to
    the keymap whatever it is. Only bindings with an id (reader's own) are listed. The
    help screen shows these, and the command palette offers them.
    """
    entries: list[KeyEntry] = []
    seen: set[str] = set()
    for node, bindings in screen._modal_binding_chain:
        rows: dict[str, list[str]] = {}
        descriptions: dict[str, str] = {}
        for _key, binding in bindings:
            # Only reader's own bindings (they all have ids), not Textual's plumbing.
            if not binding.id or (binding.action in seen and binding.action not in rows):
                continue
            rows.setdefault(binding.action, []).append(app.get_key_display(binding))
            description = binding.tooltip or binding.description
            if binding.id.startswith("colour-"):
                # The settings may rename a colour ("important" for yellow).
                description = (
                    reader_app(app).colour_name(binding.id.removeprefix("colour-")).capitalize()
                )
            descriptions[binding.action] = description
        if rows:
            seen.update(rows)
            title = getattr(node, "HELP_TITLE", None) or type(node).__name__
            # A node may set some of its bindings apart (the keys of selection mode).
            apart: dict[str, str] = getattr(node, "HELP_SUBSECTIONS", {})
            ids: dict[str, list[str]] = {}
            for _key, b in bindings:
                if b.id and b.id not in ids.setdefault(b.action, []):
                    ids[b.action].append(b.id)
            for action, keys in rows.items():
                named = ", ".join(ids[action])
                group = next(
                    (name for prefix, name in apart.items() if named.startswith(prefix)),
                    title,
                )
                shown = ", ".join(sorted(dict.fromkeys(keys), key=_key_rank))
                entries.append(KeyEntry(group, node, action, shown, descriptions[action], named))
    return entries


def help_sections(
    app: App[Any], screen: Screen[Any]
) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Sections of (keys, description, binding id), as the help screen lists them."""
    sections: dict[str, list[tuple[str, str, str]]] = {}
    for entry in key_entries(app, screen):
        sections.setdefault(entry.section, []).append((entry.keys, entry.description, entry.ids))
    return list(sections.items())
