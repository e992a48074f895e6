"""What the library shows of each article's notes, kept in a cache that is only derived.

Listing a library of thousands must not read thousands of notes files each time. Each
article's :class:`Summary` (how many highlights, with how many notes, which tags, notes
written apart, each device's reading place and last change) is kept in
``DATA/cache/vault-<hash>.json`` with the stamps (size, modification time, inode) of the
files it was made from; it is made again only for an article one of whose files changed,
appeared or went. The cache is this device's alone, never synced, and safe to delete: a
cache that cannot be read is made again from the vault.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from reader.atomic import atomic_write
from reader.db.vault import merge as m
from reader.db.vault.clock import ZERO, device_of
from reader.db.vault.merge import Tables
from reader.db.vault.records import (
    ARTICLE,
    ARTICLE_ID,
    HIGHLIGHTS,
    NOTE,
    NOTE_ID,
    POSITIONS,
    article_note_from,
    facts_of,
    highlight_from,
    note_conflicts,
)
from reader.errors import StoreError
from reader.files import read_regular

CACHE_FORMAT = "reader-vault-summaries"
CACHE_SCHEMA = 2  # 2: the same text written on two devices is no conflict

SourceStamp = tuple[str, int, int, int]  # (path in the vault, size, mtime_ns, inode)


@dataclass(frozen=True, slots=True)
class Summary:
    """An article's notes, counted: what ``reader list`` and the library show."""

    key: str
    path: str = ""
    title: str = ""
    source: str = ""
    fingerprint: str = ""
    highlights: int = 0
    notes: int = 0  # highlights with a note
    tags: dict[str, int] = field(default_factory=dict)  # tag -> highlights with it
    article_note: bool = False
    conflicts: int = 0  # notes written apart on two devices, waiting for the reader
    conflict_devices: dict[str, int] = field(default_factory=dict)  # device -> versions
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)  # progress, opened
    latest: dict[str, str] = field(default_factory=dict)  # device -> its last change here

    def to_json(self) -> dict[str, Any]:
        """The summary as the cache stores it."""
        return asdict(self)

    @classmethod
    def from_json(cls, raw: object) -> Summary | None:
        """A summary from the cache, or None when it is not one."""
        if not isinstance(raw, dict):
            return None
        try:
            return cls(
                key=str(raw["key"]),
                path=str(raw["path"]),
                title=str(raw["title"]),
                source=str(raw["source"]),
                fingerprint=str(raw["fingerprint"]),
                highlights=int(raw["highlights"]),
                notes=int(raw["notes"]),
                tags={str(k): int(v) for k, v in raw["tags"].items()},
                article_note=bool(raw["article_note"]),
                conflicts=int(raw["conflicts"]),
                conflict_devices={str(k): int(v) for k, v in raw["conflict_devices"].items()},
                positions={str(k): (float(v[0]), float(v[1])) for k, v in raw["positions"].items()},
                latest={str(k): str(v) for k, v in raw["latest"].items()},
            )
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            return None


def summarise(key: str, tables: Tables) -> Summary:
    """The summary of an article's merged tables."""
    highlights = notes = conflicts = 0
    tags: dict[str, int] = {}
    conflict_devices: dict[str, int] = {}
    latest: dict[str, str] = {}

    def saw(record: m.Record) -> None:
        for clock in m.all_clocks(record):
            device = device_of(clock)
            if clock > latest.get(device, ZERO):
                latest[device] = clock

    def waiting(record: m.Record, name: str) -> bool:
        """Whether note ``name`` of ``record`` waits for the reader to keep one of its
        texts (each device that wrote one of them counted)."""
        others = note_conflicts(record, name)
        if not others:
            return False
        shown = m.versions(record, name)[-1][1]
        for clock in (*(c for _, c in others), shown):
            conflict_devices[device_of(clock)] = conflict_devices.get(device_of(clock), 0) + 1
        return True

    for record in tables.get(HIGHLIGHTS, {}).values():
        saw(record)
        highlight = highlight_from(record, key)
        if highlight is None or m.is_deleted(record):
            continue
        highlights += 1
        if highlight.note.strip():
            notes += 1
        for tag in highlight.tags:
            tags[tag] = tags.get(tag, 0) + 1
        if waiting(record, "note"):
            conflicts += 1
    for name in (ARTICLE, POSITIONS, "links"):
        for record in tables.get(name, {}).values():
            saw(record)
    note_record = tables.get(NOTE, {}).get(NOTE_ID)
    article_note = False
    if note_record is not None:
        saw(note_record)
        article_note = bool(article_note_from(note_record).text.strip())
        if waiting(note_record, "text"):
            conflicts += 1
    positions: dict[str, tuple[float, float]] = {}
    for device, record in tables.get(POSITIONS, {}).items():
        at = m.field(record, "at")
        with contextlib.suppress(KeyError, TypeError, ValueError):
            positions[device] = (float(at["progress"]), float(at.get("opened", 0.0)))
    facts = facts_of(tables.get(ARTICLE, {}).get(ARTICLE_ID))
    return Summary(
        key,
        facts.path if facts else "",
        facts.title if facts else "",
        facts.source if facts else "",
        facts.fingerprint if facts else "",
        highlights,
        notes,
        tags,
        article_note,
        conflicts,
        conflict_devices,
        positions,
        latest,
    )


class SummaryCache:
    """Summaries by article key, each with the stamps of the files it was made from."""

    def __init__(self, path: Path, root: Path) -> None:
        self.path = path
        self.root = str(root)
        self.entries: dict[str, tuple[tuple[SourceStamp, ...], Summary]] = {}
        self.loaded = False
        self.dirty = False

    def load(self) -> None:
        """Read the cache file (once); a cache that cannot be read counts as empty."""
        if self.loaded:
            return
        self.loaded = True
        try:
            data = json.loads(read_regular(self.path))
        except (OSError, ValueError, UnicodeDecodeError, RecursionError):
            return
        if not (
            isinstance(data, dict)
            and data.get("format") == CACHE_FORMAT
            and data.get("schema") == CACHE_SCHEMA
            and data.get("root") == self.root
            and isinstance(data.get("entries"), dict)
        ):
            return
        for key, entry in data["entries"].items():
            try:
                stamps = tuple(
                    (str(s[0]), int(s[1]), int(s[2]), int(s[3])) for s in entry["sources"]
                )
            except (KeyError, TypeError, ValueError, IndexError):
                continue
            summary = Summary.from_json(entry.get("summary"))
            if summary is not None and summary.key == key:
                self.entries[key] = (stamps, summary)

    def get(self, key: str, stamps: tuple[SourceStamp, ...]) -> Summary | None:
        """The cached summary of ``key`` if made from files with exactly these stamps."""
        entry = self.entries.get(key)
        return entry[1] if entry is not None and entry[0] == stamps else None

    def put(self, key: str, stamps: tuple[SourceStamp, ...], summary: Summary) -> None:
        """Remember a summary just made."""
        self.entries[key] = (stamps, summary)
        self.dirty = True

    def keep_only(self, keys: Mapping[str, object]) -> None:
        """Forget the articles no longer in the vault."""
        for key in [k for k in self.entries if k not in keys]:
            del self.entries[key]
            self.dirty = True

    def save(self) -> None:
        """Write the cache, if it changed (a cache that cannot be written is made again next
        time: nothing depends on it)."""
        if not self.dirty:
            return
        data = {
            "format": CACHE_FORMAT,
            "schema": CACHE_SCHEMA,
            "root": self.root,
            "entries": {
                key: {"sources": [list(s) for s in stamps], "summary": summary.to_json()}
                for key, (stamps, summary) in sorted(self.entries.items())
            },
        }
        payload = json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")
        with contextlib.suppress(OSError, StoreError):
            atomic_write(self.path, payload, sync_folder=False)
            self.dirty = False
