"""Every highlight of a vault read through the cache of merged notes in the data folder
(``Vault.all_articles``): the same notes as merged from the files, files read again only
when their stamps changed, and a cache that is damaged, another vault's or another
version's never used."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.db.vault import (
    DeleteHighlight,
    Facts,
    PutHighlight,
    SetArticleNote,
    SetFacts,
    SetPosition,
)
from reader.db.vault import folder as folder_module
from reader.db.vault import vault as vault_module
from reader.db.vault.files import read_file
from reader.db.vault.notes_cache import NotesCache, notes_doc, notes_from, shard_of
from reader.db.vault.vault import Vault
from reader.db.vault.views import ArticleNotes, DevicePosition, NoteVersion, build
from reader.model import (
    Anchor,
    ArticleNote,
    Colour,
    CrossLink,
    LinkEnd,
    ReadingPosition,
    Review,
)
from tests.vault_kit import KEY, OTHER_KEY, A, B, FakeWall, age, highlight, vault_of


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "library" / ".reader"


def merged(vault: Vault) -> list[ArticleNotes]:
    """Every article's notes merged from the files now, without any cache."""
    fresh = vault_of(vault.root, vault.data_dir.parent / "uncached", vault.device.id)
    keys = fresh.keys()
    return [build(key, fresh._tables(key, keep=False)[0]) for key in keys]


def cache_folder(vault: Vault) -> Path:
    return vault.data_dir / "cache" / f"notes-{vault.ident}"


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The article files parsed from now on."""
    found: list[Path] = []
    real = read_file

    def reading(path: Path, kind: str) -> Any:
        if path.parent.name == "notes":
            found.append(path)
        return real(path, kind)

    monkeypatch.setattr(folder_module, "read_file", reading)
    return found


def two_devices(root: Path, tmp_path: Path) -> tuple[Vault, Vault]:
    a, b = vault_of(root, tmp_path / "da", A), vault_of(root, tmp_path / "db", B)
    for n in range(6):
        key = f"{n:016x}"
        a.save(key, [SetFacts(Facts(f"news/{n}.md", f"Story {n}")), PutHighlight(highlight(n))])
    b.save(KEY, [PutHighlight(highlight(9, note="on the desktop", tags=("idea",)))])
    b.save(KEY, [SetArticleNote("about it"), SetPosition(2, 0, 0.5, 10.0)])
    age(root)
    return a, b


def test_unchanged_files_are_not_read_again_and_the_notes_are_the_same(
    root: Path, tmp_path: Path, parsed: list[Path]
) -> None:
    a, _ = two_devices(root, tmp_path)
    first = list(a.all_articles())
    assert first == merged(a)
    parsed.clear()
    again = list(vault_of(root, tmp_path / "da", A).all_articles())  # a new process
    assert again == first
    assert parsed == []


def test_a_file_changed_on_another_device_is_read_again(
    root: Path, tmp_path: Path, parsed: list[Path]
) -> None:
    a, b = two_devices(root, tmp_path)
    list(a.all_articles())
    b.save(OTHER_KEY, [PutHighlight(highlight(3, key=OTHER_KEY, note="new here"))])
    b.save(KEY, [PutHighlight(highlight(9, note="changed on the desktop"))])
    age(b.own_dir)
    parsed.clear()
    notes = {n.key: n for n in vault_of(root, tmp_path / "da", A).all_articles()}
    assert {p.name for p in parsed} == {f"{KEY}.json", f"{OTHER_KEY}.json"}
    assert notes[KEY].highlight(highlight(9).id).note == "changed on the desktop"  # type: ignore[union-attr]
    assert notes[OTHER_KEY].highlights[0].note == "new here"
    assert list(notes.values()) == merged(a)


def test_a_file_changed_in_place_a_moment_ago_is_not_trusted_by_its_stamp(
    root: Path, tmp_path: Path
) -> None:
    a = vault_of(root, tmp_path / "da", A)
    a.save(KEY, [PutHighlight(highlight(0, note="aaaa"))])
    path = a.own_notes / f"{KEY}.json"
    list(a.all_articles())  # the file changed just now: its stamp does not yet stand for it
    before = os.stat(path)
    path.write_bytes(path.read_bytes().replace(b'"aaaa"', b'"bbbb"'))  # same size, same inode
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path)[1:] == before[1:]
    (notes,) = vault_of(root, tmp_path / "da", A).all_articles()
    assert notes.highlights[0].note == "bbbb"


def test_a_deleted_file_disappears(root: Path, tmp_path: Path) -> None:
    a, b = two_devices(root, tmp_path)
    list(a.all_articles())
    b_only = f"{7:016x}"
    b.save(b_only, [PutHighlight(highlight(7, key=b_only))])
    age(root)
    assert b_only in {n.key for n in vault_of(root, tmp_path / "da", A).all_articles()}
    (b.own_notes / f"{b_only}.json").unlink()
    (b.own_notes / f"{KEY}.json").unlink()  # the desktop's copy of an article both have
    age(root)
    notes = list(vault_of(root, tmp_path / "da", A).all_articles())
    assert b_only not in {n.key for n in notes}
    assert notes == merged(a)
    assert highlight(9).id not in {h.id for n in notes for h in n.highlights}


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],
        lambda raw: raw[:-7],
        lambda raw: b"",
        lambda raw: b"\x00\xff" * 40,
        lambda raw: raw.replace(b"\t", b"\t[", 1),
        lambda raw: raw.replace(b'"schema":1', b'"schema":99'),
        lambda raw: b'{"format": "something else"}\n' + raw.split(b"\n", 1)[1],
    ],
)
def test_a_damaged_cache_is_not_used_and_is_made_again(
    root: Path, tmp_path: Path, damage: Any
) -> None:
    a, _ = two_devices(root, tmp_path)
    expected = list(a.all_articles())
    files = sorted(cache_folder(a).iterdir())
    assert {p.name for p in files} == {f"{shard_of(n.key):02d}.json" for n in expected}
    for path in files:
        path.write_bytes(damage(path.read_bytes()))
    fresh = vault_of(root, tmp_path / "da", A)
    assert list(fresh.all_articles()) == expected
    assert list(vault_of(root, tmp_path / "da", A).all_articles()) == expected


def test_a_cache_where_no_cache_can_be_written_is_no_matter(root: Path, tmp_path: Path) -> None:
    a, _ = two_devices(root, tmp_path)
    cache_folder(a).parent.mkdir(parents=True, exist_ok=True)
    cache_folder(a).write_text("a file where the cache's folder would be")
    assert list(a.all_articles()) == merged(a)
    assert list(vault_of(root, tmp_path / "da", A).all_articles()) == merged(a)


def test_a_cache_entry_is_used_only_for_its_own_article(root: Path, tmp_path: Path) -> None:
    a, _ = two_devices(root, tmp_path)
    expected = list(a.all_articles())
    path = cache_folder(a) / f"{shard_of(KEY):02d}.json"
    lines = path.read_text().splitlines()
    line = next(line for line in lines if line.startswith(f'["{KEY}"'))
    other = next(n for n in expected if n.key != KEY)
    # The article's stamps, with another article's notes: not taken as this article's.
    head = line.split("\t")[0]
    forged = head + "\t" + json.dumps(notes_doc(other))
    path.write_text("\n".join(forged if x == line else x for x in lines) + "\n")
    assert list(vault_of(root, tmp_path / "da", A).all_articles()) == expected


def test_the_cache_of_another_vault_or_version_is_not_used(
    root: Path, tmp_path: Path, parsed: list[Path]
) -> None:
    a, _ = two_devices(root, tmp_path)
    list(a.all_articles())
    # The library moved (the same files, the same stamps, under another root): the cache
    # of the old place, put where the new one's would be, is another vault's.
    moved = tmp_path / "moved" / ".reader"
    moved.parent.mkdir()
    os.rename(root.parent, moved.parent)
    b = vault_of(moved, tmp_path / "da", A)
    shutil.copytree(cache_folder(a), cache_folder(b))
    expected = merged(b)
    parsed.clear()
    assert list(b.all_articles()) == expected
    assert len(parsed) == 7  # every article file read: nothing taken from the other's cache
    parsed.clear()
    list(vault_of(moved, tmp_path / "da", A).all_articles())
    assert parsed == []  # its own cache, made then, is used
    cache = NotesCache(cache_folder(b), b.root)
    cache.load()
    assert len(cache.entries) == 7
    cache = NotesCache(cache_folder(b), root)  # as the vault of the old place reads it
    cache.load()
    assert cache.entries == {}


def test_a_skipped_file_is_told_of_every_time(root: Path, tmp_path: Path) -> None:
    _, b = two_devices(root, tmp_path)
    (b.own_notes / f"{KEY}.json").write_text('{"meta": {"1": {"format": "reader-va')
    age(root)
    for _ in range(2):
        fresh = vault_of(root, tmp_path / "da", A)
        list(fresh.all_articles())
        assert any("cut short" in notice for notice in fresh.take_notices())


def test_notes_from_the_cache_move_the_clock_as_reading_the_files_does(
    root: Path, tmp_path: Path
) -> None:
    wall = FakeWall()
    ahead = vault_of(root, tmp_path / "db", B, wall)
    ahead.save(OTHER_KEY, [PutHighlight(highlight(0, key=OTHER_KEY))])
    wall.now += 3_600_000  # an hour later (or a clock an hour ahead): only in KEY's file
    ahead.save(KEY, [PutHighlight(highlight(0))])
    age(root)
    list(vault_of(root, tmp_path / "da", A, FakeWall()).all_articles())
    behind = vault_of(root, tmp_path / "da", A, FakeWall())
    list(behind.all_articles())
    assert behind.clock.tick() > ahead.clock.last


def test_every_kind_of_note_comes_back_from_the_cache_as_it_went_in() -> None:
    anchor = Anchor(3, 9, "quote\t\n", "before", "after", 2, "f" * 16)
    notes = ArticleNotes(
        KEY,
        Facts("news/a.md", "A \ud800 story", "https://example.org", "9" * 16),
        (
            highlight(1, colour=Colour.GREEN, tags=("b", "a"), note="x\ny"),
            highlight(
                2,
                original=anchor,
                canonical="urn:x",
                check=True,
                orphan_in="abc",
                review=Review("2026-01-02", 3, 4, "2026-01-01", True),
            ),
        ),
        (highlight(3),),
    )
    link = CrossLink(
        "link-1",
        LinkEnd(KEY, "news/a.md", "A", anchor),
        LinkEnd(OTHER_KEY, "b.md", "B", anchor),
        "see",
        "2026",
    )
    notes = ArticleNotes(
        notes.key,
        notes.facts,
        notes.highlights,
        notes.deleted,
        ArticleNote("note", "c", "m", ("t",)),
        "old-id",
        (link,),
        {B: DevicePosition(B, ReadingPosition(1, 2, 0.25), 12.5, "clock")},
        {"note": (NoteVersion("other text", "c1"),)},
        {"note": NoteVersion("note", "c2")},
        {highlight(1).id: A},
        "latest",
    )
    assert notes_from(json.loads(json.dumps(notes_doc(notes)))) == notes
    assert notes_from(json.loads(json.dumps(notes_doc(ArticleNotes(KEY))))) == ArticleNotes(KEY)
    assert notes_from([1, 2, 3]) is None
    assert notes_from("not notes at all") is None


# --- any history of changes: the cached notes are the merged notes ------------------------

steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("save"),
            st.sampled_from([A, B]),
            st.integers(0, 3),  # article
            st.integers(0, 3),  # highlight
            st.sampled_from(["", "one", "two", "a longer note"]),
        ),
        st.tuples(st.just("delete"), st.sampled_from([A, B]), st.integers(0, 3), st.integers(0, 3)),
        st.tuples(st.just("drop file"), st.sampled_from([A, B]), st.integers(0, 3)),
        st.tuples(st.just("age")),
        st.tuples(st.just("read"), st.sampled_from([A, B])),
    ),
    max_size=14,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_after_any_changes_the_cached_notes_are_the_merged_notes(
    drawn: list[tuple[Any, ...]],
) -> None:
    # Durability is not what is tested here: without fsync a run takes a tenth as long.
    with tempfile.TemporaryDirectory() as folder, mock.patch.object(os, "fsync"):
        base = Path(folder)
        root = base / "library" / ".reader"
        vaults = {d: vault_of(root, base / d[:1], d) for d in (A, B)}
        for step in drawn:
            if step[0] == "save":
                _, device, article, number, note = step
                key = f"{article:016x}"
                vaults[device].save(key, [PutHighlight(highlight(number, key=key, note=note))])
            elif step[0] == "delete":
                _, device, article, number = step
                key = f"{article:016x}"
                shown = vaults[device].article(key).highlights
                if highlight(number).id in {h.id for h in shown}:
                    vaults[device].save(key, [DeleteHighlight(highlight(number).id)])
            elif step[0] == "drop file":
                (vaults[step[1]].own_notes / f"{step[2]:016x}.json").unlink(missing_ok=True)
            elif step[0] == "age":
                if root.exists():
                    age(root)
            else:
                device = step[1]
                fresh = vault_of(root, base / device[:1], device)
                assert list(fresh.all_articles()) == merged(fresh)
        for device in (A, B):
            fresh = vault_of(root, base / device[:1], device)
            assert list(fresh.all_articles()) == merged(fresh)
            assert list(vault_of(root, base / device[:1], device).all_articles()) == merged(fresh)


def test_what_a_killed_writer_of_the_cache_left_is_taken_away(root: Path, tmp_path: Path) -> None:
    a, _ = two_devices(root, tmp_path)
    left = cache_folder(a) / f".{shard_of(KEY):02d}.json.99999999.tmp"  # no such process
    left.parent.mkdir(parents=True)
    left.write_text("half written")
    assert list(a.all_articles()) == merged(a)
    assert not left.exists()


def test_summaries_asked_again_are_not_counted_again_until_a_folder_changes(
    root: Path, tmp_path: Path, parsed: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command asks for the summaries several times: while no folder of the vault
    changed, no file is looked at again; a file another device adds, or replaces, is
    counted the next time."""
    a, b = two_devices(root, tmp_path)
    first = a.summaries()
    looked: list[object] = []
    stamp = vault_module.stamp_of
    monkeypatch.setattr(vault_module, "stamp_of", lambda path: looked.append(path) or stamp(path))
    assert a.summaries() == first
    assert looked == []  # not a file's stamp taken again
    b.save(OTHER_KEY, [PutHighlight(highlight(3, key=OTHER_KEY, note="new here"))])
    b.save(KEY, [PutHighlight(highlight(8))])
    age(b.own_dir)
    again = a.summaries()
    assert again[OTHER_KEY].highlights == 1
    assert again[KEY].highlights == first[KEY].highlights + 1


def test_an_article_asked_for_after_every_note_was_read_is_not_parsed_again_until_it_changes(
    root: Path, tmp_path: Path, parsed: list[Path]
) -> None:
    """An export reads every note, then asks for each article's: the merged notes kept
    then are given (no file parsed again), and an article another device changed since is
    read anew."""
    a, b = two_devices(root, tmp_path)
    fresh = vault_of(root, tmp_path / "da", A)  # a new process: nothing parsed yet
    everything = {notes.key: notes for notes in fresh.all_articles()}
    assert everything[KEY] == a.article(KEY)  # as the files make it
    parsed.clear()
    some = sorted(everything)[0]
    assert fresh.article(KEY) == everything[KEY]
    assert fresh.article(some) == everything[some]
    assert parsed == []
    b.save(KEY, [PutHighlight(highlight(9, note="changed on the desktop"))])
    age(b.own_dir)
    changed = fresh.article(KEY).highlight(highlight(9).id)
    assert changed is not None and changed.note == "changed on the desktop"
