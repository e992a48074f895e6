"""The daily review: today's highlights one at a time, each with the paragraphs around it,
and three keys to say when to see it again (:mod:`reader.services.review`)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from reader.db.storage import StoreError
from reader.model import Highlight
from reader.services.notes_index import HIGHLIGHT, NoteItem
from reader.services.review import Rating, rated, streak
from reader.text.display import visible
from reader.ui.host import reader_app
from reader.ui.notes.messages import OpenNote


def today() -> date:
    """Today's date (tests fix it)."""
    return date.today()


@dataclass(frozen=True, slots=True)
class Card:
    """A highlight to review, with what is shown around it."""

    highlight: Highlight
    title: str
    path: Path | None
    before: str
    paragraph: str
    after: str
    block: int | None


class ReviewScreen(Screen[None]):
    """Today's highlights, one at a time."""

    HELP_TITLE = "Review"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "rate('soon')", "Soon", id="review-soon"),
        Binding("2", "rate('later')", "Later", id="review-later"),
        Binding("3", "rate('much later')", "Much later", id="review-much-later"),
        Binding("x", "stop", "Stop showing", id="review-stop"),
        Binding("enter,o", "open", "Open at the passage", id="review-open"),
        Binding("escape,q", "dismiss", "Close", id="review-close"),
        Binding("question_mark", "app.help", "Help", show=False, id="help"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.today = today()
        self.cards: list[Card] = []
        self.done = 0  # rated (or stopped) in this sitting
        self.loaded = False
        self.days: list[str] = []  # the days reviewed on, read once with the highlights

    def compose(self) -> ComposeResult:
        yield Static("Review · reading today's highlights…", id="review-title")
        with VerticalScroll(id="review-body"):
            yield Static("", id="review-card")
        yield Footer()

    def on_mount(self) -> None:
        self.read_day()

    @work(thread=True, exclusive=True, group="review", name="review", exit_on_error=False)
    def read_day(self) -> None:
        """Choose today's highlights and read the paragraphs around each (in a thread)."""
        worker = get_current_worker()
        try:
            day, known = reader_app(self).review_day(self.today)
            days = review_days()
        except StoreError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        cards = [_card(h, known.get(h.article_id)) for h in day.highlights]
        if not worker.is_cancelled:
            self.app.call_from_thread(self._loaded, cards, days)

    def _failed(self, why: str) -> None:
        self.query_one("#review-title", Static).update(
            Text(f"Review · cannot read the notes: {why}")
        )

    def _loaded(self, cards: list[Card], days: list[str]) -> None:
        if not self.is_attached:
            return
        self.cards = cards
        self.days = days
        self.loaded = True
        self._show()

    @property
    def card(self) -> Card | None:
        """The highlight showing (None: none left today)."""
        return self.cards[0] if self.cards else None

    def _show(self) -> None:
        title = self.query_one("#review-title", Static)
        body = self.query_one("#review-card", Static)
        days = streak(self.days, self.today)
        run = f" · {days} day{'s' * (days != 1)} in a row" if days else ""
        card = self.card
        if card is None:
            title.update(Text(f"Review · done for today{run}"))
            body.update(
                Text(
                    "Nothing more to review today. Highlights come back on the day their time "
                    "comes; new ones join a few a day.",
                    style="italic",
                )
            )
            return
        left = len(self.cards)
        title.update(Text(f"Review · {left} left today{run}"))
        text = Text()
        text.append(visible(card.title) + "\n\n", style="bold")
        if card.before:
            text.append(visible(card.before) + "\n\n", style="dim")
        text.append(visible(card.paragraph) + "\n", style="reverse")
        if card.after:
            text.append("\n" + visible(card.after) + "\n", style="dim")
        if card.highlight.note.strip():
            text.append("\n✎ " + visible(card.highlight.note) + "\n", style="italic")
        text.append(
            "\n1 soon (tomorrow) · 2 later · 3 much later · x stop showing · enter open",
            style="dim",
        )
        body.update(text)

    def action_rate(self, rating: str) -> None:
        """Rate the highlight showing, and show the next."""
        self._answer(Rating(rating))

    def action_stop(self) -> None:
        """Never show the highlight showing again."""
        self._answer(None)

    def _answer(self, rating: Rating | None) -> None:
        card = self.card
        if card is None:
            return
        try:
            reader_app(self).save_review(rated(card.highlight, rating, self.today), card.highlight)
        except StoreError as error:
            self.notify(f"Not saved: {error}", severity="error", markup=False)
            return
        if self.today.isoformat() not in self.days:  # the first today: kept once
            self.days = sorted({*self.days, self.today.isoformat()})[-400:]
            _remember_days(self.days)
        self.cards.pop(0)
        self.done += 1
        self._show()

    def action_open(self) -> None:
        """Open the article at the highlight (q or backspace there comes back here)."""
        card = self.card
        if card is None:
            return
        h = card.highlight
        item = NoteItem(
            h.id,
            HIGHLIGHT,
            h.article_id,
            card.title,
            card.path,
            h.anchor.exact,
            h.note,
            h.tags,
            h.colour.value,
            h.created,
            h.modified,
            card.block,
        )
        self.post_message(OpenNote(item))


def _card(highlight: Highlight, known: tuple[Path, str] | None) -> Card:
    """What is shown of a highlight: its article's paragraphs before, at and after it."""
    from reader.text.anchoring import locate
    from reader.text.documents import DocumentError, load_article

    path, title = known if known is not None else (None, "")
    quote = " ".join(highlight.anchor.exact.split())
    if path is None:
        return Card(
            highlight, title or "an article reader no longer knows", None, "", quote, "", None
        )
    try:
        article = load_article(path)
    except (DocumentError, OSError):
        return Card(highlight, title or path.name, path, "", quote, "", None)
    # Found as the article itself finds its highlights, in the text as it is now.
    placement = locate(article.text, highlight.anchor, fingerprint=article.fingerprint)
    if placement is None:
        return Card(highlight, title or article.title, path, "", quote, "", None)
    index = article.block_at(placement.start)
    blocks = article.blocks
    before = blocks[index - 1].text if index > 0 else ""
    after = blocks[index + 1].text if index + 1 < len(blocks) else ""
    return Card(highlight, title or article.title, path, before, blocks[index].text, after, index)


def review_days() -> list[str]:
    """The days the reader reviewed on (kept in the data folder's state)."""
    from reader.paths import resolve
    from reader.state import load

    days = load(resolve().data_dir).get("review_days", [])
    return [str(day) for day in days] if isinstance(days, list) else []


def _remember_days(days: list[str]) -> None:
    """Keep the days reviewed on (never a failure to say)."""
    from reader.paths import resolve
    from reader.state import StateError, remember

    with contextlib.suppress(StateError):  # the streak is a nicety: the rating is saved
        remember(resolve().data_dir, review_days=days)
