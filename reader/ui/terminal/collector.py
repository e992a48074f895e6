"""Garbage collection between keys, not in the middle of one: the app's side of
:mod:`reader.memory` (which holds the policy), with Textual's timers saying when input has
paused."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader import memory

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

IDLE = 0.05
"""Seconds without input after which the collector runs (a reader's pause is longer)."""


class Collector:
    """Runs the garbage collector when the app is idle after input."""

    def __init__(self, app: App[None]) -> None:
        self._app = app
        self._timer: Timer | None = None
        self._collections = memory.IdleCollections()

    def start(self) -> None:
        """Turn collection on (the command line turns it off while the first screen is
        built), with the young generation's threshold raised."""
        memory.start()

    def input(self) -> None:
        """A key, a click or a paste came in: collect once input has paused."""
        if self._timer is None:
            self._timer = self._app.set_interval(IDLE, self._due, name="collector")
        else:
            # Resumed if paused; a wait under way is begun again when it ends, so the
            # collection comes IDLE to twice IDLE after the last input.
            self._timer.reset()

    def _due(self) -> None:
        assert self._timer is not None
        self._timer.pause()
        # Behind whatever is already queued (a key that came as the timer fired): the
        # collection then waits for its frame.
        self._app.call_later(self._collections.collect)
