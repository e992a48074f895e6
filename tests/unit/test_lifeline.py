"""Leaving promptly: the writer that never blocks on a lost terminal, the driver that does
not restart itself on a stray SIGCONT, and the watchdog that ends a stuck process."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from reader.ui.terminal.driver import ReaderDriver, TerminalWriter


class DeadTerminal:
    """A terminal that has hung up: every write fails as a closed pty's does (EIO)."""

    def write(self, text: str) -> int:
        raise OSError(5, "Input/output error")

    def flush(self) -> None:
        raise OSError(5, "Input/output error")


class StuckTerminal:
    """A terminal nobody reads: a write never returns (until released)."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def write(self, text: str) -> int:
        self.release.wait()
        return len(text)

    def flush(self) -> None:
        pass


def timed(action) -> float:
    start = time.monotonic()
    action()
    return time.monotonic() - start


def test_writes_to_a_terminal_that_hung_up_never_block() -> None:
    writer = TerminalWriter(DeadTerminal())  # type: ignore[arg-type]
    writer.start()
    # The stock writer thread died at the first write and its queue of 30 filled: the
    # 31st write blocked the app for ever.
    elapsed = timed(lambda: [writer.write(f"frame {n}") for n in range(200)])
    assert elapsed < 2.0
    assert writer.gone.is_set()
    assert timed(writer.stop) < 1.0


def test_writes_to_a_terminal_nobody_reads_stop_blocking_once_it_is_known_gone() -> None:
    terminal = StuckTerminal()
    writer = TerminalWriter(terminal)  # type: ignore[arg-type]
    writer.start()
    blocked = threading.Thread(target=lambda: [writer.write("x") for _ in range(100)])
    blocked.start()
    blocked.join(0.5)
    assert blocked.is_alive()  # a slow terminal is waited for, not given up on
    writer.gone.set()  # the terminal watcher saw the hang-up
    blocked.join(2.0)
    assert not blocked.is_alive()
    assert timed(writer.stop) < 1.0
    terminal.release.set()


async def test_a_sigcont_the_app_did_not_ask_for_does_not_restart_application_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import signal

    saved = {n: signal.getsignal(n) for n in (signal.SIGTSTP, signal.SIGCONT)}
    resumed: list[bool] = []
    try:
        driver = ReaderDriver(app=object())  # type: ignore[arg-type]
        monkeypatch.setattr(driver, "resume_application_mode", lambda: resumed.append(True))
        monkeypatch.setattr(driver, "suspend_application_mode", lambda: None)
        driver._auto_restart = True
        driver._sigcont_application()  # as the kernel sends with SIGHUP on a hang-up
        assert resumed == []
        monkeypatch.setattr("os.kill", lambda pid, number: None)  # no real SIGSTOP
        driver._sigtstp_application()  # the app suspended itself (ctrl+z) ...
        driver._sigcont_application()  # ... and `fg` brings it back
        assert resumed == [True]
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def test_the_driver_writes_through_the_safe_writer() -> None:
    # The stock driver makes its writer from a module-level name; if a Textual upgrade
    # changes that, this fails rather than the app hanging on a lost terminal again.
    from textual.drivers import linux_driver

    assert hasattr(linux_driver, "WriterThread")
    source = Path(linux_driver.__file__).read_text(encoding="utf-8")
    assert "self._writer_thread = WriterThread(self._file)" in source


def test_the_lifeline_saves_and_ends_a_process_stuck_in_a_c_level_wait(tmp_path: Path) -> None:
    marker = tmp_path / "saved"
    code = textwrap.dedent(
        f"""
        import threading
        from pathlib import Path
        from reader.cli.lifeline import Lifeline

        lifeline = Lifeline(save=lambda: Path({str(marker)!r}).write_text("saved"))
        lifeline.arm(143, grace=0.3)
        lock = threading.Lock()
        lock.acquire()
        lock.acquire()  # waits for ever, in C, as the app did on a full output queue
        """
    )
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-c", code], timeout=30)
    assert result.returncode == 143
    assert time.monotonic() - start < 10
    assert marker.read_text() == "saved"


def test_a_last_resort_save_that_blocks_for_ever_does_not_keep_the_process_alive(
    tmp_path: Path,
) -> None:
    """The save is given SAVE_LIMIT seconds; one stuck for ever (behind a lock the main
    thread holds, on a hung network folder) must not hold the exit back."""
    started = tmp_path / "started"
    code = textwrap.dedent(
        f"""
        import threading
        from pathlib import Path
        from reader.cli.lifeline import Lifeline

        def save():
            Path({str(started)!r}).write_text("started")
            threading.Event().wait()  # never returns

        lifeline = Lifeline(save=save)
        lifeline.arm(143, grace=0.3)
        threading.Event().wait()  # the main thread is stuck too
        """
    )
    try:
        result = subprocess.run([sys.executable, "-c", code], timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("the process was still running 30 s after its lifeline was armed")
    assert result.returncode == 143
    assert started.read_text() == "started"  # the save was tried, and given up on


def test_a_lifeline_never_armed_lets_the_process_end_as_it_would() -> None:
    code = "from reader.cli.lifeline import Lifeline; Lifeline(save=lambda: 1/0); print('done')"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0 and result.stdout == "done\n"


PASTED = "before \x1b[31mRED\x1b[0m bell\x07 after\r\rsecond line"
SENT = "a\x1b[200~" + PASTED + "\x1b[201~z"


def parsed(chunks: list[str]) -> list[tuple[str, str]]:
    from textual import events

    from reader.ui.terminal.driver import PasteParser

    parser = PasteParser()
    found = []
    for chunk in [*chunks, ""]:
        for event in parser.feed(chunk):
            if isinstance(event, events.Paste):
                found.append(("paste", event.text))
            elif isinstance(event, events.Key):
                found.append(("key", event.key))
    return found


def test_a_paste_with_escape_sequences_arrives_whole_and_in_order() -> None:
    # Textual's own parser read "[31mRED..." as key presses, out of order, and lost the BEL.
    assert parsed([SENT]) == [("key", "a"), ("paste", PASTED), ("key", "z")]


def test_a_paste_split_anywhere_between_two_reads_arrives_whole() -> None:
    for cut in range(1, len(SENT)):
        assert parsed([SENT[:cut], SENT[cut:]]) == [
            ("key", "a"),
            ("paste", PASTED),
            ("key", "z"),
        ], cut


def test_the_escape_key_alone_still_arrives_after_its_delay() -> None:
    import time as clock

    from textual import constants, events

    from reader.ui.terminal.driver import PasteParser

    parser = PasteParser()
    assert list(parser.feed("\x1b")) == []  # it may be the start of a paste's bracket
    clock.sleep(constants.ESCAPE_DELAY + 0.02)
    keys = [e.key for e in parser.tick() if isinstance(e, events.Key)]
    assert keys == ["escape"]
