"""Odd files (issue 6, item 2), read from the fixtures in tests/data/hostile.

Each fixture is loaded as a user's file would be: encodings and line ends are settled before
any offset is computed; binary, oversized and unreadable files get one clear line.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reader.cli import main
from reader.services.library import scan
from reader.text import documents
from reader.text.documents import DocumentError, load_article, read_source

HOSTILE = Path(__file__).parent.parent / "data" / "hostile"


def test_lone_carriage_returns_become_line_ends_before_offsets() -> None:
    article = load_article(HOSTILE / "lone-cr.txt")
    assert "\r" not in article.text
    assert [block.text for block in article.blocks] == [
        "First paragraph, classic Mac line ends.",
        "Second paragraph. Still the second.",
    ]
    for block in article.blocks:
        assert article.text[block.start : block.end] == block.text


def test_a_bom_is_not_text_and_crlf_becomes_lf() -> None:
    source = read_source(HOSTILE / "bom-crlf.md")
    assert not source.text.startswith("\ufeff")
    assert "\r" not in source.text
    article = load_article(HOSTILE / "bom-crlf.md")
    assert article.meta.title == "Title"
    assert article.blocks[0].start == 0 and article.text.startswith("Title")


def test_invalid_utf8_is_read_as_cp1252_with_a_notice_naming_the_file() -> None:
    article = load_article(HOSTILE / "cp1252.txt")
    assert article.text == "Café crème “quoted” – dash, € euro."
    assert "cp1252.txt" in article.notice and "Windows-1252" in article.notice


@pytest.mark.parametrize("name", ["image.png", "nul.txt"])
def test_binary_files_are_refused_with_a_clear_message(name: str) -> None:
    with pytest.raises(DocumentError, match="binary file, not an article"):
        read_source(HOSTILE / name)


@pytest.mark.parametrize("name", ["empty.md", "whitespace.txt"])
def test_empty_and_blank_files_are_empty_articles(name: str) -> None:
    article = load_article(HOSTILE / name)
    assert article.blocks == [] and article.text == ""
    assert article.complete


def _too_large(folder: Path) -> Path:
    path = folder / "huge.txt"
    with path.open("wb") as handle:  # sparse: no disk is used for the hole
        handle.truncate(documents.MAX_FILE_BYTES + 1)
    return path


def test_files_over_the_size_limit_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"too large \(\d+ MB; the limit is 64 MB\)"):
        read_source(_too_large(tmp_path))


@pytest.mark.parametrize(
    "make",
    [
        lambda d: shutil.copyfile(HOSTILE / "image.png", d / "photo.md") and d / "photo.md",
        lambda d: shutil.copyfile(HOSTILE / "nul.txt", d / "nul.txt") and d / "nul.txt",
        _too_large,
    ],
    ids=["png-named-md", "nul", "too-large"],
)
def test_refused_files_never_enter_the_library_and_the_cli_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make
) -> None:
    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copyfile(HOSTILE / "lone-cr.txt", folder / "fine.txt")
    path = make(folder)
    library = scan(folder)
    assert [entry.path.name for entry in library.entries] == ["fine.txt"]
    (problem,) = library.problems
    assert path.name in problem
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reader: ") and err.count("\n") == 1 and path.name in err
    assert "Traceback" not in err


def test_an_unreadable_file_is_refused_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "secret.md"
    path.write_text("text", encoding="utf-8")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads any file: make the refusal the system's answer
        real_open = os.open

        def refuse(name, *args, **kwargs):  # files are opened by reader.files.open_regular
            if Path(name) == path:
                raise PermissionError(13, "Permission denied", str(name))
            return real_open(name, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(DocumentError, match=r"secret\.md: permission denied"):
        read_source(path)


def test_the_command_line_never_prints_a_file_names_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copyfile(HOSTILE / "lone-cr.txt", folder / "title \x1b]0;pwned\x07.txt")
    shutil.copyfile(HOSTILE / "nul.txt", folder / "bad \x1b[2J.txt")
    assert main(["list", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err
    assert "␛]0;pwned␇" in out and "bad ␛[2J.txt: not a text file" in err
    assert main([str(folder / "missing \x9b2J.md")]) == 2
    err = capsys.readouterr().err
    assert err == f"reader: {folder}/missing ␦2J.md: no such file or folder\n"
