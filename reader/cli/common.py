"""What every command shares: printing for the user, their mistakes, and where data lives."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from reader.db.storage import DamagedError, StoreError, database_file
from reader.db.store import Store
from reader.files import read_regular
from reader.paths import Paths, is_first_run, resolve, seed_library
from reader.services.moves import Move, report
from reader.text.display import visible

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


def open_store(paths: Paths, *, create: bool = True, writes: bool = True) -> Store:
    """The database, or a :class:`UserError` saying why it cannot be opened.

    A command that only looks (``create`` False) never makes a database that is not there:
    it reads an empty one, and writes nothing. ``writes`` False: nothing is written, not
    even a backup, to a database that is there.
    """
    if writes:
        _finish_exports(paths.data_dir)
    if paths.db.is_dir():
        raise UserError(
            f"{paths.db} is a folder, not a database: give --db (or READER_DB) a file, "
            f"such as {paths.db / 'reader.json'}"
        )
    try:
        db = database_file(paths.db)
        read_only = not writes or (not create and not db.exists())
        store = Store(db, read_only=read_only)
    except DamagedError as error:
        if not _looks_like_json(db) and not db.with_name(f"{db.name}.bak").exists():
            # Never a database of reader's (no backup beside it, not even JSON): an article
            # given as --db, say. "Damaged" would send the user to repair it.
            raise UserError(
                f"{paths.db} is not a reader database (not JSON); it was left as it is: "
                "give --db (or READER_DB) reader's database file"
            ) from None
        raise UserError(str(error)) from None
    except StoreError as error:
        raise UserError(str(error)) from None
    if store.pending_recovery:
        say(f"reader: {store.recovery_hint().strip()}", sys.stderr)
    return store


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
