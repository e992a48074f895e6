"""The data folder: the sample library is made once, on a first run, and commands that only
look (list, notes, export, locate) make nothing: no database, no library, no backup.

Every test runs in a folder without ``articles/``, as reader does when started anywhere but
in a clone of its repository.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.cli import main
from reader.model import Anchor, Highlight
from reader.paths import resolve, seed_library
from reader.text.documents import article_id, load_article
from tests.conftest import WELCOME
from tests.stores import notes_store

SAMPLES = ("canada-us-talks-digital-services-tax.md", "welcome-to-reader.md")


@pytest.fixture(autouse=True)
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with no ``articles/`` in it."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def no_app(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """``reader`` goes as far as starting the app, which is noted instead."""
    started: list[object] = []
    monkeypatch.setattr("reader.cli._run_until_signalled", started.append)
    return started


def annotate(path: Path, db: Path) -> None:
    """A highlight with a note on the article's second block, in its library, read."""
    from reader.services.library import scan

    article = load_article(path)
    block = article.blocks[1]
    store = notes_store()
    scan(path.parent, store)  # as reader does when it shows the library
    store.save_highlight(
        Highlight(
            id="h1",
            article_id=article_id(path),
            anchor=Anchor(block.start, block.end, block.text, block=1),
            created="2026-01-01T00:00:00Z",
            modified="2026-01-01T00:00:00Z",
            note="my own thought",
        )
    )
    store.close()


def test_commands_that_look_make_nothing_on_a_fresh_machine(
    private_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list"]) == 0
    assert capsys.readouterr().err == (
        f"reader: your library {private_data / 'library'} does not exist yet: `reader` makes "
        "it, with reader's sample articles, and `reader add URL|FILE` adds to it\n"
    )
    assert main(["list", "--json"]) == 0
    assert capsys.readouterr().out == "[]\n"
    assert main(["notes"]) == 0
    assert main(["notes", "--json"]) == 0
    assert capsys.readouterr().out == "[]\n"
    assert main(["export", "welcome-to-reader.md"]) == 2
    assert main(["export", "--all", "-o", str(tmp_path / "out")]) == 2
    assert main(["locate"]) == 0
    assert not private_data.exists()  # no database, no backup, no library, no folder
    assert not (tmp_path / "out").exists()


def test_notes_writes_nothing_to_a_database_that_is_there(
    private_data: Path, library: Path
) -> None:
    annotate(library / WELCOME.name, private_data / "reader.json")

    def files() -> dict[str, bytes]:
        return {
            str(path): path.read_bytes()
            for folder in (private_data, library)
            for path in folder.rglob("*")
            if path.is_file()
        }

    before = files()
    assert main(["notes", "--library", str(library)]) == 0
    assert main(["notes", "--json", "thought", "--library", str(library)]) == 0
    assert files() == before  # not a cache, not a device file


def test_the_first_run_makes_the_library_of_samples_and_says_so_once(
    private_data: Path, no_app: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    library = private_data / "library"
    assert main([]) == 0
    assert capsys.readouterr().err == (
        f"reader: made your library, {library}, with reader's sample articles "
        '(begin with "Welcome to reader")\n'
    )
    assert sorted(p.name for p in library.iterdir()) == sorted(SAMPLES)
    assert main([]) == 0
    assert capsys.readouterr().err == ""
    for sample in library.iterdir():  # read, and put away
        sample.unlink()
    assert main([]) == 2  # not made again: the user emptied it
    assert capsys.readouterr().err == (
        f"reader: your library {library} holds no articles yet: `reader add URL|FILE` adds "
        "to it, `reader DIR` opens another folder (READER_LIBRARY names the one `reader` opens)\n"
    )
    assert list(library.iterdir()) == []
    assert len(no_app) == 2


def test_no_copies_of_the_samples_beside_notes_kept_elsewhere(
    private_data: Path, library: Path, no_app: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    """The samples were read and annotated in a clone's ``articles/`` (here ``library``):
    ``reader`` started elsewhere makes no copies of them in the data folder."""
    annotate(library / WELCOME.name, private_data / "reader.json")
    assert main([]) == 2
    assert "does not exist yet: `reader add URL|FILE` adds to it" in capsys.readouterr().err
    assert not (private_data / "library").exists()
    assert no_app == []


def test_a_first_add_makes_the_library_of_samples_too(
    private_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "story.html"
    paragraphs = "".join(f"<p>Paragraph {n} of a story told at some length.</p>" for n in range(9))
    page.write_text(f"<html><head><title>Story</title></head><body>{paragraphs}</body></html>")
    assert main(["add", str(page)]) == 0
    out = capsys.readouterr()
    assert out.out == f"{private_data / 'library' / 'Story.md'}\n"
    assert out.err.startswith("reader: made your library")
    assert sorted(p.name for p in (private_data / "library").iterdir()) == sorted(
        [*SAMPLES, "Story.md"]
    )


def test_only_the_samples_are_copied_whatever_is_beside_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a clone, ``articles/`` is where ``reader add`` put its owner's articles."""
    clone = tmp_path / "clone-articles"
    shutil.copytree(WELCOME.parent, clone)
    (clone / "my-own-article.md").write_text("# Mine\n\nNot a sample.\n")
    monkeypatch.setattr("reader.paths.samples_dir", lambda: clone)
    library = tmp_path / "fresh" / "library"
    assert seed_library(library)
    assert sorted(p.name for p in library.iterdir()) == sorted(SAMPLES)
    # An empty folder is a new library too; one with anything in it is not.
    empty = tmp_path / "empty"
    empty.mkdir()
    assert seed_library(empty) and sorted(p.name for p in empty.iterdir()) == sorted(SAMPLES)
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine")
    assert not seed_library(kept)
    assert [p.name for p in kept.iterdir()] == ["notes.txt"]


def test_export_by_name_takes_the_annotated_article_not_an_unannotated_copy(
    private_data: Path, library: Path, capsys: pytest.CaptureFixture[str], no_app: list[object]
) -> None:
    """Copies made by an earlier reader sit in the data folder's library; the annotated
    article is in the clone's ``articles/`` (``library`` here), where it was read: its notes
    are in that library's vault, which a command given the other library finds."""
    annotate(library / WELCOME.name, private_data / "reader.json")
    assert main([str(library)]) == 0  # `reader articles`, as it was read there
    copies = private_data / "library"
    shutil.copytree(library, copies, ignore=shutil.ignore_patterns(".reader"))  # its notes stay
    assert resolve().library == copies
    for name in ("welcome-to-reader.md", "welcome-to-reader", "Welcome to reader"):
        assert main(["export", name]) == 0
        out = capsys.readouterr()
        assert "my own thought" in out.out
        assert out.err == (
            f"reader: {name} names 2 articles; exporting the one with notes, "
            f"{library / WELCOME.name} (not {copies / WELCOME.name})\n"
        )


def test_export_by_name_finds_an_annotated_article_outside_any_library(
    private_data: Path, library: Path, capsys: pytest.CaptureFixture[str], no_app: list[object]
) -> None:
    """Annotated in another library than the default one (not made yet): found there."""
    annotate(library / WELCOME.name, private_data / "reader.json")
    assert main([str(library)]) == 0  # `reader articles`, as it was read there
    assert main(["export", "welcome-to-reader.md"]) == 0
    assert "my own thought" in capsys.readouterr().out
    assert not (private_data / "library").exists()
