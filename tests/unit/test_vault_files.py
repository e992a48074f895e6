"""Vault files as sync tools leave them: cut short, half-arrived, another program's, a newer
reader's, conflict copies and temporary files. Each is read, or skipped with a note; none
crashes a read or blocks a save; this device's own file is never written over when it is
damaged; one save is one write, through TinyDB."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from reader.db.vault import PutHighlight, SetArticleNote, Vault, care
from reader.db.vault import files as vault_files
from reader.db.vault.files import FORMAT, NOTES_KIND, classify, read_file
from reader.errors import StoreError
from reader.model import Colour
from tests.vault_kit import KEY, A, B, highlight, vault_of


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Vault, Vault]:
    """Two devices on one vault (as a sync tool makes it), each with its data folder."""
    root = tmp_path / "library" / ".reader"
    return vault_of(root, tmp_path / "data-a", A), vault_of(root, tmp_path / "data-b", B)


def own_file(vault: Vault, key: str = KEY) -> Path:
    return vault.own_notes / f"{key}.json"


def test_a_vault_file_is_a_tinydb_database_laid_out_one_document_a_line(
    pair: tuple[Vault, Vault],
) -> None:
    a, _ = pair
    a.save(KEY, [PutHighlight(highlight(0)), PutHighlight(highlight(1, note="n"))])
    path = own_file(a)
    db = TinyDB(path, storage=JSONStorage, access_mode="r")  # TinyDB's own storage reads it
    assert {h["id"] for h in db.table("highlights").all()} == {
        highlight(0).id,
        highlight(1).id,
    }
    assert db.table("meta").all()[0]["format"] == FORMAT
    db.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert sum(1 for line in lines if highlight(0).id in line) == 1  # one line: a clean diff


def test_one_save_of_many_changes_is_one_write(
    pair: tuple[Vault, Vault], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _ = pair
    a.save(KEY, [PutHighlight(highlight(0))])
    writes: list[Path] = []
    real = vault_files.atomic_write
    monkeypatch.setattr(
        vault_files,
        "atomic_write",
        lambda path, data, **kw: (writes.append(path), real(path, data, **kw)),
    )
    a.save(
        KEY,
        [PutHighlight(highlight(n, note=f"note {n}")) for n in range(1, 40)]
        + [SetArticleNote("about it")],
    )
    assert writes == [own_file(a)]


def test_a_save_writes_the_article_not_the_library(pair: tuple[Vault, Vault]) -> None:
    a, _ = pair
    big = "f" * 16
    a.save(big, [PutHighlight(highlight(n, key=big, note="x" * 200)) for n in range(300)])
    a.save(KEY, [PutHighlight(highlight(0))])
    assert own_file(a).stat().st_size < own_file(a, big).stat().st_size / 100


@pytest.mark.parametrize("cut", [0, 1, 40, 200, -2])
def test_a_file_cut_short_is_skipped_with_a_note_and_saves_go_on(
    pair: tuple[Vault, Vault], cut: int
) -> None:
    a, b = pair
    b.save(KEY, [PutHighlight(highlight(0, note="from b"))])
    a.save(KEY, [PutHighlight(highlight(1, note="from a"))])
    whole = own_file(b).read_bytes()
    own_file(b).write_bytes(whole[:cut])  # half-arrived, as a sync tool can leave it
    notes = a.article(KEY)
    assert {h.note for h in notes.highlights} == {"from a", "from b"}  # a's file had b's too
    told = a.take_notices()
    assert len(told) == 1 and str(own_file(b)) in told[0]
    assert a.take_notices() == []  # said once
    a.save(KEY, [PutHighlight(highlight(2))])  # never blocked
    assert len(a.article(KEY).highlights) == 3
    assert own_file(b).read_bytes() == whole[:cut]  # another device's file: never touched


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b'{"_default": {"1": {"name": "a shopping list"}}}', "not a reader notes file"),
        (b"[1, 2, 3]", "not a reader notes file"),
        (
            json.dumps(
                {"meta": {"1": {"format": FORMAT, "schema": 99, "kind": "notes", "device": B}}}
            ).encode(),
            "newer version of reader",
        ),
        (b"\xff\xfe garbage", "cut short or damaged"),
    ],
)
def test_foreign_and_newer_files_are_skipped_with_a_note(
    pair: tuple[Vault, Vault], content: bytes, said: str
) -> None:
    a, b = pair
    a.save(KEY, [PutHighlight(highlight(0))])
    other = own_file(b)
    other.parent.mkdir(parents=True)
    other.write_bytes(content)
    assert len(a.article(KEY).highlights) == 1
    (told,) = a.take_notices()
    assert said in told and str(other) in told
    assert other.read_bytes() == content


def test_records_that_are_not_records_are_left_out_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / f"{KEY}.json"
    meta = {"format": FORMAT, "schema": 1, "kind": "notes", "device": A}
    good = {"id": "r1", "f": {"label": ["x", "1800000000000-0000-" + A]}}
    path.write_text(
        json.dumps({"meta": {"1": meta}, "links": {"1": good, "2": {"no": "id"}, "3": {"id": 4}}})
    )
    found = read_file(path, NOTES_KIND)
    assert found.ok and list(found.tables["links"]) == ["r1"]
    assert found.dropped == 2 and "2 damaged documents" in found.problem


def test_own_damaged_file_is_never_written_over_and_recover_merges(
    pair: tuple[Vault, Vault], private_data: Path
) -> None:
    a, b = pair
    a.save(KEY, [PutHighlight(highlight(0, note="before"))])
    damaged = own_file(a).read_bytes()[:50]
    own_file(a).write_bytes(damaged)  # another program cut it short
    with pytest.raises(StoreError, match="reader recover"):
        a.save(KEY, [PutHighlight(highlight(1, note="after"))])
    assert own_file(a).read_bytes() == damaged  # left as it is
    (recovery,) = a.recovered
    assert recovery.name.startswith(f"{KEY}.json.recovered-")
    # Every device reads the recovery file as one more copy: nothing waits for recover.
    # It holds what a had read of its file before the damage too: that is not lost.
    assert {h.note for h in b.article(KEY).highlights} == {"before", "after"}
    # The app is told instead of failing; the next change goes to the same recovery file.
    told: list[Path] = []
    a.on_aside = told.append
    a.save(KEY, [PutHighlight(highlight(2, note="later"))])
    assert told == [recovery] and a.recovered == [recovery]
    lines = care.recover(a)
    assert len(lines) == 1 and "damaged file was kept" in lines[0]
    assert read_file(own_file(a), NOTES_KIND).ok
    assert not recovery.exists()  # moved out of the synced folder, into the backups
    kept = list((a.data_dir / "backups").rglob("*recovered*"))
    assert [p.name for p in kept if p.parent.name == "recovered"] == [recovery.name]
    assert {h.note for h in a.article(KEY).highlights} == {"before", "after", "later"}


def test_own_file_of_a_newer_reader_is_never_written_over(pair: tuple[Vault, Vault]) -> None:
    a, _ = pair
    a.save(KEY, [PutHighlight(highlight(0))])
    data = json.loads(own_file(a).read_text())
    data["meta"]["1"]["schema"] = 2
    newer = json.dumps(data).encode()
    own_file(a).write_bytes(newer)
    with pytest.raises(StoreError, match="newer version of reader"):
        a.save(KEY, [PutHighlight(highlight(1))])
    assert own_file(a).read_bytes() == newer
    assert care.recover(a)[0].endswith("it was not recovered")
    assert own_file(a).read_bytes() == newer


# --- what sync tools leave -----------------------------------------------------------------


def conflict_copy(vault: Vault, name: str, first: int, *notes: str) -> Path:
    """A copy of ``vault``'s file of KEY holding other highlights (numbered from
    ``first``), put under ``name`` in its folder, as a sync tool would."""
    scratch = vault.root.parent / f"scratch-{first}"
    writer = vault_of(scratch, scratch / "data", vault.device.id)
    writer.save(KEY, [PutHighlight(highlight(first + n, note=t)) for n, t in enumerate(notes)])
    target = vault.own_notes / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(own_file(writer).read_bytes())
    return target


@pytest.mark.parametrize(
    "name",
    [
        f"{KEY}.sync-conflict-20260101-101010-ABCDEFG.json",
        f"{KEY} (LAPTOP's conflicted copy 2026-01-01).json",
    ],
)
def test_conflict_copies_are_read_and_cleaned_up_only_once_merged_into_own_file(
    pair: tuple[Vault, Vault], name: str
) -> None:
    a, b = pair
    a.save(KEY, [PutHighlight(highlight(0, note="mine"))])
    b.save(KEY, [PutHighlight(highlight(1, note="b's"))])
    in_b = conflict_copy(b, name, 10, "from b's conflict copy")
    in_a = conflict_copy(a, name, 20, "from a's conflict copy")
    assert classify(name) == (KEY, "conflict")
    seen = {h.note for h in a.article(KEY).highlights}
    assert {"from b's conflict copy", "from a's conflict copy", "mine", "b's"} <= seen
    assert in_a.exists()  # reading cleans nothing
    a.save(KEY, [PutHighlight(highlight(2))])
    assert not in_a.exists()  # merged into a's own file: a's copy goes
    assert in_b.exists()  # never another device's
    mine = read_file(own_file(a), NOTES_KIND)
    assert "from a's conflict copy" in json.dumps(mine.tables)


def test_temporary_files_of_sync_tools_and_writers_are_skipped(
    pair: tuple[Vault, Vault],
) -> None:
    a, b = pair
    a.save(KEY, [PutHighlight(highlight(0))])
    b.save(KEY, [PutHighlight(highlight(1))])
    folder = b.own_notes
    for name in (f"~syncthing~{KEY}.json.tmp", f".syncthing.{KEY}.json.tmp", f".{KEY}.json.1.tmp"):
        (folder / name).write_bytes(b'{"half": ')
    assert len(a.article(KEY).highlights) == 2
    assert a.take_notices() == []
    assert all(classify(n) is None for n in os.listdir(folder) if n.endswith(".tmp"))


def test_a_writer_killed_mid_save_leaves_a_file_the_next_save_sweeps(
    pair: tuple[Vault, Vault],
) -> None:
    a, b = pair
    a.save(KEY, [PutHighlight(highlight(0))])
    dead = 2**22 + 12345  # no such process
    left = a.own_notes / f".{KEY}.json.{dead}.tmp"
    left.write_bytes(b"half")
    theirs = b.own_notes / f".{KEY}.json.{dead}.tmp"
    theirs.parent.mkdir(parents=True)
    theirs.write_bytes(b"half")
    a.save(KEY, [PutHighlight(highlight(1))])
    assert not left.exists() and theirs.exists()


def test_a_file_changed_in_place_within_one_tick_is_read_again(
    pair: tuple[Vault, Vault],
) -> None:
    """A tool that writes in place, at once, the same number of bytes leaves the stamp
    (size, modification time, inode) as it was: a file that changed a moment ago is read
    again rather than taken from what was parsed."""
    a, b = pair
    b.save(KEY, [PutHighlight(highlight(0, colour=Colour.BLUE))])
    assert a.article(KEY).highlights[0].colour is Colour.BLUE
    path = own_file(b)
    before = path.stat()
    path.write_bytes(path.read_bytes().replace(b'"blue"', b'"pink"'))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_ino == before.st_ino and path.stat().st_size == before.st_size
    assert a.article(KEY).highlights[0].colour is Colour.PINK
