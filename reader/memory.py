"""Garbage collection: one policy for the whole of reader, and the only module that tunes it.

Python's collector runs when enough objects have been made since it last ran, which in a
Textual app is while a key's frame is being made (a page of a book makes thousands of
strips and segments). Most of those collections are short; the few that reach the older
generations are not, and they set a key's 95th percentile: on the 5.5 MB book `space` took
10.7 ms at the median and 18.9 at p95, and 9.6 / 10.2 with the collector off (measured with
``benchmarks/bench.py``). So:

- :func:`building`: the command line builds the first screen with collection off (it would
  free nothing: all of it is kept, and it cost 20 ms of the first paint, measured), and
  :func:`imported` freezes the modules just imported, which live as long as the process;
- :func:`start` turns collection on once that screen is painted, with the young
  generation's threshold raised, so that a key seldom meets a collection; and
  :class:`IdleCollections` collects once input stops for a moment (the app's
  ``reader.ui.terminal.collector`` says when). Collection still runs by itself in a long
  burst of keys (a key held down): memory stays bounded;
- :func:`settle_loaded`: an article loaded whole is exempt from collection (a book is
  hundreds of thousands of long-lived objects, which every full collection would walk);
- :func:`paused`: work that makes many objects and keeps them all (every note of the
  library, indexed) runs with collection off;
- :func:`shared_with_forks`: workers forked to render notes share the parent's objects.

This module is at reader's bottom, with the standard library only: the command line, the
app and the notes command all use it, and none of it needs Textual.

The Python versions reader supports (``requires-python``) each collect their own way:
3.11 and 3.12 have three generations and a young threshold of 700; 3.13 raised that
threshold to 2,000; 3.14.0's collector is incremental: two generations, ``collect(1)`` means
"the young generation and an increment of the old one", and the oldest generation's
threshold reads 0 (there is none). CPython then decided to bring the generational collector
back in a later 3.14 release, so :func:`policy` goes by what the interpreter reports, not by
its version alone.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

YOUNG = 50_000
"""Objects made before the youngest generation is collected by itself (Python's: 700, and
2,000 from 3.13)."""

FULL_SHARE = 20
"""A full collection between keys runs at most once in this many times its own length: with
50,000 notes in memory one takes 50-75 ms (measured), reading a book 2-6 ms."""


@dataclass(frozen=True, slots=True)
class Policy:
    """What reader does with the collector on one Python."""

    young: int
    """The young generation's threshold, raised (never below Python's own)."""
    incremental: bool
    """The collector is incremental (3.14.0): between keys ``collect(1)`` does the young
    generation and a slice of the old one; there is no oldest generation's count to watch."""


def policy(
    version: tuple[int, int] | None = None, thresholds: tuple[int, int, int] | None = None
) -> Policy:
    """The policy for a Python of ``version`` whose collector's thresholds are, untouched,
    ``thresholds`` (this interpreter's by default)."""
    version = version if version is not None else (sys.version_info[0], sys.version_info[1])
    young, _, old = thresholds if thresholds is not None else _DEFAULT_THRESHOLDS
    # The incremental collector reports no third threshold; a generational one always has
    # one (10), unless a program set it to 0 to never collect the oldest generation.
    incremental = version >= (3, 14) and old == 0
    return Policy(young=max(YOUNG, young), incremental=incremental)


_DEFAULT_THRESHOLDS = gc.get_threshold()  # as Python set them: reader changes them only later
_lock = threading.Lock()
_pauses = 0  # pauses under way, in any thread
_wanted = gc.isenabled()  # collection on, but for the pauses under way


def _apply() -> None:
    """Collection on or off as wanted (the caller holds the lock)."""
    if _wanted and _pauses == 0:
        gc.enable()
    else:
        gc.disable()


def _want(on: bool) -> None:
    global _wanted
    with _lock:
        _wanted = on
        _apply()


@contextlib.contextmanager
def building() -> Iterator[None]:
    """The first screen built (and the app run) with collection off until :func:`start`,
    called once that screen is painted; on however the block ends."""
    _want(False)
    try:
        yield
    finally:
        _want(True)


def imported() -> None:
    """The modules just imported live as long as the process: the collector walks them
    no more."""
    gc.freeze()


def start() -> None:
    """Collection on (unless a pause is under way: then once it ends), with the young
    generation's threshold raised."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(policy().young, middle, old)
    _want(True)


def settle_loaded(first: bool) -> None:
    """An article has loaded whole: exempt it from collection.

    A book is hundreds of thousands of long-lived objects; without this every full
    collection walks them all, a 40-60 ms pause every couple of seconds (measured). For
    every article but the process's first, one full collection first: frozen garbage (a
    screen and article left behind) is never freed. (For the first, it would only delay
    the first paint.)
    """
    if not first:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No collection while the block runs (for one that makes many objects, all kept).

    Collection is the process's, not a thread's: a pause in a worker thread stops it for
    the event loop too, and collecting between keys waits meanwhile. Pauses may overlap
    (two threads), and :func:`start` may come during one: collection is on again once the
    last pause ends if it is wanted then.
    """
    global _pauses
    with _lock:
        _pauses += 1
        _apply()
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            _apply()


@contextlib.contextmanager
def shared_with_forks() -> Iterator[None]:
    """Workers forked within share the parent's objects instead of copying them (the
    collector, touching each object's header, would copy every page); as before once
    they are done."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class IdleCollections:
    """Collections made while input has paused, in place of Python's own in a key."""

    def __init__(self) -> None:
        self._last_full = 0.0  # when the last full collection ended (monotonic seconds)
        self._full_cost = 0.0  # how long it took
        self._policy = policy()

    def collect(self) -> None:
        """Collect the young generations, and all of them when the oldest is due."""
        if not gc.isenabled():  # paused (above), or off for a reason of its own
            return
        if self._policy.incremental:
            gc.collect(1)  # the young generation and a slice of the old one
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
