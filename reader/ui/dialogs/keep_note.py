"""The choice of one text for a note written apart on two devices ("also written on
DESKTOP"): each text with where and when it was written, and both joined as a last choice."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.text.display import visible
from reader.ui.dialogs.choices import NumberedChoices
from reader.ui.dialogs.note_editor import _EDITOR_CSS, _excerpt
from reader.ui.widgets.text import plain

Version = tuple[str, str, str]
"""A text of the note: the device's name, when it was written (ISO 8601), the text."""


def joined(versions: list[Version]) -> str:
    """Every text in one note, the one shown first, each other under a line saying where
    and when it was written (as two windows' texts are joined)."""
    *others, shown = versions
    parts = [shown[2]]
    for device, written, text in reversed(others):
        parts.append(f"**Also written on {device} ({_when(written)}):**\n\n{text}")
    return "\n\n".join(parts)


def _when(written: str) -> str:
    """``2026-12-04T09:00:22Z`` as ``2026-12-04 09:00 UTC``."""
    return f"{written[:10]} {written[11:16]} UTC" if len(written) >= 16 else written


class KeepOneText(NumberedChoices[str]):
    """Keep one text of a note written apart: 1-9 or j/k and enter keep it (the others
    are let go), the last choice keeps them all in one note; escape keeps things as they
    are."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "cancel", "Cancel", id="keep-cancel"),
        Binding("j", "down", "Down", show=False, id="keep-down"),
        Binding("k", "up", "Up", show=False, id="keep-up"),
    ]
    DEFAULT_CSS = (
        _EDITOR_CSS.format(name="KeepOneText")
        + """
    KeepOneText OptionList { height: auto; max-height: 20; border: none; }
    """
    )

    def __init__(self, quote: str, versions: list[Version]) -> None:
        super().__init__()
        self.quote = quote
        self.versions = versions
        # The texts, newest (the one shown) first, then all of them joined.
        self.choices = [v[2] for v in reversed(versions)] + [joined(versions)]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                plain("This note was written apart on two devices: keep which text?"),
                classes="editor-title",
            )
            if self.quote:
                yield Static(plain(f"“{_excerpt(self.quote)}”"), classes="editor-quote")
            options = []
            for number, (device, written, text) in enumerate(reversed(self.versions), 1):
                label = Text()
                label.append(f"{number} ", style="bold")
                label.append(f"{visible(device)}, {_when(written)}", style="bold")
                if number == 1:
                    label.append("  (shown now)", style="dim")
                label.append("\n  " + _excerpt(visible(text), 240))
                options.append(Option(label))
            both = Text()
            both.append(f"{len(self.versions) + 1} ", style="bold")
            both.append("All of them, one after the other, in one note", style="bold")
            options.append(Option(both))
            yield OptionList(*options, id="versions")
            yield Static(
                plain("enter or 1-9 keep that text (the others are let go) · escape decide later"),
                classes="editor-hint",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        options.highlighted = 0

    def chosen(self, index: int) -> str:
        """The text the ``index``-th choice keeps."""
        return self.choices[index]
