"""Notices (Textual's toasts): each shown once, and where it belongs.

Textual keeps notifications for the whole app and shows every one still within its time on
whatever screen comes next: "story.md was moved or deleted" followed the reader to the next
article, "Adding …" reappeared over an article opened meanwhile, and the same "Nothing to
undo." stacked once per key. Here a notice given again replaces the one showing (its time
starts again), and a notice belongs to the screen it was given on (the one under any
dialog): it is taken away once the reader has left that screen. A notice about reader as a
whole (the database, the settings, what a background task came to) is ``lasting``: it is
shown wherever the reader goes, for its time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.notifications import Notification, Notify
from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from textual.app import App


class Notices:
    """Which screen each notice belongs to; the same notice never twice at once."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._lasting: set[str] = set()  # identities of notices about reader as a whole
        self._owners: dict[str, Screen] = {}  # identity -> the screen it belongs to

    def start(self) -> None:
        """Follow the screens (once the app runs)."""
        self.app.screen_change_signal.subscribe(self.app, self._screen_changed)

    def make(
        self, message: str, title: str, severity, timeout: float, markup: bool, lasting: bool
    ) -> Notify:
        """The message that shows a notice (posted by the app)."""
        notification = Notification(message, title, severity, timeout, markup=markup)
        if lasting:
            self._lasting.add(notification.identity)
        return Notify(notification)

    def arrived(self, notification: Notification) -> None:
        """A notice is about to be shown: the same one showing is taken away first, and
        the new one belongs to the screen the reader is on (unless lasting)."""
        same = (notification.message, notification.title, notification.severity)
        for shown in self._shown():
            if (shown.message, shown.title, shown.severity) == same:
                self._take_away(shown)
        if notification.identity in self._lasting:
            return
        base = self._base()
        if base is not None:
            self._owners[notification.identity] = base

    def withdraw(self, message: str) -> None:
        """Take away the notice saying ``message`` (a task it announced is over)."""
        for shown in self._shown():
            if shown.message == message:
                self._take_away(shown)
        self.app._refresh_notifications()

    def _screen_changed(self, _screen: Screen) -> None:
        base = self._base()
        for shown in self._shown():
            owner = self._owners.get(shown.identity)
            if owner is not None and owner is not base:
                self._take_away(shown)
        alive = {shown.identity for shown in self._shown()}
        self._owners = {key: screen for key, screen in self._owners.items() if key in alive}

    def _shown(self) -> list[Notification]:
        return list(self.app._notifications)

    def _take_away(self, notification: Notification) -> None:
        self._owners.pop(notification.identity, None)
        self._lasting.discard(notification.identity)
        if notification in self.app._notifications:
            self.app._unnotify(notification, refresh=False)

    def _base(self) -> Screen | None:
        """The screen the reader is on, under any dialog."""
        for screen in reversed(self.app.screen_stack):
            if not isinstance(screen, ModalScreen):
                return screen
        return None
