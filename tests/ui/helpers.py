"""Helpers for Pilot tests: build the app as the CLI does and read what is on screen."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from reader.text.column import GUTTER, shape_of
from reader.text.display import visible
from reader.ui.app import ReaderApp
from tests.stores import notes_store

SIZE = (100, 30)


def make_app(*, library: Path | None = None, article: Path | None = None) -> ReaderApp:
    """The app over the test's private database."""
    return ReaderApp(notes_store(), library=library, article=article)


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
        assert time.monotonic() < deadline, "the condition never came true:\n" + "\n".join(
            screen_lines(pilot.app)  # type: ignore[arg-type]
        )
        await pilot.pause(0.02)


async def library_read(pilot: Pilot) -> None:
    """Wait until the library screen has its articles (read in a worker thread)."""
    from reader.ui.library.screen import LibraryScreen

    app = pilot.app
    await wait_for(
        pilot, lambda: not isinstance(app.screen, LibraryScreen) or not app.screen.reading
    )
    await app.workers.wait_for_complete()
    await pilot.pause()


def raw_frame(app: ReaderApp) -> str:
    """The whole screen as the bytes written to the terminal: escape sequences in the
    app's colour system (a test forces it with ``textual.constants.COLOR_SYSTEM``)."""
    update = app.screen._compositor.render_update(full=True)
    assert update is not None
    return update.render_segments(app.console)


def sgr_cells(raw: str) -> list[tuple[str, str, str]]:
    """Each character drawn in ``raw``, with the SGR codes of its foreground and
    background in force (``"33"``, ``"48;5;235"``; ``""`` for the terminal's default)."""
    import re

    cells: list[tuple[str, str, str]] = []
    fg = bg = ""
    for match in re.finditer(r"\x1b\[([0-9;?]*)([A-Za-z])|([^\x1b]+)", raw):
        if match.group(3) is not None:
            cells += [(char, fg, bg) for char in match.group(3) if char not in "\r\n"]
            continue
        if match.group(2) != "m":
            continue  # cursor moves
        codes = match.group(1).split(";") if match.group(1) else ["0"]
        index = 0
        while index < len(codes):
            code = int(codes[index] or 0)
            if code in (38, 48):  # 38;5;N or 38;2;R;G;B
                width = 3 if codes[index + 1] == "5" else 5
                value = ";".join(codes[index : index + width])
                fg, bg = (value, bg) if code == 38 else (fg, value)
                index += width
                continue
            if code == 0:
                fg = bg = ""
            elif code == 39:
                fg = ""
            elif code == 49:
                bg = ""
            elif 30 <= code <= 37 or 90 <= code <= 97:
                fg = str(code)
            elif 40 <= code <= 47 or 100 <= code <= 107:
                bg = str(code)
            index += 1
    return cells


def colours_of(cells: list[tuple[str, str, str]], text: str) -> tuple[str, str]:
    """The foreground and background codes of the first character of ``text`` drawn."""
    drawn = "".join(char for char, _fg, _bg in cells)
    at = drawn.index(text)
    return cells[at][1], cells[at][2]
