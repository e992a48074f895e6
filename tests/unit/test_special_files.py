"""What is not a regular file in a library (a named pipe, a socket) is skipped with a note,
and nothing waits on it; a folder that cannot be read is named; a linked folder is followed.

The commands run in a process of their own with a time limit: before, a pipe in the library
made `reader list` wait for ever, and a test in this process would have waited with it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.cli import main
from reader.model import Anchor, Colour, Highlight
from reader.text.documents import load_article
from reader.text.keys import LIBRARIES
from tests.conftest import SAMPLE, WELCOME
from tests.stores import notes_store

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """``reader ARGS`` in a process of its own; one that waits for ever fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def odd_library(tmp_path: Path) -> Iterator[Path]:
    """The two sample articles, a named pipe and a socket with articles' names."""
    library = tmp_path / "lib"
    library.mkdir()
    for sample in (SAMPLE, WELCOME):
        (library / sample.name).write_bytes(sample.read_bytes())
    os.mkfifo(library / "pipe.md")
    LIBRARIES.register(library)  # the library the commands are given
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(library / "sock.md"))
    try:
        yield library
    finally:
        server.close()


def annotate(path: Path, note: str) -> None:
    article = load_article(path)
    block = article.blocks[1]
    anchor = Anchor(block.start, block.end, block.text, "", "", 1, article.fingerprint)
    highlight = Highlight(
        id=f"h-{path.stem}", article_id=article.id, anchor=anchor, colour=Colour.YELLOW, note=note
    )
    store = notes_store()
    store.save_highlight(highlight)
    store.close()


def test_reader_list_skips_a_pipe_and_a_socket_with_a_note(odd_library: Path) -> None:
    result = run("list", str(odd_library))
    assert result.returncode == 0, result.stderr
    titles = [line.split("\t")[1] for line in result.stdout.splitlines()]
    assert "Welcome to reader" in titles and len(titles) == 2
    err = result.stderr.splitlines()
    assert f"reader: skipped {odd_library / 'pipe.md'}: a named pipe (FIFO), not a file" in err
    assert f"reader: skipped {odd_library / 'sock.md'}: a socket, not a file" in err
    assert "Traceback" not in result.stderr


def test_opening_a_pipe_directly_is_one_clear_line(odd_library: Path) -> None:
    result = run(str(odd_library / "pipe.md"))
    assert result.returncode == 2
    pipe = odd_library / "pipe.md"
    assert result.stderr == f"reader: {pipe} is a named pipe (FIFO), not an article\n"


def test_export_all_skips_a_pipe_in_the_library_and_one_in_the_way(
    odd_library: Path, tmp_path: Path
) -> None:
    annotate(odd_library / WELCOME.name, "a note")
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "Welcome to reader.md")  # where the export would go
    result = run("export", "--all", "--library", str(odd_library), "-o", str(out), "--force")
    assert result.returncode == 0, result.stderr
    assert "a named pipe (FIFO), not a file" in result.stderr
    written = sorted(p.name for p in out.iterdir() if p.is_file())
    assert written == ["Welcome to reader (notes).md", "index.md"]  # the pipe left alone
    assert "a note" in (out / "Welcome to reader (notes).md").read_text(encoding="utf-8")


def test_import_matching_by_title_skips_a_pipe(
    odd_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export names the article by a file that is not there: it is found by its file
    name and title in the library, reading every article's head, never the pipe's."""
    annotate(odd_library / WELCOME.name, "a note")
    exported = run("export", "--library", str(odd_library), "--format", "json", WELCOME.name)
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout.replace(str(odd_library), str(tmp_path / "gone")))
    (tmp_path / "notes.json").write_text(json.dumps(document), encoding="utf-8")
    (odd_library / WELCOME.name).rename(odd_library / "renamed.md")
    monkeypatch.setenv("READER_DATA_DIR", str(tmp_path / "other"))
    result = run("import", str(tmp_path / "notes.json"), "--library", str(odd_library))
    assert result.returncode == 0, result.stderr
    assert "added 1 (placed 1" in result.stdout


def test_a_library_read_in_this_process_never_opens_a_pipe(odd_library: Path) -> None:
    """`export ARTICLE` by title scans the library here: the pipe is named and skipped."""
    from reader.services.library import article_files, has_articles, scan

    library = scan(odd_library, notes_store())
    assert len(library.entries) == 2
    assert sorted(problem.split(": ", 1)[1] for problem in library.problems) == [
        "a named pipe (FIFO), not a file",
        "a socket, not a file",
    ]
    assert [p.name for p in article_files(odd_library)] == sorted([SAMPLE.name, WELCOME.name])
    lone = odd_library / "only"
    lone.mkdir()
    os.mkfifo(lone / "x.md")
    assert not has_articles(lone)


def test_a_folder_that_cannot_be_read_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    library = tmp_path / "lib"
    (library / "private").mkdir(parents=True)
    (library / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    (library / "private" / "b.md").write_text("# B\n\nText.\n", encoding="utf-8")
    real_scandir = os.scandir

    def refuse(path: str | os.PathLike[str] = "."):  # root reads any folder: refuse it here
        if Path(path) == library / "private":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    assert main(["list", str(library)]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 1
    assert captured.err == (
        f"reader: skipped {library / 'private'}: a folder that cannot be read (Permission denied)\n"
    )


def test_a_linked_folder_is_followed_once_and_never_into_a_loop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    (library / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.md").write_text("# B\n\nText.\n", encoding="utf-8")
    (elsewhere / "up").symlink_to(tmp_path)  # a loop, through the library and back
    (library / "news").symlink_to(elsewhere)  # a folder kept elsewhere: followed
    (library / "again").symlink_to(elsewhere)  # the same folder twice: listed once
    (library / "self").symlink_to(library)  # the library itself: its files are listed
    assert main(["list", "--json", str(library)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert sorted(row["path"] for row in rows) == [
        str(library / "a.md"),
        str(library / "again" / "b.md"),
    ]


def test_exporting_a_pipe_by_its_name_is_one_clear_line(odd_library: Path) -> None:
    result = run("export", "--library", str(odd_library), str(odd_library / "pipe.md"))
    assert result.returncode == 2
    pipe = odd_library / "pipe.md"
    assert result.stderr == f"reader: {pipe} is a named pipe (FIFO), not an article\n"
