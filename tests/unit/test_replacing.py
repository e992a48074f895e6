"""Re-placing highlights in a book cut short (issue 21): none is moved onto other text
without a word, each moved one keeps the selectors it was made with, and the search that
looks for the lost ones has a limit."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reader.db.store import Store
from reader.services.annotations import Annotations
from reader.text.anchoring import Budget
from reader.text.documents import load_text
from tests.stores import notes_store

REPEATED = "And the LORD spake unto Moses, saying,"


def book(paragraphs: int) -> str:
    """A book as the issue's: every tenth verse the same words, the others drawn from a
    small vocabulary, so that short phrases recur all through it."""
    rng = random.Random(20_000)
    vocabulary = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 8))) for _ in range(300)
    ]
    verses = []
    for number in range(paragraphs):
        if number % 10 == 5:
            verses.append(REPEATED)
        else:
            words = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(8, 30)))
            verses.append(f"{number} {words}.")
    return "\n\n".join(verses)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return notes_store()


def test_a_book_cut_short_moves_no_highlight_onto_other_text_without_a_word(
    store: Store,
) -> None:
    whole = load_text(book(3000), Path("/lib/book.md"))
    made = Annotations(store, whole)
    made.load()
    rng = random.Random(5)
    for index in range(0, 3000, 15):
        block = whole.blocks[index]
        kind = index // 15 % 3
        if kind == 0 or block.text == REPEATED:  # a whole verse
            made.create(block.start, block.end)
        else:  # a phrase of two to four words in it
            words = block.text.split()[1:]
            first = rng.randrange(0, len(words) - 4)
            phrase = " ".join(words[first : first + rng.randint(2, 4)])
            start = block.start + block.text.index(phrase)
            made.create(start, start + len(phrase))
    highlights = {h.id: h for h in store.highlights(whole.id)}
    cut = load_text(book(3000).rsplit("\n\n", 600)[0], Path("/lib/book.md"))
    assert len(cut.blocks) == 2400  # the premise
    gone = {i for i, h in highlights.items() if h.anchor.start >= len(cut.text)}
    assert len(gone) == 40

    notes = Annotations(store, cut)
    notes.load()
    report = notes.apply_places(notes.find_places(cut.text, notes.unplaced))
    saved = {h.id: h for h in store.highlights(cut.id)}
    silently_elsewhere = [i for i in gone if notes.place_of(i) is not None and not saved[i].check]
    assert silently_elsewhere == []
    assert report.orphans + report.checked >= len(gone)
    for ident, highlight in saved.items():
        before = highlights[ident].anchor
        if ident not in gone:  # still there: where it was, unchanged
            assert notes.place_of(ident) == (before.start, before.end)
        elif notes.place_of(ident) is not None:  # moved, and marked: it keeps its words
            assert highlight.original is not None
            assert (highlight.original.prefix, highlight.original.suffix) == (
                before.prefix,
                before.suffix,
            )
        else:  # an orphan: its selectors untouched
            assert highlight.anchor == before and highlight.orphan_in == cut.fingerprint


def test_looking_for_lost_highlights_in_a_long_text_has_a_limit(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.text.anchoring as anchoring

    whole = load_text(book(20_000), Path("/lib/book.md"))
    made = Annotations(store, whole)
    made.load()
    for index in range(16_000, 20_000, 10):  # 400 highlights, all in the part cut off
        block = whole.blocks[index]
        made.create(block.start, block.end)
    cut = load_text(book(20_000).rsplit("\n\n", 4000)[0], Path("/lib/book.md"))
    scanned: list[int] = []
    real = anchoring._match_ends

    def counted(text: str, pattern: str, max_errors: float) -> list[tuple[int, int]]:
        scanned.append(len(text))
        return real(text, pattern, max_errors)

    monkeypatch.setattr(anchoring, "_match_ends", counted)
    notes = Annotations(store, cut)
    notes.load()
    budget = Budget()
    report = notes.apply_places(notes.find_places(cut.text, notes.unplaced, budget))
    # Each lost verse is an orphan or marked; and all of it read at most the budget (the
    # 32-character windows that score context aside): on the code before, each of the
    # 400 searches read the whole book.
    assert report.orphans + report.checked == 400
    assert sum(n for n in scanned if n > 200) <= anchoring.TOTAL_SEARCH_CHARS


def test_an_export_of_a_book_cut_short_has_the_same_limit(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.text.anchoring as anchoring
    from reader.notes import export

    whole = load_text(book(20_000), Path("/lib/book.md"))
    made = Annotations(store, whole)
    made.load()
    for index in range(16_000, 20_000, 10):
        block = whole.blocks[index]
        made.create(block.start, block.end)
    cut = load_text(book(20_000).rsplit("\n\n", 4000)[0], Path("/lib/book.md"))
    scanned: list[int] = []
    real = anchoring._match_ends

    def counted(text: str, pattern: str, max_errors: float) -> list[tuple[int, int]]:
        scanned.append(len(text))
        return real(text, pattern, max_errors)

    monkeypatch.setattr(anchoring, "_match_ends", counted)
    notes = export.gather(cut, store.highlights(cut.id))
    assert all(entry.start is None or entry.check for entry in notes.entries)
    assert sum(n for n in scanned if n > 200) <= anchoring.TOTAL_SEARCH_CHARS
