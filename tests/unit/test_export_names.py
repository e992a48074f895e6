"""An article's export file keeps its name once written: its front matter records the
article, and a later export (`export --all`, the app's `e`) finds the file by it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.cli import main
from reader.model import Anchor, Highlight
from reader.notes.export import block_id
from reader.text.documents import load_article
from reader.text.keys import LIBRARIES
from tests.stores import notes_store


def annotate(path: Path, note: str) -> Highlight:
    """A highlight with ``note`` on the article's first paragraph, saved."""
    article = load_article(path)
    block = article.blocks[1]
    highlight = Highlight(
        id=f"id-{path.stem}-{len(note)}",
        article_id=article.id,
        anchor=Anchor(block.start, block.end, block.text, "", "", 1, article.fingerprint),
        note=note,
    )
    store = notes_store()
    store.save_highlight(highlight)
    store.close()
    return highlight


@pytest.fixture
def twins(tmp_path: Path) -> Path:
    """A library of two articles of one title, a.md and b.md (b sorts last)."""
    library = tmp_path / "lib"
    library.mkdir()
    LIBRARIES.register(library)  # as `--library` registers it, before its notes
    for name in ("a.md", "b.md"):
        (library / name).write_text(
            f"# Same title\n\nThe words of {name}, which differ.\n", encoding="utf-8"
        )
    return library


def export_all(library: Path, out: Path, *more: str) -> None:
    assert main(["export", "--all", "--library", str(library), "-o", str(out), *more]) == 0


def test_an_export_keeps_its_name_when_another_article_of_its_title_is_exported(
    twins: Path, tmp_path: Path
) -> None:
    """The issue's steps: annotate the one that sorts last, export, annotate the other,
    export again with --force. b's notes stay in the file they were written to."""
    out = tmp_path / "out"
    b = annotate(twins / "b.md", "note on b")
    export_all(twins, out)
    assert sorted(p.name for p in out.iterdir()) == ["Same title.md", "index.md"]
    first = (out / "Same title.md").read_text(encoding="utf-8")
    b_id = load_article(twins / "b.md").id
    assert f'article_id: "{b_id}"' in first
    assert f'article_file: "{(twins / "b.md").resolve()}"' in first
    annotate(twins / "a.md", "note on a")
    export_all(twins, out, "--force")
    a_id = load_article(twins / "a.md").id
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["Same title.md", f"Same title {a_id[:8]}.md", "index.md"]
    )
    kept = (out / "Same title.md").read_text(encoding="utf-8")
    assert "note on b" in kept and "note on a" not in kept
    assert f"^{block_id(b.id)}" in kept  # a link to b's highlight still leads to it
    assert "note on a" in (out / f"Same title {a_id[:8]}.md").read_text(encoding="utf-8")


def test_a_moved_article_keeps_its_export_s_name(twins: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    annotate(twins / "b.md", "note on b")
    export_all(twins, out)
    (twins / "news").mkdir()
    shutil.move(twins / "b.md", twins / "news" / "b.md")  # its notes follow it
    annotate(twins / "a.md", "note on a")
    export_all(twins, out, "--force")
    kept = (out / "Same title.md").read_text(encoding="utf-8")
    assert "note on b" in kept and str(twins / "news" / "b.md") in kept
    assert len(list(out.glob("Same title*.md"))) == 2  # a's beside it, none left over


def test_a_deleted_article_s_export_is_never_given_to_another_of_its_title(
    twins: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    annotate(twins / "b.md", "note on b")
    export_all(twins, out)
    (twins / "b.md").unlink()  # deleted: its notes stay in the database, under its id
    annotate(twins / "a.md", "note on a")
    export_all(twins, out, "--force")
    assert "note on b" in (out / "Same title.md").read_text(encoding="utf-8")
    assert "(its file is gone)" in capsys.readouterr().err
    (made,) = [p for p in out.glob("Same title *.md")]
    assert "note on a" in made.read_text(encoding="utf-8")
