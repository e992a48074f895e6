"""A simulation of three machines kept in step by an unreliable sync tool.

Each machine has its own copy of the library's vault, its own data folder and a wall clock
of its own (up to an hour off). Hypothesis draws what happens: readers highlight, write and
rewrite notes, tag, recolour, delete and undo, keep one of two notes, write article notes;
and a sync tool delivers each machine's files to the others late, twice, out of date, as
conflict copies, cut short, or written in place. At the end every machine's latest files
reach every other machine, and:

- every machine shows the same notes (highlights, tombstones, note conflicts, article note);
- every note text ever saved is still there (shown, or beside the note as a conflict),
  unless an edit made on a machine that showed it replaced it.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reader.db.vault.clock import Clock
from reader.db.vault.device import Device
from reader.db.vault.records import (
    NOTE_ID,
    Change,
    DeleteHighlight,
    KeepNote,
    PutHighlight,
    RestoreHighlight,
    SetArticleNote,
)
from reader.db.vault.vault import Vault
from reader.db.vault.views import ArticleNotes
from reader.model import Colour
from tests.vault_kit import KEY, A, B, C, FakeWall, highlight, shown

DEVICES = (A, B, C)
OPS = ("add", "note", "clear", "tag", "colour", "delete", "undo", "keep", "article")
MODES = ("normal", "normal", "stale", "duplicate", "conflict", "truncated", "in place")

edits = st.tuples(st.just("edit"), st.integers(0, 2), st.sampled_from(OPS), st.integers(0, 2))
deliveries = st.tuples(
    st.just("deliver"),
    st.integers(0, 2),
    st.integers(0, 2),
    st.sampled_from(MODES),
    st.integers(0, 1000),
)
ticks = st.tuples(st.just("tick"), st.integers(0, 5_000))
steps = st.lists(st.one_of(edits, deliveries, edits, deliveries, ticks), min_size=10, max_size=60)
skews = st.lists(st.integers(-3_600_000, 3_600_000), min_size=3, max_size=3)


class World:
    """Three machines, what each saved, and what the readers typed."""

    def __init__(self, base: Path, skews: list[int]) -> None:
        self.base = base
        self.walls = [FakeWall(skew=skew) for skew in skews]
        self.vaults = [
            Vault(
                base / f"m{i}" / "lib" / ".reader",
                Device(ident, f"D{i}"),
                base / f"m{i}" / "data",
                clock=Clock(ident, self.walls[i]),
            )
            for i, ident in enumerate(DEVICES)
        ]
        self.history: list[list[bytes]] = [[], [], []]  # each save of each machine's file
        self.saved: dict[str, set[str]] = {}  # record id -> every note text saved in it
        self.replaced: dict[str, set[str]] = {}  # record id -> texts an edit replaced
        self.texts = 0
        self.copies = 0

    def text(self) -> str:
        self.texts += 1
        return f"text {self.texts}"

    # --- readers -------------------------------------------------------------------------

    def edit(self, machine: int, op: str, number: int) -> None:
        vault = self.vaults[machine]
        notes = vault.article(KEY)
        rid = highlight(number).id
        current = notes.highlight(rid)
        alive = current is not None and current in notes.highlights
        change: Change | None = None
        if op == "article":
            text = self.text()
            self._replace(notes, NOTE_ID, {notes.note.text})
            self.saved.setdefault(NOTE_ID, set()).add(text)
            change = SetArticleNote(text)
        elif op == "keep":
            if notes.conflicts:
                record = min(notes.conflicts)
                text = self.text()
                self._replace(notes, record, self.live(notes, record))
                self.saved.setdefault(record, set()).add(text)
                change = KeepNote(record, text)
        elif op == "add" or (op == "note" and alive):
            text = self.text()
            if current is None:
                change = PutHighlight(highlight(number, note=text))
            elif alive:
                change = PutHighlight(dataclasses.replace(current, note=text), base=current)
            else:  # made again where it was deleted: brought back with the new note
                change = PutHighlight(highlight(number, note=text))
            if current is not None:
                self._replace(notes, rid, {current.note})
            self.saved.setdefault(rid, set()).add(text)
        elif current is not None and alive:
            if op == "clear":
                self._replace(notes, rid, {current.note})
                change = PutHighlight(dataclasses.replace(current, note=""), base=current)
            elif op == "tag":
                tag = f"t{number % 2}"
                tags = tuple(t for t in current.tags if t != tag)
                tags = tags if tag in current.tags else (*tags, tag)
                change = PutHighlight(dataclasses.replace(current, tags=tags), base=current)
            elif op == "colour":
                colour = list(Colour)[(list(Colour).index(current.colour) + 1) % len(Colour)]
                change = PutHighlight(dataclasses.replace(current, colour=colour), base=current)
            elif op == "delete":
                change = DeleteHighlight(rid)
        elif current is not None and op == "undo":
            change = RestoreHighlight(rid)
        if change is not None:
            vault.save(KEY, [change])
            self.history[machine].append((vault.own_notes / f"{KEY}.json").read_bytes())

    def live(self, notes: ArticleNotes, record: str) -> set[str]:
        """The texts of a note shown on a machine: the note and those beside it."""
        if record == NOTE_ID:
            shown_text = {notes.note.text} if notes.note.text else set()
        else:
            found = notes.highlight(record)
            shown_text = {found.note} if found is not None else set()
        return shown_text | {v.text for v in notes.conflicts.get(record, ())}

    def _replace(self, notes: ArticleNotes, record: str, texts: set[str]) -> None:
        """An edit replaces the versions it began from, if they are shown there."""
        live = self.live(notes, record)
        self.replaced.setdefault(record, set()).update(t for t in texts if t and t in live)

    # --- the sync tool ---------------------------------------------------------------------

    def folder(self, machine: int, owner: int) -> Path:
        return self.vaults[machine].devices_dir / DEVICES[owner] / "notes"

    def deliver(self, owner: int, machine: int, mode: str, pick: int) -> None:
        versions = self.history[owner]
        if not versions:
            return
        latest = versions[-1]
        folder = self.folder(machine, owner)
        folder.mkdir(parents=True, exist_ok=True)
        main = folder / f"{KEY}.json"
        if mode == "conflict":  # may land in a machine's own folder too
            self.copies += 1
            name = f"{KEY}.sync-conflict-20260101-{self.copies:06d}-ABCDEFG.json"
            self._replace_file(folder / name, versions[pick % len(versions)])
            return
        if owner == machine:
            return  # a sync tool never writes over a machine's own files
        if mode in ("normal", "duplicate"):
            self._replace_file(main, latest)
        elif mode == "stale":
            self._replace_file(main, versions[pick % len(versions)])
        elif mode == "truncated":
            self._replace_file(main, latest[: pick % max(1, len(latest))])
        elif mode == "in place":
            with open(main, "wb") as handle:
                handle.write(latest)

    def _replace_file(self, path: Path, data: bytes) -> None:
        """As sync tools do: a temporary file, renamed into place."""
        temp = path.with_name(f"~syncthing~{path.name}.tmp")
        temp.write_bytes(data)
        os.replace(temp, path)

    def settle(self) -> None:
        """The sync tool catches up: every machine's latest file reaches every other."""
        for owner in range(3):
            for machine in range(3):
                if owner != machine and self.history[owner]:
                    self.deliver(owner, machine, "normal", 0)


def run(steps_drawn: list[tuple[Any, ...]], skews_drawn: list[int], base: Path) -> World:
    world = World(base, skews_drawn)
    for step in steps_drawn:
        if step[0] == "edit":
            world.edit(step[1], step[2], step[3])
        elif step[0] == "deliver":
            world.deliver(step[1], step[2], step[3], step[4])
        else:
            for wall in world.walls:
                wall.now += step[1]
    world.settle()
    return world


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(steps, skews)
@example(  # a replaced text must stay replaced whichever copy is merged first
    [("edit", 0, "add", 0)] * 3 + [("deliver", 0, 1, "normal", 0), ("edit", 1, "add", 0)],
    [0, 0, 0],
)
def test_three_machines_converge_and_no_saved_note_text_disappears(
    steps_drawn: list[tuple[Any, ...]], skews_drawn: list[int]
) -> None:
    # Durability is not what is simulated here: without fsync a run takes a tenth as long.
    with tempfile.TemporaryDirectory() as folder, mock.patch.object(os, "fsync"):
        world = run(steps_drawn, skews_drawn, Path(folder))
        views = [vault.article(KEY) for vault in world.vaults]
        first = shown(views[0])
        for view in views[1:]:
            assert shown(view) == first
            assert view.highlights == views[0].highlights and view.deleted == views[0].deleted
        for record, texts in world.saved.items():
            expected = texts - world.replaced.get(record, set())
            assert world.live(views[0], record) - {""} == expected, record


def test_a_stale_copy_and_a_conflict_copy_change_nothing_once_in_step(tmp_path: Path) -> None:
    """One schedule written out: B's stale and conflict copies of A's file, and a file cut
    short, arrive after A's notes changed; once in step, all three agree."""
    steps_drawn: list[tuple[Any, ...]] = [
        ("edit", 0, "add", 0),
        ("deliver", 0, 1, "normal", 0),
        ("edit", 0, "note", 0),
        ("edit", 1, "note", 0),
        ("deliver", 0, 2, "stale", 0),
        ("deliver", 0, 1, "conflict", 0),
        ("deliver", 1, 2, "truncated", 37),
        ("edit", 2, "add", 0),
        ("edit", 0, "delete", 0),
    ]
    world = run(steps_drawn, [0, -3_600_000, 60_000], tmp_path)
    views = [vault.article(KEY) for vault in world.vaults]
    assert shown(views[0]) == shown(views[1]) == shown(views[2])
    assert world.live(views[0], highlight(0).id) == {"text 2", "text 3", "text 4"}
