"""Highlights in an article that changed (issue 21): never moved onto other text without a
word, marked "moved: check" until confirmed, and a file being written while it is read is
never taken for the article."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from reader.services.importer import import_annotations
from reader.text.documents import load_article
from tests.conftest import SAMPLE
from tests.stores import notes_store
from tests.ui.helpers import make_app, notified, screen_lines, wait_for

WIDE = (150, 40)  # wide enough for the notes pane to show beside the article


def pane_text(app) -> str:
    """What the notes pane shows (the right-hand columns of the screen)."""
    pane = app.screen.query_one("#notes")
    left = pane.region.x
    return "\n".join(line[left:] for line in screen_lines(app))


def saved(article: Path) -> list:
    """The highlights in the test's database."""
    return notes_store().highlights(load_article(article).id)


def the_tax_annotation(article: Path) -> dict:
    """A W3C annotation on the first "the tax" of the sample, with 32 characters of
    context each side (as the issue made it)."""
    text = load_article(article).text
    at = text.index("the tax")
    return {
        "id": "urn:x:the-tax",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "my note on the tax", "purpose": "commenting"},
        "target": {
            "source": str(article.resolve()),
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": "the tax",
                    "prefix": text[at - 32 : at],
                    "suffix": text[at + 7 : at + 39],
                }
            ],
        },
    }


def with_new_first_paragraph(text: str) -> str:
    """The sample's text with a paragraph added before its first (after its front matter)."""
    return text.replace(
        "\nNegotiations between", "\nA new first paragraph.\n\nNegotiations between", 1
    )


def without_paragraph(article: Path, holding: str) -> None:
    """Delete the paragraph holding these words from the file."""
    paragraphs = article.read_text(encoding="utf-8").split("\n\n")
    kept = [p for p in paragraphs if holding not in p]
    assert len(kept) == len(paragraphs) - 1
    article.write_text("\n\n".join(kept), encoding="utf-8")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    folder.mkdir()
    article = folder / SAMPLE.name
    article.write_bytes(SAMPLE.read_bytes())
    return article


async def test_an_imported_phrase_whose_paragraph_was_deleted_is_not_moved_onto_another(
    sample: Path,
) -> None:
    store = notes_store()
    report = import_annotations([the_tax_annotation(sample)], store, sample.parent)
    assert report.placed == 1
    (made,) = store.highlights(load_article(sample).id)
    store.close()
    without_paragraph(sample, "vehemently opposed the tax")
    assert "the tax" in sample.read_text(encoding="utf-8")  # the premise: it is elsewhere

    app = make_app(article=sample)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await wait_for(pilot, lambda: "Could not be placed (1)" in pane_text(app))
        assert "✎ my note on the tax" in pane_text(app)
        assert app.screen.annotations.place_of(made.id) is None
        await wait_for(pilot, lambda: notified(app, "could not be placed in the changed article"))
    (kept,) = saved(sample)
    # Its selectors as they were: not overwritten by those of the other "the tax".
    assert (kept.anchor.exact, kept.anchor.prefix, kept.anchor.suffix) == (
        made.anchor.exact,
        made.anchor.prefix,
        made.anchor.suffix,
    )
    assert not kept.placed


async def test_a_highlight_moved_where_its_context_changed_is_marked_until_c_confirms_it(
    sample: Path,
) -> None:
    text = sample.read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n\n") if p.startswith("Details about"))
    app = make_app(article=sample)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        index = next(i for i, b in enumerate(app.screen.article.blocks) if b.text == paragraph)
        await pilot.press(*["j"] * index, "h")
    (made,) = saved(sample)
    # The paragraph taken out from between its neighbours and put at the end.
    sample.write_text(text.replace(paragraph + "\n\n", "") + "\n\n" + paragraph, "utf-8")

    app = make_app(article=sample)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await wait_for(pilot, lambda: "moved: check" in pane_text(app))
        await wait_for(pilot, lambda: notified(app, "marked “moved: check” in the notes pane"))
        await pilot.press("q")
    (kept,) = saved(sample)
    assert kept.check and kept.original is not None
    assert kept.original.prefix == made.anchor.prefix

    app = make_app(article=sample)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await wait_for(pilot, lambda: "moved: check" in pane_text(app))  # until confirmed
        await pilot.press("tab", "G", "c")
        await wait_for(pilot, lambda: "moved: check" not in pane_text(app))
        assert notified(app, "Place confirmed.")
    (kept,) = saved(sample)
    assert not kept.check and kept.anchor.exact == paragraph
    assert kept.original is not None  # the selectors it was made with, kept all the same


async def test_an_import_into_an_article_that_never_changed_does_not_say_it_changed(
    sample: Path,
) -> None:
    lost = {
        "id": "urn:x:lost",
        "type": "Annotation",
        "target": {
            "source": str(sample.resolve()),
            "selector": [{"type": "TextQuoteSelector", "exact": "words never in this article"}],
        },
    }
    store = notes_store()
    assert import_annotations([lost], store, sample.parent).orphaned == 1
    store.close()
    app = make_app(article=sample)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await wait_for(pilot, lambda: "Could not be placed (1)" in pane_text(app))
        await wait_for(pilot, lambda: notified(app, "could not be placed in this article"))
        assert notified(app, "1 highlight could not be placed in this article")
        assert not notified(app, "changed")


def slow_placing(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The search for highlights' new places runs long (a book, a file cut short) until
    the event returned is set."""
    from reader.services.annotations import Annotations

    release = threading.Event()
    real = Annotations.find_places

    def slow(self, *args, **kwargs):
        release.wait(10)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Annotations, "find_places", slow)
    return release


async def highlighted_then_changed(sample: Path) -> None:
    """The first paragraph highlighted, then a paragraph added at the end of the file."""
    app = make_app(article=sample)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("h")
    assert len(saved(sample)) == 1
    text = sample.read_text(encoding="utf-8")
    sample.write_text(text + "\n\nA paragraph added at the end.\n", encoding="utf-8")


async def test_h_on_a_highlighted_paragraph_adds_none_while_highlights_are_being_placed(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await highlighted_then_changed(sample)
    release = slow_placing(monkeypatch)
    app = make_app(article=sample)
    try:
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            await wait_for(pilot, lambda: "Highlights · 1" in pane_text(app))
            await pilot.press("h")  # on the first paragraph: its highlight is being placed
            await wait_for(
                pilot, lambda: notified(app, "already highlighted") or len(saved(sample)) > 1
            )
            await pilot.press("h")
            assert len(saved(sample)) == 1
            release.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert len(saved(sample)) == 1 and "Highlights · 1" in pane_text(app)
    finally:
        release.set()


async def test_a_highlight_still_being_looked_for_is_not_said_to_be_lost(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await highlighted_then_changed(sample)
    release = slow_placing(monkeypatch)
    app = make_app(article=sample)
    try:
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            await wait_for(pilot, lambda: "Being placed (1)" in pane_text(app))
            assert "Could not be placed" not in pane_text(app)
            release.set()
            await app.workers.wait_for_complete()
            await wait_for(pilot, lambda: "Being placed" not in pane_text(app))
            assert "Could not be placed" not in pane_text(app)
    finally:
        release.set()


def truncating_reads(monkeypatch: pytest.MonkeyPatch, article: Path) -> None:
    """Every read of ``article`` finds it being written: half of it there, and its time
    changed by the time the read is done."""
    import reader.text.documents as documents

    real = documents._read
    ticks = iter(range(1, 1000))

    def partial(path: Path, limit: int = -1) -> bytes:
        data = real(path, limit)
        if path.resolve() == article.resolve():
            stat = path.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + next(ticks) * 1000))
            return data[: len(data) // 2]
        return data

    monkeypatch.setattr(documents, "_read", partial)


async def test_a_file_being_written_while_it_is_read_has_nothing_re_placed_for_good(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(article=sample)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("h", "G", "h")  # the first paragraph and the last
    before = {h.id: h for h in saved(sample)}
    assert len(before) == 2
    # Another program rewrites the file (a paragraph added at its top), and is still
    # writing it whenever it is read.
    text = sample.read_text(encoding="utf-8")
    sample.write_text(with_new_first_paragraph(text), encoding="utf-8")
    truncating_reads(monkeypatch, sample)

    app = make_app(article=sample)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert notified(app, "was being written while it was read")
        # The first paragraph's highlight is shown where it is; the last one's text is
        # not in what was read (placed a moment later on a busy machine).
        await wait_for(pilot, lambda: "Could not be placed (1)" in pane_text(app))
        await pilot.press("g", "j", "h")
        await wait_for(pilot, lambda: notified(app, "already highlighted"))
        await pilot.press("q")
    # Nothing was re-placed or marked lost for good, and no highlight was added.
    assert {h.id: h for h in saved(sample)} == before


async def test_a_file_changed_just_before_it_was_read_keeps_its_places_unsaved_until_it_holds_still(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.ui.reading import life
    from reader.ui.reading.life import ArticleLife

    monkeypatch.setattr(ArticleLife, "FILE_CHECK_SECONDS", 0.05)
    # "Just now" whatever the machine's load: on a busy CI machine the second app took more
    # than the 2 s a file needs to hold still, and its places were saved.
    monkeypatch.setattr(life, "SETTLE_SECONDS", 600.0)
    app = make_app(article=sample)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("h")
    (made,) = saved(sample)
    text = sample.read_text(encoding="utf-8")
    sample.write_text(with_new_first_paragraph(text), encoding="utf-8")  # just now

    app = make_app(article=sample)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        # Shown where it is (placed a moment later on a busy machine).
        await wait_for(pilot, lambda: app.screen.annotations.place_of(made.id) is not None)
        (kept,) = saved(sample)
        assert kept.anchor == made.anchor  # but not saved while the file may be changing
        # It changes again (the writer was not done): what was found is never saved.
        sample.write_text(with_new_first_paragraph(text) + "\n\nMore.\n", "utf-8")
        await wait_for(pilot, lambda: notified(app, "changed on disk"))
    (kept,) = saved(sample)
    assert kept.anchor == made.anchor
