"""The library screen keeps up with its folder: a file added, moved or deleted while it
shows appears there within a couple of seconds.

Cheaply: every :data:`EVERY` seconds, while the screen is the one showing, the time each of
its folders last changed is read (one ``stat`` a folder: the library's own and those its
articles are in), and the folder is read again when one has changed. Adding, removing or
renaming a file changes its folder's time; a subfolder made changes its parent's. A file
edited in place changes no folder's time: ``ctrl+r`` reads the library again for that.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.services.library import Library

if TYPE_CHECKING:
    from textual.message_pump import MessagePump
    from textual.timer import Timer

EVERY = 2.0
"""Seconds between two looks at the folders."""


def folders_of(library: Library) -> list[Path]:
    """The library's folder and every folder its articles are in (and those between)."""
    found = {library.folder}
    for name in library.folders:
        parts = Path(name).parts
        for depth in range(1, len(parts) + 1):
            found.add(library.folder.joinpath(*parts[:depth]))
    return sorted(found)


def stamps(folders: list[Path]) -> dict[Path, int | None]:
    """When each folder last changed (None: it cannot be looked at, or is gone)."""
    found: dict[Path, int | None] = {}
    for folder in folders:
        try:
            found[folder] = os.stat(folder).st_mtime_ns
        except OSError:
            found[folder] = None
    return found


class LibraryWatch:
    """Reads the library again when its folders change, while ``screen`` shows."""

    def __init__(
        self,
        screen: MessagePump,
        library: Callable[[], Library],
        read_again: Callable[[], bool],
    ) -> None:
        self.screen = screen
        self._library = library  # the library as the screen shows it now
        self._read_again = read_again  # False: a reading is under way already
        self._seen: dict[Path, int | None] = {}
        self._timer: Timer | None = None

    def start(self) -> None:
        """Look every few seconds from now on (the screen shows)."""
        self._seen = stamps(folders_of(self._library()))
        if self._timer is None:
            self._timer = self.screen.set_interval(EVERY, self.look)
        else:
            self._timer.resume()

    def stop(self) -> None:
        """Look no more until :meth:`start` (another screen is on top)."""
        if self._timer is not None:
            self._timer.pause()

    def look(self) -> None:
        """Read the library again if one of its folders changed since the last look."""
        now = stamps(folders_of(self._library()))
        # A folder that is new to the list (an article's new subfolder) is not a change
        # of its own: its parent's time already told.
        changed = any(folder in now and now[folder] != seen for folder, seen in self._seen.items())
        if not changed or self._read_again():
            self._seen = now
        # else: a reading was under way; the change is seen again at the next look
