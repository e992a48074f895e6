"""reader's notes as vault records, and the changes a device makes to them.

An article's file holds these tables (records, :mod:`.merge`):

- ``article``: one record (id ``article``): the article's ``key``, ``path`` (inside its
  library, or absolute), ``title``, ``source`` address and text ``fingerprint``, so that a
  device that knows it by another path finds it;
- ``highlights``: one record per highlight (its uuid): fields ``anchor``, ``colour``,
  ``created``, ``modified``, ``original``, ``canonical``, ``check``, ``orphan_in``, the set
  ``tags`` (with ``tag_order``, the order they were typed in), the register ``note``;
- ``note``: the note on the article as a whole (id ``note``): the register ``text``, the set
  ``tags``, ``created``, ``modified``, and ``ref``, the id the W3C export names it by;
- ``links``: cross-links with an end in this article (each stored in both ends' files);
- ``positions``: one record per device (its id): ``at``, where that device last was.

A change (:class:`PutHighlight`, :class:`SetArticleNote`, …) is applied with a fresh clock
time by :func:`apply`; only the fields it changes get that time, so what another device
changed meanwhile stays. No TinyDB here, no files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reader.db.records import (
    anchor_doc,
    anchor_from,
    both_notes,
    end_doc,
    end_from,
    review_doc,
    review_from,
)
from reader.db.vault import merge as m
from reader.db.vault.clock import device_of, iso
from reader.db.vault.merge import Record, Tables
from reader.model import ArticleNote, Colour, CrossLink, Highlight

ARTICLE, HIGHLIGHTS, NOTE, LINKS, POSITIONS = "article", "highlights", "note", "links", "positions"
ARTICLE_ID, NOTE_ID = "article", "note"

# --- changes --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Facts:
    """What an article is: its path (inside its library, else absolute), title, source
    address and the fingerprint of its text."""

    path: str
    title: str = ""
    source: str = ""
    fingerprint: str = ""


@dataclass(frozen=True, slots=True)
class PutHighlight:
    """Add a highlight, or change it (bringing it back if it was deleted). With ``base``
    (the highlight as the change began from it), only what differs from ``base`` is
    changed: what another device or window changed meanwhile stays."""

    highlight: Highlight
    base: Highlight | None = None


@dataclass(frozen=True, slots=True)
class DeleteHighlight:
    """Delete a highlight (kept as a tombstone: :class:`RestoreHighlight` undoes it)."""

    id: str


@dataclass(frozen=True, slots=True)
class RestoreHighlight:
    """Bring back a deleted highlight (undo)."""

    id: str


@dataclass(frozen=True, slots=True)
class SetArticleNote:
    """Write the note on the article as a whole ("" clears it); ``base`` is the text the
    editor began from (the note shown, by default); ``tags`` as they were unless given."""

    text: str
    tags: tuple[str, ...] | None = None
    base: str | None = None
    created: str = ""
    modified: str = ""
    ref: str = ""  # the id the W3C export names it by (a migrated note keeps its old one)


@dataclass(frozen=True, slots=True)
class KeepNote:
    """Resolve a note written apart on two devices: ``text`` becomes the one note,
    replacing every version (``record`` is a highlight's id, or :data:`NOTE_ID`)."""

    record: str
    text: str


@dataclass(frozen=True, slots=True)
class PutLink:
    """Add a cross-link, or change it (bringing it back if deleted)."""

    link: CrossLink


@dataclass(frozen=True, slots=True)
class DeleteLink:
    """Delete a cross-link."""

    id: str


@dataclass(frozen=True, slots=True)
class SetPosition:
    """Where this device is in the article: block, offset, share read, and when (seconds
    since the epoch)."""

    block: int
    offset: int
    progress: float
    opened: float


@dataclass(frozen=True, slots=True)
class SetFacts:
    """What the article is (only the facts that changed are written)."""

    facts: Facts


Change = (
    PutHighlight
    | DeleteHighlight
    | RestoreHighlight
    | SetArticleNote
    | KeepNote
    | PutLink
    | DeleteLink
    | SetPosition
    | SetFacts
)

# --- highlights ----------------------------------------------------------------------------


_HIGHLIGHT_DEFAULTS: dict[str, Any] = {
    "original": None,
    "canonical": "",
    "check": False,
    "orphan_in": "",
    "review": None,
}


def highlight_fields(highlight: Highlight) -> dict[str, Any]:
    """A highlight's plain fields, as stored."""
    return {
        "anchor": anchor_doc(highlight.anchor),
        "colour": highlight.colour.value,
        "created": highlight.created,
        "modified": highlight.modified,
        "original": anchor_doc(highlight.original) if highlight.original else None,
        "canonical": highlight.canonical,
        "check": highlight.check,
        "orphan_in": highlight.orphan_in,
        "review": review_doc(highlight.review) if highlight.review else None,
    }


def highlight_from(record: Record, key: str) -> Highlight | None:
    """The highlight a record holds, as shown (its note: the latest version), or None when
    it holds none (no anchor: a record damaged, or only a tag from a change on a deleted
    one; it stays on disk)."""
    try:
        anchor = anchor_from(m.field(record, "anchor"))
        original_raw = m.field(record, "original")
        original = anchor_from(original_raw) if isinstance(original_raw, dict) else None
    except (KeyError, TypeError, ValueError):
        return None
    try:
        colour = Colour(m.field(record, "colour", Colour.YELLOW.value))
    except ValueError:
        colour = Colour.YELLOW
    notes = m.versions(record, "note")
    return Highlight(
        id=record["id"],
        article_id=key,
        anchor=anchor,
        colour=colour,
        tags=ordered_tags(record),
        note=str(notes[-1][0]) if notes else "",
        created=str(m.field(record, "created", "") or ""),
        modified=str(m.field(record, "modified", "") or ""),
        original=original,
        canonical=str(m.field(record, "canonical", "") or ""),
        check=m.field(record, "check") is True,
        orphan_in=str(m.field(record, "orphan_in", "") or ""),
        review=review_from(m.field(record, "review")),
    )


def ordered_tags(record: Record) -> tuple[str, ...]:
    """The tags present, in the order last typed; tags added elsewhere since come after,
    in their alphabetical order."""
    present = m.members(record, "tags")
    order = m.field(record, "tag_order", [])
    order = [t for t in order if isinstance(t, str)] if isinstance(order, list) else []
    first = [t for t in dict.fromkeys(order) if t in present]
    return (*first, *(t for t in present if t not in first))


def _set_tags(
    record: Record, tags: Iterable[str], before: Iterable[str], clock: str, name: str = "tags"
) -> Record:
    """``record`` with the tags ``before`` (as the change began) made ``tags``."""
    new, old = list(dict.fromkeys(tags)), set(before)
    for tag in new:
        if tag not in old:
            record = m.set_member(record, name, tag, True, clock)
    for tag in old:
        if tag not in new:
            record = m.set_member(record, name, tag, False, clock)
    if name == "tags" and new != list(dict.fromkeys(before)) and (new or old):
        record = m.set_field(record, "tag_order", new, clock)
    return record


def _write_note(record: Record, name: str, text: str, base: str, clock: str) -> Record:
    """``record`` with a new version of its note ``name``, replacing the versions whose
    text the editor began from (``base``): a version written meanwhile elsewhere stays."""
    replaces = [c for value, c in m.versions(record, name) if value == base]
    if not replaces and not text:
        # No note, and none written; or the text cleared was replaced meanwhile elsewhere:
        # the text written there stays the note (an empty version would hide it).
        return record
    return m.write_version(record, name, text, clock, replaces)


def _write_note_from(
    record: Record, text: str, base: str, clock: str, current: Highlight | None
) -> Record:
    """``record`` with the note ``text`` written from ``base``. When another window of this
    device saved the note meanwhile, both texts become the one note (``text`` first, the
    other under a marked line: :func:`~reader.db.records.both_notes`), as the editor says;
    a text written on another device stays a version of its own (a conflict to resolve)."""
    shown = m.versions(record, "note")
    if shown and current is not None:
        theirs, at = str(shown[-1][0]), shown[-1][1]
        if theirs != base and device_of(at) == device_of(clock):
            both = both_notes(base, theirs, text, current.modified)
            replaces = [c for value, c in shown if value in (base, theirs)]
            return m.write_version(record, "note", both, clock, replaces)
    return _write_note(record, "note", text, base, clock)


def put_highlight(record: Record | None, change: PutHighlight, key: str, clock: str) -> Record:
    """``record`` (None: a new highlight) with ``change`` made at ``clock``."""
    highlight = change.highlight
    current = highlight_from(record, key) if record is not None else None
    was_deleted = record is not None and m.is_deleted(record)
    reference = change.base if change.base is not None else current
    fields = highlight_fields(highlight)
    if record is None or reference is None:
        record = record or m.new_record(highlight.id)
        for name, value in fields.items():
            if name not in _HIGHLIGHT_DEFAULTS or value != _HIGHLIGHT_DEFAULTS[name]:
                record = m.set_field(record, name, value, clock)
        record = _set_tags(record, highlight.tags, (), clock)
        if highlight.note:
            record = m.write_version(
                record, "note", highlight.note, clock, [c for _, c in m.versions(record, "note")]
            )
    else:
        before = highlight_fields(reference)
        for name, value in fields.items():
            if value != before[name]:
                record = m.set_field(record, name, value, clock)
        if highlight.tags != reference.tags:
            record = _set_tags(record, highlight.tags, reference.tags, clock)
        if highlight.note != reference.note:
            record = _write_note_from(record, highlight.note, reference.note, clock, current)
    if was_deleted:
        record = m.undelete(record, clock)
    return record


def note_conflicts(record: Record, name: str = "note") -> tuple[tuple[str, str], ...]:
    """The versions of a note written apart and not shown (all but the latest), as
    (text, clock), oldest first. A text the same as the one shown, or as a later one, is
    no choice to make (a database copied to two machines and moved into the vault on
    each writes the same notes twice): it is not among them, though kept in the files."""
    versions = [(str(value), clock) for value, clock in m.versions(record, name)]
    if not versions:
        return ()
    seen = {versions[-1][0]}
    others: list[tuple[str, str]] = []
    for text, clock in reversed(versions[:-1]):
        if text not in seen:
            seen.add(text)
            others.append((text, clock))
    return tuple(reversed(others))


# --- the article note ----------------------------------------------------------------------


def article_note_from(record: Record | None) -> ArticleNote:
    """The note on the article as a whole (empty when none)."""
    if record is None or m.is_deleted(record):
        return ArticleNote()
    notes = m.versions(record, "text")
    text = str(notes[-1][0]) if notes else ""
    if not text:
        return ArticleNote()
    return ArticleNote(
        text,
        str(m.field(record, "created", "") or ""),
        str(m.field(record, "modified", "") or ""),
        ordered_tags(record),
    )


def set_article_note(record: Record | None, change: SetArticleNote, clock: str) -> Record:
    """``record`` (None: no note yet) with ``change`` made at ``clock``."""
    record = record or m.new_record(NOTE_ID)
    shown = article_note_from(record)
    base = shown.text if change.base is None else change.base
    if change.text != base:  # the editor changed the text it began from
        record = _write_note(record, "text", change.text, base, clock)
        modified = change.modified or iso(clock)
        record = m.set_field(record, "modified", modified, clock)
        if not change.text:  # cleared: nothing of the note stays shown
            if m.field(record, "created", ""):
                record = m.set_field(record, "created", "", clock)
            record = _set_tags(record, (), shown.tags, clock)
        elif not shown.text and not change.created:
            record = m.set_field(record, "created", modified, clock)
    if change.created and m.field(record, "created") != change.created:
        record = m.set_field(record, "created", change.created, clock)
    if change.text and change.tags is not None and tuple(change.tags) != shown.tags:
        record = _set_tags(record, change.tags, shown.tags, clock)
    if change.ref and m.field(record, "ref") != change.ref:
        record = m.set_field(record, "ref", change.ref, clock)
    return record


def keep_note(record: Record, name: str, text: str, clock: str) -> Record:
    """``record`` with ``text`` as the one version of note ``name`` (all others replaced)."""
    return m.write_version(record, name, text, clock, [c for _, c in m.versions(record, name)])


# --- links ------------------------------------------------------------------------------------


def link_fields(link: CrossLink) -> dict[str, Any]:
    return {
        "source": end_doc(link.source),
        "target": end_doc(link.target),
        "label": link.label,
        "created": link.created,
    }


def link_from(record: Record) -> CrossLink | None:
    """The cross-link a record holds, or None (damaged: kept on disk)."""
    try:
        return CrossLink(
            id=record["id"],
            source=end_from(m.field(record, "source")),
            target=end_from(m.field(record, "target")),
            label=str(m.field(record, "label", "") or ""),
            created=str(m.field(record, "created", "") or ""),
        )
    except (KeyError, TypeError, ValueError):
        return None


def put_link(record: Record | None, link: CrossLink, clock: str) -> Record:
    """``record`` (None: a new link) holding ``link``, made at ``clock``."""
    record = record or m.new_record(link.id)
    for name, value in link_fields(link).items():
        if m.field(record, name) != value or name not in record.get("f", {}):
            record = m.set_field(record, name, value, clock)
    if m.is_deleted(record):
        record = m.undelete(record, clock)
    return record


# --- positions and facts --------------------------------------------------------------------


def set_position(record: Record | None, device: str, change: SetPosition, clock: str) -> Record:
    """This device's position record, at ``change``."""
    at = {
        "block": change.block,
        "offset": change.offset,
        "progress": round(change.progress, 4),
        "opened": change.opened,
    }
    return m.set_field(record or m.new_record(device), "at", at, clock)


def facts_of(record: Record | None) -> Facts | None:
    """The article's facts (None when never written)."""
    if record is None:
        return None
    return Facts(
        str(m.field(record, "path", "") or ""),
        str(m.field(record, "title", "") or ""),
        str(m.field(record, "source", "") or ""),
        str(m.field(record, "fingerprint", "") or ""),
    )


def set_facts(record: Record | None, key: str, facts: Facts, clock: str) -> Record:
    """The article record with ``facts`` (only those that changed get ``clock``)."""
    record = record or m.new_record(ARTICLE_ID)
    wanted = {
        "key": key,
        "path": facts.path,
        "title": facts.title,
        "source": facts.source,
        "fingerprint": facts.fingerprint,
    }
    for name, value in wanted.items():
        if (value or name in ("key", "path")) and m.field(record, name) != value:
            record = m.set_field(record, name, value, clock)
    return record


# --- applying a change ----------------------------------------------------------------------


class UnknownRecord(LookupError):
    """A change names a record the article does not have."""


def apply(tables: Tables, change: Change, *, key: str, device: str, clock: str) -> Tables:
    """``tables`` with ``change`` made at ``clock`` by ``device`` (a new dict: the tables
    given, which may be cached, are not changed). :class:`UnknownRecord` when the change
    names a record that is not there (deleting a highlight that never was)."""
    tables = dict(tables)

    def put(name: str, record: Record) -> None:
        table = dict(tables.get(name, {}))
        table[record["id"]] = record
        tables[name] = table

    def get(name: str, rid: str) -> Record | None:
        return tables.get(name, {}).get(rid)

    def need(name: str, rid: str) -> Record:
        found = get(name, rid)
        if found is None:
            raise UnknownRecord(rid)
        return found

    match change:
        case PutHighlight(highlight=highlight):
            put(HIGHLIGHTS, put_highlight(get(HIGHLIGHTS, highlight.id), change, key, clock))
        case DeleteHighlight(id=rid):
            record = need(HIGHLIGHTS, rid)
            if not m.is_deleted(record):
                put(HIGHLIGHTS, m.delete(record, clock))
        case RestoreHighlight(id=rid):
            record = need(HIGHLIGHTS, rid)
            if m.is_deleted(record):
                put(HIGHLIGHTS, m.undelete(record, clock))
        case SetArticleNote():
            put(NOTE, set_article_note(get(NOTE, NOTE_ID), change, clock))
        case KeepNote(record=rid, text=text):
            if rid == NOTE_ID:
                put(NOTE, keep_note(need(NOTE, NOTE_ID), "text", text, clock))
            else:
                put(HIGHLIGHTS, keep_note(need(HIGHLIGHTS, rid), "note", text, clock))
        case PutLink(link=link):
            put(LINKS, put_link(get(LINKS, link.id), link, clock))
        case DeleteLink(id=rid):
            record = need(LINKS, rid)
            if not m.is_deleted(record):
                put(LINKS, m.delete(record, clock))
        case SetPosition():
            put(POSITIONS, set_position(get(POSITIONS, device), device, change, clock))
        case SetFacts(facts=facts):
            put(ARTICLE, set_facts(get(ARTICLE, ARTICLE_ID), key, facts, clock))
    return tables
