"""Snapshots of reader's key screens. Each docstring says what a reviewer should see.

Update after an intended change with ``pytest tests/snapshots --snapshot-update`` and
look at the report before committing.
"""

from __future__ import annotations

from tests.conftest import ARTICLES, DATA, SAMPLE, WELCOME
from tests.ui.helpers import make_app

SIZE = (100, 32)


def test_library(snap_compare) -> None:
    """The library of the two sample articles: progress, word count and title columns,
    the filter field above, the first row selected, key hints in the footer."""
    assert snap_compare(make_app(library=ARTICLES), terminal_size=SIZE)


def test_reading_sample(snap_compare) -> None:
    """The sample news article in a centred column of about 80 cells; the third
    paragraph ("Stung by Trump's action...") carries the cursor bar and a tinted
    background; the header shows the title and "¶ 3 / 34"."""
    assert snap_compare(make_app(article=SAMPLE), press=["j", "j"], terminal_size=SIZE)


def test_formatting(snap_compare) -> None:
    """Headings of three levels styled differently, emphasis/strong/code/strike/link
    inline styles, a nested quote with bars, bullets with hanging indents and a nested
    numbered list, a code block with its indentation, literal [bold] brackets and a
    visible ␛ placeholder for the escape character."""
    app = make_app(article=DATA / "formatting.md")
    assert snap_compare(app, terminal_size=(100, 40))


def test_search_matches(snap_compare) -> None:
    """The welcome article after searching "cursor": every match has a yellow
    background, the current one a solid highlight, the cursor on its paragraph."""
    app = make_app(article=WELCOME)
    assert snap_compare(app, press=["slash", *"cursor", "enter"], terminal_size=SIZE)


def test_help(snap_compare) -> None:
    """The help over the reading screen: sections Reading, Article and Everywhere, each
    key with what it does (j, ↓ Next; space Page down; / Search; q Back...)."""
    app = make_app(article=WELCOME)
    assert snap_compare(app, press=["question_mark"], terminal_size=(100, 40))
