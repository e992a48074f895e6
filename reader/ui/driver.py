"""Textual's Linux driver, made safe for a terminal that disappears.

Two faults of Textual 8's ``LinuxDriver`` kept ``reader`` alive for hours after its terminal
closed, deaf to SIGTERM (seen with ``tmux kill-server`` while a book was loading):

- The kernel sends SIGCONT along with SIGHUP when a terminal hangs up. The driver answers
  every SIGCONT by starting application mode again, from a signal handler, in the middle of
  whatever the app was doing: a second writer thread replaces the first.
- Writes go through a queue of 30 to a writer thread. When that thread dies (the write to a
  closed terminal fails with EIO), or has been replaced, nothing drains the queue, and the
  31st write blocks the main thread for ever, in a C-level wait where no Python signal
  handler runs.

:class:`ReaderDriver` resumes application mode only after it was itself suspended, and its
:class:`TerminalWriter` never blocks the app on a terminal that is gone: a write waits in
short steps while the terminal is there, and is dropped once it is known to be gone.
"""

from __future__ import annotations

import queue
import threading
from typing import IO, Any

from textual.drivers import linux_driver
from textual.drivers._writer_thread import WriterThread
from textual.drivers.linux_driver import LinuxDriver

STEP = 0.2
"""Seconds a write waits for room before looking again whether the terminal is gone."""


class TerminalWriter(WriterThread):
    """Textual's writer thread, which stops writing (and blocking) once the terminal is gone."""

    def __init__(self, file: IO[str]) -> None:
        super().__init__(file)
        self.gone = threading.Event()

    def write(self, text: str) -> None:
        """Queue ``text`` for the terminal; dropped once the terminal is gone."""
        while not self.gone.is_set():
            try:
                self._queue.put(text, timeout=STEP)
                return
            except queue.Full:
                if not self.is_alive():  # nothing will ever drain the queue
                    self.gone.set()

    def run(self) -> None:
        """Write what is queued; once a write fails, drain the queue until told to stop."""
        try:
            super().run()
            return
        except (OSError, ValueError):  # EIO: the terminal hung up; ValueError: closed file
            self.gone.set()
        while self._queue.get() is not None:
            pass

    def stop(self) -> None:
        """Stop the thread, waiting for it a moment at most when the terminal is gone."""
        while True:
            try:
                self._queue.put(None, timeout=STEP)
                break
            except queue.Full:
                if self.gone.is_set() or not self.is_alive():
                    break
        self.join(timeout=None if not self.gone.is_set() else STEP)


class ReaderDriver(LinuxDriver):
    """The Linux driver, resumed only after its own suspension, with a safe writer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._suspended = False
        super().__init__(*args, **kwargs)

    def terminal_gone(self) -> None:
        """The terminal hung up: write nothing more to it."""
        writer = self._writer_thread
        if isinstance(writer, TerminalWriter):
            writer.gone.set()

    def start_application_mode(self) -> None:
        """Start application mode, writing through a :class:`TerminalWriter`."""
        # The driver makes its writer thread from the module's name for the class: point
        # that name at ours while it does (nothing else runs meanwhile).
        stock = linux_driver.WriterThread
        linux_driver.WriterThread = TerminalWriter  # type: ignore[misc]
        try:
            super().start_application_mode()
        finally:
            linux_driver.WriterThread = stock  # type: ignore[misc]

    def _sigtstp_application(self, *args: Any) -> None:
        self._suspended = True
        super()._sigtstp_application(*args)

    def _sigcont_application(self, *args: Any) -> None:
        # A SIGCONT that did not follow our own suspension (the kernel sends one with
        # SIGHUP when the terminal hangs up; `kill -CONT` sends one any time) must not
        # start application mode again in the middle of the app's work.
        if not self._suspended:
            return
        self._suspended = False
        super()._sigcont_application(*args)

    def _run_input_thread(self) -> None:
        try:
            self.run_input_thread()
        except OSError:
            # EIO: the terminal is gone. Not a crash to report (Textual would panic and
            # print a traceback to a terminal that is not there): the app is told instead.
            self.terminal_gone()
            lost = getattr(self._app, "terminal_lost", None)
            if lost is not None:
                self._app.call_later(lost)
