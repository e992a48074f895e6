"""The messages of reader's own widgets."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class SearchCancelled(Message):
    """The search field was dismissed without searching."""
