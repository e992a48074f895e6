"""Annotations of one article: create, change, delete, undo, and re-place after edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.db.store import Store
from reader.model import Colour
from reader.services.annotations import Annotations, clean_tags
from reader.text.documents import article_id, load_text
from tests.stores import notes_store

TEXT = """# Title

The first paragraph talks about tariffs and trade.

The second paragraph is about the digital services tax.

The third paragraph ends the article.
"""
PATH = Path("/lib/article.md")


def article(text: str = TEXT):
    return load_text(text, PATH)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return notes_store()


def span_of(words: str, text: str | None = None) -> tuple[int, int]:
    body = text or article().text
    start = body.index(words)
    return start, start + len(words)


def test_create_is_saved_and_placed(store: Store) -> None:
    notes = Annotations(store, article())
    notes.load()
    highlight = notes.create(*span_of("digital services tax"), Colour.BLUE)
    assert highlight.anchor.exact == "digital services tax"
    assert notes.place_of(highlight.id) == span_of("digital services tax")
    (saved,) = store.highlights(article().id)
    assert saved == highlight and saved.colour is Colour.BLUE
    assert [p.id for p in notes.in_range(*span_of("The second paragraph"))] == []
    assert [p.id for p in notes.in_range(*span_of("services"))] == [highlight.id]


def test_placed_is_in_document_order_and_steps_between_highlights(store: Store) -> None:
    notes = Annotations(store, article())
    notes.load()
    third = notes.create(*span_of("third paragraph"))
    first = notes.create(*span_of("first paragraph"))
    second = notes.create(*span_of("second paragraph"))
    assert [p.id for p in notes.placed()] == [first.id, second.id, third.id]
    assert notes.next_after(span_of("first paragraph")[0]).id == second.id
    assert notes.previous_before(span_of("third paragraph")[0]).id == second.id
    assert notes.next_after(span_of("third paragraph")[0]) is None


def test_every_change_can_be_undone_and_the_undo_is_saved(store: Store) -> None:
    notes = Annotations(store, article())
    notes.load()
    highlight = notes.create(*span_of("tariffs and trade"))
    notes.update(highlight.id, "note", note="Why now?")
    notes.update(highlight.id, "tags", tags=("trade",))
    notes.delete(highlight.id)
    assert store.highlights(article().id) == []

    assert notes.undo().what == "delete"
    (back,) = store.highlights(article().id)
    assert (back.note, back.tags) == ("Why now?", ("trade",))
    assert notes.place_of(back.id) == span_of("tariffs and trade")
    assert notes.undo().what == "tags"
    assert store.highlights(article().id)[0].tags == ()
    assert notes.undo().what == "note"
    assert store.highlights(article().id)[0].note == ""
    assert notes.undo().what == "highlight"
    assert store.highlights(article().id) == []
    assert notes.undo() is None


def test_highlights_made_on_this_text_are_placed_without_searching(store: Store) -> None:
    first = Annotations(store, article())
    first.load()
    highlight = first.create(*span_of("digital services tax"))
    again = Annotations(store, article())
    again.load()
    assert again.unplaced == []
    assert again.place_of(highlight.id) == span_of("digital services tax")


def test_after_an_edit_highlights_move_and_lost_ones_become_orphans(store: Store) -> None:
    before = Annotations(store, article())
    before.load()
    moved = before.create(*span_of("digital services tax"))
    lost = before.create(*span_of("The third paragraph ends the article."))
    before.update(lost.id, "note", note="keep me")

    edited_text = TEXT.replace("# Title\n", "# Title\n\nA new opening paragraph.\n").replace(
        "The third paragraph ends the article.", "Nothing of what was here remains."
    )
    edited = article(edited_text)
    after = Annotations(store, edited)
    after.load()
    assert {h.id for h in after.unplaced} == {moved.id, lost.id}
    report = after.apply_places(after.find_places(edited.text, after.unplaced))
    assert report.orphans == 1
    assert after.place_of(moved.id) == span_of("digital services tax", edited.text)
    assert [p.id for p in after.orphans] == [lost.id]
    kept = {h.id: h for h in store.highlights(edited.id)}
    assert kept[lost.id].note == "keep me"
    assert kept[lost.id].anchor.exact == "The third paragraph ends the article."
    assert kept[moved.id].anchor.fingerprint == edited.fingerprint

    reattached = after.reattach(lost.id, *span_of("Nothing of what", edited.text))
    assert reattached.note == "keep me"
    assert after.orphans == []
    after.undo()
    assert [p.id for p in after.orphans] == [lost.id]


def test_clean_tags() -> None:
    assert clean_tags(" #Politics, canada ,politics, two words,,") == (
        "Politics",
        "canada",
        "two-words",
    )


def test_a_highlight_re_placed_on_changed_words_remembers_the_words_first_highlighted(
    store: Store,
) -> None:
    first = article(TEXT.replace("talks about", "talks quickly about"))
    made = Annotations(store, first)
    made.load()
    highlight = made.create(*span_of("talks quickly about tariffs", first.text))
    assert highlight.original is None and highlight.was == ""

    edits = ["talks swiftly about", "talks rapidly about"]
    for number, edit in enumerate(edits):
        edited = article(TEXT.replace("talks about", edit))
        after = Annotations(store, edited)
        after.load()
        assert after.apply_places(after.find_places(edited.text, after.unplaced)).orphans == 0
        (kept,) = store.highlights(edited.id)
        assert kept.anchor.exact == f"{edit} tariffs"
        # The words first highlighted, not those of the edit before this one.
        assert kept.was == "talks quickly about tariffs", number
        assert kept.original is not None and kept.original.fingerprint == first.fingerprint

    # Put back on its first words, the text has not changed under it any more.
    back = article(TEXT.replace("talks about", "talks quickly about"))
    again = Annotations(store, back)
    again.load()
    again.apply_places(again.find_places(back.text, again.unplaced))
    (kept,) = store.highlights(back.id)
    assert kept.anchor.exact == "talks quickly about tariffs" and kept.was == ""


def test_a_change_in_one_window_keeps_what_another_window_changed(store: Store) -> None:
    """Two windows on one database: the first has the article open with its highlights in
    memory; the second writes a note; the first then changes the colour. Both are kept, and
    the first window shows the note from then on (undo too keeps the other's note)."""
    import dataclasses

    first = Annotations(store, article())
    first.load()
    made = first.create(*span_of("digital services tax"))
    second = notes_store()
    (theirs,) = second.highlights(made.article_id)
    second.save_highlight(dataclasses.replace(theirs, note="typed in the other window"))
    second.close()
    after = first.update(made.id, "colour", colour=Colour.PINK)
    (saved,) = notes_store(read_only=True).highlights(made.article_id)
    assert (saved.colour, saved.note) == (Colour.PINK, "typed in the other window")
    assert first.get(made.id).note == "typed in the other window"
    assert after.colour == Colour.PINK
    first.undo()
    (saved,) = notes_store(read_only=True).highlights(made.article_id)
    assert (saved.colour, saved.note) == (made.colour, "typed in the other window")


def test_a_note_written_in_two_windows_at_once_keeps_both_texts(store: Store) -> None:
    """The note's text is the one field a merge cannot choose in: the first window opened
    its editor on the empty note, the second saved its note meanwhile, the first saves
    now. Both texts are kept in the one note, the other under "Also written at the same
    time" (as the editor says), and neither is lost."""
    import dataclasses

    first = Annotations(store, article())
    first.load()
    made = first.create(*span_of("digital services tax"))
    second = notes_store()
    (theirs,) = second.highlights(made.article_id)
    second.save_highlight(
        dataclasses.replace(theirs, note="typed in the other window", modified=theirs.modified),
        base=theirs,
    )
    second.close()
    after = first.update(made.id, "note", note="typed in this window")
    reopened = notes_store(read_only=True)
    (saved,) = reopened.highlights(made.article_id)
    assert saved.note.startswith("typed in this window\n")
    assert "Also written at the same time" in saved.note
    assert saved.note.endswith("typed in the other window")
    assert after.note == saved.note == first.get(made.id).note  # shown as saved
    assert reopened.conflicts_of(made.article_id) == {}  # nothing hidden beside it
    # The next change is made from the note with both texts: it is the note.
    first.update(made.id, "note", note="one text again")
    (saved,) = notes_store(read_only=True).highlights(made.article_id)
    assert saved.note == "one text again"


@pytest.mark.parametrize(
    ("mine", "theirs", "kept"),
    [
        ("same words", "same words", "same words"),  # both wrote the same: once
        ("", "typed there", "typed there"),  # cleared here, written there: kept
        ("typed here", "", "typed here"),  # cleared there: nothing of theirs to keep
    ],
)
def test_two_windows_that_agree_or_clear_the_note_leave_one_text(
    store: Store, mine: str, theirs: str, kept: str
) -> None:
    import dataclasses

    first = Annotations(store, article())
    first.load()
    made = first.create(*span_of("digital services tax"))
    first.update(made.id, "note", note="the note both windows began from")
    second = notes_store()
    (other,) = second.highlights(made.article_id)
    second.save_highlight(dataclasses.replace(other, note=theirs), base=other)
    second.close()
    first.update(made.id, "note", note=mine)
    (saved,) = notes_store(read_only=True).highlights(made.article_id)
    assert saved.note == kept


def test_a_note_on_the_article_written_in_two_windows_keeps_both_texts(store: Store) -> None:
    """As for a highlight's note: given what the editor began from, a note saved meanwhile
    by another window is kept after this one, marked, and returned to the caller."""
    from reader.services.annotations import save_article_note

    where = Path("/x/a.md")
    a = article_id(where)
    store.set_article_note(a, where, "begun")
    save_article_note(notes_store(), a, where, "theirs", base="begun")
    saved = save_article_note(store, a, where, "mine", base="begun")
    assert saved.startswith("mine\n\n**Also written at the same time") and saved.endswith("theirs")
    assert notes_store().article_note(a) == saved
    # Written from what is there now: the text given is the note.
    assert save_article_note(store, a, where, "plain", base=saved) == "plain"


# --- issue 21: re-placed highlights keep their selectors, and say when they moved ----------


def _reopen(store: Store, text: str):
    """The article with ``text``, its highlights placed as the app places them."""
    edited = article(text)
    notes = Annotations(store, edited)
    notes.load()
    report = notes.apply_places(notes.find_places(edited.text, notes.unplaced))
    return edited, notes, report


def test_a_re_placed_highlight_always_keeps_the_selectors_it_was_made_with(store: Store) -> None:
    first = Annotations(store, article())
    first.load()
    made = first.create(*span_of("digital services tax"))
    # The same words, but the words around them changed: its prefix and suffix are new.
    text = TEXT.replace("is about the digital", "is all about the digital").replace(
        "services tax.", "services tax, again."
    )
    edited, _, report = _reopen(store, text)
    assert (report.moved, report.orphans) == (1, 0)
    (kept,) = store.highlights(edited.id)
    assert kept.anchor.exact == "digital services tax" and kept.anchor.suffix != made.anchor.suffix
    original = kept.original
    assert original is not None
    assert (original.exact, original.prefix, original.suffix) == (
        made.anchor.exact,
        made.anchor.prefix,
        made.anchor.suffix,
    )
    # Moved again: still the selectors first made, not those of the move before.
    edited, _, _ = _reopen(store, "# Title\n\nA new start.\n\n" + text.split("\n", 2)[2])
    (kept,) = store.highlights(edited.id)
    assert kept.original == original


def test_an_orphan_is_saved_as_one_and_not_looked_for_again_in_the_same_text(
    store: Store,
) -> None:
    first = Annotations(store, article())
    first.load()
    lost = first.create(*span_of("The third paragraph ends the article."))
    text = TEXT.replace("The third paragraph ends the article.", "Nothing is left of it.")
    edited, _, report = _reopen(store, text)
    assert (report.orphans, report.changed) == (1, 1)
    (kept,) = store.highlights(edited.id)
    assert kept.orphan_in == edited.fingerprint and not kept.placed
    assert kept.anchor == lost.anchor  # its selectors untouched
    again = Annotations(store, edited)
    again.load()
    assert again.unplaced == [] and [h.id for h in again.known_orphans] == [lost.id]
    assert [p.id for p in again.orphans] == [lost.id]


def test_a_highlight_moved_where_its_context_changed_is_marked_until_confirmed(
    store: Store,
) -> None:
    sentence = "The second paragraph is about the digital services tax."
    first = Annotations(store, article())
    first.load()
    made = first.create(*span_of(sentence))
    # Its neighbours both replaced: the sentence is still there, once, but elsewhere.
    text = (
        "# Other\n\nAll new words open the piece.\n\n"
        + sentence
        + "\n\nAll new words close it, too."
    )
    edited, notes, report = _reopen(store, text)
    assert (report.moved, report.checked, report.orphans) == (1, 1, 0)
    (kept,) = store.highlights(edited.id)
    assert kept.check and kept.original is not None and kept.original.prefix == made.anchor.prefix
    assert [p.id for p in notes.to_check] == [made.id]
    notes.confirm(made.id)
    (kept,) = store.highlights(edited.id)
    assert not kept.check and kept.original is not None
    notes.undo()
    assert store.highlights(edited.id)[0].check
    # Re-attaching is the reader's choice too: no longer to be checked.
    notes.reattach(made.id, *span_of("All new words open", text))
    assert not store.highlights(edited.id)[0].check and notes.to_check == []


def test_a_provisional_text_shows_what_placing_found_and_saves_it_only_when_committed(
    store: Store,
) -> None:
    first = Annotations(store, article())
    first.load()
    moved = first.create(*span_of("digital services tax"))
    lost = first.create(*span_of("The third paragraph ends the article."))
    stored = {h.id: h for h in store.highlights(article().id)}
    # The file read while it was being written: the start of the new version only.
    partial = article("# Title\n\nA new opening.\n\n" + TEXT.split("\n", 2)[2][:110])
    notes = Annotations(store, partial, provisional=True)
    notes.load()
    report = notes.apply_places(notes.find_places(partial.text, notes.unplaced))
    assert (report.moved, report.orphans) == (1, 1)
    assert notes.place_of(moved.id) is not None and notes.place_of(lost.id) is None
    assert {h.id: h for h in store.highlights(partial.id)} == stored  # nothing saved
    assert notes.commit() == 2
    kept = {h.id: h for h in store.highlights(partial.id)}
    assert kept[moved.id].anchor.fingerprint == partial.fingerprint
    assert kept[lost.id].orphan_in == partial.fingerprint


def test_the_same_passage_is_known_while_its_highlight_is_still_being_placed(
    store: Store,
) -> None:
    first = Annotations(store, article())
    first.load()
    made = first.create(*span_of("The first paragraph talks about tariffs and trade."))
    edited = article(TEXT.replace("# Title\n", "# Title\n\nA new opening.\n"))
    notes = Annotations(store, edited)
    notes.load()
    assert [h.id for h in notes.unplaced] == [made.id]  # the search has not run yet
    span = span_of("The first paragraph talks about tariffs and trade.", edited.text)
    assert notes.existing(*span) == made.id
    assert notes.place_of(made.id) == span and notes.unplaced == []
    # The search's answer, arriving later, changes nothing; and nothing was added.
    notes.apply_places({made.id: None})
    assert notes.place_of(made.id) == span
    assert [h.id for h in store.highlights(edited.id)] == [made.id]
    # Another passage with other words is not it.
    assert notes.existing(*span_of("The third paragraph", edited.text)) is None
