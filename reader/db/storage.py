"""A JSON file kept safe: the durability under reader's database, for any TinyDB file.

Writes are atomic (temporary file in the same folder, fsync, ``os.replace``) and keep the
file's permissions; the file is re-read only when it changed on disk; writers hold a file
lock and re-read under it, so two processes lose nothing; the last good file is copied
aside as a backup; temporary files left by a writer that died are swept away. A file that
another program damages while it is open is never written over: the data, with the change
being made, goes to a recovery file beside it. What counts as a good file is the caller's
to say (``parse``); :mod:`reader.db.store` says what a reader database is.

TinyDB draws the same line between its ``storages`` and its ``table`` modules. Only this
module and :mod:`reader.db.store` import ``tinydb``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from tinydb.storages import Storage

from reader.atomic import atomic_write, glob_escape
from reader.db import frames as layout
from reader.db.frames import Table, Tables
from reader.errors import BusyError, DamagedError, ForeignError, StoreError
from reader.files import read_regular

if TYPE_CHECKING:
    from filelock import FileLock

LOCK_TIMEOUT = 10.0
LOCK_POLL = 0.01
"""Seconds between two tries of a lock another process holds: an import leaves it free for
a moment between its batches, and a writer waiting must see that moment."""
BACKUP_EVERY = 15 * 60.0

Data = MutableMapping[str, Table]
"""A database's tables by name: a dict, or :class:`Tables`, which parses each on first use."""


__all__ = ["BusyError", "DamagedError", "ForeignError", "StoreError"]


class AtomicJSONStorage(Storage):
    """A TinyDB storage that writes atomically and re-reads only when the file changed.

    ``parse`` reads and checks the file (raising :class:`StoreError`); by default any
    JSON file of TinyDB's shape is good. A file that disappears while in use is written
    again, whole, at the next write, from what was read of it.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        read_only: bool = False,
        parse: Callable[[Path], Data] | None = None,
        check: Callable[[Path], Data] | None = None,
    ) -> None:
        # Reads the whole file and checks every table (parse may leave tables for later).
        self._full_check = check or _checked_database
        self._checked = False  # the file has been checked whole this session
        # Tables read since then from a file another process wrote, not yet checked whole:
        # written back as they were read, so a backup checks the file before copying it.
        self._unverified = False
        self._kept_backup = False  # the backup of the file found gone is kept (once a loss)
        self._hold_backup = False  # that backup could not be kept: never replace it
        self.kept: list[Path] = []  # backups so kept, as recovery files, in this session
        self.vanished = False  # the file disappeared while in use (and was written again)
        self._checker: threading.Thread | None = None
        self._depth = 0  # nested locked() blocks: writes wait for the outermost to end
        self._pending: Data | None = None  # what the outermost block will write
        self.path = Path(path)
        self.read_only = read_only
        self.parse = parse or read_database
        self.backup = self.path.with_name(self.path.name + ".bak")
        self._data: Data | None = None
        self._stamp: tuple[int, int, int] | None = None
        # Serialised JSON of each table as last written, keyed by table name and valid while
        # the table is the very same dict: TinyDB replaces a table's dict whenever it
        # changes it, so an untouched table (say 10,000 highlights of other articles) is
        # not serialised again when a reading position is saved.
        self._serialised: dict[str, tuple[Table, str]] = {}
        # Why the file, readable when last read, no longer is ("" while it is fine), and
        # where changes go meanwhile (named at the first one).
        self.damage = ""
        self.recovery: Path | None = None
        # Every recovery file written in this session, to be named when reader quits.
        self.recovered: list[Path] = []
        self._lock: FileLock | None = None  # made on the first write (filelock costs 8 ms)
        # When the last backup was made (time.monotonic()), None before the first. Not 0.0:
        # monotonic time counts from boot, so on a machine up for less than BACKUP_EVERY a
        # zero would have meant "backed up a moment ago" and no backup was ever made.
        self._last_backup: float | None = None

    def _current_stamp(self) -> tuple[int, int, int] | None:
        try:
            info = os.stat(self.path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as error:
            raise StoreError(f"cannot read {self.path}: {error.strerror or error}") from None
        return (info.st_mtime_ns, info.st_size, info.st_ino)

    # TinyDB types what read() returns as a dict but uses it only as a mapping (get, set,
    # delete, iterate), which Tables is: each table parsed on first use.
    def read(self) -> Data | None:  # type: ignore[override]
        stamp = self._current_stamp()
        if stamp is not None:
            self._kept_backup = False  # there (again): the next loss keeps its backup too
        else:
            if self._data is not None:
                # Gone while in use (deleted, moved away, a sync tool): everything reader
                # holds is written back at the next save, so none of it is lost.
                if self._stamp is not None:
                    self.vanished = True
                self._stamp, self.damage, self.recovery = None, "", None
                return self._data
            # Missing as reader starts: a new database begins, once its last backup is
            # kept where neither the new file nor its backup can take its place.
            if not self._kept_backup:
                self._keep_backup()
            self.damage, self.recovery = "", None
            return None
        if stamp != self._stamp or self._data is None:
            try:
                data = self.parse(self.path)
            except StoreError as error:
                if self._data is None:
                    raise
                # Another program damaged the file since reader last read it. Go on with
                # reader's own copy, so that reading still works; write() will put changes
                # aside rather than over the damaged file. The stamp is left as it was, so
                # a repaired file is taken up at the next read.
                self.damage = str(error)
                return self._data
            self._data, self._stamp, self.damage, self.recovery = data, stamp, "", None
            self._serialised.clear()
            self._unverified = True
        return self._data

    def _keep_backup(self) -> None:
        """The database is gone (deleted, moved, a failed sync): keep its last backup as a
        recovery file before anything is written, so that neither the new database nor its
        backup, made from it, takes the place of the notes (``reader recover`` merges it)."""
        self._kept_backup = True
        if self.read_only or not self.backup.exists():
            return
        try:
            tables = _checked_database(self.backup)
            if not any(table for name, table in tables.items() if name != "meta"):
                return  # nothing in it but its schema: nothing to keep
            name = f"{self.path.name}.recovered-{time.strftime('%Y%m%d-%H%M%S')}"
            kept = self.path.with_name(name)
            number = 1
            while kept.exists():
                number += 1
                kept = self.path.with_name(f"{name}-{number}")
            try:
                os.link(self.backup, kept)
            except OSError:
                atomic_write(kept, _read_bytes(self.backup))
        except (OSError, StoreError):
            self._hold_backup = True  # not kept: then back_up leaves it as it is
            return
        self.kept.append(kept)

    def write(self, data: Data) -> None:
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only; the change was not saved")
        if self._depth:
            # Within locked(): kept until the block ends, then written once (an upsert is
            # two of TinyDB's writes, an import thousands).
            self._data = self._pending = data
            return
        self._write_now(data)

    def _write_now(self, data: Data) -> None:
        if self.damage:
            self._put_aside(data)
            return
        try:
            atomic_write(self.path, self._payload(data))
        except BaseException:
            # TinyDB changed the cached tables in place before calling write(): forget them,
            # or the refused change would be saved along with the next one.
            self._data, self._stamp = None, None
            self._serialised.clear()
            raise
        self._data = data
        self._stamp = self._current_stamp()

    def _put_aside(self, data: Data) -> None:
        """Write reader's copy, with the change, to a recovery file next to the damaged one.

        This does not raise for the damage: one change can be several writes (TinyDB's
        upsert is an update, then an insert), and all of them must reach the recovery file.
        The transaction raises :meth:`damage_report` once the change is complete.
        """
        self._data = data
        if self.recovery is None:  # a new file each time the database is found damaged
            name = f"{self.path.name}.recovered-{time.strftime('%Y%m%d-%H%M%S')}"
            self.recovery = self.path.with_name(name)
            number = 1
            while self.recovery.exists():
                number += 1
                self.recovery = self.path.with_name(f"{name}-{number}")
            self.recovered.append(self.recovery)
        try:
            atomic_write(self.recovery, self._payload(data))
        except StoreError as error:
            raise StoreError(self.damage_report(failure=str(error))) from None

    def damage_report(self, failure: str = "") -> str:
        """What the reader is told after a change made while the file is damaged."""
        told = f"{self.damage}: another program changed it while reader was running"
        if failure:
            return (
                f"{told}. It was left as it is, and reader's copy could not be put aside: {failure}"
            )
        return (
            f"{told}. It was left as it is; this change and all reader had were saved to "
            f"{self.recovery} instead. Quit reader, then run `reader recover` to merge them "
            f"into {self.path.name}"
        )

    def _payload(self, data: Data) -> bytes:
        texts: dict[str, str] = {}
        serialised: dict[str, tuple[Table, str]] = {}
        for name in data:
            # A table never parsed is written back as it was read.
            text = data.text(name) if isinstance(data, Tables) else None
            if text is None:
                table = data[name]
                cached = self._serialised.get(name)
                if cached is None or cached[0] is not table:
                    cached = (table, layout.grown_text(table, cached))
                serialised[name] = cached
                text = cached[1]
            texts[name] = text
        self._serialised = serialised
        payload = layout.dump(data, texts)
        try:
            return payload.encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate (from a pasted note, say) cannot be UTF-8: escape everything.
            self._serialised.clear()
            return serialise(data)

    def forget_serialised(self) -> None:
        """Drop the serialisation cache (after changing a table's dict in place)."""
        self._serialised.clear()

    @contextlib.contextmanager
    def locked(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the file's lock; what is written within is written once, as the block ends.
        :class:`BusyError` when another process holds it for longer than ``timeout`` seconds
        (:data:`LOCK_TIMEOUT` by default).

        Another writer may have written since the file was last read: every change made
        within reads it first (TinyDB reads before each change, and :meth:`read` reads the
        file again when its stamp changed), so it is read again under the lock without a
        read here (which the mutation audit found no test could tell from none).
        """
        from filelock import FileLock, Timeout

        if self._lock is None:
            self._lock = FileLock(str(lock_for(self.path)))
        wait = LOCK_TIMEOUT if timeout is None else timeout
        try:
            with self._lock.acquire(timeout=wait, poll_interval=LOCK_POLL):
                outermost = self._depth == 0
                self._depth += 1
                aside = False  # writing to a recovery file: reader's copy is the good one
                try:
                    yield
                    if outermost and self._pending is not None:
                        # Written within the guard: a Ctrl+C just before the write must not
                        # leave the change in the cache, to be saved with the next one.
                        pending, self._pending = self._pending, None
                        aside = bool(self.damage)
                        self._write_now(pending)
                except BaseException:
                    if outermost and not aside:
                        # Forget what was changed but not written (TinyDB changes its
                        # cached tables in place): the file is as it was.
                        self._pending = None
                        self._data, self._stamp = None, None
                        self._serialised.clear()
                    raise
                finally:
                    self._depth -= 1
        except Timeout:
            raise BusyError(f"{self.path} is locked by another reader; try again") from None

    def check(self) -> None:
        """Read the whole file, check every table and back it up (once a session, before the
        first write); a damaged file raises :class:`DamagedError` and is marked damaged, so
        that no change is written over it."""
        if self._checked:
            return
        if not self.path.exists():
            self._checked = True
            return
        try:
            self._full_check(self.path)
        except DamagedError as error:
            self._checked = True
            self.damage = str(error)
            raise
        except StoreError:
            return  # cannot be read now: the next read says why
        self._checked, self._unverified = True, False
        self.back_up(force=True, checked=True)

    def check_in_background(self, damaged: Callable[[str], None] | None = None) -> None:
        """:meth:`check` in a thread of its own (a big file, once the app shows); a
        damaged file is reported to ``damaged``."""
        if self._checked or self._checker is not None:
            return

        def run() -> None:
            try:
                self.check()
            except DamagedError as error:
                if damaged is not None:
                    damaged(str(error))
            except Exception:
                pass

        self._checker = threading.Thread(target=run, name="reader-check", daemon=True)
        self._checker.start()

    def ensure_checked(self) -> None:
        """Wait for the check under way, or make it: before anything is written."""
        if self._checker is not None:
            self._checker.join()
            self._checker = None
        if not self._checked:
            with contextlib.suppress(DamagedError):  # the change goes aside, and is said so
                self.check()

    def back_up(self, force: bool = False, checked: bool = False) -> None:
        """Copy the last good file aside (when ``force``d, and every BACKUP_EVERY seconds);
        a file not ``checked`` just now is checked first."""
        now = time.monotonic()
        recent = self._last_backup is not None and now - self._last_backup < BACKUP_EVERY
        if not self.path.exists() or (recent and not force) or self._hold_backup:
            return
        temp = self.backup.with_name(f".{self.backup.name}.{os.getpid()}.tmp")
        try:
            with contextlib.suppress(OSError, StoreError):
                if not checked and (self._unverified or self._stamp != self._current_stamp()):
                    # Not the file this process wrote last, or written with tables of
                    # another's that were never parsed: checked before it replaces the last
                    # good copy.
                    self._full_check(self.path)
                    self._unverified = False
                shutil.copyfile(self.path, temp)
                shutil.copymode(self.path, temp)
                os.replace(temp, self.backup)
                self._last_backup = now
        finally:
            if temp.exists():  # the copy failed, or Ctrl+C came in the middle of it
                with contextlib.suppress(OSError):
                    temp.unlink()

    def close(self) -> None:
        self._data = None


def read_json(path: Path) -> object:
    """The JSON in ``path``, or None for a zero-byte file; :class:`StoreError` when it
    cannot be read, :class:`DamagedError` when it is not JSON."""
    return _json_of(path, _read_bytes(path))


def _read_bytes(path: Path) -> bytes:
    try:
        # A regular file only: a database path that is a named pipe would wait for ever.
        return read_regular(path)
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror or error}") from None


def _json_of(path: Path, raw: bytes) -> object:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise DamagedError(f"{path} is damaged and cannot be read ({error})") from None
    except RecursionError:  # "[[[[…" nested past Python's limit
        raise DamagedError(f"{path} is damaged and cannot be read (nested too deep)") from None


def load_file(path: Path) -> Tables | object:
    """A database file read once: None when it has zero bytes, its :class:`Tables` when it
    is laid out one table a line (each parsed on first use, see :mod:`reader.db.frames`),
    else its JSON parsed whole (the one-line layout reader wrote before), its shape not
    checked yet. :class:`StoreError` when it cannot be read."""
    raw = _read_bytes(path)
    if not raw:
        return None
    tables = layout.read(path, raw)
    return tables if tables is not None else _json_of(path, raw)


def read_database(path: Path) -> Data:
    """A TinyDB file's tables (``{}`` for a zero-byte file), each parsed on first use (see
    :mod:`reader.db.frames`), or :class:`StoreError`."""
    data = load_file(path)
    if data is None:
        return {}
    if isinstance(data, Tables):
        return data
    if not is_database(data):
        raise DamagedError(f"{path} is damaged: it is not in the shape reader writes")
    return Tables.parsed(path, data)


def _checked_database(path: Path) -> Data:
    """Every table of a TinyDB file, read and checked now."""
    data = read_database(path)
    if isinstance(data, Tables):
        data.check()
    return data


def is_database(data: object) -> TypeGuard[dict[str, Table]]:
    """Whether ``data`` has the shape TinyDB needs: tables of documents keyed by number.

    Anything else (a list, a table that is a list, a document that is a string, an id that
    is not a number) would make TinyDB fail with a traceback somewhere later.
    """
    if not isinstance(data, dict):
        return False
    for table in data.values():
        if not isinstance(table, dict):
            return False
        for doc_id, doc in table.items():
            if not (isinstance(doc, dict) and doc_id.isdecimal()):
                return False
    return True


def serialise(data: Data) -> bytes:
    """A database as the bytes reader writes: compact JSON, one table a line (a table with a
    lone surrogate, from a pasted note say, which cannot be UTF-8, in ASCII escapes)."""
    texts: dict[str, str] = {}
    for name in data:
        text = data.text(name) if isinstance(data, Tables) else None
        if text is None:
            text = layout.table_text(data[name])
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                text = json.dumps(data[name], separators=(",", ":"))
        texts[name] = text
    return layout.dump(data, texts).encode("utf-8")


def database_file(path: Path) -> Path:
    """The file that holds the database named ``path``: ``path`` itself, or the file its
    symbolic link leads to (a database kept in a synced folder, say).

    Everything is then done to that file, in its own folder: it is replaced atomically
    there (never the link by a plain file), and its lock, backup, temporary and recovery
    files are beside it, so that a second reader that names the file itself shares them.
    A link that leads nowhere (a folder not mounted, a file moved) is refused with
    :class:`StoreError`: a new database in place of the link would hide the notes.
    """
    if not path.is_symlink():
        return path
    target = Path(os.path.realpath(path))
    if not target.exists():
        raise StoreError(
            f"{path} is a symbolic link to {os.readlink(path)}, which is not there; reader "
            "will not make a new database in place of the link: bring that file back, or "
            "remove the link"
        )
    return target


def lock_for(path: Path) -> Path:
    """The lock file that every writer of the database at ``path`` holds while it writes."""
    return path.with_name(path.name + ".lock")


def recovery_files(path: Path) -> list[Path]:
    """Recovery files beside the database at ``path`` not yet merged back, oldest first."""
    try:
        found = [
            p
            for p in path.parent.glob(f"{glob_escape(path.name)}.recovered-*")
            if not p.name.endswith(".merged") and p.is_file()
        ]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.name)
