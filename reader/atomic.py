"""Files written whole: atomic writes, temporary files beside, and sweeping what a writer
killed outright left.

A file is written to a hidden temporary file in its own folder, flushed and synced to disk
(``fsync``), then renamed over its name (``os.replace``): it is always the old file or the
new one, never half of either, and the folder is synced so that the new name survives a
power cut. A temporary file's name holds the writer's process id, so that a writer that
died can be told from one at work: only the files of processes that are gone are swept.
Used by the database (:mod:`reader.db.storage`), exports and the intake.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from reader.errors import StoreError


def glob_escape(name: str) -> str:
    """``name`` with glob's special characters taken literally."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def atomic_write(path: Path, payload: bytes, *, sync_folder: bool = True) -> None:
    """Replace ``path`` with ``payload`` so that it is always either old or new, never half.

    ``sync_folder=False`` leaves the folder's own sync (which makes the new name survive a
    power cut) to the caller: one :func:`sync_folder` after writing many files.
    """
    temp = temp_beside(path)
    try:
        write_beside(path, payload)
        put_in_place(temp, path)
    except BaseException:
        # Ctrl+C can land between the write and the rename, where neither step's own
        # clean-up runs; after a finished rename there is nothing left to take away.
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    if sync_folder:
        sync_folder_of(path.parent)


def temp_beside(path: Path, tag: str = "") -> Path:
    """The hidden temporary file :func:`write_beside` writes for ``path`` in this process."""
    return path.parent / f".{path.name}.{os.getpid()}{tag}.tmp"


def write_beside(path: Path, payload: bytes, *, tag: str = "") -> Path:
    """Write ``payload`` to a hidden temporary file beside ``path``, synced to disk, with
    ``path``'s permissions if it exists; :func:`put_in_place` then makes it ``path``.

    Nothing is left behind on failure (:class:`StoreError`) or interruption. ``tag`` tells
    apart the temporary files of one process writing several at once.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_beside(path, tag)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = None  # a new file: the user's umask decides
    try:
        with open(temp, "wb") as handle:
            if mode is not None:
                # Keep the file's permissions (a notes file made private stays private),
                # before a byte of it is written.
                os.fchmod(handle.fileno(), mode)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise StoreError(
            f"could not save to {path}: {error.strerror or error}; nothing was changed"
        ) from None
    except BaseException:
        # Ctrl+C (KeyboardInterrupt) mid-write: only the temporary file needs taking away.
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return temp


def put_in_place(temp: Path, path: Path) -> None:
    """Rename ``temp`` (from :func:`write_beside`) over ``path``: at once, old or new."""
    try:
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise StoreError(
            f"could not save to {path}: {error.strerror or error}; nothing was changed"
        ) from None


def sync_folder_of(directory: Path) -> None:
    """Make the names of files just written in ``directory`` survive a power cut."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def sweep_temp_files(directory: Path, name: str) -> None:
    """Remove temporary files left by a writer that died mid-write."""
    for stale in directory.glob(f".{glob_escape(name)}.*.tmp"):
        with contextlib.suppress(OSError):
            pid = int(stale.name.rsplit(".", 2)[-2])
            if pid == os.getpid() or not alive(pid):
                stale.unlink()


def alive(pid: int) -> bool:
    """Whether a process ``pid`` is running (one of another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# What a writer of files named "*.md" (an export, an article added) leaves when it is killed
# outright: a file being written (".NAME.md.PID.tmp", ".NAME.md.PID.TAG.tmp"), an earlier
# export set aside (".NAME.md.PID.was.tmp"), an export's journal or note being written;
# and what older readers' intake left (".NAME.md.PID.TID.new", and its own temporary file).
_LEFT = re.compile(
    r"^\.(?P<name>.*\.md)\.(?P<pid>\d+)(?P<tag>(?:\.[A-Za-z0-9_-]+)*)\.tmp$"
    r"|^\.\.(?:reader-export|export-)\.?\d+\.(?:journal|under-way)\.(?P<by>\d+)\.tmp$"
    r"|^\..*\.md\.(?P<adder>\d+)\.\d+\.new$"
)


def sweep_left(folder: Path, gone: Callable[[int], bool] | None = None) -> None:
    """Remove the temporary files that writers no longer running (``gone``: by default,
    not alive, this process counting as alive) left in ``folder``. An earlier export set
    aside goes back under its name when nothing holds it (an older reader, killed while
    it put files in place, left it as the only copy), else it is removed with the rest."""
    gone = gone or (lambda pid: pid != os.getpid() and not alive(pid))
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        left = _LEFT.match(name) if name.startswith(".") else None
        if left is None or not gone(int(left["pid"] or left["by"] or left["adder"])):
            continue
        path = folder / name
        with contextlib.suppress(OSError):
            earlier = folder / left["name"] if left["name"] else None
            if left["tag"] == ".was" and earlier is not None and not os.path.lexists(earlier):
                os.replace(path, earlier)
            else:
                path.unlink()
