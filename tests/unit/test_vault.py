"""The vault as the store will use it: an article's merged notes, saves, the library's
summaries (cached by the stamps of their files), moves, devices, reading places, links,
locks, and the daily snapshot with its restore."""

from __future__ import annotations

import dataclasses
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from filelock import FileLock

from reader.db.vault import (
    DeleteHighlight,
    Facts,
    PutHighlight,
    RestoreHighlight,
    SetArticleNote,
    SetFacts,
    SetPosition,
    UnknownRecord,
    care,
)
from reader.db.vault import folder as vault_module
from reader.db.vault.files import NOTES_KIND, read_file
from reader.db.vault.merge import Tables
from reader.db.vault.records import apply
from reader.errors import BusyError, StoreError
from reader.model import Anchor, Colour, CrossLink, LinkEnd, Review
from tests.vault_kit import KEY, OTHER_KEY, A, B, C, FakeWall, age, highlight, shown, vault_of


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "library" / ".reader"


def test_notes_saved_on_two_devices_read_as_one(root: Path, tmp_path: Path) -> None:
    a, b = vault_of(root, tmp_path / "da", A), vault_of(root, tmp_path / "db", B)
    a.save(KEY, [SetFacts(Facts("news/a.md", "A story")), PutHighlight(highlight(0))])
    b.save(KEY, [PutHighlight(highlight(1, note="on the desktop")), SetArticleNote("about it")])
    for vault in (a, b):
        notes = vault.article(KEY)
        assert [h.id for h in notes.highlights] == [highlight(0).id, highlight(1).id]
        assert notes.note.text == "about it" and notes.facts == Facts("news/a.md", "A story")
    assert shown(a.article(KEY)) == shown(b.article(KEY))
    assert a.article(KEY).changed_by == {
        highlight(0).id: A,
        highlight(1).id: B,
        "note": B,
    }
    assert (root / "README.md").read_text().startswith("# reader's notes")


def test_an_unknown_record_is_refused_and_nothing_written(root: Path, tmp_path: Path) -> None:
    a = vault_of(root, tmp_path / "da", A)
    with pytest.raises(UnknownRecord):
        a.save(KEY, [PutHighlight(highlight(0)), DeleteHighlight("no-such-highlight")])
    assert not (a.own_notes / f"{KEY}.json").exists()


def test_delete_and_undo(root: Path, tmp_path: Path) -> None:
    a = vault_of(root, tmp_path / "da", A)
    a.save(KEY, [PutHighlight(highlight(0, note="keep me"))])
    gone = a.save(KEY, [DeleteHighlight(highlight(0).id)])
    assert gone.highlights == () and gone.deleted[0].note == "keep me"
    back = a.save(KEY, [RestoreHighlight(highlight(0).id)])
    assert back.highlights[0].note == "keep me"


def test_each_device_keeps_its_own_reading_place(root: Path, tmp_path: Path) -> None:
    a, b = vault_of(root, tmp_path / "da", A), vault_of(root, tmp_path / "db", B)
    a.save(KEY, [SetPosition(3, 0, 0.63, 1000.0)])
    b.save(KEY, [SetPosition(1, 5, 0.10, 2000.0)])
    notes = b.article(KEY)
    assert notes.position_of(A) is not None and notes.position_of(A).progress == 0.63
    assert notes.position_of(B) is not None and notes.position_of(B).block == 1
    further = notes.furthest_elsewhere(B)
    assert further is not None and further.device == A
    assert notes.furthest_elsewhere(A) is None
    assert b.device_names()[A] == "LAPTOP"


def test_a_link_is_in_both_its_articles_files(root: Path, tmp_path: Path) -> None:
    a = vault_of(root, tmp_path / "da", A)
    end = Anchor(0, 4, "word")
    link = CrossLink(
        "link-1", LinkEnd(KEY, "a.md", "A", end), LinkEnd(OTHER_KEY, "b.md", "B", end), "see"
    )
    a.save_link(link)
    for key in (KEY, OTHER_KEY):
        assert [found.id for found in a.article(key).links] == ["link-1"]
        assert "link-1" in read_file(a.own_notes / f"{key}.json", NOTES_KIND).tables["links"]
    a.delete_link(link)
    assert a.article(KEY).links == () and a.article(OTHER_KEY).links == ()


def test_summaries_are_read_once_and_again_only_for_what_changed(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = vault_of(root, tmp_path / "da", A), vault_of(root, tmp_path / "db", B)
    for n in range(5):
        key = f"{n:016x}"
        a.save(key, [PutHighlight(highlight(n, key=key, note="n", tags=("t",)))])
    b.save(KEY, [PutHighlight(highlight(9, note="x")), SetArticleNote("whole")])
    age(root)
    first = a.summaries()
    assert first[KEY].highlights == 1 and first[KEY].article_note
    assert first[f"{1:016x}"].tags == {"t": 1}
    parsed: list[Path] = []
    real = vault_module.read_file
    monkeypatch.setattr(
        vault_module, "read_file", lambda path, kind: (parsed.append(path), real(path, kind))[1]
    )
    fresh = vault_of(root, tmp_path / "da", A)  # a new process: the cache file is used
    assert fresh.summaries() == first
    assert [p for p in parsed if p.parent.name == "notes"] == []  # no article file read
    b.save(KEY, [PutHighlight(highlight(8))])
    age(b.own_dir)
    assert fresh.summaries()[KEY].highlights == 2
    assert {p.name for p in parsed if p.parent.name == "notes"} == {f"{KEY}.json"}


def test_a_damaged_cache_is_made_again(root: Path, tmp_path: Path) -> None:
    a = vault_of(root, tmp_path / "da", A)
    a.save(KEY, [PutHighlight(highlight(0))])
    age(root)
    expected = a.summaries()
    for cache in (tmp_path / "da" / "cache").iterdir():
        cache.write_text('{"format": "reader-vault-summaries", "schema": 1, "entries": [')
    assert vault_of(root, tmp_path / "da", A).summaries() == expected


def test_a_move_takes_the_notes_along_on_every_device(root: Path, tmp_path: Path) -> None:
    a, b = vault_of(root, tmp_path / "da", A), vault_of(root, tmp_path / "db", B)
    a.save(KEY, [PutHighlight(highlight(0, note="before the move"))])
    b.save(KEY, [SetPosition(2, 0, 0.5, 1.0)])
    a.move(KEY, OTHER_KEY, Facts("news/moved.md", "Moved"))
    assert not (a.own_notes / f"{KEY}.json").exists()
    assert a.redirects() == {KEY: OTHER_KEY}
    # B has not seen the move and writes under the old key: still read, under the new one.
    b.save(KEY, [PutHighlight(highlight(1, note="after, on the desktop"))])
    for vault in (a, b):
        notes = vault.article(OTHER_KEY)
        assert {h.note for h in notes.highlights} == {"before the move", "after, on the desktop"}
        assert notes.facts is not None and notes.facts.path == "news/moved.md"
        assert set(vault.summaries()) == {OTHER_KEY}
    # Moved back: the old key is an article of its own again.
    a.move(OTHER_KEY, KEY, Facts("a.md", "Back"))
    assert a.resolve(OTHER_KEY) == KEY and set(a.summaries()) == {KEY}
    assert len(a.article(KEY).highlights) == 2


def test_devices_lists_names_last_changes_and_waiting_conflicts(root: Path, tmp_path: Path) -> None:
    wall = FakeWall()
    a = vault_of(root, tmp_path / "da", A, wall)
    b = vault_of(root, tmp_path / "db", B, FakeWall(skew=-1000))
    a.save(KEY, [PutHighlight(highlight(0, note="base"))])
    b.article(KEY)
    base = highlight(0, note="base")
    a.save(KEY, [PutHighlight(highlight(0, note="laptop"), base=base)])
    b.save(KEY, [PutHighlight(highlight(0, note="desktop"), base=base)])  # before seeing a's
    infos = {d.name: d for d in a.devices()}
    assert set(infos) == {"LAPTOP", "DESKTOP"}
    assert infos["LAPTOP"].own and not infos["DESKTOP"].own
    assert infos["LAPTOP"].conflicts == infos["DESKTOP"].conflicts == 1
    assert infos["DESKTOP"].last_change.startswith("2027-01-15")
    assert infos["LAPTOP"].articles == 1


def test_another_process_saving_the_article_makes_a_save_wait(root: Path, tmp_path: Path) -> None:
    a = vault_of(root, tmp_path / "da", A)
    a.save(KEY, [PutHighlight(highlight(0))])
    (lock_file,) = (tmp_path / "da" / "locks").iterdir()
    with FileLock(str(lock_file)), pytest.raises(BusyError, match="another reader"):
        vault_of(root, tmp_path / "da", A).save(KEY, [PutHighlight(highlight(1))], wait=0.05)
    assert len(a.article(KEY).highlights) == 1


def test_a_read_only_vault_reads_and_refuses_to_save(root: Path, tmp_path: Path) -> None:
    vault_of(root, tmp_path / "da", A).save(KEY, [PutHighlight(highlight(0))])
    looking = vault_of(root, tmp_path / "db", B, read_only=True)
    assert len(looking.article(KEY).highlights) == 1
    with pytest.raises(StoreError, match="read-only"):
        looking.save(KEY, [PutHighlight(highlight(1))])
    assert not looking.own_dir.exists()


def test_all_articles_reads_every_article(root: Path, tmp_path: Path) -> None:
    a, c = vault_of(root, tmp_path / "da", A), vault_of(root, tmp_path / "dc", C)
    a.save(KEY, [PutHighlight(highlight(0))])
    c.save(OTHER_KEY, [PutHighlight(highlight(1, key=OTHER_KEY))])
    assert {n.key: len(n.highlights) for n in a.all_articles()} == {KEY: 1, OTHER_KEY: 1}


# --- snapshots ---------------------------------------------------------------------------------


def test_a_daily_snapshot_keeps_the_day_and_restore_brings_back_without_taking_away(
    root: Path, tmp_path: Path
) -> None:
    a = vault_of(root, tmp_path / "da", A)
    a.save(KEY, [PutHighlight(highlight(0, note="the first thought")), PutHighlight(highlight(1))])
    today = date(2026, 5, 1)
    made = care.snapshot(a, today)
    assert made is not None and care.snapshot(a, today) is None  # once a day
    assert care.snapshots(a) == ["2026-05-01"]
    # Since: one highlight deleted, the other's note replaced, a new one made...
    a.save(
        KEY,
        [
            DeleteHighlight(highlight(1).id),
            PutHighlight(
                highlight(0, note="second thoughts"), base=highlight(0, note="the first thought")
            ),
            PutHighlight(highlight(2, note="made since")),
        ],
    )
    # ...and the snapshot, made of hard links, still has the day's notes.
    assert "the first thought" in (made / "notes" / f"{KEY}.json").read_text()
    done = care.restore(a, "2026-05-01")
    notes = a.article(KEY)
    assert {h.id for h in notes.highlights} == {highlight(n).id for n in range(3)}
    texts = {notes.highlight(highlight(0).id).note} | {  # type: ignore[union-attr]
        v.text for v in notes.conflicts.get(highlight(0).id, ())
    }
    assert texts == {"the first thought", "second thoughts"}
    assert done.records == 1 and done.notes == 1 and done.articles == 1
    assert "nothing made since was taken away" in done.summary()


def test_restore_brings_back_a_folder_a_sync_tool_deleted(root: Path, tmp_path: Path) -> None:
    a = vault_of(root, tmp_path / "da", A)
    a.save(KEY, [PutHighlight(highlight(0, note="only here"))])
    care.snapshot(a, date(2026, 5, 1))
    for path in sorted(a.own_dir.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert vault_of(root, tmp_path / "da", A).article(KEY).highlights == ()
    fresh = vault_of(root, tmp_path / "da", A)
    done = care.restore(fresh, "2026-05-01")
    assert [h.note for h in fresh.article(KEY).highlights] == ["only here"]
    assert done.records == 1


def test_snapshots_are_kept_two_weeks(root: Path, tmp_path: Path) -> None:
    a = vault_of(root, tmp_path / "da", A)
    a.save(KEY, [PutHighlight(highlight(0))])
    start = date(2026, 5, 1)
    for day in range(20):
        care.snapshot(a, start + timedelta(days=day))
    days = care.snapshots(a)
    assert len(days) == care.KEEP_DAYS + 1
    assert days[0] == (start + timedelta(days=19 - care.KEEP_DAYS)).isoformat()


def test_restore_of_a_day_without_snapshot_says_which_there_are(root: Path, tmp_path: Path) -> None:
    a = vault_of(root, tmp_path / "da", A)
    a.save(KEY, [PutHighlight(highlight(0))])
    care.snapshot(a, date(2026, 5, 1))
    with pytest.raises(StoreError, match="there are: 2026-05-01"):
        care.restore(a, "2026-04-01")
    assert os.listdir(care.backups_dir(a)) == ["2026-05-01"]


def test_a_device_with_a_slow_clock_still_changes_what_it_has_read(
    root: Path, tmp_path: Path
) -> None:
    """The desktop's clock is an hour slow: after reading the laptop's change, its own
    change of the same field comes after it, and shows on both."""
    a = vault_of(root, tmp_path / "da", A, FakeWall())
    b = vault_of(root, tmp_path / "db", B, FakeWall(skew=-3_600_000))
    a.save(KEY, [PutHighlight(highlight(0))])
    blue = a.save(KEY, [PutHighlight(highlight(0, colour=Colour.BLUE), base=highlight(0))])
    seen = b.article(KEY).highlights[0]
    assert seen == blue.highlights[0]
    b.save(KEY, [PutHighlight(highlight(0, colour=Colour.GREEN), base=seen)])
    assert a.article(KEY).highlights[0].colour is Colour.GREEN
    assert b.article(KEY).highlights[0].colour is Colour.GREEN


def test_the_same_note_written_on_two_devices_apart_is_no_conflict(
    root: Path, tmp_path: Path
) -> None:
    """A reader.json copied to two machines and moved into the vault on each: the same
    texts from two devices are one note, not two to choose between."""
    a = vault_of(root, tmp_path / "da", A, FakeWall())
    b = vault_of(root, tmp_path / "db", B, FakeWall(skew=5))
    a.save(KEY, [PutHighlight(highlight(0, note="same words")), SetArticleNote("same")])
    b_tables: Tables = {}  # b's changes, made as if it had not read a's file
    for change in (PutHighlight(highlight(0, note="same words")), SetArticleNote("same")):
        b_tables = apply(b_tables, change, key=KEY, device=B, clock=b.clock.tick())
    b.edit(KEY, lambda tables, tick: tables, extra=[b_tables])
    notes = a.article(KEY)
    assert notes.highlights[0].note == "same words" and notes.note.text == "same"
    assert notes.conflicts == {}
    assert {d.name: d.conflicts for d in a.devices()} == {"LAPTOP": 0, "DESKTOP": 0}


def test_a_highlights_review_state_is_a_field_like_any_other_latest_wins(
    root: Path, tmp_path: Path
) -> None:
    wall = FakeWall()
    a = vault_of(root, tmp_path / "da", A, wall)
    b = vault_of(root, tmp_path / "db", B, wall)
    base = highlight(0, note="kept")
    a.save(KEY, [PutHighlight(base)])
    seen = dataclasses.replace(base, review=Review("2026-12-10", 3, 1, "2026-12-07"))
    b.save(KEY, [PutHighlight(seen, base=base)])
    wall.now += 1000
    a.save(KEY, [PutHighlight(dataclasses.replace(base, colour=Colour.GREEN), base=base)])
    for device in (a, b):
        (shown_highlight,) = device.article(KEY).highlights
        assert shown_highlight.review == Review("2026-12-10", 3, 1, "2026-12-07")
        assert shown_highlight.colour is Colour.GREEN and shown_highlight.note == "kept"
    later = Review("2026-12-20", 10, 2, "2026-12-10", stopped=True)
    wall.now += 1000
    a.save(KEY, [PutHighlight(dataclasses.replace(seen, review=later), base=seen)])
    assert b.article(KEY).highlights[0].review == later
