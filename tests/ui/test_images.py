"""Images with real keys: a one-line placeholder (alt text, or "image" and the file's name),
and enter opening the picture with the system's viewer, from beside the article or from
inside the book it was added from."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from reader.intake import add_source
from reader.text.documents import load_text
from reader.ui.reading import links
from tests.conftest import DATA
from tests.ui.helpers import make_app, screen_text, wait_for

BOOK = DATA / "epub" / "internallinks.epub"


def test_an_image_is_a_one_line_placeholder_that_knows_its_file() -> None:
    article = load_text("![A heron](birds/heron.jpg)\n\n![](figures/fig%202.png)\n")
    assert [b.text for b in article.blocks] == ["A heron", "image fig 2.png"]
    assert [b.spans[0].href for b in article.blocks] == ["birds/heron.jpg", "figures/fig%202.png"]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """What the reading screen asked the system's viewer to open."""
    calls: list[list[str]] = []

    class Viewer:
        def __init__(self, args: list[str], **_kwargs: object) -> None:
            calls.append(args)

    monkeypatch.setattr(links, "system_viewer", lambda: "/usr/bin/xdg-open")
    monkeypatch.setattr(links.subprocess, "Popen", Viewer)
    return calls


async def test_enter_on_a_book_s_image_opens_the_picture_inside_the_book(
    tmp_path: Path, opened: list[list[str]]
) -> None:
    result = add_source(str(BOOK), tmp_path / "library")
    assert result.path is not None
    app = make_app(article=result.path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        blocks = app.screen.article.blocks
        app.screen.view.restore(
            next(i for i, b in enumerate(blocks) if b.text == "iBooksMath1.png")
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: opened)
        (viewer, path), *_ = opened
        assert viewer == "/usr/bin/xdg-open"
        with zipfile.ZipFile(BOOK) as archive:
            assert Path(path).read_bytes() == archive.read("OEBPS/images/iBooksMath1.png")
        assert "Opened iBooksMath1.png in the image viewer." in screen_text(app)


async def test_an_image_beside_the_article_opens_and_without_a_viewer_says_where_it_is(
    tmp_path: Path, opened: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "heron.png").write_bytes(b"\x89PNG not really")
    article = tmp_path / "birds.md"
    article.write_text("# Birds\n\n![](heron.png)\n", encoding="utf-8")
    app = make_app(article=article)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        assert "image heron.png" in screen_text(app)
        await pilot.press("j", "enter")
        await wait_for(pilot, lambda: opened)
        assert opened == [["/usr/bin/xdg-open", str((tmp_path / "heron.png").resolve())]]
        monkeypatch.setattr(links, "system_viewer", lambda: None)
        await pilot.press("enter")
        await pilot.pause()
        assert "No image viewer here (xdg-open or open)" in screen_text(app)
