"""A JSON file kept safe: the durability under reader's database, for any TinyDB file.

Writes are atomic (temporary file in the same folder, fsync, ``os.replace``) and keep the
file's permissions; the file is re-read only when it changed on disk; writers hold a file
lock and re-read under it, so two processes lose nothing; the last good file is copied
aside as a backup; temporary files left by a writer that died are swept away. A file that
another program damages while it is open is never written over: the data, with the change
being made, goes to a recovery file beside it. What counts as a good file is the caller's
to say (``parse``); :mod:`reader.store` says what a reader database is.

TinyDB draws the same line between its ``storages`` and its ``table`` modules. Only this
module and :mod:`reader.store` import ``tinydb``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb.storages import Storage

if TYPE_CHECKING:
    from filelock import FileLock

LOCK_TIMEOUT = 10.0
BACKUP_EVERY = 15 * 60.0

Data = dict[str, dict[str, Any]]


class StoreError(Exception):
    """A problem with the database, explained for the user (the message names the file)."""


class DamagedError(StoreError):
    """The database file cannot be read as JSON of the shape reader writes."""


class ForeignError(StoreError):
    """The file is JSON, but not a reader database (no reader meta table): never touched."""


class AtomicJSONStorage(Storage):
    """A TinyDB storage that writes atomically and re-reads only when the file changed.

    ``parse`` reads and checks the file (raising :class:`StoreError`); by default any
    JSON file of TinyDB's shape is good. ``fresh`` gives what a file that disappears while
    in use begins again with (the tables its owner needs in every file, say).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        read_only: bool = False,
        parse: Callable[[Path], Data] | None = None,
        fresh: Callable[[], Data] | None = None,
    ) -> None:
        self._fresh = fresh
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
        self._serialised: dict[str, tuple[dict, str]] = {}
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

    def read(self) -> Data | None:
        stamp = self._current_stamp()
        if stamp is None:
            # Gone: a new database begins (the recovery file, if any, is not written over).
            was_read = self._data is not None
            self._data, self._stamp, self.damage, self.recovery = None, None, "", None
            if was_read and self._fresh is not None:
                # Gone while in use (deleted, or moved away): the next write makes a file
                # its owner still knows as its own.
                self._data = self._fresh()
                return self._data
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
        return self._data

    def write(self, data: Data) -> None:
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only; the change was not saved")
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
        parts = []
        serialised: dict[str, tuple[dict, str]] = {}
        for name, table in data.items():
            cached = self._serialised.get(name)
            if cached is None or cached[0] is not table:
                cached = (table, _dumps(table))
            serialised[name] = cached
            parts.append(f"{_dumps(name)}:{cached[1]}")
        self._serialised = serialised
        payload = "{" + ",".join(parts) + "}"
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
    def locked(self) -> Iterator[None]:
        """Hold the file's lock, with the file read again under it (another writer may
        have written since it was last read)."""
        from filelock import FileLock, Timeout

        if self._lock is None:
            self._lock = FileLock(str(lock_for(self.path)))
        try:
            with self._lock.acquire(timeout=LOCK_TIMEOUT):
                self.read()
                yield
        except Timeout:
            raise StoreError(f"{self.path} is locked by another reader; try again") from None

    def back_up(self, force: bool = False) -> None:
        """Copy the last good file aside (when ``force``d, and every BACKUP_EVERY seconds)."""
        now = time.monotonic()
        recent = self._last_backup is not None and now - self._last_backup < BACKUP_EVERY
        if not self.path.exists() or (recent and not force):
            return
        temp = self.backup.with_name(f".{self.backup.name}.{os.getpid()}.tmp")
        try:
            with contextlib.suppress(OSError, StoreError):
                self.parse(self.path)
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


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def read_json(path: Path) -> object:
    """The JSON in ``path``, or None for a zero-byte file; :class:`StoreError` when it
    cannot be read, :class:`DamagedError` when it is not JSON."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror or error}") from None
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise DamagedError(f"{path} is damaged and cannot be read ({error})") from None
    except RecursionError:  # "[[[[…" nested past Python's limit
        raise DamagedError(f"{path} is damaged and cannot be read (nested too deep)") from None


def read_database(path: Path) -> Data:
    """A TinyDB file's tables (``{}`` for a zero-byte file), or :class:`StoreError`."""
    data = read_json(path)
    if data is None:
        return {}
    if not is_database(data):
        raise DamagedError(f"{path} is damaged: it is not in the shape reader writes")
    return data  # type: ignore[return-value]


def is_database(data: object) -> bool:
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
    """A database as the bytes reader writes (compact UTF-8 JSON; ASCII escapes when a lone
    surrogate, from a pasted note say, cannot be UTF-8)."""
    try:
        return _dumps(data).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, separators=(",", ":")).encode("ascii")


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


def glob_escape(name: str) -> str:
    """``name`` with glob's special characters taken literally."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def atomic_write(path: Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload`` so that it is always either old or new, never half."""
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    temp = directory / f".{path.name}.{os.getpid()}.tmp"
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
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise StoreError(
            f"could not save to {path}: {error.strerror or error}; nothing was changed"
        ) from None
    except BaseException:
        # Ctrl+C (KeyboardInterrupt) mid-write: the file is still the old one, or already
        # the new one; only the temporary file needs taking away.
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
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
            if pid == os.getpid() or not _alive(pid):
                stale.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
