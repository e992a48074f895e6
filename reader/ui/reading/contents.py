"""The article's contents (``c``): the contents screen opened over the reading screen, the
jump to the heading chosen (on the back/forward history), and the chapter the header shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType

from reader.text.contents import contents, current
from reader.text.links import Place
from reader.ui.reading.messages import GoTo

if TYPE_CHECKING:
    from reader.ui.reading.host import ReadingHost


class Contents:
    """Opens the contents and names the chapter the cursor is in."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "contents", "Contents", show=False, id="contents"),
    ]

    def __init__(self, screen: ReadingHost) -> None:
        self.screen = screen

    def open(self) -> None:
        """Show the contents; the heading chosen is jumped to."""
        from reader.ui.dialogs.contents import ContentsScreen  # only when first asked for

        screen = self.screen
        article = screen.article
        starts = []
        if screen.annotations is not None:
            starts = [p.start for p in screen.annotations.placed() if p.start is not None]
        entries = contents(article, starts)
        if not entries:
            more = "" if article.complete else " yet (the rest is still loading)"
            screen.notify(f"This article has no headings{more}: there are no contents to show.")
            return
        here = current(entries, screen.view.cursor) if article.blocks else None

        def chosen(block: int | None) -> None:
            if block is not None:
                screen.app.post_message(GoTo(article.meta.path, Place(block=block)))

        screen.app.push_screen(ContentsScreen(article.title, entries, here), chosen)

    def chapter(self) -> str:
        """The heading of the section the cursor is in ("" before the first, and for a
        heading that only repeats the article's title)."""
        article = self.screen.article
        if not article.blocks:
            return ""
        index = article.section_of(self.screen.view.cursor)
        if index is None:
            return ""
        text = " ".join(article.blocks[index].text.split())
        return "" if text.casefold() == article.title.strip().casefold() else text
