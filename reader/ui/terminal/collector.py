"""Garbage collection between keys, not in the middle of one.

Python's collector runs when enough objects have been made since it last ran, which in a
Textual app is while a key's frame is being made (a page of a book makes thousands of
strips and segments). Most of those collections are short; the few that reach the older
generations are not, and they set a key's 95th percentile: on the 5.5 MB book `space` took
10.7 ms at the median and 18.9 at p95, and 9.6 / 10.2 with the collector off (measured with
``benchmarks/bench.py``). So the app collects once input stops for a moment (the young
generations, and all of them when the oldest's count has come to its threshold), and the
young generation's threshold is raised, so that a key seldom meets a collection.
Collection still runs by itself in a long burst of keys (a key held down): memory stays
bounded.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

IDLE = 0.05
"""Seconds without input after which the collector runs (a reader's pause is longer)."""

YOUNG = 50_000
"""Objects made before the youngest generation is collected by itself (Python's: 700)."""


FULL_SHARE = 20
"""A full collection runs at most once in this many times its own length: with 50,000
notes in memory one takes 50-75 ms (measured), reading a book 2-6 ms."""


class Collector:
    """Runs the garbage collector when the app is idle after input."""

    def __init__(self, app: App) -> None:
        self._app = app
        self._timer: Timer | None = None
        self._last_full = 0.0  # when the last full collection ended (monotonic seconds)
        self._full_cost = 0.0  # how long it took

    def start(self) -> None:
        """Turn collection on (the command line turns it off while the first screen is
        built), with the young generation's threshold raised."""
        _, middle, old = gc.get_threshold()
        gc.set_threshold(YOUNG, middle, old)
        gc.enable()

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
        self._app.call_later(self._collect)

    def _collect(self) -> None:
        if not gc.isenabled():  # something turned it off for a reason of its own
            return
        old_due = gc.get_count()[2] >= gc.get_threshold()[2]
        if old_due and time.monotonic() - self._last_full >= FULL_SHARE * self._full_cost:
            # The oldest generation's count has reached its threshold, where Python would
            # consider collecting it at its next collection (in the middle of a key): done
            # now instead. Without this, what outlives a key and is then dropped (a frame's
            # strips) would stay in the oldest generation: the collections between keys
            # leave Python's own next to never a reason to run, and memory grew (the
            # sample: 47 to 120 MB).
            started = time.perf_counter()
            gc.collect()
            self._full_cost = time.perf_counter() - started
            self._last_full = time.monotonic()
        else:
            gc.collect(1)  # the young generations: about a millisecond


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No collection while the block runs (for one that makes many objects, all kept), and
    collection as it was after it."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
