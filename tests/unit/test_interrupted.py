"""Commands that write many files, killed outright (SIGKILL) at every step of their work:
the next start, or the next run of the same command, finishes or undoes what was cut short
and sweeps what it left; a folder never holds a mix of old and new exports, nor an export
hidden as a temporary file, nor a half-written article.

Each command runs in a process of its own under :mod:`tests.kill_at`, which counts every
``os.replace``, ``rename``, ``link``, ``unlink`` and ``fsync`` and kills the process just
before, or just after, step N; N goes from 1 until a run ends without being killed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.text.documents import load_article
from reader.text.front_matter import split_front_matter
from reader.text.keys import LIBRARIES
from tests.conftest import ROOT
from tests.stores import notes_store
from tests.unit.test_export import make_highlight


def reader(*args: str, kill_at: int | None = None, when: str = "before"):
    """``reader ARGS`` in a process of its own, killed at step ``kill_at`` if given."""
    env = dict(os.environ)
    command = [sys.executable, "-m", "reader", *args]
    if kill_at is not None:
        env |= {"READER_KILL_AT": str(kill_at), "READER_KILL_WHEN": when}
        command = [sys.executable, "-m", "tests.kill_at", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def every_step(args: list[str], after_kill: Callable[[str], None], expected_status: int = 0):
    """Run ``reader ARGS`` killed at each step, before it and after it, calling
    ``after_kill(where)`` after each kill; the number of steps."""
    steps = 0
    for when in ("before", "after"):
        at = 1
        while True:
            result = reader(*args, kill_at=at, when=when)
            if result.returncode != -signal.SIGKILL:
                assert result.returncode == expected_status, result.stderr
                break
            after_kill(f"killed {when} step {at}")
            at += 1
        steps = max(steps, at - 1)
    return steps


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder``, hidden ones too, by name."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def hidden(*folders: Path) -> list[str]:
    """Hidden files an export left (a library's notes vault, `.reader`, is not one)."""
    return [
        p.name
        for folder in folders
        if folder.exists()
        for p in folder.iterdir()
        if p.name.startswith(".") and p.name != ".reader"
    ]


@pytest.mark.slow
def test_export_all_force_killed_at_any_step_is_undone_or_finished(
    tmp_path: Path, private_data: Path
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    LIBRARIES.register(library)  # as the command line does: its articles' ids are its keys
    articles = []
    for number in range(3):
        path = library / f"a{number}.md"
        path.write_text(f"# Article {number}\n\nA paragraph.\n\nAnother.\n", encoding="utf-8")
        articles.append(load_article(path))
    store = notes_store(library=library)
    for article in articles:
        store.save_highlight(make_highlight(article, 1, "the first note"))
    store.close()
    out = tmp_path / "out"
    args = ["export", "--all", "--library", str(library), "-o", str(out)]
    assert reader(*args).returncode == 0
    sorted(path for path in out.iterdir() if path.name != "index.md")[1].unlink()  # new next
    before = snapshot(out)
    store = notes_store()
    for number, article in enumerate(articles):  # every export changes
        store.save_highlight(make_highlight(article, 2, "a later note", number=number + 10))
    store.close()
    kept = tmp_path / "kept"
    shutil.copytree(out, kept)
    assert reader(*args, "--force").returncode == 0
    after = snapshot(out)
    assert after != before and len(after) == len(before) + 1

    def put_back() -> None:
        shutil.rmtree(out)
        shutil.copytree(kept, out)

    def check(where: str) -> None:
        # Any start (here `reader list`) finishes or undoes the export cut short ...
        assert reader("list", str(library)).returncode == 0, where
        assert snapshot(out) in (before, after), where
        assert hidden(out, private_data) == [], where
        # ... and the same command then runs whole.
        put_back_after = reader(*args, "--force")
        assert put_back_after.returncode == 0, (where, put_back_after.stderr)
        assert snapshot(out) == after, where
        assert hidden(out, private_data, library) == [], where
        put_back()

    put_back()
    steps = every_step([*args, "--force"], check)
    assert steps > 10  # the kills landed in the middle of the work


@pytest.mark.slow
def test_export_all_killed_then_run_again_at_once_finishes_without_a_start_between(
    tmp_path: Path, private_data: Path
) -> None:
    """No other start between: the next export into the folder puts it right itself."""
    library = tmp_path / "library"
    library.mkdir()
    LIBRARIES.register(library)  # as the command line does: its articles' ids are its keys
    path = library / "a.md"
    path.write_text("# Article\n\nA paragraph.\n", encoding="utf-8")
    store = notes_store()
    store.save_highlight(make_highlight(load_article(path), 1, "a note"))
    store.close()
    out = tmp_path / "out"
    args = ["export", "--all", "--library", str(library), "-o", str(out), "--force"]
    assert reader(*args).returncode == 0
    after = snapshot(out)

    def check(where: str) -> None:
        assert reader(*args).returncode == 0, where
        assert snapshot(out) == after, where
        assert hidden(out, private_data) == [], where

    every_step(args, check)


def saved_page(title: str, words: str) -> str:
    paragraphs = "".join(
        f"<p>{words} {n}, and more words to make a paragraph.</p>" for n in range(8)
    )
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{paragraphs}<p>The last paragraph of {title}.</p></article></body></html>"
    )


@pytest.mark.slow
def test_add_from_a_list_killed_at_any_step_leaves_no_half_article_and_is_swept(
    tmp_path: Path, private_data: Path
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    titles = ["First story", "Second story", "Third story"]
    for number, title in enumerate(titles):
        (pages / f"page{number}.html").write_text(
            saved_page(title, f"Words of story {number}"), encoding="utf-8"
        )
    listing = tmp_path / "list.txt"
    listing.write_text("".join(f"{pages / f'page{n}.html'}\n" for n in range(3)), encoding="utf-8")
    library = tmp_path / "lib"
    args = ["add", "--to", str(library), "--from", str(listing)]

    def articles() -> list[Path]:
        return sorted(p for p in library.iterdir() if not p.name.startswith("."))

    def check(where: str) -> None:
        for path in articles():  # whatever is there is whole
            fields, body = split_front_matter(path.read_text(encoding="utf-8"))
            assert f"The last paragraph of {fields['title']}." in body, where
        result = reader(*args)
        assert result.returncode == 0, (where, result.stderr)
        assert [
            split_front_matter(p.read_text(encoding="utf-8"))[0]["title"] for p in articles()
        ] == sorted(titles), where
        assert hidden(library) == [], where
        shutil.rmtree(library)

    every_step(args, check)


def dead_pid() -> int:
    """The pid of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_what_an_older_reader_left_in_an_export_folder_is_put_right_and_swept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An export killed by an earlier version left an earlier export hidden as the only copy
    of its file, and temporary files that a later export never removed."""
    from reader.cli import main

    library = tmp_path / "library"
    library.mkdir()
    LIBRARIES.register(library)  # as the command line does: its articles' ids are its keys
    path = library / "a.md"
    path.write_text("# Article\n\nA paragraph.\n", encoding="utf-8")
    store = notes_store(library=library)
    store.save_highlight(make_highlight(load_article(path), 1, "a note"))
    store.close()
    out = tmp_path / "out"
    args = ["export", "--all", "--library", str(library), "-o", str(out)]
    assert main(args) == 0
    pid = dead_pid()
    (out / "Article.md").rename(out / f".Article.md.{pid}.was.tmp")  # the only copy
    (out / f".Gone.md.{pid}.was.tmp").write_text("an earlier export\n", encoding="utf-8")
    (out / f".index.md.{pid}.was.tmp").write_bytes((out / "index.md").read_bytes())
    for tag in ("", ".0", ".17", ".index"):
        (out / f".Article.md.{pid}{tag}.tmp").write_text("half", encoding="utf-8")
    live = out / f".Article.md.{os.getppid()}.0.tmp"  # another export at work: left alone
    live.write_text("being written", encoding="utf-8")
    assert main(["export", "--library", str(library), "-o", str(out / "one.md"), "a.md"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["Article.md", "Gone.md", "index.md", "one.md", live.name]
    )
    assert "a note" in (out / "Article.md").read_text(encoding="utf-8")
    capsys.readouterr()


def test_what_an_older_reader_s_add_left_in_the_library_is_swept(tmp_path: Path) -> None:
    from reader.intake.shelf import SourceIndex

    library = tmp_path / "lib"
    library.mkdir()
    pid = dead_pid()
    left = [
        f"..Title.md.{pid}.140234.new.{pid}.tmp",
        f".Title.md.{pid}.140234.new",
        f".Title.md.{pid}.140234.tmp",
    ]
    for name in left:
        (library / name).write_text("half an article", encoding="utf-8")
    live = library / f".Other.md.{os.getppid()}.1.tmp"
    live.write_text("being written", encoding="utf-8")
    (library / ".notes.md").write_text("the user's own hidden file", encoding="utf-8")
    SourceIndex(library)  # every add (reader add, the app's + and a) begins with one
    assert sorted(p.name for p in library.iterdir()) == sorted([".notes.md", live.name])
