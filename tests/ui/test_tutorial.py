"""The tutorial article's instructions, followed exactly as written, do what it says."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import TextArea

from reader.model import Colour
from reader.text.documents import load_article
from tests.conftest import SAMPLE, WELCOME
from tests.stores import notes_store
from tests.ui.helpers import library_read, make_app, screen_text, wait_for

WIDE = (150, 45)


async def test_every_instruction_of_the_tutorial_works_as_written(tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    for article in (SAMPLE, WELCOME):
        shutil.copy(article, library / article.name)
    welcome = library / WELCOME.name
    app = make_app(library=library, article=welcome)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await library_read(pilot)
        screen = app.screen
        blocks = screen.article.blocks
        view = screen.view

        def at() -> int:
            return app.screen.view.cursor

        def paragraph(words: str) -> int:
            return next(i for i, b in enumerate(blocks) if words in b.text)

        def text_here() -> str:
            return app.screen.article.blocks[at()].text

        # "the cursor, on the title when you open an article for the first time. Press j
        # to move it down to this paragraph, then j again to go on to the next one."
        assert at() == 0 and blocks[0].text == "Welcome to reader"
        await pilot.press("j")
        assert at() == paragraph("This short article teaches you")
        await pilot.press("j")
        assert text_here().startswith("Good.")
        # "Press k once to go back, then j once to come here again"
        await pilot.press("k", "j")
        assert text_here().startswith("Good.")

        # "try G and then g, then press } once: it brings you to this section's heading"
        await pilot.press("G")
        assert at() == len(blocks) - 1
        await pilot.press("g")
        assert at() == 0
        await pilot.press("right_curly_bracket")
        assert text_here() == "Moving by the page"
        assert blocks[at() + 1].text.startswith("Long articles are read a screen")

        # "} jumps to the next heading and { to the previous one"
        await pilot.press("right_curly_bracket")
        assert text_here() == "Jumping between sections"
        await pilot.press("left_curly_bracket")
        assert text_here() == "Moving by the page"

        # "Press / and type a word, say cursor, then press enter ... the cursor jumps to the
        # first one from where it is. n goes to the next match"
        before = at()
        await pilot.press("slash", *"cursor", "enter")
        first = at()
        assert "cursor" in text_here().casefold()
        assert first >= before
        assert not any("cursor" in b.text.casefold() for b in blocks[before:first])
        await pilot.press("n")
        assert at() >= first and "cursor" in text_here().casefold()
        assert "Match 2 of" in screen_text(app)

        # "Press h now: this paragraph turns yellow ... Press 2 to make it green, t to give
        # it tags (try tutorial), and a to write a note on it; ctrl+s saves the note"
        view.move_to(paragraph("Press h now"))
        await pilot.press("h", "2", "t")
        await pilot.press(*"tutorial", "enter")
        await pilot.press("a")
        app.screen.query_one(TextArea).insert("my first note")
        await pilot.press("ctrl+s")
        article = load_article(welcome)
        (made,) = notes_store(read_only=True).highlights(article.id)
        assert made.anchor.exact == blocks[paragraph("Press h now")].text
        assert (made.colour, made.tags, made.note) == (Colour.GREEN, ("tutorial",), "my first note")
        assert "✎" in screen_text(app)

        # "press v: the first word is selected. w grows the selection by a word and b
        # shrinks it, s takes the whole sentence ... and enter highlights it"
        target = paragraph("To highlight part of a paragraph")
        view.move_to(target)
        await pilot.press("v")
        start = blocks[target].start
        assert view.selection == (start, start + len("To"))
        await pilot.press("w")
        assert app.screen.article.text[slice(*view.selection)] == "To highlight"
        await pilot.press("b")
        assert app.screen.article.text[slice(*view.selection)] == "To"
        await pilot.press("s", "enter")
        highlights = notes_store(read_only=True).highlights(article.id)
        assert any(
            h.anchor.exact == "To highlight part of a paragraph, press v: the first word is "
            "selected."
            for h in highlights
        ), [h.anchor.exact for h in highlights]

        # "] and [ jump to the next and previous highlight"
        view.move_to(0)
        await pilot.press("right_square_bracket")
        assert at() == paragraph("Press h now")
        await pilot.press("right_square_bracket")
        assert at() == target
        await pilot.press("left_square_bracket")
        assert at() == paragraph("Press h now")

        # "This paragraph links to the section on finding words: press o to follow the link,
        # backspace to come back here, and alt+right to go forward again."
        links = paragraph("This paragraph links to")
        view.move_to(links)
        await pilot.press("o")
        await wait_for(pilot, lambda: text_here() == "Finding words")
        await pilot.press("backspace")
        assert at() == links
        await pilot.press("alt+right")
        assert text_here() == "Finding words"

        # "ctrl+n and ctrl+b jump between paragraphs that carry links"
        view.move_to(0)
        await pilot.press("ctrl+n")
        assert at() == links

        # "q goes back to the library, or quits when you opened one article directly."
        await pilot.press("q")
    assert not app.is_running


async def test_the_tutorial_s_way_round_the_library_works_as_written(tmp_path: Path) -> None:
    # "Press q to return to the library, where j and k choose an article and enter opens
    # it. To find one by its title, press / and type a few letters of it, say canada: the
    # list narrows as you type, enter opens the article under the cursor, and escape
    # clears the filter."
    library = tmp_path / "library"
    library.mkdir()
    for article in (SAMPLE, WELCOME):
        shutil.copy(article, library / article.name)
    said = (WELCOME.read_text(encoding="utf-8")).split("## Where to go from here")[1]
    assert "press `/` and type a few letters of it, say *canada*" in said
    app = make_app(library=library)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("enter")  # the tutorial, where a first launch starts
        assert app.screen.article.title == "Welcome to reader"
        await pilot.press("q")
        await library_read(pilot)
        await pilot.press("k", "enter")  # k chooses the article above; enter opens it
        assert app.screen.article.title.startswith("Canada-US talks")
        await pilot.press("q")
        await library_read(pilot)
        await pilot.press("slash", *"canada")
        text = screen_text(app)
        assert "Canada-US talks" in text and "Welcome to reader" not in text
        await pilot.press("escape")
        assert "Welcome to reader" in screen_text(app)
        await pilot.press("slash", *"canada", "enter")
        assert app.screen.article.title.startswith("Canada-US talks")
