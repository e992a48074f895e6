"""Putting the files of ``export --all`` in place: all of them or none, killed or not.

Every file is first written whole to a hidden temporary file beside its name (see
:func:`reader.notes.export.stage_file`). Before the first rename, a journal of the renames to come
is written, and synced, beside them (``.reader-export.PID.journal``): each file's name, its
temporary file (and that file's inode, which the rename keeps), and where the earlier export
of that name waits meanwhile (``.NAME.PID.was.tmp``). A failure or Ctrl+C part of the way
undoes the renames at once. A process killed outright leaves the journal, and the next export
into the folder (or the next start of reader, told by a note in the data folder) reads it:
when every file was put in place the export is finished (the earlier exports set aside are
removed), else it is undone (each earlier export back under its name, each new file
removed). Either way the folder is never left holding a mix of old and new exports, nor an
earlier export hidden as a temporary file; then every temporary file that a writer no longer
running left is swept away.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from reader.atomic import alive, atomic_write, sweep_left, sync_folder_of
from reader.errors import StoreError
from reader.notes.files import ExportError, check_writable

JOURNAL = re.compile(r"^\.reader-export\.(?P<pid>\d+)\.journal$")
NOTE = re.compile(r"^\.export-(?P<pid>\d+)\.under-way$")


@dataclass(frozen=True, slots=True)
class Rename:
    """One file of an export being put in place, as the journal records it."""

    name: str  # the file's name in the folder
    temp: str  # the temporary file it was written to
    inode: int  # that file's inode, which the rename keeps: how the new file is known
    aside: str | None  # where the earlier export of that name waits (None: a new file)


def begin(out: Path, notes: Path | None) -> Path | None:
    """Note in ``notes`` (the data folder) that an export into ``out`` is under way, before
    its first file is written: killed outright, any start of reader then puts ``out``
    right. The note's path, for :func:`end`; None when there is no note (the next export
    into ``out`` still does it)."""
    if notes is None:
        return None
    note = notes / f".export-{os.getpid()}.under-way"
    try:
        atomic_write(note, os.fsencode(out.resolve()))
    except (OSError, StoreError):
        return None
    return note


def end(note: Path | None) -> None:
    """The export that :func:`begin` noted is over (done, or undone)."""
    if note is not None:
        with contextlib.suppress(OSError):
            note.unlink()


def place_all(out: Path, temps: list[tuple[Path, Path]], *, force: bool) -> None:
    """Rename each staged file (``(temporary file, name)``) over its name, all or none.

    Every name is checked first; the journal is written before the first rename, and
    removed once every file is in place and the earlier ones are gone. A failure part of
    the way puts back the earlier exports that were replaced and removes the new files.
    """
    for _temp, path in temps:
        check_writable(path, force=force)
    pid = os.getpid()
    renames = [
        Rename(
            path.name,
            temp.name,
            os.stat(temp).st_ino,
            f".{path.name}.{pid}.was.tmp" if path.exists() else None,
        )
        for temp, path in temps
    ]
    journal = out / f".reader-export.{pid}.journal"
    try:
        atomic_write(journal, json.dumps([asdict(r) for r in renames]).encode("utf-8"))
        for rename in renames:
            if rename.aside is not None:
                os.replace(out / rename.name, out / rename.aside)
            os.replace(out / rename.temp, out / rename.name)
    except BaseException as error:
        with contextlib.suppress(OSError):  # else the journal stays: the next start undoes
            _undo(out, renames)
            journal.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise ExportError(
                f"could not write {_named(error)}: {error.strerror or error}; nothing was changed"
            ) from None
        raise
    sync_folder_of(out)
    _finish(out, renames)
    journal.unlink(missing_ok=True)


def _named(error: OSError) -> str:
    """The file an error is about (the second of a rename: where it was going)."""
    return str(error.filename2 or error.filename or "a file")


def _undo(out: Path, renames: list[Rename]) -> None:
    """Put the folder back as it was before the renames (any of them made or not)."""
    for rename in renames:
        path, temp = out / rename.name, out / rename.temp
        if rename.aside is not None and (out / rename.aside).exists():
            os.replace(out / rename.aside, path)  # over the new file, if it was put there
        elif rename.aside is None and _inode(path) == rename.inode:
            path.unlink()  # a new file that was put in place
        temp.unlink(missing_ok=True)
    sync_folder_of(out)


def _finish(out: Path, renames: list[Rename]) -> None:
    for rename in renames:
        if rename.aside is not None:
            (out / rename.aside).unlink(missing_ok=True)


def _complete(out: Path, renames: list[Rename]) -> bool:
    """Whether every file of the export was put in place."""
    return all(not (out / r.temp).exists() and _inode(out / r.name) == r.inode for r in renames)


def _inode(path: Path) -> int | None:
    try:
        return os.stat(path, follow_symlinks=False).st_ino
    except OSError:
        return None


def _gone(pid: int) -> bool:
    """Whether the writer ``pid`` is no longer running. This process's own pid counts as
    gone: whatever has it in this folder was left by an earlier run (a container's pids
    repeat from run to run), since this one looks before it writes."""
    return pid == os.getpid() or not alive(pid)


def recover(out: Path) -> None:
    """Finish or undo each export into ``out`` that was killed part of the way, and sweep
    every temporary file left there by a writer that is gone. Quiet: what cannot be done
    now is done at the next export."""
    try:
        names = os.listdir(out)
    except OSError:
        return
    for name in names:
        found = JOURNAL.match(name)
        if found is None or not _gone(int(found["pid"])):
            continue
        journal = out / name
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            renames = [Rename(**r) for r in json.loads(journal.read_bytes())]
            if _complete(out, renames):
                _finish(out, renames)
            else:
                _undo(out, renames)
            journal.unlink()
    sweep_left(out, gone=_gone)


def recover_noted(notes: Path) -> None:
    """Finish or undo the exports that the notes in the data folder ``notes`` name (each
    written as an export began, removed as it ended): any start of reader runs this."""
    try:
        names = os.listdir(notes)
    except OSError:
        return
    for name in names:
        found = NOTE.match(name)
        if found is None or not _gone(int(found["pid"])):
            continue
        note = notes / name
        with contextlib.suppress(OSError):
            recover(Path(os.fsdecode(note.read_bytes())))
            note.unlink()
    sweep_left(notes, gone=_gone)
