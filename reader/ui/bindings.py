"""Every binding id of reader's screens and widgets: what a keymap in the settings can name;
and the app's own keys (here, below the app, so that the key check can name them without
importing the app, which imports it)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding

APP_BINDINGS: tuple[Binding, ...] = (
    Binding("ctrl+p", "command_palette", "Commands", show=False, id="command-palette"),
    Binding("ctrl+q", "quit", "Quit reader", show=False, priority=True, id="quit-app"),
    # As ctrl+q, from any screen and dialog, unless text is selected: then it copies.
    # It replaces Textual's "Press ctrl+q to quit" notice.
    Binding(
        "ctrl+c",
        "copy_or_quit",
        "Copy the selection, or quit reader",
        show=False,
        priority=True,
        id="quit-ctrl-c",
    ),
)
"""The keys of :class:`reader.ui.app.ReaderApp`, in force on every screen."""


def binding_ids() -> set[str]:
    """The ids of the bindings of every class in ``reader.ui`` and its packages (imports each
    module)."""
    import reader.ui

    ids: set[str] = set()
    for module_info in pkgutil.walk_packages(reader.ui.__path__, "reader.ui."):
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            for binding in getattr(cls, "BINDINGS", None) or ():
                binding_id = getattr(binding, "id", None)
                if binding_id:
                    ids.add(binding_id)
    return ids
