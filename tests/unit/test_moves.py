"""An article moved or renamed outside reader keeps its notes (reader.services.moves)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reader.cli import main
from reader.db.store import Store
from reader.model import Anchor, CrossLink, LinkEnd, ReadingPosition
from reader.services.library import scan
from reader.text.documents import article_id
from tests.stores import notes_store
from tests.unit.test_store import make_highlight


def _article(path: Path, title: str, body: str = "The first paragraph of it.") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\n---\n\n{body}\n", encoding="utf-8")
    return path


def _end(path: Path, title: str) -> LinkEnd:
    return LinkEnd(article_id(path), str(path), title, Anchor(4, 9, "first"))


@pytest.fixture
def library(tmp_path: Path) -> tuple[Path, Store]:
    """A library of two articles, the first with a highlight, a note on the whole article,
    a reading position and a link to the second; scanned once, as reader does."""
    folder = tmp_path / "library"
    first = _article(folder / "first.md", "The first")
    second = _article(folder / "second.md", "The second")
    store = notes_store(library=folder)  # the library reader is started on
    ident = article_id(first)
    store.save_highlight(make_highlight(article=ident, number=1))
    store.set_article_note(ident, first, "about the whole of it")
    store.save_position(ident, first, "fp", ReadingPosition(3, 0, 0.5))
    link = CrossLink("link-1", _end(first, "The first"), _end(second, "The second"), "see")
    store.save_link(link)
    scan(folder, store)
    return folder, store


def _notes_files(folder: Path) -> dict[str, bytes]:
    """Every file of the library's notes vault, and what it holds."""
    vault = folder / ".reader"
    return {str(p.relative_to(vault)): p.read_bytes() for p in vault.rglob("*") if p.is_file()}


def _counts(folder: Path, store: Store) -> dict[str, tuple[int, int]]:
    return {e.path.name: (e.highlights, e.notes) for e in scan(folder, store).entries}


def test_a_file_moved_to_a_subfolder_keeps_everything(library: tuple[Path, Store]) -> None:
    folder, store = library
    old, new = folder / "first.md", folder / "2026" / "renamed.md"
    new.parent.mkdir()
    os.rename(old, new)  # as mv does: size and modification time kept
    moved = scan(folder, store)
    assert [(m.old_path, m.path) for m in moved.moved] == [(str(old), str(new))]
    assert {e.path.name: (e.highlights, e.notes) for e in moved.entries}["renamed.md"] == (1, 2)
    ident = article_id(new)
    assert [h.id for h in store.highlights(ident)] == [f"id-{article_id(old)}-1"]
    assert store.highlights(ident)[0].article_id == ident
    assert store.highlights(article_id(old)) == []
    assert store.article_note(ident) == "about the whole of it"
    assert store.position(ident) == ReadingPosition(3, 0, 0.5)
    (link,) = store.all_links()
    assert (link.source.article_id, link.source.path) == (ident, str(new))
    assert link.target.article_id == article_id(folder / "second.md")
    assert str(old) not in {str(path) for path, _title in store.known_articles().values()}
    # Once moved, a scan finds nothing more to move, and the counts stay.
    again = scan(folder, store)
    assert again.moved == ()
    assert _counts(folder, store)["renamed.md"] == (1, 2)


def test_a_file_renamed_and_edited_is_found_by_its_title(library: tuple[Path, Store]) -> None:
    folder, store = library
    (folder / "first.md").unlink()
    new = _article(folder / "first-edited.md", "The first", "The first paragraph, edited.")
    (moved,) = scan(folder, store).moved
    assert moved.path == str(new)
    assert len(store.highlights(article_id(new))) == 1


def test_nothing_moves_when_it_is_not_clear_which_article_it_was(
    library: tuple[Path, Store],
) -> None:
    folder, store = library
    # A copy beside the original: the original is still there, so nothing moved.
    shutil.copy2(folder / "first.md", folder / "copy.md")
    assert scan(folder, store).moved == ()
    assert _counts(folder, store) == {
        "first.md": (1, 2),
        "copy.md": (0, 0),
        "second.md": (0, 0),
    }
    # Two articles gone with the same title, and an edited file of that title: which?
    other = _article(folder / "other.md", "The first", "Another text altogether, longer.")
    store.save_highlight(make_highlight(article=article_id(other), number=2))
    scan(folder, store)
    (folder / "first.md").unlink()
    other.unlink()
    (folder / "copy.md").unlink()
    _article(folder / "third.md", "The first", "Edited again.")
    assert scan(folder, store).moved == ()
    assert _counts(folder, store)["third.md"] == (0, 0)


def test_a_file_with_notes_of_its_own_is_not_given_another_s(
    library: tuple[Path, Store],
) -> None:
    folder, store = library
    new = _article(folder / "new.md", "The first", "A new text.")
    store.save_highlight(make_highlight(article=article_id(new), number=5))
    (folder / "first.md").unlink()
    assert scan(folder, store).moved == ()
    assert [h.id for h in store.highlights(article_id(new))] == [f"id-{article_id(new)}-5"]


def test_the_move_is_said_by_list_and_export(
    library: tuple[Path, Store], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, store = library
    store.close()
    (folder / "sub").mkdir()
    os.rename(folder / "first.md", folder / "sub" / "first.md")
    db = str(tmp_path / "data" / "reader.json")
    assert main(["list", str(folder), "--db", db]) == 0
    err = capsys.readouterr().err
    assert f"{folder / 'first.md'} moved to {folder / 'sub' / 'first.md'}" in err
    assert "its notes went with it" in err
    out = tmp_path / "out"
    assert main(["export", "--all", "--library", str(folder), "-o", str(out), "--db", db]) == 0
    assert (out / "The first.md").read_text(encoding="utf-8").count("about the whole of it")


def test_a_read_only_database_says_nothing_moved(
    library: tuple[Path, Store], tmp_path: Path
) -> None:
    folder, store = library
    store.close()
    os.rename(folder / "first.md", folder / "moved.md")
    reading = notes_store(read_only=True)
    assert scan(folder, reading).moved == ()
    # Listed with its notes all the same: they are found, only not yet moved.
    assert _counts(folder, reading)["moved.md"] == (1, 2)


def test_export_all_names_the_annotated_articles_it_leaves_out(
    library: tuple[Path, Store], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Moved out of the library (or deleted): not in an export of the library, and said so,
    so that no one takes the export for all of their notes."""
    folder, store = library
    store.close()
    elsewhere = tmp_path / "elsewhere" / "first.md"
    elsewhere.parent.mkdir()
    os.rename(folder / "first.md", elsewhere)
    db = str(tmp_path / "data" / "reader.json")
    out = tmp_path / "out"
    args = ["export", "--all", "--library", str(folder), "-o", str(out), "--db", db]
    assert main(args) == 0  # the second article is an end of the first one's link
    err = capsys.readouterr().err
    gone = f"{folder / 'first.md'} (its file is gone)"
    assert f"1 annotated article not in {folder}, not exported: {gone}" in err


def test_a_whole_library_moved_takes_its_notes_with_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The notes of a library are in it (``.reader/``): moved or synced elsewhere whole, it
    has every note, and there is no move to follow."""
    old, new = tmp_path / "old", tmp_path / "new"
    store = notes_store(library=old)
    for number in range(5):
        path = _article(old / f"a{number}.md", f"Article {number}")
        store.save_highlight(make_highlight(article=article_id(path), number=number))
    scan(old, store)
    store.close()
    os.rename(old, new)
    assert main(["list", str(new)]) == 0
    assert capsys.readouterr().err == ""
    assert set(_counts(new, notes_store(library=new)).values()) == {(1, 1)}  # highlight, note


def test_paths_are_saved_absolute_whatever_was_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _article(tmp_path / "lib" / "a.md", "A")
    store = notes_store()
    typed = Path("lib") / "a.md"
    store.set_article_note(article_id(typed), typed, "a note")
    assert [str(path) for path, _title in store.known_articles().values()] == [
        str(tmp_path / "lib" / "a.md")
    ]


def test_a_title_is_evidence_only_when_one_new_file_of_about_that_length_has_it(
    library: tuple[Path, Store],
) -> None:
    folder, store = library
    body = "The first paragraph, edited, and longer. " * 3
    (folder / "first.md").unlink()
    # Another article of the same title, much longer: not the one renamed and edited.
    _article(folder / "aaa.md", "The first", "Gardening. " * 200)
    assert scan(folder, store).moved == ()
    # The same, and the renamed-and-edited one beside it: two new files of that title.
    renamed = _article(folder / "zzz.md", "The first", body)
    assert scan(folder, store).moved == ()
    (folder / "aaa.md").unlink()
    (moved,) = scan(folder, store).moved
    assert moved.path == str(renamed)


def test_copies_that_look_alike_are_not_taken_for_a_move(library: tuple[Path, Store]) -> None:
    folder, store = library
    first = folder / "first.md"
    shutil.copy2(first, folder / "a.md")
    shutil.copy2(first, folder / "b.md")
    first.unlink()
    assert scan(folder, store).moved == ()


def test_a_move_keeps_the_old_article_s_place_and_note_over_the_new_file_s(
    library: tuple[Path, Store],
) -> None:
    """Found by the library screen's scan, and opened (a place saved, a note cleared)
    before the screen gives the move to the store."""
    from reader.services.library import known_facts, scan_batches

    folder, store = library
    new = folder / "renamed.md"
    os.rename(folder / "first.md", new)
    moved: dict = {}
    for _batch in scan_batches(folder, known=known_facts(store), fresh={}, moved=moved):
        pass
    store.save_position(article_id(new), new, "fp", ReadingPosition(0, 0, 0.0))
    store.set_article_note(article_id(new), new, "")
    assert store.follow_moves(moved) == [article_id(new)]
    assert store.position(article_id(new)) == ReadingPosition(3, 0, 0.5)
    assert store.article_note(article_id(new)) == "about the whole of it"


def test_one_file_like_two_gone_articles_is_neither(tmp_path: Path) -> None:
    """moves.py:144: two articles gone alike (size, time and title) and one new file like
    both: which one it is cannot be told, so nothing moves."""
    folder = tmp_path / "library"
    store = notes_store()
    twins = [_article(folder / name, "Twins") for name in ("one.md", "two.md")]
    for number, path in enumerate(twins):
        os.utime(path, ns=(10**18, 10**18))
        store.save_highlight(make_highlight(article=article_id(path), number=number))
    scan(folder, store)
    new = folder / "sub" / "three.md"
    new.parent.mkdir()
    os.rename(twins[0], new)
    twins[1].unlink()
    assert scan(folder, store).moved == ()
    assert store.highlights(article_id(new)) == []
    assert all(len(store.highlights(article_id(path))) == 1 for path in twins)


def test_a_move_is_not_made_when_its_old_file_came_back(library: tuple[Path, Store]) -> None:
    """moves.py:205: the move was found, then the old file came back before it was made."""
    from reader.services.moves import Move

    folder, store = library
    old, new = folder / "first.md", folder / "moved.md"
    shutil.copy2(old, new)
    before = _notes_files(folder)
    assert store.follow_moves({article_id(new): Move(article_id(old), str(old), str(new))}) == []
    assert _notes_files(folder) == before
    assert len(store.highlights(article_id(old))) == 1


def test_a_move_is_not_made_onto_an_article_that_has_notes_of_its_own(
    library: tuple[Path, Store],
) -> None:
    """moves.py:209: meanwhile the new file got a highlight of its own: its notes and the
    old article's are never mixed."""
    from reader.services.moves import Move

    folder, store = library
    old, new = folder / "first.md", folder / "moved.md"
    os.rename(old, new)
    store.save_highlight(make_highlight(article=article_id(new), number=7))
    before = _notes_files(folder)
    assert store.follow_moves({article_id(new): Move(article_id(old), str(old), str(new))}) == []
    assert _notes_files(folder) == before
    assert [h.id for h in store.highlights(article_id(new))] == [f"id-{article_id(new)}-7"]
    assert len(store.highlights(article_id(old))) == 1
