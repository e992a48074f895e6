"""Notices (toasts): the same one is shown once, and one about an article or the library
does not follow the reader to another screen."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from reader.ui.library.screen import LibraryScreen
from reader.ui.reading.screen import ReadingScreen
from tests.conftest import SAMPLE
from tests.ui.helpers import library_read, make_app, notified, toasts, wait_for

WIDE = (150, 40)


async def test_the_same_notice_given_three_times_is_shown_once() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("u", "u", "u")  # nothing to undo, three times
        await pilot.pause()
        assert [toast for toast in toasts(app) if "undo" in toast] == ["Nothing to undo."]
        await pilot.press("right_square_bracket", "right_square_bracket")  # no highlight that way
        await pilot.pause()
        assert len(toasts(app)) == 2


async def test_a_notice_about_an_article_stays_with_it(library: Path) -> None:
    app = make_app(library=library)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("enter")
        first = app.screen
        assert isinstance(first, ReadingScreen)
        first.article.meta.path.unlink()
        first.life._check_file()  # as its timer does every two seconds
        await pilot.pause()
        assert notified(app, "was moved or deleted")
        await pilot.press("q")
        await library_read(pilot)
        assert not notified(app, "was moved or deleted")  # not over the library
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen) and app.screen is not first
        assert not notified(app, "was moved or deleted")  # nor over another article


async def test_the_adding_notice_stays_in_the_library_and_the_result_is_told_anywhere(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.intake as intake

    release = threading.Event()
    added = library / "added.md"

    def slow_add(source: str, folder: Path) -> intake.AddResult:
        release.wait(30)
        added.write_text("# Added page\n\nIts text.\n", encoding="utf-8")
        return intake.AddResult(source, intake.AddStatus.ADDED, added, "Added page")

    monkeypatch.setattr(intake, "add_source", slow_add)
    app = make_app(library=library)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("plus", *"https://example.com/page", "enter")
        await pilot.pause()
        assert notified(app, "Adding https://example.com/page")
        await pilot.press("enter")  # reading an article while the page is fetched
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        assert not notified(app, "Adding https://example.com/page")
        release.set()
        await wait_for(pilot, lambda: notified(app, "Added “Added page” to your library."))
        assert isinstance(app.screen, ReadingScreen)
        await pilot.press("q")
        await library_read(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert not notified(app, "Adding https://example.com/page")


async def test_a_notice_is_text_whoever_gives_it() -> None:
    """One notify, the app's, decides how every notice shows: as text, never markup, even
    given by a screen or a widget (Textual's own asks for markup unless told otherwise), so
    a title or a file name with square brackets in it is shown as it is."""
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        app.screen.notify("Saved [b]notes[/b] of [red]x[/red].md")
        app.screen.query_one("#article").notify("[i]A[/i] title [with] brackets")
        # Shown a frame later, or more on a busy machine.
        await wait_for(pilot, lambda: notified(app, "Saved [b]notes[/b] of [red]x[/red].md"))
        assert notified(app, "[i]A[/i] title [with] brackets")
