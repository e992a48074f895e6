"""``reader notes``: every highlight and note, piped as tab-separated lines, as JSON, and
for people on a terminal; filtered as the notes screen filters."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main
from reader.model import Anchor, Colour, Highlight
from reader.services.library import scan
from reader.text.documents import article_id
from tests.conftest import SAMPLE, WELCOME
from tests.stores import notes_store

TAX = "Canada-US talks resume after Carney withdraws digital services tax under Trump's pressure"


def highlight(path: Path, number: int, quote: str, **fields: object) -> Highlight:
    minute = f"2026-01-01T00:{number:02d}:00Z"
    return Highlight(
        id=f"h{number}",
        article_id=article_id(path),
        anchor=Anchor(0, len(quote), quote, block=number),
        created=minute,
        modified=minute,
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture
def noted(library: Path) -> Path:
    """Three highlights and an article note in the sample library; the newest has an escape
    sequence and a C1 control in its note, as an imported one might."""
    store = notes_store()
    scan(library, store)
    sample, welcome = library / SAMPLE.name, library / WELCOME.name
    store.save_highlights(
        [
            highlight(sample, 1, "Stung by Trump’s action", colour=Colour.GREEN, tags=("retreat",)),
            highlight(sample, 2, "Golden\nDome", tags=("tax", "arctic"), note="Why?\nSo fast."),
        ]
    )
    store.save_highlight(
        highlight(welcome, 3, "Press j", colour=Colour.PINK, note="red \x1b[31malert\x9b2J")
    )
    store.set_article_note(article_id(welcome), welcome, "A good tutorial")
    store.close()
    return library


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``reader notes ARGS`` in a process of its own, its output piped."""
    return subprocess.run(
        [sys.executable, "-m", "reader", "notes", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_piped_one_note_a_line_fields_by_tabs_newest_first(noted: Path) -> None:
    result = run("--library", str(noted))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [len(line.split("\t")) for line in lines] == [8, 8, 8, 8]
    note, pink, golden, stung = (line.split("\t") for line in lines)
    assert note[:3] == ["Welcome to reader", "", ""] and note[5] == "A good tutorial"
    # The control characters of the note shown as placeholders, never sent.
    assert pink[:3] == ["Welcome to reader", "4", "pink"] and pink[5] == "red ␛[31malert␦2J"
    # Quote and note whole, on one line; tags comma-joined; then when, and the file.
    assert golden == [
        TAX,
        "3",
        "yellow",
        "tax,arctic",
        "Golden Dome",
        "Why? So fast.",
        "2026-01-01T00:02:00Z",
        str(noted / SAMPLE.name),
    ]
    assert stung[2:4] == ["green", "retreat"]
    assert "\x1b" not in result.stdout and "\x9b" not in result.stdout


def test_json_has_every_field_and_keeps_the_text_as_it_is(noted: Path) -> None:
    result = run("--json", "--library", str(noted))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x9b" not in result.stdout  # escaped in the JSON
    records = json.loads(result.stdout)
    assert [r["kind"] for r in records] == ["article-note", "highlight", "highlight", "highlight"]
    pink = records[1]
    assert pink["note"] == "red \x1b[31malert\x9b2J"  # the data itself, unchanged
    assert set(pink) == {
        "id",
        "kind",
        "article_id",
        "title",
        "path",
        "paragraph",
        "placed",  # issue 22: whether it could be placed, and whether it is to be checked
        "check",
        "colour",
        "tags",
        "quote",
        "note",
        "created",
        "modified",
    }
    assert (pink["paragraph"], pink["colour"], pink["path"]) == (
        4,
        "pink",
        str(noted / WELCOME.name),
    )
    assert (pink["placed"], pink["check"]) == (True, False)
    assert records[0]["colour"] is None and records[0]["paragraph"] is None
    assert "placed" not in records[0]  # a note on the whole article has no place


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["golden"], ["h2"]),
        (["why", "so"], ["h2"]),
        (['"golden dome"'], ["h2"]),
        (["#ta"], ["h2"]),  # among the words, a tag by its beginning, as on the screen
        (["--tag", "ta"], []),  # --tag: the whole tag
        (["--tag", "TAX", "--tag", "arctic"], ["h2"]),
        (["--colour", "green"], ["h1"]),
        (["--color", "Pink"], ["h3"]),
        (["green"], ["h1"]),
        (["--article", "welcome"], ["note-", "h3"]),
        (["in:welcome", "press"], ["h3"]),
        (["--article", "canada", "--colour", "yellow"], ["h2"]),
    ],
)
def test_filters(
    noted: Path, capsys: pytest.CaptureFixture[str], args: list[str], ids: list[str]
) -> None:
    assert main(["notes", "--json", "--library", str(noted), *args]) == 0
    found = [record["id"] for record in json.loads(capsys.readouterr().out)]
    assert [i if i.startswith("h") else i[:5] for i in found] == ids


def test_an_unknown_colour_is_one_line_and_status_2(
    noted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["notes", "--colour", "red"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reader: no colour called 'red'") and err.count("\n") == 1


def test_on_a_terminal_three_lines_a_note_cut_to_its_width(
    noted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "60")
    assert main(["notes", "--library", str(noted)]) == 0
    lines = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out).splitlines()
    # Only reader's own styles were escape sequences: the note's shows as placeholders.
    assert "▌ ✎ red ␛[31malert␦2J" in lines and "\x1b" not in "".join(lines)
    golden = lines.index("▌ “Golden Dome”")
    assert lines[golden - 1 : golden + 2] == [
        "▌ Canada-US talks resume after…  ¶ 3 · yellow · 2026-01-01",
        "▌ “Golden Dome”",
        "▌ ✎ Why? So fast.  #tax #arctic",
    ]
    assert lines[0] == "▌ Welcome to reader  article note · " + lines[0][-10:]
    assert lines[-1] == "4 notes, newest first"
    assert all(len(line) < 60 for line in lines)
    assert main(["notes", "--library", str(noted), "yellow"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "\x1b[2m1 of 4 notes, newest first\x1b[0m"
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["notes", "--library", str(noted), "nothing-like-this"]) == 0
    assert capsys.readouterr().out == "No notes match (of 4).\n"


def test_piped_into_head_it_stops_quietly(library: Path) -> None:
    store = notes_store()
    path = library / SAMPLE.name
    made = [highlight(path, n % 60, f"Quote {n} " * 40) for n in range(400)]
    store.save_highlights([dataclasses.replace(h, id=f"x{n}") for n, h in enumerate(made)])
    store.close()
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "notes", "--library", str(library)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # as head does after its lines
    assert process.wait(timeout=60) == 141  # as any command a closed pipe stops (128 + 13)
    assert process.stderr.read() == b""


def test_notes_does_not_import_textual(noted: Path) -> None:
    probe = (
        "import sys; from reader.cli import main; code = main(['notes']); "
        "print('TEXTUAL' if any(m.startswith('textual') for m in sys.modules) else 'CLEAN')"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.splitlines()[-1] == "CLEAN", result.stderr


def test_a_damaged_notes_file_is_one_line_and_status_2(
    noted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One article's notes file damaged (in the library's notes vault): the other notes
    are listed, the file is named in one line, the status is 2, and it is left as it was."""
    files = sorted((noted / ".reader").rglob("notes/*.json"))
    assert len(files) == 2  # the two articles' notes
    damaged = b'{"meta": {"1": cut short'
    files[0].write_bytes(damaged)
    assert main(["notes", "--library", str(noted)]) == 2
    captured = capsys.readouterr()
    err = captured.err
    assert err.startswith("reader: ") and str(files[0]) in err and "damaged" in err
    assert err.count("\n") == 1
    assert captured.out  # the other article's notes are still listed
    assert files[0].read_bytes() == damaged


def test_on_a_terminal_a_long_note_leaves_its_tags_room(
    library: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = notes_store()
    sample = library / SAMPLE.name
    store.save_highlight(highlight(sample, 4, "Leavitt", tags=("press",), note="Long. " * 30))
    store.close()
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["notes", "--library", str(library)]) == 0
    lines = capsys.readouterr().out.splitlines()
    (note,) = [line for line in lines if line.startswith("▌ ✎ Long.")]
    assert note.endswith("…  #press") and len(note) < 60


def test_a_setting_it_cannot_use_is_named_on_stderr(
    noted: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 22.1: a command that reads the settings names their bad lines, as the app does.
    config = tmp_path / "config.toml"  # READER_CONFIG (tests/conftest.py)
    config.write_text('[colours.green]\nname = "important"\nvalue = "greenish"\n', "utf-8")
    assert main(["notes", "--colour", "important", "--library", str(noted)]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        f'reader: {config}: line 3: colours.green.value must be a colour such as "#f2c744"\n'
    )
    assert "Stung by" in captured.out  # the name it can use is used


@pytest.fixture
def placed_or_not(library: Path) -> Path:
    """Three highlights of the sample: one placed, one that could not be placed, one moved
    where the words around it changed (not yet confirmed)."""
    store = notes_store()
    scan(library, store)
    sample = library / SAMPLE.name
    store.save_highlights(
        [
            highlight(sample, 1, "Stung by Trump’s action"),
            highlight(sample, 2, "words of an earlier version", orphan_in="f" * 20),
            highlight(sample, 3, "Golden Dome", check=True),
        ]
    )
    store.close()
    return library


def test_json_says_which_highlights_are_not_placed_or_are_to_check(
    placed_or_not: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["notes", "--json", "--library", str(placed_or_not)]) == 0
    records = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert [records[i]["placed"] for i in ("h1", "h2", "h3")] == [True, False, True]
    assert [records[i]["check"] for i in ("h1", "h2", "h3")] == [False, False, True]
    # No paragraph for one that could not be placed (it was "paragraph": 3, as if placed).
    assert [records[i]["paragraph"] for i in ("h1", "h2", "h3")] == [2, None, 4]


def test_an_imported_orphan_has_no_paragraph(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.services.importer import import_annotations

    sample = library / SAMPLE.name
    lost = {
        "id": "urn:x:lost",
        "type": "Annotation",
        "target": {
            "source": str(sample.resolve()),
            "selector": [{"type": "TextQuoteSelector", "exact": "words never in this article"}],
        },
    }
    store = notes_store()
    import_annotations([lost], store, library)
    store.close()
    assert main(["notes", "--json", "--library", str(library)]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert (record["paragraph"], record["placed"]) == (None, False)


def test_on_a_terminal_a_mark_says_not_placed_or_moved_check(
    placed_or_not: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["notes", "--library", str(placed_or_not)]) == 0
    heads = [line for line in capsys.readouterr().out.splitlines() if "2026-01-01" in line]
    assert [head.split("  ", 1)[1] for head in heads] == [
        "¶ 4 · moved: check · yellow · 2026-01-01",
        "not placed · yellow · 2026-01-01",
        "¶ 2 · yellow · 2026-01-01",
    ]


def test_on_a_terminal_a_long_quote_is_cut_after_a_whole_word(
    library: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = notes_store()
    quote = "Carney announced the tax was being withdrawn and the White House gloated " * 3
    store.save_highlight(highlight(library / SAMPLE.name, 1, quote))
    store.close()
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["notes", "--library", str(library)]) == 0
    (line,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("▌ “")]
    assert line == "▌ “Carney announced the tax was being withdrawn and the…”"
    assert len(line) < 60
