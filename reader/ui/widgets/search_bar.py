"""The search field of the reading screen (mounted on the first ``/``)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from reader.ui.widgets.fields import SafeInput
from reader.ui.widgets.messages import SearchCancelled


class SearchBar(SafeInput):
    """The search field: shown by ``/``, hidden again on enter or escape."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]

    DEFAULT_CSS = """
    SearchBar { dock: bottom; display: none; margin-bottom: 1; border: tall $accent; }
    SearchBar.-active { display: block; }
    """

    def action_cancel(self) -> None:
        """Hide without searching."""
        self.post_message(SearchCancelled())
