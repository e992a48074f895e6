"""Every command that writes to a pipe ends quietly when the pipe's reader goes.

``reader list | head -1``: head reads a line and leaves; reader, still writing, finds the
pipe closed. Whatever the command, that ends it at once with the status a shell gives any
command a closed pipe stopped (141), and not one word on standard error.

Each test is deterministic: the pipe's read end is closed before the command starts (so
its first write finds the pipe closed), or the output is far larger than what the reader
took and a pipe holds (so a write after the reader left is certain).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.model import Anchor, Highlight
from reader.text.documents import article_id
from tests.conftest import WELCOME
from tests.stores import notes_store

CLOSED = 141  # 128 + SIGPIPE


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "READER_DATA_DIR": str(tmp_path / "data"),
        "READER_CONFIG": str(tmp_path / "config.toml"),
        "COLUMNS": "100",
    }


def into_closed_pipe(
    args: list[str], tmp_path: Path, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """Run ``reader ARGS`` with standard output a pipe nobody reads any more."""
    read, write = os.pipe()
    os.close(read)  # before the command writes a byte: its every write finds it closed
    try:
        return subprocess.run(
            [sys.executable, "-m", "reader", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(tmp_path),
            cwd=cwd,
            timeout=120,
        )
    finally:
        os.close(write)


@pytest.fixture
def annotated(library: Path, tmp_path: Path) -> Path:
    """The sample library, with a highlight on the welcome article."""
    store = notes_store()
    welcome = library / WELCOME.name
    quote = "Welcome to reader"
    store.save_highlight(
        Highlight(
            id="h1",
            article_id=article_id(welcome),
            anchor=Anchor(2, 2 + len(quote), quote, block=0),
            created="2026-01-01T00:00:00Z",
            modified="2026-01-01T00:00:00Z",
            note="the start",
        )
    )
    store.set_article_note(article_id(welcome), welcome, "A good tutorial")
    store.close()
    return library


COMMANDS = [
    ["list", "{library}"],
    ["list", "--json", "{library}"],
    ["notes", "--library", "{library}"],
    ["notes", "--json", "--library", "{library}"],
    ["notes", "tutorial", "--library", "{library}"],
    ["export", "--library", "{library}", "welcome-to-reader"],
    ["export", "--library", "{library}", "--format", "json", "welcome-to-reader"],
    ["export", "--library", "{library}", "--all", "--format", "json"],
    ["import", "{export}"],
    ["locate"],
    ["recover"],
    ["--help"],
    ["--version"],
    ["list", "--help"],
    ["add", "--to", "{shelf}", "{page}"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_each_command_ends_quietly_on_a_closed_pipe(
    command: list[str], annotated: Path, tmp_path: Path
) -> None:
    export = tmp_path / "notes.json"
    from reader.cli import main

    assert (
        main(
            ["export", "--library", str(annotated), "--all", "--format", "json", "-o", str(export)]
        )
        == 0
    )
    page = tmp_path / "story.html"
    paragraphs = "".join(f"<p>Paragraph {n} of a story told at length.</p>" for n in range(12))
    page.write_text(f"<html><head><title>Story</title></head><body>{paragraphs}</body></html>")
    names = {"library": annotated, "export": export, "shelf": tmp_path / "shelf", "page": page}
    args = [part.format(**{k: str(v) for k, v in names.items()}) for part in command]
    result = into_closed_pipe(args, tmp_path, cwd=tmp_path)
    assert result.stderr == ""
    # argparse writes help and version itself and, finding the pipe closed, says nothing.
    assert result.returncode == (0 if command[-1] in ("--help", "--version") else CLOSED)


def test_list_piped_into_head_ends_quietly(tmp_path: Path) -> None:
    """Thousands of lines, the reader gone after the first: as `reader list | head -1`."""
    library = tmp_path / "many"
    library.mkdir()
    title = "An article whose title is long enough to fill a line of a listing, number"
    for number in range(2_000):
        (library / f"article-{number:04}.md").write_text(f"# {title} {number}\n\nText.\n")
    listing = subprocess.Popen(
        [sys.executable, "-m", "reader", "list", str(library)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp_path),
    )
    assert listing.stdout is not None and listing.stderr is not None
    first = listing.stdout.readline()
    listing.stdout.close()  # about 8 kB read of some 400 kB: the rest finds the pipe closed
    assert listing.wait(timeout=120) == CLOSED
    assert title.encode() in first
    assert listing.stderr.read() == b""
    listing.stderr.close()
