"""What the library's list and the notes list share: a Line-API list with a row cursor."""

from __future__ import annotations

from textual.scroll_view import ScrollView


class CursorList(ScrollView, can_focus=True):
    """A list drawn with the Line API (only the rows on screen are drawn), with a cursor
    that j/k, g/G and pages move; subclasses say how many rows there are, how far a page
    goes, and how the cursor is shown and kept in view (:meth:`move_cursor`)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._cursor = 0

    @property
    def row_count(self) -> int:
        """How many rows the list has."""
        raise NotImplementedError

    @property
    def page(self) -> int:
        """How many rows a page down moves by."""
        raise NotImplementedError

    def move_cursor(self, row: int) -> None:
        """Put the cursor on ``row`` (kept in range) and scroll it into view."""
        raise NotImplementedError

    def move_by(self, rows: int) -> None:
        """Move the cursor ``rows`` down (up, when negative)."""
        self.move_cursor(self._cursor + rows)

    def action_cursor_down(self) -> None:
        """The next row."""
        self.move_by(1)

    def action_cursor_up(self) -> None:
        """The previous row."""
        self.move_by(-1)

    def action_first(self) -> None:
        """The first row."""
        self.move_cursor(0)

    def action_last(self) -> None:
        """The last row."""
        self.move_cursor(self.row_count - 1)

    def action_page_down(self) -> None:
        """A screenful down."""
        self.move_by(self.page)

    def action_page_up(self) -> None:
        """A screenful up."""
        self.move_by(-self.page)

    def on_focus(self) -> None:
        self.refresh()  # the cursor's colour shows where the keys go

    def on_blur(self) -> None:
        self.refresh()
