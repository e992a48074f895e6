"""Another reader holding an article's notes file (an import's batch, a window stopped with
SIGSTOP) never keeps the app from moving or quitting: a reading position that cannot wait is saved
with the next change, or said to be unsaved as reader ends."""

from __future__ import annotations

import threading

import pytest

from reader.db.vault import vault
from reader.text.documents import load_article
from tests.conftest import SAMPLE
from tests.stores import notes_store
from tests.ui.helpers import SIZE, make_app


class HeldElsewhere:
    """Another reader (a store of its own) holds an article's notes file until
    :meth:`let_go`, or for ``limit`` seconds at the most."""

    def __init__(self, key: str, limit: float = 20.0) -> None:
        self.key = key
        self.limit = limit
        self._go, self._held = threading.Event(), threading.Event()
        self.early = False  # let go when asked, before the limit
        self._holder = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        with notes_store().vault_for(self.key).locked(self.key, wait=5.0):
            self._held.set()
            self.early = self._go.wait(self.limit)

    def __enter__(self) -> HeldElsewhere:
        self._holder.start()
        assert self._held.wait(10.0), "the other reader never held the file"
        return self

    def let_go(self) -> None:
        self._go.set()

    def __exit__(self, *exc: object) -> None:
        self._go.set()
        self._holder.join()


async def test_q_quits_at_once_while_another_reader_holds_the_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(vault, "LOCK_TIMEOUT", 60.0)  # what a save waits for at most
    article = load_article(SAMPLE)
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j", "j", "j")
        with HeldElsewhere(article.id) as other:
            await pilot.press("q")
            await pilot.pause()
            other.let_go()
    assert other.early, "q waited until the other reader let the file go"
    assert app.return_code == 0
    # Not saved meanwhile, and known to be: reader says so as it ends (or saves it, when
    # the file is free by then).
    assert app.store.unsaved_positions == [SAMPLE.resolve()]
    assert app.store.save_unsaved()
    assert notes_store(read_only=True).position(article.id).block == 3  # type: ignore[union-attr]


async def test_a_position_that_could_not_wait_is_saved_with_the_next_change() -> None:
    article = load_article(SAMPLE)
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        with HeldElsewhere(article.id):
            await pilot.press("j", "j")
            app.screen.save_position()
            await pilot.pause()
        assert app.store.unsaved_positions
        await pilot.press("h")  # a highlight: its save writes the position too
        await pilot.pause()
        assert not app.store.unsaved_positions
        assert notes_store(read_only=True).position(article.id).block == 2  # type: ignore[union-attr]
