"""Every binding id of reader's screens and widgets: what a keymap in the settings can name."""

from __future__ import annotations

import importlib
import inspect
import pkgutil


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
