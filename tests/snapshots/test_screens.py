"""Snapshots of reader's key screens. Each docstring says what a reviewer should see.

Update after an intended change with ``pytest tests/snapshots --snapshot-update`` and
look at the report before committing.
"""

from __future__ import annotations

from tests.conftest import ARTICLES, DATA, SAMPLE, WELCOME
from tests.ui.helpers import library_read, make_app

SIZE = (100, 32)


def test_library(snap_compare) -> None:
    """The library of the two sample articles: progress, words, highlights, notes, title,
    the filter field above ("Press / to filter by title or folder"), the first row
    selected, key hints in the footer."""

    async def read(pilot) -> None:  # the library is read in the background
        await library_read(pilot)

    assert snap_compare(make_app(library=ARTICLES), terminal_size=SIZE, run_before=read)


def test_reading_sample(snap_compare) -> None:
    """The sample news article in a centred column of about 80 cells; the third
    paragraph ("Stung by Trump's action...") carries the cursor bar and a tinted
    background; the header shows the title and "¶ 3 / 34"."""
    assert snap_compare(make_app(article=SAMPLE), press=["j", "j"], terminal_size=SIZE)


def test_formatting(snap_compare) -> None:
    """Headings of three levels styled differently (the cursor's bar behind the first
    heading's words as behind the rest of its line), emphasis/strong/code/strike/link
    inline styles, a nested quote with bars, bullets with hanging indents and a nested
    numbered list, a code block with its indentation, literal [bold] brackets and a
    visible ␛ placeholder for the escape character."""
    app = make_app(article=DATA / "formatting.md")
    assert snap_compare(app, terminal_size=(100, 40))


def test_search_matches(snap_compare) -> None:
    """The welcome article after searching "cursor": every match has a yellow
    background, the current one a solid highlight, the cursor on its paragraph."""
    app = make_app(article=WELCOME)
    assert snap_compare(app, press=["slash", *"cursor", "enter"], terminal_size=SIZE)


def test_help(snap_compare) -> None:
    """The help over the reading screen: sections Reading, Article and Everywhere, each
    key with what it does and its binding's id in a dim third column under "id in [keys]"
    (j, ↓ Next next-paragraph; space Page down page-down; / Search search; q Back
    back...)."""
    app = make_app(article=WELCOME)
    assert snap_compare(app, press=["question_mark"], terminal_size=(100, 40))


def test_highlights_and_notes_pane(snap_compare) -> None:
    """The sample article with the notes pane on the right: a yellow paragraph
    highlight on ¶ 2, a blue sentence highlight ("Stung by Trump's action, Canada quickly
    retreated.") with a ✎ mark in the margin, and a green three-word highlight on ¶ 4;
    the pane lists the three in order with colour swatches, quotes, "¶ n", the note
    "Why so fast?" and the tag #trade; the entry under the cursor is selected."""

    async def annotate(pilot) -> None:
        await pilot.press("j", "h", "j", "v", "s", "h", "3", "a")
        pilot.app.screen.query_one("#note-text").insert("Why so fast?")
        await pilot.press("ctrl+s", "t", *"trade", "enter")
        await pilot.press("j", "v", "w", "w", "h", "2", "k")

    app = make_app(article=SAMPLE)
    assert snap_compare(app, run_before=annotate, terminal_size=(140, 36))


def test_notes_screen(snap_compare) -> None:
    """Every note of the sample library, newest first: three entries of three lines, each
    with a coloured bar (pink, green, yellow), the article's title in bold, "¶ n" and the
    date; the quote; the note in italics ("Try the keys", "Canada gave in at once") and
    the tags (#retreat, #tax #arctic). The filter above says what it understands; the
    title counts "3 in 2 articles"; the newest entry is selected."""
    from reader.model import Colour
    from reader.services.library import scan
    from tests.stores import notes_store
    from tests.ui.helpers import wait_for
    from tests.ui.test_notes_screen import annotate

    scan(ARTICLES, notes_store())
    annotate(SAMPLE, 2, Colour.GREEN, "Canada gave in at once", ["retreat"])
    annotate(SAMPLE, 5, Colour.YELLOW, tags=["tax", "arctic"])
    annotate(WELCOME, 3, Colour.PINK, "Try the keys")

    async def open_notes(pilot) -> None:
        await pilot.pause()
        await pilot.press("number_sign")
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "index", None) is not None)
        await wait_for(pilot, lambda: pilot.app.screen.index.ready)
        # The filter's cursor shown, as it is the moment the screen opens: a blink timed
        # out on a loaded machine hid it from the picture.
        from reader.ui.notes.screen import NotesFilter

        pilot.app.screen.query_one(NotesFilter).cursor_blink = False
        await pilot.pause()

    app = make_app(library=ARTICLES)
    assert snap_compare(app, run_before=open_notes, terminal_size=SIZE)


def test_contents(snap_compare) -> None:
    """The contents of the formatting sample, its cursor on the third paragraph: the title
    bar ("Contents · … · N headings"), the filter field, then the headings as a tree, each
    level indented two cells more, the reader's section marked ▶ and under the cursor,
    each heading's % at the right end."""
    app = make_app(article=DATA / "formatting.md")
    assert snap_compare(app, press=["j", "j", "j", "c"], terminal_size=SIZE)


def test_table(snap_compare, tmp_path) -> None:
    """A budget table under an intro paragraph, the cursor on it: three columns side by
    side under a bold header row ("Item", "Cost (€m)", "Share") and a ─┼─ rule; the long
    "Roads and bridges…" cell wrapped on two lines inside the first column, the costs
    right-aligned, the shares centred, the columns parted by │."""
    from tests.unit.test_table_blocks import TABLE

    path = tmp_path / "budget.md"
    path.write_text(TABLE, encoding="utf-8")
    assert snap_compare(make_app(article=path), press=["j", "j"], terminal_size=(70, 20))


def test_right_to_left(snap_compare, tmp_path) -> None:
    """An Arabic paragraph (al-Fatiha, with a number and a Latin name) and a Hebrew one
    (Genesis 1:1-2) right-aligned, each line in visual order: the first word of each at
    the right end, "2024", "Ahmed" and "(Genesis 1:1-2)" reading left to right; the
    English line below them left-aligned as ever."""
    from tests.unit.test_direction import ARABIC, HEBREW

    path = tmp_path / "verses.md"
    path.write_text(f"# Verses\n\n{ARABIC}\n\n{HEBREW}\n\nAn English line.\n", encoding="utf-8")
    assert snap_compare(make_app(article=path), terminal_size=(80, 20))
