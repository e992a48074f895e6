"""Vault files: small TinyDB databases, read whatever state a sync tool left them in, and
written whole, at once, by the one device that owns them.

Each file is a TinyDB database (tables of documents keyed by number) with a ``meta`` table
saying what it is: ``{"format": "reader-vault", "schema": 1, "kind": "notes"|"device",
"device": id, "key": article key}``. Its other tables hold records (:mod:`.merge`), one
document each, laid out one document a line so that ``git diff`` shows what changed.

Reading never fails: a file that is empty or cut short (half-arrived through a sync tool),
is not JSON, is another program's, or was written by a newer reader is *skipped*, with a
note that says which file and why (:attr:`VaultFile.problem`); records in it that are not
records are left out. Writing goes through TinyDB's ``Table`` API (insert, update, remove,
truncate, ``Query``) into a :class:`BufferedStorage` that holds every change in memory and
writes the file once, atomically (:func:`reader.atomic.atomic_write`: a temporary file
beside it, fsync, rename, the folder synced), however many documents changed.

What sync tools leave beside a file is named by :func:`classify`: Syncthing's
``KEY.sync-conflict-….json`` and Dropbox's ``KEY (… conflicted copy ….json`` are read as
more copies of the same file; recovery files (``KEY.json.recovered-…``, written instead of
a damaged file) too; Syncthing's temporary files (``~syncthing~….tmp``,
``.syncthing.….tmp``), reader's own (``.KEY.json.PID.tmp``) and anything else are
skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from tinydb import TinyDB
from tinydb.storages import Storage

from reader.atomic import atomic_write, sync_folder_of, write_beside
from reader.db.vault.clock import ZERO
from reader.db.vault.merge import Record, Tables, all_clocks, clean_record, merge_record
from reader.errors import StoreError
from reader.files import read_regular

FORMAT = "reader-vault"
SCHEMA = 1
META = "meta"
NOTES_KIND = "notes"
DEVICE_KIND = "device"
MAX_FILE = 256 * 1024 * 1024
"""A vault file bigger than this is not read (no article's notes come near it)."""

Raw = dict[str, dict[str, Any]]
Stamp = tuple[int, int, int]  # (size, mtime_ns, inode): a file replaced is a new stamp
State = Literal["ok", "missing", "damaged", "foreign", "newer"]


RACY_NS = 2_000_000_000
"""A file changed less than this long ago may change again, in place, within the same tick
of its modification time and keep its size: its stamp does not yet stand for its content
(git's "racily clean" rule). Sync tools replace files whole (a new inode, a new stamp);
this is for the tools and editors that write in place."""


def settled(stamp: Stamp, now_ns: int | None = None) -> bool:
    """Whether a file of ``stamp`` last changed long enough ago for its stamp to stand for
    its content."""
    return (time.time_ns() if now_ns is None else now_ns) - stamp[1] > RACY_NS


def stamp_of(path: Path) -> Stamp | None:
    """The file's stamp, or None when there is no file."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


@dataclass(slots=True)
class VaultFile:
    """One vault file as read: its records, or why it was skipped."""

    path: Path
    stamp: Stamp | None
    state: State = "ok"
    problem: str = ""  # what the user is told of a file skipped ("" when read)
    meta: dict[str, Any] = field(default_factory=dict)
    tables: Tables = field(default_factory=dict)
    # Document ids of the records as stored, by table and record id: a write through
    # TinyDB updates the documents it changes, by id, and leaves the others as they were.
    doc_ids: dict[str, dict[str, int]] = field(default_factory=dict)
    latest: str = ZERO  # the latest clock time in it (a reader observes it)
    dropped: int = 0  # documents that were not records, left out
    # Whether its stamp can stand for its content: it was written by this process, or
    # had not changed for a while when read (see :func:`settled`).
    trusted: bool = False

    @property
    def ok(self) -> bool:
        """Whether the file was read (its records count)."""
        return self.state == "ok"

    @property
    def device(self) -> str:
        """The device that says it wrote this file ("" when unknown)."""
        value = self.meta.get("device")
        return value if isinstance(value, str) else ""


def meta_doc(kind: str, device: str, key: str = "") -> dict[str, Any]:
    """The meta document of a file this reader writes."""
    doc: dict[str, Any] = {"format": FORMAT, "schema": SCHEMA, "kind": kind, "device": device}
    if key:
        doc["key"] = key
    return doc


def read_file(path: Path, kind: str) -> VaultFile:
    """The vault file at ``path`` (of ``kind``), read; never raises."""
    stamp = stamp_of(path)
    if stamp is None:
        return VaultFile(path, None, "missing")
    try:
        if stamp[0] > MAX_FILE:
            return VaultFile(path, stamp, "foreign", f"{path} is too big to be a notes file")
        raw = read_regular(path)
    except OSError as error:
        return VaultFile(path, stamp, "damaged", f"{path} cannot be read: {error.strerror}")
    return parse(path, stamp, raw, kind)


def parse(path: Path, stamp: Stamp | None, raw: bytes, kind: str) -> VaultFile:
    """A vault file from its bytes (see :func:`read_file`)."""
    if not raw.strip():
        why = f"{path} is empty (cut short, or still arriving); it was skipped"
        return VaultFile(path, stamp, "damaged", why)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        why = f"{path} is cut short or damaged (not JSON); it was skipped"
        return VaultFile(path, stamp, "damaged", why)
    if not _tinydb_shaped(data):
        why = f"{path} is not a reader notes file; it was skipped"
        return VaultFile(path, stamp, "foreign", why)
    db = TinyDB(storage=_MemoryFactory(data))
    metas = db.table(META).all()
    meta = dict(metas[0]) if metas else {}
    if meta.get("format") != FORMAT or meta.get("kind") != kind:
        why = f"{path} is not a reader notes file; it was skipped"
        return VaultFile(path, stamp, "foreign", why, meta)
    schema = meta.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        why = f"{path} is damaged (no schema); it was skipped"
        return VaultFile(path, stamp, "damaged", why, meta)
    if schema > SCHEMA:
        why = (
            f"{path} was written by a newer version of reader (schema {schema}; this one "
            f"knows {SCHEMA}); it was skipped: upgrade reader to see its notes"
        )
        return VaultFile(path, stamp, "newer", why, meta)
    found = VaultFile(path, stamp, "ok", "", meta)
    latest = ZERO
    for name in db.tables():
        if name == META:
            continue
        table: dict[str, Record] = {}
        ids: dict[str, int] = {}
        for doc in db.table(name).all():
            record = clean_record(doc)
            if record is None:
                found.dropped += 1
                continue
            rid = record["id"]
            if rid in table:  # the same record twice (a hand edit): both count
                record = merge_record(table[rid], record)
            table[rid] = record
            ids[rid] = doc.doc_id
            latest = max(latest, max(all_clocks(record), default=ZERO))
        found.tables[name] = table
        found.doc_ids[name] = ids
    found.latest = latest
    if found.dropped:
        found.problem = (
            f"{path}: {found.dropped} damaged document{'s' * (found.dropped != 1)} "
            "in it were skipped"
        )
    return found


def _tinydb_shaped(data: object) -> bool:
    """Whether ``data`` has TinyDB's shape: tables of documents keyed by number."""
    if not isinstance(data, dict):
        return False
    for table in data.values():
        if not isinstance(table, dict):
            return False
        for doc_id, doc in table.items():
            if not (isinstance(doc, dict) and doc_id.isdecimal()):
                return False
    return True


# --- TinyDB storage ------------------------------------------------------------------------


class BufferedStorage(Storage):
    """A TinyDB storage that holds the database in memory: every write TinyDB makes (an
    update is one, an upsert two) changes only memory, and :meth:`flush` writes the file
    once, atomically."""

    def __init__(self, data: Raw | None = None) -> None:
        self.data: Raw | None = data
        self.changed = False

    def read(self) -> Raw | None:
        return self.data

    def write(self, data: Raw) -> None:
        self.data = data
        self.changed = True

    def close(self) -> None:
        pass

    def payload(self) -> bytes:
        """The database as the bytes of a vault file."""
        return serialise(self.data or {})


class _MemoryFactory:
    """Gives TinyDB a :class:`BufferedStorage` over data already parsed (TinyDB makes its
    storage itself, from a callable)."""

    def __init__(self, data: Raw | None) -> None:
        self.storage = BufferedStorage(data)

    def __call__(self) -> BufferedStorage:
        return self.storage


def serialise(data: Mapping[str, Mapping[str, Any]]) -> bytes:
    """A database as a vault file's bytes: JSON, the meta table first, one document a line
    (keys sorted, so equal states are equal bytes). A document with a lone surrogate (from a
    pasted note), which UTF-8 cannot hold, is written in ASCII escapes."""
    names = sorted(data, key=lambda name: (name != META, name))
    lines = ["{"]
    for t, name in enumerate(names):
        table = data[name]
        lines.append(f"{json.dumps(name)}: {{")
        ids = sorted(table, key=int)
        for d, doc_id in enumerate(ids):
            comma = "," if d < len(ids) - 1 else ""
            lines.append(f"{json.dumps(doc_id)}: {_doc_text(table[doc_id])}{comma}")
        lines.append("}," if t < len(names) - 1 else "}")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _doc_text(doc: Mapping[str, Any]) -> str:
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    if _has_surrogate(text):
        return json.dumps(doc, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    return text


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


BULK = 32
"""More changed records than this in one table: the table is written afresh in one go
(``truncate`` and ``insert_multiple``) rather than record by record."""


def write_file(
    path: Path,
    meta: dict[str, Any],
    tables: Mapping[str, Mapping[str, Record]],
    previous: VaultFile | None = None,
) -> VaultFile:
    """Write ``tables`` (and ``meta``) to ``path`` in one atomic write, through TinyDB's
    ``Table`` API over the file as it was (``previous``, read from this very file): only
    the documents whose records changed are updated. Returns the file as written.
    :class:`~reader.errors.StoreError` when it cannot be written (nothing then changed)."""
    base: Raw = {}
    if previous is not None and previous.ok:
        # Copies of the documents: TinyDB changes the documents it updates in place, and
        # ``previous`` may be cached.
        for name, table in previous.tables.items():
            ids = previous.doc_ids.get(name, {})
            base[name] = {str(ids[rid]): dict(record) for rid, record in table.items()}
    factory = _MemoryFactory(base)
    db = TinyDB(storage=factory)
    meta_table = db.table(META)
    meta_table.truncate()
    meta_table.insert(meta)
    doc_ids: dict[str, dict[str, int]] = {}
    for name, records in tables.items():
        doc_ids[name] = _write_table(db, name, records, previous)
    for name in db.tables():
        if name != META and name not in tables:
            db.drop_table(name)
    atomic_write(path, factory.storage.payload())
    written = VaultFile(path, stamp_of(path), "ok", "", dict(meta), trusted=True)
    written.tables = {name: dict(records) for name, records in tables.items()}
    written.doc_ids = doc_ids
    written.latest = max(
        (max(all_clocks(r), default=ZERO) for t in tables.values() for r in t.values()),
        default=ZERO,
    )
    return written


def _write_table(
    db: TinyDB, name: str, records: Mapping[str, Record], previous: VaultFile | None
) -> dict[str, int]:
    """Bring table ``name`` to ``records``; the document id of each record."""
    table = db.table(name)
    old = previous.tables.get(name, {}) if previous is not None and previous.ok else {}
    ids = dict(previous.doc_ids.get(name, {})) if previous is not None and old else {}
    changed = [rid for rid, record in records.items() if old.get(rid) != record]
    removed = [rid for rid in old if rid not in records]
    if not changed and not removed:
        return ids
    if len(changed) + len(removed) > BULK or not old:
        table.truncate()
        new_ids = table.insert_multiple(records.values())
        return {rid: doc_id for rid, doc_id in zip(records, new_ids, strict=True)}
    if removed:
        table.remove(doc_ids=[ids.pop(rid) for rid in removed])
    for rid in changed:
        record = records[rid]
        if rid in ids:
            table.update(_replace_with(record), doc_ids=[ids[rid]])
        else:
            ids[rid] = table.insert(dict(record))
    return ids


def _replace_with(record: Record) -> Callable[[Mapping[str, Any]], None]:
    """A TinyDB update that makes the document ``record`` (fields it no longer has go)."""

    def replace(doc: Mapping[str, Any]) -> None:
        document = cast(dict[str, Any], doc)  # TinyDB hands the stored document itself
        document.clear()
        document.update(record)

    return replace


# --- names in a vault folder ---------------------------------------------------------------

KEY = r"[0-9a-f]{16}"
_MAIN = re.compile(rf"^(?P<key>{KEY})\.json$")
_EXTRA = re.compile(
    rf"^(?P<key>{KEY})(?:"
    r"\.sync-conflict-[0-9A-Za-z-]+\.json"  # Syncthing
    r"| \([^/]*conflicted copy[^/]*\)\.json"  # Dropbox
    r"|\.json\.recovered-[0-9-]+"  # reader's own, written instead of a damaged file
    r")$",
    re.IGNORECASE,
)
_DEVICE_EXTRA = re.compile(
    r"^device(?:\.sync-conflict-[0-9A-Za-z-]+\.json| \([^/]*conflicted copy[^/]*\)\.json)$",
    re.IGNORECASE,
)
Kind = Literal["main", "conflict", "recovered"]


def classify(name: str) -> tuple[str, Kind] | None:
    """What a file in a device's notes folder is: (article key, "main" for the file itself,
    "conflict" for a sync tool's copy of it, "recovered" for a recovery file); None for
    anything to skip (temporary files, a damaged file put aside, others' files)."""
    found = _MAIN.match(name)
    if found is not None:
        return found["key"], "main"
    found = _EXTRA.match(name)
    if found is None:
        return None
    return found["key"].lower(), ("recovered" if ".json.recovered-" in name else "conflict")


def is_device_extra(name: str) -> bool:
    """Whether ``name`` is a sync tool's copy of a device's ``device.json``."""
    return _DEVICE_EXTRA.match(name) is not None


def sync_temporary(name: str) -> bool:
    """Whether ``name`` is a file a sync tool is still writing (never read)."""
    return (name.startswith("~syncthing~") or name.startswith(".syncthing.")) and name.endswith(
        ".tmp"
    )


def records_of(files: Iterable[VaultFile]) -> list[Tables]:
    """The tables of the files that were read."""
    return [f.tables for f in files if f.ok]


def create_once(path: Path, payload: bytes) -> bool:
    """Put ``payload`` at ``path`` if nothing is there (written whole beside it, then linked
    into place: never over a file); whether it was put."""
    if path.exists():
        return False
    try:
        temp = write_beside(path, payload, tag=f".{threading.get_ident()}")
    except StoreError:
        return False
    try:
        os.link(temp, path)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links
        if path.exists():
            return False
        with contextlib.suppress(OSError):
            os.replace(temp, path)
        return True
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    sync_folder_of(path.parent)
    return True
