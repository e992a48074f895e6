"""Placing the highlights of an article that changed: in a worker thread, those whose quote
is in the text at once, then the others a few at a time (the search for them has a limit, and
leaves the interface its turn), and what was done said in words that are true of it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from reader.db.storage import StoreError
from reader.model import Highlight
from reader.services.annotations import Annotations, Placing
from reader.text.anchoring import Budget, Placement, found_exactly

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.worker import Worker

    from reader.ui.reading.host import ReadingHost

SEARCH_BATCH = 8  # highlights looked for approximately between two showings of the pane


def _orphans_message(count: int, where: str) -> str:
    """What is said of highlights that could not be placed in ``where``."""
    several = count != 1
    return (
        f"{count} highlight{'s' * several} could not be placed in {where}. "
        f"{'They are' if several else 'It is'} kept with {'their notes' if several else 'its note'}"
        " under “Could not be placed” in the notes pane (p); select new text and press r to "
        f"re-attach {'one' if several else 'it'}."
    )


class Placer:
    """Places the highlights of the article on a reading screen, and says what it did."""

    def __init__(self, screen: ReadingHost) -> None:
        self.screen = screen
        self._placing = Placing()

    def place_highlights(self) -> None:
        """Find highlights made on an earlier version of the text (in a worker thread):
        those whose quote is in the text at once, then the others, a few at a time, each
        batch shown as it comes; the search for the lost ones has a limit (a Budget)."""
        annotations = self.screen.annotations
        if annotations is None:
            return
        unplaced = annotations.unplaced
        if not unplaced:
            self._tell_known_orphans()
            return
        text, fingerprint = self.screen.article.text, self.screen.article.fingerprint
        self._placing = Placing()
        self.screen.find_places(text, fingerprint, unplaced)  # batches come to places_found

    def places_found(self, found: dict[str, Placement | None], last: bool = True) -> None:
        """A batch of places found (by :func:`search_places`, in the screen's worker)."""
        screen = self.screen
        assert screen.annotations is not None
        try:
            self._placing.add(screen.annotations.apply_places(found))
        except StoreError as error:
            screen.store_failed(error)
            return
        screen.refresh_annotations()
        if last:
            self._tell_placing(self._placing)

    def _tell_placing(self, placing: Placing) -> None:
        """Say what placing did, in the words that are true of it."""
        screen = self.screen
        moved, checked, orphans = placing.moved, placing.checked, placing.orphans
        if moved:
            message = (
                f"The article changed; {moved} highlight{'s' * (moved != 1)} re-placed in "
                "the new text"
            )
            if checked:
                which = (
                    "where the words around changed"
                    if checked == moved
                    else f"{checked} of them where the words around changed"
                )
                message += (
                    f", {which}: marked “moved: check” in the notes pane (p), where c "
                    "confirms the place and r re-attaches to the selection."
                )
            else:
                message += "."
            severity: SeverityLevel = "warning" if checked else "information"
            screen.notify(message, severity=severity)
        if orphans:
            where = "the changed article" if placing.changed == orphans else "this article"
            message = _orphans_message(orphans, where)
            screen.notify(message, severity="warning", timeout=12)
        if screen.annotations is not None:
            known = len(screen.annotations.known_orphans) - orphans
            if known > 0:
                self._tell_known_orphans(known)

    def _tell_known_orphans(self, count: int | None = None) -> None:
        """Say that highlights found missing from this text before are still waiting."""
        annotations = self.screen.annotations
        if count is None:
            count = len(annotations.known_orphans) if annotations is not None else 0
        if count:
            self.screen.notify(_orphans_message(count, "this article"), timeout=8)


def search_places(
    annotations: Annotations,
    text: str,
    fingerprint: str,
    highlights: list[Highlight],
    worker: Worker[None],
) -> Iterator[tuple[dict[str, Placement | None], bool]]:
    """Look for ``highlights`` in ``text`` (in a worker thread): those whose quote is in the
    text at once, then the others a few at a time; each batch found, and whether it is the
    last. Nothing more once ``worker`` is cancelled."""
    # Between pieces of the search (a few ms each), Python's lock is left to the
    # interface for a moment: its event loop then lags 0.4-1.6 ms at the median while a
    # book cut short is searched, against 10 ms when the worker only yields it every
    # 5 ms as the interpreter makes it (benchmarks/replacing.py).
    budget = Budget(cancelled=lambda: worker.is_cancelled, pause=lambda: time.sleep(0.001))
    quick: list[Highlight] = []
    slow: list[Highlight] = []
    for highlight in highlights:
        exact = found_exactly(text, highlight.anchor, fingerprint=fingerprint)
        (quick if exact else slow).append(highlight)
    step = SEARCH_BATCH
    batches = [quick, *(slow[at : at + step] for at in range(0, len(slow), step))]
    batches = [batch for batch in batches if batch]
    for number, batch in enumerate(batches):
        found = annotations.find_places(text, batch, budget)
        if worker.is_cancelled:
            return
        yield found, number == len(batches) - 1
