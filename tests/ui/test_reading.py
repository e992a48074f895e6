"""Reading an article with the keyboard and mouse: what moves, what shows, what is kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from reader.text.column import GUTTER
from reader.text.documents import load_article
from reader.ui.dialogs.help import HelpScreen
from reader.ui.library.screen import LibraryScreen
from reader.ui.reading.screen import PANE_MIN_WIDTH, ReadingScreen
from tests.conftest import SAMPLE, WELCOME
from tests.stores import notes_store
from tests.ui.helpers import (
    SIZE,
    colours_of,
    cursor_lines,
    library_read,
    make_app,
    notified,
    raw_frame,
    screen_lines,
    screen_text,
    sgr_cells,
    wait_for,
    whole_lines_on_screen,
)

SAMPLE_BLOCKS = load_article(SAMPLE).blocks


def first_words(index: int, count: int = 4) -> str:
    return " ".join(SAMPLE_BLOCKS[index].text.split()[:count])


async def test_opens_on_the_first_paragraph_with_title_and_position() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Canada-US talks resume" in text
        assert f"¶ 1 / {len(SAMPLE_BLOCKS)}" in text
        assert cursor_lines(app)[0].startswith(first_words(0))


async def test_j_and_k_move_paragraph_by_paragraph() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j", "j", "down")
        assert app.screen.view.cursor == 3
        assert cursor_lines(app)[0].startswith(first_words(3))
        assert f"¶ 4 / {len(SAMPLE_BLOCKS)}" in screen_text(app)
        await pilot.press("k", "up")
        assert app.screen.view.cursor == 1
        await pilot.press("k", "k", "k")
        assert app.screen.view.cursor == 0


async def test_G_and_g_jump_to_the_ends() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("G")
        last = len(SAMPLE_BLOCKS) - 1
        assert app.screen.view.cursor == last
        assert "Trump reveals foreign policy of annexation" in screen_text(app)
        assert "100%" in screen_text(app)
        await pilot.press("g")
        assert app.screen.view.cursor == 0
        await pilot.press("end")
        assert app.screen.view.cursor == last
        await pilot.press("home")
        assert app.screen.view.cursor == 0


async def test_space_and_b_turn_pages() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        view = app.screen.view
        await pilot.press("space")
        assert view.scroll_offset.y > 0
        page_cursor = view.cursor
        assert page_cursor > 2
        assert cursor_lines(app), "the cursor paragraph is on screen"
        await pilot.press("space")
        assert view.cursor > page_cursor
        await pilot.press("b", "b")
        assert view.cursor == 0 and view.scroll_offset.y == 0


async def test_braces_jump_between_headings() -> None:
    app = make_app(article=WELCOME)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        view = app.screen.view
        headings = app.screen.article.headings
        await pilot.press("right_curly_bracket")
        assert view.cursor == headings[1]
        await pilot.press("right_curly_bracket")
        assert view.cursor == headings[2]
        assert cursor_lines(app)[0] == "Jumping between sections"
        await pilot.press("left_curly_bracket")
        assert view.cursor == headings[1]


async def test_search_highlights_matches_and_n_N_step_through_them() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        view = app.screen.view
        await pilot.press("slash", *"golden dome", "enter")
        await pilot.pause()
        article = app.screen.article
        assert article.blocks[view.cursor].text.lower().count("golden dome") >= 1
        assert view.current_match == 0
        assert "Match 1 of 1" in screen_text(app)
        await pilot.press("g", "slash", *"Trump", "enter")
        assert view.current_match == 0
        first = view.cursor
        assert "Trump" in article.blocks[first].text
        await pilot.press("n")
        assert view.current_match == 1
        await pilot.press("N", "N")
        assert view.current_match == len(app.screen.search.matches) - 1
        assert view.cursor > first


async def test_search_with_no_match_says_so_and_escape_cancels() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j", "slash", *"zzzqqq", "enter")
        await pilot.pause()
        assert "No matches for “zzzqqq”" in screen_text(app)
        assert app.screen.view.cursor == 1
        await pilot.press("slash", "x", "escape")
        assert app.screen.focused is app.screen.view
        await pilot.press("j")
        assert app.screen.view.cursor == 2


async def test_help_lists_the_keys_of_the_screen() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=(100, 80), notifications=True) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        expected_keys = ("j, ↓", "Next", "Page down", "Next heading", "Search", "Back")
        for expected in (*expected_keys, "Follow link", "Back (history)", "^n"):
            assert expected in text
        await pilot.press("escape")
        assert isinstance(app.screen, ReadingScreen)


async def test_command_palette_runs_a_reader_command() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"end")
        await wait_for(pilot, lambda: "G, end · Reading" in screen_text(app))  # found
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.view.cursor == len(SAMPLE_BLOCKS) - 1


async def test_the_command_palette_offers_every_action_of_the_screen() -> None:
    from reader.ui.dialogs.help import key_entries

    app = make_app(article=SAMPLE)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        listed = {e.description for e in key_entries(app, app.screen)}
        offered = {command.title for command in app.get_system_commands(app.screen)}
        assert listed - {"Commands"} <= offered  # generated from the same bindings
        for typed, found in (("export", "Export notes"), ("note", "Note"), ("highl", "Highlight")):
            await pilot.press("ctrl+p", *typed)
            await wait_for(pilot, lambda found=found: found in screen_text(app))
            await pilot.press("escape")
            await pilot.pause()
        # Running one does what its key does: "Highlight" highlights the paragraph.
        await pilot.press("j", "ctrl+p", *"highlight")
        await wait_for(pilot, lambda: "h · Article" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Highlights · 1" in screen_text(app))


async def test_click_puts_the_cursor_on_a_paragraph() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        view = app.screen.view
        await pilot.pause()
        top_of_second = view.column.top_of(1)
        await pilot.click(view, offset=(30, top_of_second + 1))
        assert view.cursor == 1


async def test_mouse_wheel_scrolls() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        view = app.screen.view
        for _ in range(3):
            view.post_message(events.MouseScrollDown(view, 10, 5, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert view.scroll_offset.y > 0


async def test_position_is_restored_when_reopened() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("j", "j", "j", "j", "j", "q")
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert app.screen.view.cursor == 5
        assert cursor_lines(app)[0].startswith(first_words(5))


async def test_a_one_paragraph_article_is_not_read_at_its_top(tmp_path: Path) -> None:
    # Issue 22.9: a one-paragraph file read "100%" at its top. Its progress is how far
    # down the paragraph the reader has scrolled; one that fits on the screen shows none.
    long = tmp_path / "long.txt"
    long.write_text(" ".join(f"word{n}" for n in range(3000)) + "\n", encoding="utf-8")
    app = make_app(article=long)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        header = screen_lines(app)[0]
        assert header.endswith("¶ 1 / 1    0%"), header
        await pilot.press("j")  # the rest of a paragraph taller than the screen
        await pilot.pause()
        shown = screen_lines(app)[0].rsplit(" ", 1)[1]
        assert shown != "0%" and shown != "100%"
        await pilot.press("G")
        await pilot.pause()
        assert screen_lines(app)[0].endswith("¶ 1 / 1  100%")
    short = tmp_path / "short.txt"
    short.write_text("One short paragraph, all of it on the screen.\n", encoding="utf-8")
    app = make_app(article=short)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert screen_lines(app)[0].endswith("¶ 1 / 1")


async def test_a_search_typed_at_once_after_slash_is_searched_whole() -> None:
    # "/cursor" and enter read at once (typed fast, pasted, sent by tmux): the letters went
    # to the article before / had opened the field, were lost, or acted (u undid, o
    # followed a link), and nothing was searched.
    from textual import events

    app = make_app(article=WELCOME)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        keys = [("slash", "/"), *((c, c) for c in "cursor"), ("enter", "\r")]
        for key, character in keys:
            app.post_message(events.Key(key, character))  # as the driver posts them
        await wait_for(pilot, lambda: "for “cursor”" in screen_text(app))
        assert "cursor" in app.screen.article.blocks[app.screen.view.cursor].text


async def test_q_returns_to_the_library_which_shows_progress(library: Path) -> None:
    app = make_app(library=library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, ReadingScreen)
        await pilot.press("G", "q")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert "100%" in screen_text(app)
        await pilot.press("q")
    assert app.return_code == 0


async def test_big_book_loads_in_the_background_and_G_reaches_its_end(book: Path) -> None:
    app = make_app(article=book)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        article = app.screen.article
        await pilot.press("G")
        for _ in range(200):
            if article.complete:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        assert article.complete and len(article.blocks) == 1231
        assert app.screen.view.cursor == len(article.blocks) - 1
        assert "40 Verse 30:40" in screen_text(app)
        await pilot.press("left_curly_bracket")
        assert cursor_lines(app) == ["Chapter 30"]


async def test_untrusted_markup_in_an_article_is_shown_literally(tmp_path: Path) -> None:
    path = tmp_path / "[bold]evil[red].md"
    path.write_text(
        "---\ntitle: '[red]Title[/red] [@click=app.quit]x[/]'\n---\n"
        "Text with [bold]tags[/bold], [@click=app.quit]click[/] and \x1b[31mescapes\x07.\n",
        encoding="utf-8",
    )
    app = make_app(article=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[red]Title[/red] [@click=app.quit]x[/]" in text
        assert "Text with [bold]tags[/bold], [@click=app.quit]click[/] and ␛[31mescapes␇." in text
        assert "\x1b" not in text
        await pilot.click(app.screen.view, offset=(45, 1))
        assert app.is_running


async def test_a_deep_position_in_a_book_is_restored_once_it_has_loaded(book: Path) -> None:
    app = make_app(article=book)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        while not app.screen.article.complete:
            await pilot.pause(0.02)
        app.screen.view.move_to(1100)
        await pilot.press("j", "q")
    app = make_app(article=book)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for _ in range(200):
            if app.screen.view.cursor == 1101:
                break
            await pilot.pause(0.02)
        assert app.screen.view.cursor == 1101
        text = app.screen.article.blocks[1101].text
        assert cursor_lines(app)[0] == " ".join(text.split()[:12])[: len(cursor_lines(app)[0])]


async def test_a_two_megabyte_paragraph_opens_scrolls_searches_and_highlights(
    tmp_path: Path,
) -> None:
    words = ("alpha", "beta", "gamma", "delta", "river", "stone")
    text = " ".join(words[(n * 7) % 6] for n in range(350_000)) + " UNIQUEEND"
    path = tmp_path / "one-paragraph.txt"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size > 2_000_000
    app = make_app(article=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("G")
        assert "UNIQUEEND" in screen_text(app)  # the end of the text, not of the paragraph
        await pilot.press("g")
        assert "UNIQUEEND" not in screen_text(app)
        await pilot.press("space", "slash", *"UNIQUEEND", "enter")
        await pilot.pause()
        assert "Match 1 of 1" in screen_text(app)
        assert "UNIQUEEND" in screen_text(app)
        await pilot.press("v", "h")

        (highlight,) = notes_store().highlights(app.screen.article.id)
        assert highlight.anchor.exact == "alpha"


async def test_fifty_thousand_one_word_paragraphs_open_reach_the_end_and_highlight(
    tmp_path: Path,
) -> None:
    path = tmp_path / "many.txt"
    path.write_text("\n\n".join(f"word{n}" for n in range(50_000)), encoding="utf-8")
    app = make_app(article=path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("G")
        await pilot.pause()
        assert app.screen.view.cursor == 49_999
        assert "word49999" in screen_text(app)
        await pilot.press("slash", *"word25000", "enter")
        await pilot.pause()
        assert app.screen.view.cursor == 25_000
        await pilot.press("h")

        (highlight,) = notes_store().highlights(app.screen.article.id)
        assert highlight.anchor.exact == "word25000"


async def test_the_first_frame_is_wrapped_for_the_width_it_is_drawn_at(monkeypatch) -> None:
    # The article is the app's first screen, drawn before its Resize event is handled: a
    # view that kept the column it computed at mount (zero wide) drew one word per line.
    from reader.ui.reading.view import ArticleView

    drawn: list[str] = []
    render_line = ArticleView.render_line

    def spy(self: ArticleView, y: int):
        strip = render_line(self, y)
        drawn.append(strip.text)
        return strip

    monkeypatch.setattr(ArticleView, "render_line", spy)
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True):
        first_line = next(line for line in drawn if line.strip())
        assert first_words(0, 6) in first_line


async def test_an_article_that_cannot_be_opened_directly_exits_with_its_reason(
    monkeypatch, tmp_path: Path
) -> None:
    # The command line checks the file first; this is the file going away in between.
    from reader.text.documents import DocumentError

    def fail(path: Path):
        raise DocumentError(f"{path}: no longer there")

    monkeypatch.setattr("reader.ui.app.open_article", fail)
    gone = tmp_path / "gone.md"
    app = make_app(article=gone)
    said: list[str] = []
    exit_app = app.exit
    monkeypatch.setattr(app, "exit", lambda **kw: (said.append(kw["message"]), exit_app(**kw)))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
    assert app.return_code == 2
    (message,) = said
    assert message.plain == f"{gone}: no longer there"  # a Text: never read as markup


async def test_garbage_collection_is_back_on_once_the_first_screen_is_painted() -> None:
    # The command line turns the collector off to build the first screen faster; left off,
    # a long session would never free a cycle.
    import gc

    gc.disable()
    try:
        app = make_app(article=SAMPLE)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.pause()
            assert gc.isenabled()
    finally:
        gc.enable()


async def test_garbage_is_collected_once_keys_pause_not_during_them() -> None:
    import gc

    from reader import memory
    from reader.ui.terminal import collector

    collections: list[int] = []

    def heard(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    threshold = gc.get_threshold()
    app = make_app(article=SAMPLE)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.pause()
            assert gc.get_threshold()[0] == memory.YOUNG
            gc.callbacks.append(heard)
            try:
                await pilot.press("j")
                await wait_for(pilot, lambda: 1 in collections)  # after the key, by itself
                collections.clear()
                await pilot.pause(collector.IDLE * 4)
                assert 1 not in collections  # once per pause in the keys, not on a clock
                for _ in range(gc.get_threshold()[2]):
                    gc.collect(1)  # the oldest generation is due: Python would collect it
                await pilot.press("j")
                # ... and the app does, between keys: else what outlived a key, a frame's
                # strips, would never be freed (memory grew to 120 MB on the sample).
                await wait_for(pilot, lambda: 2 in collections)
            finally:
                gc.callbacks.remove(heard)
    finally:
        gc.set_threshold(*threshold)


async def test_the_app_opens_an_article_at_the_paragraph_asked_for() -> None:
    from reader.ui.app import ReaderApp

    for start, cursor in ((5, 5), (10_000, len(SAMPLE_BLOCKS) - 1)):
        app = ReaderApp(notes_store(), article=SAMPLE, start=start)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.screen.view.cursor == cursor


async def test_settings_change_keys_colours_theme_and_the_help_follows(tmp_path: Path) -> None:
    from reader.config import load
    from reader.ui.app import ReaderApp

    path = tmp_path / "config.toml"
    path.write_text(
        'theme = "nord"\n'
        f'export_folder = "{tmp_path / "vault"}"\n'
        '[keys]\nhighlight = "x"\nno-such-binding = "z"\n'
        '[colours.yellow]\nname = "important"\nvalue = "#ff8800"\n',
        encoding="utf-8",
    )
    app = ReaderApp(notes_store(), article=SAMPLE, settings=load(path))
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
        assert app.get_css_variables()["reader-yellow"] == "#ff8800"
        assert notified(app, "keys.no-such-binding: no key has that id")
        await pilot.press("j", "x")  # x highlights now
        assert "Highlights · 1" in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        assert len(list((tmp_path / "vault").iterdir())) == 1  # the settings' export folder
        from reader.ui.dialogs.help import help_sections

        # What the help screen (and the palette) lists: the user's key, the colour's name.
        rows = [row for _title, listed in help_sections(app, app.screen) for row in listed]
        assert ("x", "Highlight", "highlight") in rows
        assert ("h", "Highlight", "highlight") not in rows
        assert ("1", "Important", "colour-yellow") in rows


async def test_a_broken_settings_file_is_named_and_reader_starts_with_its_defaults(
    tmp_path: Path,
) -> None:
    from reader.config import load
    from reader.ui.app import ReaderApp

    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\n[keys\nhighlight = "x"\n', encoding="utf-8")
    app = ReaderApp(notes_store(), article=SAMPLE, settings=load(path))
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "config.toml" in text and "line 2" in text
        assert app.theme != "nord"
        await pilot.press("j", "h")  # the default keys
        assert "Highlights · 1" in screen_text(app)


async def test_a_bad_key_binding_is_named_and_loses_no_action(tmp_path: Path) -> None:
    # Issue 22.1: highlight = "j" (a key another action has) and an unknown key name for
    # search were taken without a word: h no longer highlighted, Highlight left the footer
    # and the help, the footer showed a banana, and / no longer searched.
    from reader.config import load
    from reader.ui.app import ReaderApp

    path = tmp_path / "config.toml"
    path.write_text(
        '[keys]\nhighlight = "j"\nsearch = "ctrl+shift+meta+banana"\ntags = "y"\n',
        encoding="utf-8",
    )
    app = ReaderApp(notes_store(), article=SAMPLE, settings=load(path))
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: "Highlight" in screen_text(app).splitlines()[-1])
        assert notified(
            app,
            f'{path}: line 2: keys.highlight = "j": j is already next-paragraph\'s (Next) key '
            "in the article; it keeps h",
        )
        assert notified(app, f'{path}: line 3: keys.search = "ctrl+shift+meta+banana": ')
        assert notified(app, "'banana' is not the name of a key")
        footer = screen_text(app).splitlines()[-1]
        assert "Highlight" in footer and "Search" in footer and "🍌" not in footer
        await pilot.press("j")
        assert app.screen.view.cursor == 1  # j moves, as it did
        await pilot.press("h")  # and h still highlights
        assert "Highlights · 1" in screen_text(app)
        await pilot.press("y")  # a good line of the same file is taken
        assert type(app.screen).__name__ == "TagEditor"
        await pilot.press("escape", "slash")
        assert type(app.focused).__name__ == "SearchBar"
        await pilot.press("escape", "question_mark")
        # The help names each binding's id, which the messages tell people to look up.
        box = app.screen.query_one("VerticalScroll").region
        shown = [line[box.x : box.right] for line in screen_lines(app)[box.y : box.bottom]]
        assert any(line.split()[-2:] == ["next-paragraph", "│"] for line in shown)
        rows = [row for _title, listed in app.screen.sections for row in listed]
        assert ("h", "Highlight", "highlight") in rows and ("/", "Search", "search") in rows


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_five_colours_stay_five_in_256_and_16_colour_terminals(theme: str) -> None:
    from rich.color import ColorSystem

    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        await pilot.pause()
        view = app.screen.view
        colours = ("yellow", "green", "blue", "pink", "purple")

        def backgrounds(system: ColorSystem) -> set:
            found = set()
            for colour in colours:
                style = view.get_component_rich_style(f"article-view--hl-{colour}")
                found.add(style.bgcolor.downgrade(system).number)
            return found

        assert len(backgrounds(ColorSystem.TRUECOLOR) and backgrounds(ColorSystem.EIGHT_BIT)) == 5
        assert len(backgrounds(ColorSystem.EIGHT_BIT)) == 5  # tmux's default: 256 colours
        app.add_class("-ansi-colours")  # as a 16-colour terminal makes the app do
        await pilot.pause()
        assert len(backgrounds(ColorSystem.STANDARD)) == 5


async def test_the_help_keeps_what_keys_do_readable_beside_their_ids_at_60_columns() -> None:
    app = make_app(article=WELCOME)
    async with app.run_test(size=(60, 30)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        lines = screen_lines(app)
        assert any("Previous" in line and "previous-paragraph" in line for line in lines)
        assert any("Next heading" in line and "next-heading" in line for line in lines)


FIVE = ("Alpha", "Bravo", "Charlie", "Delta", "Echo")


async def _five_colours(tmp_path: Path, system: str, monkeypatch: pytest.MonkeyPatch):
    """An app in a terminal of ``system`` colours (as Textual detects them), over an
    article whose five paragraphs are highlighted in the five colours, in order."""
    import textual.constants

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", system)
    article = tmp_path / "five.md"
    paragraphs = [f"{word} paragraph, highlighted." for word in FIVE]
    article.write_text("\n\n".join(["# Five colours", *paragraphs, "Last one."]), encoding="utf-8")
    return make_app(article=article)


def _in_article(cells: list[tuple[str, str, str]], word: str) -> tuple[str, str]:
    """The colours of ``word``'s paragraph in the article (not its quote in the pane)."""
    drawn = "".join(char for char, _fg, _bg in cells)
    at = next(
        i
        for i in range(len(drawn))
        if drawn.startswith(f"{word} paragraph", i) and drawn[i - 1] != "“"
    )
    return cells[at][1], cells[at][2]


async def test_sixteen_colours_draw_five_hues_that_differ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 22.3: under TERM=screen yellow was drawn on a bright red background (101), pink
    # and purple both on magenta (45), and purple's bar in the pane was blue's (94): the
    # terminal's own colours went through Textual's truecolor theme on their way out.
    app = await _five_colours(tmp_path, "standard", monkeypatch)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.press("j", "1", "j", "2", "j", "3", "j", "4", "j", "5", "j")
        await pilot.pause()
        assert app.console.color_system == "standard"
        cells = sgr_cells(raw_frame(app))
        backgrounds = [_in_article(cells, word)[1] for word in FIVE]
        # yellow, green, blue, red (pink's hue) and magenta: the terminal's own five.
        assert backgrounds == ["43", "42", "44", "41", "45"]
        drawn = "".join(char for char, _fg, _bg in cells)
        bars = []
        for word in FIVE:  # the pane lists each highlight with a bar of its colour
            quote = drawn.index(f"“{word} paragraph")
            bar = drawn.rindex("▌", 0, quote)
            bars.append(cells[bar][1])
        assert bars == ["33", "32", "34", "31", "35"]


async def test_in_256_colours_the_cursor_and_the_bars_are_not_a_loud_navy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 22.3: Rich rounds each channel to the 6x6x6 cube, so the cursor's dark
    # grey-blue and the header's came out as navy (17), the loudest colour on the screen.
    from rich._palettes import EIGHT_BIT_PALETTE
    from rich.color import ColorTriplet

    app = await _five_colours(tmp_path, "256", monkeypatch)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.press("j", "1", "j", "2", "j", "3", "j", "4", "j", "5", "j")
        await pilot.pause()
        assert app.console.color_system == "256"
        cells = sgr_cells(raw_frame(app))

        def saturation(code: str) -> float:
            assert code.startswith("48;5;"), code
            import colorsys

            triplet = ColorTriplet(*EIGHT_BIT_PALETTE[int(code.rsplit(";", 1)[1])])
            return colorsys.rgb_to_hls(*triplet.normalized)[2]

        cursor = colours_of(cells, "Last one")[1]
        title_bar = colours_of(cells, "Five colours")[1]  # the header, first on the screen
        for code in (cursor, title_bar):
            assert saturation(code) < 0.2, code  # a grey, not navy (17) or teal (23)
        backgrounds = {_in_article(cells, word)[1] for word in FIVE}
        assert len(backgrounds) == 5
        app.theme = "textual-light"  # Textual makes its colour filter anew: reader's too
        await pilot.pause()
        cells = sgr_cells(raw_frame(app))
        assert saturation(colours_of(cells, "Last one")[1]) < 0.2
        assert len({_in_article(cells, word)[1] for word in FIVE}) == 5


def _backgrounds(app, y: int) -> list[tuple[str, str | None]]:
    """Row ``y`` of the screen as (text, background) runs."""
    strip = app.screen._compositor.render_strips()[y]
    runs: list[tuple[str, str | None]] = []
    for segment in strip:
        style = segment.style
        colour = (
            style.bgcolor.triplet.hex if style and style.bgcolor and style.bgcolor.triplet else None
        )
        if runs and runs[-1][1] == colour:
            runs[-1] = (runs[-1][0] + segment.text, colour)
        else:
            runs.append((segment.text, colour))
    return runs


@pytest.mark.parametrize("theme", ["gruvbox", "textual-dark", "nord"])
async def test_the_cursor_bar_covers_a_heading_s_words_as_well(theme: str) -> None:
    # Issue 22.9: under gruvbox the bar on the title (where an article opens) had the
    # page's colour behind the title's words and the bar's only after them: a heading's
    # style carried the page's background over the cursor's.
    from reader.config import Settings
    from reader.ui.app import ReaderApp

    app = ReaderApp(notes_store(), article=WELCOME, settings=Settings(theme=theme))
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        runs = _backgrounds(app, 1)  # the title, with the cursor on it
        words = next(n for n, (text, _bg) in enumerate(runs) if "Welcome to reader" in text)
        bar = app.screen.view.get_component_rich_style("article-view--cursor").bgcolor
        text, background = runs[words]
        assert background == bar.triplet.hex
        assert text.startswith("Welcome to reader   ")  # one bar, words and the rest alike


async def test_a_theme_chosen_while_reading_redraws_the_article_in_it() -> None:
    app = make_app(article=WELCOME)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        app.theme = "gruvbox"
        await pilot.pause()
        page = app.screen.view.rich_style.bgcolor.triplet.hex
        assert page == "#3c3836"  # gruvbox's
        assert _backgrounds(app, 3)[0][1] == page  # not textual-dark's, kept from before


async def test_every_resize_rewraps_the_article_and_the_pane_gives_way_when_too_narrow() -> None:
    # Issue 15: narrowing from 120 to 60 columns with the pane open cut every line of the
    # article ("In a brief so / media post, T"); at 40 the article was gone.
    app = make_app(article=SAMPLE)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        screen = app.screen
        await pilot.press("j", "j")
        for width in (120, 100, 80, 60, 40, 47, 60, 80, 109, 110, 160, 120):
            await pilot.resize_terminal(width, 30)
            await pilot.pause()
            assert screen.pane.display == (width >= PANE_MIN_WIDTH), width
            assert whole_lines_on_screen(app) == [], width
            view = screen.view
            assert view.column.left + GUTTER + view.column.text_width <= (
                view.scrollable_content_region.width
            )
            # Every word of the paragraph under the cursor (it fits the screen here).
            region = view.scrollable_content_region
            left = region.x + view.column.left + GUTTER  # right of the cursor bar
            shown = "".join(row[left : region.right] for row in screen_lines(app))
            assert "".join(SAMPLE_BLOCKS[2].text.split()) in "".join(shown.split()), width


async def test_a_pane_hidden_with_p_stays_hidden_and_one_asked_for_in_a_narrow_window_shows() -> (
    None
):
    app = make_app(article=SAMPLE)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        pane = app.screen.pane
        await pilot.press("p")
        for width in (60, 160):
            await pilot.resize_terminal(width, 30)
            await pilot.pause()
            assert not pane.display
        await pilot.press("p")
        assert pane.display
        await pilot.resize_terminal(60, 30)
        await pilot.pause()
        assert not pane.display
        # Asked for at 60 and at 40 columns, the pane shows, and the article beside it is
        # still whole, in what room is left.
        for width in (60, 40):
            await pilot.resize_terminal(width, 30)
            await pilot.press("p")
            await pilot.pause()
            assert pane.display
            assert app.screen.view.size.width >= width // 2
            assert whole_lines_on_screen(app) == [], width
            await pilot.press("p")
        # A note edited meanwhile (a dialog over the screen) leaves a pane asked for alone.
        await pilot.press("p", "h", "a", *"note", "ctrl+s")
        await pilot.pause()
        assert pane.display


async def test_a_resize_inside_a_long_paragraph_keeps_the_place(tmp_path: Path) -> None:
    # Each resize scrolled back to the top of the cursor's paragraph: in a long one,
    # thousands of lines from where the reader was.
    words = ("alpha", "beta", "gamma", "delta", "river", "stone")
    body = [words[(n * 7) % 6] for n in range(50_000)]
    body[30_000] = "FARDOWN"
    path = tmp_path / "tall.txt"
    path.write_text(f"Opening words.\n\n{' '.join(body)}\n\nClosing words.\n", encoding="utf-8")
    app = make_app(article=path)
    # Without notifications: "Match 1 of 1" would cover the lines checked.
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"FARDOWN", "enter")
        await pilot.pause()
        view = app.screen.view
        for width in (120, 100, 80, 60, 40, 160, 120):
            await pilot.resize_terminal(width, 40)
            await pilot.pause()
            assert view.cursor == 1
            region = view.region
            shown = [row[region.x : region.right] for row in screen_lines(app)]
            assert any("FARDOWN" in row for row in shown), width
            assert whole_lines_on_screen(app) == [], width


async def test_e_never_writes_over_the_export_of_another_article_of_the_same_title(
    tmp_path: Path,
) -> None:
    """The export folder holds b's notes in `Same title.md` (from `export --all`): `e` on
    a, which sorts first, writes a file of its own."""
    from reader.cli import main
    from reader.paths import resolve
    from reader.text.keys import LIBRARIES
    from tests.ui.helpers import make_app
    from tests.unit.test_export_names import annotate

    library = tmp_path / "lib"
    library.mkdir()
    for name in ("a.md", "b.md"):
        (library / name).write_text(
            f"# Same title\n\nThe words of {name}, which differ.\n", encoding="utf-8"
        )
    LIBRARIES.register(library)  # as the command line does: b's notes go to its vault
    annotate(library / "b.md", "note on b")
    exports = resolve().exports
    assert main(["export", "--all", "--library", str(library), "-o", str(exports)]) == 0
    app = make_app(library=library, article=library / "a.md")
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("j", "h", "e")
        await wait_for(pilot, lambda: notified(app, "Exported 1 highlight"))
    assert "note on b" in (exports / "Same title.md").read_text(encoding="utf-8")
    (mine,) = [p for p in exports.glob("Same title *.md")]
    assert "The words of a.md" in mine.read_text(encoding="utf-8")
