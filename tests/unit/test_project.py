"""The project's promises about itself: the README's commands are the ones CI runs."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.*?)\n```", readme, re.DOTALL)
    quick_install, quick_test = commands[0].strip(), commands[1].strip()
    assert quick_install.endswith(".venv/bin/reader")
    assert quick_test.endswith("python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_test in ci


def test_sample_library_ships_the_seed_and_the_welcome_article() -> None:
    names = sorted(p.name for p in (ROOT / "articles").iterdir())
    assert names == ["canada-us-talks-digital-services-tax.md", "welcome-to-reader.md"]
