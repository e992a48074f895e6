"""Highlighting and annotating with real keys: what the screen shows and what the store keeps."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, TextArea

from reader.model import Colour
from reader.paths import resolve
from reader.text.documents import load_article
from reader.ui.dialogs.note_editor import ConfirmScreen, NoteEditor, TagEditor
from tests.conftest import SAMPLE
from tests.stores import notes_store
from tests.ui.helpers import (
    SIZE,
    library_read,
    make_app,
    notified,
    screen_lines,
    screen_text,
    wait_for,
)

WIDE = (150, 40)  # wide enough for the notes pane to show beside the article
BLOCKS = load_article(SAMPLE).blocks


def saved(article: Path = SAMPLE) -> list:
    """The highlights in the test's database, in document order."""
    article_id = load_article(article).id
    return sorted(notes_store().highlights(article_id), key=lambda h: h.anchor.start)


def pane_text(app) -> str:
    """What the notes pane shows (the right-hand columns of the screen)."""
    pane = app.screen.query_one("#notes")
    left = pane.region.x
    return "\n".join(line[left:] for line in screen_lines(app))


async def test_h_highlights_the_paragraph_and_the_pane_lists_it() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "j", "h")
        (highlight,) = saved()
        assert highlight.anchor.exact == BLOCKS[2].text
        assert highlight.colour is Colour.YELLOW
        assert "Highlights · 1" in pane_text(app)
        assert "“Stung by Trump’s action" in pane_text(app)
        assert "¶ 3" in pane_text(app)


async def test_v_w_grows_by_words_and_enter_highlights_exactly_that() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "j", "j", "v", "w", "w", "w", "b", "enter")
        (highlight,) = saved()
        assert highlight.anchor.exact == "Details about the"


async def test_v_s_selects_a_sentence_and_h_highlights_it() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "j", "v", "s", "h")
        (highlight,) = saved()
        assert highlight.anchor.exact == "Stung by Trump’s action, Canada quickly retreated."


async def test_in_chinese_v_selects_a_character_and_s_and_b_narrow_and_grow_it(
    tmp_path: Path,
) -> None:
    # Issue 22.7: with no spaces the whole paragraph was "the first word", and s and b
    # could not narrow it.
    article = tmp_path / "cjk.md"
    article.write_text("# 标题\n\n中文段落。这是第二句！这是第三句？\n", encoding="utf-8")
    app = make_app(article=article)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        view = app.screen.view

        def chosen() -> str:
            return app.screen.article.text[slice(*view.selection)]

        await pilot.press("j", "v")
        assert chosen() == "中"
        await pilot.press("w", "w")
        assert chosen() == "中文段"
        await pilot.press("b")
        assert chosen() == "中文"
        await pilot.press("s")
        assert chosen() == "中文段落。"
        await pilot.press("s")
        assert chosen() == "中文段落。这是第二句！"
        await pilot.press("b")
        assert chosen() == "中文段落。这是第二"
        await pilot.press("enter")
        (highlight,) = saved(article)
        assert highlight.anchor.exact == "中文段落。这是第二"


@pytest.mark.parametrize("width", [60, 100, 160])
async def test_while_selecting_the_footer_offers_the_selection_s_keys_whole(width: int) -> None:
    # Issue 22.9: the footer while selecting was cut ("o Move the other e") and never
    # showed enter or escape.
    app = make_app(article=SAMPLE)
    async with app.run_test(size=(width, 30), notifications=True) as pilot:
        await pilot.press("j", "v")
        await pilot.pause()
        footer = screen_lines(app)[-1]
        assert footer.startswith(" ⏎ Highlight  esc Cancel ")  # first, where it is read
        if width >= 100:
            for said in ("w b Word", "s Sentence", "j k Paragraph", "o Other end"):
                assert said in footer
        assert "Select" not in footer and "Search" not in footer  # not what v does here
        await pilot.press("escape")
        await pilot.pause()
        footer = screen_lines(app)[-1]
        assert "Cancel" not in footer and "Select" in footer


async def test_a_selection_can_span_paragraphs() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "v", "j", "h")
        (highlight,) = saved()
        assert highlight.anchor.start == BLOCKS[1].start
        assert highlight.anchor.end > BLOCKS[2].start
        assert highlight.anchor.exact.startswith("In a brief social media post")


async def test_escape_cancels_a_selection() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("v", "w", "escape")
        assert app.screen.view.selection is None
        assert saved() == []
        await pilot.press("h")  # back in reading mode: h takes the whole paragraph
        assert saved()[0].anchor.exact == BLOCKS[0].text


def flat(text: str) -> str:
    """Pane text with its wrapping and border undone."""
    return " ".join(text.replace("▏", " ").split())


def locate_on_screen(app, words: str) -> tuple[int, int]:
    """The screen cell where ``words`` begins."""
    for y, line in enumerate(screen_lines(app)):
        if words in line:
            return line.index(words), y
    raise AssertionError(f"{words!r} is not on screen")


async def test_a_mouse_selection_then_h_highlights_exactly_the_selected_text() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        x, y = locate_on_screen(app, "Trump pulled the plug")
        end_x = x + len("Trump pulled the plug") - 1
        await pilot.mouse_down(offset=(x, y))
        await pilot._post_mouse_events([events.MouseMove], None, (end_x, y), button=1)
        await pilot.mouse_up(offset=(end_x, y))
        await pilot.press("h")
        (highlight,) = saved()
        assert highlight.anchor.exact == "Trump pulled the plug"


async def test_number_keys_colour_and_t_tags_with_completion() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("h", "3")
        assert saved()[0].colour is Colour.BLUE
        await pilot.press("t")
        assert isinstance(app.screen, TagEditor)
        await pilot.press(*"policy, trade", "enter")
        assert saved()[0].tags == ("policy", "trade")
        assert "#policy #trade" in pane_text(app)
        await pilot.press("j", "5")  # no highlight here yet: 5 makes a purple one
        assert [h.colour for h in saved()] == [Colour.BLUE, Colour.PURPLE]
        await pilot.press("t", "p")
        await pilot.pause()
        field = app.screen.query_one("#tags-input", Input)
        assert field._suggestion == "policy"
        await pilot.press("right", "enter")
        assert saved()[1].tags == ("policy",)


async def test_a_writes_a_note_which_is_shown_literally_with_a_margin_mark() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "a")  # no highlight: a highlights the paragraph first
        assert isinstance(app.screen, NoteEditor)
        app.screen.query_one(TextArea).insert("Is [bold]this[/] *true*?\nSecond line")
        await pilot.press("ctrl+s")
        assert not isinstance(app.screen, NoteEditor)
        (highlight,) = saved()
        assert highlight.note == "Is [bold]this[/] *true*?\nSecond line"
        assert "✎ Is [bold]this[/] *true*? Second" in pane_text(app)
        marked = [line for line in screen_lines(app) if "✎" in line.split("▏")[0]]
        assert marked and "In a brief social media post" in marked[0]


async def test_escape_in_the_note_editor_asks_before_discarding() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("a")
        app.screen.query_one(TextArea).insert("draft")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("escape", "y")  # discard
        assert not isinstance(app.screen, (NoteEditor, ConfirmScreen))
        # The highlight a made for the note went with it (issue 21: no empty highlight
        # the reader did not keep).
        assert saved() == []
        await pilot.press("a", "escape")  # unchanged: closes without asking
        assert not isinstance(app.screen, (NoteEditor, ConfirmScreen))


async def test_A_writes_a_note_on_the_whole_article() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("A")
        app.screen.query_one(TextArea).insert("Read with the Globe piece.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Article note: Read with the Globe piece." in flat(pane_text(app))
        article_id = load_article(SAMPLE).id
        assert notes_store().article_note(article_id) == "Read with the Globe piece."


async def test_p_toggles_the_pane_and_the_cursor_is_followed_in_it() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        pane = app.screen.query_one("#notes")
        assert pane.display
        await pilot.press("h", "j", "j", "h", "k")
        await pilot.press("k", "k")
        assert pane.highlighted_id == saved()[0].id
        await pilot.press("j", "j")
        assert pane.highlighted_id == saved()[1].id
        await pilot.press("p")
        assert not pane.display
        assert "Highlights ·" not in screen_text(app)
        await pilot.press("p")
        assert pane.display


async def test_brackets_jump_between_highlights() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "h", "j", "j", "j", "h", "G", "left_square_bracket")
        assert app.screen.view.cursor == 4
        await pilot.press("left_square_bracket")
        assert app.screen.view.cursor == 1
        await pilot.press("left_square_bracket")
        assert "No more highlights that way." in screen_text(app)
        await pilot.press("right_square_bracket")
        assert app.screen.view.cursor == 4


def tall_paragraph(tmp_path: Path, *markers: str) -> Path:
    """An article whose middle paragraph is about 4,000 lines tall at the test's width, with
    each of ``markers`` as a word of it, evenly spread."""
    words = ("alpha", "beta", "gamma", "delta", "river", "stone")
    body = [words[(n * 7) % 6] for n in range(50_000)]
    for number, marker in enumerate(markers, 1):
        body[len(body) * number // (len(markers) + 1)] = marker
    path = tmp_path / "tall.txt"
    path.write_text(f"Opening words.\n\n{' '.join(body)}\n\nClosing words.\n", encoding="utf-8")
    return path


def article_shows(app, text: str) -> bool:
    """Whether the article (not the pane) shows ``text`` on screen."""
    region = app.screen.view.region
    return any(text in row[region.x : region.right] for row in screen_lines(app))


def highlight_word(app, word: str) -> str:
    """Highlight ``word`` as a selection of it would; its id."""
    start = app.screen.article.text.index(word)
    highlight_id = app.screen.annotating.create(start, start + len(word))
    assert highlight_id is not None
    return highlight_id


async def test_the_panes_enter_lands_on_a_highlight_deep_in_a_paragraph(tmp_path: Path) -> None:
    # Issue 15: in a long paragraph the pane's enter went to the top of the paragraph,
    # never to the highlight thousands of lines down.
    app = make_app(article=tall_paragraph(tmp_path, "FARDOWN"))
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        highlight_word(app, "FARDOWN")
        view = app.screen.view
        await pilot.press("g", "tab", "enter")
        assert view.cursor == 1
        assert article_shows(app, "FARDOWN")
        assert view.column.top_of(1) + 1_000 < view.scroll_offset.y
        assert view.has_focus
        await pilot.press("tab", "enter")  # already in view: nothing moves
        assert article_shows(app, "FARDOWN")


async def test_bracket_goes_to_a_highlight_deep_in_the_paragraph_on_screen(
    tmp_path: Path,
) -> None:
    # Issue 15: at the top of a long paragraph, ] said "No more highlights that way" when
    # the paragraph's one highlight was 13,000 lines down: it counted as the current one.
    app = make_app(article=tall_paragraph(tmp_path, "FARDOWN"))
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        highlight_id = highlight_word(app, "FARDOWN")
        view = app.screen.view
        await pilot.press("g", "j")
        assert view.cursor == 1
        assert not article_shows(app, "FARDOWN")
        await pilot.press("right_square_bracket")
        assert article_shows(app, "FARDOWN")
        assert view.current_highlight == highlight_id
        assert not notified(app, "No more highlights that way.")


async def test_brackets_step_through_highlights_within_a_long_paragraph(tmp_path: Path) -> None:
    app = make_app(article=tall_paragraph(tmp_path, "FIRSTMARK", "SECONDMARK"))
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        first = highlight_word(app, "FIRSTMARK")
        second = highlight_word(app, "SECONDMARK")
        last = highlight_word(app, "Closing")
        view = app.screen.view
        await pilot.press("g", "j")
        for wanted, word in ((first, "FIRSTMARK"), (second, "SECONDMARK"), (last, "Closing")):
            await pilot.press("right_square_bracket")
            assert view.current_highlight == wanted
            assert article_shows(app, word)
        await pilot.press("left_square_bracket")
        assert view.current_highlight == second
        assert article_shows(app, "SECONDMARK")
        await pilot.press("left_square_bracket")
        assert view.current_highlight == first
        assert article_shows(app, "FIRSTMARK")
        assert not notified(app, "No more highlights that way.")
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert notified(app, "No more highlights that way.")
        assert article_shows(app, "FIRSTMARK")


async def test_a_click_or_a_drag_in_a_long_paragraph_keeps_its_place(tmp_path: Path) -> None:
    # A click in a long paragraph put the cursor on it and scrolled to its top, thousands
    # of lines up; a drag there did the same.
    app = make_app(article=tall_paragraph(tmp_path))
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        view = app.screen.view
        view.scroll_to(y=2_000, animate=False, immediate=True)
        await pilot.pause()
        assert view.cursor == 0
        x = view.column.left + 10
        await pilot.click(offset=(x, 5))
        assert (view.cursor, view.scroll_offset.y) == (1, 2_000)
        await pilot.press("g")
        view.scroll_to(y=2_000, animate=False, immediate=True)
        await pilot.pause()
        await pilot.mouse_down(offset=(x, 5))
        await pilot._post_mouse_events([events.MouseMove], None, (x + 20, 8), button=1)
        await pilot.mouse_up(offset=(x + 20, 8))
        assert view.selection is not None
        assert (view.cursor, view.scroll_offset.y) == (1, 2_000)
        await pilot.press("h")
        (highlight,) = saved(app.screen.article.meta.path)
        first, last = view.span_shown()
        assert first <= highlight.anchor.start < highlight.anchor.end <= last  # as dragged


async def test_pane_keys_move_jump_annotate_delete_and_filter() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("h", "j", "j", "j", "j", "j", "h", "t", *"keep", "enter", "g")
        await pilot.press("tab")
        pane = app.screen.query_one("#notes")
        assert pane.option_list.has_focus
        await pilot.press("j", "enter")
        assert app.screen.view.cursor == 5
        assert app.screen.view.has_focus
        await pilot.press("tab", "k", "a")
        assert isinstance(app.screen, NoteEditor)
        app.screen.query_one(TextArea).insert("from the pane")
        await pilot.press("ctrl+s")
        assert saved()[0].note == "from the pane"
        await pilot.press("slash", *"#kee")
        assert "Highlights · 1/2" in pane_text(app)
        await pilot.press("enter", "d")
        assert [h.tags for h in saved()] == [()]
        assert "Highlight deleted" in screen_text(app)


async def test_u_undoes_create_edit_and_delete() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("h", "2", "d")
        assert saved() == []
        await pilot.press("u")
        assert saved()[0].colour is Colour.GREEN
        await pilot.press("u")
        assert saved()[0].colour is Colour.YELLOW
        await pilot.press("u")
        assert saved() == []
        await pilot.press("u")
        assert "Nothing to undo." in screen_text(app)


async def test_everything_is_in_place_after_quitting_and_reopening() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "v", "s", "h", "4", "a")
        app.screen.query_one(TextArea).insert("kept")
        await pilot.press("ctrl+s", "q")
    again = make_app(article=SAMPLE)
    async with again.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        text = pane_text(again)
        assert "Highlights · 1" in text and "✎ kept" in text
        assert saved()[0].colour is Colour.PINK


async def test_edited_article_replaces_highlights_and_lists_orphans(tmp_path: Path) -> None:
    article = tmp_path / "article.md"
    article.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    app = make_app(article=article)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "h", "j", "a")
        app.screen.query_one(TextArea).insert("orphan-to-be")
        await pilot.press("ctrl+s", "q")
    text = article.read_text(encoding="utf-8")
    doomed = BLOCKS[2].text
    text = text.replace(doomed, "An entirely new paragraph replaced the old one here.")
    first = BLOCKS[0].text
    text = text.replace(first, "A new first paragraph.\n\n" + first)
    article.write_text(text, encoding="utf-8")

    again = make_app(article=article)
    async with again.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await again.workers.wait_for_complete()
        await pilot.pause()
        shown = pane_text(again)
        assert "Could not be placed (1)" in shown
        assert "✎ orphan-to-be" in shown
        assert "could not be placed in the changed" in screen_text(again)
        kept = saved(article)
        assert {h.note for h in kept} == {"", "orphan-to-be"}
        # Re-attach the orphan to the paragraph that replaced its text.
        await pilot.press("tab", "j", "j", "enter")
        await pilot.press("g", "j", "j", "j", "r")
        assert "Highlight re-attached." in screen_text(again)
        again.clear_notifications()  # the earlier notice names the section: not the pane
        await pilot.pause()
        assert "Could not be placed" not in pane_text(again)
        assert any(h.anchor.exact.startswith("An entirely new") for h in saved(article))


async def test_clicking_an_entry_in_the_pane_jumps_there_and_G_reaches_the_last() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("h", *["j"] * 6, "h", *["j"] * 6, "h", "g")
        await pilot.pause()
        x, y = locate_on_screen(app, "“Not only has Trump")
        await pilot.click(offset=(x, y))
        assert app.screen.view.cursor == 6
        await pilot.press("tab", "G")
        pane = app.screen.query_one("#notes")
        assert pane.highlighted_id == saved()[-1].id
        await pilot.press("enter")
        assert app.screen.view.cursor == 12


async def test_typing_fast_then_ctrl_s_saves_every_character() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, NoteEditor)
        # Keys arriving in one burst, as from a fast typist or a terminal paste.
        for character in "typed in one burst":
            name = "space" if character == " " else character
            app.post_message(events.Key(name, character))
        app.post_message(events.Key("ctrl+s", None))
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
        assert saved()[0].note == "typed in one burst"


async def test_the_reading_position_shows_beside_the_open_pane() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j")
        assert app.screen.query_one("#notes").display
        assert f"¶ 2 / {len(BLOCKS)}" in screen_lines(app)[0]


async def test_e_exports_the_notes_to_the_export_folder() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "h", "a")
        app.screen.query_one(TextArea).insert("exported *note*")
        await pilot.press("ctrl+s", "e")
        exports = list(resolve().exports.iterdir())
        assert len(exports) == 1 and exports[0].suffix == ".md"
        text = exports[0].read_text(encoding="utf-8")
        assert "> In a brief social media post" in text and "exported *note*" in text
        assert "Exported 1 highlight to" in screen_text(app)


async def test_a_full_disk_is_reported_and_nothing_is_shown_as_saved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import errno
    import os

    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("h")  # one highlight saved before the disk fills
        key = app.screen.article.id
        notes = notes_store().vault_for(key).own_notes / f"{key}.json"
        before = notes.read_bytes()

        def full(fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        with monkeypatch.context() as patch:  # not undo(): that would drop the data folder
            patch.setattr(os, "fsync", full)
            await pilot.press("j", "h")
            # The toast wraps the path of the notes file, whose length varies with the run.
            await wait_for(pilot, lambda: notified(app, "Not saved"))
            assert notified(app, "No space left on device")
            assert "Highlights · 1" in pane_text(app)
        assert notes.read_bytes() == before
        assert not [p for p in notes.parent.iterdir() if p.name.endswith(".tmp")]
        await pilot.press("h")  # space again: saving works
        assert len(saved()) == 2


async def test_exporting_from_the_app_never_replaces_another_articles_notes(
    tmp_path: Path,
) -> None:
    # Two articles with one title: each export keeps its own file in the export folder.
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(f"# Notes\n\nParagraph of {name}.\n", encoding="utf-8")
    for name in ("a.md", "b.md"):
        app = make_app(library=tmp_path, article=tmp_path / name)
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            await library_read(pilot)
            await pilot.press("j", "h", "e")
            await pilot.pause()
    folder = resolve().exports
    (other,) = [path for path in folder.iterdir() if path.name != "Notes.md"]
    # The first by file name keeps the plain name; the other gets the start of its id.
    assert "Paragraph of a.md" in (folder / "Notes.md").read_text(encoding="utf-8")
    assert "Paragraph of b.md" in other.read_text(encoding="utf-8")
    assert other.name.startswith("Notes ") and other.suffix == ".md"


async def test_exporting_from_the_app_never_replaces_a_file_it_did_not_write() -> None:
    # The export folder holds a file of the user's with the name the export would take.
    folder = resolve().exports
    folder.mkdir(parents=True)
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        from reader.notes import export

        mine = folder / export.safe_filename(app.screen.article.title)
        mine.write_text("my own file", encoding="utf-8")
        await pilot.press("j", "h", "e", "e")  # twice: the second replaces the first export
        await pilot.pause()
        assert mine.read_text(encoding="utf-8") == "my own file"
        notes = folder / export.safe_filename(app.screen.article.title, suffix=" (notes).md")
        assert "> In a brief social media post" in notes.read_text(encoding="utf-8")
        assert sorted(folder.iterdir()) == sorted([mine, notes])
        assert notified(app, f"to {notes}")


async def test_the_pane_shows_the_words_first_highlighted_when_the_text_changed(
    tmp_path: Path,
) -> None:
    article = tmp_path / "draft.md"
    article.write_text("# Draft\n\nCanada quickly left.\n", encoding="utf-8")
    app = make_app(article=article)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "h")
    article.write_text("# Draft\n\nCanada swiftly left.\n", encoding="utf-8")
    app = make_app(article=article)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await wait_for(pilot, lambda: "was:" in pane_text(app))
        assert "“Canada swiftly left.”" in pane_text(app)
        assert "was: “Canada quickly left.”" in pane_text(app)
    (highlight,) = saved(article)
    assert highlight.was == "Canada quickly left."


async def test_pasted_terminal_output_arrives_in_order_with_placeholders() -> None:
    from textual import events

    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "a")
        area = app.screen.query_one(TextArea)
        app.post_message(events.Paste("before \x1b[31mRED\x1b[0m bell\x07\r\nafter\rend"))
        await pilot.pause()
        assert area.text == "before ␛[31mRED␛[0m bell␇\nafter\nend"
        await pilot.press("ctrl+s")
        await pilot.pause()
    (highlight,) = saved()
    assert highlight.note == "before ␛[31mRED␛[0m bell␇\nafter\nend"


async def test_a_lone_surrogate_in_a_note_shows_as_the_export_writes_it(tmp_path: Path) -> None:
    import dataclasses

    from reader.notes import export

    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("j", "h")
    (highlight,) = saved()
    store = notes_store()
    store.save_highlight(dataclasses.replace(highlight, note="half \udcff of a pair"))
    store.close()
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert "half \ufffd of a pair" in pane_text(app)
    notes = export.gather(load_article(SAMPLE), saved())
    assert "half \ufffd of a pair" in export.to_markdown(notes, exported="x")


async def test_an_empty_article_does_not_invite_a_highlight(tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("", encoding="utf-8")
    app = make_app(article=empty)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        # The pane is filled once the article has loaded: on a loaded machine, after more
        # than one pause.
        await wait_for(pilot, lambda: "This article is empty: there is nothing" in pane_text(app))
        assert "Press h" not in pane_text(app)


async def test_the_pane_writes_a_paragraph_number_as_the_header_does(tmp_path: Path) -> None:
    many = tmp_path / "many.txt"
    many.write_text("\n\n".join(f"Paragraph {n}." for n in range(1, 1_205)), encoding="utf-8")
    app = make_app(article=many)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.screen.article.complete)
        app.screen.view.move_to(1_199)
        await pilot.press("h")
        await wait_for(pilot, lambda: "¶ 1,200" in pane_text(app))
        assert "¶ 1,200 / 1,204" in screen_text(app)  # the header, alike


async def test_a_highlighted_heading_is_listed_under_its_own_section(tmp_path: Path) -> None:
    from tests.conftest import WELCOME

    app = make_app(article=WELCOME)
    async with app.run_test(size=(140, 40)) as pilot:
        view = app.screen.view
        blocks = app.screen.article.blocks
        view.move_to(next(i for i, b in enumerate(blocks) if b.text == "Things worth knowing"))
        await pilot.press("h")
        await pilot.pause()
        entry = next(line for line in screen_text(app).splitlines() if "· Things worth" in line)
        assert "Links between passages" not in entry


async def test_the_pane_cuts_a_long_quote_after_a_whole_word_with_an_ellipsis() -> None:
    app = make_app(article=SAMPLE)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        for _ in range(4):  # four long paragraphs, each cut to two lines in the pane
            await pilot.press("h", "j")
        await pilot.pause()
        lines = [line.strip(" ▏▌") for line in pane_text(app).splitlines()]
        ends = [line for line in lines if line.endswith("…”")]
        assert len(ends) == 4
        for end in ends:
            first = lines[lines.index(end) - 1].removeprefix("“")
            shown = first + " " + end.removesuffix("…”")
            paragraph = next(b.text for b in BLOCKS if b.text.startswith(shown))
            assert paragraph[len(shown)] in " ,;:.", end  # a word ends there
