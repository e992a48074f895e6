"""A dialog that lists choices: 1-9 choose one at once, j/k and enter too, escape closes
without choosing. The links of a paragraph and the texts of a note written apart are such
lists."""

from __future__ import annotations

from typing import TypeVar

from textual import on
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import OptionList

Chosen = TypeVar("Chosen")


class NumberedChoices(ModalScreen[Chosen | None]):
    """A list of choices in an :class:`OptionList`; a subclass says what choosing the
    ``index``-th gives (:meth:`chosen`) and which can be chosen (:meth:`can_choose`)."""

    def chosen(self, index: int) -> Chosen:
        """What choosing the ``index``-th choice gives."""
        raise NotImplementedError

    def can_choose(self, index: int) -> bool:
        """Whether the ``index``-th choice can be chosen (all, unless said otherwise)."""
        return True

    @property
    def count(self) -> int:
        """How many choices there are."""
        return self.query_one(OptionList).option_count

    def on_key(self, event: Key) -> None:
        if event.character and event.character in "123456789":
            index = int(event.character) - 1
            if index < self.count and self.can_choose(index):
                event.stop()
                self.dismiss(self.chosen(index))

    def action_down(self) -> None:
        """The next choice."""
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        """The previous choice."""
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.chosen(event.option_index))
