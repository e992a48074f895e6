"""Messages to the app from more than one screen."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class AddSource(Message):
    """Add a web page, HTML file or EPUB to the library (``+`` in the library, ``a`` on a
    link to a web page), and open it once added when ``open_after``."""

    source: str
    open_after: bool = False
