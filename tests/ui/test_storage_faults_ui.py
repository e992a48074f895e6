"""Storage faults met in the running app: the reader is told, and nothing is written over."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.cli import main
from reader.text.documents import load_article
from reader.text.keys import vault_root
from reader.ui.app import ReaderApp
from reader.ui.dialogs.note_editor import NoteEditor
from tests.conftest import SAMPLE
from tests.stores import notes_store
from tests.ui.helpers import make_app, screen_text, toasts
from tests.unit.test_export_names import annotate
from tests.unit.test_storage_faults import permissions, snapshot

__all__ = ["permissions"]  # a fixture, used by name

WIDE = (150, 40)
ARTICLE_ID = load_article(SAMPLE).id


def told(app: ReaderApp) -> list[str]:
    """Record every notification's whole text (on screen, a long one wraps over lines)."""
    messages: list[str] = []
    notify = app.notify

    def record(message: str, *args: object, **options: object) -> None:
        messages.append(message)
        notify(message, *args, **options)  # type: ignore[arg-type]

    app.notify = record  # type: ignore[method-assign]
    return messages


def notes_file() -> Path:
    """This device's notes file of the sample article (in the data folder's vault: the
    article is opened on its own)."""
    return notes_store().vault_for(ARTICLE_ID).own_notes / f"{ARTICLE_ID}.json"


async def test_a_notes_file_damaged_while_reading_is_never_written_over(
    capsys: pytest.CaptureFixture[str],
) -> None:
    notes = notes_file()
    app = make_app(article=SAMPLE)
    messages = told(app)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("h")
        assert len(notes_store(read_only=True).highlights(ARTICLE_ID)) == 1
        damaged = notes.read_bytes()[:200]  # another program cut the file short
        notes.write_bytes(damaged)
        before = snapshot(notes.parent)
        await pilot.press("j", "h")
        await pilot.pause()
        # Saved, to the recovery file: said so, not "Not saved".
        assert "Notes file damaged" in screen_text(app) and "Not saved" not in screen_text(app)
        (recovery,) = notes.parent.glob(f"{ARTICLE_ID}.json.recovered-*")
        message = messages[-1]
        assert f"{notes} was damaged by another program" in message
        assert recovery.name in message and "run `reader recover` to merge it back" in message
        after = snapshot(notes.parent)
        assert {name: after[name] for name in before} == before  # the damaged file
        # The highlight just made is kept, with the first, in the recovery file.
        assert len(notes_store(read_only=True).highlights(ARTICLE_ID)) == 2
        await pilot.press("q")  # quitting saves the reading position: there too
    assert notes_store(read_only=True).position(ARTICLE_ID) is not None
    assert notes.read_bytes() == damaged
    # `reader recover` merges what was put aside back into the article's file.
    assert main(["recover"]) == 0
    capsys.readouterr()
    assert not list(notes.parent.glob(f"{ARTICLE_ID}.json.recovered-*"))
    assert notes.read_bytes() != damaged
    assert len(notes_store(read_only=True).highlights(ARTICLE_ID)) == 2
    assert notes_store(read_only=True).position(ARTICLE_ID) is not None


async def test_after_another_program_damages_the_notes_file_every_key_works_as_always() -> None:
    """``echo GARBAGE > KEY.json`` while reader runs: what is made goes to the recovery
    file, and reader shows it as made: h on a highlighted paragraph adds no second
    highlight, a opens the editor (what is typed is text, never commands), and one
    warning says so, and stays, however many changes follow."""
    notes = notes_file()
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("h")
        notes.write_bytes(b"GARBAGE\n")
        await pilot.press("j", "h", "h", "h")
        await pilot.pause()
        (recovery,) = notes.parent.glob(f"{ARTICLE_ID}.json.recovered-*")
        assert len(notes_store(read_only=True).highlights(ARTICLE_ID)) == 2
        await pilot.press("j", "j", "a")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("q", "u", "i", "t", "ctrl+s")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, NoteEditor)
        highlights = notes_store(read_only=True).highlights(ARTICLE_ID)
        assert sorted(h.note for h in highlights) == ["", "", "quit"]
        warnings = [toast for toast in toasts(app) if "damaged" in toast]
        assert len(warnings) == 1 and "Not saved" not in warnings[0]
        assert recovery.name in warnings[0] and "reader recover" in warnings[0]
        (warning,) = [n for n in app._notifications if "damaged" in n.message]
        assert warning.timeout >= 24 * 3600  # until read (a click takes it away)
    assert notes.read_bytes() == b"GARBAGE\n"


@pytest.fixture(params=["library", "vault"])
def read_only_library(
    request: pytest.FixtureRequest, permissions: None, library: Path
) -> Iterator[Path]:
    """The library with notes on its news article, its folder or its notes vault folder
    (``.reader``) read-only."""
    annotate(library / SAMPLE.name, "made before")
    target = library if request.param == "library" else vault_root(library)
    mode = target.stat().st_mode
    target.chmod(0o555)
    try:
        yield target
    finally:
        target.chmod(mode)


def every_file(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by its path there, with the SHA-256 of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


async def test_a_read_only_library_is_announced_and_a_highlight_is_refused(
    read_only_library: Path, library: Path
) -> None:
    before = every_file(library)
    app = make_app(library=library, article=library / SAMPLE.name)
    messages = told(app)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        (warning,) = messages
        assert str(read_only_library) in warning and "will not save changes" in warning
        assert "read-only" in screen_text(app)
        await pilot.press("h")  # the first paragraph: not highlighted yet
        await pilot.pause()
        assert messages[-1].startswith("Not saved:") and str(library) in messages[-1]
        assert "Not saved" in screen_text(app)
    assert every_file(library) == before
    (kept,) = notes_store(read_only=True).highlights(load_article(library / SAMPLE.name).id)
    assert kept.note == "made before"


async def test_a_read_only_library_is_not_complained_about_at_every_move(
    read_only_library: Path, library: Path
) -> None:
    app = make_app(library=library, article=library / SAMPLE.name)
    messages = told(app)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        for _ in range(3):
            await pilot.press("j")
            app.screen.save_position()  # as the debounce timer does after each move
            await pilot.pause()
        await pilot.press("q")  # and on the way out
    assert len(messages) == 1 and "will not save changes" in messages[0]


async def test_changes_put_aside_in_an_earlier_session_are_announced_at_start() -> None:
    annotate(SAMPLE, "made in an earlier session")
    notes = notes_file()
    recovery = notes.with_name(f"{notes.name}.recovered-20261130-101500")
    recovery.write_bytes(notes.read_bytes())
    app = make_app(article=SAMPLE)
    messages = told(app)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        (message,) = messages
        assert str(recovery) in message and "reader recover" in message
