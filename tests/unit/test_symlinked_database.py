"""A database that is a symbolic link (``reader.json -> elsewhere/notes.json``) is written
through the link, and a link that leads nowhere is refused, never replaced."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reader.cli import main
from reader.db.single_file import SingleFileStore as Store
from reader.db.single_file import StoreError
from reader.model import Anchor, Highlight
from reader.paths import resolve


def highlight(number: int) -> Highlight:
    return Highlight(
        id=f"h{number}",
        article_id="art1",
        anchor=Anchor(number, number + 5, "words", block=number),
        note=f"note {number}",
    )


@pytest.fixture
def linked(tmp_path: Path, private_data: Path) -> tuple[Path, Path]:
    """A database of one highlight in another folder, and reader.json linked to it."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "notes.json"
    Store(target).save_highlight(highlight(0))
    for stray in elsewhere.iterdir():  # its backup and lock: the notes alone are moved
        if stray != target:
            stray.unlink()
    private_data.mkdir(exist_ok=True)
    link = resolve().db
    link.symlink_to(os.path.relpath(target, link.parent))
    return link, target


def test_a_save_is_written_through_the_link_into_the_file_it_leads_to(
    linked: tuple[Path, Path],
) -> None:
    link, target = linked
    store = Store(link)
    store.save_highlight(highlight(1))
    store.close()
    assert link.is_symlink() and link.resolve() == target  # still the link
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert {doc["id"] for doc in saved["highlights/art1"].values()} == {"h0", "h1"}
    # The backup and the lock beside the file, where a reader that names it finds them.
    assert sorted(p.name for p in target.parent.iterdir()) == [
        "notes.json",
        "notes.json.bak",
        "notes.json.lock",
    ]
    assert sorted(p.name for p in link.parent.iterdir()) == ["reader.json"]
    assert {h.id for h in Store(target).highlights("art1")} == {"h0", "h1"}


def test_an_older_database_through_a_link_is_moved_into_the_vault_and_left_as_it_is(
    linked: tuple[Path, Path], library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first start reads the older database through its link, moves its notes into
    the vault, and changes neither the link nor the file it leads to."""
    link, target = linked
    before = target.read_bytes()
    assert main(["list", str(library)]) == 0
    assert "Moved 1 highlight of 1 article into the notes vault" in capsys.readouterr().err
    assert link.is_symlink() and link.resolve() == target
    assert target.read_bytes() == before


@pytest.mark.parametrize("command", [["list"], ["notes"], ["export", "--all", "-o", "x"]])
def test_a_link_that_leads_nowhere_is_refused_and_left_as_it_is(
    private_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    private_data.mkdir()
    link = resolve().db
    link.symlink_to(tmp_path / "unmounted" / "notes.json")
    library = tmp_path / "lib"
    library.mkdir()
    (library / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    argv = (
        [*command, str(library)] if command == ["list"] else [*command, "--library", str(library)]
    )
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"reader: {link} is a symbolic link to ")
    assert "which is not there" in err and "were not moved into the notes vault" in err
    assert link.is_symlink() and not link.exists()  # still the link, leading nowhere
    assert sorted(p.name for p in private_data.iterdir()) == ["reader.json"]  # nothing new


def test_a_store_refuses_a_link_that_leads_nowhere(tmp_path: Path) -> None:
    link = tmp_path / "reader.json"
    link.symlink_to("missing.json")
    with pytest.raises(StoreError, match=r"symbolic link to missing\.json, which is not there"):
        Store(link)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reader.json"]


def test_recover_merges_into_the_file_the_link_leads_to(linked: tuple[Path, Path]) -> None:
    from reader.db.recovery import recover

    link, target = linked
    recovered = target.with_name("notes.json.recovered-20260101-000000")
    aside = Store(target.parent / "aside" / "reader.json")
    aside.save_highlight(highlight(3))
    recovered.write_bytes(aside.path.read_bytes())
    result = recover(link)
    assert [m.added for m in result.merged] == [1]
    assert link.is_symlink()
    assert {h.id for h in Store(target).highlights("art1")} == {"h0", "h3"}


def test_locate_shows_where_the_link_leads(
    linked: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    link, target = linked
    assert main(["locate"]) == 0
    out = capsys.readouterr().out
    assert f"old notes: {link} -> {target}  (an older reader's" in out
