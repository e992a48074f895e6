"""The review screen (R from the library): today's highlights in context, rated, opened."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reader.model import Anchor, Highlight
from reader.services.library import scan
from reader.text.documents import load_article
from reader.ui.reading.screen import ReadingScreen
from reader.ui.review import screen as review_screen
from reader.ui.review.screen import ReviewScreen
from tests.conftest import SAMPLE
from tests.stores import notes_store
from tests.ui.helpers import library_read, make_app, screen_text, wait_for

SIZE = (120, 40)
DAY = date(2026, 12, 4)


@pytest.fixture
def noted(library: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample library with two highlights on the news article, one noted; today fixed."""
    monkeypatch.setattr(review_screen, "today", lambda: DAY)
    path = library / SAMPLE.name
    article = load_article(path)
    store = notes_store()
    scan(library, store)
    for n in (3, 5):
        block = article.blocks[n]
        anchor = Anchor(block.start, block.end, block.text, "", "", n, article.fingerprint)
        note = "worth a second look" if n == 3 else ""
        store.save_highlight(Highlight(id=f"h{n}", article_id=article.id, anchor=anchor, note=note))
    store.close()
    return library


def reviews() -> dict[str, object]:
    store = notes_store()
    try:
        return {h.id: h.review for h in store.all_highlights()}
    finally:
        store.close()


async def open_review(pilot, app) -> ReviewScreen:  # type: ignore[no-untyped-def]
    await library_read(pilot)
    await pilot.press("R")
    await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.loaded)
    return app.screen


async def test_r_shows_each_highlight_with_the_paragraphs_around_it_and_rates_it(
    noted: Path,
) -> None:
    blocks = load_article(SAMPLE).blocks
    app = make_app(library=noted)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot, app)
        assert "Review · 2 left today" in screen_text(app)
        card = screen.card
        assert card is not None
        shown = " ".join(screen_text(app).split())
        index = card.block or 0
        for block in (blocks[index - 1], blocks[index], blocks[index + 1]):
            assert " ".join(block.text.split())[:60] in shown
        first = card.highlight.id
        await pilot.press("2")  # later: in a week
        await wait_for(pilot, lambda: "1 left today" in screen_text(app))
        assert reviews()[first].due == "2026-12-11"  # type: ignore[union-attr]
        await pilot.press("x")  # the other: never again
        await wait_for(pilot, lambda: "done for today" in screen_text(app))
        assert "1 day in a row" in screen_text(app)
        assert all(review is not None for review in reviews().values())


async def test_enter_opens_the_article_at_the_passage_and_q_comes_back(noted: Path) -> None:
    app = make_app(library=noted)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot, app)
        card = screen.card
        assert card is not None
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadingScreen))
        assert app.screen.view.cursor == card.block
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert app.screen.card == card  # not rated by being opened


async def test_the_library_says_how_many_are_left_today_and_the_streak(noted: Path) -> None:
    app = make_app(library=noted)
    async with app.run_test(size=SIZE) as pilot:
        await library_read(pilot)
        await wait_for(pilot, lambda: "· 2 to review today (R)" in screen_text(app))
        assert "streak" not in screen_text(app)
        await open_review(pilot, app)
        await pilot.press("3", "escape")  # one seen today; the other left
        await wait_for(pilot, lambda: "· 1 to review today (R)" in screen_text(app))
        assert "· 1-day review streak" in screen_text(app)
