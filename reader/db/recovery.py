"""Merge changes that reader put aside while its database was damaged back into it.

While another program has damaged ``reader.json``, reader writes its own copy, with every
change since, to ``reader.json.recovered-DATE`` beside it. :func:`recover` merges such files
into the database: highlights by id (the newer ``modified`` wins; one only in either file
is kept), links and articles by id (a note or position from the file wins when it is
newer). Nothing is dropped. A damaged database is first rebuilt from its backup, and kept
beside it as ``reader.json.damaged-DATE``; a merged recovery file is renamed
``...merged``, never deleted. No Textual here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from reader.atomic import atomic_write
from reader.db.schema import holds_data
from reader.db.single_file import MIGRATIONS, SCHEMA_VERSION, parse_database, schema_of
from reader.db.storage import (
    DamagedError,
    Data,
    StoreError,
    database_file,
    lock_for,
    recovery_files,
    serialise,
)

HIGHLIGHTS = "highlights/"


@dataclass(slots=True)
class Merged:
    """What merging one recovery file changed."""

    source: Path
    kept: Path | None = None
    added: int = 0
    updated: int = 0
    same: int = 0
    links: int = 0
    articles: int = 0

    def summary(self) -> str:
        """One line for the user."""
        parts = [f"{self.added} highlight{'s' * (self.added != 1)} added"]
        if self.updated:
            parts.append(f"{self.updated} updated (newer in the recovered file)")
        if self.same:
            parts.append(f"{self.same} already there")
        if self.links:
            parts.append(f"{self.links} link{'s' * (self.links != 1)} added")
        if self.articles == 1:
            parts.append("1 article's note or reading place updated")
        elif self.articles:
            parts.append(f"{self.articles} articles' notes or reading places updated")
        return ", ".join(parts)


@dataclass(slots=True)
class Recovery:
    """What :func:`recover` did."""

    db: Path
    merged: list[Merged] = field(default_factory=list)
    damaged_kept: Path | None = None
    rebuilt_from: Path | None = None


def recover(db: Path, files: list[Path] | None = None) -> Recovery:
    """Merge ``files`` (by default every recovery file beside ``db``) into ``db``.

    Raises :class:`StoreError` with a message for the user when a file cannot be used;
    then nothing has been changed.
    """
    from filelock import FileLock, Timeout

    db = database_file(db)  # through a symbolic link: merged into the file it leads to
    files = recovery_files(db) if files is None else files
    result = Recovery(db)
    try:
        with FileLock(str(lock_for(db))).acquire(timeout=10):
            base, damaged = _base(db, result)
            extras = [(path, _readable(path)) for path in files]
            if not extras and not damaged:
                return result
            for path, extra in extras:
                result.merged.append(merge(base, extra, Merged(path)))
            stamp = time.strftime("%Y%m%d-%H%M%S")
            if damaged:
                # A second name for the damaged file, not a rename: until the new database
                # is in place, the old one stays where it was (a full disk, a Ctrl+C).
                result.damaged_kept = _free(db.with_name(f"{db.name}.damaged-{stamp}"))
                _keep_aside(db, result.damaged_kept)
            try:
                atomic_write(db, serialise(base))
            except BaseException:
                if result.damaged_kept is not None:
                    with contextlib.suppress(OSError):
                        result.damaged_kept.unlink()
                raise
            for merged in result.merged:
                kept = _free(merged.source.with_name(merged.source.name + ".merged"))
                try:
                    merged.source.rename(kept)
                except OSError:
                    continue  # merged all the same: kept stays None, and the user is told
                merged.kept = kept
    except Timeout:
        raise StoreError(f"{db} is locked by a running reader; quit it, then try again") from None
    except OSError as error:
        raise StoreError(f"could not recover into {db}: {error.strerror or error}") from None
    return result


def _base(db: Path, result: Recovery) -> tuple[Data, bool]:
    """The database to merge into, and whether the file on disk is damaged (then the
    backup, or an empty database, is the base)."""
    if not db.exists():
        return _fresh(), False
    backup = db.with_name(db.name + ".bak")
    try:
        data = parse_database(db)
    except DamagedError:
        pass
    else:
        # An empty file beside a good backup was cut short (reader never writes one).
        if data or not holds_data(backup):
            return (_migrated(data, db) if data else _fresh()), False
    data = parse_database(backup) if holds_data(backup) else {}
    if data:
        result.rebuilt_from = backup
        return _migrated(data, backup), True
    return _fresh(), True


def _readable(path: Path) -> Data:
    try:
        data = parse_database(path)
    except StoreError as error:
        raise StoreError(f"cannot recover from it: {error}") from None
    if not data:
        raise StoreError(f"{path} is empty: there is nothing in it to recover")
    return _migrated(data, path)


def _migrated(data: Data, path: Path) -> Data:
    version = schema_of(data) or 0
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer version of reader (schema {version}); "
            "upgrade reader to recover it. Nothing was changed"
        )
    for step in MIGRATIONS[version:]:
        step(data)
    data.setdefault("meta", {})["1"] = {"schema": SCHEMA_VERSION}
    return data


def _fresh() -> Data:
    return _migrated({}, Path())


def _keep_aside(db: Path, kept: Path) -> None:
    """Give ``db`` the second name ``kept`` (a copy where hard links cannot be made)."""
    try:
        os.link(db, kept)
    except OSError:
        try:
            shutil.copy2(db, kept)
        except BaseException:
            with contextlib.suppress(OSError):
                kept.unlink()
            raise


def _free(path: Path) -> Path:
    """``path``, or the same name with a number added, so that nothing is written over."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}-{number}")
    return candidate


# --- merging ----------------------------------------------------------------------------------


def merge(base: Data, extra: Data, report: Merged) -> Merged:
    """Merge database ``extra`` into ``base`` (in place); nothing of either is dropped."""
    for name, table in extra.items():
        if name == "meta":
            continue
        if name.startswith(HIGHLIGHTS):
            _merge_highlights(base.setdefault(name, {}), table, report)
        elif name == "links":
            report.links += _merge_links(base.setdefault(name, {}), table)
        elif name == "articles":
            report.articles += _merge_articles(base.setdefault(name, {}), table)
        elif name not in base:
            base[name] = table  # a table this reader does not use: kept as it was
    return report


def _by_id(table: dict[str, Any]) -> dict[str, str]:
    """Document id -> key in the table."""
    return {str(doc.get("id")): key for key, doc in table.items() if "id" in doc}


def _next_key(table: dict[str, Any]) -> int:
    return max((int(key) for key in table), default=0) + 1


def _merge_highlights(base: dict[str, Any], extra: dict[str, Any], report: Merged) -> None:
    known = _by_id(base)
    for doc in extra.values():
        key = known.get(str(doc.get("id")))
        if key is None:
            new_key = str(_next_key(base))
            base[new_key] = doc
            known[str(doc.get("id"))] = new_key
            report.added += 1
        elif doc == base[key]:
            report.same += 1
        elif _later(doc.get("modified"), base[key].get("modified")):
            base[key] = doc
            report.updated += 1
        else:
            report.same += 1


def _merge_links(base: dict[str, Any], extra: dict[str, Any]) -> int:
    """Add the links of ``extra`` missing from ``base`` (a link never changes once made);
    returns how many."""
    known = _by_id(base)
    added = 0
    for doc in extra.values():
        if str(doc.get("id")) not in known:
            key = str(_next_key(base))
            base[key] = doc
            known[str(doc.get("id"))] = key
            added += 1
    return added


def _merge_articles(base: dict[str, Any], extra: dict[str, Any]) -> int:
    """Articles by id: the note and the reading position each from whichever is newer."""
    known = _by_id(base)
    changed = 0
    for doc in extra.values():
        key = known.get(str(doc.get("id")))
        if key is None:
            new_key = str(_next_key(base))
            base[new_key] = doc
            known[str(doc.get("id"))] = new_key
            changed += 1
            continue
        mine = dict(base[key])
        if "note" in doc and _later(doc.get("note_modified"), mine.get("note_modified")):
            mine["note"], mine["note_modified"] = doc["note"], doc.get("note_modified")
        if "position" in doc and _later(doc.get("opened"), mine.get("opened")):
            mine["position"], mine["opened"] = doc["position"], doc.get("opened")
        for name, value in doc.items():
            mine.setdefault(name, value)
        if mine != base[key]:
            base[key] = mine
            changed += 1
    return changed


def _later(theirs: object, mine: object) -> bool:
    """Whether time ``theirs`` is after ``mine`` (ISO 8601 text or seconds; a missing time
    is the earliest)."""
    return _moment(theirs) > _moment(mine)


def _moment(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return float("-inf")
    return float("-inf")
