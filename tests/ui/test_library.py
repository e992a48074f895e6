"""The library screen: lists, filters and opens articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.services.library import Library
from reader.ui.library.articles import LibraryList
from reader.ui.library.screen import LibraryFilter, LibraryScreen
from reader.ui.reading.screen import ReadingScreen
from tests.ui.helpers import SIZE, library_read, make_app, notified, screen_text, wait_for


async def test_lists_every_article_with_words(library: Path) -> None:
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.pause()
        text = screen_text(app)
        assert "Welcome to reader" in text
        assert "Canada-US talks resume" in text
        assert "1,738" in text


async def test_the_list_has_the_keys_from_the_first_frame(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The filter never takes the focus as the screen comes up: a key pressed then (# for
    every note) was now and then typed into it instead."""
    focused: list[str] = []
    taken = LibraryFilter._on_focus

    def recorded(field: LibraryFilter, event: object) -> object:
        focused.append("filter")
        return taken(field, event)  # type: ignore[arg-type]

    monkeypatch.setattr(LibraryFilter, "_on_focus", recorded)
    app = make_app(library=library)
    async with app.run_test(size=SIZE) as pilot:
        await library_read(pilot)
        assert focused == []
        assert isinstance(app.focused, LibraryList)


async def test_a_library_emptied_keeps_the_keys_on_the_list(library: Path) -> None:
    """With nothing left to list (a folder emptied by a sync, or one being read), keys are
    still the list's: # opens every note rather than being typed into the filter."""
    from reader.ui.notes.screen import NotesScreen

    app = make_app(library=library)
    async with app.run_test(size=SIZE) as pilot:
        await library_read(pilot)
        for article in library.glob("*.md"):
            article.unlink()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "No articles in" in screen_text(app))
        await library_read(pilot)
        assert isinstance(app.focused, LibraryList)
        await pilot.press("number_sign")
        await wait_for(pilot, lambda: isinstance(app.screen, NotesScreen))


async def test_slash_filters_and_enter_opens(library: Path) -> None:
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        assert "· 2 articles" in screen_text(app)
        await pilot.press("slash", *"welc")
        await pilot.pause()
        text = screen_text(app)
        assert "Welcome to reader" in text and "Canada-US" not in text
        assert "· 1 of 2 articles" in text  # the title counts what the filter keeps
        await pilot.press("enter")
        assert isinstance(app.screen, ReadingScreen)
        assert app.screen.article.title == "Welcome to reader"


async def test_filter_with_no_match_explains_and_escape_clears(library: Path) -> None:
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("slash", *"xyz")
        await pilot.pause()
        assert "No title or folder contains “xyz”" in screen_text(app)
        assert "· 0 of 2 articles" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "Welcome to reader" in screen_text(app)
        assert "· 2 articles" in screen_text(app)
        await pilot.press("j", "enter")
        assert app.screen.article.title == "Welcome to reader"


async def test_an_unreadable_article_is_reported_not_fatal(library: Path) -> None:
    (library / "broken.md").write_bytes(b"\x00\x01binary")
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert "binary" in screen_text(app)


async def test_highlight_and_note_counts_show_after_annotating(library: Path) -> None:
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("slash", *"canada", "enter")
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
        await library_read(pilot)
        await pilot.press("enter")  # the row the cursor starts on
        assert app.screen.article.title == "Welcome to reader"
        await pilot.press("q", "k", "enter")  # then the news article, the row above
        assert app.screen.article.title.startswith("Canada-US talks")
        await pilot.press("q")
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("enter")
        assert app.screen.article.title.startswith("Canada-US talks")  # read last


async def test_a_filter_that_matches_nothing_says_so_where_the_table_was(
    library: Path,
) -> None:
    app = make_app(library=library)
    async with app.run_test(size=(100, 45), notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("slash", *"xyz")
        await pilot.pause()
        lines = [line.strip() for line in screen_text(app).splitlines()]
        said = next(
            n for n, line in enumerate(lines) if line.startswith("No title or folder contains")
        )
        assert said < 10  # near the filter, not at the foot of an empty table


def _article(path: Path, title: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {title}\n\nSome words here.\n", encoding="utf-8")


async def test_subfolders_show_in_a_folder_column_and_the_filter_matches_them(
    library: Path,
) -> None:
    _article(library / "climate" / "heat.md", "Heatwaves in cities")
    _article(library / ".obsidian" / "workspace.md", "Not an article")
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        text = screen_text(app)
        assert "Folder" in text and "3 articles" in text
        row = next(line for line in text.splitlines() if "Heatwaves" in line)
        assert "climate" in row
        assert "Not an article" not in text
        await pilot.press("slash", *"clim")
        await pilot.pause()
        text = screen_text(app)
        assert "Heatwaves in cities" in text and "Welcome to reader" not in text
        await pilot.press("enter")
        assert app.screen.article.title == "Heatwaves in cities"


async def test_ctrl_s_cycles_the_sort_order_and_says_which(library: Path) -> None:
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        titles = lambda: [  # noqa: E731
            line for line in screen_text(app).splitlines() if "Welcome" in line or "Canada" in line
        ]
        assert "Canada" in titles()[0]  # by title
        await pilot.press("enter")  # the tutorial (the cursor starts there)
        await pilot.press("q")
        await library_read(pilot)
        await pilot.press("ctrl+s")  # by recent: the tutorial, just read, first
        await pilot.pause()
        assert "by recent" in screen_text(app)
        assert "Welcome" in titles()[0]
        assert notified(app, "Sorted by recent.")
        for _ in range(4):  # added, progress, highlights, and back to title
            await pilot.press("ctrl+s")
        await pilot.pause()
        assert "by " not in screen_text(app).splitlines()[0]
        assert "Canada" in titles()[0]


async def test_rows_show_while_the_folder_is_still_being_read(library: Path) -> None:
    from reader.services.library import scan

    everything = scan(library)
    screen = LibraryScreen(Library(library, [], []), reading=True)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await app.push_screen(screen)
        await pilot.pause()
        assert f"Reading {library}" in screen_text(app)
        screen.add_batch(everything.entries[:1], [], 1, 2)
        await pilot.pause()
        text = screen_text(app)
        assert "1 article · reading 1 of 2…" in text and "Canada-US" in text
        await pilot.press("j")  # keys are answered meanwhile
        screen.add_batch(everything.entries[1:], ["odd.md is a binary file"], 2, 2)
        await pilot.pause()
        text = screen_text(app)
        assert "2 articles" in text and "reading" not in text and "Welcome to reader" in text
        assert notified(app, "Skipped: odd.md is a binary file")


async def test_a_long_library_scrolls_with_the_cursor_under_its_header(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    for number in range(150):
        _article(folder / f"{number:03}.md", f"Article {number:03}")
    app = make_app(library=folder)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        assert "150 articles" in screen_text(app)
        await pilot.press("G")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert any("Article 149" in line for line in lines)
        assert any(line.strip().startswith("Read") for line in lines)  # the header stays
        assert not any("Article 000" in line for line in lines)
        await pilot.press("pageup", "g")
        await pilot.pause()
        assert "Article 000" in screen_text(app)
        await pilot.press("pagedown", "enter")
        assert isinstance(app.screen, ReadingScreen)
        assert app.screen.article.title.startswith("Article 0")
        assert app.screen.article.title != "Article 000"


async def test_a_click_opens_the_article_and_long_titles_end_with_an_ellipsis(
    library: Path,
) -> None:
    _article(library / "long.md", "A very long title " + "that goes on " * 20 + "and ends here")
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        row = next(line for line in screen_text(app).splitlines() if "A very long" in line)
        assert row.rstrip().endswith("…") and "ends here" not in row
        rows = screen_text(app).splitlines()
        header = next(n for n, line in enumerate(rows) if line.strip().startswith("Read"))
        welcome = next(n for n, line in enumerate(rows) if "Welcome to reader" in line)
        list_top = app.screen.query_one("#articles").region.y
        await pilot.click("#articles", offset=(10, welcome - list_top))
        assert header - list_top == 0
        assert isinstance(app.screen, ReadingScreen)
        assert app.screen.article.title == "Welcome to reader"


async def test_a_known_library_shows_at_once_then_the_folder_as_it_is_now(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)  # the database learns the articles
    (library / "welcome-to-reader.md").unlink()
    _article(library / "new.md", "Freshly added")
    # The folder's scan waits, as a slow disk would: the rows come from the database.
    import threading

    from reader.services import library as library_module

    release = threading.Event()
    real_walk = library_module._walk

    def slow_walk(folder: Path):  # type: ignore[no-untyped-def]
        release.wait(10)
        return real_walk(folder)

    monkeypatch.setattr(library_module, "_walk", slow_walk)
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: "Welcome to reader" in screen_text(app))
        text = screen_text(app)
        assert "reading…" in text and "Canada-US" in text and "Freshly added" not in text
        release.set()
        await library_read(pilot)
        text = screen_text(app)
        assert "Freshly added" in text and "Canada-US" in text
        assert "Welcome to reader" not in text and "reading" not in text


async def annotate_the_news_article(library: Path) -> None:
    """A session that highlights the news article's first paragraph with a note, and quits."""
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("slash", *"canada", "enter")
        await pilot.press("h", "a")
        app.screen.query_one("#note-text").insert("kept through the move")
        await pilot.press("ctrl+s", "q")
        await pilot.pause()


async def test_an_article_moved_outside_reader_opens_with_its_notes(library: Path) -> None:
    await annotate_the_news_article(library)
    (library / "news").mkdir()
    (library / "canada-us-talks-digital-services-tax.md").rename(library / "news" / "canada.md")
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await wait_for(pilot, lambda: notified(app, "its notes went with it"))
        assert notified(app, "moved to")
        row = next(line for line in screen_text(app).splitlines() if "Canada-US" in line)
        assert row.split()[2:4] == ["1", "1"]
        await pilot.press("slash", *"canada", "enter")
        assert isinstance(app.screen, ReadingScreen)
        assert app.screen.article.meta.path == library / "news" / "canada.md"
        # Drawn as a highlight with a note (the pane gives way at this width), and it is.
        await wait_for(pilot, lambda: "✎ Negotiations between" in screen_text(app))
        notes = [h.note for h in app.store.highlights(app.screen.article.id)]
        assert notes == ["kept through the move"]


async def test_an_article_moved_out_of_the_library_and_opened_on_its_own_has_its_notes(
    library: Path, tmp_path: Path
) -> None:
    await annotate_the_news_article(library)
    elsewhere = tmp_path / "elsewhere" / "canada.md"
    elsewhere.parent.mkdir()
    (library / "canada-us-talks-digital-services-tax.md").rename(elsewhere)
    app = make_app(article=elsewhere)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: notified(app, "its notes went with it"))
        # Said from the folder both are in, however deep it is (the absolute paths, long
        # on a machine whose temporary folders count past 999, cut the toast short).
        assert notified(
            app, "library/canada-us-talks-digital-services-tax.md moved to elsewhere/canada.md"
        )
        await wait_for(pilot, lambda: "✎ Negotiations between" in screen_text(app))
        notes = [h.note for h in app.store.highlights(app.screen.article.id)]
        assert notes == ["kept through the move"]


async def test_an_article_moved_while_the_library_shows_is_found_on_enter(
    library: Path,
) -> None:
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        (library / "news").mkdir()
        (library / "welcome-to-reader.md").rename(library / "news" / "welcome.md")
        await pilot.press("slash", *"welcome", "enter")
        await library_read(pilot)  # told it is gone, and the library is read again
        await wait_for(pilot, lambda: notified(app, "no such file"))
        await pilot.press("enter")
        assert isinstance(app.screen, ReadingScreen)
        assert app.screen.article.meta.path == library / "news" / "welcome.md"


@pytest.mark.parametrize("width", [40, 60, 100])
async def test_titles_keep_their_room_in_a_narrow_terminal(library: Path, width: int) -> None:
    (library / "news").mkdir()
    (library / "welcome-to-reader.md").rename(library / "news" / "welcome.md")
    app = make_app(library=library)
    async with app.run_test(size=(width, 12), notifications=True) as pilot:
        await library_read(pilot)
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if "Title" in line)
        row = next(line for line in lines if "Canada-US" in line)
        title_room = len(row) - row.index("Canada-US")
        assert title_room >= min(30, width // 2) - 2, row
        # The other columns give way only when the title needs their room.
        wide = width >= 100
        assert all((name in header) == wide for name in ("Words", "Folder"))
        assert "Highlights" in header and "Title" in header


def _footer(app) -> str:
    """The footer's line: the keys it offers."""
    return screen_text(app).splitlines()[-1]


async def test_letters_act_on_the_list_and_only_slash_starts_a_filter(tmp_path: Path) -> None:
    # Issue 22.2: with an empty filter, "jan" moved the cursor and then filtered "an";
    # a title beginning with q could not be typed (q quit).
    folder = tmp_path / "lib"
    for name, title in (("a.md", "Alpha"), ("j.md", "January notes"), ("q.md", "Quiet hours")):
        _article(folder / name, title)
    app = make_app(library=folder)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        listing = app.screen.query_one("#articles")
        start = listing.cursor_row
        await pilot.press("j", "a", "n")
        assert listing.cursor_row == start + 1  # j moved; a and n are no keys of the list
        assert app.screen.query_one("#filter").value == ""
        assert "· 3 articles" in screen_text(app)
        await pilot.press("slash", *"qui")
        assert app.is_running  # q was typed, not the key that quits
        text = screen_text(app)
        assert "Quiet hours" in text and "Alpha" not in text
        assert "· 1 of 3 articles" in text
        # While typing, the footer offers what the keys do there, not the list's letters.
        footer = _footer(app)
        assert "Clear" in footer and "Open" in footer
        assert "Quit" not in footer and "Add" not in footer and "All notes" not in footer
        await pilot.press("escape")  # clears, and leaves the filter
        assert app.screen.query_one("#filter").value == ""
        assert app.focused is listing
        assert "· 3 articles" in screen_text(app)
        assert "Quit" in _footer(app) and "Filter" in _footer(app)
        await pilot.press("G", "k")
        assert listing.cursor_row == 1


async def test_back_from_an_article_the_keys_act_on_the_list_again(library: Path) -> None:
    # Issue 22.2: after an article opened from the filter, the filter kept the focus:
    # q, + and # were typed into it while the footer offered them.
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("slash", *"canada", "enter")
        assert isinstance(app.screen, ReadingScreen)
        await pilot.press("q")
        await library_read(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        listing = screen.query_one("#articles")
        assert app.focused is listing
        assert screen.query_one("#filter").value == "canada"  # what it shows, kept
        await pilot.press("escape")  # on the list too, escape clears the filter
        assert screen.query_one("#filter").value == ""
        assert "· 2 articles" in screen_text(app)
        await pilot.press("number_sign")
        assert type(app.screen).__name__ == "NotesScreen"
        await pilot.press("escape")
        await pilot.press("q")
    assert not app.is_running


async def test_the_sort_order_is_remembered_in_the_data_folder(
    library: Path, private_data: Path, tmp_path: Path
) -> None:
    # Issue 22.9: the library's order was forgotten on restart.
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("ctrl+s", "ctrl+s")  # recent, then added
        await pilot.pause()
        assert "· by added" in screen_text(app)
    assert (private_data / "state.json").is_file()  # reader's own file: not config.toml
    assert not (tmp_path / "config.toml").exists()
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        assert "· by added" in screen_text(app).splitlines()[0]
        await pilot.press("ctrl+s", "ctrl+s", "ctrl+s")  # progress, highlights, title
        await pilot.pause()
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        assert " by " not in screen_text(app).splitlines()[0]


async def test_a_state_file_that_is_not_reader_s_is_left_as_it_is(
    library: Path, private_data: Path
) -> None:
    private_data.mkdir(parents=True, exist_ok=True)
    foreign = private_data / "state.json"
    foreign.write_text("not reader's\n", encoding="utf-8")
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "· by recent" in screen_text(app)  # sorted all the same
        assert notified(app, "is not reader's")
    assert foreign.read_text(encoding="utf-8") == "not reader's\n"


async def test_an_article_added_while_the_library_shows_appears_in_it(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 22.9: a file added while the library screen was open appeared only after
    # leaving it. The screen looks at its folders' times every couple of seconds.
    from reader.ui.library import watch as library_watch

    monkeypatch.setattr(library_watch, "EVERY", 0.05)  # the test need not wait 2 s
    _article(library / "later" / "new.md", "Found on its own")
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        assert "3 articles" in screen_text(app)
        _article(library / "fresh.md", "A fresh arrival")
        await wait_for(pilot, lambda: "A fresh arrival" in screen_text(app))
        _article(library / "later" / "newer.md", "Into a subfolder")
        await wait_for(pilot, lambda: "Into a subfolder" in screen_text(app))
        assert "5 articles" in screen_text(app)
        (library / "fresh.md").unlink()
        await wait_for(pilot, lambda: "A fresh arrival" not in screen_text(app))
        # Not while an article is open on top: only the screen that shows looks.
        await pilot.press("enter")
        assert isinstance(app.screen, ReadingScreen)
        reads = []
        monkeypatch.setattr(app, "read_library", lambda *a, **k: reads.append(a))
        _article(library / "unseen.md", "Unseen for now")
        await pilot.pause(0.3)
        assert reads == []


async def test_ctrl_r_reads_the_library_again(library: Path) -> None:
    # A file changed in place leaves its folder's time alone: ctrl+r reads it again.
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        welcome = library / "welcome-to-reader.md"
        text = welcome.read_text(encoding="utf-8")
        welcome.write_text(text.replace("title: Welcome to reader", "title: Renamed in place"))
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "Renamed in place" in screen_text(app))


async def test_letters_typed_at_once_after_slash_land_in_the_filter(tmp_path: Path) -> None:
    # "/qui" read from the terminal at once (typed fast, pasted, sent by tmux): the list
    # had the keys until / was acted on, and "qui" was lost.
    from textual import events

    folder = tmp_path / "lib"
    for name, title in (("a.md", "Alpha"), ("q.md", "Quiet hours")):
        _article(folder / name, title)
    app = make_app(library=folder)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        for key, character in (("slash", "/"), ("q", "q"), ("u", "u"), ("i", "i")):
            app.post_message(events.Key(key, character))  # as the driver posts them
        await wait_for(pilot, lambda: app.screen.query_one("#filter").value == "qui")
        assert app.is_running
        await wait_for(pilot, lambda: "· 1 of 2 articles" in screen_text(app))  # drawn next


async def test_the_filter_s_own_key_from_the_settings_opens_it_and_is_named(
    library: Path, tmp_path: Path
) -> None:
    from reader.config import load
    from reader.ui.app import ReaderApp
    from tests.stores import notes_store

    config = tmp_path / "config.toml"
    config.write_text('[keys]\nfilter = "f"\n', encoding="utf-8")
    app = ReaderApp(notes_store(), library=library, settings=load(config))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        assert "Press f to filter by title or folder" in screen_text(app)
        await pilot.press("f", *"welc")
        assert app.screen.query_one("#filter").value == "welc"


async def test_a_pipe_and_a_folder_that_cannot_be_read_are_named_and_the_rest_listed(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A named pipe once made the library wait for ever and list none of the articles; a
    folder that cannot be read vanished without a word. A linked folder is listed."""
    import os

    os.mkfifo(library / "pipe.md")
    (library / "private").mkdir()
    (library / "private" / "hidden away.md").write_text("# Away\n\nText.\n", encoding="utf-8")
    elsewhere = library.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "kept.md").write_text("# Kept elsewhere\n\nText.\n", encoding="utf-8")
    (library / "news").symlink_to(elsewhere)
    real_scandir = os.scandir

    def refuse(path: str | os.PathLike[str] = "."):  # root reads any folder: refuse it here
        if Path(path) == library / "private":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    app = make_app(library=library)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await library_read(pilot)
        text = screen_text(app)
        assert "· 3 articles" in text
        assert "Welcome to reader" in text and "Kept elsewhere" in text and "news" in text
        assert notified(app, f"Skipped: {library / 'pipe.md'}: a named pipe (FIFO), not a file")
        assert notified(
            app, f"Skipped: {library / 'private'}: a folder that cannot be read (Permission denied)"
        )


async def test_the_library_screen_keeps_textual_s_watch_for_reactives(library: Path) -> None:
    # The folder watcher once took the screen's `watch` attribute, which Textual's own
    # data binding calls: watching a reactive from the library screen raised a TypeError.
    app = make_app(library=library)
    async with app.run_test(size=SIZE) as pilot:
        await library_read(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        themes: list[str] = []

        def changed(theme: str) -> None:
            themes.append(theme)

        screen.watch(app, "theme", changed, init=False)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert themes == [app.theme]


async def test_notes_made_before_the_folder_was_a_library_show_in_it(tmp_path: Path) -> None:
    """An article read on its own (``reader FOLDER/a.md``) before its folder was opened
    as a library keeps its notes by its path; opened as a library, they are brought into
    the library's vault: counted in the list, shown in the article, said once."""
    from reader.cli.common import open_store
    from reader.paths import resolve
    from reader.ui.app import ReaderApp
    from tests.conftest import SAMPLE

    folder = tmp_path / "reading"
    folder.mkdir()
    article = folder / "canada.md"
    article.write_bytes(SAMPLE.read_bytes())
    app = make_app(article=article)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h", "a")
        app.screen.query_one("#note-text").insert("made before the library")
        await pilot.press("ctrl+s", "q")
        await pilot.pause()
    assert not (folder / ".reader").exists()  # kept in the data folder's vault

    # `reader FOLDER`, as the command line starts it.
    app = ReaderApp(open_store(resolve(), library=folder, tell=False), library=folder)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await wait_for(pilot, lambda: notified(app, "are now kept in its library"))
        row = next(line for line in screen_text(app).splitlines() if "Canada-US" in line)
        assert row.split()[2:4] == ["1", "1"]  # read, words, then highlights and notes
        await pilot.press("enter")
        await wait_for(pilot, lambda: "✎ Negotiations between" in screen_text(app))
        assert [h.note for h in app.store.highlights(app.screen.article.id)] == [
            "made before the library"
        ]
    assert list((folder / ".reader" / "devices").glob("*/notes/*.json"))
