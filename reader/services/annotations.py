"""The highlights of one open article: placed in its text, changed through the store, undoable.

No Textual here. The app keeps one :class:`Annotations` per open article, calls it when the
reader highlights, colours, tags, annotates or deletes, and draws what :meth:`placed` says.
Every change is written to the store before it is acknowledged, and every change can be
undone (the undo itself is written too).
"""

from __future__ import annotations

import dataclasses
import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Unpack

from reader.db.records import both_notes
from reader.db.store import Store
from reader.model import Anchor, Article, Colour, CrossLink, Highlight, HighlightEdit, now
from reader.text.anchoring import Budget, Placement, describe, fits, locate

UNDO_DEPTH = 100


@dataclass(frozen=True, slots=True)
class Placed:
    """A highlight and where it is in the current text (``start`` is None for an orphan,
    or for one not looked for yet: ``pending``)."""

    highlight: Highlight
    start: int | None
    end: int | None
    pending: bool = False

    @property
    def id(self) -> str:
        """The highlight's id."""
        return self.highlight.id

    @property
    def orphan(self) -> bool:
        """Whether the highlight could not be placed in the current text (or is still
        being looked for)."""
        return self.start is None

    @property
    def check(self) -> bool:
        """Whether it was moved where the words around it changed, not yet confirmed."""
        return self.start is not None and self.highlight.check


@dataclass(slots=True)
class Placing:
    """What placing the highlights of a changed text did (added up over its batches)."""

    moved: int = 0  # re-placed in the new text
    checked: int = 0  # of which where their context disagrees ("moved: check")
    orphans: int = 0  # could not be placed
    changed: int = 0  # of the orphans, those last placed in another version of the text

    def add(self, other: Placing) -> None:
        """Count ``other``'s too."""
        self.moved += other.moved
        self.checked += other.checked
        self.orphans += other.orphans
        self.changed += other.changed


Span = tuple[int, int] | None
"""Where a highlight lies in the current text (start, end), or None: not placed. (Not
:class:`reader.text.links.Place`, where an article is opened.)"""


@dataclass(frozen=True, slots=True)
class Change:
    """One undoable change: the highlight and its place before and after (None: absent)."""

    before: Highlight | None
    after: Highlight | None
    what: str
    before_place: Span = None
    after_place: Span = None
    # Links the change made or removed (a new link; a highlight deleted with its links).
    links_added: tuple[CrossLink, ...] = ()
    links_removed: tuple[CrossLink, ...] = ()


def save_article_note(store: Store, article_id: str, path: Path, note: str, base: str) -> str:
    """Save the note on a whole article, written from ``base``: a note another window saved
    meanwhile is kept beside it (:func:`~reader.db.records.both_notes`). Returns the note as
    saved."""
    with store.batch():  # read under the lock, then written: nothing can come between
        stored = store.article_note(article_id)
        if stored != base:
            note = both_notes(base, stored, note, store.article_note_modified(article_id))
        store.set_article_note(article_id, path, note)
    return note


def clean_tags(text: str) -> tuple[str, ...]:
    """Tags from comma-separated text: trimmed, inner spaces as '-', no '#', no repeats."""
    tags: list[str] = []
    for raw in text.split(","):
        tag = "-".join(raw.strip().lstrip("#").split())
        if tag and tag.casefold() not in (t.casefold() for t in tags):
            tags.append(tag)
    return tuple(tags)


class Annotations:
    """Highlights of one article, kept in step with the store."""

    def __init__(self, store: Store, article: Article, *, provisional: bool = False) -> None:
        """``provisional``: the text may not be the file's whole (it was changing as it
        was read), so what placing finds is shown but saved only by :meth:`commit`."""
        self.store = store
        self.article = article
        self.provisional = provisional
        self._highlights: dict[str, Highlight] = {}
        self._places: dict[str, tuple[int, int] | None] = {}
        self._pending: set[str] = set()  # made on another text, not looked for yet
        self._held: dict[str, tuple[Highlight, Highlight]] = {}  # provisional: before, after
        self._undo: list[Change] = []
        self._order: list[Placed] = []
        self._starts: list[int] = []

    # --- loading and placing ----------------------------------------------------------

    def load(self) -> None:
        """Read the article's highlights; place those made on this very text at once, and
        leave those already found missing from it orphans without looking again."""
        self._highlights = {h.id: h for h in self.store.highlights(self.article.id)}
        self._places = {}
        self._pending = set()
        self._held = {}
        fingerprint = self.article.fingerprint
        for highlight in self._highlights.values():
            anchor = highlight.anchor
            if anchor.fingerprint == fingerprint and 0 <= anchor.start <= anchor.end:
                self._places[highlight.id] = (anchor.start, anchor.end)
            elif highlight.orphan_in == fingerprint:
                self._places[highlight.id] = None
            else:
                self._pending.add(highlight.id)
        self._reorder()

    @property
    def unplaced(self) -> list[Highlight]:
        """Highlights made on another version of the text, not yet looked for."""
        return [h for h in self._highlights.values() if h.id in self._pending]

    @property
    def known_orphans(self) -> list[Highlight]:
        """Highlights already found missing from this very text (not looked for again)."""
        return [
            h
            for h in self._highlights.values()
            if h.id not in self._pending and self._places.get(h.id) is None
        ]

    def find_places(
        self, text: str, highlights: list[Highlight], budget: Budget | None = None
    ) -> dict[str, Placement | None]:
        """Look for ``highlights`` in ``text`` (reads nothing else: safe in a worker
        thread); ``budget`` bounds the approximate searches of them all."""
        budget = budget or Budget()
        fingerprint = self.article.fingerprint
        return {
            h.id: locate(text, h.anchor, fingerprint=fingerprint, budget=budget) for h in highlights
        }

    def apply_places(self, found: dict[str, Placement | None]) -> Placing:
        """Record where highlights were found; re-describe the moved ones (``check`` where
        their context disagrees) and mark the orphans, and save them, unless provisional.

        An orphan keeps its anchor, quote and note untouched, so it can be placed again
        later; a moved highlight keeps the selectors it was made with (``original``).
        Highlights the reader has placed, re-attached or deleted meanwhile are left alone.
        """
        text = self.article.text
        report = Placing()
        changed: list[tuple[Highlight, Highlight]] = []
        for highlight_id, placement in found.items():
            highlight = self._highlights.get(highlight_id)
            if highlight is None or highlight_id not in self._pending:
                continue
            self._pending.discard(highlight_id)
            if placement is None:
                self._places[highlight_id] = None
                after = highlight.orphaned_in(self.article.fingerprint)
                report.orphans += 1
                anchor = highlight.anchor
                report.changed += bool(anchor.fingerprint and anchor.start >= 0)
            else:
                place = (placement.start, placement.end)
                self._places[highlight_id] = place
                check = placement.check or highlight.check
                after = highlight.moved_to(self._describe(text, *place), check=check)
                report.moved += 1
                report.checked += check
            if after != highlight:
                changed.append((highlight, after))
        if self.provisional:
            # Shown as found; saved by commit(), or with the reader's next change to it.
            for before, after in changed:
                self._held[after.id] = (before, after)
                self._highlights[after.id] = after
        else:
            self._save_placing(changed)
        self._reorder()
        return report

    def commit(self) -> int:
        """Save what placing found in a provisional text (now known to be the file's
        whole), and place from now on as usual. Returns how many were saved."""
        held = [
            pair for pair in self._held.values() if pair[0].id in self._highlights
        ]  # not deleted meanwhile
        self._save_placing(held)
        self._held = {}
        self.provisional = False
        return len(held)

    def _save_placing(self, changed: list[tuple[Highlight, Highlight]]) -> None:
        if not changed:
            return
        # Over what it was made from: a note typed meanwhile (here or in another window)
        # is kept, and only the place and its marks are written.
        bases = {after.id: before for before, after in changed}
        merged = self.store.save_highlights([after for _, after in changed], bases)
        for _, after in changed:
            if self._highlights.get(after.id) is not None:
                self._highlights[after.id] = merged.get(after.id, after)

    def existing(self, start: int, end: int) -> str | None:
        """The highlight that is already on exactly ``[start, end)``, if any: one placed
        there, or one still being looked for (or not found) whose quote and context say it
        is this passage, which is then placed here (the key answered at once, without
        waiting for the search, and without a second highlight)."""
        for placed in self.in_range(start, end):
            if (placed.start, placed.end) == (start, end):
                return placed.id
        text = self.article.text
        for highlight in list(self._highlights.values()):
            if self._places.get(highlight.id) is None and fits(text, highlight.anchor, start, end):
                # Placed here as the search would place it (which then leaves it alone).
                self._pending.add(highlight.id)
                self.apply_places({highlight.id: Placement(start, end, "quote")})
                return highlight.id
        return None

    def _describe(self, text: str, start: int, end: int) -> Anchor:
        return describe(
            text,
            start,
            end,
            block=self.article.block_at(start),
            fingerprint=self.article.fingerprint,
        )

    def _reorder(self) -> None:
        pending = self._pending
        placed: list[Placed] = []
        for h in self._highlights.values():
            start, end = self._places.get(h.id) or (None, None)
            placed.append(Placed(h, start, end, h.id in pending))
        placed.sort(key=lambda p: (p.orphan, p.start or 0, p.end or 0, p.highlight.created))
        self._order = placed
        self._starts = [p.start for p in placed if p.start is not None]

    # --- reading ----------------------------------------------------------------------

    def placed(self) -> list[Placed]:
        """Every highlight in document order, orphans last."""
        return self._order

    def get(self, highlight_id: str) -> Highlight | None:
        """The highlight with this id."""
        return self._highlights.get(highlight_id)

    def place_of(self, highlight_id: str) -> tuple[int, int] | None:
        """Where a highlight is now (None for an orphan)."""
        return self._places.get(highlight_id)

    def in_range(self, start: int, end: int) -> list[Placed]:
        """Placed highlights that overlap ``[start, end)`` (or touch it, when empty)."""
        high = bisect_left(self._starts, end if end > start else end + 1)
        stop = max(end, start + 1)
        return [
            p
            for p in self._order[:high]
            if p.start is not None and p.end is not None and p.end > start and p.start < stop
        ]

    def next_after(self, offset: int) -> Placed | None:
        """The first placed highlight that starts after ``offset``."""
        index = bisect_right(self._starts, offset)
        return self._order[index] if index < len(self._starts) else None

    def previous_before(self, offset: int) -> Placed | None:
        """The last placed highlight that starts before ``offset``."""
        index = bisect_left(self._starts, offset) - 1
        return self._order[index] if index >= 0 else None

    @property
    def orphans(self) -> list[Placed]:
        """Highlights that could not be placed (not those still being looked for)."""
        return [p for p in self._order if p.orphan and not p.pending]

    @property
    def to_check(self) -> list[Placed]:
        """Highlights moved where their context changed, not yet confirmed."""
        return [p for p in self._order if p.check]

    def saved(self) -> list[Highlight]:
        """The article's highlights as saved (what an export writes)."""
        return self.store.highlights(self.article.id)

    def links(self) -> list[CrossLink]:
        """Every cross-link with an end in this article, as saved."""
        return self.store.links_of(self.article.id)

    def all_tags(self) -> list[str]:
        """Every tag in use in the library, the most used first (suggestions for tags)."""
        return self.store.all_tags()

    # --- changing -----------------------------------------------------------------------

    def create(self, start: int, end: int, colour: Colour = Colour.YELLOW) -> Highlight:
        """Highlight ``[start, end)`` of the article's text."""
        stamp = now()
        highlight = Highlight(
            id=str(uuid.uuid4()),
            article_id=self.article.id,
            anchor=self._describe(self.article.text, start, end),
            colour=colour,
            created=stamp,
            modified=stamp,
        )
        self._commit(Change(None, highlight, "highlight", None, (start, end)))
        return highlight

    def update(self, highlight_id: str, what: str, **changes: Unpack[HighlightEdit]) -> Highlight:
        """Change a highlight's colour, tags or note; returns it as saved (with what another
        window changed meanwhile: its note too, beside this one)."""
        before = self._highlights[highlight_id]
        after = dataclasses.replace(before, modified=now(), **changes)
        place = self._places.get(highlight_id)
        self._commit(Change(before, after, what, place, place))
        return self._highlights.get(highlight_id, after)

    def reattach(self, highlight_id: str, start: int, end: int) -> Highlight:
        """Anchor an orphan (or any highlight) to a new passage: the reader's own choice,
        so it is not to be checked."""
        before = self._highlights[highlight_id]
        after = before.moved_to(self._describe(self.article.text, start, end), modified=now())
        self._pending.discard(highlight_id)
        self._commit(
            Change(before, after, "re-attach", self._places.get(highlight_id), (start, end))
        )
        return after

    def confirm(self, highlight_id: str) -> Highlight:
        """The reader checked a moved highlight: it is where it belongs (undoable)."""
        before = self._highlights[highlight_id]
        place = self._places.get(highlight_id)
        after = dataclasses.replace(before, check=False, orphan_in="", modified=now())
        self._commit(Change(before, after, "confirm", place, place))
        return after

    def delete(self, highlight_id: str, links: Iterable[CrossLink] = ()) -> Highlight:
        """Delete a highlight, and ``links`` with it (undo brings back all of them, with
        the note and tags)."""
        before = self._highlights[highlight_id]
        place = self._places.get(highlight_id)
        self._commit(Change(before, None, "delete", place, None, links_removed=tuple(links)))
        return before

    def keep_note(self, highlight_id: str, text: str) -> Highlight:
        """Keep ``text`` as the one note of a highlight whose note was written apart on
        two devices (the reader's choice, made in a dialog that says so: not on the undo
        stack). Returns the highlight as saved."""
        kept = self.store.keep_note(self.article.id, highlight_id, text).highlight(highlight_id)
        if kept is not None:
            self._highlights[highlight_id] = kept
            self._reorder()
        return self._highlights[highlight_id]

    def withdraw(self, highlight_id: str) -> None:
        """Take back a highlight made for a note that was then not written: gone as if
        never made, its undo entry too. One that another window has given a note or tags
        meanwhile stays."""
        highlight = self._highlights.get(highlight_id)
        if highlight is None:
            return
        stored = next(
            (h for h in self.store.highlights(self.article.id) if h.id == highlight_id), None
        )
        if stored is not None and (stored.note.strip() or stored.tags):
            self._highlights[highlight_id] = stored
            self._reorder()
            return
        self._apply(highlight, None, None)
        self._undo = [
            change
            for change in self._undo
            if not (change.before is None and change.after and change.after.id == highlight_id)
        ]

    def add_link(self, link: CrossLink) -> None:
        """Save a new link (undo removes it)."""
        self._commit(Change(None, None, "link", links_added=(link,)))

    def undo(self) -> Change | None:
        """Undo the last change; returns it, or None when there is nothing to undo."""
        if not self._undo:
            return None
        change = self._undo[-1]
        if change.before is not None or change.after is not None:
            self._apply(change.after, change.before, change.before_place)
        self._apply_links(added=change.links_removed, removed=change.links_added)
        self._undo.pop()
        return change

    def _commit(self, change: Change) -> None:
        if change.before is not None or change.after is not None:
            self._apply(change.before, change.after, change.after_place)
        self._apply_links(added=change.links_added, removed=change.links_removed)
        self._undo.append(change)
        del self._undo[:-UNDO_DEPTH]

    def _apply_links(self, *, added: tuple[CrossLink, ...], removed: tuple[CrossLink, ...]) -> None:
        for link in removed:
            self.store.delete_link(link.id)
        for link in added:
            self.store.save_link(link)

    def _apply(self, before: Highlight | None, after: Highlight | None, place: Span) -> None:
        """Write the change to the store first; only then update what is shown. (A place
        found in a provisional text is saved with the reader's change: the reader saw it.)"""
        changed = after or before
        held = self._held.pop(changed.id, None) if changed is not None else None
        if after is None:
            assert before is not None
            self.store.delete_highlight(before.article_id, before.id)
            self._highlights.pop(before.id, None)
            self._places.pop(before.id, None)
        else:
            # What another window changed in it meanwhile is kept, and shown from now on.
            base = held[0] if held is not None and before is not None else before
            after = self.store.save_highlight(after, base=base)
            self._highlights[after.id] = after
            self._places[after.id] = place
        self._reorder()
