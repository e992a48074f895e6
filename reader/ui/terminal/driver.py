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

import contextlib
import queue
import threading
import time
from collections.abc import Iterator
from typing import IO, Any

from textual import constants, events
from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver
from textual.drivers._writer_thread import WriterThread
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

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


PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"


class PasteParser(XTermParser):
    """Textual's terminal input parser, with bracketed paste taken whole.

    Textual 8's parser reads an escape sequence inside a paste (coloured terminal output,
    say) as keys: the pasted text arrived out of order, its escape sequences as key
    presses and a BEL lost. Here everything between the paste brackets is one
    :class:`~textual.events.Paste`, exactly as sent; the note editor and fields then show
    its control characters as placeholders.
    """

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._pasted: list[str] | None = None  # inside a paste: what has come so far
        self._held = ""  # the start of a bracket split between two reads
        self._held_at = 0.0

    def tick(self) -> Iterator[Message]:
        """Let go of a held start of a bracket once no more of it has come in time."""
        waited = time.monotonic() - self._held_at >= constants.ESCAPE_DELAY
        if self._held and self._pasted is None and waited:
            held, self._held = self._held, ""
            if held == "\x1b":  # the escape key, pressed: it has waited its delay here
                yield events.Key("escape", "\x1b")
            else:
                yield from super().feed(held)
        yield from super().tick()

    def feed(self, data: str) -> Iterator[Message]:
        """Parse ``data`` (``""``: the input has ended)."""
        if not data:
            if self._pasted is not None:  # the input ended inside a paste: keep what came
                yield events.Paste("".join(self._pasted).replace("\x00", ""))
                self._pasted = None
            if self._held:
                yield from super().feed(self._held)
                self._held = ""
            yield from super().feed("")
            return
        data, self._held = self._held + data, ""
        while data:
            if self._pasted is None:
                start = data.find(PASTE_START)
                if start == -1:
                    data, self._held = _hold_back(data, PASTE_START)
                    self._held_at = time.monotonic()
                    if data:
                        yield from super().feed(data)
                    return
                if start:
                    yield from super().feed(data[:start])
                self._pasted, data = [], data[start + len(PASTE_START) :]
            else:
                end = data.find(PASTE_END)
                if end == -1:
                    data, self._held = _hold_back(data, PASTE_END)
                    self._held_at = time.monotonic()
                    self._pasted.append(data)
                    return
                self._pasted.append(data[:end])
                text = "".join(self._pasted).replace("\x00", "")  # as Textual does (#1661)
                self._pasted, data = None, data[end + len(PASTE_END) :]
                yield events.Paste(text)


def _hold_back(data: str, bracket: str) -> tuple[str, str]:
    """``data`` split before a tail that may be the start of ``bracket`` cut in two by the
    read (a lone escape too: :meth:`PasteParser.tick` lets it go as the escape key)."""
    for size in range(len(bracket) - 1, 0, -1):
        if data.endswith(bracket[:size]):
            return data[:-size], data[-size:]
    return data, ""


@contextlib.contextmanager
def _swapped(name: str, ours: type) -> Iterator[None]:
    """Textual's linux driver module's global ``name`` (a class it imported, which the
    module does not export) pointing at ``ours`` while the block runs (its canary is in
    tests/unit/test_textual_canaries.py)."""
    stock = getattr(linux_driver, name)
    setattr(linux_driver, name, ours)
    try:
        yield
    finally:
        setattr(linux_driver, name, stock)


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
        with _swapped("WriterThread", TerminalWriter):
            super().start_application_mode()  # type: ignore[no-untyped-call]  # Textual's, unannotated

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

    def run_input_thread(self) -> None:
        """Read the terminal's input, with a parser that takes a paste whole."""
        # The stock method makes its parser from the module's name for the class, once,
        # at its start (as start_application_mode makes its writer).
        with _swapped("XTermParser", PasteParser):
            super().run_input_thread()

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
