"""What is in a vault folder, as one device reads it: the devices, their files, the moves
they recorded, and each file parsed only when it changed.

The base of :class:`~reader.db.vault.vault.Vault`: everything here only reads. A folder's
listing and a file's parse are kept while their stamps say nothing changed (and a stamp
is trusted only once the file has settled, :func:`~reader.db.vault.files.settled`); a
file that cannot be read is noted, said once (:meth:`VaultFolder.take_notices`), and
skipped.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from reader.db.vault import merge as m
from reader.db.vault.clock import Clock
from reader.db.vault.device import Device
from reader.db.vault.files import (
    DEVICE_KIND,
    NOTES_KIND,
    RACY_NS,
    Kind,
    VaultFile,
    classify,
    is_device_extra,
    read_file,
    settled,
    stamp_of,
)
from reader.db.vault.merge import merge_tables
from reader.text.keys import DEVICES_DIR

KEEP_FILES = 256
"""Parsed files kept in memory (an article being read and saved is never parsed twice)."""
DEVICE_ID = re.compile(r"^[0-9a-z]{1,64}$")
NOTES_DIR = "notes"
KEEP_NAMES = 200_000
"""File names whose classification is kept (a vault of 100,000 articles, two devices)."""
DEVICE_FILE = "device.json"


@dataclass(frozen=True, slots=True)
class Source:
    """One file that holds notes of an article: a device's own file of it, a sync tool's
    copy of that file, or a recovery file."""

    path: Path
    device: str  # the device whose folder it is in
    key: str  # the key its name gives (a key moved to the article's, or the article's)
    kind: Kind


class VaultFolder:
    """A vault folder (``root``) as this ``device`` reads it; ``data_dir`` holds what must
    not travel (locks, caches, snapshots)."""

    def __init__(self, root: Path, device: Device, data_dir: Path, clock: Clock | None) -> None:
        self.root = Path(os.path.abspath(root))
        self.device = device
        self.data_dir = Path(data_dir)
        self.clock = clock or Clock(device.id)
        self.devices_dir = self.root / DEVICES_DIR
        self.own_dir = self.devices_dir / device.id
        self.own_notes = self.own_dir / NOTES_DIR
        digest = hashlib.sha1(str(self.root).encode("utf-8", "surrogateescape")).hexdigest()
        self.ident = digest[:16]  # names this vault's caches and snapshots in the data folder
        self._guard = threading.RLock()
        self._files: OrderedDict[Path, VaultFile] = OrderedDict()
        # The last good reading, in this session, of each of this device's files another
        # program has damaged since: what it held is not lost with it (it goes to the
        # recovery file with the next change).
        self._before_damage: dict[Path, VaultFile] = {}
        self._folders: dict[Path, tuple[tuple[int, int], list[str]]] = {}
        self._classified: dict[str, tuple[str, Kind] | None] = {}
        self._notes: dict[str, tuple[list[str], dict[str, list[tuple[str, Kind]]]]] = {}
        self._notices: dict[str, str] = {}
        self._told: set[tuple[str, str]] = set()

    # --- what is in the vault ------------------------------------------------------------

    def device_ids(self) -> list[str]:
        """The devices that have a folder in the vault."""
        names = self._names(self.devices_dir)
        return sorted(n for n in names if DEVICE_ID.match(n) and (self.devices_dir / n).is_dir())

    def _names(self, folder: Path) -> list[str]:
        """The names in ``folder`` (none when it is not there), kept while the folder's
        stamp says nothing was added, removed or renamed there."""
        try:
            info = os.stat(folder)
        except OSError:
            self._folders.pop(folder, None)
            return []
        stamp = (info.st_mtime_ns, info.st_ino)
        cached = self._folders.get(folder)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return []
        # A folder changed a moment ago may change again within the same tick of its
        # modification time: its listing is not kept yet.
        if time.time_ns() - info.st_mtime_ns > RACY_NS:
            self._folders[folder] = (stamp, names)
        else:
            self._folders.pop(folder, None)
        return names

    def _notes_of(self, device: str) -> dict[str, list[tuple[str, Kind]]]:
        """The article files in a device's notes folder, by key (not to be changed: kept
        while the folder's listing is)."""
        names = self._names(self.devices_dir / device / NOTES_DIR)
        cached = self._notes.get(device)
        if cached is not None and cached[0] is names:
            return cached[1]
        # Each name is classified once: an import writes this device's folder for every
        # article, and its listing, read again each time, was classified whole each time
        # (2,000 articles: four million regular-expression matches).
        classified = self._classified
        found: dict[str, list[tuple[str, Kind]]] = {}
        for name in names:
            if name in classified:
                named = classified[name]
            else:
                named = classify(name)
                if len(classified) < KEEP_NAMES:
                    classified[name] = named
            if named is not None:
                found.setdefault(named[0], []).append((name, named[1]))
        self._notes[device] = (names, found)
        return found

    def _read(self, path: Path, kind: str = NOTES_KIND, *, keep: bool = True) -> VaultFile:
        """A vault file, parsed only when it changed since it was last read; a file that
        cannot be read is noted, and its time observed when it can."""
        stamp = stamp_of(path)
        cached = self._files.get(path)
        if cached is not None and stamp is not None and cached.stamp == stamp and cached.trusted:
            self._files.move_to_end(path)
            return cached
        found = read_file(path, kind)
        found.trusted = found.stamp is not None and settled(found.stamp)
        if cached is not None and cached.ok and not found.ok and found.state != "missing":
            self._before_damage[path] = cached
        elif found.ok:
            self._before_damage.pop(path, None)
        if found.problem:
            self._note(str(path), found.problem)
        else:
            self._notices.pop(str(path), None)
        if found.ok:
            self.clock.observe(found.latest)
        if keep and found.stamp is not None:
            self._files[path] = found
            while len(self._files) > KEEP_FILES:
                self._files.popitem(last=False)
        return found

    # --- moves, as every device recorded them ----------------------------------------------

    def _device_files(self) -> list[VaultFile]:
        """Every device's ``device.json``, with sync tools' copies of it."""
        files = []
        for device in self.device_ids():
            folder = self.devices_dir / device
            for name in self._names(folder):
                if name == DEVICE_FILE or is_device_extra(name):
                    files.append(self._read(folder / name, DEVICE_KIND))
        return files

    def redirects(self) -> dict[str, str]:
        """Every article key that moved, to the key it moved to last (over all devices)."""
        moves = merge_tables(f.tables for f in self._device_files() if f.ok).get("moves", {})
        found: dict[str, str] = {}
        for old, record in moves.items():
            to = m.field(record, "to", "")
            if isinstance(to, str) and to and to != old and classify(to + ".json"):
                found[old] = to
        return found

    def resolve(self, key: str, redirects: dict[str, str] | None = None) -> str:
        """The key an article has now, following its moves (a loop of moves stops at the
        first key seen twice, the same on every device)."""
        redirects = self.redirects() if redirects is None else redirects
        seen = {key}
        while key in redirects and redirects[key] not in seen:
            key = redirects[key]
            seen.add(key)
        return key

    def sources(self, key: str) -> list[Source]:
        """Every file that holds notes of article ``key``: each device's file of it and of
        every key moved to it, with what sync tools left beside them."""
        redirects = self.redirects()
        keys = {key} | {k for k in redirects if self.resolve(k, redirects) == key}
        found = []
        for device in self.device_ids():
            notes = self._notes_for(device, keys)
            for k in sorted(keys):
                for name, kind in notes.get(k, ()):
                    found.append(
                        Source(self.devices_dir / device / NOTES_DIR / name, device, k, kind)
                    )
        return found

    def _notes_for(self, device: str, keys: set[str]) -> dict[str, list[tuple[str, Kind]]]:
        """The files of ``keys`` in a device's notes folder, by key: from the folder's
        index when it is current, else found by their names' start in the sorted listing
        (an import changes this device's folder with every article: indexing it whole each
        time made an import of 2,000 articles take minutes)."""
        names = self._names(self.devices_dir / device / NOTES_DIR)
        cached = self._notes.get(device)
        if cached is not None and cached[0] is names:
            return cached[1]
        found: dict[str, list[tuple[str, Kind]]] = {}
        for key in keys:
            for start in {key, key.upper()}:  # a name's key is read in either case
                at = bisect_left(names, start)
                while at < len(names) and names[at].startswith(start):
                    named = classify(names[at])
                    if named is not None and named[0] == key:
                        found.setdefault(key, []).append((names[at], named[1]))
                    at += 1
        return found

    def _index(self) -> dict[str, list[Source]]:
        """Every article in the vault (by its key now), with its files."""
        redirects = self.redirects()
        index: dict[str, list[Source]] = {}
        for device in self.device_ids():
            for k, entries in self._notes_of(device).items():
                key = self.resolve(k, redirects)
                for name, kind in entries:
                    path = self.devices_dir / device / NOTES_DIR / name
                    index.setdefault(key, []).append(Source(path, device, k, kind))
        return index

    def keys(self) -> list[str]:
        """Every article key with notes in the vault."""
        return sorted(self._index())

    def device_names(self) -> dict[str, str]:
        """Each device's name, as it last wrote it (this device's as set now)."""
        names: dict[str, str] = {}
        for found in self._device_files():
            record = found.tables.get("device", {}).get("device") if found.ok else None
            name = m.field(record, "name", "") if record is not None else ""
            if isinstance(name, str) and name and found.path.parent.name not in names:
                names[found.path.parent.name] = name
        names[self.device.id] = self.device.name
        return names

    def _remember(self, written: VaultFile) -> None:
        self._files[written.path] = written
        self._files.move_to_end(written.path)
        while len(self._files) > KEEP_FILES:
            self._files.popitem(last=False)

    # --- notes on what could not be read ------------------------------------------------------

    def _note(self, where: str, message: str) -> None:
        self._notices[where] = message

    def take_notices(self) -> list[str]:
        """What the reader has not been told yet of files skipped (each said once)."""
        with self._guard:
            new = [msg for where, msg in self._notices.items() if (where, msg) not in self._told]
            self._told.update(self._notices.items())
            return new

    @property
    def notices(self) -> list[str]:
        """Every file skipped, and why, as last read."""
        return list(self._notices.values())
