"""Anchors in an article's Markdown (<a id>, as reader add keeps a book's): read as places
that "#id" links lead to, never shown as words."""

from __future__ import annotations

from pathlib import Path

from reader.text.documents import load_text
from reader.text.links import resolve_href

TEXT = """\
# <a id="top"></a>The Title

A paragraph that links to [the note](#note-1) and [the section](#part-two).

## <a id="part-two"></a>Part two

Some words, then <a id="mid"></a>more words.

- <a id='item'></a>An item

<a name="note-1"></a>1. The note's own text.
"""


def test_anchors_are_places_not_words() -> None:
    article = load_text(TEXT, Path("book.md"))
    texts = [block.text for block in article.blocks]
    assert texts == [
        "The Title",
        "A paragraph that links to the note and the section.",
        "Part two",
        "Some words, then more words.",
        "An item",
        "1. The note's own text.",
    ]
    assert article.title == "The Title"
    assert [article.anchor(name) for name in ("top", "part-two", "mid", "item", "note-1")] == [
        0,
        2,
        3,
        4,
        5,
    ]
    assert article.anchor("nowhere") is None


def test_a_fragment_link_leads_to_its_anchor() -> None:
    article = load_text(TEXT, Path("book.md"))
    assert resolve_href("#note-1", article, None).block == 5
    assert resolve_href("#part-two", article, None).block == 2
    assert resolve_href("#mid", article, None).block == 3


def test_other_inline_html_is_still_shown_as_written() -> None:
    article = load_text("Keep <b>this</b> and <a href='x'>that</a>.\n", Path("page.md"))
    assert article.blocks[0].text == "Keep <b>this</b> and <a href='x'>that</a>."
    assert article.blocks[0].ids == ()
