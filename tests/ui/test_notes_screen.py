"""The notes screen (#): every highlight and note of the library, filtered, and opened."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from reader.model import Colour
from reader.services.annotations import Annotations
from reader.services.library import scan
from reader.text.documents import load_article
from reader.ui.library.screen import LibraryScreen
from reader.ui.notes.screen import NotesList, NotesScreen
from reader.ui.reading.screen import ReadingScreen
from tests.conftest import SAMPLE, WELCOME
from tests.stores import notes_store
from tests.ui.helpers import library_read, make_app, notified, screen_text, wait_for

SIZE = (120, 40)
TAX = "Canada-US talks resume after Carney withdraws digital services tax under Trump's pressure"


def annotate(path: Path, block: int, colour: Colour, note: str = "", tags=()) -> None:
    """A highlight on a whole paragraph, saved as the app saves one, a minute after the
    one before (times are kept to the second)."""
    store = notes_store()
    annotations = Annotations(store, load_article(path))
    annotations.load()
    text = annotations.article.blocks[block]
    highlight = annotations.create(text.start, text.end, colour)
    minute = f"2026-01-01T00:{len(list(store.all_highlights())):02d}:00Z"
    store.save_highlight(
        dataclasses.replace(highlight, note=note, tags=tuple(tags), created=minute, modified=minute)
    )
    store.close()


@pytest.fixture
def noted(library: Path) -> Path:
    """The sample library with four highlights, made in this order."""
    scan(library, notes_store())  # the titles, as the library screen caches them
    annotate(library / SAMPLE.name, 2, Colour.GREEN, "Canada gave in at once", ["retreat"])
    annotate(library / SAMPLE.name, 5, Colour.YELLOW, tags=["tax", "arctic"])
    annotate(library / WELCOME.name, 3, Colour.PINK, "Try the keys")
    annotate(library / WELCOME.name, 8, Colour.YELLOW, tags=["taxonomy"])
    return library


def notes_screen(app) -> NotesScreen:
    assert isinstance(app.screen, NotesScreen)
    return app.screen


async def open_notes(pilot, app) -> NotesScreen:
    await pilot.press("number_sign")
    screen = notes_screen(app)
    await wait_for(pilot, lambda: screen.index is not None and screen.index.ready)
    await pilot.pause()
    return screen


def quotes(app) -> list[str]:
    """The first words of each quote listed, top to bottom."""
    lines = screen_text(app).splitlines()
    return [line.split("“", 1)[1].split("”")[0][:20] for line in lines if "“" in line]


async def test_from_the_library_every_note_newest_first_with_title_quote_note_and_tags(
    noted: Path,
) -> None:
    app = make_app(library=noted)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "All notes" in screen_text(app)  # the footer offers it
        await open_notes(pilot, app)
        text = screen_text(app)
        assert "All notes · 4 in 2 articles" in text
        assert "Welcome to reader  ¶ 9" in text and "Canada-US talks resume" in text
        assert "✎ Try the keys" in text and "#tax #arctic" in text
        welcome, sample = load_article(WELCOME).blocks, load_article(SAMPLE).blocks
        assert quotes(app) == [b.text[:20] for b in (welcome[8], welcome[3], sample[5], sample[2])]


async def test_typing_filters_by_words_tag_colour_and_article(noted: Path) -> None:
    app = make_app(library=noted)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_notes(pilot, app)
        sample = load_article(SAMPLE).blocks
        await pilot.press(*"#tax")  # a tag by its beginning: tax, and taxonomy
        assert "All notes · 2 of 4" in screen_text(app)
        await pilot.press("space", *"in:canada")
        assert quotes(app) == [sample[5].text[:20]]
        await pilot.press("escape")  # clears the filter, and stays
        assert "All notes · 4 in 2 articles" in screen_text(app)
        await pilot.press(*"green")
        assert quotes(app) == [sample[2].text[:20]]
        await pilot.press("escape", *"gave in")  # words: the note's, here
        assert quotes(app) == [sample[2].text[:20]]
        await pilot.press("escape", *"nothing like this")
        assert "Nothing matches “nothing like this”" in screen_text(app)
        await pilot.press("escape", "escape")  # and closes, with nothing to clear
        assert isinstance(app.screen, LibraryScreen)


async def test_enter_from_the_library_opens_the_article_at_the_passage_q_comes_back(
    noted: Path,
) -> None:
    app = make_app(library=noted)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_notes(pilot, app)
        await pilot.press(*"arctic", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        assert app.screen.article.title == TAX and app.screen.view.cursor == 5
        await pilot.press("q")
        screen = notes_screen(app)  # the notes again, as they were left
        assert screen.filter_field.value == "arctic"
        assert quotes(app) == [load_article(SAMPLE).blocks[5].text[:20]]


async def test_from_an_article_enter_jumps_and_backspace_comes_back(noted: Path) -> None:
    app = make_app(library=noted)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_article(noted / SAMPLE.name)
        await pilot.pause()
        await pilot.press("j", "j", "j")
        origin = app.screen.view.cursor
        await open_notes(pilot, app)
        await pilot.press(*"pink", "down", "up")  # arrows move the list while typing
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        assert app.screen.article.title == "Welcome to reader"
        assert app.screen.view.cursor == 3
        await pilot.press("backspace")
        await pilot.pause()
        assert app.screen.article.title == TAX and app.screen.view.cursor == origin
        await pilot.press("alt+right")  # and forward again, like any jump
        await pilot.pause()
        assert app.screen.article.title == "Welcome to reader"


async def test_the_list_has_its_own_keys_and_typing_on_it_filters(noted: Path) -> None:
    app = make_app(library=noted)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_notes(pilot, app)
        await pilot.press("tab")
        assert screen.notes.has_focus
        await pilot.press("G")
        assert screen.notes.current is not None and screen.notes.current.block == 2
        await pilot.press("k", "g")
        assert screen.notes.current is not None and screen.notes.current.block == 8
        await pilot.press("y")  # not a key of the list: it starts the filter
        assert screen.filter_field.has_focus and screen.filter_field.value == "y"
        await pilot.press("tab", "q")
        assert isinstance(app.screen, LibraryScreen)


async def test_no_notes_yet_says_how_to_make_one(library: Path) -> None:
    app = make_app(library=library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_notes(pilot, app)
        assert "No highlights or notes yet" in screen_text(app)
        assert "All notes ·" not in screen_text(app)  # not "0 in 0 articles"
        assert not app.screen.query_one(NotesList).display


async def test_a_note_whose_file_is_gone_says_so(noted: Path) -> None:
    app = make_app(library=noted)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_notes(pilot, app)
        (noted / WELCOME.name).unlink()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        assert notified(app, "is gone")


async def test_the_help_and_the_command_palette_offer_it(noted: Path) -> None:
    app = make_app(library=noted, article=noted / SAMPLE.name)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        from reader.ui.dialogs.help import help_sections

        commands = [command.title for command in app.get_system_commands(app.screen)]
        assert "All notes" in commands
        rows = [row for _title, listed in help_sections(app, app.screen) for row in listed]
        assert ("#", "All notes", "notes-screen") in rows


async def test_a_database_that_cannot_be_read_is_said_and_the_screen_stays(
    noted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.db.storage import StoreError

    app = make_app(library=noted)

    def unreadable():
        raise StoreError("cannot read reader.json: permission denied")

    monkeypatch.setattr(app.store, "all_highlights", unreadable)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_notes(pilot, app)
        await pilot.pause()
        assert notified(app, "Could not read the notes: cannot read reader.json")
        assert isinstance(app.screen, NotesScreen)


async def test_typed_while_the_filter_is_made_it_applies_once_made(
    noted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from reader.services.notes_index import NotesIndex

    go_on = threading.Event()
    prepare = NotesIndex.prepare

    def slow_prepare(index: NotesIndex) -> None:
        go_on.wait(10)  # as 50,000 notes take a moment
        prepare(index)

    monkeypatch.setattr(NotesIndex, "prepare", slow_prepare)
    app = make_app(library=noted)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("number_sign")
        screen = notes_screen(app)
        await wait_for(pilot, lambda: screen.index is not None)
        assert "All notes · 4 in 2 articles" in screen_text(app)  # shown before it is made
        await pilot.press(*"green")
        assert "All notes · filtering…" in screen_text(app) and len(quotes(app)) == 4
        go_on.set()
        await wait_for(pilot, lambda: "All notes · 1 of 4" in screen_text(app))
        assert quotes(app) == [load_article(SAMPLE).blocks[2].text[:20]]


async def test_enter_finds_the_passage_in_an_article_changed_since(noted: Path) -> None:
    path = noted / SAMPLE.name
    text = path.read_text(encoding="utf-8")
    body = text.index("\n---\n", 4) + 5  # after the front matter
    path.write_text(text[:body] + "\nA new first paragraph.\n" + text[body:], encoding="utf-8")
    app = make_app(library=noted)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_notes(pilot, app)
        await pilot.press(*"arctic", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        assert app.screen.view.cursor == 6  # made on ¶ 6, which is ¶ 7 now


async def test_a_long_quote_is_cut_after_a_whole_word_with_an_ellipsis(noted: Path) -> None:
    app = make_app(library=noted)
    async with app.run_test(size=(80, 30)) as pilot:
        await library_read(pilot)
        await open_notes(pilot, app)
        lines = [line for line in screen_text(app).splitlines() if "“" in line]
        shortened = [line.strip() for line in lines if "…" in line]
        assert shortened  # the premise: whole paragraphs, longer than the line
        blocks = {b.text for p in (SAMPLE, WELCOME) for b in load_article(p).blocks}
        for line in shortened:
            shown = line.split("“", 1)[1]
            assert shown.endswith("…”"), line
            words = shown.removesuffix("…”")
            paragraph = next(text for text in blocks if text.startswith(words))
            # Cut where a word ends: the paragraph goes on with a space there.
            assert paragraph[len(words)] in " ,;:.", line


async def test_notes_that_could_not_be_placed_or_moved_say_so(noted: Path) -> None:
    store = notes_store()
    highlights = sorted(store.all_highlights(), key=lambda h: h.created)
    store.save_highlights(
        [
            dataclasses.replace(highlights[0], orphan_in="f" * 20),
            dataclasses.replace(highlights[1], check=True),
        ]
    )
    store.close()
    app = make_app(library=noted)
    async with app.run_test(size=SIZE) as pilot:
        await library_read(pilot)
        await open_notes(pilot, app)
        text = screen_text(app)
        assert "not placed · 2026-01-01" in text
        assert "¶ 6 · moved: check · 2026-01-01" in text
