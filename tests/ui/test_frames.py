"""A key that moves through the article is answered in one frame: the text, the header's
position, the scroll bar and the notes pane drawn together.

tmux, and any terminal that does not answer Textual's question about synchronized output,
shows each frame as it arrives: a key answered in three frames took 50-80 ms to look
finished (``benchmarks/tmux_keys.py``). These tests count the frames Textual draws after a
key; they time nothing.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.ui.app import ReaderApp
from tests.conftest import SAMPLE
from tests.ui.helpers import make_app, screen_text

WIDE = (140, 36)  # the notes pane shows beside the article
QUIET = 0.3  # seconds without a frame that end a key's answer (a second frame came 17-80 ms late)


def count_frames(app: ReaderApp) -> list[float]:
    """Note the time of every frame the app draws from now on (in a list, returned)."""
    frames: list[float] = []
    display = app._display

    def counted(screen, renderable) -> None:  # type: ignore[no-untyped-def]
        if renderable is not None:
            frames.append(time.monotonic())
        display(screen, renderable)

    app._display = counted  # type: ignore[method-assign]
    return frames


async def until_quiet(pilot: Pilot, frames: list[float]) -> None:
    """Wait until no frame has been drawn for QUIET seconds."""
    started = time.monotonic()
    while time.monotonic() - max([started, *frames]) < QUIET:
        await pilot.pause(0.05)


async def frames_for(pilot: Pilot, frames: list[float], key: str) -> int:
    """How many frames answer ``key``, pressed once the screen is still."""
    await until_quiet(pilot, frames)
    before = len(frames)
    await pilot.press(key)
    await until_quiet(pilot, frames)
    return len(frames) - before


@pytest.mark.parametrize("key", ["j", "k", "space", "b", "G", "g"])
async def test_a_key_that_moves_is_answered_in_one_frame(key: str) -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        frames = count_frames(app)
        # Highlights on the first paragraphs, so the pane follows the cursor too.
        await pilot.press("j", "h", "j", "2", "j", "h")
        if key in ("k", "b"):
            await pilot.press("G")
        before = screen_text(app)
        assert await frames_for(pilot, frames, key) == 1
        assert screen_text(app) != before


async def test_moving_through_highlights_draws_the_pane_in_the_same_frame() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        frames = count_frames(app)
        await pilot.press("j", "h", "j", "j", "3", "g")
        pane = app.screen.pane
        for _ in range(3):
            assert await frames_for(pilot, frames, "j") == 1
        assert app.screen.view.current_highlight is not None
        assert pane.highlighted_id == app.screen.view.current_highlight


async def test_keys_in_a_book_are_answered_in_one_frame_each(book: Path) -> None:
    app = make_app(article=book)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        frames = count_frames(app)
        article = app.screen.article
        for _ in range(200):
            if article.complete:
                break
            await pilot.pause(0.02)
        assert article.complete
        # G and g change the width of the position in the header (¶ 1 / ¶ 1,231).
        for key in ("G", "g", "space", "space", "j", "right_curly_bracket", "G", "b", "k"):
            assert await frames_for(pilot, frames, key) == 1, key
