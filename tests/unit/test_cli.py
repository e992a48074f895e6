"""The command line: errors as one line with status 2, list and locate without Textual."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from reader import __version__
from reader.cli import main
from reader.paths import resolve, seed_library
from tests.conftest import ROOT
from tests.stores import notes_store


def run(*args: str, cwd: Path | None = None, env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
    )


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"reader {__version__}"
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "reader list" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: d / "missing.md", "no such file"),
        (lambda d: _write(d / "image.md", b"\x89PNG\r\n\x1a\nxxxx"), "binary"),
        (lambda d: _write(d / "nul.txt", b"text\x00more"), "binary"),
        (lambda d: _mkdir(d / "empty"), "has no articles"),
        (lambda d: _write(d / "table.xlsx", b"data"), "opens .md and .txt"),
    ],
)
def test_user_mistakes_print_one_line_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    setup,
    message: str,
) -> None:
    def no_app(app: object) -> None:  # a bad file accepted would run the app for ever
        raise AssertionError("the app was started on a file it should refuse")

    monkeypatch.setattr("reader.cli._run_until_signalled", no_app)
    target = setup(tmp_path)
    assert main([str(target)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and err.startswith("reader: ")
    assert "Traceback" not in err


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def test_damaged_database_is_a_clear_error(
    tmp_path: Path, library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "broken.json"
    db.write_text("{oops", encoding="utf-8")
    assert main(["list", "--db", str(db), str(library)]) == 2
    err = capsys.readouterr().err
    assert str(db) in err and "damaged" in err
    assert db.read_text(encoding="utf-8") == "{oops"


def test_an_article_given_as_the_database_is_not_called_damaged(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = library / "welcome-to-reader.md"
    before = article.read_bytes()
    assert main(["list", str(library), "--db", str(article)]) == 2
    assert capsys.readouterr().err == (
        f"reader: {article} is not a reader database (not JSON); it was left as it is: "
        "give --db (or READER_DB) the notes file of an older reader\n"
    )
    assert article.read_bytes() == before


def test_export_of_a_folder_says_how_to_export_all_of_it(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(library)]) == 2
    assert capsys.readouterr().err == (
        f"reader: {library} is a folder: name one article in it, or export them all with "
        f"--all --library {library}\n"
    )


def test_a_folder_given_as_the_database_is_named_as_such_and_left_alone(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p.name for p in library.iterdir())
    for command in (["list", str(library)], ["notes", "--library", str(library)], [str(library)]):
        assert main([*command, "--db", str(library)]) == 2
        err = capsys.readouterr().err
        assert err == (
            f"reader: {library} is a folder, not a database: give --db (or READER_DB) the "
            f"file of an older reader's notes, such as {library / 'reader.json'}\n"
        )
    assert sorted(p.name for p in library.iterdir()) == before


def test_list_shows_titles_and_words_without_importing_textual(
    library: Path, tmp_path: Path
) -> None:
    probe = (
        "import sys; from reader.cli import main; code = main(['list', sys.argv[1]]); "
        "print('TEXTUAL' if any(m.startswith('textual') for m in sys.modules) else 'CLEAN'); "
        "sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(library)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**_env(tmp_path), "COLUMNS": "200"},
    )
    assert result.returncode == 0, result.stderr
    assert "Welcome to reader" in result.stdout
    assert "Canada-US talks resume" in result.stdout
    assert "CLEAN" in result.stdout


def test_list_shows_reading_progress(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.db.store import ReadingPosition
    from reader.text.documents import article_id

    store = notes_store()
    welcome = library / "welcome-to-reader.md"
    store.save_position(article_id(welcome), welcome, "x", ReadingPosition(3, 0, 0.42))
    store.close()
    assert main(["list", str(library)]) == 0  # piped: tab-separated
    row = next(line for line in capsys.readouterr().out.splitlines() if "Welcome" in line)
    assert row.split("\t")[3] == "42"


def test_locate_follows_the_environment(
    tmp_path: Path, private_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["locate"]) == 0
    out = capsys.readouterr().out
    assert f"notes:     {private_data / 'library' / '.reader'}" in out
    custom = tmp_path / "elsewhere.json"
    assert main(["locate", "--db", str(custom)]) == 0
    assert str(custom) in capsys.readouterr().out


def test_paths_precedence(tmp_path: Path) -> None:
    env = {
        "READER_DATA_DIR": str(tmp_path / "d"),
        "READER_DB": str(tmp_path / "x.json"),
        "READER_LIBRARY": str(tmp_path / "lib"),
    }
    paths = resolve(env=env, cwd=tmp_path)
    assert paths.db == tmp_path / "x.json"
    assert paths.library == tmp_path / "lib"
    (tmp_path / "articles").mkdir()
    assert resolve(env=env, cwd=tmp_path).library == tmp_path / "articles"
    assert resolve(db=tmp_path / "y.json", env=env, cwd=tmp_path).db == tmp_path / "y.json"
    assert resolve(env={"READER_DATA_DIR": str(tmp_path / "d")}, cwd=tmp_path / "d").library == (
        tmp_path / "d" / "library"
    )


def test_first_run_library_is_seeded_with_the_samples(tmp_path: Path) -> None:
    library = tmp_path / "fresh" / "library"
    assert seed_library(library)
    names = sorted(p.name for p in library.iterdir())
    assert names == sorted(p.name for p in (ROOT / "articles").iterdir())
    assert not seed_library(library)


def test_a_first_run_cut_short_leaves_no_half_seeded_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    real = shutil.copy2
    copied = 0

    def cut_short(source: Path, target: Path) -> None:
        nonlocal copied
        copied += 1
        if copied == 2:
            raise KeyboardInterrupt
        real(source, target)

    monkeypatch.setattr(shutil, "copy2", cut_short)
    library = tmp_path / "fresh" / "library"
    with pytest.raises(KeyboardInterrupt):
        seed_library(library)
    assert list(library.parent.iterdir()) == []  # no library, and no temporary folder
    monkeypatch.undo()
    # One killed outright leaves its folder; a later run with the same pid starts over.
    import os

    (library.parent / f".library.{os.getpid()}.seeding" / "half.md").mkdir(parents=True)
    assert seed_library(library)  # the next start seeds it, whole
    assert sorted(p.name for p in library.iterdir()) == sorted(
        p.name for p in (ROOT / "articles").iterdir()
    )


def _env(tmp_path: Path) -> dict[str, str]:
    import os

    return {**os.environ, "READER_DATA_DIR": str(tmp_path / "data")}


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    result = run("locate", env=_env(tmp_path))
    assert result.returncode == 0 and "notes:" in result.stdout
    result = run(str(tmp_path / "nothing.md"), env=_env(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"reader: {tmp_path / 'nothing.md'}: no such file or folder"


def test_list_shows_highlight_and_note_counts(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.services.annotations import Annotations
    from reader.text.documents import load_article

    store = notes_store()
    article = load_article(library / "welcome-to-reader.md")
    notes = Annotations(store, article)
    notes.load()
    for block in article.blocks[:3]:
        notes.create(block.start, block.end)
    notes.update(notes.placed()[0].id, "note", note="first thought")
    store.set_article_note(article.id, library / "welcome-to-reader.md", "the whole thing")
    store.close()
    assert main(["list", str(library)]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "Welcome" in line)
    assert row.split("\t")[4:6] == ["3", "2"]  # 3 highlights; 1 note + the article note


def test_an_exports_paragraph_link_opens_the_article_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reader.notes import export
    from tests.conftest import SAMPLE

    started = []
    monkeypatch.setattr("reader.cli._run_until_signalled", started.append)
    assert main([export.open_uri(SAMPLE, 7)]) == 0
    (app,) = started
    assert (app.article_path, app.start) == (SAMPLE.resolve(), 6)
    assert main(["--at", "3", str(SAMPLE)]) == 0
    assert started[-1].start == 2
    assert main(["reader:elsewhere?x=1"]) == 2


def test_list_for_people_and_for_programs(
    library: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from reader.db.store import ReadingPosition
    from reader.text.documents import article_id

    store = notes_store()
    canada = library / "canada-us-talks-digital-services-tax.md"
    store.save_position(article_id(canada), canada, "x", ReadingPosition(3, 0, 0.5))
    store.close()
    # Piped: one article a line, fields by tabs, for cut and awk.
    assert main(["list", str(library)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [len(line.split("\t")) for line in lines] == [7, 7]
    assert lines[0].split("\t")[1].startswith("Canada-US talks")  # by title
    # --sort progress: the half-read article first; --json for programs.
    assert main(["list", str(library), "--sort", "progress", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["progress"] for r in rows] == [0.5, None]
    assert set(rows[0]) == {"id", "title", "path", "words", "progress", "highlights", "notes"}
    assert main(["list", str(library), "--sort", "title", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[1]["title"] == "Welcome to reader"
    # On an 80-column terminal: a table whose titles end in an ellipsis, one line each.
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["list", str(library)]) == 0
    out = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out).splitlines()
    rows = [line for line in out if "Canada" in line or "Welcome" in line]
    assert len(rows) == 2 and all(len(line) <= 80 for line in out)
    assert "…" in rows[0]
    header = next(line for line in out if line.startswith("Id"))
    assert header.split() == ["Id", "Title", "Words", "Read", "Highlights", "Notes"]
    # The numbers line up under their headings.
    assert rows[0].index("1,738") + len("1,738") == header.index("Words") + len("Words")


def test_global_options_before_or_after_the_command(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "mine.json"
    for args in (["--db", str(db), "list", str(library)], ["list", "--db", str(db), str(library)]):
        assert main(args) == 0, capsys.readouterr().err
        capsys.readouterr()
    assert main(["--db", str(db), "locate"]) == 0
    assert f"old notes: {db}" in capsys.readouterr().out


def test_help_lists_every_command_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from reader.cli.arguments import COMMANDS

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command, what in COMMANDS.items():
        assert f"reader {command}" in out and what in " ".join(out.split())


def test_export_finds_an_article_by_its_file_name_in_the_library(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("welcome-to-reader", "welcome-to-reader.md", "WELCOME-TO-READER.md"):
        assert main(["export", "--library", str(library), name]) == 0
        assert 'title: "Welcome to reader"' in capsys.readouterr().out


def test_config_check_names_each_line_reader_cannot_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 22.1: the same lines the app names at start, from the command line.
    config = tmp_path / "config.toml"  # READER_CONFIG points here (tests/conftest.py)
    assert main(["config", "--check"]) == 0
    assert capsys.readouterr().out == f"{config}: no settings file; reader uses its defaults.\n"
    config.write_text(
        'theme = "nope"\n[keys]\nhighlight = "j"\nsearch = "ctrl+shift+meta+banana"\ntags = "y"\n',
        encoding="utf-8",
    )
    assert main(["config", "--check"]) == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert lines[0].startswith(f"{config}: no theme called 'nope' (there are: ")
    assert lines[1] == (
        f'{config}: line 3: keys.highlight = "j": j is already next-paragraph\'s (Next) key '
        "in the article; it keeps h"
    )
    assert lines[2].startswith(
        f"{config}: line 4: keys.search = \"ctrl+shift+meta+banana\": 'banana' is not the "
        "name of a key"
    )
    assert lines[2].endswith("; it keeps slash")
    assert len(lines) == 3  # tags = "y" is fine
    assert captured.out == f"{config}: 3 settings cannot be used; reader uses its own for them.\n"
    config.write_text('[keys]\nhighlight = "x"\n', encoding="utf-8")
    assert main(["config", "--check"]) == 0
    assert capsys.readouterr().out == f"{config}: reader can use every setting in it.\n"
