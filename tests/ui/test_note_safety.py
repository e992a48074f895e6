"""A note being written is never lost: quitting asks, a failed save keeps the editor open,
a note saved meanwhile in another window is kept beside it, what the lifeline saves is
offered back at the next start, and `a` then `escape` leaves nothing behind."""

from __future__ import annotations

import dataclasses
import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from reader.db.records import highlight_doc
from reader.model import now
from reader.services.drafts import Draft, DraftFile, drafts_beside
from reader.text.documents import load_article
from reader.ui.dialogs.note_editor import ConfirmScreen, NoteEditor, QuitQuestion
from tests.conftest import SAMPLE
from tests.stores import notes_store
from tests.ui.helpers import make_app, notified, screen_text, wait_for

WIDE = (150, 40)
ARTICLE_ID = load_article(SAMPLE).id


def drafts_base() -> Path:
    """What the app names its drafts after (they are kept in the data folder)."""
    return notes_store().drafts_base


def saved() -> list:
    """The sample article's highlights in the test's database, in document order."""
    return sorted(notes_store().highlights(ARTICLE_ID), key=lambda h: h.anchor.start)


async def type_text(pilot, text: str) -> None:
    """Type ``text`` key by key, as the reader does."""
    await pilot.press(*["space" if c == " " else c for c in text])


def editor_text(app) -> str:
    return app.screen.query_one(TextArea).text


# --- quitting ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["ctrl+q", "ctrl+c"])
async def test_quitting_with_a_note_being_written_asks_and_saves_it(key: str) -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "j", "a")
        await type_text(pilot, "kept on quitting")
        await pilot.press(key)
        assert isinstance(app.screen, QuitQuestion)
        assert "is not saved" in screen_text(app)
        await pilot.press("escape")  # go on writing: nothing lost
        assert isinstance(app.screen, NoteEditor)
        assert editor_text(app) == "kept on quitting"
        await type_text(pilot, " too")
        await pilot.press(key, "s")
        await pilot.pause()
        assert app._exit  # quitting
    (highlight,) = saved()
    assert highlight.note == "kept on quitting too"
    assert drafts_beside(drafts_base()) == []  # nothing left over for the next start


async def test_discarding_on_quitting_leaves_neither_the_note_nor_its_new_highlight() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "h", "j", "a")
        await type_text(pilot, "not wanted")
        await pilot.press("ctrl+q", "d")
        await pilot.pause()
        assert app._exit
    (highlight,) = saved()  # the one made with h, not the one a made for the note
    assert highlight.anchor.block == 1 and highlight.note == ""
    assert drafts_beside(drafts_base()) == []


async def test_ctrl_c_quits_as_ctrl_q_does_and_saves_the_place() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "j", "j", "ctrl+c")
        await pilot.pause()
        assert app._exit
        assert not notified(app, "to quit the app")  # Textual's own notice, no more
    position = notes_store().position(ARTICLE_ID)
    assert position is not None and position.block == 3


async def test_ctrl_c_with_text_selected_in_the_note_copies_it_and_quits_nothing() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("a")
        await type_text(pilot, "copy me")
        await pilot.press("shift+home", "ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor) and not app._exit
        assert app.clipboard == "copy me"


# --- failed saves -------------------------------------------------------------------------


async def test_a_note_the_full_disk_refuses_stays_in_the_open_editor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("h")  # saved before the disk fills

        def full(fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        with monkeypatch.context() as patch:
            patch.setattr(os, "fsync", full)
            await pilot.press("a")
            await type_text(pilot, "three paragraphs of thought")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, NoteEditor)
            assert editor_text(app) == "three paragraphs of thought"

            def said() -> str:  # what the editor says (on screen it wraps with the path)
                error = app.screen.query_one("#note-error", Static)
                return str(error.content) if error.display else ""

            await wait_for(pilot, lambda: "Not saved" in said())
            assert "No space left on device" in said()
            assert saved()[0].note == ""
        await pilot.press("ctrl+s")  # room again: saved
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
        assert saved()[0].note == "three paragraphs of thought"


async def test_a_note_the_lock_refuses_stays_in_the_open_editor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("reader.db.vault.vault.LOCK_TIMEOUT", 0.2)
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("h", "a")
        await type_text(pilot, "while another reader holds the lock")
        # Another reader (a store of its own) writing this article's notes for long.
        with notes_store().vault_for(ARTICLE_ID).locked(ARTICLE_ID):
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, NoteEditor)
            assert "being saved by another reader" in screen_text(app)
            assert editor_text(app) == "while another reader holds the lock"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert saved()[0].note == "while another reader holds the lock"


# --- a, then nothing written ----------------------------------------------------------------


async def test_a_then_escape_leaves_no_highlight_but_one_made_before_stays() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "a")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("escape")
        await pilot.pause()
        assert saved() == []
        assert "Highlights · 0" in screen_text(app) or "Highlights ·" not in screen_text(app)
        await pilot.press("a")  # written, then rubbed out, then saved: no note either
        await type_text(pilot, "no")
        await pilot.press("backspace", "backspace", "ctrl+s")
        await pilot.pause()
        assert saved() == []
        await pilot.press("h", "a", "escape")  # highlighted first: it stays
        await pilot.pause()
        (highlight,) = saved()
        assert highlight.anchor.block == 1
        await pilot.press("u")  # and undo still takes back the h
        assert saved() == []


async def test_a_then_discarding_what_was_typed_leaves_no_highlight() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("a")
        await type_text(pilot, "second thoughts")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert saved() == []


# --- two windows ------------------------------------------------------------------------------


async def test_a_note_saved_in_another_window_meanwhile_is_kept_and_said() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "h", "a")
        # Window 2 writes its note on the same highlight while this editor is open.
        other = notes_store()
        (theirs,) = other.highlights(ARTICLE_ID)
        other.save_highlight(
            dataclasses.replace(theirs, note="written in window two", modified=now()), base=theirs
        )
        other.close()
        await type_text(pilot, "written in window one")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: notified(app, "also changed in another window"))
        (highlight,) = saved()
        mine, marker, rest = highlight.note.partition("\n\n**Also written at the same time")
        assert mine == "written in window one" and marker
        assert rest.endswith("written in window two")


async def test_a_note_on_the_article_saved_in_another_window_is_kept_too() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("A")
        notes_store().set_article_note(ARTICLE_ID, SAMPLE, "theirs")
        await type_text(pilot, "mine")
        await pilot.press("ctrl+s")
        await pilot.pause()
        note = notes_store().article_note(ARTICLE_ID)
        assert note.startswith("mine\n\n**Also written") and note.endswith("theirs")
        assert notified(app, "also changed in another window")


# --- drafts: the lifeline, and the next start ------------------------------------------------


async def test_what_the_lifeline_saves_of_a_note_is_a_draft_of_it() -> None:
    """The lifeline acts from its own thread when the app is stuck; it writes the note to
    a draft file, which needs no database lock."""
    import threading

    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "a")
        await type_text(pilot, "typed as the app froze")
        saver = threading.Thread(target=app.last_resort_save)
        saver.start()
        saver.join(10)
        (draft,) = [d for _path, d in drafts_beside(drafts_base())]
        assert draft.text == "typed as the app froze"
        assert draft.article_id == ARTICLE_ID and draft.quote.startswith("In a brief social")
        await pilot.press("ctrl+s")  # the app was only slow after all: saved, draft gone
        await pilot.pause()
        assert drafts_beside(drafts_base()) == []


def dead_pid() -> int:
    """The process id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def leave_draft(text: str, *, highlight=None, base: str = "") -> Path:
    """A draft as a process killed while its editor was open leaves it."""
    db = drafts_base()
    article = load_article(SAMPLE)
    draft = Draft(
        article_id=ARTICLE_ID,
        highlight_id=highlight.id if highlight else "",
        title=article.title,
        path=str(SAMPLE),
        quote=highlight.quote if highlight else "",
        base=base,
        highlight=highlight_doc(highlight) if highlight else None,
    )
    own = DraftFile(db.parent, db.name, draft)
    assert own.write(text)
    left = db.with_name(f"{db.name}.draft-{dead_pid()}-1.json")
    own.path.rename(left)
    return left


async def test_a_draft_left_by_a_killed_reader_is_offered_back_and_saved() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "h", "q")
    (highlight,) = saved()
    left = leave_draft("typed before the kill", highlight=highlight)
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_for(pilot, lambda: "not saved when reader closed" in screen_text(app))
        assert isinstance(app.screen, NoteEditor)
        assert editor_text(app) == "typed before the kill"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
        assert "typed before the kill" in screen_text(app)  # in the pane at once
    assert saved()[0].note == "typed before the kill"
    assert not left.exists() and drafts_beside(drafts_base()) == []


async def test_a_draft_of_a_highlight_deleted_since_makes_it_again() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "h", "q")
    (highlight,) = saved()
    leave_draft("the note outlives its highlight", highlight=highlight)
    notes_store().delete_highlight(ARTICLE_ID, highlight.id)
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, NoteEditor))
        await pilot.press("ctrl+s")
        await pilot.pause()
    (again,) = saved()
    assert again.id == highlight.id and again.note == "the note outlives its highlight"


async def test_a_draft_can_be_discarded_and_is_not_offered_again() -> None:
    leave_draft("never mind", base="")
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_for(pilot, lambda: "A note on the whole article" in screen_text(app))
        await pilot.press("escape", "y")
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
    assert drafts_beside(drafts_base()) == []
    assert notes_store().article_note(ARTICLE_ID) == ""


async def test_a_draft_of_an_editor_open_in_another_window_is_not_offered() -> None:
    db = drafts_base()
    db.parent.mkdir(parents=True, exist_ok=True)
    live = db.with_name(f"{db.name}.draft-{os.getppid()}-1.json")  # a process that runs
    live.write_bytes(Draft(ARTICLE_ID, "", "t", str(SAMPLE), "", "", text="x").to_json())
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
    assert live.exists()
