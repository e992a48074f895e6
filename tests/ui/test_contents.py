"""The contents screen (c) with real keys: the tree, the reader's place, the filter, the jump
and back; and the chapter in the header."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.text.contents import contents
from reader.text.documents import load_article
from reader.ui.dialogs.contents import ContentsScreen
from reader.ui.dialogs.help import key_entries
from reader.ui.reading.screen import ReadingScreen
from tests.ui.helpers import make_app, screen_lines, screen_text

SIZE = (100, 30)

BOOK = """\
# The Voyage

An opening paragraph before any part.

## Part One: The Harbour

The harbour was quiet at dawn.

### Chapter 1. Loomings

Call me a reader of long books.

Another paragraph of the first chapter.

### Chapter 2. The Carpet-Bag

I stuffed a shirt or two into my old carpet-bag.

## Part Two: The Sea

The sea opened before us.

### Chapter 3. The Spouter-Inn

Entering that gable-ended Spouter-Inn.
"""


@pytest.fixture
def voyage(tmp_path: Path) -> Path:
    path = tmp_path / "voyage.md"
    path.write_text(BOOK, encoding="utf-8")
    return path


def test_the_entries_are_a_tree_with_progress_and_highlight_counts(voyage: Path) -> None:
    article = load_article(voyage)
    chapter_two = next(b for b in article.blocks if b.text.startswith("I stuffed"))
    part_one_text = next(b for b in article.blocks if b.text.startswith("The harbour"))
    entries = contents(article, [chapter_two.start, part_one_text.start + 4])
    assert [(e.title, e.depth) for e in entries] == [
        ("The Voyage", 0),
        ("Part One: The Harbour", 1),
        ("Chapter 1. Loomings", 2),
        ("Chapter 2. The Carpet-Bag", 2),
        ("Part Two: The Sea", 1),
        ("Chapter 3. The Spouter-Inn", 2),
    ]
    # A section counts the highlights of the sections under it.
    assert [e.highlights for e in entries] == [2, 2, 0, 1, 0, 0]
    assert entries[0].progress == 0.0 and entries[-1].progress < 1.0
    assert [round(e.progress * 100) for e in entries][2] == round(4 / 12 * 100)


async def test_c_shows_the_tree_with_the_place_marked_and_enter_jumps_back_returns(
    voyage: Path,
) -> None:
    app = make_app(article=voyage)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j", "j", "j")  # in "Chapter 1. Loomings"
        assert app.screen.view.cursor == 5
        await pilot.press("c")
        assert isinstance(app.screen, ContentsScreen)
        lines = screen_lines(app)
        rows = [line for line in lines if "%" in line]
        titles = [row.replace("▶", " ").strip().split("  ")[0] for row in rows]
        assert titles[0] == "The Voyage" and len(titles) == 6
        # The tree: each level indented two cells more than the one above it.
        indent = {title: row.index(title) for title, row in zip(titles, rows, strict=True)}
        part, chapter = indent["Part One: The Harbour"], indent["Chapter 1. Loomings"]
        assert chapter - part == 2 and part - indent["The Voyage"] == 2
        marked = [row for row in rows if "▶" in row]
        assert len(marked) == 1 and "Chapter 1. Loomings" in marked[0]
        # Typing filters.
        await pilot.press(*"spouter")
        rows = [line for line in screen_lines(app) if "%" in line]
        assert len(rows) == 1 and "Chapter 3. The Spouter-Inn" in rows[0]
        assert "1 of 6 headings" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        assert app.screen.article.blocks[app.screen.view.cursor].text.startswith("Chapter 3")
        # The jump is on the history: backspace comes back.
        await pilot.press("backspace")
        await pilot.pause()
        assert app.screen.view.cursor == 5


async def test_escape_clears_the_filter_then_closes_without_moving(voyage: Path) -> None:
    app = make_app(article=voyage)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "z", "z", "z")
        assert "No heading matches “zzz”" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, ContentsScreen)
        assert "6 headings" in screen_text(app)
        await pilot.press("down", "escape")
        assert isinstance(app.screen, ReadingScreen)
        assert app.screen.view.cursor == 0


async def test_the_header_shows_the_chapter_the_reader_is_in(voyage: Path) -> None:
    app = make_app(article=voyage)
    async with app.run_test(size=SIZE) as pilot:
        header = screen_lines(app)[0]
        assert "›" not in header  # the title's own heading is not said twice
        await pilot.press("j", "j", "j", "j", "j", "j")
        assert "The Voyage › Chapter 1. Loomings" in screen_lines(app)[0]
        await pilot.press("G")
        assert "› Chapter 3. The Spouter-Inn" in screen_lines(app)[0]


async def test_an_article_without_headings_says_so(tmp_path: Path) -> None:
    path = tmp_path / "flat.md"
    path.write_text("One paragraph.\n\nAnother.\n", encoding="utf-8")
    app = make_app(article=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        assert "This article has no headings" in screen_text(app)


async def test_the_palette_and_the_help_offer_the_contents(voyage: Path) -> None:
    app = make_app(article=voyage)
    async with app.run_test(size=SIZE) as pilot:
        entries = key_entries(app, app.screen)  # what the help lists (generated alike)
        assert any(e.description == "Contents" and e.keys == "c" for e in entries)
        await pilot.press("ctrl+p", *"contents")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ContentsScreen)
