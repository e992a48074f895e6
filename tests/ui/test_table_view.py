"""A table with real keys: columns aligned under a marked header, cells wrapped, a wide
table stacked, search and a highlight in a cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.text.documents import load_article
from tests.stores import notes_store
from tests.ui.helpers import make_app, screen_lines
from tests.unit.test_table_blocks import TABLE


@pytest.fixture
def budget(tmp_path: Path) -> Path:
    path = tmp_path / "budget.md"
    path.write_text(TABLE, encoding="utf-8")
    return path


def table_rows(app) -> list[str]:
    return [line for line in screen_lines(app) if "│" in line or "┼" in line]


@pytest.mark.parametrize("width", [60, 100])
async def test_columns_line_up_under_the_header_and_cells_wrap(budget: Path, width: int) -> None:
    app = make_app(article=budget)
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot.press("j", "j")
        rows = table_rows(app)
        assert "Item" in rows[0] and "Cost (€m)" in rows[0] and "Share" in rows[0]
        assert "┼" in rows[1]  # the rule under the header
        bars = {tuple(i for i, c in enumerate(row) if c in "│┼") for row in rows}
        assert len(bars) == 1  # every line's column borders at the same places
        # Right-aligned numbers end at the same cell.
        ends = {row.index("│", row.index("│") + 1) for row in rows if "12.5" in row or "15" in row}
        assert len(ends) == 1
        if width == 60:  # the long cell wraps inside its column
            assert any("Roads and bridges" in row for row in rows)
            assert any("northern region" in row and "Roads" not in row for row in rows)
        assert all(len(line) <= width for line in screen_lines(app))


async def test_search_finds_a_cell_and_a_highlight_lands_on_its_words(budget: Path) -> None:
    app = make_app(article=budget)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"libraries", "enter")
        view = app.screen.view
        assert app.screen.article.blocks[view.cursor].text.startswith("Item\tCost")
        await pilot.press("v", "w", "h")
        article = load_article(budget)
        (highlight,) = notes_store().highlights(article.id)
        assert highlight.anchor.exact == "Item\tCost"


async def test_a_table_wider_than_the_column_is_stacked(tmp_path: Path) -> None:
    header = "|" + "|".join(f" c{n} " for n in range(14)) + "|"
    rule = "|" + "---|" * 14
    row = "|" + "|".join(f" value {n} " for n in range(14)) + "|"
    path = tmp_path / "wide.md"
    path.write_text(f"Before.\n\n{header}\n{rule}\n{row}\n", encoding="utf-8")
    app = make_app(article=path)
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.press("j")
        lines = [line.strip(" ▌") for line in screen_lines(app)]
        assert "c0" in lines and "c1" in lines  # the header, a cell a line
        # Each cell of a row says its column, by the header's words.
        assert "c0: value 0" in lines and "c13: value 13" in lines
        assert all(len(line) <= 60 for line in screen_lines(app))
