"""Text fields that never echo a control character to the terminal.

Textual's Input and TextArea draw their text as it is. Text typed at a keyboard has no
control characters, but pasted text (a terminal's coloured output) and text loaded from the
store (notes and tags imported from another tool) can: an ESC or OSC 52 sequence drawn raw
would drive the terminal. This field, and the note editor's text area, replace each control
character by its one-character placeholder on the way in, so what is shown, and then saved,
is plain text.
"""

from __future__ import annotations

from textual.widgets import Input

from reader.text.display import visible


class SafeInput(Input):
    """A one-line field whose value never holds a control character."""

    def validate_value(self, value: str) -> str:
        return visible(value)
