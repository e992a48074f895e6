"""Shared fixtures. Every test runs with its own data folder, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from reader.text.keys import LIBRARIES

# Property tests draw the same examples on every run ("repeatable"), so that a red CI is a
# regression, never a new draw; `pytest --hypothesis-profile=explore` draws new ones, more
# of them, to look for what the repeatable draws miss (a find becomes an @example).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=1000)
settings.load_profile("repeatable")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
ARTICLES = ROOT / "articles"
SAMPLE = ARTICLES / "canada-us-talks-digital-services-tax.md"
WELCOME = ARTICLES / "welcome-to-reader.md"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow", action="store_true", help="also run the slow crash and fuzz tests (CI does)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests marked slow unless --slow is given: the everyday run stays quick."""
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow (CI does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point reader's data folder at a temporary one and forget any other override."""
    data = tmp_path / "data"
    monkeypatch.setenv("READER_DATA_DIR", str(data))
    monkeypatch.setenv("READER_CONFIG", str(tmp_path / "config.toml"))  # not the user's
    monkeypatch.delenv("READER_DB", raising=False)
    monkeypatch.delenv("READER_LIBRARY", raising=False)
    # Not the checkout: there `articles/` would be the library, and its notes vault would be
    # made in the project's own folder. And no library of an earlier test is known.
    monkeypatch.chdir(tmp_path)
    LIBRARIES.clear()
    return data


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A library folder holding copies of the two sample articles."""
    folder = tmp_path / "library"
    folder.mkdir()
    for sample in (SAMPLE, WELCOME):
        (folder / sample.name).write_bytes(sample.read_bytes())
    # The library reader is started on, as the command line registers it: its articles'
    # notes are kept in its vault, whether a test makes them before or after.
    LIBRARIES.register(folder)
    return folder


def book_text(chapters: int = 30, verses: int = 40) -> str:
    """A deterministic Markdown 'book' large enough to load in several batches."""
    lines = ["# The Test Book", ""]
    for chapter in range(1, chapters + 1):
        lines += [f"## Chapter {chapter}", ""]
        for verse in range(1, verses + 1):
            words = " ".join(f"word{(chapter * verse + n) % 97}" for n in range(40))
            lines += [f"{verse} Verse {chapter}:{verse} says {words}.", ""]
    return "\n".join(lines)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A Markdown book of 1,230 blocks (about 370 kB), loaded progressively."""
    path = tmp_path / "book.md"
    path.write_text(book_text(), encoding="utf-8")
    return path


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start mypy as soon as its test is known to run: it then checks reader/ on the core the
    tests leave idle, and its test only reads the result (see tests/tools.py)."""
    from tests import tools

    if session.config.option.collectonly:
        return
    if any(getattr(item, "originalname", "") == tools.MYPY_TEST for item in session.items):
        tools.start_mypy()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """End the checkers started in the background, should the run have stopped before them."""
    from tests import tools

    tools.stop()
