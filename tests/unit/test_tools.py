"""reader's types and style, checked inside the suite, so that the README's test command (and
so CI) checks them: mypy --strict over reader/, ruff check and ruff format --check over
reader/ and tests/. mypy starts as collection ends and runs meanwhile (see tests/tools.py)."""

from __future__ import annotations

import re
import tomllib

from tests import tools
from tests.conftest import ROOT


def test_reader_passes_mypy_strict() -> None:
    result = tools.mypy_result()
    assert result.code == 0, f"mypy --strict (as pyproject.toml configures it):\n{result.output}"


def test_ruff_check_finds_nothing() -> None:
    result = tools.ruff("check")
    assert result.code == 0, f"ruff check reader tests:\n{result.output}"


def test_ruff_format_would_change_nothing() -> None:
    result = tools.ruff("format", "--check")
    assert result.code == 0, f"ruff format --check reader tests (run ruff format):\n{result.output}"


def test_mypy_is_configured_strict_over_all_of_reader() -> None:
    """The check above means what it says: strict, over reader/, with no module let off but
    reader.ui neither (issue 23, round 2: it was, while it was reshaped), and no library's
    missing types ignored wholesale."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["strict"] is True
    assert config["files"] == ["reader"]
    assert "ignore-without-code" in config["enable_error_code"]
    assert not config.get("ignore_missing_imports")
    assert config.get("overrides", []) == []


def test_every_type_ignore_names_its_error_and_says_why() -> None:
    """An ignore names the error it silences (mypy checks that, and that it is still needed)
    and gives its reason, after it or in a comment just above it."""
    offenders = []
    for path in sorted((ROOT / "reader").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            found = re.search(r"#\s*type:\s*ignore(\[[\w\-, ]+\])?(.*)$", line)
            if found is None:
                continue
            code, after = found.group(1), found.group(2).strip()
            above = lines[number - 1].strip() if number else ""
            if not code or not (after.startswith("#") or above.startswith("#")):
                offenders.append(f"{relative}:{number + 1}: {line.strip()}")
    assert offenders == []
