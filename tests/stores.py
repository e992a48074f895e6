"""The notes a test's reader keeps: the notes vault of the test's data folder (the autouse
fixture points ``READER_DATA_DIR`` at it) and of every library the process registered."""

from __future__ import annotations

from pathlib import Path

from reader.db.store import Store
from reader.db.vault.device import load_device
from reader.paths import resolve
from reader.text.keys import LIBRARIES


def notes_store(*, read_only: bool = False, library: Path | None = None) -> Store:
    """The store ``reader`` opens in this test (its data folder; its libraries: ``library``
    and those registered), as this machine's device."""
    data = resolve().data_dir
    if library is not None:
        LIBRARIES.register(library)
    return Store(data, load_device(data), LIBRARIES.folders, read_only=read_only)
