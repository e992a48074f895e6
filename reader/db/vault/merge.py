"""Records of the notes vault and how any number of copies of them merge into one.

Everything in a vault file is a *record*: a highlight, a link, the note on an article, the
article's facts, one device's reading position. A record is a plain JSON document::

    {"id": "…",
     "f": {"colour": ["green", "<clock>"], "deleted": [false, "<clock>"], …},
     "s": {"tags": {"idea": [true, "<clock>"], "todo": [false, "<clock>"]}},
     "m": {"note": {"v": [["text", "<clock>"], …], "gone": ["<clock>", …]}}}

- ``f``, plain fields: each value with the clock time of its last change; the latest wins.
- ``s``, sets (tags): each member present or not, with its own time, so that a tag added on
  one device and another added on a second both stay, and a removal is a later "not".
- ``m``, multi-value registers (notes): every version of the text with the time it was
  written, and ``gone``, the times of the versions replaced by a later one. A version is
  replaced only by an edit that began from it, so two devices that changed a note apart
  both keep their text: both versions stay until the reader keeps one. No text is dropped
  that no edit replaced.
- ``f.deleted``: ``[{"saw": {device: clock}}, clock]`` for a deletion, ``[false, clock]``
  for its undo. A record is deleted while the latest ``deleted`` is a deletion and every
  change in it is one the deletion saw (``saw`` holds, for each device, the latest of its
  times that the record showed when it was deleted). A change the deleting device had not
  seen (made on a device that did not know of the deletion) brings the record back, so
  nothing typed is lost; a tie goes to the deletion.

The merge (:func:`merge_record`, :func:`merge_tables`) is a join: commutative, associative
and idempotent, and deterministic (equal times, possible only in damaged files, are broken
by the values' JSON), so every device that has read the same files shows the same notes,
whatever order they arrived in. Why ``gone`` rather than a ``replaces`` list on each
version: a version dropped once it is replaced would take its list with it, and an older
copy of the file would bring back what it had replaced (not associative).

Pure: plain dicts in, new plain dicts out (inputs are never changed: they may be cached).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from reader.db.vault.clock import ZERO, device_of, is_clock

Record = dict[str, Any]
Table = dict[str, Record]  # record id -> record
Tables = dict[str, Table]  # table name -> its records

DELETED = "deleted"


def _canon(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _later(a: list[Any], b: list[Any], at: int = 1) -> list[Any]:
    """Of two ``[value, clock]`` entries (the clock at index ``at``), the later one; equal
    times (only in damaged or hand-made files) are decided by the values' JSON."""
    if a[at] != b[at]:
        return a if a[at] > b[at] else b
    return a if _canon(a) >= _canon(b) else b


# --- a record made sound -------------------------------------------------------------


def clean_record(doc: object) -> Record | None:
    """``doc`` as a record in its one normal form: entries that are not what they should
    be (a time that is not a clock time, a set member that is not true or false) are left
    out; None when it is no record at all (no id)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("id"), str) or not doc["id"]:
        return None
    record: Record = {"id": doc["id"]}
    fields = doc.get("f")
    if isinstance(fields, dict):
        clean = {
            name: [entry[0], entry[1]]
            for name, entry in fields.items()
            if isinstance(entry, list) and len(entry) == 2 and is_clock(entry[1])
        }
        if clean:
            record["f"] = clean
    sets = doc.get("s")
    if isinstance(sets, dict):
        clean_sets: dict[str, dict[str, list[Any]]] = {}
        for name, members in sets.items():
            if not isinstance(members, dict):
                continue
            kept = {
                member: [entry[0], entry[1]]
                for member, entry in members.items()
                if isinstance(entry, list)
                and len(entry) == 2
                and isinstance(entry[0], bool)
                and is_clock(entry[1])
            }
            if kept:
                clean_sets[name] = kept
        if clean_sets:
            record["s"] = clean_sets
    registers = doc.get("m")
    if isinstance(registers, dict):
        clean_registers: dict[str, dict[str, list[Any]]] = {}
        for name, register in registers.items():
            if not isinstance(register, dict):
                continue
            raw = register.get("v")
            raw_gone = register.get("gone")
            versions = [
                [entry[0], entry[1]]
                for entry in (raw if isinstance(raw, list) else [])
                if isinstance(entry, list) and len(entry) == 2 and is_clock(entry[1])
            ]
            gone = [g for g in (raw_gone if isinstance(raw_gone, list) else []) if is_clock(g)]
            clean_registers[name] = _register(versions, gone)
        if clean_registers:
            record["m"] = clean_registers
    return record


def _register(versions: Iterable[list[Any]], gone: Iterable[str]) -> dict[str, list[Any]]:
    """A register in normal form: the versions not gone, each once, oldest first; ``gone``
    sorted (left out when empty)."""
    gone_set = set(gone)
    seen: dict[tuple[str, str], list[Any]] = {}
    for value, clock in versions:
        if clock not in gone_set:
            seen.setdefault((clock, _canon(value)), [value, clock])
    register: dict[str, list[Any]] = {"v": [seen[k] for k in sorted(seen)]}
    if gone_set:
        register["gone"] = sorted(gone_set)
    return register


# --- merging ---------------------------------------------------------------------------


def merge_record(a: Record, b: Record) -> Record:
    """Two copies of one record (same id, both in normal form) as one."""
    if a is b or a == b:
        return a
    record: Record = {"id": a["id"]}
    fields = _merge_fields(a.get("f"), b.get("f"))
    if fields:
        record["f"] = fields
    sets = _merge_sets(a.get("s"), b.get("s"))
    if sets:
        record["s"] = sets
    registers = _merge_registers(a.get("m"), b.get("m"))
    if registers:
        record["m"] = registers
    return record


def _merge_fields(
    a: dict[str, list[Any]] | None, b: dict[str, list[Any]] | None
) -> dict[str, list[Any]]:
    if not a or not b:
        return dict(a or b or {})
    merged = dict(a)
    for name, entry in b.items():
        mine = merged.get(name)
        merged[name] = entry if mine is None else _later(mine, entry)
    return merged


def _merge_sets(
    a: dict[str, dict[str, list[Any]]] | None, b: dict[str, dict[str, list[Any]]] | None
) -> dict[str, dict[str, list[Any]]]:
    if not a or not b:
        return dict(a or b or {})
    merged = dict(a)
    for name, members in b.items():
        mine = merged.get(name)
        merged[name] = members if mine is None else _merge_fields(mine, members)
    return merged


def _merge_registers(
    a: dict[str, dict[str, list[Any]]] | None, b: dict[str, dict[str, list[Any]]] | None
) -> dict[str, dict[str, list[Any]]]:
    if not a or not b:
        return dict(a or b or {})
    merged = dict(a)
    for name, register in b.items():
        mine = merged.get(name)
        if mine is None or mine == register:
            merged[name] = register
            continue
        merged[name] = _register(
            [*mine["v"], *register["v"]], [*mine.get("gone", ()), *register.get("gone", ())]
        )
    return merged


def merge_tables(copies: Iterable[Mapping[str, Mapping[str, Record]]]) -> Tables:
    """Any number of copies of a file's tables (records in normal form) as one: every
    record of every copy, each merged from all its copies. The result shares unchanged
    records with the copies (never change them in place)."""
    merged: Tables = {}
    for tables in copies:
        for name, table in tables.items():
            mine = merged.get(name)
            if mine is None:
                merged[name] = dict(table)
                continue
            for rid, record in table.items():
                known = mine.get(rid)
                mine[rid] = record if known is None else merge_record(known, record)
    return merged


# --- reading a record ------------------------------------------------------------------


def field(record: Record, name: str, default: Any = None) -> Any:
    """A plain field's value (``default`` when never set)."""
    entry = record.get("f", {}).get(name)
    return default if entry is None else entry[0]


def field_clock(record: Record, name: str) -> str:
    """When a plain field was last set (:data:`ZERO` when never)."""
    entry = record.get("f", {}).get(name)
    return ZERO if entry is None else str(entry[1])


def members(record: Record, name: str) -> list[str]:
    """The members of a set present now, sorted."""
    return sorted(m for m, (present, _) in record.get("s", {}).get(name, {}).items() if present)


def versions(record: Record, name: str) -> list[tuple[Any, str]]:
    """The live versions of a register, as (value, clock), oldest first: the last is the
    one shown; any before it are versions written apart, kept until the reader keeps one."""
    register = record.get("m", {}).get(name)
    if register is None:
        return []
    return [(value, clock) for value, clock in register["v"]]


def gone(record: Record, name: str) -> set[str]:
    """The times of a register's versions that a later edit replaced."""
    return set(record.get("m", {}).get(name, {}).get("gone", ()))


def change_clocks(record: Record) -> Iterator[str]:
    """The time of every change the record shows, but its deletion's."""
    for name, (_, clock) in record.get("f", {}).items():
        if name != DELETED:
            yield clock
    for entries in record.get("s", {}).values():
        for _, clock in entries.values():
            yield clock
    for register in record.get("m", {}).values():
        for _, clock in register["v"]:
            yield clock


def all_clocks(record: Record) -> Iterator[str]:
    """Every time in the record (what a device reading it has seen)."""
    yield from change_clocks(record)
    deleted = record.get("f", {}).get(DELETED)
    if deleted is not None:
        yield deleted[1]
    for register in record.get("m", {}).values():
        yield from register.get("gone", ())


def latest(record: Record) -> str:
    """The time of the record's last change (its deletion's included)."""
    return max(all_clocks(record), default=ZERO)


def is_deleted(record: Record) -> bool:
    """Whether the record is deleted: its latest ``deleted`` is a deletion, and it saw
    every change the record shows (see the module's docstring)."""
    entry = record.get("f", {}).get(DELETED)
    if entry is None or not isinstance(entry[0], dict):
        return False
    saw = entry[0].get("saw")
    saw = saw if isinstance(saw, dict) else {}
    return all(clock <= str(saw.get(device_of(clock), "")) for clock in change_clocks(record))


def seen_by_device(record: Record) -> dict[str, str]:
    """For each device, the latest of its times among the record's changes."""
    saw: dict[str, str] = {}
    for clock in change_clocks(record):
        device = device_of(clock)
        if clock > saw.get(device, ""):
            saw[device] = clock
    return saw


# --- changing a record (a new record each time) ------------------------------------------


def new_record(rid: str) -> Record:
    """A record with nothing in it yet."""
    return {"id": rid}


def set_field(record: Record, name: str, value: Any, clock: str) -> Record:
    """``record`` with field ``name`` set to ``value`` at ``clock``."""
    fields = dict(record.get("f", {}))
    fields[name] = [value, clock]
    return {**record, "f": fields}


def set_member(record: Record, name: str, member: str, present: bool, clock: str) -> Record:
    """``record`` with ``member`` of set ``name`` made present (or not) at ``clock``."""
    sets = dict(record.get("s", {}))
    entries = dict(sets.get(name, {}))
    entries[member] = [present, clock]
    sets[name] = entries
    return {**record, "s": sets}


def write_version(
    record: Record, name: str, value: Any, clock: str, replaces: Iterable[str]
) -> Record:
    """``record`` with a new version of register ``name``, written at ``clock``, that
    replaces the versions written at ``replaces`` (those the edit began from)."""
    registers = dict(record.get("m", {}))
    register = registers.get(name, {"v": []})
    registers[name] = _register(
        [*register["v"], [value, clock]], [*register.get("gone", ()), *replaces]
    )
    return {**record, "m": registers}


def delete(record: Record, clock: str) -> Record:
    """``record`` deleted at ``clock`` (a tombstone: everything in it is kept for undo)."""
    return set_field(record, DELETED, {"saw": seen_by_device(record)}, clock)


def undelete(record: Record, clock: str) -> Record:
    """``record`` brought back at ``clock`` (undo of a deletion)."""
    return set_field(record, DELETED, False, clock)
