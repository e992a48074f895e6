"""The README and docs/: short enough to read, their links lead somewhere, their keys are
reader's keys, and the architecture page maps the tree as it is."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))

# A terminal or a browser window shows about 50 lines; three minutes' reading at about 300
# words a minute, tables and commands included.
SCREEN_LINES = 50
READING_WORDS = 1000


def _prose(text: str) -> str:
    """``text`` without its fenced code blocks (links and headings there are not links)."""
    return re.sub(r"^```.*?^```", "", text, flags=re.DOTALL | re.MULTILINE)


def _links(text: str) -> list[str]:
    """Every link and image target in ``text``'s prose."""
    return re.findall(r"\]\(([^)\s]+)\)", _prose(text))


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text, lower case, punctuation dropped, spaces
    as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text, not its target
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    found: set[str] = set()
    for line in _prose(path.read_text(encoding="utf-8")).splitlines():
        if match := re.match(r"#{1,6} (.+)", line):
            slug = _slug(match.group(1))
            n, unique = 0, slug
            while unique in found:  # GitHub numbers a repeated heading's anchor
                n += 1
                unique = f"{slug}-{n}"
            found.add(unique)
    return found


def test_the_readme_fits_on_three_screens() -> None:
    text = README.read_text(encoding="utf-8")
    lines, words = len(text.splitlines()), len(text.split())
    assert lines <= 3 * SCREEN_LINES, f"README.md has {lines} lines"
    assert words <= READING_WORDS, f"README.md has {words} words"


def test_the_readme_links_every_page_of_docs() -> None:
    linked = {target.split("#")[0] for target in _links(README.read_text(encoding="utf-8"))}
    pages = {f"docs/{page.name}" for page in PAGES}
    assert {"docs/keys.md", "docs/data.md", "docs/benchmarks.md", "docs/architecture.md"} <= pages
    assert pages - linked == set()


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda path: path.name)
def test_every_relative_link_leads_to_a_file_and_a_heading_there(page: Path) -> None:
    """As GitHub shows them: relative to the page, an anchor as GitHub makes it."""
    broken = []
    for target in _links(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        leads_nowhere = not path.exists() or not path.resolve().is_relative_to(ROOT)
        if leads_nowhere or (anchor and anchor not in _anchors(path)):
            broken.append(target)
    assert broken == []


def test_the_architecture_page_maps_every_package() -> None:
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    linked = {
        (DOCS / target).resolve().relative_to(ROOT).as_posix()
        for target in _links(text)
        if target.startswith("../reader/")
    }
    packages = {
        init.parent.relative_to(ROOT).as_posix()
        for init in (ROOT / "reader").rglob("__init__.py")
        if init.parent != ROOT / "reader"
    }
    assert packages - linked == set()


# How the docs write a key, and how Textual names it.
KEY_NAMES = {
    "↓": "down",
    "↑": "up",
    "←": "left",
    "→": "right",
    "pgdn": "pagedown",
    "pgup": "pageup",
    "/": "slash",
    "#": "number_sign",
    "?": "question_mark",
    "+": "plus",
    "{": "left_curly_bracket",
    "}": "right_curly_bracket",
    "[": "left_square_bracket",
    "]": "right_square_bracket",
}


def _bound_keys() -> set[str]:
    """Every key of a binding in reader.ui, and of those Textual's app and screens have."""
    from textual.app import App
    from textual.screen import Screen

    keys: set[str] = set()
    for binding in [*App.BINDINGS, *Screen.BINDINGS]:
        keys.update(binding[0].split(",") if isinstance(binding, tuple) else binding.key.split(","))
    for path in (ROOT / "reader" / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "Binding"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                keys.update(str(node.args[0].value).split(","))
    return keys


def _key_cells(text: str) -> list[str]:
    """The cells of every "key" column of ``text``'s tables."""
    cells: list[str] = []
    columns: list[int] = []
    for line in _prose(text).splitlines():
        if not line.startswith("|"):
            columns = []
            continue
        row = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not columns and not set(row[0]) <= set("-: "):
            columns = [i for i, cell in enumerate(row) if cell == "key"] or [-1]
        elif set(row[0]) <= set("-: "):
            continue
        else:
            cells += [row[i] for i in columns if i >= 0 and i < len(row)]
    return cells


def _textual_name(key: str) -> str:
    *modifiers, last = key.split("+") if len(key) > 1 else [key]
    return "+".join([*modifiers, KEY_NAMES.get(last, last)])


@pytest.mark.parametrize("page", [README, DOCS / "keys.md"], ids=lambda path: path.name)
def test_every_key_in_the_key_tables_is_a_key_reader_binds(page: Path) -> None:
    bound = _bound_keys()
    cells = _key_cells(page.read_text(encoding="utf-8"))
    keys = [key for cell in cells for key in re.findall(r"`([^`]+)`", cell)]
    assert len(keys) > 20  # the tables were read
    assert [key for key in keys if _textual_name(key) not in bound] == []
