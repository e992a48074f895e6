"""An Arabic and a Hebrew paragraph with real keys: right-aligned, in visual order, and a
highlight made on the first word (logically) coloured at the right end of the line, where a
reader of Arabic starts. With bidi = "terminal" in the settings, lines go out in logical
order, for a terminal that reorders them itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.config import Settings
from reader.ui.app import ReaderApp
from tests.stores import notes_store
from tests.ui.helpers import make_app, raw_frame, screen_lines, sgr_cells
from tests.unit.test_direction import ARABIC, HEBREW

SIZE = (90, 30)


@pytest.fixture
def verses(tmp_path: Path) -> Path:
    path = tmp_path / "verses.md"
    path.write_text(f"# Verses\n\n{ARABIC}\n\n{HEBREW}\n\nAn English line.\n", encoding="utf-8")
    return path


def article_rows(app) -> list[str]:
    view = app.screen.view
    left = view.region.x + view.column.left + 3
    return [line[left : left + view.column.text_width] for line in screen_lines(app)[1:-1]]


async def test_right_to_left_paragraphs_are_right_aligned_in_visual_order(verses: Path) -> None:
    app = make_app(article=verses)
    async with app.run_test(size=SIZE):
        rows = [row for row in article_rows(app) if row.strip()]
        arabic = [row for row in rows if "ميحرلا" in row or "Ahmed" in row or "ةروس" in row]
        hebrew = [row for row in rows if "תישארב" in row or "Genesis" in row]
        assert arabic and hebrew
        width = app.screen.view.column.text_width
        # Against the right edge, the first words at the right end, read right to left.
        assert all(len(row.rstrip()) == width for row in arabic + hebrew)
        assert arabic[0].rstrip().endswith("هلل دمحلا")
        assert hebrew[0].rstrip().endswith("ארב תישארב")
        joined = "".join(arabic)
        assert "Ahmed" in joined and "2024" in joined  # in their own order
        assert "demhA" not in joined and "4202" not in joined
        assert "(Genesis 1:1-2)" in "".join(hebrew)
        english = next(row for row in rows if "English" in row)
        assert english.startswith("An English line.")


async def test_a_highlight_of_the_first_word_is_coloured_at_the_right_end(
    verses: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import textual.constants

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")
    app = make_app(article=verses)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "v", "h", "k")
        (highlight,) = notes_store().highlights(app.screen.article.id)
        assert highlight.anchor.exact == "الحمد"
        await pilot.pause()
        cells = sgr_cells(raw_frame(app))
        drawn = "".join(char for char, _fg, _bg in cells)
        at = drawn.index("دمحلا")
        backgrounds = [bg for _char, _fg, bg in cells[at - 4 : at + 5]]
        assert backgrounds[4:] == ["43"] * 5  # yellow: the word's five letters
        assert "43" not in backgrounds[:3]  # and not the word before it on screen


async def test_bidi_terminal_leaves_the_order_to_the_terminal(verses: Path) -> None:
    app = ReaderApp(notes_store(), article=verses, settings=Settings(bidi="terminal"))
    async with app.run_test(size=SIZE):
        text = "\n".join(article_rows(app))
        assert "الحمد لله رب العالمين" in text  # logical order, as written
        assert "دمحلا" not in text


async def test_the_mouse_finds_the_character_drawn_under_it(verses: Path) -> None:
    app = make_app(article=verses)
    async with app.run_test(size=SIZE) as pilot:
        view = app.screen.view
        article = app.screen.article
        lines = screen_lines(app)
        y = next(n for n, line in enumerate(lines) if "هلل دمحلا" in line)
        x = lines[y].index("دمحلا")  # the last letter of الحمد, drawn leftmost of it
        block = article.blocks[1]
        offset = view.offset_at(x - view.region.x, y - view.region.y)
        assert offset == block.start + 4 and article.text[offset] == "د"
        # A drag from there to the line's right end selects the first word, as drawn.
        await pilot.mouse_down(view, offset=(x - view.region.x, y - view.region.y))
        right = x + len("دمحلا") - 1
        await pilot.mouse_up(view, offset=(right - view.region.x, y - view.region.y))
        await pilot.pause()
        assert view.selection is not None
        assert article.text[slice(*view.selection)].startswith("الحم")
