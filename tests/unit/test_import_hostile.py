"""Files made to hurt an import: a 50 MB clippings file, Lua that is code, spreadsheet formulas.

None is ever run, none takes memory in proportion to its size, and each is refused (or
read) with one clear line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from reader.cli import main
from reader.notes import formats
from reader.notes.formats import kindle, lua
from reader.paths import resolve
from reader.text.keys import LIBRARIES
from tests.conftest import DATA
from tests.stores import notes_store

IMPORTS = DATA / "imports"
MB = 1024 * 1024


def _clipping(book: int, number: int) -> str:
    words = " ".join(f"w{(book * 131 + number * 17 + n) % 997}" for n in range(40))
    return (
        f"Book {book} of the Pile (Author {book}, A.)\r\n"
        f"- Your Highlight on page {number} | Location {number * 10}-{number * 10 + 2} | "
        f"Added on Monday, March 4, 2024 9:{number % 60:02d}:00 AM\r\n\r\n"
        f"Passage {number} of book {book}: {words}.\r\n==========\r\n"
    )


def write_pile(path: Path, size: int, books: int = 30, each: int = 34) -> int:
    """A clippings file of ``size`` bytes: ``books`` × ``each`` distinct highlights, then the
    same again and again (a Kindle rewrites what it already wrote), with one clipping of
    3 MB on one line and, at the end, 2 MB with no line end at all. Written a piece at a
    time: the test does not hold it either. The number of distinct highlights."""
    distinct = "".join(_clipping(b, n) for b in range(books) for n in range(1, each + 1))
    giant = (
        "Book 0 of the Pile (Author 0, A.)\r\n- Your Highlight on Location 1-2 | Added on "
        "Monday, March 4, 2024 9:00:00 AM\r\n\r\n" + "x" * (3 * MB) + "\r\n==========\r\n"
    )
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(distinct)
        handle.write(giant)
        written = len(distinct) + len(giant)
        while written < size - 2 * MB:
            handle.write(distinct)
            written += len(distinct)
        handle.write("=" * (2 * MB))
    return books * each


@pytest.mark.slow
def test_a_50_mb_clippings_file_is_read_a_line_at_a_time_and_imported_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pile = tmp_path / "My Clippings.txt"
    distinct = write_pile(pile, 50 * MB)
    assert pile.stat().st_size >= 50 * MB
    tracemalloc.start()
    try:
        reading = kindle.read(pile)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # What is kept is the distinct highlights' words (some 300 kB), never the file, nor
    # the line of 3 MB, nor the 2 MB with no line end.
    assert peak < 12 * MB, f"{peak / MB:.1f} MB"
    assert len(reading.items) == distinct
    longer = "entries longer than 100,000 characters (not a Kindle clipping)"
    assert reading.skips.counts[longer] == 2  # the clipping of 3 MB, the 2 MB without end
    assert reading.skips.counts["entries repeated word for word (kept once)"] > 100_000
    # And as a user imports it: each book kept (none is in the library), in one go.
    library = tmp_path / "library"
    library.mkdir()
    LIBRARIES.register(library)  # as `--library` registers it, before its notes
    assert main(["import", str(pile), "--library", str(library)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(
        f"My Clippings.txt (Kindle clippings): added 0 (placed 0, kept unplaced 0), books not "
        f"in the library 30 ({distinct} kept), skipped "
    )
    assert sum(1 for _ in notes_store(read_only=True).all_highlights()) == distinct


def test_a_clipping_longer_than_any_a_kindle_writes_is_skipped_and_never_held_whole(
    tmp_path: Path,
) -> None:
    path = tmp_path / "My Clippings.txt"
    path.write_text(
        _clipping(1, 1)
        + "Book 1 of the Pile (Author 1, A.)\r\n- Your Highlight on Location 9-9 | Added on "
        "Monday, March 4, 2024 9:00:00 AM\r\n\r\n"
        + "y" * (kindle.MAX_LINE + 5)
        + "\r\n==========\r\n"
        + _clipping(1, 2)
        + "z" * (kindle.MAX_LINE * 2),  # and a tail with no line end
        encoding="utf-8",
    )
    reading = kindle.read(path)
    assert [item.label for item in reading.items] == [
        "Book 1 of the Pile, location 10-12",
        "Book 1 of the Pile, location 20-22",
    ]
    assert reading.skips.counts == {
        "entries longer than 100,000 characters (not a Kindle clipping)": 2
    }


# --- Lua that is code, not data --------------------------------------------------------------


HOSTILE_LUA = {
    "a call": ('return { ["text"] = os.execute("touch PWNED") }', "`os`: code, not data"),
    "a loop first": ("while true do end\nreturn {}", "does not start with `return`"),
    "a loop inside": (
        'return { ["annotations"] = (function() while true do end end)() }',
        "`(` where a value should be",
    ),
    "a loop after": ("return {}\nfor i = 1, 10 do os.remove('x') end", "more follows the table"),
    "a function": ('return { ["f"] = function() return 1 end }', "`function`: code, not data"),
    "a variable": ("return { [x] = 1 }", "`x`: code, not data"),
    "an operator": ('return { ["n"] = 1 + 1 }', "`,` or `}` was expected"),
    "a string concatenated": ('return { ["s"] = "a" .. "b" }', "`,` or `}` was expected"),
    "deep nesting": ("return " + "{" * 100_000 + "}" * 100_000, "nested more than 40 deep"),
    "a huge string": (
        'return { ["text"] = "' + "x" * (5 * MB) + '" }',
        "a string longer than 4 MB",
    ),
    "a huge long string": ("return { [[" + "x" * (5 * MB) + "]] }", "a string longer than 4 MB"),
    "an unending comment": ("--[[ return {}", "a comment that never ends"),
}


@pytest.mark.parametrize("name", list(HOSTILE_LUA))
def test_a_lua_sidecar_that_is_not_only_data_is_refused_and_never_run(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text, said = HOSTILE_LUA[name]
    book = tmp_path / "book.sdr"
    book.mkdir()
    (book / "metadata.epub.lua").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["import", str(book), "--library", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("reader: metadata.epub.lua is not a KOReader sidecar reader can read: ")
    assert said in err and err.count("\n") == 1
    assert not (tmp_path / "PWNED").exists()
    assert not resolve().db.exists()  # refused before any database is made


def test_lua_has_no_way_to_run_even_where_a_lua_is_installed(tmp_path: Path) -> None:
    """The sidecar is parsed in Python: no interpreter is ever started (a lua on the PATH
    that would leave a mark is never called)."""
    marker = tmp_path / "ran"
    fake = tmp_path / "bin"
    fake.mkdir()
    for name in ("lua", "luajit", "lua5.1"):
        (fake / name).write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
        (fake / name).chmod(0o755)
    sidecar = IMPORTS / "koreader" / "2024" / "the-salt-road.sdr"
    env = {"PATH": f"{fake}:/usr/bin:/bin", "READER_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-m", "reader", "import", str(sidecar), "--library", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not marker.exists()


def test_a_sidecar_larger_than_any_koreader_writes_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lua, "MAX_SIZE", 1000)
    path = tmp_path / "metadata.pdf.lua"
    path.write_text("return {" + " " * 2000 + "}", encoding="utf-8")
    with pytest.raises(formats.FormatError, match="larger than 0 MB"):
        formats.read(path, "koreader")


def test_lua_values_are_read_as_lua_writes_them() -> None:
    text = (
        '-- a comment\nreturn {\n  ["a"] = "line\\\nnext \\65\\066 \\u{e9} \\x41 \\z   end",\n'
        '  [1] = 2, b = { 1, 2, 3; }, ["c"] = -1.5e2, ["d"] = [==[\nlong ]] ]==],\n'
        '  ["e"] = inf, [2.0] = nil, ["f"] = 0x1F, ["g"] = \'single "quoted"\',\n}\n'
    )
    assert lua.loads(text) == {
        "a": "line\nnext AB é A end",
        1: 2,
        "b": {1: 1, 2: 2, 3: 3},
        "c": -150.0,
        "d": "long ]] ",
        "e": float("inf"),
        "f": 31,
        "g": 'single "quoted"',
    }


# --- spreadsheet formulas ----------------------------------------------------------------------


def test_a_formula_in_a_csv_cell_is_kept_as_words_and_never_written_as_a_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "library"
    shutil.copytree(IMPORTS / "library", library)
    (library / "sheet.md").write_text(
        '---\ntitle: \'=HYPERLINK("http://evil.example", "click")\'\n---\n\nWords.\n',
        encoding="utf-8",
    )
    assert main(["import", str(IMPORTS / "csv" / "readwise.csv"), "--library", str(library)]) == 0
    out = capsys.readouterr().out
    assert "kept: no article in the library for =cmd|' /C notepad'!A0" not in out  # a quote
    assert "kept: no article in the library for Spreadsheet Tricks (@Mallory)" in out
    # Kept as the words they are, in the database and in every JSON reader writes.
    # (The store reader opens on the library: its notes are kept in its vault.)
    notes = {h.note for h in notes_store(read_only=True, library=library).all_highlights()}
    assert {"=cmd|' /C calc'!A0", "+SUM(1,2)"} <= notes
    assert main(["notes", "--json", "--library", str(library)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {"=cmd|' /C calc'!A0", "+SUM(1,2)"} <= {n["note"] for n in listed}
    assert "=cmd|' /C notepad'!A0" in {n["quote"] for n in listed}
    # Reader writes no CSV; its tab-separated lines, which a spreadsheet opens as one, carry
    # no formula: a field that would begin one is marked as text.
    assert main(["notes", "--library", str(library)]) == 0
    fields = [field for line in capsys.readouterr().out.splitlines() for field in line.split("\t")]
    assert "'=cmd|' /C calc'!A0" in fields and "'+SUM(1,2)" in fields
    assert "'=cmd|' /C notepad'!A0" in fields
    assert not [field for field in fields if field.startswith(("=", "+", "-", "@"))]
    assert main(["list", str(library)]) == 0
    titles = [line.split("\t")[1] for line in capsys.readouterr().out.splitlines()]
    assert '\'=HYPERLINK("http://evil.example", "click")' in titles
    assert not [title for title in titles if title.startswith(("=", "+", "-", "@"))]
