"""The hybrid logical clock that orders every change in the notes vault.

A clock time is text, ``"{wall_ms:013d}-{counter:04d}-{device}"``: the wall clock in
milliseconds, a counter for changes within one millisecond (or made while the wall clock is
behind), and the id of the device that made the change. Times compare as strings, and the
device id at the end breaks every tie, so no two devices ever make the same time.

A device's clock never goes back and never falls behind a time it has seen: every file read
is :meth:`Clock.observe`\\ d, and :meth:`Clock.tick` gives a time after both the wall clock and
everything observed. So a machine whose clock is slow (a laptop back from a trip, a VM
restored from a snapshot) still writes its edits after the ones it has read, and they are
not lost to an older-looking time; a machine whose clock is fast only pulls the others
forward, it never stops them.

Standard library only; no file is read here.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

WALL_DIGITS = 13
COUNTER_DIGITS = 4
COUNTER_MAX = 10**COUNTER_DIGITS - 1

CLOCK = re.compile(r"^(\d{13})-(\d{4})-([0-9a-z]{1,64})$")
"""A well-formed clock time; anything else in a file is not a time (the record is skipped)."""

ZERO = "0" * WALL_DIGITS + "-" + "0" * COUNTER_DIGITS + "-0"
"""A time before every other, for "never"."""


def is_clock(value: object) -> bool:
    """Whether ``value`` is a well-formed clock time."""
    return isinstance(value, str) and CLOCK.match(value) is not None


def make(wall_ms: int, counter: int, device: str) -> str:
    """The clock time of ``wall_ms`` and ``counter`` on ``device``."""
    return f"{wall_ms:0{WALL_DIGITS}d}-{counter:0{COUNTER_DIGITS}d}-{device}"


def parse(stamp: str) -> tuple[int, int, str]:
    """(wall_ms, counter, device) of a clock time; :class:`ValueError` if it is not one."""
    found = CLOCK.match(stamp)
    if found is None:
        raise ValueError(f"not a clock time: {stamp!r}")
    return int(found[1]), int(found[2]), found[3]


def device_of(stamp: str) -> str:
    """The device that made the change at ``stamp``."""
    return stamp[WALL_DIGITS + COUNTER_DIGITS + 2 :]


def wall_of(stamp: str) -> int:
    """The wall-clock milliseconds of ``stamp``."""
    return int(stamp[:WALL_DIGITS])


def iso(stamp: str) -> str:
    """``stamp``'s wall time as ISO 8601 UTC to the second (how reader shows times)."""
    moment = datetime.fromtimestamp(wall_of(stamp) / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(moment: str, device: str, counter: int = 0) -> str | None:
    """A clock time at the ISO 8601 time ``moment`` (a migrated record's ``modified``), or
    None when ``moment`` is not a time."""
    try:
        parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    wall = int(parsed.timestamp() * 1000)
    if not 0 <= wall < 10**WALL_DIGITS:
        return None
    return make(wall, min(counter, COUNTER_MAX), device)


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


class Clock:
    """One device's hybrid logical clock (thread-safe).

    ``wall`` gives the wall clock in milliseconds (the tests give a slow or fast one).
    """

    def __init__(self, device: str, wall: Callable[[], int] | None = None) -> None:
        if not re.fullmatch(r"[0-9a-z]{1,64}", device):
            raise ValueError(f"not a device id: {device!r}")
        self.device = device
        self._wall = wall or _wall_ms
        self._last = (0, 0)  # (wall_ms, counter) of the latest time made or seen
        self._lock = threading.Lock()

    def tick(self) -> str:
        """A new time: after the wall clock's now, after every time made or observed."""
        with self._lock:
            wall = max(0, min(self._wall(), 10**WALL_DIGITS - 1))
            last_wall, counter = self._last
            if wall > last_wall:
                self._last = (wall, 0)
            elif counter < COUNTER_MAX:
                self._last = (last_wall, counter + 1)
            else:
                # Ten thousand changes in one millisecond (or while the wall clock stood
                # behind): the clock steps a millisecond ahead rather than repeat a time.
                self._last = (last_wall + 1, 0)
            return make(*self._last, self.device)

    def observe(self, stamp: str) -> None:
        """Take in a time read from a file: every later :meth:`tick` comes after it. A
        string that is not a clock time is ignored."""
        found = CLOCK.match(stamp)
        if found is None:
            return
        seen = (int(found[1]), int(found[2]))
        with self._lock:
            if seen > self._last:
                self._last = seen

    @property
    def last(self) -> str:
        """The latest time made or observed (:data:`ZERO` before any)."""
        with self._lock:
            if self._last == (0, 0):
                return ZERO
            return make(*self._last, self.device)
