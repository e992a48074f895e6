"""Keeping a vault's notes safe over time: a daily snapshot of this device's folder, a
restore from it that takes nothing away, and ``reader recover`` for a damaged file.

What replaces ``reader.json.bak``: once a day, this device's folder (its ``device.json``
and every article file) is snapshotted to ``DATA/backups/<vault>/<YYYY-MM-DD>/``, never
synced, kept :data:`KEEP_DAYS` days. The snapshot is made of hard links: reader only ever
replaces a vault file by renaming a new one over it, so a link keeps the old version whole,
and a day's snapshot costs a few milliseconds and no space for the files unchanged since.
(Where links cannot be made, a library on another disk, the files are copied.) A sync that
deletes the vault folder (a tool told by another machine that it was removed) takes away
none of it.

:func:`restore` brings a snapshot's notes back *into* the vault rather than over it: a
highlight or link deleted since comes back, a note text replaced since comes back beside
the note (to keep one), tags removed since come back; nothing made since is taken away.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from reader.atomic import alive
from reader.db.vault import merge as m
from reader.db.vault.files import NOTES_KIND, classify, read_file
from reader.db.vault.folder import DEVICE_FILE, NOTES_DIR
from reader.db.vault.merge import Tables
from reader.db.vault.records import HIGHLIGHTS, LINKS, NOTE
from reader.db.vault.vault import Vault
from reader.errors import StoreError

KEEP_DAYS = 14
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def backups_dir(vault: Vault) -> Path:
    """Where this vault's snapshots are kept (in the data folder)."""
    return vault.data_dir / "backups" / vault.ident


def snapshots(vault: Vault) -> list[str]:
    """The days there is a snapshot of (YYYY-MM-DD), oldest first."""
    try:
        names = os.listdir(backups_dir(vault))
    except OSError:
        return []
    return sorted(n for n in names if DAY.match(n))


def snapshot(vault: Vault, today: date | None = None) -> Path | None:
    """Snapshot this device's folder, once a day (None when today's is already made or
    there is nothing yet), and forget snapshots older than :data:`KEEP_DAYS` days."""
    day = today or date.today()
    folder = backups_dir(vault) / day.isoformat()
    if folder.exists() or not vault.own_dir.is_dir():
        _prune(vault, day)
        return None
    temp = folder.with_name(f".{day.isoformat()}.{os.getpid()}.tmp")
    shutil.rmtree(temp, ignore_errors=True)
    try:
        (temp / NOTES_DIR).mkdir(parents=True)
        (temp / "vault.txt").write_text(f"{vault.root}\n", encoding="utf-8")
        if (vault.own_dir / DEVICE_FILE).is_file():
            _link_or_copy(vault.own_dir / DEVICE_FILE, temp / DEVICE_FILE)
        for name in sorted(os.listdir(vault.own_notes)):
            if classify(name) is not None:
                with contextlib.suppress(FileNotFoundError):  # replaced meanwhile: next time
                    _link_or_copy(vault.own_notes / name, temp / NOTES_DIR / name)
        os.rename(temp, folder)
    except OSError as error:
        raise StoreError(
            f"could not make today's snapshot of the notes in {folder}: {error.strerror or error}"
        ) from None
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    _prune(vault, day)
    return folder


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except FileNotFoundError:
        raise
    except OSError:
        shutil.copy2(source, target)


def _prune(vault: Vault, today: date) -> None:
    """Forget snapshots older than :data:`KEEP_DAYS` days, and what a snapshot killed on
    its way left."""
    oldest = (today - timedelta(days=KEEP_DAYS)).isoformat()
    folder = backups_dir(vault)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if DAY.match(name) and name < oldest:
            shutil.rmtree(folder / name, ignore_errors=True)
        elif name.startswith(".") and name.endswith(".tmp"):
            with contextlib.suppress(ValueError):
                if not alive(int(name.rsplit(".", 2)[-2])):
                    shutil.rmtree(folder / name, ignore_errors=True)


@dataclass(slots=True)
class Restored:
    """What a restore brought back."""

    day: str
    articles: int = 0
    records: int = 0  # highlights and links deleted since, brought back
    notes: int = 0  # note texts replaced since, brought back beside the note
    tags: int = 0
    skipped: list[str] = field(default_factory=list)  # files of the snapshot not read

    def summary(self) -> str:
        """One line for the user."""
        return (
            f"From the snapshot of {self.day}: {self.records} deleted highlight(s) or link(s) "
            f"and {self.notes} replaced note text(s) brought back, {self.tags} tag(s) put "
            f"back, in {self.articles} article(s); nothing made since was taken away"
        )


def restore(vault: Vault, day: str) -> Restored:
    """Bring the snapshot of ``day`` back into the vault (see the module's docstring).
    :class:`StoreError` when there is no such snapshot."""
    folder = backups_dir(vault) / day / NOTES_DIR
    if not DAY.match(day) or not folder.is_dir():
        days = ", ".join(snapshots(vault)) or "none"
        raise StoreError(f"there is no snapshot of the notes of {day} (there are: {days})")
    report = Restored(day)
    for name in sorted(os.listdir(folder)):
        named = classify(name)
        if named is None:
            continue
        found = read_file(folder / name, NOTES_KIND)
        if not found.ok:
            report.skipped.append(found.problem)
            continue
        key = vault.resolve(named[0])
        before = (report.records, report.notes, report.tags)
        now = vault.article(key)
        known = {h.id for h in (*now.highlights, *now.deleted)} | {link.id for link in now.links}
        report.records += sum(
            1
            for table in (HIGHLIGHTS, LINKS)
            for rid, record in found.tables.get(table, {}).items()
            if rid not in known and not m.is_deleted(record)
        )
        vault.edit(key, _bring_back(found.tables, report), extra=[found.tables])
        if (report.records, report.notes, report.tags) != before:
            report.articles += 1
    return report


def _bring_back(
    snapshot: Tables, report: Restored
) -> Callable[[Tables, Callable[[], str]], Tables]:
    def edit(tables: Tables, tick: Callable[[], str]) -> Tables:
        tables = dict(tables)
        for name, register in ((HIGHLIGHTS, "note"), (LINKS, ""), (NOTE, "text")):
            table = dict(tables.get(name, {}))
            for rid, old in snapshot.get(name, {}).items():
                record = table.get(rid)
                if record is None:
                    continue
                if m.is_deleted(record) and not m.is_deleted(old):
                    record = m.undelete(record, tick())
                    report.records += 1
                if register:
                    live = {text for text, _ in m.versions(record, register)}
                    for text, _ in m.versions(old, register):
                        if text and text not in live:
                            record = m.write_version(record, register, text, tick(), [])
                            live.add(text)
                            report.notes += 1
                for tag in m.members(old, "tags"):
                    if tag not in m.members(record, "tags"):
                        record = m.set_member(record, "tags", tag, True, tick())
                        report.tags += 1
                table[rid] = record
            tables[name] = table
        return tables

    return edit


def recover(vault: Vault) -> list[str]:
    """Merge this device's recovery files into its files, and rebuild a damaged file from
    every copy there is; the damaged file and the recovery files go to the data folder's
    backups (out of the synced folder, never deleted). One line per article."""
    lines: list[str] = []
    kept = backups_dir(vault)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    own = vault.own_notes
    entries: dict[str, list[str]] = {}
    for name in sorted(os.listdir(own)) if own.is_dir() else []:
        named = classify(name)
        if named is not None and named[1] != "conflict":
            entries.setdefault(named[0], []).append(name)
    for key, names in sorted(entries.items()):
        main = own / f"{key}.json"
        found = read_file(main, NOTES_KIND)
        if found.state == "newer":
            lines.append(f"{found.problem}; it was not recovered")
            continue
        bad = found.state in ("damaged", "foreign") or (
            found.ok and found.device != vault.device.id
        )
        recovered = [own / n for n in names if n != main.name]
        if not bad and not recovered:
            continue
        with vault.locked(key):
            aside = None
            if bad:
                aside = _move(main, kept / "damaged" / f"{main.name}.damaged-{stamp}")
            vault.edit(key, lambda tables, tick: tables)
            for path in recovered:
                _move(path, kept / "recovered" / path.name)
        said = f"{main}: rebuilt from every copy of its notes"
        if recovered:
            said += f", with {len(recovered)} recovery file(s)"
        if aside is not None:
            said += f"; the damaged file was kept as {aside}"
        lines.append(said)
    return lines


def _move(path: Path, target: Path) -> Path:
    """Move ``path`` to ``target`` (a free name near it), out of the vault."""
    target.parent.mkdir(parents=True, exist_ok=True)
    candidate, number = target, 1
    while candidate.exists():
        number += 1
        candidate = target.with_name(f"{target.name}-{number}")
    shutil.move(path, candidate)
    return candidate
