"""What reading an article's notes from the vault gives: model objects, merged from every
device, with what only a vault knows (notes written apart, each device's reading place,
which device changed a highlight last).

Pure: built from merged tables (:mod:`.merge`, :mod:`.records`); no files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reader.db.vault import merge as m
from reader.db.vault.clock import ZERO, device_of, iso
from reader.db.vault.merge import Tables
from reader.db.vault.records import (
    ARTICLE,
    ARTICLE_ID,
    HIGHLIGHTS,
    LINKS,
    NOTE,
    NOTE_ID,
    POSITIONS,
    Facts,
    article_note_from,
    facts_of,
    highlight_from,
    link_from,
    note_conflicts,
)
from reader.model import ArticleNote, CrossLink, Highlight, ReadingPosition


@dataclass(frozen=True, slots=True)
class NoteVersion:
    """A text of a note written on a device while another wrote a different one: kept, and
    shown beside the note, until the reader keeps one."""

    text: str
    clock: str

    @property
    def device(self) -> str:
        """The device it was written on."""
        return device_of(self.clock)

    @property
    def written(self) -> str:
        """When (ISO 8601 UTC)."""
        return iso(self.clock)


@dataclass(frozen=True, slots=True)
class DevicePosition:
    """Where a device was in the article, and when it was there."""

    device: str
    position: ReadingPosition
    opened: float
    clock: str


@dataclass(frozen=True, slots=True)
class ArticleNotes:
    """An article's notes, merged from every device's files."""

    key: str
    facts: Facts | None = None
    highlights: tuple[Highlight, ...] = ()
    deleted: tuple[Highlight, ...] = ()  # tombstones: what an undo brings back
    note: ArticleNote = field(default_factory=ArticleNote)
    note_ref: str = ""  # the id the W3C export names the article note by
    links: tuple[CrossLink, ...] = ()
    positions: dict[str, DevicePosition] = field(default_factory=dict)
    # Notes written apart: for each record (a highlight's id, or "note" for the article
    # note), the versions not shown, oldest first.
    conflicts: dict[str, tuple[NoteVersion, ...]] = field(default_factory=dict)
    # For each of those records, the version shown (the latest).
    shown: dict[str, NoteVersion] = field(default_factory=dict)
    # The device that changed each highlight (and link, and "note") last.
    changed_by: dict[str, str] = field(default_factory=dict)
    latest: str = ZERO  # the time of the last change

    def highlight(self, highlight_id: str) -> Highlight | None:
        """The highlight with this id (deleted ones too), or None."""
        for found in (*self.highlights, *self.deleted):
            if found.id == highlight_id:
                return found
        return None

    def position_of(self, device: str) -> ReadingPosition | None:
        """Where ``device`` last was in the article (None: it never opened it)."""
        found = self.positions.get(device)
        return found.position if found else None

    def furthest_elsewhere(self, device: str) -> DevicePosition | None:
        """The position of another device that read further than ``device``, latest
        opened first ("Last read on LAPTOP at 63%"), or None."""
        mine = self.positions.get(device)
        progress = mine.position.progress if mine else 0.0
        others = [
            p for d, p in self.positions.items() if d != device and p.position.progress > progress
        ]
        return max(others, key=lambda p: (p.opened, p.clock), default=None)


def build(key: str, tables: Tables) -> ArticleNotes:
    """An article's notes from its merged tables."""
    highlights: list[Highlight] = []
    deleted: list[Highlight] = []
    conflicts: dict[str, tuple[NoteVersion, ...]] = {}
    shown: dict[str, NoteVersion] = {}
    changed_by: dict[str, str] = {}
    latest = ZERO
    for rid, record in tables.get(HIGHLIGHTS, {}).items():
        highlight = highlight_from(record, key)
        last = m.latest(record)
        latest = max(latest, last)
        if highlight is None:
            continue
        (deleted if m.is_deleted(record) else highlights).append(highlight)
        changed_by[rid] = device_of(last)
        others = note_conflicts(record)
        if others:
            conflicts[rid] = tuple(NoteVersion(text, clock) for text, clock in others)
            shown[rid] = _shown(record, "note")
    links: list[CrossLink] = []
    for rid, record in tables.get(LINKS, {}).items():
        latest = max(latest, m.latest(record))
        link = link_from(record)
        if link is not None and not m.is_deleted(record):
            links.append(link)
            changed_by[rid] = device_of(m.latest(record))
    note_record = tables.get(NOTE, {}).get(NOTE_ID)
    note = article_note_from(note_record)
    note_ref = ""
    if note_record is not None:
        latest = max(latest, m.latest(note_record))
        note_ref = str(m.field(note_record, "ref", "") or "")
        others = note_conflicts(note_record, "text")
        if others:
            conflicts[NOTE_ID] = tuple(NoteVersion(text, clock) for text, clock in others)
            shown[NOTE_ID] = _shown(note_record, "text")
        changed_by[NOTE_ID] = device_of(m.latest(note_record))
    positions: dict[str, DevicePosition] = {}
    for device, record in tables.get(POSITIONS, {}).items():
        found = _position(device, record)
        if found is not None:
            positions[device] = found
    highlights.sort(key=lambda h: (h.anchor.start, h.anchor.end, h.id))
    deleted.sort(key=lambda h: (h.anchor.start, h.anchor.end, h.id))
    links.sort(key=lambda link: (link.created, link.id))
    return ArticleNotes(
        key,
        facts_of(tables.get(ARTICLE, {}).get(ARTICLE_ID)),
        tuple(highlights),
        tuple(deleted),
        note,
        note_ref,
        tuple(links),
        positions,
        conflicts,
        shown,
        changed_by,
        latest,
    )


def _shown(record: dict[str, Any], name: str) -> NoteVersion:
    text, clock = m.versions(record, name)[-1]
    return NoteVersion(str(text), clock)


def _position(device: str, record: dict[str, Any]) -> DevicePosition | None:
    at = m.field(record, "at")
    try:
        position = ReadingPosition(int(at["block"]), int(at["offset"]), float(at["progress"]))
        opened = float(at.get("opened", 0.0))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return DevicePosition(device, position, opened, m.field_clock(record, "at"))
