"""The article's life on screen: where it opens, the rest of a book loading in the
background, its file watched for changes (ctrl+r reloads), and the reading position shown
and saved."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType

from reader.db.storage import StoreError
from reader.memory import settle_loaded
from reader.model import Article, Block, ReadingPosition
from reader.text.documents import file_stamp as _file_state
from reader.ui.reading.messages import LookForMove, PositionChanged, Reload

if TYPE_CHECKING:
    from textual.timer import Timer

    from reader.text.links import Place
    from reader.ui.reading.host import ReadingHost

SAVE_DELAY = 1.5  # seconds after the reader stops moving before the position is saved
SETTLE_SECONDS = 2.0
"""A file changed this recently may still be being written: what placing finds in it is
saved once it has held still this long (or when the reader leaves it unchanged)."""


def unsettled(article: Article) -> bool:
    """Whether ``article``'s text may be only part of its file: it kept changing while it
    was read, or it had changed just before (another program may be writing it still)."""
    if not article.steady or article.stamp is None:
        return True
    return time.time() - article.stamp[0] / 1e9 < SETTLE_SECONDS


class ArticleLife:
    """Opens, loads, watches and leaves the article of a reading screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "Reload from disk", show=False, id="reload"),
        Binding(
            "L",
            "read_elsewhere",
            "Go where another device left off",
            show=False,
            id="last-read-elsewhere",
        ),
    ]

    FILE_CHECK_SECONDS = 2.0  # how often to look whether the article's file has changed

    _opened = 0  # reading screens mounted so far, in this process

    def __init__(
        self,
        screen: ReadingHost,
        rest: Iterator[list[Block]] | None,
        position: ReadingPosition | None,
        landing: Place | None,
    ) -> None:
        self.screen = screen
        self._rest = rest
        self._start = position
        # A place named by a heading, passage or quote, in a book still loading: found
        # in the whole text once it has loaded (until then, its recorded paragraph).
        complete = screen.article.complete
        self._landing = landing if landing is not None and not complete else None
        self._save_timer: Timer | None = None
        self._file_state: tuple[int, int] | None = None

    # --- opening ----------------------------------------------------------------------------

    def restore(self) -> None:
        """Put the cursor where the reader left off (or was sent), and show where that is."""
        ArticleLife._opened += 1
        if self._start is not None:
            self.screen.view.restore(self._start.block)
        self.show_position()

    def _elsewhere(self) -> tuple[str, ReadingPosition] | None:
        annotations = self.screen.annotations
        if annotations is None:
            return None
        with contextlib.suppress(OSError, StoreError):
            return annotations.store.read_further_elsewhere(self.screen.article.id)
        return None

    def go_where_read_elsewhere(self) -> None:
        """Go where another device left off, when it read further than this one."""
        found = self._elsewhere()
        if found is None:
            self.screen.notify("No other device read further in this article.")
            return
        _name, position = found
        self.screen.view.restore(position.block)
        self.show_position()

    def start(self) -> None:
        """Say what loading noticed, then load the rest of a book in the background and
        watch the file."""
        screen = self.screen
        article = screen.article
        found = self._elsewhere()
        if found is not None:
            name, position = found
            screen.notify(
                f"Last read on {name} at {position.progress:.0%}: press L to go there.",
                timeout=10,
            )
        if article.notice:
            screen.notify(article.notice, severity="warning")
        if article.complete:
            screen.call_after_refresh(self._settle_memory)
        if self._rest is not None and not article.complete:
            # Only once the first screen is painted: before it, each batch would hold it up.
            screen.call_after_refresh(self._start_loading)
        # The file as it was read: a change made between the read and now is noticed.
        self._file_state = article.stamp or _file_state(article.meta.path)
        if not article.steady:
            screen.notify(
                f"{article.meta.path} was being written while it was read, and may be "
                "incomplete: your highlights are shown where they fit, but none is moved "
                "for good. Press ctrl+r to read it again once it is written.",
                severity="warning",
                timeout=15,
            )
        screen.set_interval(self.FILE_CHECK_SECONDS, self._check_file)
        annotations = screen.annotations
        placed = annotations is not None and bool(annotations.placed())
        if screen.direct and not self._start and not placed:
            # Opened on its own, with nothing of the reader's: was it moved outside reader?
            # Looked for after the first paint, off the event loop (a pass over the articles).
            screen.call_after_refresh(lambda: screen.app.post_message(LookForMove(screen)))

    def _start_loading(self) -> None:
        self.screen.load_rest()  # the screen's worker, which calls load_rest below

    async def load_rest(self) -> None:
        """Append the rest of a long article in small batches, keeping keys responsive."""
        assert self._rest is not None
        screen = self.screen
        article = screen.article
        for batch in self._rest:
            first = len(article.blocks)
            article.extend(batch)
            screen.view.blocks_added(first)
            self.show_position()
            await asyncio.sleep(0)
        article.complete = True
        self._settle_memory()
        self._land()
        self.show_position()
        screen.article_loaded()

    def _land(self) -> None:
        """Move to the landing place, now findable in the whole text, unless the reader
        has moved on since arriving."""
        landing, self._landing = self._landing, None
        if landing is None:
            return
        view = self.screen.view
        arrived = self._start.block if self._start is not None else 0
        block = landing.block_in(self.screen.article)
        if block is not None and block != arrived and view.cursor == arrived:
            view.restore(block)

    def _settle_memory(self) -> None:
        """Exempt the loaded article from garbage collection (see
        :func:`~reader.memory.settle_loaded`)."""
        settle_loaded(first=ArticleLife._opened <= 1)

    # --- the file on disk -------------------------------------------------------------------

    def _check_file(self) -> None:
        """Tell the reader, once per change, that the file was edited, moved or deleted.

        What is on screen stays as it was loaded: highlights are made on that text and
        saved, so nothing is lost; ctrl+r reloads the new text and re-places them.
        """
        path = self.screen.article.meta.path
        state = _file_state(path)
        if state == self._file_state:
            self.settle()
            return
        self._file_state = state
        if state is None:
            self.screen.notify(
                f"{path} was moved or deleted. You can go on reading and annotating this "
                "copy: your highlights and notes are kept in reader's database.",
                severity="warning",
                timeout=15,
            )
        else:
            self.screen.notify(
                f"{path} changed on disk. Press ctrl+r to reload it; your highlights will "
                "be placed in the new text.",
                severity="warning",
                timeout=15,
            )

    def settle(self, *, leaving: bool = False) -> None:
        """Save what placing found in a file read just after it changed, once the file has
        held still since (``leaving``: the reader is leaving it, unchanged): it was read
        whole. A file that changed while it was read is never settled: ctrl+r reads it
        again."""
        screen = self.screen
        annotations = screen.annotations
        article = screen.article
        if annotations is None or not annotations.provisional or not article.steady:
            return
        if _file_state(article.meta.path) != article.stamp:
            return  # changed since: what was found is not saved (ctrl+r places anew)
        if not leaving and unsettled(article):
            return
        try:
            annotations.commit()
        except StoreError as error:
            screen.store_failed(error)

    def reload(self) -> None:
        """Read the article's file again, keeping the place and re-placing highlights."""
        self.save_position()
        self.screen.app.post_message(Reload(self.screen))

    # --- the reading position ---------------------------------------------------------------

    def show_position(self) -> None:
        """Show in the header which paragraph the cursor is on, and how far that is."""
        screen = self.screen
        blocks = screen.article.blocks
        header = screen.header
        if not blocks:
            header.show_position("empty")
            return
        cursor = screen.view.cursor
        where = f"¶ {cursor + 1:,} / {len(blocks):,}"
        if not self._one_screenful():  # all of it on the screen: no "100%" at its top
            where += f"  {self._progress(cursor) * 100:3.0f}%"
        if not screen.article.complete:
            where += "  (loading…)"
        header.show_position(where)

    def _one_paragraph(self) -> bool:
        article = self.screen.article
        return article.complete and len(article.blocks) == 1

    def _below(self) -> int:
        """Lines of the article below the screen when it is scrolled to its top."""
        view = self.screen.view
        return view.column.total - view.size.height

    def _one_screenful(self) -> bool:
        """A one-paragraph article that the screen shows whole."""
        return self._one_paragraph() and self._below() <= 0

    def _progress(self, index: int) -> float:
        """How far the reader is: by paragraph, or, in an article of one paragraph, by
        how far down it the screen is (its top is 0%, not 100%)."""
        article = self.screen.article
        blocks = article.blocks
        if self._one_paragraph():
            below = self._below()
            return 1.0 if below <= 0 else min(1.0, self.screen.view.scroll_offset.y / below)
        if len(blocks) <= 1:
            return 1.0 if blocks else 0.0
        if not article.complete:
            return index / len(blocks)
        return index / (len(blocks) - 1)

    def current_position(self) -> ReadingPosition:
        """Where the reader is now."""
        index = self.screen.view.cursor
        blocks = self.screen.article.blocks
        offset = blocks[index].start if blocks else 0
        return ReadingPosition(index, offset, self._progress(index))

    def save_soon(self) -> None:
        """Save the position once the reader has stopped moving for SAVE_DELAY seconds."""
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.screen.set_timer(SAVE_DELAY, self.save_position)

    def save_position(self) -> None:
        """Ask the app to save the reading position now."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        screen = self.screen
        if screen.article.blocks:
            # Straight to the app, so the save is queued before whatever follows a close.
            screen.app.post_message(PositionChanged(screen.article, self.current_position()))
