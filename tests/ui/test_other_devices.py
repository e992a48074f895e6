"""What another device did shows in the notes pane: a highlight it changed last, and a note
written apart on it (both texts kept, the other beside the note)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reader.db.store import Store
from reader.db.vault.device import Device
from reader.model import Anchor, Highlight
from reader.text.documents import load_article
from reader.ui.app import ReaderApp
from tests.conftest import SAMPLE
from tests.ui.helpers import screen_text, wait_for

WIDE = (150, 40)


def highlight(article_id: str, block: int, text: str, ident: str) -> Highlight:
    return Highlight(
        id=ident,
        article_id=article_id,
        anchor=Anchor(0, len(text), text, block=block),
        created="2026-01-01T00:00:00Z",
        modified="2026-01-01T00:00:00Z",
    )


async def test_the_pane_marks_what_another_device_did(tmp_path: Path, library: Path) -> None:
    laptop = Store(tmp_path / "laptop", Device("a" * 32, "LAPTOP"), [library])
    desktop = Store(tmp_path / "desktop", Device("b" * 32, "DESKTOP"), [library])
    article = load_article(library / SAMPLE.name)
    first, second = article.blocks[2], article.blocks[4]
    made = highlight(article.id, 2, first.text, "h-first")
    tagged = highlight(article.id, 4, second.text, "h-second")
    laptop.save_highlights([made, tagged])
    # Both write the first one's note while apart (each from the note as it was: none).
    desktop.save_highlight(replace(made, note="written on the desktop"), base=made)
    laptop.save_highlight(replace(made, note="written on the laptop"), base=made)
    # The desktop tags the second one last.
    desktop.save_highlight(replace(tagged, tags=("arctic",)), base=tagged)

    app = ReaderApp(laptop, article=library / SAMPLE.name)
    async with app.run_test(size=WIDE) as pilot:
        await wait_for(pilot, lambda: "also written on DESKTOP" in screen_text(app))
        text = screen_text(app)
        assert "✎ written on the laptop" in text  # the later text is the note
        assert "also written on DESKTOP: written on" in text  # the other text, kept beside
        assert "⇄ changed on DESKTOP" in text  # the second highlight, tagged there
        assert text.count("⇄ changed on") == 1  # the first was changed here last


async def test_where_another_device_left_off_is_offered_and_l_goes_there(
    tmp_path: Path, library: Path
) -> None:
    from reader.model import ReadingPosition
    from tests.ui.helpers import notified

    path = library / SAMPLE.name
    article = load_article(path)
    laptop = Store(tmp_path / "laptop", Device("a" * 32, "LAPTOP"), [library])
    laptop.save_position(article.id, path, article.fingerprint, ReadingPosition(9, 0, 0.63))
    desktop = Store(tmp_path / "desktop", Device("b" * 32, "DESKTOP"), [library])
    app = ReaderApp(desktop, article=path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_for(pilot, lambda: notified(app, "Last read on LAPTOP at 63%"))
        assert notified(app, "press L to go there")
        assert app.screen.view.cursor == 0  # this device never read it: from the top
        await pilot.press("L")
        await wait_for(pilot, lambda: app.screen.view.cursor == 9)


async def test_no_offer_when_this_device_read_further(tmp_path: Path, library: Path) -> None:
    from reader.model import ReadingPosition
    from tests.ui.helpers import notified, toasts

    path = library / SAMPLE.name
    article = load_article(path)
    laptop = Store(tmp_path / "laptop", Device("a" * 32, "LAPTOP"), [library])
    laptop.save_position(article.id, path, article.fingerprint, ReadingPosition(3, 0, 0.2))
    desktop = Store(tmp_path / "desktop", Device("b" * 32, "DESKTOP"), [library])
    desktop.save_position(article.id, path, article.fingerprint, ReadingPosition(9, 0, 0.63))
    app = ReaderApp(desktop, article=path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("L")
        await wait_for(pilot, lambda: notified(app, "No other device read further"))
        assert not any("Last read on" in toast for toast in toasts(app))


def written_apart(tmp_path: Path, library: Path) -> tuple[Store, Store, str, str]:
    """Two devices that wrote the note of one highlight apart: the laptop's (later) shows,
    the desktop's is kept beside it. The laptop, the desktop, the article and the
    highlight."""
    laptop = Store(tmp_path / "laptop", Device("a" * 32, "LAPTOP"), [library])
    desktop = Store(tmp_path / "desktop", Device("b" * 32, "DESKTOP"), [library])
    article = load_article(library / SAMPLE.name)
    made = highlight(article.id, 2, article.blocks[2].text, "h-first")
    laptop.save_highlight(made)
    desktop.save_highlight(replace(made, note="written on the desktop"), base=made)
    laptop.save_highlight(replace(made, note="written on the laptop"), base=made)
    return laptop, desktop, article.id, made.id


async def test_k_keeps_the_text_the_reader_chooses_on_every_device(
    tmp_path: Path, library: Path
) -> None:
    from reader.ui.dialogs.keep_note import KeepOneText

    laptop, desktop, article_id, _ = written_apart(tmp_path, library)
    app = ReaderApp(laptop, article=library / SAMPLE.name)
    async with app.run_test(size=WIDE) as pilot:
        await wait_for(pilot, lambda: "K keeps one text" in screen_text(app))
        await pilot.press("j", "j", "K")  # the cursor on the highlighted paragraph
        await wait_for(pilot, lambda: isinstance(app.screen, KeepOneText))
        text = screen_text(app)
        assert "1 LAPTOP," in text and "(shown now)" in text
        assert "2 DESKTOP," in text and "written on the desktop" in text
        assert "3 All of them, one after the other" in text
        await pilot.press("2")
        await wait_for(pilot, lambda: "✎ written on the desktop" in screen_text(app))
        assert "also written on" not in screen_text(app)
        assert "K keeps one text" not in screen_text(app)
    for store in (laptop, desktop):
        assert [h.note for h in store.highlights(article_id)] == ["written on the desktop"]
        assert store.conflicts_of(article_id) == {}


async def test_keeping_all_of_them_joins_the_texts_and_escape_keeps_things_as_they_are(
    tmp_path: Path, library: Path
) -> None:
    laptop, desktop, article_id, _ = written_apart(tmp_path, library)
    app = ReaderApp(laptop, article=library / SAMPLE.name)
    async with app.run_test(size=WIDE) as pilot:
        await wait_for(pilot, lambda: "K keeps one text" in screen_text(app))
        await pilot.press("j", "j", "K", "escape")
        await pilot.pause()
        assert "also written on DESKTOP" in screen_text(app)
        assert laptop.conflicts_of(article_id) != {}
        await pilot.press("K", "3")
        await wait_for(pilot, lambda: "also written on" not in screen_text(app))
    (note,) = [h.note for h in desktop.highlights(article_id)]
    assert note.startswith("written on the laptop\n\n**Also written on DESKTOP (")
    assert note.endswith("UTC):**\n\nwritten on the desktop")


async def test_k_on_a_note_with_one_text_says_what_it_is_for(tmp_path: Path, library: Path) -> None:
    from tests.ui.helpers import notified

    laptop = Store(tmp_path / "laptop", Device("a" * 32, "LAPTOP"), [library])
    app = ReaderApp(laptop, article=library / SAMPLE.name)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("K")
        await wait_for(pilot, lambda: notified(app, "This note has one text"))


def test_the_article_note_written_apart_is_kept_as_chosen(tmp_path: Path, library: Path) -> None:
    from reader.db.vault.records import NOTE_ID

    laptop = Store(tmp_path / "laptop", Device("a" * 32, "LAPTOP"), [library])
    desktop = Store(tmp_path / "desktop", Device("b" * 32, "DESKTOP"), [library])
    path = library / SAMPLE.name
    article_id = load_article(path).id
    desktop.set_article_note(article_id, path, "the desktop's view")
    # The laptop writes its own while the desktop's file has not reached it.
    away = tmp_path / "in transit"
    devices = library / ".reader" / "devices"
    (devices / ("b" * 32)).rename(away)
    laptop.set_article_note(article_id, path, "the laptop's view")
    away.rename(devices / ("b" * 32))
    versions = laptop.note_versions(article_id, NOTE_ID)
    assert [(name, text) for name, _, text in versions] == [
        ("DESKTOP", "the desktop's view"),
        ("LAPTOP", "the laptop's view"),
    ]
    desktop.keep_note(article_id, NOTE_ID, "the desktop's view")
    assert laptop.article_note(article_id) == "the desktop's view"
    assert laptop.note_versions(article_id, NOTE_ID) == ()
