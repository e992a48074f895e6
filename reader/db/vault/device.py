"""This installation's identity: a device id made once, and a name the reader chooses.

The identity lives in the data folder (``DATA/device.json``, never synced): ``{"id": uuid4
hex, "name": …, "machine": this machine's id}``. The id names the device's folder in every
vault, and only this device ever writes there; so two machines must never share an id.
That is why it is never the host name (two containers, two users or two cloned machines
share host names), and why the file remembers the machine it was made on: a data folder
copied to a second machine (a backup restored, a cloned VM) gets a new id there, keeping
its name, and the reader is told once. The name (a setting; the host name by default) is
what other devices show: "also written on DESKTOP".

The file is made once, whole (written beside, then linked into place, so two processes
starting at once agree on one id), and replaced only when its machine differs or it is
damaged (then it is kept aside, never written over).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from reader.atomic import atomic_write, sync_folder_of, write_beside
from reader.files import read_regular

FILE = "device.json"
FORMAT = "reader-device"
MACHINE_ID_FILES = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))
NAME_LIMIT = 64


@dataclass(frozen=True, slots=True)
class Device:
    """This installation: its id, its name, the machine it was made on, and what the reader
    must be told once about it ("" when nothing)."""

    id: str
    name: str
    machine: str = ""
    notice: str = ""


def machine_id() -> str:
    """This machine's id (systemd's ``/etc/machine-id``), or "" where there is none."""
    for path in MACHINE_ID_FILES:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            found = read_regular(path, 4096).decode("ascii").strip()
            if found:
                return found
    return ""


def default_name() -> str:
    """The name a new device gets: the host name (or "this device" without one)."""
    return clean_name(socket.gethostname()) or "this device"


def clean_name(name: str) -> str:
    """A device name as shown: one line, no control characters, at most 64 characters."""
    kept = "".join(c if c.isprintable() else " " for c in name)
    return " ".join(kept.split())[:NAME_LIMIT]


def load_device(data_dir: Path, *, name: str = "", machine: str | None = None) -> Device:
    """This installation's device, made on first use. ``name``, when given (the setting),
    is the device's name from now on. ``machine`` is this machine's id
    (:func:`machine_id` by default)."""
    machine = machine_id() if machine is None else machine
    path = data_dir / FILE
    wanted = clean_name(name)
    found, problem = _read(path)
    if found is None and not problem:
        made = Device(uuid.uuid4().hex, wanted or default_name(), machine)
        if _create(path, made):
            return made
        found, problem = _read(path)  # another process made it first: that one
    if found is None:
        kept = _keep_aside(path)
        made = Device(uuid.uuid4().hex, wanted or default_name(), machine)
        _write(path, made)
        where = f"; it was kept as {kept}" if kept else ""
        return Device(
            made.id,
            made.name,
            machine,
            f"{path} was damaged ({problem}){where}. This device has a new id, "
            f"{made.id[:8]}: its notes so far are still read from the vault",
        )
    if machine and found.machine and found.machine != machine:
        # A data folder that came from another machine: sharing its id would make two
        # machines write the same files.
        made = Device(uuid.uuid4().hex, wanted or found.name, machine)
        _write(path, made)
        return Device(
            made.id,
            made.name,
            machine,
            f"This data folder was made on another machine (device {found.id[:8]}); this "
            f"machine now has its own device id, {made.id[:8]}, so that the two never "
            "write the same notes files",
        )
    if (wanted and wanted != found.name) or (machine and not found.machine):
        found = Device(found.id, wanted or found.name, found.machine or machine)
        _write(path, found)
    return found


def _read(path: Path) -> tuple[Device | None, str]:
    """The device in ``path`` (None, "" when there is no file; None and why when it is
    damaged)."""
    try:
        raw = read_regular(path, 65536)
    except FileNotFoundError:
        return None, ""
    except OSError as error:
        return None, str(error.strerror or error)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None, "not JSON"
    if not isinstance(data, dict):
        return None, "not a device file"
    ident, name, machine = data.get("id"), data.get("name"), data.get("machine", "")
    if not (isinstance(ident, str) and len(ident) == 32 and _is_hex(ident)):
        return None, "no device id in it"
    if not isinstance(name, str) or not isinstance(machine, str):
        return None, "not a device file"
    return Device(ident, clean_name(name) or default_name(), machine), ""


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def _payload(device: Device) -> bytes:
    doc = {"format": FORMAT, "id": device.id, "name": device.name, "machine": device.machine}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _create(path: Path, device: Device) -> bool:
    """Put ``device`` at ``path`` if there is nothing there: written whole beside it, then
    linked into place (a link never replaces a file). False when one was there first."""
    # A tag of its own: two threads of one process starting at once must not share the
    # temporary file (its name holds the process id).
    temp = write_beside(path, _payload(device), tag=f".{device.id[:12]}")
    try:
        os.link(temp, path)
    except FileExistsError:
        return False
    except OSError:
        # A file system without hard links: one process's rename wins, and a second
        # process starting at the same moment reads the file after it.
        if path.exists():
            return False
        os.replace(temp, path)
        sync_folder_of(path.parent)
        return True
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    sync_folder_of(path.parent)
    return True


def _write(path: Path, device: Device) -> None:
    atomic_write(path, _payload(device))


def _keep_aside(path: Path) -> Path | None:
    """Give a damaged device file another name (never written over); where it went."""
    kept = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        os.replace(path, kept)
    except OSError:
        return None
    return kept
