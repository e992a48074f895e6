"""Links with real keys, in a library of three articles that link to each other."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import TextArea

from reader.text.documents import load_article
from reader.ui.dialogs.link_picker import LinkList, LinkPicker, TextPrompt, UrlScreen
from reader.ui.reading.screen import ReadingScreen
from tests.conftest import DATA
from tests.stores import notes_store
from tests.ui.helpers import library_read, make_app, screen_lines, screen_text

SIZE = (150, 40)


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """A copy of the three linked test articles."""
    folder = tmp_path / "linked"
    shutil.copytree(DATA / "linked", folder)
    return folder


def title(app) -> str:
    assert isinstance(app.screen, ReadingScreen)
    return app.screen.article.title


def cursor(app) -> int:
    return app.screen.view.cursor


async def test_follow_a_markdown_link_to_another_article_then_back_and_forward(
    linked: Path,
) -> None:
    app = make_app(library=linked, article=linked / "tides.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("j", "j", "o")
        assert isinstance(app.screen, LinkList)
        assert "the salt marsh" in screen_text(app) and "high water" in screen_text(app)
        await pilot.press("1")
        await pilot.pause()
        assert title(app) == "The Salt Marsh"
        await pilot.press("backspace")
        await pilot.pause()
        assert (title(app), cursor(app)) == ("Tides and the Moon", 2)
        await pilot.press("alt+right")
        await pilot.pause()
        assert title(app) == "The Salt Marsh"
        await pilot.press("alt+left")
        await pilot.pause()
        assert title(app) == "Tides and the Moon"
        await pilot.press("backspace")
        assert "Nothing to go back to." in screen_text(app)


async def test_a_heading_link_jumps_within_the_article(linked: Path) -> None:
    app = make_app(library=linked, article=linked / "tides.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("j", "j", "o", "2")
        assert (title(app), cursor(app)) == ("Tides and the Moon", 3)
        await pilot.press("backspace")
        assert cursor(app) == 2


async def test_an_outside_address_asks_first_and_can_be_copied(linked: Path) -> None:
    app = make_app(library=linked, article=linked / "tides.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("j", "j", "j", "j", "o")
        assert isinstance(app.screen, UrlScreen)
        assert "https://tidesandcurrents.noaa.gov/" in screen_text(app)
        await pilot.press("c")
        assert app.clipboard == "https://tidesandcurrents.noaa.gov/"
        assert "copied" in screen_text(app)
        assert title(app) == "Tides and the Moon"


async def test_read_more_items_that_name_a_library_article_lead_there(linked: Path) -> None:
    app = make_app(library=linked, article=linked / "tides.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("G")
        await pilot.pause()
        await pilot.press("o")  # "A history of lighthouses": not in the library
        assert "does not lead to anything in your library" in screen_text(app)
        await pilot.press("k", "o")  # "harbour notes", in another case
        await pilot.pause()
        assert title(app) == "Harbour Notes"
        await pilot.press("backspace")
        await pilot.pause()
        await pilot.press("k", "o")  # "The Salt Marsh!", with punctuation
        await pilot.pause()
        assert title(app) == "The Salt Marsh"


async def test_ctrl_n_and_ctrl_b_visit_paragraphs_with_links(linked: Path) -> None:
    app = make_app(library=linked, article=linked / "tides.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("ctrl+n")
        assert cursor(app) == 2
        await pilot.press("ctrl+n")
        assert cursor(app) == 4  # the tide tables link
        await pilot.press("ctrl+n", "ctrl+n")
        assert cursor(app) == 7  # the Read more items that resolve
        await pilot.press("ctrl+n")
        assert "No more links that way." in screen_text(app)
        await pilot.press("ctrl+b")
        assert cursor(app) == 6


async def make_link(pilot, query: str) -> None:
    await pilot.press("l")
    assert isinstance(pilot.app.screen, LinkPicker)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press(*query)
    await pilot.pause()
    await pilot.press("enter")
    assert isinstance(pilot.app.screen, TextPrompt)
    await pilot.press(*"same rhythm", "enter")
    await pilot.pause()


async def test_link_a_selection_to_a_paragraph_of_another_article_and_follow_the_backlink(
    linked: Path,
) -> None:
    app = make_app(library=linked, article=linked / "salt-marsh.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("j", "v", "w", "w")
        await make_link(pilot, "spring tides")
        (link,) = notes_store().all_links()
        assert (link.source.anchor.exact, link.label) == ("Twice a day", "same rhythm")
        assert link.target.anchor.exact.startswith("At spring tides")
        # Issue 22.9: the pane titled this paragraph's own links "Links here".
        assert "Links from here" in screen_text(app) and "Links here" not in screen_text(app)
        marked = [line for line in screen_lines(app) if "⇄ Twice a day" in line]
        assert marked
        await pilot.press("o")
        await pilot.pause()
        assert (title(app), cursor(app)) == ("Tides and the Moon", 4)
        assert "Links to here" in screen_text(app) and "same rhythm" in screen_text(app)
        await pilot.press("o")  # the outside link and the backlink: a list
        assert isinstance(app.screen, LinkList)
        await pilot.press("2")
        await pilot.pause()
        assert (title(app), cursor(app)) == ("The Salt Marsh", 1)


async def test_links_land_on_the_right_passage_after_the_target_file_changes(
    linked: Path,
) -> None:
    app = make_app(library=linked, article=linked / "salt-marsh.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("j", "j")
        await make_link(pilot, "spring tides")
    tides = linked / "tides.md"
    text = tides.read_text(encoding="utf-8")
    tides.write_text(
        text.replace("## High water", "A new paragraph.\n\nAnother one.\n\n## High water"),
        encoding="utf-8",
    )
    again = make_app(library=linked, article=linked / "salt-marsh.md")
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert title(again) == "Tides and the Moon"
        article = load_article(tides)
        assert article.blocks[cursor(again)].text.startswith("At spring tides")


async def test_a_wiki_link_in_a_note_is_followed(linked: Path) -> None:
    app = make_app(library=linked, article=linked / "harbour-notes.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("j", "a")
        app.screen.query_one(TextArea).insert("Compare [[the salt marsh#young fish shelter]]")
        await pilot.press("ctrl+s", "o")
        await pilot.pause()
        assert title(app) == "The Salt Marsh"
        assert app.screen.article.blocks[cursor(app)].text.startswith("The marsh is a nursery")


async def test_deleting_a_highlight_with_links_asks_what_to_do_with_them(linked: Path) -> None:
    from reader.ui.dialogs.link_picker import KeepLinksScreen

    app = make_app(library=linked, article=linked / "salt-marsh.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("j", "j", "h")  # highlight ¶ 3, then link from it
        await make_link(pilot, "spring tides")
        await make_link(pilot, "young fish")
        store = notes_store()
        assert len(store.all_links()) == 2
        await pilot.press("d")
        assert isinstance(app.screen, KeepLinksScreen)
        await pilot.press("escape")  # changed my mind: nothing deleted
        assert len(store.highlights(app.screen.article.id)) == 1
        await pilot.press("d", "r")
        await pilot.pause()
        assert store.highlights(app.screen.article.id) == []
        assert store.all_links() == []
        assert "⇄" not in screen_text(app)
        await pilot.press("u")  # the highlight and both its links come back
        await pilot.pause()
        assert len(store.highlights(app.screen.article.id)) == 1
        assert len(store.all_links()) == 2
        assert "⇄" in screen_text(app)


async def test_u_undoes_a_link_and_only_that(linked: Path) -> None:
    app = make_app(library=linked, article=linked / "salt-marsh.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("j", "j", "h")
        await make_link(pilot, "spring tides")
        store = notes_store()
        assert len(store.all_links()) == 1 and "⇄" in screen_text(app)
        await pilot.press("u")
        await pilot.pause()
        assert store.all_links() == []
        assert "⇄" not in screen_text(app)
        assert len(store.highlights(app.screen.article.id)) == 1  # the highlight stays
        await pilot.press("u")  # then the highlight
        await pilot.pause()
        assert store.highlights(app.screen.article.id) == []


async def test_deleting_and_keeping_the_links(linked: Path) -> None:
    app = make_app(library=linked, article=linked / "salt-marsh.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("j", "j", "h")
        await make_link(pilot, "spring tides")
        await pilot.press("d", "k")
        await pilot.pause()
        store = notes_store()
        assert store.highlights(app.screen.article.id) == []
        assert len(store.all_links()) == 1
        await pilot.press("o")
        await pilot.pause()
        assert title(app) == "Tides and the Moon"


async def test_a_link_to_a_deleted_file_says_so_and_leaves_no_history(linked: Path) -> None:
    (linked / "salt-marsh.md").unlink()
    app = make_app(library=linked, article=linked / "tides.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("j", "j", "o", "1")
        await pilot.pause()
        assert title(app) == "Tides and the Moon"
        assert "The linked file is not there" in screen_text(app)
        await pilot.press("backspace")
        assert "Nothing to go back to." in screen_text(app)


async def test_other_digits_in_the_link_list_are_ignored(linked: Path) -> None:
    from textual import events

    app = make_app(library=linked, article=linked / "tides.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("j", "j", "o")
        app.screen.post_message(events.Key("twosuperior", "²"))
        await pilot.pause()
        assert isinstance(app.screen, LinkList)


async def test_ctrl_n_finds_a_wiki_link_written_a_moment_ago(linked: Path) -> None:
    app = make_app(library=linked, article=linked / "salt-marsh.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("ctrl+n")  # nothing yet (and the answer is cached)
        await pilot.press("j", "j", "a")
        app.screen.query_one(TextArea).insert("[[Tides and the Moon]]")
        await pilot.press("ctrl+s", "g", "ctrl+n")
        assert cursor(app) == 2


async def test_a_heading_link_into_a_book_still_loading_lands_once_it_has_loaded(
    tmp_path: Path,
) -> None:
    # A book over the size read at once: the link lands before the heading is loaded,
    # and is moved to the heading when the whole text is there.
    paragraphs = [f"Paragraph {n} of a long book, with some words to fill it." for n in range(6000)]
    paragraphs[5000] = "## Deep heading"
    (tmp_path / "big.md").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    assert (tmp_path / "big.md").stat().st_size > 256 * 1024
    (tmp_path / "small.md").write_text(
        "# Small\n\nSee [the deep part](big.md#deep-heading).\n", encoding="utf-8"
    )
    app = make_app(library=tmp_path, article=tmp_path / "small.md")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await library_read(pilot)
        await pilot.press("j", "o")
        await pilot.pause()
        assert title(app) == "Big"
        for _ in range(400):
            if app.screen.article.complete and cursor(app) == 5000:
                break
            await pilot.pause(0.02)
        assert cursor(app) == 5000
        assert "Deep heading" in screen_text(app)
