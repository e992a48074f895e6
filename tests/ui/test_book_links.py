"""A book's own links with real keys: a cross-reference followed and back, a footnote
read in its box where the reader is, and enter there going to the note."""

from __future__ import annotations

from pathlib import Path

from textual.containers import Vertical

from reader.intake import add_source
from reader.ui.dialogs.footnote import FootnoteScreen
from reader.ui.dialogs.link_picker import LinkList
from reader.ui.reading.screen import ReadingScreen
from tests.conftest import DATA
from tests.ui.helpers import make_app, screen_lines, screen_text

SIZE = (120, 40)


def book(tmp_path: Path) -> Path:
    result = add_source(str(DATA / "epub" / "internallinks.epub"), tmp_path / "library")
    assert result.path is not None
    return result.path


def block_of(app, words: str) -> int:
    return next(i for i, b in enumerate(app.screen.article.blocks) if words in b.text)


def cursor_text(app) -> str:
    screen = app.screen
    assert isinstance(screen, ReadingScreen)
    return screen.article.blocks[screen.view.cursor].text


async def test_a_cross_reference_is_followed_and_backspace_returns(tmp_path: Path) -> None:
    app = make_app(article=book(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        here = block_of(app, "これに対して、iBooksはMathML")
        app.screen.view.restore(here)
        await pilot.press("o")
        await pilot.pause()
        assert cursor_text(app).startswith("項目")
        await pilot.press("backspace")
        await pilot.pause()
        assert app.screen.view.cursor == here


async def test_a_footnote_shows_in_a_box_and_enter_goes_to_it(tmp_path: Path) -> None:
    app = make_app(article=book(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        here = block_of(app, "Readiumは3月にMathJax")
        app.screen.view.restore(here)
        await pilot.press("o")  # the mark and the address beside it: a list of two
        assert isinstance(app.screen, LinkList)
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, FootnoteScreen)
        await pilot.pause()
        text = screen_text(app)
        assert "Note [1]" in text and "Readium 0.19 update adds MathML support" in text
        # At the reference: just below the paragraph that cites it, not over it.
        lines = screen_lines(app)
        cited = max(n for n, line in enumerate(lines) if "Readium" in line and "▌" in line)
        box = app.screen.query_one(Vertical)
        assert cited < box.region.y <= cited + 3
        await pilot.press("escape")
        assert isinstance(app.screen, ReadingScreen) and app.screen.view.cursor == here
        await pilot.press("o", "1", "enter")
        await pilot.pause()
        assert cursor_text(app).startswith("[1] Readium 0.19 update")
        await pilot.press("backspace")
        await pilot.pause()
        assert app.screen.view.cursor == here
