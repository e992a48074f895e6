"""The reading screen's messages: up from its widgets to the screen, from its worker
threads back to it, and from the screen up to the app (which turns them into store calls
and screen changes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from textual.message import Message

if TYPE_CHECKING:
    from pathlib import Path

    from textual.screen import Screen

    from reader.model import Article, ReadingPosition
    from reader.services.library import Library
    from reader.text.anchoring import Placement
    from reader.text.links import Place

Ends = dict[tuple[str, str], tuple[int, int] | None]
"""Where each end of a link is in an article's text: (link id, side) -> (start, end)."""

# --- from the article view ----------------------------------------------------------------


@dataclass
class SelectionChanged(Message):
    """A selection started, changed or ended (``span`` is None when it ended)."""

    span: tuple[int, int] | None


@dataclass
class SelectionDone(Message):
    """The reader confirmed a selection (enter or h) to highlight it."""

    start: int
    end: int


@dataclass
class HighlightStep(Message):
    """The reader asked for the next (+1) or previous (-1) highlight."""

    direction: int


# --- from the notes pane ------------------------------------------------------------------


@dataclass
class PaneRequest(Message):
    """The reader asked to do something with the pane's highlighted entry."""

    what: Literal["annotate", "delete", "confirm", "keep", "filter"]
    highlight_id: str


@dataclass
class PaneMoved(Message):
    """The pane's cursor moved to an entry (``highlight_id`` None: the list is empty)."""

    highlight_id: str | None


@dataclass
class PaneChosen(Message):
    """Enter or a click on an entry of the pane's list."""

    highlight_id: str


@dataclass
class JumpToHighlight(Message):
    """Move the article to a highlight (chosen in the pane)."""

    highlight_id: str


# --- from the screen's worker threads -----------------------------------------------------


@dataclass
class PlacesFound(Message):
    """Highlights made on an earlier text were looked for (``last``: the last batch)."""

    found: dict[str, Placement | None]
    last: bool


@dataclass
class LibraryRead(Message):
    """The library's articles were read (their titles are what links name)."""

    library: Library


@dataclass
class LinksPlaced(Message):
    """The ends of cross-links made on an earlier text were looked for."""

    found: Ends


# --- up to the app ------------------------------------------------------------------------


@dataclass
class PositionChanged(Message):
    """The reader has settled on a new position (debounced; the app saves it)."""

    article: Article
    position: ReadingPosition


@dataclass
class GoTo(Message):
    """Go to a place in an article (this one or another), remembering where from."""

    path: Path
    place: Place | None = None


@dataclass
class GoBack(Message):
    """Back to where the last jump started."""


@dataclass
class GoForward(Message):
    """Forward again, after going back."""


@dataclass
class Reload(Message):
    """Read the article of ``screen`` again from its file, at the same paragraph."""

    screen: Screen[None]  # a ReadingHost (this module is below it)


@dataclass
class LookForMove(Message):
    """An article opened on its own, with nothing of the reader's: was it moved outside
    reader? (The app looks, off the event loop.)"""

    screen: Screen[None]  # a ReadingHost (this module is below it)
