"""Crash safety: a writer killed at any moment, and two writers at once, lose no highlight.

A highlight counts as acknowledged once ``save_highlight`` has returned: that is when the
app shows it. Every acknowledged highlight must be in the database that the next start
reads, and the file must always parse.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from pathlib import Path

import pytest

from reader.model import Anchor, Colour, Highlight
from reader.paths import resolve
from tests.stores import notes_store

ARTICLE = "c0ffee00c0ffee00"  # an article key (outside every library: the data vault)


def highlight(name: str, number: int) -> Highlight:
    return Highlight(
        id=f"{name}-{number}",
        article_id=ARTICLE,
        anchor=Anchor(number, number + 10, f"quote {number} " * 5, "before", "after", 0, "fp"),
        colour=Colour.YELLOW,
        note=f"note {number} " * 20,
        created="2026-01-01T00:00:00Z",
        modified="2026-01-01T00:00:00Z",
    )


def fork_writer(path: Path, name: str, count: int, ack: int | None) -> int:
    """Fork a child that saves ``count`` highlights, writing each id to ``ack`` once saved."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            store = notes_store()
            for number in range(count):
                store.save_highlight(highlight(name, number))
                if ack is not None:
                    os.write(ack, f"{name}-{number}\n".encode())
        except BaseException:
            code = 1
        os._exit(code)
    return pid


def notes_files() -> list[Path]:
    """This device's notes files in the data folder's vault."""
    return [p for p in (resolve().data_dir / "vault").rglob("*.json") if p.is_file()]


def first_line(fd: int) -> bytes:
    """The bytes of ``fd`` up to and with its first line end (fewer if it closes first)."""
    read = b""
    while not read.endswith(b"\n") and (byte := os.read(fd, 1)):
        read += byte
    return read


def read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks).decode()


@pytest.mark.slow
def test_sigkill_at_random_moments_never_loses_an_acknowledged_highlight(tmp_path: Path) -> None:
    path = tmp_path / "reader.json"
    notes_store().save_highlight(highlight("seed", 0))
    acknowledged = {"seed-0"}
    chance = random.Random(20261125)
    for round_number in range(200):
        read_end, write_end = os.pipe()
        pid = fork_writer(path, f"r{round_number}", 1000, write_end)
        os.close(write_end)
        # Every other round waits for the first save before the random moment: on a busy
        # machine a child may not have reached the store within 30 ms, and the kills must
        # land in the middle of saves, not only before them.
        first = first_line(read_end) if round_number % 2 else b""
        time.sleep(chance.uniform(0, 0.03))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        lines = (first.decode() + read_all(read_end)).split("\n")
        os.close(read_end)
        acknowledged.update(line for line in lines[:-1] if line)  # the last may be partial
        for written in notes_files():  # never half-written
            json.loads(written.read_text(encoding="utf-8"))
        stored = {h.id for h in notes_store().highlights(ARTICLE)}
        missing = acknowledged - stored
        assert not missing, f"round {round_number}: lost {sorted(missing)[:5]}"
    assert len(acknowledged) > 50  # the kills did land in the middle of real work
    notes_store()  # a new start sweeps the temporary files of killed writers
    vault = resolve().data_dir / "vault"
    assert [p.name for p in vault.rglob("*") if p.name.endswith(".tmp")] == []


@pytest.mark.slow
def test_two_processes_adding_highlights_at_once_lose_none(tmp_path: Path) -> None:
    path = tmp_path / "reader.json"
    notes_store()
    pids = [fork_writer(path, name, 40, None) for name in ("left", "right")]
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    stored = {h.id for h in notes_store().highlights(ARTICLE)}
    assert stored == {f"{name}-{n}" for name in ("left", "right") for n in range(40)}
