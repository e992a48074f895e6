"""The notes vault: a folder of small files that any sync tool can carry, merged on read.

Layout (``ROOT`` is ``LIBRARY/.reader``, or ``DATA/vault`` for articles outside every
library)::

    ROOT/README.md                      what this folder is (written once, never again)
    ROOT/devices/<device>/device.json   the device's name, and the moves it made
    ROOT/devices/<device>/notes/<key>.json   its copy of one article's notes

Only the device ``<device>`` ever writes in its folder, so no sync tool ever has two
versions of one file to choose between. Each device's article file holds the whole merged
state of the article as that device last saw it, so any one of them is enough, and a save
writes one file whose size is the article's, never the library's.

Reading an article (:meth:`Vault.article`) merges every device's file of it, with what sync
tools left beside them (:mod:`.files`), and the files of keys moved to it. Saving
(:meth:`Vault.save`) does that under the article's lock (kept in the data folder: locks
never travel), applies the changes with fresh clock times, and writes this device's file
once. A file that cannot be read is skipped with a note (:meth:`Vault.take_notices`),
never a crash and never a block; this device's own file, when damaged, is never written
over: the change, with everything else of the article, goes to a recovery file beside it
(``KEY.json.recovered-DATE``, read as one more copy by every device until ``reader
recover`` merges it).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader.atomic import alive
from reader.db.vault import merge as m
from reader.db.vault.clock import Clock, iso
from reader.db.vault.device import Device
from reader.db.vault.files import (
    DEVICE_KIND,
    NOTES_KIND,
    Stamp,
    VaultFile,
    classify,
    create_once,
    meta_doc,
    settled,
    stamp_of,
    write_file,
)
from reader.db.vault.folder import DEVICE_FILE, KEEP_FILES, NOTES_DIR, Source, VaultFolder
from reader.db.vault.merge import Tables, merge_tables
from reader.db.vault.notes_cache import NotesCache
from reader.db.vault.records import (
    Change,
    DeleteLink,
    Facts,
    PutLink,
    SetFacts,
    UnknownRecord,
    apply,
)
from reader.db.vault.summary import SourceStamp, Summary, SummaryCache, summarise
from reader.db.vault.views import ArticleNotes, build
from reader.errors import BusyError, StoreError
from reader.model import CrossLink

if TYPE_CHECKING:
    from filelock import FileLock

LOCK_TIMEOUT = 10.0
LOCK_POLL = 0.01
README = """\
# reader's notes

This folder holds the notes (highlights, notes, tags, links, reading places) that reader
keeps on the articles of this library. Sync it with the library, with Syncthing, Dropbox,
git or any tool: each device writes only its own folder under `devices/`, so no sync tool
ever has two versions of one file to choose between, and every device reads them all.

Do not edit these files by hand. `reader devices` lists the devices that wrote here.
"""


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """A device seen in the vault (for ``reader devices``)."""

    id: str
    name: str
    own: bool
    last_change: str  # ISO 8601 UTC ("" when it changed nothing yet)
    articles: int  # articles it changed something in
    conflicts: int  # note versions it wrote that wait for the reader to keep one


class Vault(VaultFolder):
    """A vault folder (``root``) as this ``device`` reads and writes it; ``data_dir`` holds
    what must not travel (locks, caches, snapshots)."""

    def __init__(
        self,
        root: Path,
        device: Device,
        data_dir: Path,
        *,
        clock: Clock | None = None,
        read_only: bool = False,
    ) -> None:
        super().__init__(root, device, data_dir, clock)
        self.read_only = read_only
        # Why it is read-only, when the store found a folder it cannot write (then the
        # user is told that, not only that the vault is read-only).
        self.problem = ""
        # Told, instead of a StoreError, of a change written to a recovery file because
        # this device's own file is damaged (the app sets it; a command fails).
        self.on_aside: Callable[[Path], None] | None = None
        self.recovered: list[Path] = []  # recovery files written in this session
        self._merged: OrderedDict[str, tuple[tuple[tuple[Path, Stamp | None], ...], Tables]]
        self._merged = OrderedDict()
        self._locks: dict[str, FileLock] = {}
        self._own_ready = False
        self._summaries = SummaryCache(
            self.data_dir / "cache" / f"vault-{self.ident}.json", self.root
        )
        # The merged notes of every article, once all were read in this process.
        self._notes_cache: NotesCache | None = None
        # Each article's notes as last made, with the merged tables they were made of.
        self._built: OrderedDict[str, tuple[Tables, ArticleNotes]] = OrderedDict()
        # The folders' listings the last summaries were worked out from, and those.
        self._summaries_seen: tuple[tuple[list[str], ...], dict[str, Summary]] | None = None

    # --- reading ------------------------------------------------------------------------------

    def _tables(
        self, key: str, sources: Sequence[Source] | None = None, *, keep: bool = True
    ) -> tuple[Tables, list[VaultFile], list[Source]]:
        """Article ``key``'s notes merged from all its files (``sources``, found now when
        not given), with the files read and the sources."""
        sources = self.sources(key) if sources is None else list(sources)
        files = [self._read(s.path, keep=keep) for s in sources]
        signature = tuple((f.path, f.stamp) for f in files)
        cached = self._merged.get(key)
        if cached is not None and cached[0] == signature:
            self._merged.move_to_end(key)
            return cached[1], files, list(sources)
        tables = merge_tables(
            f.tables if f.ok else self._before_damage[f.path].tables
            for f in files
            if f.ok or f.path in self._before_damage
        )
        if keep and all(f.trusted for f in files):
            self._merged[key] = (signature, tables)
            while len(self._merged) > KEEP_FILES:
                self._merged.popitem(last=False)
        return tables, files, list(sources)

    def article(self, key: str) -> ArticleNotes:
        """An article's notes, merged from every device (made once for as long as its
        merged tables are the same: an export asks for the highlights, the note and the
        links of each article, and each time made all of them)."""
        with self._guard:
            cache = self._notes_cache
            if cache is not None and key not in self._merged:
                # Every note was read here already (an export, the notes screen): the
                # merged notes kept then stand while the article's files are the same
                # (an article read from its files since is made from them, as below).
                found = cache.get(key, self._source_stamps(self.sources(key)))
                if found is not None:
                    self.clock.observe(found[1])
                    return found[0]
            tables = self._tables(key)[0]
            made = self._built.get(key)
            if made is not None and made[0] is tables:
                self._built.move_to_end(key)
                return made[1]
            notes = build(key, tables)
            if self._merged.get(key, (None, None))[1] is tables:  # kept: its files settled
                self._built[key] = (tables, notes)
                while len(self._built) > KEEP_FILES:
                    self._built.popitem(last=False)
            return notes

    def all_articles(self) -> Iterator[ArticleNotes]:
        """Every article's notes (for the notes screen, ``reader notes`` and exports): from
        the cache in the data folder for each article none of whose files changed since it
        was merged, else read and merged now (and the cache brought up to date once every
        article was given)."""
        cache = NotesCache(self.data_dir / "cache" / f"notes-{self.ident}", self.root)
        with self._guard:
            index = self._index()
            cache.load()
            self._notes_cache = cache  # kept: what each article is asked for next
        for key, sources in sorted(index.items()):
            with self._guard:
                now = time.time_ns()
                stamps = self._source_stamps(sources)
                cached = cache.get(key, stamps)
                if cached is not None:
                    notes, latest = cached
                    self.clock.observe(latest)
                else:
                    tables, files, _ = self._tables(key, sources, keep=False)
                    notes = build(key, tables)
                    if self._cacheable(files, stamps, now):
                        latest = max((f.latest for f in files), default="")
                        cache.put(key, stamps, latest, notes)
            yield notes
        cache.keep_only(index)
        cache.save()

    def _cacheable(
        self, files: Sequence[VaultFile], stamps: tuple[SourceStamp, ...], now: int
    ) -> bool:
        """Whether an article merged from ``files`` may be cached under ``stamps``: every
        file was read whole (a file skipped is read, and told of, again next time), is the
        very file the stamps were taken of, and had settled (its stamp stands for its
        content)."""
        if not all(f.ok and not f.problem and f.stamp is not None for f in files):
            return False
        if not all(settled(s[1:], now) for s in stamps):
            return False
        read = tuple(
            sorted(
                (str(f.path.relative_to(self.devices_dir)), *f.stamp)
                for f in files
                if f.stamp is not None
            )
        )
        return read == stamps

    def summaries(self) -> dict[str, Summary]:
        """Every article's summary, by key: from the cache in the data folder for each
        article none of whose files changed since, else read and counted now."""
        with self._guard:
            # Every writer (reader, a sync tool, git) replaces a vault file whole, renaming
            # it into place, which changes its folder: while no folder of the vault changed,
            # the summaries are those worked out last (a command asks for them several
            # times, and each time cost a stat of every file: 1.4 s for `reader list`).
            listings = self._listings()
            if self._summaries_seen is not None and _same(self._summaries_seen[0], listings):
                return dict(self._summaries_seen[1])
            self._summaries.load()
            now = time.time_ns()
            index = self._index()
            result: dict[str, Summary] = {}
            settled_all = True
            for key, sources in sorted(index.items()):
                stamps = self._source_stamps(sources)
                summary = self._summaries.get(key, stamps)
                if summary is None:
                    tables = self._tables(key, sources, keep=False)[0]
                    summary = summarise(key, tables)
                    if all(settled((s[1], s[2], s[3]), now) for s in stamps):
                        self._summaries.put(key, stamps, summary)
                    else:
                        settled_all = False
                result[key] = summary
            self._summaries.keep_only(index)
            self._summaries.save()
            self._summaries_seen = (listings, dict(result)) if settled_all else None
            return result

    def _listings(self) -> tuple[list[str], ...]:
        """The listings of every folder of the vault, each the same list for as long as
        its folder has not changed (:meth:`VaultFolder._names`)."""
        listings = [self._names(self.devices_dir)]
        for device in self.device_ids():
            listings.append(self._names(self.devices_dir / device))
            listings.append(self._names(self.devices_dir / device / NOTES_DIR))
        return tuple(listings)

    def _source_stamps(self, sources: Sequence[Source]) -> tuple[SourceStamp, ...]:
        stamps = []
        for source in sources:
            stamp = stamp_of(source.path)
            if stamp is not None:
                relative = str(source.path.relative_to(self.devices_dir))
                stamps.append((relative, *stamp))
        return tuple(sorted(stamps))

    def devices(self) -> list[DeviceInfo]:
        """Every device seen in the vault: its name, when it last changed something, in how
        many articles, and how many of its notes wait for the reader to keep one."""
        summaries = self.summaries().values()
        names = self.device_names()
        seen = set(self.device_ids()) | {d for s in summaries for d in s.latest}
        infos = []
        for device in sorted(seen):
            last = max((s.latest[device] for s in summaries if device in s.latest), default="")
            infos.append(
                DeviceInfo(
                    device,
                    names.get(device, device[:8]),
                    device == self.device.id,
                    iso(last) if last else "",
                    sum(1 for s in summaries if device in s.latest),
                    sum(s.conflict_devices.get(device, 0) for s in summaries),
                )
            )
        infos.sort(key=lambda d: (not d.own, d.name.casefold(), d.id))
        return infos

    # --- writing ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self, key: str, wait: float | None = None) -> Iterator[None]:
        """Hold article ``key``'s lock (kept in the data folder); :class:`BusyError` when
        another process holds it longer than ``wait`` seconds."""
        from filelock import FileLock, Timeout

        lock = self._locks.get(key)
        if lock is None:
            own = str(self.own_notes / f"{key}.json").encode("utf-8", "surrogateescape")
            name = hashlib.sha1(own).hexdigest()[:20]
            folder = self.data_dir / "locks"
            folder.mkdir(parents=True, exist_ok=True)
            lock = self._locks[key] = FileLock(str(folder / f"{name}.lock"))
        try:
            with lock.acquire(
                timeout=LOCK_TIMEOUT if wait is None else wait, poll_interval=LOCK_POLL
            ):
                yield
        except Timeout:
            raise BusyError(
                f"the notes of this article are being saved by another reader ({self.root}); "
                "try again"
            ) from None

    def save(
        self, key: str, changes: Sequence[Change], *, wait: float | None = None
    ) -> ArticleNotes:
        """Make ``changes`` to article ``key`` and write this device's file of it, once.
        :class:`~reader.records.UnknownRecord` (nothing written) when a change names a
        record the article does not have; :class:`BusyError`, :class:`StoreError`."""

        def edit(tables: Tables, tick: Callable[[], str]) -> Tables:
            for change in changes:
                tables = apply(tables, change, key=key, device=self.device.id, clock=tick())
            return tables

        return self.edit(key, edit, wait=wait)

    def edit(
        self,
        key: str,
        edit: Callable[[Tables, Callable[[], str]], Tables],
        *,
        extra: Sequence[Tables] = (),
        wait: float | None = None,
    ) -> ArticleNotes:
        """Article ``key``'s merged tables (with ``extra`` copies merged in) changed by
        ``edit`` (given the tables and a clock to tick), written to this device's file."""
        if classify(f"{key}.json") != (key, "main"):
            # A file named by anything but a key is one no reader would read back: its
            # notes would be written and never seen again. A caller's mistake, said at once.
            raise ValueError(f"{key!r} is not an article key (16 hexadecimal digits)")
        self._writable()
        with self._guard, self.locked(key, wait):
            self._ensure_own()
            tables, files, sources = self._own_included(key, *self._tables(key))
            if extra:
                tables = merge_tables([tables, *extra])
            new = edit(tables, self.clock.tick)
            return build(key, self._commit(key, new, files, sources))

    def _own_included(
        self, key: str, tables: Tables, files: list[VaultFile], sources: list[Source]
    ) -> tuple[Tables, list[VaultFile], list[Source]]:
        """The merged tables with this device's own file of ``key`` in them for certain
        (a listing of the folder a moment old might not have it yet): what is written over
        it must hold all of it."""
        own_path = self.own_notes / f"{key}.json"
        if any(f.path == own_path for f in files):
            return tables, files, sources
        own = self._read(own_path)
        if own.state == "missing":
            return tables, files, sources
        source = Source(own_path, self.device.id, key, "main")
        if own.ok:
            tables = merge_tables([tables, own.tables])
        elif own_path in self._before_damage:
            tables = merge_tables([tables, self._before_damage[own_path].tables])
        return tables, [*files, own], [*sources, source]

    def save_link(self, link: CrossLink, *, wait: float | None = None) -> None:
        """Add or change a cross-link, in the files of both its articles (one write each):
        each article's links are then read from its own files only."""
        for key in dict.fromkeys((link.source.article_id, link.target.article_id)):
            self.save(key, [PutLink(link)], wait=wait)

    def delete_link(self, link: CrossLink, *, wait: float | None = None) -> None:
        """Delete a cross-link from both its articles' files."""
        for key in dict.fromkeys((link.source.article_id, link.target.article_id)):
            with contextlib.suppress(UnknownRecord):  # an end that never had it
                self.save(key, [DeleteLink(link.id)], wait=wait)

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(self.problem or f"the notes vault {self.root} is open read-only")

    def _commit(
        self, key: str, tables: Tables, files: Sequence[VaultFile], sources: Sequence[Source]
    ) -> Tables:
        """Write ``tables`` as this device's file of ``key`` (or, when that file is damaged,
        as a recovery file beside it), then clean up what its write made needless."""
        own_path = self.own_notes / f"{key}.json"
        own = next((f for f in files if f.path == own_path), None)
        own = own or self._read(own_path)
        meta = meta_doc(NOTES_KIND, self.device.id, key)
        if own.state == "missing" or (own.ok and own.device == self.device.id):
            if not (own.ok and own.tables == tables):
                self._remember(write_file(own_path, meta, tables, own if own.ok else None))
            self._clean(key, files, sources)
            return tables
        target = self._recovery_path(key, sources)
        previous = self._read(target)
        written = write_file(target, meta, tables, previous if previous.ok else None)
        self._remember(written)
        if target not in self.recovered:
            self.recovered.append(target)
        told = self._damage_report(own, target)
        self._note(str(own.path), told)
        if self.on_aside is not None:
            self.on_aside(target)
            return tables
        with self._guard:  # said by the error: not again among the files skipped
            self._told.add((str(own.path), told))
        raise StoreError(told)

    def _damage_report(self, own: VaultFile, target: Path) -> str:
        why = own.problem or f"{own.path} was written by another device"
        return (
            f"{why}. It was left as it is; this change and all of this article's notes "
            f"were saved to {target} instead. Run `reader recover` to merge them"
        )

    def _recovery_path(self, key: str, sources: Sequence[Source]) -> Path:
        """This device's recovery file for ``key``: the latest already there (it is read as
        one more copy, so writing over it loses nothing), else a new one."""
        mine = sorted(
            s.path
            for s in sources
            if s.device == self.device.id and s.kind == "recovered" and s.key == key
        )
        if mine:
            return mine[-1]
        name = f"{key}.json.recovered-{time.strftime('%Y%m%d-%H%M%S')}"
        path, number = self.own_notes / name, 1
        while path.exists():
            number += 1
            path = self.own_notes / f"{name}-{number}"
        return path

    def _clean(self, key: str, files: Sequence[VaultFile], sources: Sequence[Source]) -> None:
        """Once this device's file of ``key`` holds them: take away the sync tools' copies
        in this device's folder that were read, and this device's files of keys moved to
        ``key``; and the temporary files of this device's writers that died."""
        read = {f.path for f in files if f.ok}
        for source in sources:
            if source.device != self.device.id or source.path not in read:
                continue
            if source.kind == "conflict" or (source.kind == "main" and source.key != key):
                with contextlib.suppress(OSError):
                    source.path.unlink()
                self._files.pop(source.path, None)
        prefix = f".{key}.json."
        names = self._names(self.own_notes)
        # Found by where they sort, not by a pass over every file of the folder (each save
        # of an import looked at all 2,000 names).
        at = bisect_left(names, prefix)
        while at < len(names) and names[at].startswith(prefix):
            name = names[at]
            at += 1
            if name.endswith(".tmp"):
                with contextlib.suppress(ValueError, OSError):
                    pid = int(name[len(prefix) :].split(".")[0])
                    if pid != os.getpid() and not alive(pid):
                        (self.own_notes / name).unlink()

    def _ensure_own(self) -> None:
        """This device's folder, with its ``device.json``, and the vault's README."""
        if self._own_ready and self.own_notes.is_dir():
            return
        self.own_notes.mkdir(parents=True, exist_ok=True)
        create_once(self.root / "README.md", README.encode("utf-8"))
        path = self.own_dir / DEVICE_FILE
        own = self._read(path, DEVICE_KIND)
        record = own.tables.get("device", {}).get("device") if own.ok else None
        if own.state == "missing" or (
            own.ok and (record is None or m.field(record, "name") != self.device.name)
        ):
            self._write_device(lambda tables, tick: tables)
        self._own_ready = True

    def _write_device(self, edit: Callable[[Tables, Callable[[], str]], Tables]) -> None:
        """Write this device's ``device.json`` (its name, its moves) changed by ``edit``;
        a damaged one is left as it is (moves then wait; notes are never at stake)."""
        path = self.own_dir / DEVICE_FILE
        own = self._read(path, DEVICE_KIND)
        if not (own.state == "missing" or own.ok):
            return
        tables = dict(own.tables) if own.ok else {}
        record = tables.get("device", {}).get("device") or m.new_record("device")
        if m.field(record, "name") != self.device.name:
            record = m.set_field(record, "name", self.device.name, self.clock.tick())
        tables["device"] = {"device": record}
        tables = edit(tables, self.clock.tick)
        meta = meta_doc(DEVICE_KIND, self.device.id)
        self._remember(write_file(path, meta, tables, own if own.ok else None))

    # --- moves --------------------------------------------------------------------------------

    def move(self, old: str, new: str, facts: Facts, *, wait: float | None = None) -> ArticleNotes:
        """Article ``old`` is now ``new`` (its file moved to ``facts.path``): its notes go to
        this device's file of ``new``, the move is recorded in this device's
        ``device.json`` (so every device reads ``old``'s files as ``new``'s), and this
        device's file of ``old`` is taken away, in that order (a kill at any point loses
        nothing: the notes are in one of the files, and the move can be made again)."""
        self._writable()
        if old == new:
            return self.save(new, [SetFacts(facts)], wait=wait)
        first, second = sorted((old, new))
        with self._guard, self.locked(first, wait), self.locked(second, wait):
            self._ensure_own()
            old_tables = self._own_included(old, *self._tables(old))[0]
            tables, files, sources = self._own_included(new, *self._tables(new))
            tables = merge_tables([old_tables, tables])
            tables = apply(
                tables, SetFacts(facts), key=new, device=self.device.id, clock=self.clock.tick()
            )
            written = self._commit(new, tables, files, sources)

            def record_move(device_tables: Tables, tick: Callable[[], str]) -> Tables:
                moves = dict(device_tables.get("moves", {}))
                clock = tick()
                moves[old] = m.set_field(moves.get(old) or m.new_record(old), "to", new, clock)
                if new in moves:  # moved back: new is an article of its own again
                    moves[new] = m.set_field(moves[new], "to", "", clock)
                return {**device_tables, "moves": moves}

            self._write_device(record_move)
            with contextlib.suppress(OSError):
                (self.own_notes / f"{old}.json").unlink()
            self._merged.pop(old, None)
            return build(new, written)

    def move_to(
        self, old: str, other: Vault, new: str, facts: Facts, *, wait: float | None = None
    ) -> ArticleNotes:
        """Article ``old`` of this vault is now ``new`` of ``other`` (its file moved into or
        out of a library): its notes, as every device here wrote them, go to this device's
        file of ``new`` there; then this device's file of ``old`` here is taken away, in
        that order (a kill between loses nothing: the notes are in both). Other devices'
        files here are never written over: they stay as they are."""
        self._writable()
        with self._guard, self.locked(old, wait):
            tables = self._own_included(old, *self._tables(old))[0]

            def arrive(there: Tables, tick: Callable[[], str]) -> Tables:
                return apply(there, SetFacts(facts), key=new, device=other.device.id, clock=tick())

            notes = other.edit(new, arrive, extra=[tables], wait=wait)
            with contextlib.suppress(OSError):
                (self.own_notes / f"{old}.json").unlink()
            self._merged.pop(old, None)
        return notes


def _same(seen: tuple[list[str], ...], now: tuple[list[str], ...]) -> bool:
    """Whether two sets of listings are the very same lists (no folder changed between)."""
    return len(seen) == len(now) and all(a is b for a, b in zip(seen, now, strict=True))
