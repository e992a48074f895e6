"""Leave within seconds when asked to, or when the terminal goes away: save, then exit.

No Textual here. A :class:`Lifeline` is the last resort behind the app's own orderly exit:
once armed (by SIGTERM, SIGHUP, SIGINT, a terminal that hung up, or the app returning), it
gives the process :data:`GRACE` seconds to end by itself; if it has not, it saves what it
can (with a time limit of its own) and ends the process with ``os._exit``. It runs in a
thread of its own, so it acts even when the main thread is stuck in a C-level wait, where
no Python signal handler runs. It also watches the terminal: a hang-up (the terminal
emulator or multiplexer closed) is reported even when no SIGHUP arrives.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
from collections.abc import Callable

GRACE = 2.0
"""Seconds the process has to end by itself once asked to."""
SAVE_LIMIT = 0.6
"""Seconds the last-resort save may take before the process ends all the same."""


class Lifeline:
    """A watchdog that ends the process :data:`GRACE` seconds after it is armed."""

    def __init__(self, save: Callable[[], None] | None = None) -> None:
        self._save = save
        self._armed = threading.Event()
        self._code = 0
        self.terminal_lost = threading.Event()

    @property
    def armed(self) -> bool:
        """Whether the countdown has started."""
        return self._armed.is_set()

    def arm(self, code: int, grace: float = GRACE) -> None:
        """Start the countdown (the first call only): exit with ``code`` unless the process
        has ended by itself within ``grace`` seconds."""
        if self._armed.is_set():
            return
        self._armed.set()
        self._code = code
        threading.Thread(
            target=self._countdown, args=(grace,), name="reader-lifeline", daemon=True
        ).start()

    def _countdown(self, grace: float) -> None:
        threading.Event().wait(grace)
        if self._save is not None:
            # Bounded: a save stuck behind the main thread must not keep the process alive.
            saver = threading.Thread(target=self._save_quietly, name="reader-save", daemon=True)
            saver.start()
            saver.join(SAVE_LIMIT)
        os._exit(self._code)

    def _save_quietly(self) -> None:
        with contextlib.suppress(Exception):
            assert self._save is not None
            self._save()

    def watch_terminal(self, fd: int, on_lost: Callable[[], None]) -> None:
        """Call ``on_lost`` (from another thread) once the terminal on ``fd`` hangs up."""
        if not os.isatty(fd) or not hasattr(select, "poll"):
            return

        def watch() -> None:
            poller = select.poll()
            poller.register(fd, 0)  # no events asked for: hang-ups and errors only
            while True:
                try:
                    events = poller.poll(1000)
                except OSError:
                    return
                if any(
                    mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, mask in events
                ):
                    self.terminal_lost.set()
                    on_lost()
                    return

        threading.Thread(target=watch, name="reader-terminal-watch", daemon=True).start()
