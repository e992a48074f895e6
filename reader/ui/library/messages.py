"""The library screen's messages to the app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from pathlib import Path


@dataclass
class RowChosen(Message):
    """Enter, or a click, on a row of the list."""

    row: int


@dataclass
class OpenArticle(Message):
    """The reader chose an article."""

    path: Path


@dataclass
class ReadAgain(Message):
    """Read the library's folder again: back from an article (progress and counts), a
    folder changed, or ctrl+r."""
