"""Small things of the command line a new user trips over: options that would be ignored,
pages and books given to ``reader`` instead of ``reader add``, a deleted article's notes,
the words of a skipped file, and ``reader list`` in a narrow terminal."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from reader.cli import main
from reader.model import Anchor, Highlight
from reader.text.documents import article_id, load_article
from tests.conftest import DATA, SAMPLE, WELCOME
from tests.stores import notes_store


@pytest.fixture(autouse=True)
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder without ``articles/``: the library is the data folder's."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def no_app(monkeypatch: pytest.MonkeyPatch) -> list:
    """``reader`` goes as far as starting the app, which is kept here instead."""
    started: list = []
    monkeypatch.setattr("reader.cli._run_until_signalled", started.append)
    return started


def page(folder: Path) -> Path:
    """A saved web page, with enough text to be an article."""
    path = folder / "story.html"
    paragraphs = "".join(f"<p>Paragraph {n} of a story told at some length.</p>" for n in range(9))
    path.write_text(f"<html><head><title>Story</title></head><body>{paragraphs}</body></html>")
    return path


def annotate(path: Path, note: str = "my own thought") -> None:
    """A highlight with a note on the article's second block, its library read first."""
    from reader.services.library import scan

    article = load_article(path)
    block = article.blocks[1]
    store = notes_store()
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
    assert main(["notes", "--json", "--library", str(library)]) == 0
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


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--at", "3", "{library}"],
            "--at opens an article at a paragraph: give it an article "
            "(.md or .txt), not a folder ({library})",
        ),
        (["--at", "2"], "--at opens an article at a paragraph: name the article (.md or .txt)"),
        (["--at", "0", "{article}"], "--at 0: paragraphs are counted from 1"),
        (
            ["export", "--wikilinks", "--format", "json", "{article}"],
            "--wikilinks is for Markdown: JSON (--format json) has no links to write",
        ),
        (
            ["export", "--force", "{article}"],
            "--force replaces the files -o writes: without -o, nothing is replaced",
        ),
        (
            ["export", "--all", "--format", "json", "{article}"],
            "--all exports every annotated article, not {article}: leave out --all to export "
            "that one (--library DIR names the library to export)",
        ),
        (["add", "--jobs", "0", "{page}"], "--jobs 0: at least 1 source is added at a time"),
        (["add", "--timeout", "0", "{page}"], "--timeout 0: a page needs more than 0 seconds"),
    ],
)
def test_an_option_that_would_be_ignored_is_refused_in_one_line(
    args: list[str],
    message: str,
    library: Path,
    tmp_path: Path,
    no_app: list,
    capsys: pytest.CaptureFixture[str],
) -> None:
    names = {"library": library, "article": library / SAMPLE.name, "page": page(tmp_path)}
    names = {key: str(value) for key, value in names.items()}
    assert main([part.format(**names) for part in args]) == 2
    assert capsys.readouterr().err == f"reader: {message.format(**names)}\n"
    assert no_app == []
    assert not (tmp_path / "data" / "library").exists()  # nothing was added


def test_export_all_takes_a_folder_given_as_the_library(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`reader export --all -o DIR lib`: lib is the library to export, not ignored."""
    annotate(library / WELCOME.name)
    out = tmp_path / "out"
    assert main(["export", "--all", "-o", str(out), str(library)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["Welcome to reader.md", "index.md"]
    assert "my own thought" in (out / "Welcome to reader.md").read_text(encoding="utf-8")
    assert main(["export", "--all", "--library", str(library), "-o", str(out), str(library)]) == 2
    assert "--all exports every annotated article, not" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("story.html", "a web page"),
        ("childrens-literature.epub", "an EPUB book"),
        ("https://example.com/a story", "a web address"),
    ],
)
def test_a_page_or_a_book_given_to_reader_points_at_reader_add(
    name: str, what: str, tmp_path: Path, no_app: list, capsys: pytest.CaptureFixture[str]
) -> None:
    page(tmp_path / "elsewhere")
    shutil.copy(DATA / "epub" / "childrens-literature.epub", tmp_path / "elsewhere")
    assert main([name]) == 2  # standard input is not a terminal: one line, the command
    quoted = "'https://example.com/a story'" if " " in name else name
    assert capsys.readouterr().err == (
        f"reader: {name} is {what}, not an article: `reader add {quoted}` makes it one, "
        "in your library\n"
    )
    assert no_app == [] and not (tmp_path / "data").exists()


def test_on_a_terminal_reader_offers_to_add_a_page_and_opens_it(
    tmp_path: Path,
    no_app: list,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    page(tmp_path / "elsewhere")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    asked: list[str] = []
    answers = iter(["n", "y", "y"])

    def answer(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr("builtins.input", answer)
    assert main(["story.html"]) == 2
    assert capsys.readouterr().err == (
        "reader: nothing was added (`reader add story.html` adds it)\n"
    )
    assert asked == [
        "story.html is a web page, not an article. Add it to your library "
        "(reader add story.html)? [y/N] "
    ]
    added = tmp_path / "data" / "library" / "Story.md"
    assert main(["story.html"]) == 0
    assert capsys.readouterr().err.endswith(f"reader: added {added}\n")
    assert main(["story.html"]) == 0  # a second time: the one added is opened
    assert capsys.readouterr().err == f"reader: already in your library: {added}\n"
    assert [app.article_path for app in no_app] == [added.resolve(), added.resolve()]


def test_list_says_plainly_why_it_skipped_a_file(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (library / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert main(["list", str(library)]) == 0
    assert capsys.readouterr().err == (
        f"reader: skipped {library / 'binary.md'}: not a text file\n"
    )


@pytest.mark.parametrize("columns", [60, 40, 80, 160])
def test_list_tells_two_articles_of_one_title_apart_at_any_width(
    library: Path, columns: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (library / "news").mkdir()
    shutil.copy(library / SAMPLE.name, library / "news" / SAMPLE.name)
    ids = sorted([article_id(library / SAMPLE.name), article_id(library / "news" / SAMPLE.name)])
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["list", str(library)]) == 0
    lines = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out).splitlines()
    assert all(len(line) <= columns for line in lines[1:])
    twins = sorted(line.split()[0] for line in lines if "Canada" in line)
    assert twins == ids  # each row begins with its article's id
    header = next(line for line in lines if line.startswith("Id"))
    title = header.index("Title")
    row = next(line for line in lines if "Canada" in line)
    assert len(row) >= title + 20 or columns < 60  # the title keeps room to be read
