"""Helpers for Pilot tests: build the app as the CLI does and read what is on screen."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from reader.column import GUTTER, shape_of
from reader.layout import visible
from reader.paths import resolve
from reader.store import Store
from reader.ui.app import ReaderApp

SIZE = (100, 30)


def make_app(*, library: Path | None = None, article: Path | None = None) -> ReaderApp:
    """The app over the test's private database."""
    return ReaderApp(Store(resolve().db), library=library, article=article)


def screen_lines(app: ReaderApp) -> list[str]:
    """The text of every row of the terminal, as the user sees it."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip).rstrip() for strip in strips]


def screen_text(app: ReaderApp) -> str:
    """The whole screen as one string."""
    return "\n".join(screen_lines(app))


def whole_lines_on_screen(app: ReaderApp) -> list[str]:
    """The lines of the article on screen that are not drawn as wrapped, each said with
    what it should be: empty when every line shows whole, first character to last, each in
    the cell it was measured at."""
    view = app.screen.view
    column = view.column
    region = view.scrollable_content_region
    rows = screen_lines(app)[region.y : region.bottom]
    top = int(view.scroll_offset.y)
    wrong = []
    for y, row in enumerate(rows):
        line = top + y
        if line >= column.total:
            break
        index = column.block_at_line(line)
        block = view.article.blocks[index]
        number = line - column.top_of(index)
        lines = column.wrapped(index)
        if number >= len(lines):
            continue  # the gap after a paragraph
        start, end = lines[number]
        shape = shape_of(block)
        prefix = shape.first if number == 0 else shape.rest
        wanted = (prefix + visible(block.text[start:end])).rstrip()
        text = row[region.x + column.left + GUTTER : region.right].rstrip()
        if text != wanted:
            wrong.append(f"{line}: {text!r} is not {wanted!r}")
    return wrong


def cursor_lines(app: ReaderApp) -> list[str]:
    """Rows that carry the cursor mark in the margin, without the mark."""
    return [line.split("▌", 1)[1].strip() for line in screen_lines(app) if "▌" in line]


def toasts(app: ReaderApp) -> list[str]:
    """The notifications on screen, each as one line of text (wrapping undone)."""
    lines = screen_lines(app)
    shown = []
    for toast in app.screen.query("Toast"):
        region = toast.content_region
        rows = (lines[y][region.x : region.right] for y in range(region.y, region.bottom))
        shown.append(" ".join(" ".join(row.split()) for row in rows).strip())
    return shown


def notified(app: ReaderApp, text: str) -> bool:
    """Whether a notification on screen says ``text`` (however its lines were wrapped)."""
    wanted = "".join(text.split())
    return any(wanted in "".join(toast.split()) for toast in toasts(app))


async def wait_for(pilot: Pilot, condition: Callable[[], object], limit: float = 10.0) -> None:
    """Let the app run until ``condition()`` holds (failing after ``limit`` seconds).

    For what a timer or a worker brings about: a fixed pause races it on a busy machine.
    """
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        await pilot.pause(0.02)


async def library_read(pilot: Pilot) -> None:
    """Wait until the library screen has its articles (read in a worker thread)."""
    from reader.ui.library_screen import LibraryScreen

    app = pilot.app
    await wait_for(
        pilot, lambda: not isinstance(app.screen, LibraryScreen) or not app.screen.reading
    )
    await app.workers.wait_for_complete()
    await pilot.pause()
