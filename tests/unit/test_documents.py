"""Files into articles: formats, encodings, titles, offsets and progressive loading."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.model import BlockKind, SpanKind
from reader.text.documents import (
    DocumentError,
    article_id,
    decode,
    describe_file,
    load_article,
    load_text,
    open_article,
)
from reader.text.front_matter import split_front_matter
from tests.conftest import DATA, SAMPLE, book_text


def texts(article) -> list[str]:
    return [block.text for block in article.blocks]


def assert_offsets(article) -> None:
    """Every block's start/end must point at its own text in the canonical text."""
    text = article.text
    for block in article.blocks:
        assert text[block.start : block.end] == block.text


def test_sample_article_keeps_every_paragraph_of_the_seed() -> None:
    seed = (DATA / "seed-article.txt").read_text(encoding="utf-8").split("\n")
    read_more = seed.index("Read more")
    article = load_article(SAMPLE)
    expected = seed[:read_more] + ["Read more"] + [line[2:] for line in seed[read_more + 1 :]]
    assert texts(article) == expected
    assert article.blocks[read_more].kind is BlockKind.HEADING
    assert all(b.kind is BlockKind.ITEM for b in article.blocks[read_more + 1 :])
    assert article.title.startswith("Canada-US talks resume")
    assert article.meta.source == "World Socialist Web Site"
    assert_offsets(article)


def test_text_with_blank_lines_splits_into_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("First line\nstill first.\n\n\nSecond.\n  \nThird.\n", encoding="utf-8")
    article = load_article(path)
    assert texts(article) == ["First line still first.", "Second.", "Third."]
    assert article.title == "Notes"


def test_text_without_blank_lines_is_one_paragraph_per_line(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text("One.\nTwo.\nThree.", encoding="utf-8")
    assert texts(load_article(path)) == ["One.", "Two.", "Three."]


def test_bom_and_crlf_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes("\ufeffAlpha\r\n\r\nBeta\rGamma".encode())
    article = load_article(path)
    assert texts(article) == ["Alpha", "Beta Gamma"]
    assert not article.text.startswith("\ufeff")


def test_invalid_utf8_falls_back_to_cp1252_with_a_notice() -> None:
    text, notice = decode("café".encode("cp1252"), "old.txt")
    assert text == "café"
    assert "old.txt" in notice and "Windows-1252" in notice


@pytest.mark.parametrize("data", [b"abc\x00def", b"\x89PNG\r\n\x1a\n....", b"%PDF-1.7"])
def test_binary_files_are_refused(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "thing.md"
    path.write_bytes(data)
    with pytest.raises(DocumentError, match="binary"):
        load_article(path)


def test_missing_file_and_folder_give_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        load_article(tmp_path / "nope.md")
    with pytest.raises(DocumentError, match="folder"):
        load_article(tmp_path)


def test_empty_file_is_an_empty_article(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("  \n\n ", encoding="utf-8")
    article = load_article(path)
    assert article.blocks == [] and article.complete and article.text == ""


def test_title_comes_from_front_matter_then_heading_then_file_name(tmp_path: Path) -> None:
    front = tmp_path / "a.md"
    front.write_text("---\ntitle: 'It''s here'\n---\n# Heading\n\nText", encoding="utf-8")
    heading = tmp_path / "b.md"
    heading.write_text("Intro\n\n# The *Real* Title\n\nText", encoding="utf-8")
    name = tmp_path / "my_long-read.md"
    name.write_text("Just text.", encoding="utf-8")
    assert load_article(front).title == "It's here"
    assert load_article(heading).title == "The Real Title"
    assert load_article(name).title == "My long read"
    assert describe_file(front)[0].title == "It's here"


def test_front_matter_is_not_part_of_the_text() -> None:
    fields, body = split_front_matter('---\ntitle: "A \\"quoted\\" title"\nsource: x\n---\nBody')
    assert fields == {"title": 'A "quoted" title', "source": "x"}
    assert body == "Body"


def test_a_double_quoted_title_reads_its_escapes_as_yaml_does(tmp_path: Path) -> None:
    # The fast path read "Caf\u00e9" as "Cafu00e9": every backslash was simply dropped.
    path = tmp_path / "cafe.md"
    path.write_text('---\ntitle: "Caf\\u00e9"\n---\nText', encoding="utf-8")
    assert load_article(path).title == "Café"
    escapes = {
        r'"Caf\u00e9 \x41\U0001F600"': "Café A😀",
        r'"\ud83d\ude00 pair"': "😀 pair",  # JSON's way with a character past U+FFFF
        r'"tab\there, \"quoted\", back\\slash, \/"': 'tab\there, "quoted", back\\slash, /',
        r'"\N\_\L\P\0\a\b\v\f\r\e\ "': "\x85\xa0\u2028\u2029\x00\x07\x08\x0b\x0c\r\x1b ",
        r'"not an escape: \q \u12"': r"not an escape: \q \u12",  # kept as written
        r"'single ''quoted'' \u00e9'": r"single 'quoted' \u00e9",  # no escapes in '...'
    }
    for written, read in escapes.items():
        fields, _body = split_front_matter(f"---\ntitle: {written}\n---\nBody")
        assert fields["title"] == read, written


def test_markdown_blocks_and_inline_spans() -> None:
    article = load_text(
        "# Title *em*\n\nA [link](https://example.org) with `code`, **bold** and _em_.\n\n"
        "> quoted\n> > deeper\n\n1. one\n2. two\n   - nested\n\n```py\nx = 1\n\ny = 2\n```\n"
    )
    kinds = [(b.kind, b.level, b.marker) for b in article.blocks]
    assert kinds == [
        (BlockKind.HEADING, 1, ""),
        (BlockKind.PARAGRAPH, 0, ""),
        (BlockKind.QUOTE, 1, ""),
        (BlockKind.QUOTE, 2, ""),
        (BlockKind.ITEM, 1, "1."),
        (BlockKind.ITEM, 1, "2."),
        (BlockKind.ITEM, 2, "•"),
        (BlockKind.CODE, 0, ""),
    ]
    paragraph = article.blocks[1]
    assert paragraph.text == "A link with code, bold and em."
    spans = {(paragraph.text[s.start : s.end], s.kind, s.href) for s in paragraph.spans}
    assert spans == {
        ("link", SpanKind.LINK, "https://example.org"),
        ("code", SpanKind.CODE, None),
        ("bold", SpanKind.STRONG, None),
        ("em", SpanKind.EMPHASIS, None),
    }
    assert article.blocks[-1].text == "x = 1\n\ny = 2"
    assert_offsets(article)


def test_markup_in_article_text_is_kept_as_text() -> None:
    article = load_text("Press [bold]this[/bold] or [@click=app.quit]that[/].\n")
    assert article.blocks[0].text == "Press [bold]this[/bold] or [@click=app.quit]that[/]."


def test_progressive_loading_gives_the_same_blocks_as_one_pass(book: Path) -> None:
    article, rest = open_article(book)
    assert not article.complete
    first = len(article.blocks)
    batches = 0
    for batch in rest:
        article.extend(batch)
        batches += 1
    assert article.complete and batches >= 2 and first < len(article.blocks)
    whole = load_text(book_text(), Path("same.md"))
    assert texts(article) == texts(whole)
    assert [b.start for b in article.blocks] == [b.start for b in whole.blocks]
    assert article.headings == [i for i, b in enumerate(whole.blocks) if b.kind == "heading"]
    assert_offsets(article)


def test_article_ids_are_stable_and_distinct(tmp_path: Path) -> None:
    assert article_id(tmp_path / "a.md") == article_id(tmp_path / "." / "a.md")
    assert article_id(tmp_path / "a.md") != article_id(tmp_path / "b.md")


def test_fingerprint_follows_the_content(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("One.", encoding="utf-8")
    before = load_article(path).fingerprint
    assert load_article(path).fingerprint == before
    path.write_text("One!", encoding="utf-8")
    assert load_article(path).fingerprint != before


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_any_text_loads_with_consistent_offsets(text: str) -> None:
    for name in ("any.md", "any.txt"):
        article = load_text(text, Path(name))
        assert_offsets(article)
        assert all(block.text.strip() for block in article.blocks)


def test_a_reference_link_defined_at_the_end_of_a_long_file_resolves() -> None:
    from reader.model import SpanKind
    from reader.text.documents import load_text

    filler = "\n\n".join(f"Paragraph {n} " + "words " * 30 for n in range(2000))
    text = f"See [the source][ref] first.\n\n{filler}\n\n[ref]: https://example.com/a\n"
    article = load_text(text, Path("long.md"))
    links = [span for span in article.blocks[0].spans if span.kind is SpanKind.LINK]
    assert [span.href for span in links] == ["https://example.com/a"]


def test_a_hostile_heading_line_is_read_in_linear_time() -> None:
    # "(.+?)[ \t#]*$" took 12 s on this 80 KB line; the bound is loose on purpose.
    import time

    line = "# a" + " #" * 40_000 + "x"
    started = time.perf_counter()
    article = load_text(line + "\n\nbody", Path("x.md"))
    assert time.perf_counter() - started < 2.0
    assert article.meta.title.startswith("a # #")
    assert load_text("# Closing ##\n\nbody", Path("x.md")).meta.title == "Closing"
    assert load_text("# C#\n\nbody", Path("x.md")).meta.title == "C#"


# --- issue 21: a file rewritten while it is read -------------------------------------------


def _growing(monkeypatch: pytest.MonkeyPatch, path: Path, whole: str, partial_reads: int) -> list:
    """Reads of ``path`` that find another program writing it: the first ``partial_reads``
    get part of it, and the file has grown by the time each is done (to ``whole`` after
    the last of them)."""
    import reader.text.documents as documents

    real = documents._read
    calls: list[int] = []

    def read(target: Path, limit: int = -1) -> bytes:
        data = real(target, limit)
        calls.append(len(data))
        if len(calls) <= partial_reads:
            grown = whole if len(calls) == partial_reads else whole[: 1000 * len(calls)]
            target.write_text(grown, encoding="utf-8")
        return data

    monkeypatch.setattr(documents, "_read", read)
    monkeypatch.setattr("time.sleep", lambda seconds: None)  # the writer needs no moment here
    return calls


def test_a_file_that_changes_while_it_is_read_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.text.documents import read_source

    whole = "# Title\n\n" + "\n\n".join(f"Paragraph {n} of the book." for n in range(2000))
    path = tmp_path / "book.md"
    path.write_text(whole[:100], encoding="utf-8")
    calls = _growing(monkeypatch, path, whole, partial_reads=2)
    source = read_source(path)
    assert source.text == whole and source.steady and len(calls) == 3
    assert source.stamp == (path.stat().st_mtime_ns, path.stat().st_size)

    from reader.text.documents import READ_TRIES

    path.write_text(whole[:100], encoding="utf-8")
    calls = _growing(monkeypatch, path, whole, partial_reads=READ_TRIES)
    source = read_source(path)
    assert not source.steady and len(calls) == READ_TRIES  # it never held still
    path.write_text(whole[:100], encoding="utf-8")
    _growing(monkeypatch, path, whole, partial_reads=READ_TRIES)
    assert not open_article(path)[0].steady  # the app then saves no place found in it
