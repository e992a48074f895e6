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

from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.notifications import Notification, Notify, SeverityLevel
from textual.screen import ModalScreen, Screen

from reader.text.display import editable

if TYPE_CHECKING:
    from pathlib import Path

UNTIL_READ = 7 * 24 * 3600.0
"""The time of a notice that stays until the reader dismisses it (a click)."""


class Notices:
    """Which screen each notice belongs to; the same notice never twice at once."""

    def __init__(self, app: NoticingApp) -> None:
        self.app = app
        self._lasting: set[str] = set()  # identities of notices about reader as a whole
        self._owners: dict[str, Screen[Any]] = {}  # identity -> the screen it belongs to
        self._told_aside: set[Path] = set()  # recovery files the reader has been told of

    def start(self) -> None:
        """Follow the screens (once the app runs)."""
        self.app.screen_change_signal.subscribe(self.app, self._screen_changed)

    def make(
        self, message: str, title: str, severity: SeverityLevel, timeout: float, lasting: bool
    ) -> Notify:
        """The message that shows a notice (posted by the app)."""
        notification = Notification(message, title, severity, timeout)
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

    def put_aside(self, recovery: Path) -> None:
        """A change went to ``recovery``, beside this device's notes file of the article,
        which another program damaged (:attr:`reader.db.store.Store.on_aside`): it is kept,
        and shown as made. Said once, and left until the reader dismisses it. From any
        thread."""
        database = recovery.with_name(recovery.name.partition(".recovered-")[0])
        if recovery in self._told_aside:
            return
        self._told_aside.add(recovery)
        self.app.notify(
            f"{database} was damaged by another program while reader ran, and is "
            f"left as it is. What you change now is saved to {recovery.name} beside it: "
            "after quitting, run `reader recover` to merge it back. (A click dismisses this.)",
            title="Notes file damaged",
            severity="error",
            timeout=UNTIL_READ,
            lasting=True,
        )

    def withdraw(self, message: str) -> None:
        """Take away the notice saying ``message`` (a task it announced is over)."""
        for shown in self._shown():
            if shown.message == message:
                self._take_away(shown)
        self.app._refresh_notifications()

    def _screen_changed(self, _screen: Screen[Any]) -> None:
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

    def _base(self) -> Screen[Any] | None:
        """The screen the reader is on, under any dialog."""
        stack: list[Screen[Any]] = self.app.screen_stack
        for screen in reversed(stack):
            if not isinstance(screen, ModalScreen):
                base: Screen[Any] = screen
                return base
        return None


class NoticingApp(App[None]):
    """The app's side of notices: its ``notify``, the one place that decides how a notice is
    shown, and the handler that sees each notice before Textual shows it."""

    def __init__(self) -> None:
        super().__init__()
        self.notices = Notices(self)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
        lasting: bool = False,
    ) -> None:
        """Show a notice; control characters in it (a file name's, say) become
        placeholders, as everywhere else text is shown. It belongs to the screen the
        reader is on, unless ``lasting`` (about reader as a whole): see
        :mod:`reader.ui.app.notices`. Safe from any thread, as Textual's own.

        A notice is always text, never markup: what reader says carries titles, file names
        and addresses, which may hold square brackets. (``markup`` is taken for Textual's
        ``Widget.notify``, which passes ``markup=True`` unless told otherwise; it is not
        honoured.)
        """
        del markup  # see above: text, always
        self.post_message(
            self.notices.make(
                editable(message),
                editable(title),
                severity,
                self.NOTIFICATION_TIMEOUT if timeout is None else timeout,
                lasting,
            )
        )

    def on_notify(self, event: Notify) -> None:
        """Before Textual shows a notice: the same one showing is taken away."""
        self.notices.arrived(event.notification)
