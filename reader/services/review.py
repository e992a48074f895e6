"""The daily review: a few highlights a day, each seen again less often once known.

The schedule is a recall half-life, as Readwise's Mastery keeps one: a highlight rated
"soon" comes back tomorrow, "later" after twice its last interval (a week at least), "much
later" after four times it (four weeks at least). We chose this over FSRS: FSRS fits a
memory model to answers of recall (again, hard, good, easy) about cards one studies, and
needs many of them per card to beat a fixed schedule; a highlight is re-read, not tested,
and is seen a handful of times a year. Three plain choices say what a reader means, and a
date says when it comes back. What is seen, how it was rated and when is kept with the
highlight (:class:`reader.model.Review`), so it travels with the notes.

Which highlights a day brings is decided by the date and the highlights' ids alone: the
same on every run of that day (``reader review --print`` and the screen agree), different
from one day to the next. No Textual here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import Enum

from reader.model import Highlight, Review


class Rating(Enum):
    """What the reader says of a highlight just seen: when to see it again."""

    SOON = "soon"
    LATER = "later"
    MUCH_LATER = "much later"


FIRST_LATER = 7  # days: the first "later"
FIRST_MUCH_LATER = 28  # days: the first "much later"


def schedule(review: Review | None, rating: Rating, today: date) -> Review:
    """The review state after the reader rated a highlight on ``today``."""
    interval = review.interval if review is not None else 0
    if rating is Rating.SOON:
        interval = 1
    elif rating is Rating.LATER:
        interval = max(FIRST_LATER, interval * 2)
    else:
        interval = max(FIRST_MUCH_LATER, interval * 4)
    seen = (review.seen if review is not None else 0) + 1
    due = (today + timedelta(days=interval)).isoformat()
    return Review(due=due, interval=interval, seen=seen, last=today.isoformat())


def stopped(review: Review | None, today: date) -> Review:
    """The review state of a highlight the reader no longer wants to see."""
    base = review or Review(due=today.isoformat())
    return replace(base, stopped=True, last=today.isoformat())


@dataclass(frozen=True, slots=True)
class Day:
    """What the review holds on one day: the highlights to show (in order), and how many
    were already seen that day."""

    highlights: list[Highlight]
    seen_today: int

    @property
    def due(self) -> int:
        """How many are left to see today."""
        return len(self.highlights)


def today_of(
    highlights: Iterable[Highlight],
    today: date,
    per_day: int,
    keep: Callable[[Highlight], bool] = lambda _highlight: True,
) -> Day:
    """The highlights the review shows on ``today``: those whose time has come (the
    longest waiting first), then ones never seen, in an order of the day; at most
    ``per_day`` in all, counting those already seen today. ``keep`` narrows them (a tag,
    an article, a colour). A highlight that could not be placed is left out: its passage
    cannot be shown."""
    stamp = today.isoformat()
    waiting: list[tuple[str, str, Highlight]] = []
    new: list[tuple[str, Highlight]] = []
    seen_today = 0
    for highlight in highlights:
        if highlight.orphan_in or not keep(highlight):
            continue
        review = highlight.review
        if review is not None and review.last == stamp:
            seen_today += 1
            continue
        if review is not None and review.stopped:
            continue
        order = hashlib.sha1(f"{stamp}:{highlight.id}".encode()).hexdigest()
        if review is None:
            new.append((order, highlight))
        elif review.due <= stamp:
            waiting.append((review.due, order, highlight))
    waiting.sort(key=lambda item: item[:2])
    new.sort(key=lambda item: item[0])
    chosen = [h for *_, h in waiting] + [h for _, h in new]
    room = max(0, per_day - seen_today)
    return Day(chosen[:room], seen_today)


def streak(days: Iterable[str], today: date) -> int:
    """How many days in a row, ending today or yesterday, the reader reviewed (``days``:
    the dates of reviews, YYYY-MM-DD)."""
    done = set(days)
    day = today if today.isoformat() in done else today - timedelta(days=1)
    count = 0
    while day.isoformat() in done:
        count += 1
        day -= timedelta(days=1)
    return count


def rated(highlight: Highlight, rating: Rating | None, today: date) -> Highlight:
    """``highlight`` with its review state after the reader's answer (None: stop showing
    it)."""
    if rating is None:
        return replace(highlight, review=stopped(highlight.review, today))
    return replace(highlight, review=schedule(highlight.review, rating, today))
