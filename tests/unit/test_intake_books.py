"""reader add for EPUB books, lists of addresses, address normalisation and quality."""

from __future__ import annotations

import gzip
import http.server
import json
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.intake import AddStatus, add_source
from reader.intake.sources import parse_sources
from reader.model import BlockKind
from reader.text.addresses import normalise_url
from reader.text.documents import load_article, open_article
from reader.text.front_matter import split_front_matter
from tests.conftest import DATA
from tests.extraction_metric import score, score_page, shingles

EPUBS = DATA / "epub"
CHILDREN = EPUBS / "childrens-literature.epub"
INTERNAL = EPUBS / "internallinks.epub"


def front(path: Path) -> dict[str, str]:
    return split_front_matter(path.read_text(encoding="utf-8"))[0]


# --- EPUB -------------------------------------------------------------------------------------


def test_a_book_keeps_its_metadata_and_its_contents_decide_heading_levels(tmp_path: Path) -> None:
    result = add_source(str(CHILDREN), tmp_path)
    assert result.status is AddStatus.ADDED, result.message()
    assert result.path is not None
    fields = front(result.path)
    assert fields["title"] == "Children's Literature"
    assert fields["author"] == "Charles Madison Curry, Erle Elsworth Clippinger"
    assert fields["language"] == "en"
    assert fields["source"] == CHILDREN.resolve().as_uri()
    article = load_article(result.path)
    headings = [(b.level, b.text) for b in article.blocks if b.kind is BlockKind.HEADING]
    # Depth in the table of contents + 1 (the title is the article's h1).
    assert headings[0] == (2, "SECTION IV FAIRY STORIES—MODERN FANTASTIC TALES")
    assert (3, "BIBLIOGRAPHY") in headings
    assert (4, "190") in headings and (5, "A FOUR-LEAVED CLOVER") in headings
    assert (5, "2. Friendship") in headings
    texts = [b.text for b in article.blocks]
    assert "169" not in texts and "170" not in texts  # printed page numbers left out
    assert "THE CONTENTS" not in texts  # the nav document is not a chapter
    items = [b for b in article.blocks if b.kind is BlockKind.ITEM]
    assert any(b.text.startswith("Alden, Raymond Macdonald, Why the Chimes Rang") for b in items)
    assert any(s.kind.name == "EMPHASIS" for b in items for s in b.spans)
    # The annotations (the book's notes, in <aside>) are kept as text.
    assert "Transcriber's Note: original reads 'Emporer's'" in texts
    assert "[Cover Image]" not in texts and "Cover Image" not in texts  # the cover: left out
    assert len(" ".join(texts).split()) > 40_000
    for block in article.blocks:
        assert "**" not in block.text and "</" not in block.text


def test_a_japanese_book_with_tables_and_images(tmp_path: Path) -> None:
    result = add_source(str(INTERNAL), tmp_path)
    assert result.status is AddStatus.ADDED, result.message()
    fields = front(result.path)  # type: ignore[arg-type]
    assert fields["title"] == "IDに漢字などを使用したサンプル"
    assert fields["language"] == "ja"
    article = load_article(result.path)  # type: ignore[arg-type]
    texts = [b.text for b in article.blocks]
    assert any(t.startswith("1 EPUBリーダの数式サポート") for t in texts)
    # An image is a one-line placeholder (its alt text) that knows where the picture is;
    # the cover, which only repeats the title, is left out.
    image = next(b for b in article.blocks if b.text == "iBooksMath1.png")
    assert [(s.kind.name, s.href) for s in image.spans] == [("IMAGE", "images/iBooksMath1.png")]
    assert (
        "IDに漢字などを使用したサンプル" not in texts
        and "[IDに漢字などを使用したサンプル]" not in texts
    )
    # A table is a table (it was a paragraph a row); its two header rows are one, the cell
    # that spans them (rowspan) above no stray cell.
    (first, *_) = [b for b in article.blocks if b.kind is BlockKind.TABLE]
    assert first.text.split("\n") == [
        "項目\tiBooks3.0 (iOS6)\tAdobe Digita Editions 2.0\tReadium 0.5.3 MS明朝"
        "\tKindle Previewer 2.7 (Kindle Paperwhite モード）",
        "MathMLサポート\tMathML直接描画\t未サポート\tMathJaxによる\t未サポート",
    ]
    assert add_source(str(INTERNAL), tmp_path).status is AddStatus.EXISTS


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda data: data[: len(data) // 2], "not an EPUB, or a damaged or truncated one"),
        (lambda data: b"just some text, not a book at all\n" * 20, "not an EPUB"),
        (lambda data: b"", "not an EPUB"),
    ],
    ids=["truncated", "not-a-zip", "empty"],
)
def test_broken_books_are_refused(tmp_path: Path, make, reason: str) -> None:
    book = tmp_path / "book.epub"
    book.write_bytes(make(CHILDREN.read_bytes()))
    shelf = tmp_path / "shelf"
    result = add_source(str(book), shelf)
    assert result.status is AddStatus.FAILED
    assert result.reason.startswith(reason), result.reason
    assert not shelf.exists() or list(shelf.iterdir()) == []


def _repack(source: Path, target: Path, extra: dict[str, bytes]) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info, old.read(info))
        for name, data in extra.items():
            new.writestr(name, data)


def test_a_book_with_drm_is_refused_but_font_obfuscation_is_fine(tmp_path: Path) -> None:
    def encryption(algorithm: str) -> bytes:
        return (
            '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
            'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
            f'<enc:EncryptionMethod Algorithm="{algorithm}"/>'
            '<enc:CipherData><enc:CipherReference URI="EPUB/s04.xhtml"/></enc:CipherData>'
            "</enc:EncryptedData></encryption>"
        ).encode()

    locked = tmp_path / "locked.epub"
    _repack(
        CHILDREN,
        locked,
        {"META-INF/encryption.xml": encryption("http://www.w3.org/2001/04/xmlenc#aes128-cbc")},
    )
    result = add_source(str(locked), tmp_path / "shelf")
    assert result.status is AddStatus.FAILED
    assert result.reason.startswith("the book is protected by DRM")
    fonts = tmp_path / "fonts.epub"
    _repack(
        CHILDREN,
        fonts,
        {"META-INF/encryption.xml": encryption("http://www.idpf.org/2008/embedding")},
    )
    assert add_source(str(fonts), tmp_path / "shelf").status is AddStatus.ADDED


def test_a_whole_novel_opens_as_a_book_does(tmp_path: Path) -> None:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("novel-1")
    book.set_title("A Long Novel")
    book.set_language("en")
    book.add_author("Ann Author")
    chapters = []
    for number in range(1, 121):
        paragraphs = "".join(
            f"<p>Chapter {number}, paragraph {n}: "
            + " ".join(f"word{(number * n + k) % 89}" for k in range(60))
            + " <em>the end</em>.</p>"
            for n in range(1, 41)
        )
        chapter = epub.EpubHtml(title=f"Chapter {number}", file_name=f"c{number}.xhtml")
        chapter.content = f"<html><body><h1>Chapter {number}</h1>{paragraphs}</body></html>"
        book.add_item(chapter)
        chapters.append(chapter)
    book.toc = [epub.Link(f"c{n}.xhtml", f"Chapter {n}", f"c{n}") for n in range(1, 121)]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters]
    path = tmp_path / "novel.epub"
    epub.write_epub(str(path), book)

    result = add_source(str(path), tmp_path / "shelf")
    assert result.status is AddStatus.ADDED, result.message()
    assert result.path is not None and result.path.stat().st_size > 2_000_000
    article, rest = open_article(result.path)
    first = len(article.blocks)
    assert article.meta.title == "A Long Novel" and not article.complete
    for batch in rest:
        article.extend(batch)
    assert article.complete and first < len(article.blocks)
    headings = [b for b in article.blocks if b.kind is BlockKind.HEADING]
    assert [h.text for h in headings] == [f"Chapter {n}" for n in range(1, 121)]
    assert {h.level for h in headings} == {2}
    assert sum(b.kind is BlockKind.PARAGRAPH for b in article.blocks) == 120 * 40


# --- lists of sources -------------------------------------------------------------------------


def test_the_three_list_formats() -> None:
    plain = "# my reading list\nhttps://a.example/one\n\n  https://b.example/two  \n"
    assert parse_sources(plain) == ["https://a.example/one", "https://b.example/two"]
    pocket = (
        "<!DOCTYPE html><html><head><title>Pocket Export</title></head><body>"
        "<h1>Unread</h1><ul>"
        '<li><a href="https://a.example/one" time_added="1574000000" tags="x">One</a></li>'
        '<li><a href="https://b.example/two?x=1&amp;y=2" time_added="1574000001" tags="">'
        "Two</a></li></ul><h1>Read Archive</h1><ul>"
        '<li><a href="https://c.example/three" time_added="1" tags="">Three</a></li>'
        "</ul></body></html>"
    )
    assert parse_sources(pocket) == [
        "https://a.example/one",
        "https://b.example/two?x=1&y=2",
        "https://c.example/three",
    ]
    instapaper = (
        "URL,Title,Selection,Folder,Timestamp\n"
        'https://a.example/one,"One, with a comma",,Unread,1574000000\n'
        'https://b.example/two,Two,"a quote\nover lines",Archive,1574000001\n'
    )
    assert parse_sources(instapaper) == ["https://a.example/one", "https://b.example/two"]


@pytest.fixture
def pages() -> Iterator[str]:
    """A loopback server with three article pages (/a, /b, /c) and a 404 elsewhere.

    Three articles: each names an address of its own as canonical (the page they are made
    from names one address, which would make them one article).
    """
    key = "8cad00dc22de45ba42e9540421b5f78333f7ac57b385d69acb27a53b9fd69f0c"
    html = gzip.decompress((DATA / "extraction" / "html" / f"{key}.html.gz").read_bytes())
    own = b"http://jeongdongtheater.com/blog/2018/10/15/palace-tale-jang-noksu-beauty-korea"
    bodies = {
        f"/{name}": html.replace(b"<title>", f"<title>Story {name.upper()} | ".encode(), 1).replace(
            own, own + f"-{name}".encode()
        )
        for name in "abc"
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = bodies.get(self.path.split("?")[0])
            if body is None:
                self.send_error(404, "Not Found")
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_add_from_a_list_is_resumable_and_summarised(
    pages: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.cli import main

    shelf = tmp_path / "shelf"
    listing = tmp_path / "list.txt"
    listing.write_text(
        f"{pages}/a\n{pages}/b?utm_source=x\n{pages}/missing\n{pages}/a/\n", encoding="utf-8"
    )
    assert main(["add", "--to", str(shelf), "--from", str(listing)]) == 1
    out = capsys.readouterr()
    added = sorted(out.out.split("\n")[:-1])
    assert len(added) == 2 and all(line.startswith(str(shelf)) for line in added)
    assert "Added 2, already there 0, failed 1." in out.err
    assert f"  failed: {pages}/missing: HTTP 404 Not Found" in out.err
    names = sorted(p.name for p in shelf.iterdir())
    assert len(names) == 2 and not any(n.startswith(".") for n in names)
    # Run again, the failed one gone: nothing is fetched twice or written twice.
    listing.write_text(f"{pages}/a\n{pages}/b\n{pages}/c\n", encoding="utf-8")
    assert main(["add", "--to", str(shelf), "--from", str(listing)]) == 0
    out = capsys.readouterr()
    assert "Added 1, already there 2, failed 0." in out.err
    assert len(list(shelf.iterdir())) == 3


def test_instapaper_and_pocket_exports_through_the_command(
    pages: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.cli import main

    csv_file = tmp_path / "instapaper-export.csv"
    csv_file.write_text(
        f"URL,Title,Selection,Folder,Timestamp\n{pages}/a,A,,Unread,1\n{pages}/b,B,,Archive,2\n",
        encoding="utf-8",
    )
    assert main(["add", "--to", str(tmp_path / "one"), "--from", str(csv_file)]) == 0
    assert len(list((tmp_path / "one").iterdir())) == 2
    pocket = tmp_path / "ril_export.html"
    pocket.write_text(
        f'<html><body><ul><li><a href="{pages}/c" time_added="1" tags="">C</a></li></ul>'
        "</body></html>",
        encoding="utf-8",
    )
    assert main(["add", "--to", str(tmp_path / "one"), "--from", str(pocket)]) == 0
    assert len(list((tmp_path / "one").iterdir())) == 3
    capsys.readouterr()


def test_command_mistakes_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reader.cli import main

    assert main(["add", "--to", str(tmp_path)]) == 2
    assert main(["add", "--to", str(tmp_path), "--from", str(tmp_path / "nope.txt")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "reader: name a web address, an .html/.htm file or an .epub (or --from FILE)",
        f"reader: {tmp_path / 'nope.txt'}: no such file",
    ]


def test_a_failed_single_source_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.cli import main

    assert main(["add", "--to", str(tmp_path), str(tmp_path / "gone.epub")]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == f"reader: {tmp_path / 'gone.epub'}: no such file, and not a web address\n"


# --- addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("http://www.Example.com/a/b/", "https://example.com/a/b"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com/a?utm_source=x&id=3&fbclid=y", "https://example.com/a?id=3"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a#section", "https://example.com/a"),
        ("https://example.com/%7Euser/caf%C3%A9", "https://example.com/~user/café"),
        ("https://example.com/?gclid=1&mc_cid=2&_hsenc=3", "https://example.com"),
    ],
)
def test_normalised_addresses_that_are_the_same_page(a: str, b: str) -> None:
    assert normalise_url(a) == normalise_url(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.com/a", "https://example.com/b"),
        ("https://example.com/a?id=3", "https://example.com/a?id=4"),
        ("https://example.com:8080/a", "https://example.com/a"),
        ("https://blog.example.com/a", "https://example.com/a"),
        ("https://example.com/A", "https://example.com/a"),
    ],
)
def test_normalised_addresses_that_are_different_pages(a: str, b: str) -> None:
    assert normalise_url(a) != normalise_url(b)


def test_normalising_leaves_what_is_not_a_web_address() -> None:
    assert normalise_url(" file:///home/me/book.epub ") == "file:///home/me/book.epub"
    assert normalise_url("http://[::1") == "http://[::1"  # invalid: returned, not raised


# --- extraction quality -----------------------------------------------------------------------


def test_the_metric_is_the_benchmarks() -> None:
    assert sum(shingles("a b c d e").values()) == 2
    perfect = score_page("one two three four five", "one two three four five")
    assert (perfect.precision, perfect.recall) == (1.0, 1.0)
    assert score_page("", "").precision == 1.0  # both empty counts 1
    half = score_page("one two three four five six", "one two three four")
    assert half.recall == 1.0 and half.precision == pytest.approx(1 / 3)
    assert score_page("", "one two three four").recall == 0.0


def test_extraction_quality_on_the_sample_pages_stays_above_its_floor() -> None:
    """The whole add pipeline (extract, write, load as reader does), scored as the
    benchmark scores: measured 0.990 F1 on these six pages when written, 0.968 since
    pictures keep their captions and a picture without alt text shows as "image" (issue
    26), which the benchmark's own text leaves out: the theatre's blog has fifteen photos."""
    from reader.intake.html import extract
    from reader.intake.shelf import article_text
    from reader.model import BLOCK_SEPARATOR
    from reader.text.documents import load_text

    folder = DATA / "extraction"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    scores = []
    for key, entry in truth.items():
        html = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()).decode()
        found = extract(html, entry["url"])
        article = load_text(article_text({"title": found.title}, found.markdown))
        seen = BLOCK_SEPARATOR.join(block.text for block in article.blocks)
        scores.append(score_page(seen, entry["articleBody"]))
    total = score(scores)
    assert total.pages == 6
    assert total.f1 >= 0.965, total
    assert min(min(s.precision, s.recall) for s in scores) >= 0.8, scores
