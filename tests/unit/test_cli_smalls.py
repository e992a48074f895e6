"""Small things of the command line a new user trips over: options that would be ignored,
pages and books given to ``reader`` instead of ``reader add``, a deleted article's notes,
the words of a skipped file, and ``reader list`` in a narrow terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main
from reader.documents import article_id, load_article
from reader.model import Anchor, Highlight
from reader.paths import resolve
from reader.store import Store
from tests.conftest import WELCOME


def annotate(path: Path, note: str = "my own thought") -> None:
    """A highlight with a note on the article's second block, its library read first."""
    from reader.library import scan

    article = load_article(path)
    block = article.blocks[1]
    store = Store(resolve().db)
    scan(path.parent, store)
    store.save_highlight(
        Highlight(
            id="h1",
            article_id=article_id(path),
            anchor=Anchor(block.start, block.end, block.text, block=1),
            created="2026-01-01T00:00:00Z",
            modified="2026-01-01T00:00:00Z",
            note=note,
        )
    )
    store.close()


def test_a_deleted_articles_notes_export_by_the_id_reader_notes_shows(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    welcome = library / WELCOME.name
    annotate(welcome)
    quote = load_article(welcome).blocks[1].text
    welcome.unlink()
    assert main(["notes", "--json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    ident = record["article_id"]
    assert main(["export", "--library", str(library), ident]) == 0
    out = capsys.readouterr()
    assert out.err == (
        f"reader: {welcome} is gone; its notes are exported with the words each was made on, "
        "none placed in a text\n"
    )
    assert out.out.startswith('---\ntitle: "Welcome to reader"\n')
    assert f"> {quote}" in out.out and "my own thought" in out.out
    assert main(["export", "--library", str(library), "--format", "json", ident]) == 0
    (annotation,) = json.loads(capsys.readouterr().out)["first"]["items"]
    selectors = annotation["target"]["selector"]
    assert any(s.get("exact") == quote for s in selectors)
