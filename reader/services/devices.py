"""The devices that keep notes in a library's vault (``reader devices``): who they are,
when each last changed something, and the notes written apart on two of them that wait for
the reader to keep one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reader.db.vault import DeviceInfo, Vault, load_device, vault_root


@dataclass(frozen=True, slots=True)
class Devices:
    """What ``reader devices`` shows of a vault."""

    root: Path  # the vault folder
    devices: tuple[DeviceInfo, ...]
    waiting: int  # notes written apart on two devices, waiting for the reader to keep one
    notices: tuple[str, ...]  # files skipped (half-arrived, damaged, foreign), said once


def devices_of(library: Path, data_dir: Path) -> Devices:
    """The devices seen in ``library``'s vault, as this installation (its identity in
    ``data_dir``) sees them."""
    device = load_device(data_dir)
    vault = Vault(vault_root(library), device, data_dir, read_only=True)
    found = tuple(vault.devices())
    waiting = sum(summary.conflicts for summary in vault.summaries().values())
    return Devices(vault.root, found, waiting, tuple(vault.take_notices()))
