"""Ctrl+C in ``reader add``: it ends at once, whatever the pages being fetched are doing,
and every article is written whole or not at all, with no temporary file left."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reader.cli.add import Options, run


class NeverAnswers:
    """A loopback server that takes every connection and never says a word."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        self.connected = threading.Semaphore(0)
        threading.Thread(target=self._hold, daemon=True).start()

    def _hold(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(connection)
            self.connected.release()

    def close(self) -> None:
        self.listener.close()
        for connection in self.held:
            connection.close()


def test_ctrl_c_among_pages_that_never_answer_ends_the_command_at_once(tmp_path: Path) -> None:
    server = NeverAnswers()
    listing = tmp_path / "list.txt"
    listing.write_text("".join(f"http://127.0.0.1:{server.port}/page{n}\n" for n in range(6)))
    library = tmp_path / "library"
    env = {**os.environ, "READER_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "reader", "add", "--to", str(library), "--from", str(listing)]
    # Pages that would be waited for ten minutes: only the interrupt can end this soon.
    adding = subprocess.Popen(
        [*command, "--timeout", "600"], stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        for _ in range(2):  # two pages of the site at a time: both are being fetched
            assert server.connected.acquire(timeout=60)
        adding.send_signal(signal.SIGINT)
        _, err = adding.communicate(timeout=30)  # it took as long as the pages' timeout
    finally:
        adding.kill()
        server.close()
    assert adding.returncode == 130
    assert err.splitlines() == [
        "Interrupted: 0 of 6 done; nothing is half-written.",
        "Added 0, already there 0, failed 0, not tried 6.",
    ]
    assert not library.exists() or list(library.iterdir()) == []


def test_ctrl_c_while_an_article_is_written_waits_for_it_to_be_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interrupt comes while the article's temporary file is written: the command ends
    once the article is in place, whole, and its temporary file gone."""
    from reader import atomic

    page = tmp_path / "story.html"
    paragraphs = "".join(f"<p>Paragraph {n} of a story told at some length.</p>" for n in range(9))
    page.write_text(f"<html><head><title>Story</title></head><body>{paragraphs}</body></html>")
    library = tmp_path / "library"
    looked = threading.Event()  # the test has looked at the library
    real_write = atomic.write_beside

    def interrupted_while_writing(path: Path, payload: bytes, **kwargs: object) -> Path:
        temp = real_write(path, payload, **kwargs)  # type: ignore[arg-type]  # the temporary file
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)  # type: ignore[arg-type]
        # An add that does not wait for this write lets the test look now, mid-write; one
        # that waits has the test look once this write is over.
        looked.wait(timeout=2)
        return temp

    monkeypatch.setattr(atomic, "write_beside", interrupted_while_writing)
    out: list[str] = []
    err: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        run(Options([str(page)], library), out.append, err.append)
    files = sorted(path.name for path in library.iterdir())
    looked.set()
    assert files == ["Story.md"]  # no temporary file beside it
    text = (library / "Story.md").read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "Story"\n') and "Paragraph 8 of a story" in text
    assert out == [str(library / "Story.md")]
    assert err[0] == "Interrupted: 1 of 1 done; nothing is half-written."
