"""A whole library scan never runs on the event loop: keys are answered while it reads
every file of the folder. ``e`` (the export's file name is kept apart from another article's
of the same title), following a link (a "Read more" item names an article by its title) and
adding an article (the library lists it) once each scanned the library, with writes to the
database, on the event loop."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.services import library as library_service
from reader.ui.library.screen import LibraryScreen
from reader.ui.reading.screen import ReadingScreen
from tests.conftest import DATA
from tests.ui.helpers import library_read, make_app, notified, wait_for

SIZE = (150, 40)


@pytest.fixture
def scans_on_the_loop(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Each walk of the library folder made on the event loop's thread (named by its
    caller)."""
    walk = library_service._walk
    on_the_loop: list[str] = []

    def watched(folder: Path):  # type: ignore[no-untyped-def]
        if threading.current_thread() is threading.main_thread():
            import traceback

            on_the_loop.append(traceback.format_stack(limit=6)[0])
        return walk(folder)

    monkeypatch.setattr(library_service, "_walk", watched)
    yield on_the_loop


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    folder = tmp_path / "linked"
    shutil.copytree(DATA / "linked", folder)
    return folder


async def test_e_exports_without_scanning_the_library_on_the_loop(
    linked: Path, scans_on_the_loop: list[str]
) -> None:
    app = make_app(library=linked, article=linked / "tides.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("j", "h", "e")
        await wait_for(pilot, lambda: notified(app, "Exported 1 highlight"))
    assert scans_on_the_loop == []


async def test_following_a_read_more_link_does_not_scan_the_library_on_the_loop(
    linked: Path, scans_on_the_loop: list[str]
) -> None:
    app = make_app(library=linked, article=linked / "tides.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("G", "k", "o")  # "harbour notes": an article of the library
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ReadingScreen)
                and app.screen.article.title == "Harbour Notes"
            ),
        )
        await pilot.press("ctrl+b", "ctrl+n")  # the linked paragraphs, from the titles too
    assert scans_on_the_loop == []


async def test_an_added_article_is_listed_without_scanning_the_library_on_the_loop(
    library: Path, scans_on_the_loop: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.intake as intake

    def add(source: str, folder: Path) -> intake.AddResult:
        path = folder / "added.md"
        path.write_text("# An added page\n\nIts text.\n", encoding="utf-8")
        return intake.AddResult(source, intake.AddStatus.ADDED, path=path, title="An added page")

    monkeypatch.setattr(intake, "add_source", add)
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("plus", *"https://example.org/page", "enter")
        await wait_for(pilot, lambda: notified(app, "Added “An added page”"))
        await library_read(pilot)
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("enter")  # the cursor is on the new article
        await pilot.pause()
        assert app.screen.article.title == "An added page"
    assert scans_on_the_loop == []
