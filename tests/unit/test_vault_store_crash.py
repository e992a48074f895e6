"""The crash tests of the single file (tests/unit/test_crash.py), against the notes vault:
a writer killed at any moment, and two writers at once (two windows of one device, or two
devices), lose no acknowledged highlight, and every file always parses."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from reader.db.store import Store as VaultStore
from reader.db.vault.device import Device
from reader.db.vault.files import NOTES_KIND, read_file
from reader.model import Anchor, Colour, Highlight
from reader.text.keys import library_key
from tests.vault_kit import A, B

KEY = library_key("crash.md")

DEVICES = {A: Device(A, "LAPTOP"), B: Device(B, "DESKTOP")}


def highlight(name: str, number: int) -> Highlight:
    return Highlight(
        id=f"{name}-{number}",
        article_id=KEY,
        anchor=Anchor(number, number + 10, f"quote {number} " * 5, "before", "after", 0, "fp"),
        colour=Colour.YELLOW,
        note=f"note {number} " * 20,
        created="2026-01-01T00:00:00Z",
        modified="2026-01-01T00:00:00Z",
    )


def vault_of(tmp_path: Path, device: str = A) -> VaultStore:
    """The library's notes as ``device`` (with its own data folder) sees them: both
    devices read and write the library's one vault folder, as a sync tool keeps it."""
    library = tmp_path / "library"
    library.mkdir(exist_ok=True)
    store = VaultStore(tmp_path / f"data-{device[:4]}", DEVICES[device], [library])
    assert store.register(library / "crash.md") == KEY
    return store


def fork_writer(tmp_path: Path, device: str, name: str, count: int, ack: int | None) -> int:
    """Fork a child that saves ``count`` highlights, writing each id to ``ack`` once saved."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            store = vault_of(tmp_path, device)
            for number in range(count):
                store.save_highlight(highlight(name, number))
                if ack is not None:
                    os.write(ack, f"{name}-{number}\n".encode())
        except BaseException:
            code = 1
        os._exit(code)
    return pid


def read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks).decode()


def every_file_parses(folder: Path) -> None:
    for path in folder.rglob("*.json"):
        if "notes" in path.parts:
            assert read_file(path, NOTES_KIND).ok, path


@pytest.mark.slow
def test_sigkill_at_random_moments_never_loses_an_acknowledged_highlight(tmp_path: Path) -> None:
    vault_of(tmp_path).save_highlight(highlight("seed", 0))
    acknowledged = {"seed-0"}
    chance = random.Random(20261204)
    for round_number in range(100):
        read_end, write_end = os.pipe()
        pid = fork_writer(tmp_path, A, f"r{round_number}", 1000, write_end)
        os.close(write_end)
        # Killed after its first save at least (however loaded the machine), at a random
        # moment of the saves after it.
        first = os.read(read_end, 65536)
        time.sleep(chance.uniform(0, 0.03))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        lines = (first.decode() + read_all(read_end)).split("\n")
        os.close(read_end)
        acknowledged.update(line for line in lines[:-1] if line)  # the last may be partial
        every_file_parses(tmp_path / "library")
        stored = vault_of(tmp_path).highlight_ids(KEY)
        missing = acknowledged - stored
        assert not missing, f"round {round_number}: lost {sorted(missing)[:5]}"
    assert len(acknowledged) > 50  # the kills did land in the middle of real work


@pytest.mark.slow
@pytest.mark.parametrize("devices", [(A, A), (A, B)], ids=["two windows", "two devices"])
def test_two_writers_adding_highlights_at_once_lose_none(
    tmp_path: Path, devices: tuple[str, str]
) -> None:
    pids = [
        fork_writer(tmp_path, device, name, 40, None)
        for device, name in zip(devices, ("left", "right"), strict=True)
    ]
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    stored = vault_of(tmp_path).highlight_ids(KEY)
    assert stored == {f"{name}-{n}" for name in ("left", "right") for n in range(40)}
