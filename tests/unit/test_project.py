"""The project's promises about itself: the README's commands are the ones CI runs."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.*?)\n```", readme, re.DOTALL)
    quick_install, quick_test = commands[0].strip(), commands[1].strip()
    assert quick_install.endswith(".venv/bin/reader")
    assert quick_test.endswith("python -m pytest --slow")  # CI runs the slow tests too
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_test in ci


def test_sample_library_ships_the_seed_and_the_welcome_article() -> None:
    names = sorted(p.name for p in (ROOT / "articles").iterdir())
    assert names == ["canada-us-talks-digital-services-tax.md", "welcome-to-reader.md"]


def _imports() -> list[tuple[str, str]]:
    """(module file relative to the root, module it imports) for every import in reader/."""
    import ast

    found = []
    for path in sorted((ROOT / "reader").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(relative, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.append((relative, node.module))
                # "from reader import store" imports the module reader.db.store.
                found += [(relative, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _is(name: str, module: str) -> bool:
    return name == module or name.startswith(module + ".")


def test_only_the_ui_imports_textual_and_only_the_store_and_storage_import_tinydb() -> None:
    offenders = []
    for relative, name in _imports():
        if _is(name, "textual") and not relative.startswith("reader/ui/"):
            offenders.append(f"{relative} imports {name}")
        if _is(name, "tinydb") and not relative.startswith("reader/db/"):
            offenders.append(f"{relative} imports {name}")
    assert offenders == []


def test_widgets_get_their_data_from_above_not_from_the_store() -> None:
    """Nothing under reader/ui/ but the app (reader/ui/app/, which owns the store) imports
    reader.db.store."""
    offenders = [
        f"{relative} imports {name}"
        for relative, name in _imports()
        if relative.startswith("reader/ui/")
        and not relative.startswith("reader/ui/app/")
        and _is(name, "reader.db.store")
    ]
    assert offenders == []


CORE = ("export", "anchoring", "documents", "navigation", "layout", "column", "selection")


def test_the_core_imports_neither_the_store_nor_textual() -> None:
    """The core (export, anchoring, documents, navigation, layout...) works on model objects
    only."""
    core = tuple(f"reader/{name}" for name in CORE)
    offenders = [
        f"{relative} imports {name}"
        for relative, name in _imports()
        if relative.removesuffix(".py").startswith(core)
        and any(_is(name, banned) for banned in ("reader.db.store", "textual"))
    ]
    assert offenders == []


def test_the_model_depends_on_nothing_of_reader() -> None:
    offenders = [
        f"{relative} imports {name}"
        for relative, name in _imports()
        if relative == "reader/model.py" and _is(name, "reader")
    ]
    assert offenders == []


def test_the_layers_hold_and_nothing_imports_itself_in_a_circle() -> None:
    """import-linter's contracts in pyproject.toml: each package imports only from the layers
    below it, no package imports itself in a circle, and Textual, TinyDB and the web page
    and EPUB libraries are imported only in their own packages."""
    import subprocess
    import sys
    from pathlib import Path

    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


MAX_MODULE_LINES = 600
MAX_CLASS_LINES = 500


def test_modules_and_classes_stay_small_enough_to_read() -> None:
    """One room per feature: the reading screen was once one class of 1,200 lines that
    every new feature landed in."""
    import ast

    offenders = []
    for path in sorted((ROOT / "reader").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        source = path.read_text(encoding="utf-8")
        lines = len(source.splitlines())
        if lines > MAX_MODULE_LINES:
            offenders.append(f"{relative}: {lines} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ClassDef):
                length = (node.end_lineno or node.lineno) - node.lineno
                if length > MAX_CLASS_LINES:
                    offenders.append(f"{relative}: class {node.name} of {length} lines")
    assert offenders == []


def test_opening_an_article_does_not_import_the_screens_it_does_not_show() -> None:
    """Start-up cost: the editors, the link picker and the library load when first used."""
    import subprocess
    import sys

    code = (
        "import sys, reader.cli, reader.ui.app; "
        "print(sorted(m for m in sys.modules if m in {"
        "'reader.ui.dialogs.note_editor', 'reader.ui.dialogs.link_picker', "
        "'reader.ui.library.screen', "
        "'reader.ui.dialogs.help', 'reader.ui.notes.screen', 'reader.services.notes_index', "
        "'reader.ui.dialogs.contents', 'reader.ui.dialogs.footnote', "
        "'textual.widgets._text_area', 'textual.widgets._data_table', "
        "'rapidfuzz', 'pysbd'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_starting_the_app_does_not_import_the_intake_or_its_libraries() -> None:
    """reader add's libraries (trafilatura, lxml, ebooklib...) cost ~0.3 s to import: they
    load only when a source is added, never on the way to the first screen."""
    import subprocess
    import sys

    from tests.conftest import SAMPLE

    heavy = "trafilatura ebooklib lxml readability justext htmldate courlan charset_normalizer"
    code = f"""
import asyncio, sys
from pathlib import Path
import reader.cli
from reader.paths import resolve
from reader.cli.common import open_store
from reader.ui.app import ReaderApp

async def main() -> None:
    app = ReaderApp(open_store(resolve()), article=Path({str(SAMPLE)!r}))
    async with app.run_test() as pilot:
        await pilot.pause()

def loaded() -> list[str]:
    heavy = set({heavy.split()!r})
    intake = [m for m in sys.modules if m.startswith("reader.intake")]
    return sorted([m for m in sys.modules if m.split(".")[0] in heavy] + intake)

asyncio.run(main())
print(loaded())
import reader.intake.html, trafilatura  # what `reader add` loads: the check sees it
print(loaded())
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    started, adding = result.stdout.strip().splitlines()[-2:]
    assert started == "[]"
    assert "'trafilatura'" in adding and "'lxml'" in adding and "'reader.intake.html'" in adding


def test_requires_python_is_what_the_code_and_its_tools_are_set_for() -> None:
    # requires-python says which Pythons reader runs on; mypy, ruff and every module's
    # syntax must agree with its lower bound, and the code must need that bound (tomllib,
    # datetime.UTC are 3.11's), so that the bound is neither too low nor too high.
    import ast
    import sys
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requires = project["project"]["requires-python"]
    match = re.fullmatch(r">=3\.(\d+)", requires)
    assert match, (
        f"requires-python {requires!r}: a lower bound only (an upper one makes pip"
        " backtrack to old releases instead of saying why)"
    )
    lowest = (3, int(match[1]))
    assert sys.version_info[:2] >= lowest
    assert project["tool"]["mypy"]["python_version"] == f"3.{lowest[1]}"
    assert project["tool"]["ruff"]["target-version"] == f"py3{lowest[1]}"
    for path in sorted((ROOT / "reader").rglob("*.py")):
        ast.parse(path.read_text(encoding="utf-8"), str(path), feature_version=lowest)
    uses_311 = [name for _, name in _imports() if name in ("tomllib", "datetime.UTC")]
    assert uses_311 and lowest == (3, 11), "the code needs 3.11: the bound says so"
    classifiers = [c for c in project["project"]["classifiers"] if "Python :: 3." in c]
    listed = sorted(int(c.rsplit(".", 1)[1]) for c in classifiers if c.count(".") == 1)
    # The versions listed are those reader/memory.py's policy was checked against.
    assert listed[0] == lowest[1] and listed == list(range(listed[0], listed[-1] + 1))
