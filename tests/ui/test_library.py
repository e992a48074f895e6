"""The library screen: lists, filters and opens articles."""

from __future__ import annotations

from pathlib import Path

from reader.ui.library_screen import LibraryScreen
from reader.ui.reading_screen import ReadingScreen
from tests.ui.helpers import SIZE, make_app, screen_text


async def test_lists_every_article_with_words(library: Path) -> None:
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Welcome to reader" in text
        assert "Canada-US talks resume" in text
        assert "1,738" in text


async def test_typing_filters_and_enter_opens(library: Path) -> None:
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press(*"welc")
        await pilot.pause()
        text = screen_text(app)
        assert "Welcome to reader" in text and "Canada-US" not in text
        await pilot.press("enter")
        assert isinstance(app.screen, ReadingScreen)
        assert app.screen.article.title == "Welcome to reader"


async def test_filter_with_no_match_explains_and_escape_clears(library: Path) -> None:
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press(*"xyz")
        await pilot.pause()
        assert "No title contains “xyz”" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "Welcome to reader" in screen_text(app)
        await pilot.press("j", "enter")
        assert app.screen.article.title == "Welcome to reader"


async def test_an_unreadable_article_is_reported_not_fatal(library: Path) -> None:
    (library / "broken.md").write_bytes(b"\x00\x01binary")
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert "binary" in screen_text(app)


async def test_highlight_and_note_counts_show_after_annotating(library: Path) -> None:
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press(*"canada", "enter")
        assert isinstance(app.screen, ReadingScreen)
        await pilot.press("h", "j", "h", "a")
        app.screen.query_one("#note-text").insert("a note")
        await pilot.press("ctrl+s", "q")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        row = next(line for line in screen_text(app).splitlines() if "Canada-US" in line)
        assert row.split()[2:4] == ["2", "1"]


async def test_a_first_launch_starts_on_the_tutorial_and_later_ones_where_you_were(
    library: Path,
) -> None:
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("enter")  # the row the cursor starts on
        assert app.screen.article.title == "Welcome to reader"
        await pilot.press("q", "k", "enter")  # then the news article, the row above
        assert app.screen.article.title.startswith("Canada-US talks")
        await pilot.press("q")
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("enter")
        assert app.screen.article.title.startswith("Canada-US talks")  # read last


async def test_a_filter_that_matches_nothing_says_so_where_the_table_was(
    library: Path,
) -> None:
    app = make_app(library=library)
    async with app.run_test(size=(100, 45), notifications=True) as pilot:
        await pilot.press(*"xyz")
        await pilot.pause()
        lines = [line.strip() for line in screen_text(app).splitlines()]
        said = next(n for n, line in enumerate(lines) if line.startswith("No title contains"))
        assert said < 10  # near the filter, not at the foot of an empty table
