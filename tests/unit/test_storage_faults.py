"""Storage faults: damaged, newer and read-only databases, a disk that fills, Ctrl+C, signals.

Since the notes vault, ``reader.json`` is an older reader's database that the first start
moves into the vault. A damaged, foreign, newer or truncated one is refused by every command
in one line that names it, stays byte-identical (with its backup), and no vault is half-made
from it. Files of the vault itself (this device's own ``<key>.json``, another device's, a
sync tool's half-arrived copy) are checked at the end of this module: other devices' bad
files are skipped with a note, this device's own damaged file is never written over (the
change goes to a recovery file), and every command works or says one line.

The single-file store's own tests here (backups, frames, full disk, Ctrl+C mid-write) test
:class:`reader.db.single_file.SingleFileStore`, which the migration and `reader recover`
still read. The damaged databases are in tests/data/hostile/db/ (see its README.md); the
Ctrl+C and signal tests run real processes.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import pty
import random
import select
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader.cli import main
from reader.db.single_file import SCHEMA_VERSION, StoreError
from reader.db.single_file import SingleFileStore as Store
from reader.db.vault.device import load_device
from reader.model import ReadingPosition
from reader.text.documents import article_id, load_article
from tests.conftest import DATA, SAMPLE, WELCOME
from tests.stores import notes_store
from tests.unit.test_crash import ARTICLE, highlight, read_all
from tests.unit.test_store import make_highlight

FIXTURES = DATA / "hostile" / "db"
GOOD = FIXTURES / "good.json"
NEWER = "newer-schema.json"
# Every damaged database: each is refused with the same care.
DAMAGED = [
    "truncated.json",
    "trailing-garbage.json",
    "zeroed.json",
    "nul-tail.json",
    "not-utf8.json",
    "deeply-nested.json",
    "list.json",
    "table-is-a-list.json",
    "document-is-a-string.json",
    "schema-is-text.json",
    NEWER,
]
# JSON that is not reader's at all: refused as such, never migrated or written.
FOREIGN = [
    "export-as-database.json",
    "other-tinydb.json",
    "future-format.json",
    "empty-object.json",
]
DAMAGED += FOREIGN


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of ``folder`` by name, with the SHA-256 of its bytes."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


def stored(path: Path, article: str = "art1") -> set[str]:
    """The ids of an article's highlights in a database, read without writing anything."""
    return {h.id for h in Store(path, read_only=True).highlights(article)}


def install(data: Path, fixture: str, *, backup: bool) -> Path:
    """Make ``fixture`` the database of the data folder (with the good one as its backup)."""
    data.mkdir(parents=True, exist_ok=True)
    db = data / "reader.json"
    shutil.copyfile(FIXTURES / fixture, db)
    if backup:
        shutil.copyfile(GOOD, data / "reader.json.bak")
    return db


def old_files(data: Path) -> dict[str, str]:
    """The old database's files (and anything else) in the data folder, by SHA-256, but
    this device's identity: made by the first start whatever the database holds."""
    return {name: digest for name, digest in snapshot(data).items() if name != "device.json"}


def vault_files(*folders: Path) -> list[Path]:
    """Every file the notes vault holds under ``folders``: the data folder's vault, a
    library's ``.reader`` and the completion mark of a migration."""
    found: list[Path] = []
    for folder in folders:
        for place in (folder / "vault", folder / ".reader", folder / "vault-migrated.json"):
            if place.is_file():
                found.append(place)
            elif place.is_dir():
                found += [path for path in place.rglob("*") if path.is_file()]
    return found


def assert_nothing_moved(data: Path, library: Path, before: dict[str, str]) -> None:
    """The old database and its backup as they were; no vault half-made from them; the
    device's identity, if the start made it, whole."""
    assert old_files(data) == before
    assert vault_files(data, library) == []
    if (data / "device.json").exists():
        load_device(data)  # whole: it loads (and would have raised otherwise)


def assert_says_what_to_do(message: str, fixture: str, db: Path, backup: bool) -> None:
    assert str(db) in message
    if fixture in FOREIGN:
        assert "is not a reader database" in message and "left as it is" in message
        assert ".bak" not in message  # copying the backup over it would destroy it
    elif fixture == NEWER:
        assert "newer version of reader" in message and "upgrade reader" in message
        assert "not changed" in message
    elif backup:
        assert f"the last good copy is {db}.bak" in message.lower()
        assert "copy it over reader.json" in message
    else:
        assert "there is no backup" in message and "move it away" in message


# --- the fixtures ---------------------------------------------------------------------------


def test_every_fixture_file_is_tested() -> None:
    names = {path.name for path in FIXTURES.glob("*.json")}
    assert names == {*DAMAGED, "good.json", "empty.json", "odd-fields.json"}
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in names)


def test_the_fixtures_come_from_a_real_working_database(private_data: Path) -> None:
    store = Store(install(private_data, "good.json", backup=False))
    article_id = next(iter(store.highlight_counts()))
    assert store.highlight_counts() == {article_id: (3, 1)}
    assert store.article_note(article_id).startswith("Follow up")
    assert len(store.all_links()) == 1 and store.position(article_id) is not None


def test_odd_fields_in_a_sound_database_are_skipped_not_fatal(private_data: Path) -> None:
    # A position that is text, cached facts that are a list, tags that are a number. (Ids
    # are taken from the file: they hash the paths of the checkout that made it.)
    db = install(private_data, "odd-fields.json", backup=False)
    articles = json.loads(db.read_bytes())["articles"]
    odd_position, odd_info = (articles[key]["id"] for key in ("1", "2"))
    store = Store(db)
    assert store.position(odd_position) is None and store.positions() == {}
    assert store.article_info(odd_info, 1, 1) is None
    assert store.all_tags() == ["tax", "trade"]  # the number (7) is skipped
    assert store.highlight_counts() == {odd_position: (3, 1)}
    assert len(store.highlights(odd_position)) == 2  # the one with odd tags skipped, kept


# --- a damaged database at start ------------------------------------------------------------


@pytest.mark.parametrize("backup", [True, False], ids=["with-backup", "no-backup"])
@pytest.mark.parametrize("fixture", DAMAGED)
def test_a_damaged_database_is_refused_and_left_byte_identical(
    private_data: Path, fixture: str, backup: bool
) -> None:
    db = install(private_data, fixture, backup=backup)
    before = snapshot(private_data)
    with pytest.raises(StoreError) as caught:
        Store(db)
    assert_says_what_to_do(str(caught.value), fixture, db, backup)
    assert snapshot(private_data) == before  # the file, its backup, and nothing new


def test_an_empty_database_beside_a_backup_is_refused(private_data: Path) -> None:
    # reader never writes an empty file; starting afresh over one would replace the
    # backup (the only copy left of the highlights) at the first save.
    db = install(private_data, "empty.json", backup=True)
    before = snapshot(private_data)
    with pytest.raises(StoreError) as caught:
        Store(db)
    assert f"{db} is empty" in str(caught.value)
    assert_says_what_to_do(str(caught.value), "empty.json", db, backup=True)
    assert snapshot(private_data) == before


def test_a_missing_database_beside_a_backup_keeps_the_backup_s_notes(
    private_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Deleted, moved, a sync tool's mishap: the new database and, soon, its backup would
    take the place of the notes; the backup is kept as a recovery file first, named at
    every start, and `reader recover` brings its notes back beside the new ones."""
    db = private_data / "reader.json"
    Store(db).save_highlights([make_highlight(number=n) for n in range(3)])
    Store(db).close()  # a second start: the backup holds the three
    db.unlink()
    store = Store(db)
    (kept,) = private_data.glob("reader.json.recovered-*")
    assert store.pending_recovery == [kept]
    assert str(kept) in store.recovery_hint() and "reader recover" in store.recovery_hint()
    assert stored(kept) == {f"id-art1-{n}" for n in range(3)}
    store.save_highlight(make_highlight(number=7))  # the new database, and its backup
    store.save_highlight(make_highlight(number=8))
    # The backup follows the new database: only the kept file holds the three now.
    assert not stored(db.with_name("reader.json.bak")) & stored(kept)
    assert list(private_data.glob("reader.json.recovered-*")) == [kept]  # kept once
    store.close()
    assert main(["recover"]) == 0
    assert stored(db) == {f"id-art1-{n}" for n in (0, 1, 2, 7, 8)}


def test_a_table_another_program_damaged_never_reaches_the_backup(
    private_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tables are parsed as they are needed: one damaged inside its line by another program
    is written back as it was read, and must not be copied over the last good backup."""
    clock = [100.0]
    monkeypatch.setattr("reader.db.storage.time.monotonic", lambda: clock[0])
    db = private_data / "reader.json"
    Store(db).save_highlights([make_highlight(number=0), make_highlight("art2", number=0)])
    store = Store(db)
    backup = (private_data / "reader.json.bak").read_bytes()
    text = db.read_text(encoding="utf-8")
    assert '"note":"a *note*"' in text
    db.write_text(text.replace('"note":"a *note*"', '"note":a *note*"', 1), encoding="utf-8")
    store.save_position("art3", private_data / "c.md", "fp", ReadingPosition(1, 0, 0.1))
    clock[0] += 16 * 60
    store.save_position("art3", private_data / "c.md", "fp", ReadingPosition(2, 0, 0.2))
    assert (private_data / "reader.json.bak").read_bytes() == backup


def test_an_empty_database_alone_is_a_new_one(private_data: Path) -> None:
    db = install(private_data, "empty.json", backup=False)
    store = Store(db)
    store.save_highlight(make_highlight())
    assert [h.id for h in Store(db).highlights("art1")] == ["id-art1-0"]


# --- the command line on a damaged database -------------------------------------------------


def _argv(command: str, library: Path, out: Path) -> list[str]:
    if command == "list":
        return ["list", str(library)]
    if command == "export":
        return ["export", "--library", str(library), "--all", "-o", str(out)]
    if command == "import":
        return ["import", "--library", str(library), str(FIXTURES / "export-as-database.json")]
    return [str(library / SAMPLE.name)]  # open an article


COMMANDS = ["list", "export", "import", "open"]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("fixture", [*DAMAGED, "empty.json"])
def test_every_command_says_one_line_and_changes_nothing(
    private_data: Path,
    library: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fixture: str,
    command: str,
) -> None:
    def no_app(app: object) -> None:
        raise AssertionError("the app was started on a damaged database")

    monkeypatch.setattr("reader.cli._run_until_signalled", no_app)
    db = install(private_data, fixture, backup=True)
    before = old_files(private_data)
    out = tmp_path / "exported"
    assert main(_argv(command, library, out)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("reader: "), captured.err
    assert_says_what_to_do(lines[0], fixture, db, backup=True)
    assert_nothing_moved(private_data, library, before)
    assert not out.exists()
    # Nothing was half-done: the next command refuses it the same way, as the first time.
    assert main(_argv(command, library, out)) == 2
    assert capsys.readouterr().err.splitlines() == lines


@pytest.mark.parametrize("command", COMMANDS)
def test_a_real_process_prints_no_traceback_and_never_imports_textual(
    private_data: Path, library: Path, tmp_path: Path, command: str
) -> None:
    db = install(private_data, "truncated.json", backup=False)
    before = old_files(private_data)
    probe = (
        "import sys; from reader.cli import main; code = main(sys.argv[1:]); "
        "print('TEXTUAL' if any(m.startswith('textual') for m in sys.modules) else 'CLEAN'); "
        "sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *_argv(command, library, tmp_path / "exported")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "READER_DATA_DIR": str(private_data)},
    )
    assert result.returncode == 2
    assert result.stdout == "CLEAN\n"
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"reader: {db} is damaged and cannot be read")
    assert "there is no backup" in result.stderr
    assert_nothing_moved(private_data, library, before)


# --- the database damaged while reader runs -------------------------------------------------


def test_a_database_damaged_while_open_is_never_written_over(private_data: Path) -> None:
    db = private_data / "reader.json"
    store = Store(db)
    store.save_highlight(make_highlight(number=0))
    Store(db).close()  # a second start: the backup now holds the first highlight
    damaged = db.read_bytes()[:100]  # another program cut the file short
    db.write_bytes(damaged)
    before = snapshot(private_data)
    # Reading goes on, from reader's own copy.
    assert [h.id for h in store.highlights("art1")] == ["id-art1-0"]
    with pytest.raises(StoreError) as caught:
        store.save_highlight(make_highlight(number=1))
    (recovery,) = private_data.glob("reader.json.recovered-*")
    message = str(caught.value)
    assert f"{db} is damaged" in message and "another program changed it" in message
    assert str(recovery) in message and "run `reader recover` to merge them" in message
    # The damaged file and the backup are untouched; the change is in the recovery file.
    after = snapshot(private_data)
    assert {name: after[name] for name in before} == before
    assert stored(recovery) == {"id-art1-0", "id-art1-1"}
    # A second change goes to the same recovery file, with everything before it.
    with pytest.raises(StoreError):
        store.save_highlight(make_highlight(number=2))
    assert list(private_data.glob("reader.json.recovered-*")) == [recovery]
    assert len(stored(recovery)) == 3
    assert db.read_bytes() == damaged
    # Doing what the message says brings everything back.
    assert main(["recover"]) == 0
    store.save_highlight(make_highlight(number=3))
    assert len(stored(db)) == 4


def test_a_database_that_disappears_while_damaged_does_not_overwrite_the_recovery(
    private_data: Path,
) -> None:
    db = private_data / "reader.json"
    store = Store(db)
    store.save_highlight(make_highlight(number=0))
    db.write_bytes(b"{garbage")
    with pytest.raises(StoreError):
        store.save_highlight(make_highlight(number=1))
    (recovery,) = private_data.glob("reader.json.recovered-*")
    kept = recovery.read_bytes()
    db.unlink()  # the user moved the damaged file away: reader begins a new one
    store.save_highlight(make_highlight(number=2))
    db.write_bytes(b"{garbage again")
    with pytest.raises(StoreError):
        store.save_highlight(make_highlight(number=3))
    assert recovery.read_bytes() == kept
    assert len(list(private_data.glob("reader.json.recovered-*"))) == 2


# --- a full disk ----------------------------------------------------------------------------


def no_space(fd: int) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_change_refused_by_a_full_disk_is_not_saved_later(
    private_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # TinyDB changes its cached tables before the write that fails: a deletion reported as
    # "not saved" must not be written along with the next change that succeeds.
    db = private_data / "reader.json"
    store = Store(db)
    store.save_highlight(make_highlight(number=0))
    store.save_highlight(make_highlight(number=1))
    before = db.read_bytes()
    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", no_space)
        with pytest.raises(StoreError, match="No space left on device"):
            store.delete_highlight("art1", "id-art1-0")
    assert db.read_bytes() == before
    assert not [p for p in private_data.rglob("*") if p.name.endswith(".tmp")]
    assert {h.id for h in store.highlights("art1")} == {"id-art1-0", "id-art1-1"}
    store.save_highlight(make_highlight(number=2))
    assert stored(db) == {"id-art1-0", "id-art1-1", "id-art1-2"}


@pytest.mark.parametrize(
    "failure",
    [OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), KeyboardInterrupt()],
    ids=["full-disk", "ctrl-c"],
)
def test_a_backup_cut_short_leaves_no_temporary_file(
    private_data: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    db = private_data / "reader.json"
    Store(db).save_highlight(make_highlight(number=0))
    backup = (private_data / "reader.json.bak").read_bytes()

    def half_copy(source: Path, target: Path) -> None:
        Path(target).write_bytes(Path(source).read_bytes()[:10])
        raise failure

    monkeypatch.setattr(shutil, "copyfile", half_copy)
    if isinstance(failure, KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            Store(db)
    else:
        Store(db)  # a backup that cannot be made does not stop reader
    assert not [p.name for p in private_data.iterdir() if p.name.endswith(".tmp")]
    assert (private_data / "reader.json.bak").read_bytes() == backup


@pytest.mark.parametrize("moment", ["before the rename", "after the rename"])
def test_ctrl_c_between_the_write_and_the_rename_leaves_no_temporary_file(
    private_data: Path, monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    """The gap the random-moments test below hit once in CI: the temporary file is
    written and synced, and the interrupt lands before (or just after) the rename."""
    from reader.db import storage

    db = private_data / "reader.json"
    store = Store(db)
    store.save_highlight(make_highlight(number=0))
    real_replace = os.replace

    def interrupted(source: Path, target: Path) -> None:
        if moment == "after the rename":
            real_replace(source, target)
        raise KeyboardInterrupt

    monkeypatch.setattr(storage.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.save_highlight(make_highlight(number=1))
    monkeypatch.undo()
    assert not [p.name for p in private_data.iterdir() if p.name.endswith(".tmp")]
    # Old or new, never half: the second highlight is saved exactly when the rename ran.
    saved = {h.id for h in Store(db).highlights("art1")}
    assert saved == ({"id-art1-0", "id-art1-1"} if moment == "after the rename" else {"id-art1-0"})


def test_ctrl_c_just_before_a_transaction_writes_does_not_save_its_change_later(
    private_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interrupted change is not in the file; it must not ride along with the next one
    either (TinyDB changed the cached tables in place)."""
    from reader.db.storage import AtomicJSONStorage

    db = private_data / "reader.json"
    store = Store(db)
    store.save_highlight(make_highlight(number=0))
    real = AtomicJSONStorage._write_now
    calls = 0

    def interrupted(self: AtomicJSONStorage, data: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise KeyboardInterrupt  # as if it landed just before the write began
        real(self, data)  # type: ignore[arg-type]

    monkeypatch.setattr(AtomicJSONStorage, "_write_now", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.save_highlight(make_highlight(number=1))
    store.save_highlight(make_highlight(number=2))
    assert stored(db) == {"id-art1-0", "id-art1-2"}


# --- read-only folder and file --------------------------------------------------------------


@pytest.fixture
def permissions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make os.access answer from the mode bits, as for a user who is not root.

    Root may write anywhere, so under root (as in CI containers) chmod alone would prove
    nothing: reader asks os.access before it writes, and this makes that answer honest.
    """
    if os.geteuid() != 0:
        return
    real = os.access

    def access(path: str | os.PathLike[str], mode: int, **options: object) -> bool:
        if mode & os.W_OK and not os.stat(path).st_mode & stat.S_IWUSR:
            return False
        return real(path, mode, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)


def read_only(kind: str, data: Path) -> Iterator[Path]:
    """Make the data folder, or only the database in it, read-only; undone afterwards."""
    db = data / "reader.json"
    store = Store(db)
    store.save_highlight(make_highlight(number=0))
    store.close()
    target = data if kind == "folder" else db
    mode = target.stat().st_mode
    target.chmod(0o555 if kind == "folder" else 0o444)
    try:
        yield target
    finally:
        target.chmod(mode)


@pytest.fixture(params=["folder", "file"])
def read_only_data(request: pytest.FixtureRequest, private_data: Path, permissions: None):
    """The data folder with a database of one highlight, the folder or the file read-only."""
    yield from read_only(request.param, private_data)


def test_a_read_only_database_is_opened_read_only_and_never_written(
    read_only_data: Path, private_data: Path
) -> None:
    db = private_data / "reader.json"
    before = snapshot(private_data)
    store = Store(db)
    assert store.read_only
    assert str(read_only_data) in store.problem and "will not save changes" in store.problem
    assert [h.id for h in store.highlights("art1")] == ["id-art1-0"]  # reading works
    with pytest.raises(StoreError, match="will not save changes"):
        store.save_highlight(make_highlight(number=1))
    assert snapshot(private_data) == before


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by its path inside it, with the SHA-256 of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_import_into_a_read_only_data_folder_is_one_line(
    private_data: Path,
    permissions: None,
    library: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The data folder (the vault of notes outside the library, this device's identity)
    made read-only after the old database was moved in: looking works, a change is one
    line that names the folder, and nothing is written."""
    db = private_data / "reader.json"
    Store(db).save_highlight(make_highlight(number=0))
    assert main(["list", str(library)]) == 0  # the first start moves it in
    capsys.readouterr()
    mode = private_data.stat().st_mode
    private_data.chmod(0o555)
    try:
        before = tree(private_data)
        assert main(["list", str(library)]) == 0  # listing needs no writing
        capsys.readouterr()
        assert main(_argv("import", library, tmp_path)) == 2
        lines = capsys.readouterr().err.splitlines()
        assert len(lines) == 1 and f"cannot write to {private_data}" in lines[0], lines
        assert "will not save changes" in lines[0]
        assert tree(private_data) == before
        assert vault_files(library) == []
    finally:
        private_data.chmod(mode)


def test_a_read_only_old_database_is_moved_in_and_left_as_it_is(
    private_data: Path,
    permissions: None,
    library: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """reader only reads an older reader's database: a read-only one is moved into the
    vault like any other, and the notes it held and the ones imported are kept there."""
    db = private_data / "reader.json"
    Store(db).save_highlight(make_highlight(number=0))
    db.chmod(0o444)
    before = old_files(private_data)
    assert main(_argv("import", library, tmp_path)) == 0
    assert "Moved 1 highlight of 1 article into the notes vault" in capsys.readouterr().err
    after = old_files(private_data)
    # The mark, what reader remembers (the library it keeps notes in), and as it was.
    assert after.pop("vault-migrated.json") and after.pop("state.json") and after == before
    saved = {h.id for h in notes_store().all_highlights()}
    assert "id-art1-0" in saved and len(saved) > 1  # the moved one and the imported


# --- Ctrl+C in the middle of a write --------------------------------------------------------


def fork_interrupted_writer(path: Path, name: str, ack: int) -> int:
    """Fork a child that saves highlights until SIGINT, writing each id to ``ack`` once saved.

    The child exits 130 on KeyboardInterrupt, whatever it was doing, and 1 on anything else.
    SIGINT is held back across the fork: one arriving in an at-fork hook (filelock has one)
    would be "ignored" there, and the child would then write on for ever.
    """
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a SIGINT sent meanwhile: now
            store = Store(path)
            os.write(ack, b"ready\n")  # the parent interrupts saves, not the start-up
            for number in range(100_000):
                os.write(ack, f"saving {number}\n".encode())
                store.save_highlight(highlight(name, number))
                os.write(ack, f"{name}-{number}\n".encode())
        except KeyboardInterrupt:
            code = 130
        except BaseException:
            code = 1
        os._exit(code)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    return pid


def interrupt(pid: int, presses: int = 5, patience: float = 3.0) -> int:
    """Press Ctrl+C (SIGINT) until the child stops, as a user would; its wait status.

    Python ignores an interrupt that lands in a finalizer ("Exception ignored in
    __del__"): rarely, under load, the first one is lost and the writer goes on, so the
    test would wait for ever. A second press stops it; a child that ignores five is
    killed and the test fails.
    """
    for _ in range(presses):
        os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail(f"the writer ignored {presses} interrupts")


@pytest.mark.slow
def test_ctrl_c_at_random_moments_loses_nothing_and_leaves_no_temporary_file(
    private_data: Path,
) -> None:
    path = private_data / "reader.json"
    Store(path).save_highlight(highlight("seed", 0))
    acknowledged = {"seed-0"}
    chance = random.Random(20261126)
    mid_save = 0  # rounds whose interrupt landed while a save was under way
    for round_number in range(120):
        read_end, write_end = os.pipe()
        pid = fork_interrupted_writer(path, f"r{round_number}", write_end)
        os.close(write_end)
        # Wait until the writer has opened the database (slow on a cold machine: a fixed
        # pause then hit mostly start-ups, and too few saves were ever interrupted).
        head = b""
        while b"ready\n" not in head and (chunk := os.read(read_end, 65536)):
            head += chunk
        time.sleep(chance.uniform(0, 0.04))
        status = interrupt(pid)
        lines = (head + read_all(read_end).encode()).decode().split("\n")
        os.close(read_end)
        assert os.waitstatus_to_exitcode(status) == 130, f"round {round_number}"
        finished = [line for line in lines[:-1] if line.startswith(f"r{round_number}-")]
        acknowledged.update(finished)
        if [line for line in lines[:-1] if line][-1].startswith("saving"):
            mid_save += 1
        # Looked at before any new start could sweep them: the interrupted writer itself
        # took its temporary files away.
        leftovers = [p.name for p in private_data.iterdir() if p.name.endswith(".tmp")]
        assert not leftovers, f"round {round_number}: {leftovers}"
        json.loads(path.read_text(encoding="utf-8"))  # never half-written
        stored = {h.id for h in Store(path, read_only=True).highlights(ARTICLE)}
        missing = acknowledged - stored
        assert not missing, f"round {round_number}: lost {sorted(missing)[:5]}"
    # The interrupts did land in the middle of real work.
    assert len(acknowledged) > 100 and mid_save > 60, (len(acknowledged), mid_save)
    backup = json.loads((private_data / "reader.json.bak").read_text(encoding="utf-8"))
    assert backup["meta"]["1"]["schema"] == SCHEMA_VERSION


# --- the real app, stopped by a signal ------------------------------------------------------


class Terminal:
    """``reader`` running under a pseudo-terminal; its output is only read, never answered."""

    def __init__(self, data: Path, article: Path, columns: int = 100, lines: int = 30) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("READER_", "TEXTUAL"))}
        env.update(
            TERM="xterm-256color",
            COLUMNS=str(columns),
            LINES=str(lines),
            READER_DATA_DIR=str(data),
        )
        self.output = bytearray()
        self.status: int | None = None
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child becomes reader
            try:
                os.execve(
                    str(Path(sys.executable).parent / "reader"), ["reader", str(article)], env
                )
            finally:
                os._exit(127)
        self.closed = False

    def hang_up(self) -> None:
        """Close the terminal, as a terminal emulator or multiplexer that quits does."""
        os.close(self.fd)
        self.closed = True

    def gone_within(self, seconds: float) -> bool:
        """Whether the program has ended within ``seconds`` (its terminal may be gone)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.closed:
                self.read_until(lambda: False, 0.05)
            else:
                time.sleep(0.02)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                return True
        return False

    def read_until(self, done: Callable[[], bool], limit: float) -> bool:
        """Read output until ``done()`` or the program exits or ``limit`` seconds pass."""
        deadline = time.monotonic() + limit
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.1))
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # EIO: the program exited and closed the terminal
                    chunk = b""
                if not chunk:
                    return done()
                self.output += chunk
        return True

    def quiet_for(self, seconds: float, limit: float) -> None:
        """Read until nothing has arrived for ``seconds``."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], seconds)
            if not ready:
                return
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def wait(self, limit: float) -> int | None:
        """The exit status, reading output meanwhile; None if still running after ``limit``."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            self.read_until(lambda: False, 0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
        return None

    def close(self) -> None:
        if self.status is None:  # still running: the test failed; stop it
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        if not self.closed:
            os.close(self.fd)


@pytest.mark.slow
@pytest.mark.parametrize(
    "number", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda number: number.name
)
def test_a_signal_quits_the_app_cleanly_and_keeps_the_highlight(
    private_data: Path, number: signal.Signals
) -> None:
    article = load_article(WELCOME)
    terminal = Terminal(private_data, WELCOME)
    try:
        assert terminal.read_until(lambda: b"Welcome to reader" in terminal.output, 30)
        terminal.quiet_for(0.5, 10)
        os.write(terminal.fd, b"h")  # highlight the first paragraph
        # Signalled once the highlight is saved and shown, however slow the machine.
        assert terminal.read_until(
            lambda: bool(notes_store(read_only=True).highlights(article.id)), 30
        )
        terminal.quiet_for(0.3, 10)
        shown = len(terminal.output)
        os.kill(terminal.pid, number)
        status = terminal.wait(15)
    finally:
        terminal.close()
    store = notes_store(read_only=True)
    assert len(store.highlights(article.id)) == 1
    # It quit as ctrl+q does: the position saved, the terminal given back, no traceback,
    # and the exit status of a program that a signal stopped.
    assert status == 128 + number
    assert store.position(article.id) is not None
    after = bytes(terminal.output[shown:])
    assert b"\x1b[?1049l" in after  # left the alternate screen
    assert b"Traceback" not in terminal.output and b"Error" not in after
    assert not [p for p in private_data.rglob("*") if p.name.endswith(".tmp")]


def test_saving_keeps_the_permissions_of_the_database_and_its_backup(tmp_path: Path) -> None:
    from reader.db.single_file import ReadingPosition
    from reader.db.single_file import SingleFileStore as Store

    path = tmp_path / "reader.json"
    Store(path).save_position("a1", tmp_path / "a.md", "f", ReadingPosition(1, 0, 0.5))
    path.chmod(0o600)  # the user made their notes private
    store = Store(path)  # the start-up backup copies it
    store.save_position("a1", tmp_path / "a.md", "f", ReadingPosition(2, 0, 0.6))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.backup.stat().st_mode) == 0o600


@pytest.mark.parametrize("fixture", FOREIGN)
def test_locate_names_a_file_that_is_not_reader_s_and_leaves_it(
    private_data: Path, capsys: pytest.CaptureFixture[str], fixture: str
) -> None:
    db = install(private_data, fixture, backup=False)
    before = snapshot(private_data)
    assert main(["locate"]) == 2
    captured = capsys.readouterr()
    # Where things are is still shown, and the file is not said to be in the vault.
    (row,) = [line for line in captured.out.splitlines() if line.startswith("old notes:")]
    assert row.startswith(f"old notes: {db}  ") and "not moved into the vault" in row, row
    assert f"{db} is not a reader database" in captured.err
    assert captured.err.count("\n") == 1
    assert snapshot(private_data) == before  # locate only looks: not even a device made


def test_a_database_deleted_while_reader_runs_is_written_again_whole(
    private_data: Path,
) -> None:
    """Deleted, moved away or lost to a sync tool while reader runs: everything reader held
    (its notes of years, not only the session's) is written back at the next save, as
    reader's own (with its meta table, or the next start would refuse it)."""
    db = private_data / "reader.json"
    store = Store(db)
    store.save_highlight(make_highlight(number=0))
    store.save_highlight(make_highlight("art2", number=5))
    db.unlink()
    store.save_highlight(make_highlight(number=1))
    assert stored(db) == {"id-art1-0", "id-art1-1"}
    assert stored(db, "art2") == {"id-art2-5"}
    assert store.vanished
    Store(db).close()  # opens: it is reader's


# --- damaged files in the notes vault -------------------------------------------------------


def _newer(whole: bytes) -> bytes:
    data = json.loads(whole)
    data["meta"]["1"]["schema"] = 99
    return json.dumps(data).encode()


# What a sync tool, a crash elsewhere, another program or a newer reader leaves in place of
# a vault file: each made from the file's own bytes.
VAULT_DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda whole: whole[: len(whole) // 2],
    "empty": lambda whole: b"",
    "trailing-garbage": lambda whole: whole + b"}garbage",
    "nul-tail": lambda whole: whole[: len(whole) // 2] + b"\0" * 512,
    "not-utf8": lambda whole: b"\xff\xfe" + whole,
    "foreign": lambda whole: b'{"_default": {"1": {"title": "a shopping list"}}}',
    "newer": _newer,
}


def noted(library: Path) -> tuple[str, Path]:
    """An article of ``library`` with one highlight: its key and this device's file of it."""
    key = article_id(library / SAMPLE.name)
    store = notes_store(library=library)
    store.save_highlight(make_highlight(key, number=0))
    store.close()
    (own,) = (library / ".reader" / "devices").glob(f"*/notes/{key}.json")
    return key, own


def _vault_argv(command: str, library: Path, out: Path) -> list[str]:
    if command == "export":  # the article whose files are damaged
        return ["export", "--library", str(library), "--all", "-o", str(out)]
    return _argv(command, library, out)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("damage", VAULT_DAMAGE)
def test_another_device_s_bad_file_is_skipped_with_a_note(
    private_data: Path,
    library: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    damage: str,
    command: str,
) -> None:
    """A file of another device that arrived damaged, cut short, foreign or from a newer
    reader: every command works on the rest, names the file it skipped once, and never
    changes it (it is not this device's to write)."""
    monkeypatch.setattr("reader.cli._run_until_signalled", lambda app: None)
    key, own = noted(library)
    other = own.parents[2] / "0ther0device" / "notes" / own.name
    other.parent.mkdir(parents=True)
    other.write_bytes(VAULT_DAMAGE[damage](own.read_bytes()))
    before = tree(library / ".reader")
    assert main(_vault_argv(command, library, tmp_path / "exported")) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    told = [line for line in captured.err.splitlines() if str(other) in line]
    if command in ("list", "export"):  # these read the article's notes
        assert len(told) == 1 and told[0].startswith(f"reader: {other} "), captured.err
        assert "skipped" in told[0]
    else:
        assert len(told) <= 1
    after = tree(library / ".reader")
    assert {name: after.get(name) for name in before} == before  # nothing written over
    # This device's notes of the article are all there.
    assert [h.id for h in notes_store(library=library).highlights(key)] == [f"id-{key}-0"]


@pytest.mark.parametrize("damage", VAULT_DAMAGE)
def test_this_device_s_damaged_file_is_never_written_over(
    private_data: Path,
    library: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    damage: str,
) -> None:
    """This device's own file of an article, damaged by another program: a command that
    reads says so, one that changes the article puts the change in a recovery file and
    says so in one line, the damaged file is left as it is, and `reader recover` (as the
    line says) brings the notes back, keeping the damaged file among the backups."""
    monkeypatch.setattr("reader.cli._run_until_signalled", lambda app: None)
    key, own = noted(library)
    exported = tmp_path / "notes.json"
    assert main(["export", "--library", str(library), "--format", "json", "-o",
                 str(exported), str(library / SAMPLE.name)]) == 0  # fmt: skip
    damaged = VAULT_DAMAGE[damage](own.read_bytes())
    own.write_bytes(damaged)
    capsys.readouterr()
    assert main(["list", str(library)]) == 0
    captured = capsys.readouterr()
    assert [line for line in captured.err.splitlines() if str(own) in line] != []
    # A change to the article: refused in one line, kept in a recovery file.
    assert main(["import", "--library", str(library), str(exported)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    (recovery,) = own.parent.glob(f"{key}.json.recovered-*")
    assert len(lines) == 1 and lines[0].startswith(f"reader: {own} "), captured.err
    assert f"saved to {recovery} instead" in lines[0] and "reader recover" in lines[0]
    assert own.read_bytes() == damaged
    # Every command still works (or says what to do), never writing over it.
    for command in COMMANDS:
        code = main(_vault_argv(command, library, tmp_path / f"out-{command}"))
        captured = capsys.readouterr()
        assert code in (0, 2) and "Traceback" not in captured.err, (command, captured.err)
        assert own.read_bytes() == damaged, command
    if damage == "newer":
        # Written by a newer reader: never rebuilt by this one (its newer notes would go);
        # recover says so, and the file and the recovery file stay as they are.
        assert main(["recover", "--library", str(library)]) == 0
        assert "it was not recovered" in capsys.readouterr().out
        assert own.read_bytes() == damaged and recovery.exists()
        return
    # What the line says to do brings the notes back.
    assert main(["recover", "--library", str(library)]) == 0
    capsys.readouterr()
    assert f"id-{key}-0" in {h.id for h in notes_store(library=library).highlights(key)}
    backups = private_data / "backups"
    assert any(path.read_bytes() == damaged for path in backups.rglob("*") if path.is_file())


@pytest.mark.parametrize("command", COMMANDS)
def test_half_arrived_sync_files_are_left_alone(
    private_data: Path,
    library: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    """Syncthing's temporary files, still arriving, beside this device's file and in
    another device's folder: not notes yet, so read by no command, and never touched."""
    monkeypatch.setattr("reader.cli._run_until_signalled", lambda app: None)
    key, own = noted(library)
    half = own.read_bytes()[:40]
    other = own.parents[2] / "0ther0device" / "notes"
    other.mkdir(parents=True)
    for folder in (own.parent, other):
        (folder / f"~syncthing~{key}.json.tmp").write_bytes(half)
        (folder / f".syncthing.{key}.json.tmp").write_bytes(half)
    before = tree(library / ".reader")
    assert main(_vault_argv(command, library, tmp_path / "exported")) == 0
    captured = capsys.readouterr()
    assert "syncthing" not in captured.err and "Traceback" not in captured.err
    after = tree(library / ".reader")
    assert {name: after.get(name) for name in before} == before
    assert [h.id for h in notes_store(library=library).highlights(key)] == [f"id-{key}-0"]
