"""The Store's calls over the notes vault: a save writes only that article's file on this
device, two devices' notes on one article read as their union, links live in both ends'
files, and each device keeps its own reading position."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from reader.db.moves import Move
from reader.db.records import ArticleInfo
from reader.db.store import Store as VaultStore
from reader.db.vault.device import Device
from reader.model import Anchor, CrossLink, Highlight, LinkEnd, ReadingPosition
from reader.text.keys import file_key, library_key, vault_root
from tests.vault_kit import A, B, files_in

LAPTOP, DESKTOP = Device(A, "LAPTOP"), Device(B, "DESKTOP")


def mark(key: str, number: int, **fields: object) -> Highlight:
    made = Highlight(
        id=f"00000000-0000-4000-8000-{number:012d}",
        article_id=key,
        anchor=Anchor(number * 10, number * 10 + 5, f"words{number}", block=number),
        created="2026-01-01T00:00:00Z",
        modified="2026-01-01T00:00:00Z",
    )
    return dataclasses.replace(made, **fields)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    (folder / "news").mkdir(parents=True)
    for name in ("essay.md", "news/tariffs.md"):
        (folder / name).write_text(f"# {name}\n\nText.\n", encoding="utf-8")
    return folder


def stores(tmp_path: Path, library: Path) -> tuple[VaultStore, VaultStore]:
    return (
        VaultStore(tmp_path / "laptop-data", LAPTOP, [library]),
        VaultStore(tmp_path / "desktop-data", DESKTOP, [library]),
    )


def test_a_save_writes_only_that_articles_file_on_this_device(tmp_path, library) -> None:
    laptop, _ = stores(tmp_path, library)
    essay = laptop.register(library / "essay.md")
    tariffs = laptop.register(library / "news/tariffs.md")
    assert essay == library_key("essay.md")
    laptop.save_highlight(mark(tariffs, 9))
    before = {p: p.stat().st_mtime_ns for p in files_in(vault_root(library))}

    laptop.save_highlight(mark(essay, 1, note="first", tags=("idea",)))

    after = {p: p.stat().st_mtime_ns for p in files_in(vault_root(library))}
    changed = {p for p in after if before.get(p) != after[p]}
    own = vault_root(library) / "devices" / A / "notes" / f"{essay}.json"
    assert changed == {own}
    assert [(h.note, h.tags) for h in laptop.highlights(essay)] == [("first", ("idea",))]
    assert laptop.highlight_counts() == {essay: (1, 1), tariffs: (1, 0)}
    assert laptop.all_tags() == ["idea"]


def test_two_devices_notes_on_one_article_read_as_their_union(tmp_path, library) -> None:
    laptop, desktop = stores(tmp_path, library)
    essay = laptop.register(library / "essay.md")
    laptop.save_highlight(mark(essay, 1, note="on the laptop"))
    desktop.save_highlight(mark(essay, 2, note="on the desktop"))
    desktop.set_article_note(essay, library / "essay.md", "The whole essay.", tags=("long",))

    for store in (laptop, desktop):
        assert sorted(h.note for h in store.highlights(essay)) == [
            "on the desktop",
            "on the laptop",
        ]
        assert store.article_note(essay) == "The whole essay."
        assert store.article_notes() == {
            essay: ("The whole essay.", store.article_note_modified(essay))
        }
    assert laptop.changed_elsewhere(essay) >= {mark(essay, 2).id}
    assert mark(essay, 1).id not in laptop.changed_elsewhere(essay)
    assert laptop.delete_highlight(essay, mark(essay, 2).id)
    assert not laptop.delete_highlight(essay, mark(essay, 2).id)
    assert [h.note for h in desktop.highlights(essay)] == ["on the laptop"]


def test_a_note_edited_on_both_devices_keeps_both_texts(tmp_path, library) -> None:
    laptop, desktop = stores(tmp_path, library)
    essay = laptop.register(library / "essay.md")
    base = mark(essay, 1, note="base")
    laptop.save_highlight(base)
    laptop.save_highlight(mark(essay, 1, note="laptop's"), base)
    desktop.save_highlight(mark(essay, 1, note="desktop's"), base)
    shown = laptop.highlights(essay)[0].note
    others = [v.text for v in laptop.conflicts_of(essay)[base.id]]
    assert sorted([shown, *others]) == ["desktop's", "laptop's"]


def test_links_live_in_both_ends_files_even_across_vaults(tmp_path, library) -> None:
    laptop, desktop = stores(tmp_path, library)
    outside = tmp_path / "loose.md"
    outside.write_text("# Loose\n\nText.\n", encoding="utf-8")
    essay = laptop.register(library / "essay.md")
    loose = laptop.register(outside)
    assert loose == file_key(outside)
    anchor = Anchor(0, 4, "Text")
    link = CrossLink(
        "11111111-0000-4000-8000-000000000001",
        LinkEnd(essay, str(library / "essay.md"), "Essay", anchor),
        LinkEnd(loose, str(outside), "Loose", anchor),
    )
    laptop.save_link(link)
    assert [x.id for x in laptop.links_of(essay)] == [x.id for x in laptop.links_of(loose)]
    assert [x.id for x in desktop.links_of(essay)] == [link.id]  # synced with the library
    assert laptop.delete_link(link.id)
    assert laptop.links_of(essay) == laptop.links_of(loose) == []
    assert not laptop.delete_link(link.id)


def test_each_device_keeps_its_own_reading_position(tmp_path, library) -> None:
    laptop, desktop = stores(tmp_path, library)
    path = library / "essay.md"
    essay = laptop.register(path)
    assert laptop.save_position(essay, path, "f1", ReadingPosition(9, 0, 0.63))
    assert desktop.save_position(essay, path, "f1", ReadingPosition(1, 0, 0.1))
    assert laptop.position(essay) == ReadingPosition(9, 0, 0.63)
    assert desktop.position(essay) == ReadingPosition(1, 0, 0.1)
    elsewhere = desktop.last_read_elsewhere(essay)
    assert elsewhere is not None and elsewhere.position.progress == 0.63
    assert laptop.last_read_elsewhere(essay) is None
    assert set(desktop.positions()) == {essay}
    assert desktop.known_articles()[essay][0] == path


def test_file_facts_are_cached_in_the_data_folder_not_the_vault(tmp_path, library) -> None:
    laptop, _ = stores(tmp_path, library)
    path = library / "essay.md"
    essay = laptop.register(path)
    status = path.stat()
    info = ArticleInfo("An essay", 3, status.st_size, status.st_mtime_ns)
    laptop.save_article_infos({essay: (path, info)})
    again = VaultStore(tmp_path / "laptop-data", LAPTOP, [library])
    assert again.article_info(essay, status.st_size, status.st_mtime_ns) == info
    assert again.article_info(essay, status.st_size + 1, status.st_mtime_ns) is None
    assert again.article_infos()[essay][0] == {"id": essay, "path": str(path)}
    assert (tmp_path / "laptop-data" / "cache" / "files.json").is_file()
    assert not vault_root(library).exists()  # nothing of it travels with the library
    (tmp_path / "laptop-data" / "cache" / "files.json").write_text("{not json")
    assert VaultStore(tmp_path / "laptop-data", LAPTOP, [library]).article_infos() == {}


def test_an_article_moved_in_the_library_keeps_its_notes_on_every_device(tmp_path, library) -> None:
    laptop, desktop = stores(tmp_path, library)
    old_path, new_path = library / "essay.md", library / "news" / "essay.md"
    old = laptop.register(old_path)
    assert desktop.register(old_path) == old  # the desktop opened it too
    desktop.save_highlight(mark(old, 1, note="from the desktop"))
    laptop.save_highlight(mark(old, 2, note="from the laptop"))
    old_path.rename(new_path)
    new = library_key("news/essay.md")

    made = laptop.follow_moves({new: Move(old, str(old_path), str(new_path))})

    assert made == [new]
    for store in (laptop, desktop):
        assert sorted(h.note for h in store.highlights(new)) == [
            "from the desktop",
            "from the laptop",
        ]
        assert {h.article_id for h in store.highlights(new)} == {new}
    assert laptop.known_articles()[new][0] == new_path
    assert laptop.follow_moves({new: Move(old, str(old_path), str(new_path))}) == []


def test_a_change_put_aside_is_named_until_recovered(tmp_path, library) -> None:
    laptop, _ = stores(tmp_path, library)
    essay = laptop.register(library / "essay.md")
    laptop.save_highlight(mark(essay, 1))
    own = vault_root(library) / "devices" / A / "notes" / f"{essay}.json"
    own.write_text("{ damaged", encoding="utf-8")
    told: list[Path] = []
    laptop.on_aside = told.append
    laptop.save_highlight(mark(essay, 2, note="not lost"))
    assert told and told == laptop.recovered == laptop.pending_recovery
    assert own.read_text(encoding="utf-8") == "{ damaged"  # never written over
    assert "run `reader recover`" in laptop.recovery_hint()


def test_notes_made_before_the_folder_had_a_vault_are_brought_into_it(tmp_path, library) -> None:
    """Read on their own before their folder was a library, two articles' notes are kept
    by their absolute paths in the data folder's vault; once the folder is a library they
    come into its vault, merged with what another device wrote there, and not twice."""
    data = tmp_path / "laptop-data"
    alone = VaultStore(data, LAPTOP, [])
    essay, tariffs = library / "essay.md", library / "news" / "tariffs.md"
    assert alone.register(essay) == file_key(essay)
    assert alone.register(tariffs) == file_key(tariffs)
    for path, number, note in ((essay, 1, "read alone"), (tariffs, 2, "also alone")):
        alone.save_highlight(mark(file_key(path), number, note=note))
        # Where it was left, as the app saves it, with what the article is (its path).
        alone.save_position(file_key(path), path, "", ReadingPosition(0, 0, 0.5))
    desktop = VaultStore(tmp_path / "desktop-data", DESKTOP, [library])
    desktop.save_highlight(mark(desktop.register(essay), 3, note="from the desktop"))

    laptop = VaultStore(data, LAPTOP, [library])
    said = laptop.adopt()

    assert said == [
        f"{name}: the notes made when it was read on its own are now kept in its library"
        for name in ("essay.md", "news/tariffs.md")
    ]
    assert sorted(h.note for h in laptop.highlights(library_key("essay.md"))) == [
        "from the desktop",
        "read alone",
    ]
    assert [h.note for h in laptop.highlights(library_key("news/tariffs.md"))] == ["also alone"]
    assert not list((data / "vault").glob("devices/*/notes/*.json"))
    assert laptop.adopt() == []


def test_an_article_opened_from_a_library_by_its_path_brings_its_older_notes(
    tmp_path, library
) -> None:
    """``reader LIBRARY/essay.md`` (its library found by its vault) finds the notes made
    of it by its path before that folder had a vault."""
    data = tmp_path / "laptop-data"
    alone = VaultStore(data, LAPTOP, [])
    essay = library / "essay.md"
    alone.save_highlight(mark(alone.register(essay), 1, note="read alone"))
    desktop = VaultStore(tmp_path / "desktop-data", DESKTOP, [library])
    desktop.save_highlight(mark(desktop.register(library / "news/tariffs.md"), 2))
    from reader.text.keys import LIBRARIES

    LIBRARIES.clear()  # a new process, given only the article

    again = VaultStore(data, LAPTOP, [])
    key = again.register(essay)

    assert key == library_key("essay.md")
    assert [h.note for h in again.highlights(key)] == ["read alone"]


def test_a_note_for_an_id_that_is_no_key_is_refused_not_written_where_none_reads(
    tmp_path, library
) -> None:
    """An id that is not a key (a caller's mistake) would name a file that no reader reads
    back: its notes written and never seen again. It is refused, and nothing is written."""
    laptop, _ = stores(tmp_path, library)
    with pytest.raises(ValueError, match="not an article key"):
        laptop.save_highlight(mark("not-a-key", 1, note="lost"))
    assert not [p for p in files_in(vault_root(library)) if "not-a-key" in p.name]
    assert not list((tmp_path / "laptop-data").rglob("not-a-key*"))
