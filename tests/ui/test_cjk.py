"""A Japanese page wraps cleanly at any width: lines full to the edge, none starting with a
closing mark; and v still picks a word (a character) out of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.helpers import make_app, screen_lines, whole_lines_on_screen
from tests.unit.test_cjk_wrap import CHINESE, JAPANESE


@pytest.mark.parametrize("width", [40, 70, 100, 130, 160])
async def test_a_japanese_page_wraps_between_characters(tmp_path: Path, width: int) -> None:
    path = tmp_path / "kindle.md"
    path.write_text(f"# 数式のサポート\n\n{JAPANESE}\n\n{CHINESE}\n", encoding="utf-8")
    app = make_app(article=path)
    async with app.run_test(size=(width, 40)) as pilot:
        await pilot.press("j", *(["p"] if width >= 110 else []))  # the pane out of the way
        assert whole_lines_on_screen(app) == []
        view = app.screen.view
        left = view.region.x + view.column.left + 3
        rows = [line[left:].strip() for line in screen_lines(app)[1:-1]]
        assert any(rows) and not any(row.startswith(("。", "、", "，", "」", "）")) for row in rows)
        assert "このKindle" in "".join(rows)  # no line ends early before a Latin word
        await pilot.press("v")
        assert app.screen.article.text[slice(*view.selection)] == "さ"
