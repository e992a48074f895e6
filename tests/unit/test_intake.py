"""reader add: web pages over a loopback HTTP server, saved pages, and what is written.

No test reaches the network: every page is served by a server the test starts on
127.0.0.1, from tests/data or made here.
"""

from __future__ import annotations

import gzip
import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader.intake import AddStatus, SourceIndex, add_source
from reader.intake.fetch import decode_html
from reader.model import BlockKind, SpanKind
from reader.text.documents import load_article
from reader.text.front_matter import split_front_matter
from tests.conftest import DATA

EXTRACTION = DATA / "extraction"
# The Korean theatre's blog post: captioned photos, bold words, a title with brackets.
THEATRE = "8cad00dc22de45ba42e9540421b5f78333f7ac57b385d69acb27a53b9fd69f0c"
THEATRE_TITLE = (
    "[The Palace: Tale of Jang Noksu] The Beauty of Korea Revealed at "
    "‘2018 Welcome Daehak-ro Festival’! To the Actual Scene!"
)


def benchmark_page(key: str) -> bytes:
    return gzip.decompress((EXTRACTION / "html" / f"{key}.html.gz").read_bytes())


def article_page(title: str, paragraphs: list[str], head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright</footer></body></html>"
    )


RUSSIAN = [
    "Сегодня мы расскажем о том, как готовить настоящий борщ дома, без спешки и с любовью.",
    "Сначала сварите крепкий мясной бульон на говяжьей косточке, снимая пену каждые десять "
    "минут, чтобы он получился прозрачным и ароматным.",
    "Свёклу натрите на крупной тёрке и потушите с томатной пастой, ложкой уксуса и щепоткой "
    "сахара: так она сохранит свой яркий цвет до самого конца.",
    "Картофель, капусту, морковь и лук добавляйте по очереди, а в конце положите чеснок, "
    "зелень и дайте борщу настояться под крышкой не меньше часа.",
]
FRENCH = [
    "L’été dernier, nous avons traversé la Provence à vélo, de village en village, sans "
    "jamais regarder la montre ni le compteur.",
    "Chaque matin commençait par un café serré et une tartine de confiture d’abricot, "
    "servis sur une terrasse où les cigales chantaient déjà.",
    "Les routes étroites bordées de platanes menaient à des marchés colorés où l’on "
    "goûtait des olives, des fromages de chèvre et du pain encore tiède.",
    "Le soir, épuisés mais heureux, nous dînions de légumes grillés et de poisson, "
    "en écoutant le vent du mistral souffler sur les collines.",
]


class Server:
    """A loopback HTTP server whose answers the test chooses, by path."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[http.server.BaseHTTPRequestHandler], None]] = {}
        self.hits: list[str] = []
        routes, hits = self.routes, self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                route = routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_error(404, "Not Found")
                else:
                    route(self)

            def log_message(self, *args: object) -> None:  # keep the test output clean
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8"):
        def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        self.routes[path] = answer

    def redirect(self, path: str, to: str) -> None:
        def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
            handler.send_response(301)
            handler.send_header("Location", to)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        self.routes[path] = answer

    def slow(self, path: str, seconds: float) -> None:
        def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
            time.sleep(seconds)
            with _ignore_broken_pipe():
                handler.send_response(200)
                handler.send_header("Content-Type", "text/html")
                handler.end_headers()
                handler.wfile.write(b"<html><body><p>late</p></body></html>")

        self.routes[path] = answer

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _ignore_broken_pipe:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, *rest: object) -> bool:
        return kind is not None and issubclass(kind, OSError)  # type: ignore[arg-type]


@pytest.fixture
def server() -> Iterator[Server]:
    serving = Server()
    serving.page("/story", benchmark_page(THEATRE))
    yield serving
    serving.close()


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    return tmp_path / "shelf"


def articles_in(folder: Path) -> list[Path]:
    """Every file in the folder, hidden ones too: a failed add must leave nothing."""
    return sorted(folder.iterdir()) if folder.exists() else []


def front(path: Path) -> dict[str, str]:
    return split_front_matter(path.read_text(encoding="utf-8"))[0]


# --- web addresses ---------------------------------------------------------------------------


def test_a_page_becomes_an_article_that_reader_loads_cleanly(server: Server, shelf: Path) -> None:
    result = add_source(server.url("/story"), shelf)
    assert result.status is AddStatus.ADDED, result.message()
    assert result.path is not None and result.path.parent == shelf
    fields = front(result.path)
    assert fields["title"] == THEATRE_TITLE
    assert fields["source"] == server.url("/story")
    assert fields["site"] == "Jeongdong Theater"
    assert fields["published"] == "2018-10-15"
    assert fields["added"].endswith("Z")
    article = load_article(result.path)
    assert article.meta.title == THEATRE_TITLE  # from the front matter
    texts = [block.text for block in article.blocks]
    assert "The refreshing autumn sky!" in texts
    assert not any(text.startswith("[The Palace") for text in texts)  # no title repeated
    bold = [b for b in article.blocks if any(s.kind is SpanKind.STRONG for s in b.spans)]
    assert bold and "Daehak-ro Marronnier Park" in bold[0].text
    for block in article.blocks:  # no Markdown or HTML shows through
        assert "**" not in block.text and "](" not in block.text and "\\" not in block.text
        assert "<p" not in block.text and "</" not in block.text
        assert block.kind is not BlockKind.CODE


def test_a_redirect_records_the_final_address(server: Server, shelf: Path) -> None:
    server.redirect("/old", server.url("/story"))
    result = add_source(server.url("/old"), shelf)
    assert result.status is AddStatus.ADDED, result.message()
    assert result.path is not None
    fields = front(result.path)
    assert fields["source"] == server.url("/story")
    assert fields["requested"] == server.url("/old")
    # Both addresses now find it, without fetching again.
    server.hits.clear()
    for url in (server.url("/old"), server.url("/story")):
        again = add_source(url, shelf)
        assert again.status is AddStatus.EXISTS and again.path == result.path
    assert server.hits == []


def test_a_pages_canonical_address_finds_it_later(server: Server, shelf: Path) -> None:
    canonical = f'<link rel="canonical" href="{server.url("/story")}">'
    page = article_page("Un été en Provence", FRENCH, canonical).encode("utf-8")
    server.page("/amp/story", page)
    server.page("/story", page)
    first = add_source(server.url("/amp/story"), shelf)
    assert first.status is AddStatus.ADDED, first.message()
    assert front(first.path)["canonical"] == server.url("/story")  # type: ignore[arg-type]
    server.hits.clear()
    again = add_source(server.url("/story"), shelf)
    assert again.status is AddStatus.EXISTS and again.path == first.path
    assert server.hits == []  # found by the address the page gave, without fetching


def test_a_saved_page_and_the_same_page_from_another_address_are_one_article(
    server: Server, shelf: Path, tmp_path: Path
) -> None:
    canonical = f'<link rel="canonical" href="{server.url("/story")}">'
    page = article_page("Un été en Provence", FRENCH, canonical)
    saved = tmp_path / "provence.html"
    saved.write_text(page, encoding="utf-8")
    first = add_source(str(saved), shelf)
    assert first.status is AddStatus.ADDED, first.message()
    assert front(first.path)["source"] == server.url("/story")  # type: ignore[arg-type]
    # The same page, reached by an address that is not the one it names.
    server.page("/reise/provence", page.encode("utf-8"))
    again = add_source(server.url("/reise/provence?ref=homepage"), shelf)
    assert again.status is AddStatus.EXISTS and again.path == first.path
    assert len(articles_in(shelf)) == 1


def test_a_home_page_given_as_canonical_address_is_not_taken_for_every_article(
    server: Server, shelf: Path
) -> None:
    home = f'<link rel="canonical" href="{server.url("/")}">'
    server.page("/one", article_page("Un été en Provence", FRENCH, home).encode("utf-8"))
    server.page("/two", article_page("Борщ", RUSSIAN, home).encode("utf-8"))
    assert add_source(server.url("/one"), shelf).status is AddStatus.ADDED
    assert add_source(server.url("/two"), shelf).status is AddStatus.ADDED


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "HTTP 404 Not Found"),
        ("/photo", "not a web page: the answer is image/png"),
        ("/report", "not a web page: the answer is application/pdf"),
        ("/empty", "no article text found"),
    ],
)
def test_what_is_not_an_article_is_refused_and_nothing_written(
    server: Server, shelf: Path, path: str, reason: str
) -> None:
    server.page("/photo", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
    server.page("/report", b"%PDF-1.4\n" + bytes(200), "application/pdf")
    server.page("/empty", b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
    result = add_source(server.url(path), shelf)
    assert result.status is AddStatus.FAILED
    assert result.reason == reason
    assert result.message() == f"{server.url(path)}: {reason}"
    assert articles_in(shelf) == []


def test_a_page_that_does_not_answer_in_time_is_refused(server: Server, shelf: Path) -> None:
    server.slow("/slow", seconds=3)
    started = time.monotonic()
    result = add_source(server.url("/slow"), shelf, timeout=0.3)
    assert time.monotonic() - started < 2.5
    assert result.status is AddStatus.FAILED
    assert result.reason == "timed out after 0.3 s"
    assert articles_in(shelf) == []


def test_a_page_over_the_size_limit_is_refused(server: Server, shelf: Path) -> None:
    result = add_source(server.url("/story"), shelf, max_bytes=10_000)
    assert result.status is AddStatus.FAILED
    assert result.reason.startswith("the page is too large")
    assert articles_in(shelf) == []


def test_an_address_already_in_the_library_is_not_added_twice(server: Server, shelf: Path) -> None:
    first = add_source(server.url("/story"), shelf)
    assert first.status is AddStatus.ADDED
    server.hits.clear()
    variants = [
        server.url("/story/"),
        server.url("/story?utm_source=feed&utm_medium=rss"),
        server.url("/story#comments"),
        server.url("/story?fbclid=abc123&gclid=xyz"),
        server.url("/story").replace("http://", "https://"),
    ]
    for url in variants:
        again = add_source(url, shelf)
        assert again.status is AddStatus.EXISTS, url
        assert again.path == first.path
        assert again.message() == f"{url}: already in the library: {first.path.name}"
    assert server.hits == []  # found before fetching anything
    assert [p.name for p in articles_in(shelf)] == [first.path.name]  # type: ignore[union-attr]


def test_a_page_in_a_folder_of_the_library_is_already_in_the_library(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    """`add --to lib/news URL`, then `add URL` (and the other way round): one article."""
    from reader.cli import main

    library = tmp_path / "lib"
    monkeypatch.setenv("READER_LIBRARY", str(library))
    monkeypatch.chdir(tmp_path)  # no ./articles here: READER_LIBRARY is the library
    (library / "news").mkdir(parents=True)
    url = server.url("/story")
    assert main(["add", "--to", str(library / "news"), url]) == 0
    (added,) = capsys.readouterr().out.splitlines()
    name = Path(added).name
    assert Path(added).parent == library / "news"
    assert main(["add", url + "?utm_source=feed"]) == 0
    assert capsys.readouterr().err == (
        f"reader: {url}?utm_source=feed: already in the library: news/{name}\n"
    )
    (library / "more").mkdir()
    assert main(["add", "--to", str(library / "more"), url]) == 0
    assert f"already in the library: news/{name}" in capsys.readouterr().err
    assert server.hits == ["/story"]  # found each time before anything was fetched
    assert sorted(p.relative_to(library).as_posix() for p in library.rglob("*.md")) == [
        f"news/{name}"
    ]


@pytest.mark.parametrize("where", ["header", "meta"])
def test_the_declared_character_set_is_honoured(server: Server, shelf: Path, where: str) -> None:
    title = "Как приготовить борщ"
    if where == "header":
        html = article_page(title, RUSSIAN).encode("windows-1251")
        server.page("/ru", html, "text/html; charset=windows-1251")
        url, words, expected = server.url("/ru"), RUSSIAN, title
    else:
        head = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        html = article_page("Un été en Provence", FRENCH, head).encode("cp1252")
        server.page("/fr", html, "text/html")
        url, words, expected = server.url("/fr"), FRENCH, "Un été en Provence"
    with pytest.raises(UnicodeDecodeError):
        html.decode("utf-8")
    result = add_source(url, shelf)
    assert result.status is AddStatus.ADDED, result.message()
    article = load_article(result.path)  # type: ignore[arg-type]
    assert article.meta.title == expected
    texts = [block.text for block in article.blocks]
    assert words[1] in texts and words[3] in texts  # "’" is Windows-1252's 0x92, as browsers read


def test_decoding_prefers_bom_then_declaration_then_utf8() -> None:
    assert decode_html("é".encode("utf-8-sig")) == ("é", "utf-8")
    assert decode_html("<p>é</p>".encode(), "") == ("<p>é</p>", "utf-8")
    assert decode_html("<p>é’</p>".encode("cp1252"), "iso-8859-1") == ("<p>é’</p>", "cp1252")
    meta = '<meta charset="koi8-r"><p>мир</p>'
    assert decode_html(meta.encode("koi8-r"))[0] == meta
    assert decode_html(b"<p>x</p>", "no-such-charset") == ("<p>x</p>", "utf-8")


# --- saved pages ------------------------------------------------------------------------------


def test_a_saved_page_takes_its_canonical_address_as_source(tmp_path: Path, shelf: Path) -> None:
    saved = tmp_path / "saved page.html"
    saved.write_bytes(benchmark_page(THEATRE))
    result = add_source(str(saved), shelf)
    assert result.status is AddStatus.ADDED, result.message()
    fields = front(result.path)  # type: ignore[arg-type]
    assert fields["source"].startswith("http://jeongdongtheater.com/blog/2018/10/15/palace-tale")
    # The same page from the web, with tracking and a trailing slash, is found.
    again = add_source(fields["source"].rstrip("/") + "?utm_campaign=x", shelf)
    assert again.status is AddStatus.EXISTS and again.path == result.path


def test_a_saved_page_without_an_address_is_its_file(tmp_path: Path, shelf: Path) -> None:
    saved = tmp_path / "notes.htm"
    saved.write_text(article_page("Un été en Provence", FRENCH), encoding="utf-8")
    result = add_source(str(saved), shelf)
    assert result.status is AddStatus.ADDED, result.message()
    assert front(result.path)["source"] == saved.resolve().as_uri()  # type: ignore[arg-type]
    assert add_source(str(saved), shelf).status is AddStatus.EXISTS


def test_a_page_that_states_no_date_gets_none_not_its_copyright_year(
    tmp_path: Path, shelf: Path
) -> None:
    saved = tmp_path / "undated.html"
    page = article_page("Un été en Provence", FRENCH)
    saved.write_text(page.replace("Copyright", "Copyright 2026"), encoding="utf-8")
    result = add_source(str(saved), shelf)
    assert result.status is AddStatus.ADDED, result.message()
    assert "published" not in front(result.path)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("missing.html", "no such file, and not a web address"),
        ("notes.pdf", "reader adds web addresses, .html/.htm pages and .epub books"),
    ],
)
def test_sources_that_are_neither_pages_nor_books_fail(
    tmp_path: Path, shelf: Path, name: str, reason: str
) -> None:
    if name.endswith(".pdf"):
        (tmp_path / name).write_bytes(b"%PDF-1.4")
    result = add_source(str(tmp_path / name), shelf)
    assert result.status is AddStatus.FAILED and result.reason == reason


def test_markdown_keeps_structure_and_makes_links_absolute(tmp_path: Path, shelf: Path) -> None:
    para = (
        "Long enough words about the subject at hand so that the extractor keeps this "
        "paragraph as part of the article body text and not as boilerplate around it."
    )
    page = f"""<!DOCTYPE html><html><head><title>Structure test</title>
    <link rel="canonical" href="https://example.org/essays/structure"></head><body><article>
    <h1>Structure test</h1><p>{para}</p>
    <h2>A section heading</h2>
    <p>Some <em>emphasised</em> and <strong>strong</strong> words, a
    <a href="../about/team.html">relative link</a> and a
    <a href="javascript:alert(1)">script link</a>. {para}</p>
    <ul><li>first item of the list</li><li>second item of the list</li></ul>
    <blockquote><p>A quotation worth keeping, from someone wise. {para}</p></blockquote>
    <p>Text that looks like *Markdown* and # a heading, &lt;b&gt;tags&lt;/b&gt; too. {para}</p>
    <p>{para} <img src="/img/chart.png" alt="A chart of rising sales"></p>
    <p>{para}</p></article></body></html>"""
    saved = tmp_path / "structure.html"
    saved.write_text(page, encoding="utf-8")
    result = add_source(str(saved), shelf)
    assert result.status is AddStatus.ADDED, result.message()
    article = load_article(result.path)  # type: ignore[arg-type]
    kinds = {block.kind for block in article.blocks}
    assert {BlockKind.HEADING, BlockKind.ITEM, BlockKind.QUOTE, BlockKind.PARAGRAPH} <= kinds
    heading = next(b for b in article.blocks if b.kind is BlockKind.HEADING)
    assert heading.text == "A section heading"
    items = [b.text for b in article.blocks if b.kind is BlockKind.ITEM]
    assert items == ["first item of the list", "second item of the list"]
    spans = [(b.text[s.start : s.end], s.kind, s.href) for b in article.blocks for s in b.spans]
    assert ("emphasised", SpanKind.EMPHASIS, None) in spans
    assert ("strong", SpanKind.STRONG, None) in spans
    assert ("relative link", SpanKind.LINK, "https://example.org/about/team.html") in spans
    assert ("A chart of rising sales", SpanKind.LINK, "https://example.org/img/chart.png") in spans
    assert not any(
        kind is SpanKind.LINK and "javascript" in (href or "") for _, kind, href in spans
    )
    literal = next(b for b in article.blocks if "looks like" in b.text)
    assert literal.text.startswith("Text that looks like *Markdown* and # a heading, <b>tags</b>")
    assert literal.spans == ()


# --- what is written --------------------------------------------------------------------------


def test_an_existing_file_is_never_overwritten(server: Server, shelf: Path) -> None:
    shelf.mkdir()
    from reader.notes.export import safe_filename

    mine = shelf / safe_filename(THEATRE_TITLE)
    mine.write_text("my own notes\n", encoding="utf-8")
    result = add_source(server.url("/story"), shelf)
    assert result.status is AddStatus.ADDED
    assert result.path != mine and result.path.name.endswith(" 2.md")  # type: ignore[union-attr]
    assert mine.read_text(encoding="utf-8") == "my own notes\n"


def test_without_hard_links_a_file_made_meanwhile_is_never_replaced(
    shelf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On FAT or a network share (no hard links), another program's file made between the
    look and the write (here: never seen by the look) keeps its place."""
    import errno
    import os

    from reader.intake import shelf as shelf_module

    def no_links(source: Path, target: Path) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    shelf.mkdir()
    theirs = shelf / "A title.md"
    theirs.write_text("another program's\n", encoding="utf-8")
    monkeypatch.setattr(os, "link", no_links)
    monkeypatch.setattr(shelf_module, "_exists", lambda path: False)
    written = shelf_module.write_new(shelf, "A title", "mine\n")
    assert written.name == "A title 2.md" and written.read_text(encoding="utf-8") == "mine\n"
    assert theirs.read_text(encoding="utf-8") == "another program's\n"
    assert sorted(p.name for p in shelf.iterdir()) == ["A title 2.md", "A title.md"]


@pytest.mark.parametrize(
    "title",
    [
        "../../escape",
        "/etc/passwd",
        "..",
        "CON",
        "a\x1b[31mred\x1b[0m title\x07",
        "sub/dir\\name:with*chars?",
        "x" * 1000,
        "\u202eevil\u202c.md",
    ],
)
def test_hostile_titles_stay_inside_the_folder(shelf: Path, title: str) -> None:
    index = SourceIndex(shelf)
    path = index.write(title, "---\ntitle: x\n---\n\nbody\n")
    assert path.parent == shelf and path.resolve().parent == shelf.resolve()
    assert path.suffix == ".md" and len(path.name.encode()) <= 200
    assert not any(ord(c) < 32 for c in path.name)
    assert [p.name for p in articles_in(shelf)] == [path.name]  # and no temporary file left


def test_hostile_page_text_reaches_neither_terminal_nor_front_matter(
    tmp_path: Path, shelf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.cli import main

    title = "Evil \x1b]0;pwned\x07 title\x1b[2J\u202e"
    saved = tmp_path / "evil.html"
    saved.write_text(article_page(title, FRENCH), encoding="utf-8")
    assert main(["add", "--to", str(shelf), str(saved)]) == 0
    out = capsys.readouterr()
    assert "\x1b" not in out.out + out.err and "\x07" not in out.out + out.err
    (path,) = articles_in(shelf)
    text = path.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert front(path)["title"] == "Evil ]0;pwned title[2J"


def test_an_interrupted_write_leaves_no_file(
    server: Server, shelf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "link", interrupted)
    with pytest.raises(KeyboardInterrupt):
        add_source(server.url("/story"), shelf)
    assert articles_in(shelf) == []  # neither the article nor a temporary file


def test_front_matter_is_valid_yaml_on_hostile_values(shelf: Path) -> None:
    from reader.intake.shelf import article_text

    fields = {"title": 'a "quoted": title\n---\nsource: evil', "author": "O'Brien \\ co"}
    text = article_text(fields, "body\n")
    parsed, body = split_front_matter(text)
    assert parsed == {"title": 'a "quoted": title --- source: evil', "author": "O'Brien \\ co"}
    assert body.strip() == "body"
    for line in text.split("---\n")[1].splitlines():
        key, value = line.split(": ", 1)
        assert json.loads(value) == parsed[key]  # JSON strings: valid YAML too


def test_a_name_taken_by_a_link_to_a_file_outside_the_library_gets_the_next_one(
    tmp_path: Path, shelf: Path
) -> None:
    """shelf.py:155, decided: `Title.md`, a symbolic link to a file elsewhere, is a name
    taken like any other. The article is written to `Title 2.md`; the link and the file it
    leads to are left as they were (adding is never refused for it)."""
    outside = tmp_path / "elsewhere.md"
    outside.write_text("someone else's file\n", encoding="utf-8")
    shelf.mkdir()
    (shelf / "Title.md").symlink_to(outside)
    path = SourceIndex(shelf).write("Title", "---\ntitle: Title\n---\n\nbody\n")
    assert path == shelf / "Title 2.md"
    assert path.read_text(encoding="utf-8").endswith("body\n")
    assert (shelf / "Title.md").is_symlink()
    assert outside.read_text(encoding="utf-8") == "someone else's file\n"


def test_a_file_name_that_would_leave_the_library_is_refused(
    tmp_path: Path, shelf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard behind safe_filename: were it ever to give a name with a separator, the
    article is refused, and nothing is written outside the library."""
    from reader import files
    from reader.intake.shelf import WriteError

    monkeypatch.setattr(files, "safe_filename", lambda title, suffix: f"../escape{suffix}")
    with pytest.raises(WriteError, match="outside the library"):
        SourceIndex(shelf).write("Title", "body\n")
    assert not (tmp_path / "escape.md").exists()
