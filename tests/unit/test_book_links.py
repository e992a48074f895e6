"""reader add keeps a book's own links: cross-references between its files, and footnote
marks, as links to anchors that the Markdown keeps and reader reads back."""

from __future__ import annotations

from pathlib import Path

from reader.intake import AddStatus, add_source
from reader.model import Article
from reader.text.documents import load_article
from reader.text.links import is_note_ref, note_text, resolve_href
from tests.conftest import DATA

INTERNAL = DATA / "epub" / "internallinks.epub"


def added(tmp_path: Path) -> tuple[Path, Article]:
    result = add_source(str(INTERNAL), tmp_path)
    assert result.status is AddStatus.ADDED, result.message()
    assert result.path is not None
    return result.path, load_article(result.path)


def links_of(article: Article, words: str) -> list[tuple[str, str]]:
    """(label, href) of the links of the first block holding ``words``."""
    block = next(b for b in article.blocks if words in b.text)
    return [(block.text[s.start : s.end], s.href or "") for s in block.spans if s.href]


def test_a_cross_reference_to_another_part_leads_to_it(tmp_path: Path) -> None:
    path, article = added(tmp_path)
    assert '<a id="' in path.read_text(encoding="utf-8")
    label, href = links_of(article, "これに対して、iBooksはMathML")[0]
    assert label == "表1･1 メジャーなEPUBリーダのMathJaxサポート"
    target = resolve_href(href, article, tmp_path)
    assert target.kind == "heading" and target.block is not None
    assert article.blocks[target.block].text.startswith("項目")  # the table it names
    for block in article.blocks:
        assert "<a" not in block.text  # anchors are places, not words


def test_a_footnote_mark_leads_to_its_note_and_the_note_back(tmp_path: Path) -> None:
    _path, article = added(tmp_path)
    label, href = links_of(article, "Readiumは3月にMathJax")[0]
    assert label == "[1]" and is_note_ref(label)
    note = resolve_href(href, article, tmp_path).block
    assert note is not None
    assert note_text(article, note) == "[1] Readium 0.19 update adds MathML support"
    # The note's own mark leads back to the paragraph that cites it.
    back_label, back = links_of(article, "[1] Readium 0.19 update")[0]
    assert back_label.strip() == "[1]"
    assert article.blocks[resolve_href(back, article, tmp_path).block or 0].text.startswith(
        "10月の主要EPUBリーダ"
    )


def test_footnote_marks_are_told_from_other_link_words() -> None:
    assert all(is_note_ref(mark) for mark in ("1", "[12]", "*", "†", "iv", "a", "^3"))
    assert not any(is_note_ref(words) for words in ("Chapter 1", "see here", "", "12345"))


def test_an_export_keeps_a_quoted_footnote_as_a_markdown_footnote(tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    from reader.model import Highlight
    from reader.notes import export
    from reader.text.anchoring import describe

    _path, article = added(tmp_path)
    index = next(i for i, b in enumerate(article.blocks) if "Readiumは3月にMathJax" in b.text)
    block = article.blocks[index]
    anchor = describe(article.text, block.start, block.end, block=index)
    notes = export.gather(article, [Highlight("h1", article.id, anchor)])
    text = export.to_markdown(notes, exported="2026-12-04")
    assert "MathML表示をサポートしました[^1](Readium 0.19" in text
    assert text.rstrip().endswith("[^1]: Readium 0.19 update adds MathML support")
    # A renderer that knows footnotes (markdown-it's plugin, as Obsidian and pandoc) links them.
    from mdit_py_plugins.footnote import footnote_plugin

    html = MarkdownIt("commonmark").use(footnote_plugin).render(text)
    assert 'class="footnote-ref"' in html and "Readium 0.19 update adds MathML support" in html


def test_a_book_s_annotation_links_are_notes_whatever_their_words(tmp_path: Path) -> None:
    from reader.model import SpanKind

    result = add_source(str(DATA / "epub" / "childrens-literature.epub"), tmp_path)
    assert result.path is not None
    article = load_article(result.path)
    assert '[Emperor\'s](#s04-s04-a01 "note")' in result.path.read_text(encoding="utf-8")
    block = next(b for b in article.blocks if "shows in detail how" in b.text)
    (note,) = [s for s in block.spans if s.kind is SpanKind.NOTE]
    assert block.text[note.start : note.end] == "Emperor's"
    target = resolve_href(note.href or "", article, tmp_path).block
    assert target is not None
    assert note_text(article, target) == "Transcriber's Note: original reads 'Emporer's'"
