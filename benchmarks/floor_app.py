"""The floor for ``benchmarks/bench.py``: the smallest Textual app there is.

A bare :class:`textual.app.App` that shows one ``Static("reader floor")`` and nothing else, so
its start-up time and memory are what any Textual app pays before doing any work of its own.
Run it with ``python benchmarks/floor_app.py``; ctrl+q quits.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static


class FloorApp(App[None]):
    """One static line of text."""

    def compose(self) -> ComposeResult:
        yield Static("reader floor")


if __name__ == "__main__":
    FloorApp().run()
