"""``reader config``: where the settings file is, and ``--check``: what in it reader
cannot use, each line named as the app names it at start."""

from __future__ import annotations

import argparse
import sys

from reader.cli.common import say


def run_config(options: argparse.Namespace) -> int:
    """Say where the settings file is; with ``--check``, name each setting reader cannot
    use (exit status 1 if any)."""
    from reader.config import config_path, load

    path = config_path()
    if not options.check:
        where = "" if path.exists() else "  (not there: reader uses its defaults)"
        say(f"settings: {path}{where}")
        say("`reader config --check` names each setting in it that reader cannot use.")
        return 0
    if not path.exists():
        say(f"{path}: no settings file; reader uses its defaults.")
        return 0
    from reader.ui.keymap import settings_problems  # Textual: its themes and keys

    problems = settings_problems(load(path))
    for problem in problems:
        say(problem, sys.stderr)
    if problems:
        count = len(problems)
        said = f"{count} setting{'s' * (count != 1)} cannot be used"
        say(f"{path}: {said}; reader uses its own for {'them' if count != 1 else 'it'}.")
        return 1
    say(f"{path}: reader can use every setting in it.")
    return 0
