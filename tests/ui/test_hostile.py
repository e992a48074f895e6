"""Hostile input through the app (issue 6): untrusted text stays text, controls never reach
the terminal, odd files open or are refused clearly.

The fixtures are in tests/data/hostile (see its README). Every test looks at what the
terminal would be sent: the strips the compositor paints, segment by segment.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.strip import Strip

from reader.text.column import GUTTER
from reader.text.direction import has_rtl, is_rtl, visual
from reader.text.display import visible
from reader.text.documents import load_article
from reader.ui.app import ReaderApp
from tests.stores import notes_store
from tests.ui.helpers import (
    library_read,
    make_app,
    notified,
    screen_lines,
    screen_text,
    wait_for,
    whole_lines_on_screen,
)

HOSTILE = Path(__file__).parent.parent / "data" / "hostile"
WIDE = (150, 40)

# What must never be painted: C0 and C1 controls, DEL, bidi controls and line separators.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
MARKUP = (
    "[bold red]Loud[/]",
    "[@click=app.hostile]",
    "[$accent]",
    "[RED]upper case[/RED]",
    "[/]",
)


def painted(app: ReaderApp) -> list[Strip]:
    """Every row the terminal would be sent for the current screen (toasts included)."""
    return app.screen._compositor.render_strips()


def assert_safe(app: ReaderApp) -> None:
    """No control character is painted, and no painted text carries an action."""
    for row, strip in enumerate(painted(app)):
        for segment in strip:
            found = CONTROL.search(segment.text)
            assert found is None, f"row {row}: {found.group()!r} in {segment.text!r}"
            meta = segment.style.meta if segment.style else None
            assert not meta or "hostile" not in repr(meta), f"row {row}: action {meta!r}"


def pane_shows(app: ReaderApp, text: str) -> bool:
    """Whether the notes pane shows ``text``, however it was wrapped."""
    left = app.screen.query_one("#notes").content_region.x
    pane = "".join(line[left:] for line in screen_lines(app))
    return "".join(text.split()) in "".join(pane.split())


def copy_fixture(name: str, folder: Path, as_name: str | None = None) -> Path:
    target = folder / (as_name or name)
    shutil.copyfile(HOSTILE / name, target)
    return target


def stored(article: Path) -> list:
    article_id = load_article(article).id
    return sorted(notes_store().highlights(article_id), key=lambda h: h.anchor.start)


@pytest.fixture
def hostile_action(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Give the app the action that the fixtures' [@click=app.hostile] would run."""
    calls: list[str] = []
    monkeypatch.setattr(
        ReaderApp, "action_hostile", lambda self: calls.append("ran"), raising=False
    )
    return calls


# --- markup ------------------------------------------------------------------------------


async def test_markup_in_title_headings_and_text_is_shown_literally(
    hostile_action: list[str],
) -> None:
    app = make_app(article=HOSTILE / "markup.md")
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        text = screen_text(app)
        title = "[bold red]Loud[/] [@click=app.hostile]title[/] [$accent]accent [RED]red[/RED]"
        assert title in text
        assert "[b]Heading[/b] [@click=app.hostile]here[/]" in text
        for fragment in MARKUP:
            assert fragment in text
        assert "[on red]a background[/]" in text
        assert "[$text-muted]muted[/]" in text
        assert_safe(app)
        for y in range(0, 12):  # click across the title, heading and first paragraphs
            for x in (5, 25, 45, 65, 85):
                await pilot.click(offset=(x, y))
        await pilot.pause()
        assert app.is_running
    assert hostile_action == []


async def test_markup_in_notes_tags_and_search_is_shown_literally(
    hostile_action: list[str],
) -> None:
    article = HOSTILE / "markup.md"
    note = "[bold]note[/] [@click=app.hostile]act[/] [$accent] [RED]x[/RED]"
    app = make_app(article=article)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "h", "a", *note, "ctrl+s")
        await pilot.press("t", *"[red]tag", "enter")
        await pilot.pause()
        (highlight,) = stored(article)
        assert highlight.note == note
        text = screen_text(app)
        assert "✎ [bold]note[/] [@click=app.hosti" in text  # the pane shows it as typed
        assert "#[red]tag" in text
        assert_safe(app)
        await pilot.press("slash", *"[@click=app.hostile]nothing[/]", "enter")
        await pilot.pause()
        assert "No matches for “[@click=app.hostile]nothing[/]”" in screen_text(app)
        assert_safe(app)
        await pilot.press("slash", *"[$accent]", "enter")
        await pilot.pause()
        assert "Match 1 of 1 for “[$accent]”" in screen_text(app)
        assert_safe(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert_safe(app)
    assert hostile_action == []


async def test_file_names_made_of_markup_are_shown_literally_in_the_library(
    tmp_path: Path, hostile_action: list[str]
) -> None:
    # No "/" in a file name: "[/]" stays out of this one.
    copy_fixture("lone-cr.txt", tmp_path, "[bold]named [@click=app.hostile]x [RED].txt")
    copy_fixture("markup.md", tmp_path, "[$accent]markup.md")
    app = make_app(library=tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.pause()
        text = screen_text(app)
        # A .txt file's title comes from its name: shown as typed, markup and all.
        assert "[bold]named [@click=app.hostile]x [RED]" in text
        assert "[bold red]Loud[/]" in text
        assert_safe(app)
        await pilot.press("slash", *"[bold]")
        await pilot.pause()
        assert "[bold]named" in screen_text(app)
        assert "Loud" not in screen_text(app)
        assert_safe(app)
        await pilot.press("enter")
        await pilot.pause()
        assert "First paragraph, classic Mac line ends." in screen_text(app)
        assert_safe(app)
    assert hostile_action == []


# --- terminal control sequences ----------------------------------------------------------


async def test_control_sequences_never_reach_the_terminal_and_offsets_stay_exact() -> None:
    article = HOSTILE / "controls.txt"
    app = make_app(article=article)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "CSI colour ␛[31mred␛[0m, clear screen ␛[2J" in text
        assert "OSC 52 clipboard write ␛]52;c;ZXZpbCBjbGlwYm9hcmQ=␇ here." in text
        assert "Bidi overrides: ␢esrever␢, isolates ␢inner␢, marks ␢␢␢ here." in text
        assert "C1 controls: CSI ␦31m, NEL ␦, OSC ␦0;title␦, DCS ␦ here." in text
        assert_safe(app)
        # Select three words of the OSC 8 line: the stored quote is the raw text, controls
        # included, at exactly the offsets the placeholders were drawn at.
        await pilot.press("j", "j", "v", "w", "w", "w", "h")
        (highlight,) = stored(article)
        document = load_article(article)
        assert document.text[highlight.anchor.start : highlight.anchor.end] == (
            highlight.anchor.exact
        )
        assert highlight.anchor.exact == "OSC 8 hyperlink \x1b]8;;https://evil.example\x1b\\click"
        await pilot.press("p")  # the pane shows the quote: placeholders there too
        await pilot.pause()
        assert "␛]8;;https://evil.example␛\\click" in screen_text(app)
        assert_safe(app)


async def article_lines(app: ReaderApp, pilot) -> list[str]:
    """Every line of the article as the view shows it, scrolled through a screen at a time
    from the top: each line read off the screen where it was drawn."""
    view = app.screen.view
    region = view.scrollable_content_region
    # The text's cells: right of the cursor bar's gutter, left of the scroll bar.
    left = region.x + view.column.left + GUTTER
    shown: list[str] = []
    top = 0
    while top < view.column.total:
        view.scroll_to(y=top, animate=False, immediate=True)
        # Each line is its wrapped text whole, every placeholder in the cell it was
        # measured at (waited for: a loaded machine draws the scrolled screen a frame later).
        await wait_for(pilot, lambda: whole_lines_on_screen(app) == [])
        assert int(view.scroll_offset.y) <= top
        rows = screen_lines(app)[region.y : region.bottom]
        # Near the end the view stops at the last screen (as far as it knows the heights).
        y = int(view.scroll_offset.y)
        shown += [row[left : region.right] for row in rows[top - y :]]
        top = y + region.height
    return shown


async def test_every_word_next_to_a_control_character_is_on_screen_at_every_width() -> None:
    # Issue 15: at 120 columns with the pane (a view as wide as its column) the ends of
    # lines with several controls were cut off: "FAKE PRO", "DCS strin", "ding␇di".
    article = HOSTILE / "escapes.txt"
    blocks = [visible(block.text) for block in load_article(article).blocks]
    for control in "\x1b\x07\x08\x7f\x0c\x0b\t\x9b\x9d\x90":
        assert any(control in block.text for block in load_article(article).blocks)
    app = make_app(article=article)
    # Widths where a column fills its view, with and without the pane, and odd ones between
    # (every width is the wrapping property's, in tests/unit/test_layout.py).
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        for width in (40, 47, 60, 73, 80, 100, 111, 120, 137, 160):
            await pilot.resize_terminal(width, 50)
            for pane in (True, False):
                if app.screen.pane.display != pane:
                    await pilot.press("p")
                words = "".join("".join(await article_lines(app, pilot)).split())
                for text in blocks:
                    # Every character, in order, exactly once.
                    assert words.count("".join(text.split())) == 1, (width, pane, text[:30])
                assert_safe(app)
        # Where the issue saw it: "Match 1 of 1" for a word that was not on screen.
        await pilot.resize_terminal(120, 50)
        await pilot.press("p")
        assert app.screen.pane.display
        await pilot.press("slash", *"PROMPT", "enter")
        await pilot.pause()
        assert "Match 1 of 1" in screen_text(app)
        region = app.screen.view.region
        assert any("PROMPT$" in row[region.x : region.right] for row in screen_lines(app))
        assert whole_lines_on_screen(app) == []


async def test_control_characters_in_notes_are_shown_as_placeholders() -> None:
    article = HOSTILE / "markup.md"
    note = "osc52 \x1b]52;c;ZXZpbA==\x07 bidi \u202eevil\u202c c1 \x9b2J end"
    app = make_app(article=article)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "h")
        highlight_id = app.screen.view.current_highlight
        assert highlight_id is not None
        app.screen.annotations.update(highlight_id, "note", note=note)
        app.screen.refresh_annotations()
        await pilot.pause()
        assert "✎ osc52 ␛]52;c;ZXZpbA==␇ bidi ␢" in screen_text(app)
        assert_safe(app)
        await pilot.press("a")  # the note editor
        await pilot.pause()
        assert_safe(app)
        assert "as symbols (␛) and saved that way" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        (highlight,) = stored(article)
        assert highlight.note == "osc52 ␛]52;c;ZXZpbA==␇ bidi ␢evil␢ c1 ␦2J end"


async def test_pasted_escape_sequences_are_made_visible_in_notes_and_fields() -> None:
    from textual import events
    from textual.widgets import Input, TextArea

    article = HOSTILE / "markup.md"
    pasted = "\x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07\nline two\u202e"
    app = make_app(article=article)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "a")
        await pilot.pause()
        assert app.focused is app.screen.query_one(TextArea)
        app.post_message(events.Paste(pasted))  # as the terminal's bracketed paste arrives
        await pilot.pause()
        assert_safe(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        (highlight,) = stored(article)
        assert highlight.note == "␛[31mred␛[0m ␛]52;c;ZXZpbA==␇\nline two␢"
        await pilot.press("slash")
        await pilot.pause()
        field = app.screen.query_one("#search", Input)
        assert app.focused is field
        app.post_message(events.Paste(pasted))
        await pilot.pause()
        assert field.value == "␛[31mred␛[0m ␛]52;c;ZXZpbA==␇"  # one line, like Input's own
        assert_safe(app)


# --- wide characters ---------------------------------------------------------------------


@pytest.mark.parametrize("width", [40, 57, 100])
async def test_wide_text_wraps_without_splitting_a_character(width: int) -> None:
    article = HOSTILE / "wide.md"
    document = load_article(article)
    app = make_app(article=article)
    async with app.run_test(size=(width, 40), notifications=True) as pilot:
        await pilot.pause()
        strips = painted(app)
        for strip in strips:
            assert strip.cell_length == width
        lines = screen_lines(app)
        shown = "".join(line.replace(" ", "") for line in lines)
        column = app.screen.view.column
        for index, block in enumerate(document.blocks):
            if not has_rtl(block.text):
                # Every character of every paragraph on screen is drawn, in order, whole.
                assert block.text.replace(" ", "") in shown
                continue
            # Issue 25: Hebrew and Arabic are drawn in visual order, line by line (it was
            # their logical order, which reads backwards): each line's characters, whole.
            for start, end in column.wrapped(index):
                line = visual(block.text[start:end], is_rtl(block.text))
                assert "".join(char for _, char in line).replace(" ", "") in shown
        assert_safe(app)


async def test_highlights_on_wide_and_combining_text_keep_exact_offsets() -> None:
    article = HOSTILE / "wide.md"
    document = load_article(article)
    app = make_app(article=article)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        # The emoji paragraph: "Emoji:" "a" "family" "👩‍👩‍👧‍👦," -> four words.
        await pilot.press("j", "j", "v", "w", "w", "w", "h")
        # The combining-marks paragraph: three words.
        await pilot.press("j", "v", "w", "w", "h")
        first, second = stored(article)
        for highlight in (first, second):
            start, end = highlight.anchor.start, highlight.anchor.end
            assert document.text[start:end] == highlight.anchor.exact
        assert first.anchor.exact == "Emoji: a family 👩\u200d👩\u200d👧\u200d👦,"
        assert second.anchor.exact == "Combining marks: cafe\u0301,"
        # What is drawn in the highlight's colour is exactly the quotes, character for
        # character (the wrap may have turned a space into a line end).
        view = app.screen.view
        yellow = view.get_component_rich_style("article-view--hl-yellow").bgcolor
        drawn = "".join(
            segment.text
            for strip in painted(app)
            for segment in strip
            if segment.style and segment.style.bgcolor == yellow
        )
        assert drawn.replace(" ", "") == (first.anchor.exact + second.anchor.exact).replace(" ", "")


async def test_clicks_on_either_half_of_a_wide_character_land_on_it() -> None:
    article = HOSTILE / "wide.md"
    block = load_article(article).blocks[1]  # the Japanese paragraph, no spaces
    app = make_app(article=article)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        view = app.screen.view
        row, line = next((y, line) for y, line in enumerate(screen_lines(app)) if "日本語" in line)
        y = row - view.region.y
        x0 = cell_len(line[: line.index("日本語")]) - view.region.x
        # Each character is two cells wide: cells x0+2k and x0+2k+1 are character k.
        for k in range(10):
            assert view.offset_at(x0 + 2 * k, y) == block.start + k
            assert view.offset_at(x0 + 2 * k + 1, y) == block.start + k


# --- odd files ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.md", "whitespace.txt"])
async def test_an_empty_article_opens_and_nothing_can_be_highlighted(name: str) -> None:
    article = HOSTILE / name
    app = make_app(article=article)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert "empty" in screen_text(app)
        await pilot.press("h")
        await pilot.pause()
        assert "nothing to highlight in an empty article" in screen_text(app)
        await pilot.press("v", "w", "h", "a", "j", "k", "G", "g", "space", "b", "1", "d", "u")
        await pilot.press("slash", *"x", "enter", "n", "o", "l", "e", "t", "p", "ctrl+n")
        await pilot.pause()
        assert app.is_running
        assert stored(article) == []
        assert_safe(app)


async def test_control_characters_in_titles_and_file_names_are_shown_as_placeholders(
    tmp_path: Path,
) -> None:
    (tmp_path / "titled.md").write_text(
        "---\ntitle: Clear \x1b[2J and \u202eevil\u202c title\n---\nBody text.\n", encoding="utf-8"
    )
    named = tmp_path / "name \x1b]0;pwned\x07 \x9b1m.txt"
    named.write_text("Body of the named one.\n", encoding="utf-8")
    app = make_app(library=tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.pause()
        text = screen_text(app)
        assert "Clear ␛[2J and ␢evil␢ title" in text
        assert "Name ␛]0;pwned␇ ␦1m" in text
        assert_safe(app)
        await pilot.press("slash", *"clear", "enter")
        await pilot.pause()
        assert "Clear ␛[2J and ␢evil␢ title" in screen_text(app)  # the reading header
        assert_safe(app)


# --- the file changes under the reader ---------------------------------------------------


@pytest.fixture
def quick_file_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.ui.reading.life import ArticleLife

    monkeypatch.setattr(ArticleLife, "FILE_CHECK_SECONDS", 0.05)


async def test_an_article_edited_while_open_is_announced_and_reloaded_with_ctrl_r(
    tmp_path: Path, quick_file_checks: None
) -> None:
    article = tmp_path / "draft.md"
    article.write_text("# Draft\n\nFirst words.\n\nSecond paragraph here.\n", encoding="utf-8")
    app = make_app(article=article)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "j", "h")  # highlight "Second paragraph here."
        article.write_text(
            "# Draft\n\nA new opening.\n\nFirst words.\n\nSecond paragraph here.\n",
            encoding="utf-8",
        )
        await wait_for(pilot, lambda: notified(app, f"{article} changed on disk. Press ctrl+r"))
        assert "A new opening." not in screen_text(app)  # nothing moves under the reader
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "A new opening." in screen_text(app))
        assert app.screen.view.cursor == 2
        await app.workers.wait_for_complete()
        await pilot.pause()
        (highlight,) = stored(article)
        marks = app.screen.view._marks
        assert any(start == app.screen.article.blocks[3].start for start, *_ in marks.get(3, ()))
        assert highlight.anchor.exact == "Second paragraph here."


async def test_an_article_deleted_while_open_stays_readable_and_annotatable(
    tmp_path: Path, quick_file_checks: None
) -> None:
    article = tmp_path / "gone.md"
    article.write_text("# Gone\n\nA paragraph to keep.\n", encoding="utf-8")
    document = load_article(article)
    app = make_app(article=article)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        article.unlink()
        await wait_for(pilot, lambda: notified(app, f"{article} was moved or deleted"))
        await pilot.press("j", "h")
        await pilot.press("ctrl+r")  # nothing to reload: said, and the article stays
        await pilot.pause()
        assert notified(app, "no such file")
        assert "A paragraph to keep." in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        assert notified(app, "Exported 1 highlight")
    (highlight,) = notes_store().highlights(document.id)
    assert highlight.anchor.exact == "A paragraph to keep."


async def test_a_cp1252_file_opens_with_a_visible_notice() -> None:
    app = make_app(article=HOSTILE / "cp1252.txt")
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert "Café crème “quoted” – dash, € euro." in screen_text(app)
        notice = "cp1252.txt is not valid UTF-8; it was read as Windows-1252"
        assert notified(app, notice)


async def test_notifications_naming_hostile_files_show_their_controls_as_placeholders(
    tmp_path: Path,
) -> None:
    copy_fixture("nul.txt", tmp_path, "bad \x1b]0;pwned\x07 name.txt")
    copy_fixture("nul.txt", tmp_path, "[b]bold [@click=app.quit]x.txt")
    copy_fixture("lone-cr.txt", tmp_path)
    app = make_app(library=tmp_path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.pause()
        assert notified(app, "Skipped:")
        assert notified(app, "bad ␛]0;pwned␇ name.txt is a binary file")
        # Markup in a file name is shown as written, never applied (nor its click run).
        assert notified(app, "[b]bold [@click=app.quit]x.txt is a binary file")
        assert_safe(app)


async def test_links_between_hostile_articles_show_titles_quotes_and_labels_literally(
    tmp_path: Path, hostile_action: list[str]
) -> None:
    from reader.ui.dialogs.link_picker import LinkList, LinkPicker, TextPrompt

    copy_fixture("controls.txt", tmp_path)
    markup = copy_fixture("markup.md", tmp_path)
    label = "[@click=app.hostile]label[/] [$accent]"
    app = make_app(library=tmp_path, article=markup)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("j")
        for query in ("OSC 52 clipboard", "Bidi overrides"):
            await pilot.press("l")
            assert isinstance(app.screen, LinkPicker)
            await app.workers.wait_for_complete()
            await pilot.press(*query)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert query in screen_text(app)
            assert_safe(app)
            await pilot.press("enter")
            assert isinstance(app.screen, TextPrompt)
            await pilot.press(*label, "enter")
            await pilot.pause()
        assert pane_shows(app, label)  # "Links from here" in the pane
        assert_safe(app)
        await pilot.press("o")  # two links from this paragraph: a numbered list
        assert isinstance(app.screen, LinkList)
        assert "Controls" in screen_text(app)
        assert_safe(app)
        await pilot.press("1")
        await pilot.pause()
        assert app.screen.article.title == "Controls"
        assert "Links to here" in screen_text(app) and pane_shows(app, label)
        assert_safe(app)
    assert hostile_action == []
