"""The notes a test's reader keeps: the notes vault of the test's data folder (the autouse
fixture points ``READER_DATA_DIR`` at it) and of every library the process registered."""

from __future__ import annotations

import shutil
from pathlib import Path

from reader.db.store import Store
from reader.db.vault.device import load_device
from reader.paths import resolve
from reader.text.keys import LIBRARIES, vault_root


def notes_store(
    *, read_only: bool = False, library: Path | None = None, data_dir: Path | None = None
) -> Store:
    """The store ``reader`` opens in this test (its data folder, or ``data_dir``; its
    libraries: ``library`` and those registered), as this machine's device."""
    data = resolve().data_dir if data_dir is None else data_dir
    if library is not None:
        LIBRARIES.register(library)
    return Store(data, load_device(data), LIBRARIES.folders, read_only=read_only)


def forget_notes(*libraries: Path) -> None:
    """Remove every note: the notes vaults of the data folder, of ``libraries`` and of every
    registered library (as on a fresh machine, given the libraries without their notes)."""
    data = resolve().data_dir
    for folder in {data / "vault", *(vault_root(f) for f in (*libraries, *LIBRARIES.folders))}:
        shutil.rmtree(folder, ignore_errors=True)


def empty_notes_store() -> Store:
    """The store ``reader`` opens once every note is gone (:func:`forget_notes`)."""
    forget_notes()
    return notes_store()
