"""A terminal that goes away, in every state of the app: reader saves and is gone in 3 s.

Closing the terminal (a tmux server killed, a terminal emulator closed) used to leave
reader running for hours, holding its dead pseudo-terminal and deaf to SIGTERM, when it
happened while a book was still loading. Each test here runs the real ``reader`` under a
pseudo-terminal, brings it to a state, closes the terminal, and checks that the process
is gone within three seconds, and that what was made is saved.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from reader.db.store import Store
from reader.model import Anchor, Highlight
from reader.text.documents import load_article
from tests.conftest import SAMPLE, book_text
from tests.stores import notes_store
from tests.unit.test_storage_faults import Terminal

LIMIT = 3.0  # seconds from the hang-up to the process being gone
REPEATS = 3


def painted(terminal: Terminal, words: bytes) -> None:
    assert terminal.read_until(lambda: words in terminal.output, 30), "never painted"
    terminal.quiet_for(0.3, 5)


def unplaceable(article_id: str, count: int) -> list[Highlight]:
    """Highlights made on another version of the article, whose quotes are nowhere in it:
    re-placing them is a long fuzzy search in a worker thread."""
    return [
        Highlight(
            id=f"lost-{n}",
            article_id=article_id,
            anchor=Anchor(n * 100, n * 100 + 60, f"qqq zzz {n} never written anywhere " * 2),
            created="2026-01-01T00:00:00Z",
            modified="2026-01-01T00:00:00Z",
        )
        for n in range(count)
    ]


def check_saved(data: Path) -> Store:
    """Every notes file parses, no temporary file is left; the store, read-only."""
    files = [p for p in (data / "vault").rglob("*") if p.is_file()]
    assert [p for p in files if p.suffix == ".json"], "no notes file was written"
    for path in files:
        if path.suffix == ".json":
            json.loads(path.read_bytes())
    assert not [p.name for p in files if p.name.endswith(".tmp")]
    return notes_store(read_only=True)


def run(data: Path, article: Path, state: str, then_sigterm: bool = False) -> Terminal:
    terminal = Terminal(data, article, columns=160, lines=45)
    try:
        if state == "book-loading":
            # Hung up as the rest of the book streams in, the case that used to hang.
            assert terminal.read_until(lambda: b"loading" in terminal.output, 30)
        else:
            painted(terminal, "¶".encode())  # the header: "¶ 3 / 34"
        if state == "article":
            os.write(terminal.fd, b"jj")
        elif state == "modal":
            os.write(terminal.fd, b"?")
            assert terminal.read_until(lambda: "k, ↑".encode() in terminal.output, 10)
        elif state == "editor":
            os.write(terminal.fd, b"h")
            terminal.quiet_for(0.3, 5)
            os.write(terminal.fd, b"a")
            assert terminal.read_until(lambda: b"ctrl+s" in terminal.output, 10)
            os.write(terminal.fd, b"words not yet saved")
        elif state == "worker":
            time.sleep(0.3)
            # Still searching: the notice "... could not be placed in the changed article"
            # comes when the worker is done (16 s of fuzzy search).
            assert b"changed" not in terminal.output
        terminal.quiet_for(0.2, 2)
        terminal.hang_up()
        if then_sigterm:
            os.kill(terminal.pid, signal.SIGTERM)
        start = time.monotonic()
        assert terminal.gone_within(LIMIT + 2), f"{state}: still running after {LIMIT + 2} s"
        assert time.monotonic() - start < LIMIT, f"{state}: took {time.monotonic() - start} s"
    finally:
        terminal.close()
    return terminal


@pytest.fixture
def big_book(tmp_path: Path) -> Path:
    path = tmp_path / "book.md"
    path.write_text(book_text(chapters=200, verses=60), encoding="utf-8")  # about 3.6 MB
    return path


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("state", ["article", "modal", "editor", "book-loading", "worker"])
def test_closing_the_terminal_ends_reader_within_three_seconds(
    private_data: Path, tmp_path: Path, big_book: Path, state: str
) -> None:
    article = SAMPLE
    if state == "book-loading":
        article = big_book
    elif state == "worker":
        article = tmp_path / "changed.md"
        article.write_text(book_text(chapters=30, verses=40), encoding="utf-8")
        store = notes_store()
        store.save_highlights(unplaceable(load_article(article).id, 60))
        store.close()
    article_id = load_article(article).id
    for repeat in range(REPEATS):
        run(private_data, article, state)
        store = check_saved(private_data)
        if state == "article":
            position = store.position(article_id)
            # Two paragraphs further each time: saved on the way out.
            assert position is not None and position.block == 2 * (repeat + 1)
        if state == "editor":
            # The highlight made before, and the note being typed as the terminal closed,
            # saved as its note (each time the editor opens on it, the words are added).
            (highlight,) = store.highlights(article_id)
            assert highlight.note == "words not yet saved" * (repeat + 1)
            assert not list(private_data.glob("notes.draft-*"))  # nothing left over


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("state", ["article", "book-loading"])
def test_sigterm_ends_reader_whose_terminal_is_gone(
    private_data: Path, big_book: Path, state: str
) -> None:
    article = big_book if state == "book-loading" else SAMPLE
    for _ in range(2):
        run(private_data, article, state, then_sigterm=True)
        check_saved(private_data)


def open_editor(terminal: Terminal, words: bytes) -> None:
    """Highlight, open the note editor and type ``words`` (as a reader does)."""
    painted(terminal, "¶".encode())
    os.write(terminal.fd, b"jja")
    assert terminal.read_until(lambda: b"ctrl+s" in terminal.output, 10)
    os.write(terminal.fd, words)
    terminal.quiet_for(0.3, 5)


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_sigterm_with_the_note_editor_open_saves_the_note(private_data: Path) -> None:
    article_id = load_article(SAMPLE).id
    terminal = Terminal(private_data, SAMPLE, columns=160, lines=45)
    try:
        open_editor(terminal, b"typed when the system shut down")
        os.kill(terminal.pid, signal.SIGTERM)
        assert terminal.wait(LIMIT + 2) == 128 + signal.SIGTERM
    finally:
        terminal.close()
    (highlight,) = check_saved(private_data).highlights(article_id)
    assert highlight.note == "typed when the system shut down"
    assert not list(private_data.glob("notes.draft-*"))


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_note_being_typed_when_reader_is_killed_outright_is_offered_back(
    private_data: Path,
) -> None:
    """kill -9 leaves no time to save anything: the note is in its draft file, written a
    moment after the last key, and the next start offers it back in the editor."""
    terminal = Terminal(private_data, SAMPLE, columns=160, lines=45)
    try:
        open_editor(terminal, b"typed before the kill")
        assert terminal.read_until(
            lambda: any(
                b"typed before the kill" in p.read_bytes()
                for p in private_data.glob("notes.draft-*.json")
            ),
            10,
        ), "no draft was written"
        os.kill(terminal.pid, signal.SIGKILL)
        terminal.wait(10)
    finally:
        terminal.close()
    terminal = Terminal(private_data, SAMPLE, columns=160, lines=45)
    try:
        assert terminal.read_until(lambda: b"not saved when reader closed" in terminal.output, 30)
        terminal.quiet_for(0.3, 5)
        os.write(terminal.fd, b"\x13")  # ctrl+s: saved as the note
        terminal.quiet_for(0.5, 5)
        os.write(terminal.fd, b"\x11")  # ctrl+q
        assert terminal.wait(LIMIT + 2) == 0
    finally:
        terminal.close()
    (highlight,) = check_saved(private_data).highlights(load_article(SAMPLE).id)
    assert highlight.note == "typed before the kill"
    assert not list(private_data.glob("notes.draft-*"))
