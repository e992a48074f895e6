"""The library: a folder and its subfolders, read in batches, cached, sorted."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from reader.services import library as library_module
from reader.services.library import article_files, known_facts, scan, scan_batches, sort_entries
from tests.stores import notes_store


def _write(path: Path, title: str, words: int = 3) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {title}\n\n" + " ".join(["word"] * words) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def nested(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    _write(folder / "top.md", "Top")
    _write(folder / "politics" / "vote.md", "The vote")
    _write(folder / "politics" / "2026" / "budget.txt", "Budget")
    _write(folder / ".obsidian" / "workspace.md", "Obsidian's own")
    _write(folder / ".trash" / "gone.md", "Deleted")
    _write(folder / ".hidden.md", "Hidden file")
    (folder / "notes.json").write_text("{}", encoding="utf-8")
    # reader's own export, in the library: notes about articles, not articles.
    export = folder / "reader-notes" / "Top (notes).md"
    export.parent.mkdir()
    export.write_text("---\nexported_by: reader\n---\n\n# Top\n\nA note.\n", encoding="utf-8")
    return folder


def test_subfolders_are_read_and_hidden_folders_and_exports_are_not(nested: Path) -> None:
    library = scan(nested)
    found = {(entry.folder, entry.title) for entry in library.entries}
    assert found == {("", "Top"), ("politics", "The vote"), ("politics/2026", "Budget")}
    assert library.folders == ["politics", "politics/2026"]
    assert library.problems == []


def test_files_at_the_top_come_first_then_by_folder(nested: Path) -> None:
    names = [path.relative_to(nested).as_posix() for path in article_files(nested)]
    assert names[0] == "top.md"
    # A folder's own files, then its subfolders'.
    assert names[1:3] == ["politics/vote.md", "politics/2026/budget.txt"]


def test_ids_are_paths_inside_the_library_reached_through_links_too(tmp_path: Path) -> None:
    from reader.text.documents import article_id
    from reader.text.keys import LIBRARIES, library_key

    real = tmp_path / "real"
    _write(real / "a.md", "A")
    _write(real / "sub" / "b.md", "B")
    elsewhere = _write(tmp_path / "elsewhere" / "c.md", "C")
    (real / "sub" / "c.md").symlink_to(elsewhere)
    link = tmp_path / "link"
    link.symlink_to(real)  # the library reached through a linked folder
    LIBRARIES.register(link)
    entries = scan(link).entries
    assert len(entries) == 3
    for entry in entries:
        assert entry.id == article_id(entry.path)  # the scan and the app agree
    ids = {e.path.name: e.id for e in entries}
    # A file linked in is the library's, known by its place there (the same on a machine
    # where it is a copy); the library reached by its real path gives the same ids.
    assert ids == {
        "a.md": library_key("a.md"),
        "b.md": library_key("sub/b.md"),
        "c.md": library_key("sub/c.md"),
    }
    assert article_id(real / "sub" / "b.md") == ids["b.md"]


def test_a_first_scan_reports_batches_then_later_scans_read_no_file(
    nested: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(7):
        _write(nested / "many" / f"{number}.md", f"Many {number}")
    store = notes_store()
    batches = list(scan_batches(nested, store, batch=3))
    # First what is cached (nothing), then three files at a time, counting all files read
    # (the export too: it is read to learn it is one).
    assert [(done, total) for _, _, done, total in batches] == [
        (0, 11),
        (3, 11),
        (6, 11),
        (9, 11),
        (11, 11),
    ]
    assert sum(len(entries) for entries, *_ in batches) == 10

    read: list[Path] = []
    real = library_module.describe_file

    def counting(path: Path):  # type: ignore[no-untyped-def]
        read.append(path)
        return real(path)

    monkeypatch.setattr(library_module, "describe_file", counting)
    again = list(scan_batches(nested, notes_store()))
    assert read == []  # every fact came from the store, the export's too
    assert [(done, total) for _, _, done, total in again] == [(11, 11)]
    assert len(again[0][0]) == 10

    # A changed file is read again, and only it.
    changed = nested / "many" / "3.md"
    _write(changed, "Renamed")
    os.utime(changed, ns=(0, 10**18))
    titles = {entry.title for entry in scan(nested, notes_store()).entries}
    assert read == [changed] and "Renamed" in titles and "Many 3" not in titles


def test_a_scan_in_a_thread_leaves_what_it_read_for_the_caller_to_save(
    nested: Path, tmp_path: Path
) -> None:
    store = notes_store()
    fresh: dict = {}
    list(scan_batches(nested, known=known_facts(store), fresh=fresh))
    assert len(fresh) == 4  # three articles and the export
    assert store.article_infos() == {}  # untouched: the caller saves on its own thread
    store.save_article_infos(fresh)
    assert len(store.article_infos()) == 4


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    from reader.text.documents import DocumentError

    with pytest.raises(DocumentError, match="no such folder"):
        scan(tmp_path / "nowhere")


def test_sort_orders(nested: Path, tmp_path: Path) -> None:
    entries = scan(nested).entries
    by = {order: [e.title for e in sort_entries(entries, order)] for order in ("title", "added")}
    assert by["title"] == ["Budget", "The vote", "Top"]
    assert sorted(by["added"]) == by["title"]
    read = [
        dataclasses.replace(entry, progress=0.5, opened=100.0, highlights=2)
        if entry.title == "Top"
        else entry
        for entry in entries
    ]
    assert sort_entries(read, "recent")[0].title == "Top"
    assert sort_entries(read, "progress")[0].title == "Top"
    assert sort_entries(read, "highlights")[0].title == "Top"
    # Ties keep title order.
    assert [e.title for e in sort_entries(read, "recent")[1:]] == ["Budget", "The vote"]
