"""Another reader holding the database (an import's batch, a window stopped with SIGSTOP)
never keeps the app from moving or quitting: a reading position that cannot wait is saved
with the next change, or said to be unsaved as reader ends."""

from __future__ import annotations

import pytest

from reader.db import storage
from reader.paths import resolve
from reader.text.documents import load_article
from tests.conftest import SAMPLE
from tests.stores import notes_store
from tests.ui.helpers import SIZE, make_app
from tests.unit.test_lock_waits import LockHeldElsewhere


async def test_q_quits_at_once_while_another_reader_holds_the_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(storage, "LOCK_TIMEOUT", 60.0)  # what a save waits for at most
    article = load_article(SAMPLE)
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j", "j", "j")
        with LockHeldElsewhere(resolve().db) as other:
            await pilot.press("q")
            await pilot.pause()
            other.let_go()
    assert other.early, "q waited until the other reader let the database go"
    assert app.return_code == 0
    # Not saved meanwhile, and known to be: reader says so as it ends (or saves it, when
    # the database is free by then).
    assert app.store.unsaved_positions == [SAMPLE.resolve()]
    assert app.store.save_unsaved()
    assert notes_store(read_only=True).position(article.id).block == 3  # type: ignore[union-attr]


async def test_a_position_that_could_not_wait_is_saved_with_the_next_change() -> None:
    article = load_article(SAMPLE)
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        with LockHeldElsewhere(resolve().db):
            await pilot.press("j", "j")
            app.screen.save_position()
            await pilot.pause()
        assert app.store.unsaved_positions
        await pilot.press("h")  # a highlight: its save writes the position too
        await pilot.pause()
        assert not app.store.unsaved_positions
        assert notes_store(read_only=True).position(article.id).block == 2  # type: ignore[union-attr]
