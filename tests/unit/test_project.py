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


def test_only_the_ui_imports_textual_and_only_the_store_and_storage_import_tinydb() -> None:
    import ast

    offenders = []
    for path in sorted((ROOT / "reader").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top == "textual" and not relative.startswith("reader/ui/"):
                    offenders.append(f"{relative} imports {name}")
                if top == "tinydb" and relative not in ("reader/store.py", "reader/storage.py"):
                    offenders.append(f"{relative} imports {name}")
    assert offenders == []


def test_opening_an_article_does_not_import_the_screens_it_does_not_show() -> None:
    """Start-up cost: the editors, the link picker and the library load when first used."""
    import subprocess
    import sys

    code = (
        "import sys, reader.cli, reader.ui.app; "
        "print(sorted(m for m in sys.modules if m in {"
        "'reader.ui.note_editor', 'reader.ui.link_picker', 'reader.ui.library_screen', "
        "'reader.ui.help_screen', 'textual.widgets._text_area', 'textual.widgets._data_table', "
        "'rapidfuzz'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
