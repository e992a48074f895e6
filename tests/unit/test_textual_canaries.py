"""Canaries for the private names of Textual (and Rich) that reader relies on.

Each private name is used for a reason given where it is used; a Textual release may rename
or reshape any of them without notice. These tests fail on such an upgrade, naming the name
and the reader module to update, instead of leaving reader to break at run time (a driver
that no longer survives a lost terminal, a paste cut in two, keys missing from the help).

A test at the end checks that every private Textual name reader's code uses is listed here.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path
from typing import NamedTuple

import pytest

import reader


class Canary(NamedTuple):
    owner: str
    """``module`` or ``module:Class`` that holds the name."""
    name: str
    kind: str
    """``import`` (a module-level name), ``method`` (with the parameters below), ``attr``
    (set on instances by the owner's code, or a class attribute or property)."""
    used_in: str
    parameters: tuple[str, ...] = ()


CANARIES = [
    Canary("textual._xterm_parser", "XTermParser", "import", "ui/terminal/driver.py"),
    Canary(
        "textual._xterm_parser:XTermParser",
        "feed",
        "method",
        "ui/terminal/driver.py",
        ("self", "data"),
    ),
    Canary(
        "textual._xterm_parser:XTermParser", "tick", "method", "ui/terminal/driver.py", ("self",)
    ),
    Canary("textual.drivers._writer_thread", "WriterThread", "import", "ui/terminal/driver.py"),
    Canary(
        "textual.drivers._writer_thread:WriterThread", "_queue", "attr", "ui/terminal/driver.py"
    ),
    Canary(
        "textual.drivers._writer_thread:WriterThread",
        "write",
        "method",
        "ui/terminal/driver.py",
        ("self", "text"),
    ),
    Canary(
        "textual.drivers._writer_thread:WriterThread",
        "stop",
        "method",
        "ui/terminal/driver.py",
        ("self",),
    ),
    # The driver swaps these two module globals for its own classes while it starts.
    Canary("textual.drivers.linux_driver", "WriterThread", "import", "ui/terminal/driver.py"),
    Canary("textual.drivers.linux_driver", "XTermParser", "import", "ui/terminal/driver.py"),
    Canary(
        "textual.drivers.linux_driver:LinuxDriver",
        "_writer_thread",
        "attr",
        "ui/terminal/driver.py",
    ),
    Canary(
        "textual.drivers.linux_driver:LinuxDriver",
        "_sigtstp_application",
        "method",
        "ui/terminal/driver.py",
        ("self", "*"),
    ),
    Canary(
        "textual.drivers.linux_driver:LinuxDriver",
        "_sigcont_application",
        "method",
        "ui/terminal/driver.py",
        ("self", "*"),
    ),
    Canary(
        "textual.drivers.linux_driver:LinuxDriver",
        "_run_input_thread",
        "method",
        "ui/terminal/driver.py",
        ("self",),
    ),
    Canary("textual._keyboard_protocol", "FUNCTIONAL_KEYS", "import", "ui/keynames.py"),
    Canary("rich._palettes", "EIGHT_BIT_PALETTE", "import", "ui/palette.py"),
    Canary("textual.filter:ANSIToTruecolor", "_terminal_theme", "attr", "ui/palette.py"),
    Canary("textual.app:App", "_driver", "attr", "ui/app/__init__.py"),
    Canary("textual.app:App", "_notifications", "attr", "ui/app/notices.py"),
    Canary("textual.app:App", "_refresh_notifications", "method", "ui/app/notices.py", ("self",)),
    Canary(
        "textual.app:App",
        "_unnotify",
        "method",
        "ui/app/notices.py",
        ("self", "notification", "refresh"),
    ),
    Canary("textual.screen:Screen", "_result_callbacks", "attr", "ui/reading/screen.py"),
    Canary(
        "textual.screen:Screen", "_pop_result_callback", "method", "ui/reading/screen.py", ("self",)
    ),
    Canary("textual.screen:Screen", "_modal_binding_chain", "attr", "ui/dialogs/help.py"),
    Canary("textual.dom:DOMNode", "_merged_bindings", "attr", "ui/keymap.py"),
    Canary(
        "textual.scroll_view:ScrollView",
        "_scroll_update",
        "method",
        "ui/reading/column_view.py",
        ("self", "virtual_size"),
    ),
    Canary(
        "textual.scroll_view:ScrollView",
        "_size_updated",
        "method",
        "ui/reading/column_view.py",
        ("self", "size", "virtual_size", "container_size", "layout"),
    ),
    Canary(
        "textual.widgets:TextArea",
        "_on_key",
        "method",
        "ui/dialogs/note_editor.py",
        ("self", "event"),
    ),
    Canary(
        "textual.widgets:TextArea",
        "_on_paste",
        "method",
        "ui/dialogs/note_editor.py",
        ("self", "event"),
    ),
]

# reader's own private names that happen to be spelled like one of Textual's (the check
# below cannot tell them apart by name alone): none of them touches Textual's.
COINCIDENT = {
    "_app",
    "_height",
    "_measure",
    "_query",
    "_reload",
    "_render",
    "_rows",
    "_search",
    "_selected",
    "_start",
    "_strips",
    "_timer",
    "_title",
    "_width",
}


def _owner(canary: Canary) -> object:
    module_name, _, class_name = canary.owner.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        pytest.fail(f"{module_name} is gone: update reader/{canary.used_in}", pytrace=False)
    if not class_name:
        return module
    owner = getattr(module, class_name, None)
    assert owner is not None, f"{canary.owner} is gone: update reader/{canary.used_in}"
    return owner


def _sets(cls: type, name: str) -> bool:
    """Whether the code of ``cls`` (or a base of it) sets ``self.<name>``."""
    for klass in inspect.getmro(cls):
        try:
            source = inspect.getsource(klass)
        except (OSError, TypeError):
            continue
        if f"self.{name} =" in source or f"self.{name}:" in source:
            return True
    return False


@pytest.mark.parametrize("canary", CANARIES, ids=lambda c: f"{c.owner}.{c.name}")
def test_a_private_name_reader_relies_on_is_still_there(canary: Canary) -> None:
    owner = _owner(canary)
    where = f"{canary.owner}.{canary.name}"
    fix = f"Textual changed {where}: update reader/{canary.used_in}, then this canary"
    if canary.kind == "import":
        assert hasattr(owner, canary.name), fix
    elif canary.kind == "attr":
        assert isinstance(owner, type)
        assert hasattr(owner, canary.name) or _sets(owner, canary.name), fix
    else:
        method = getattr(owner, canary.name, None)
        assert callable(method), fix
        parameters = tuple(
            "*" if p.kind is p.VAR_POSITIONAL else p.name
            for p in inspect.signature(method).parameters.values()
            if p.kind is not p.VAR_KEYWORD
        )
        assert parameters == canary.parameters, f"{fix} (its parameters are now {parameters})"


def _private_names_used() -> dict[str, set[str]]:
    """Every private name reader's UI reads, calls or defines (``x._name``, ``def _name``),
    with the modules that do, and every private module it imports from."""
    root = Path(reader.__file__).parent
    used: dict[str, set[str]] = {}
    for path in sorted((root / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        relative = str(path.relative_to(root))
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.Attribute):
                name = node.attr
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = node.name
            elif (
                isinstance(node, ast.ImportFrom)
                and node.module
                and any(
                    p.startswith("_") and not p.startswith("__") for p in node.module.split(".")
                )
            ):
                used.setdefault(f"module {node.module}", set()).add(relative)
            if name and name.startswith("_") and not name.startswith("__"):
                used.setdefault(name, set()).add(relative)
    return used


def _textual_defines(name: str) -> bool:
    import textual

    pattern = (f"def {name}(", f"self.{name} =", f"self.{name}:", f"    {name}: ", f"    {name} =")
    return any(
        any(text in path.read_text(encoding="utf-8") for text in pattern)
        for path in Path(textual.__file__).parent.rglob("*.py")
    )


def test_every_private_textual_name_reader_uses_has_a_canary() -> None:
    known = {canary.name for canary in CANARIES} | COINCIDENT
    private_modules = {f"module {c.owner.partition(':')[0]}" for c in CANARIES}
    missing = []
    for name, modules in _private_names_used().items():
        if name.startswith("module "):
            if name not in private_modules:
                missing.append(f"{name} (imported in {', '.join(sorted(modules))})")
        elif name not in known and _textual_defines(name):
            missing.append(f"{name} (in {', '.join(sorted(modules))})")
    assert missing == [], (
        "reader uses Textual's private names with no canary: add each to CANARIES in "
        f"tests/unit/test_textual_canaries.py (or to COINCIDENT if it is reader's own): {missing}"
    )
