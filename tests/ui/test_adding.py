"""Adding articles from the app: + in the library, a on a link to a web page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.ui.library.screen import LibraryScreen
from reader.ui.reading.screen import ReadingScreen
from tests.ui.helpers import library_read, make_app, notified, screen_text, wait_for
from tests.unit.test_intake import Server, article_page

WIDE = (140, 40)
WORDS = [
    "The council voted on Tuesday to keep the library open on Sundays through the winter.",
    "Readers had written hundreds of letters asking for longer hours in the dark months.",
    "The budget for the extra hours comes from the parks fund, the council said.",
]


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    running.page("/library-hours", article_page("Library keeps Sunday hours", WORDS).encode())
    try:
        yield running
    finally:
        running.close()


async def test_plus_in_the_library_adds_a_page_and_lists_it(server: Server, library: Path) -> None:
    app = make_app(library=library)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("plus")
        await pilot.pause()
        assert "Add to your library" in screen_text(app)
        await pilot.press(*server.url("/library-hours"), "enter")
        await wait_for(pilot, lambda: notified(app, "Added “Library keeps Sunday hours”"))
        assert isinstance(app.screen, LibraryScreen)
        assert "Library keeps Sunday hours" in screen_text(app)
        await pilot.press("enter")  # the cursor is on the new article
        assert app.screen.article.title == "Library keeps Sunday hours"
    assert len(list(library.glob("Library keeps Sunday hours*.md"))) == 1


async def test_a_failed_address_is_said_in_one_line_and_writes_nothing(
    server: Server, library: Path
) -> None:
    before = sorted(library.iterdir())
    app = make_app(library=library)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("plus", *server.url("/nowhere"), "enter")
        await wait_for(pilot, lambda: notified(app, "404"))
    assert sorted(library.iterdir()) == before


async def test_a_link_to_a_web_page_offers_to_add_it_and_opens_it(
    server: Server, library: Path
) -> None:
    linking = library / "linking.md"
    linking.write_text(
        f"# Linking\n\nSee [the library story]({server.url('/library-hours')}).\n",
        encoding="utf-8",
    )
    app = make_app(library=library, article=linking)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("j", "o")
        await pilot.pause()
        assert "a add to your library" in screen_text(app)
        await pilot.press("a")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ReadingScreen)
                and app.screen.article.title == "Library keeps Sunday hours"
            ),
        )
        await pilot.press("backspace")  # back to the article that linked to it
        assert app.screen.article.title == "Linking"


async def test_a_page_moved_into_a_folder_is_already_in_the_library(
    server: Server, library: Path
) -> None:
    """`o` then `a` on a link to a page added before, since moved into news/: no second
    copy; the one there opens."""
    from reader.intake import add_source

    added = add_source(server.url("/library-hours"), library)
    assert added.path is not None
    (library / "news").mkdir()
    moved = library / "news" / added.path.name
    added.path.rename(moved)
    linking = library / "linking.md"
    linking.write_text(
        f"# Linking\n\nSee [the library story]({server.url('/library-hours')}).\n",
        encoding="utf-8",
    )
    app = make_app(library=library, article=linking)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "o")
        await pilot.pause()
        await pilot.press("a")
        await wait_for(pilot, lambda: notified(app, f"Already in your library: news/{moved.name}"))
        await wait_for(pilot, lambda: app.screen.article.title == "Library keeps Sunday hours")
        assert app.screen.article.meta.path == moved
    assert sorted(p.relative_to(library).as_posix() for p in library.rglob("Library*.md")) == [
        f"news/{moved.name}"
    ]
