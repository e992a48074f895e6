"""What every command shares: printing for the user, their mistakes, and where data lives."""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from reader.db.migrate_vault import is_migrated, migrate
from reader.db.storage import DamagedError, ForeignError, StoreError, database_file
from reader.db.store import Store
from reader.db.vault.device import FILE as DEVICE_FILE
from reader.db.vault.device import Device, default_name, load_device
from reader.db.vaults import remember_library
from reader.files import read_regular
from reader.paths import Paths, is_first_run, resolve, seed_library
from reader.services.moves import Move, report
from reader.text.display import visible
from reader.text.keys import LIBRARIES

EXIT_USAGE = 2


def say(text: str, stream: TextIO | None = None) -> None:
    """Print one line for the user, with any control character (from a file name, a
    title) made visible: nothing from a file ever drives the terminal."""
    print(visible(text), file=stream or sys.stdout)


def say_moves(moves: Sequence[Move]) -> None:
    """Tell of articles found moved (:mod:`reader.services.moves`), as the app does."""
    for line in report(moves):
        say(f"reader: {line}", sys.stderr)


class UserError(Exception):
    """A mistake or a problem the user can fix; printed as one line, exit status 2."""


def paths_of(options: argparse.Namespace) -> Paths:
    """Every location, with ``--db`` taken into account."""
    return resolve(db=options.db, library=None)


def open_store(
    paths: Paths,
    *,
    create: bool = True,
    writes: bool = True,
    library: Path | None = None,
    tell: bool = True,
) -> Store:
    """The notes (the vaults of ``library``, by default the library ``reader`` opens, and
    of the data folder), or a :class:`UserError` saying why they cannot be read.

    The first start after the upgrade moves the old database (``reader.json``, or the
    file ``--db`` names) into the notes vault, leaving it as it was, and says so in one
    line (:attr:`Store.news`, printed unless ``tell`` is False: the app shows it).
    ``writes`` False (a command that only looks): nothing is
    written, not even this device's identity when it has none yet. ``create`` is kept for
    the commands that say whether they would make notes: the vault makes a file only when
    a note is saved.
    """
    if writes:
        _finish_exports(paths.data_dir)
    if paths.db.is_dir():
        raise UserError(
            f"{paths.db} is a folder, not a database: give --db (or READER_DB) the file of "
            f"an older reader's notes, such as {paths.db / 'reader.json'}"
        )
    if paths.db.is_symlink() and not paths.db.exists():
        # An older reader's notes on a disk not mounted now: starting without them would
        # look like losing them.
        raise UserError(
            f"{paths.db} is a symbolic link to {os.readlink(paths.db)}, which is not there; "
            "the notes in it were not moved into the notes vault: bring that file back, or "
            "remove the link"
        )
    folder = Path(os.path.abspath(library if library is not None else paths.library))
    LIBRARIES.register(folder)
    old = database_file(paths.db)
    # An older reader's notes are moved into the vault by any command, even one that only
    # looks: it would find no notes otherwise (and the old file is left as it was).
    moving = old.is_file() and not is_migrated(old, paths.data_dir)
    # Never run here, and asked only to look or not to make notes: nothing is written, not
    # even this device's identity or a cache.
    fresh = not (paths.data_dir / DEVICE_FILE).exists() and not moving
    writes = writes and not (fresh and not create)
    try:
        device = _device(paths.data_dir, writes=writes or moving)
    except OSError as error:
        raise UserError(
            f"cannot keep this device's identity in {paths.data_dir}: {error.strerror}"
        ) from None
    news = []
    if device.notice:
        news.append(device.notice)
    moved = _migrate(paths, device, folder) if moving else ""
    if moved:
        news.append(moved)
    store = Store(paths.data_dir, device, [folder], read_only=not writes)
    # Notes made of the library's articles before it had a vault, brought into it.
    news.extend(store.adopt())
    if not store.read_only:
        # Where this device keeps notes, for a command run from another folder to find.
        remember_library(paths.data_dir, folder)
    _OPENED.append(store)
    store.news = news
    for line in news if tell else ():
        say(f"reader: {line}", sys.stderr)
    if store.pending_recovery:
        say(f"reader: {store.recovery_hint().strip()}", sys.stderr)
    return store


_OPENED: list[Store] = []
"""The stores a command opened: what they skipped is said as the command ends."""


def tell_skipped() -> None:
    """Say, one line each, the vault files the command's stores skipped (a file another
    device's sync cut short, or that a newer reader wrote): their notes were left out."""
    while _OPENED:
        store = _OPENED.pop(0)
        told = [str(path) for path in store.recovered]  # said already, with what to do
        for notice in store.take_notices():
            if not any(path in notice for path in told):
                say(f"reader: {notice}", sys.stderr)


def _device(data_dir: Path, *, writes: bool) -> Device:
    """This installation's device (made on first use, but not by a command that only
    looks: one that writes nothing has no need of an id that lasts)."""
    from reader.config import load

    name = load().device_name  # the setting, when there is one, names this device
    if not writes and not (data_dir / DEVICE_FILE).exists():
        return Device(uuid.uuid4().hex, name or default_name())
    # A command that only looks never rewrites the identity for a new name.
    return load_device(data_dir, name=name if writes else "")


def _migrate(paths: Paths, device: Device, library: Path) -> str:
    """Move the old database into the vault, once: the line that says so ("" when there
    was nothing to do). A database that cannot be read stops reader, naming it, and is
    left as it is."""
    db = database_file(paths.db)
    try:
        done = migrate(db, device, paths.data_dir, [library])
    except ForeignError as error:
        raise UserError(
            f"{error}. It was left as it is: give --db (or READER_DB) the notes file of an "
            "older reader, or move that file away"
        ) from None
    except DamagedError as error:
        if not _looks_like_json(db) and not db.with_name(f"{db.name}.bak").exists():
            raise UserError(
                f"{paths.db} is not a reader database (not JSON); it was left as it is: "
                "give --db (or READER_DB) the notes file of an older reader"
            ) from None
        raise UserError(
            f"{error}. It was not moved into the notes vault and was left as it is"
        ) from None
    except StoreError as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(
            f"could not move {db} into the notes vault ({error}); it was left as it is"
        ) from None
    return done.summary() if not done.already else ""


def _finish_exports(data: Path) -> None:
    """Finish or undo an ``export --all`` that was killed part of the way (a note of it is
    in the data folder while it puts its files in place): any start does it."""
    try:
        under_way = any(".export-" in name for name in os.listdir(data))
    except OSError:
        return
    if under_way:
        from reader.notes.placing import recover_noted

        recover_noted(data)


def _looks_like_json(path: Path) -> bool:
    """Whether the file begins as a JSON object does (a damaged database still does)."""
    try:
        return read_regular(path, 4096).lstrip()[:1] in (b"{", b"")
    except OSError:
        return True


def library_folder(options: argparse.Namespace, paths: Paths) -> Path:
    """The folder (or article) given as PATH, else the library ``reader`` opens (which is
    never made here: see :func:`first_library`)."""
    if getattr(options, "path", None):
        return Path(options.path).expanduser()
    return paths.library


def library_of(options: argparse.Namespace, paths: Paths) -> Path:
    """The library a command works on: ``--library``, else the one ``reader`` opens."""
    if getattr(options, "library", None):
        return Path(options.library).expanduser()
    return paths.library


def first_library(paths: Paths) -> Path:
    """The library ``reader`` and ``reader add`` use, made with the sample articles on a
    first run (no database yet) when it is not there or is an empty folder, and said so.

    Never on a later run: the samples would come back to a library emptied on purpose, or
    as copies beside the articles read and annotated elsewhere (in a clone's
    ``articles/``), which ``reader export NAME`` then found instead.
    """
    if is_first_run(paths) and seed_library(paths.library):
        say(
            f"reader: made your library, {paths.library}, with reader's sample articles "
            '(begin with "Welcome to reader")',
            sys.stderr,
        )
    return paths.library


def no_library(paths: Paths) -> str:
    """What to say when the library ``reader`` opens is not there (or holds no article)."""
    library = paths.library
    if is_first_run(paths):
        return (
            f"your library {library} does not exist yet: `reader` makes it, with reader's "
            "sample articles, and `reader add URL|FILE` adds to it"
        )
    there = "holds no articles yet" if library.is_dir() else "does not exist yet"
    return (
        f"your library {library} {there}: `reader add URL|FILE` adds to it, "
        "`reader DIR` opens another folder (READER_LIBRARY names the one `reader` opens)"
    )
