"""Recovery: what reader put aside while its database was damaged comes back, whole.

The path a user takes: another program damages reader.json mid-session; reader's changes
go to reader.json.recovered-DATE; quitting names that file; the next start names it first;
``reader recover`` merges it (by highlight id, the newer ``modified`` winning) and says what
it merged. Nothing of either file is dropped.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from reader.cli import main
from reader.db.recovery import Merged, merge, recover
from reader.db.single_file import SingleFileStore as Store
from reader.db.single_file import StoreError, recovery_files
from reader.model import CrossLink, LinkEnd
from tests.unit.test_store import make_highlight, memory_store

LATER = "2026-06-01T00:00:00Z"


def ids(path: Path, article: str = "art1") -> set[str]:
    return {h.id for h in Store(path, read_only=True).highlights(article)}


def damaged_session(data: Path) -> tuple[Store, Path]:
    """A session whose database another program damaged after two highlights; two more
    are made after the damage, and go to a recovery file."""
    db = data / "reader.json"
    store = Store(db)
    store.save_highlight(make_highlight(number=0))
    store.save_highlight(make_highlight(number=1))
    db.write_bytes(db.read_bytes()[:60])  # another program cuts it short
    for number in (2, 3):
        with pytest.raises(StoreError):
            store.save_highlight(make_highlight(number=number))
    (recovery,) = recovery_files(db)
    return store, recovery


def test_quitting_names_the_recovered_file(
    private_data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.text.documents import article_id

    article = private_data.parent / "article.md"
    article.write_text("# A\n\nSome words.\n", encoding="utf-8")
    key = article_id(article)
    own: list[Path] = []

    def session(app) -> None:  # the app, as run until the reader quits
        app.store.save_highlight(make_highlight(article=key, number=0))
        own.append(app.store.vault_for(key).own_notes / f"{key}.json")
        own[0].write_bytes(b"{garbage")
        # In the app the change is kept, in the recovery file, and said once: no error.
        app.store.save_highlight(make_highlight(article=key, number=1))

    monkeypatch.setattr("reader.cli._run_until_signalled", session)
    assert main([str(article)]) == 0
    (recovery,) = own[0].parent.glob(f"{key}.json.recovered-*")
    assert own[0].read_bytes() == b"{garbage"  # never written over
    # Three lines, each a whole part of the message, so that a terminal's wrapping never
    # cuts the instruction in two: what happened, where the notes are, what to do.
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"reader: {own[0]} was damaged by another program while reader ran;",
        f"        what you did is saved in {recovery}.",
        "        Run `reader recover` to merge it back.",
    ]


def test_the_next_start_names_the_recovered_file_first(
    private_data: Path, library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _store, recovery = damaged_session(private_data)
    assert main(["list", str(library)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    # The recovered file and `reader recover` come before the backup's advice.
    assert line.index(str(recovery)) < line.index("reader recover") < line.index(".bak")
    with pytest.raises(StoreError) as caught:
        Store(private_data / "reader.json")
    assert str(caught.value).startswith("Notes that are not in reader.json were put aside in")


def test_recover_merges_the_session_into_a_damaged_database(
    private_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, recovery = damaged_session(private_data)
    db = private_data / "reader.json"
    damaged = db.read_bytes()
    assert main(["recover"]) == 0
    out = capsys.readouterr().out
    assert f"Merged {recovery.name} into {db}" in out
    assert "kept as" in out and "damaged" in out
    assert ids(db) == {f"id-art1-{n}" for n in range(4)}
    (kept,) = private_data.glob("reader.json.damaged-*")
    assert kept.read_bytes() == damaged  # the damaged file is kept, byte for byte
    assert not recovery.exists() and Path(f"{recovery}.merged").exists()
    assert recovery_files(db) == []
    # The next start opens it with no complaint, and the session that was open goes on.
    capsys.readouterr()
    assert main(["recover"]) == 0
    assert "Nothing to recover" in capsys.readouterr().out
    store.save_highlight(make_highlight(number=4))
    assert len(ids(db)) == 5


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_recovery_cut_short_leaves_the_damaged_database_where_it_was(
    private_data: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    """A full disk or Ctrl+C while the merged database is written: reader.json is still
    there, byte for byte, and so is the recovery file; nothing else is left beside them."""
    from reader.db import storage

    _store, recovery = damaged_session(private_data)
    db = private_data / "reader.json"
    before = {p.name: p.read_bytes() for p in private_data.iterdir() if p.is_file()}

    def fail(fd: int) -> None:
        raise failure

    monkeypatch.setattr(storage.os, "fsync", fail)
    if isinstance(failure, KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            recover(db)
    else:
        with pytest.raises(StoreError, match="nothing was changed"):
            recover(db)
    monkeypatch.undo()
    after = {p.name: p.read_bytes() for p in private_data.iterdir() if p.is_file()}
    assert after == before
    assert recovery_files(db) == [recovery]


def test_a_recovered_file_that_cannot_be_renamed_is_merged_and_said_so(
    private_data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _store, recovery = damaged_session(private_data)
    db = private_data / "reader.json"
    real = Path.rename

    def refused(self: Path, target: Path) -> Path:
        if self == recovery:
            raise PermissionError(13, "Permission denied")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", refused)
    assert main(["recover"]) == 0
    captured = capsys.readouterr()
    assert f"Merged {recovery.name} into {db}" in captured.out
    assert f"reader: {recovery} could not be renamed; move it away" in captured.err
    assert ids(db) == {f"id-art1-{n}" for n in range(4)}


def test_recover_into_a_repaired_database_keeps_what_only_it_has(private_data: Path) -> None:
    # The user restored the backup first (as the old advice said), then made a highlight:
    # recovering afterwards must keep that highlight too.
    _store, recovery = damaged_session(private_data)
    db = private_data / "reader.json"
    db.write_bytes((private_data / "reader.json.bak").read_bytes())
    Store(db).save_highlight(make_highlight(number=9))
    result = recover(db)
    assert ids(db) == {*(f"id-art1-{n}" for n in range(4)), "id-art1-9"}
    assert result.damaged_kept is None and [m.source for m in result.merged] == [recovery]


def test_merge_takes_the_newer_of_each_highlight_and_drops_nothing() -> None:
    def database(*highlights, links=(), note=("", "")) -> dict:
        store = memory_store()
        for highlight in highlights:
            store.save_highlight(highlight)
        for link in links:
            store.save_link(link)
        if note[0]:
            store.set_article_note("art1", Path("/a.md"), note[0])
            data = json.loads(store.path.read_bytes())
            data["articles"]["1"]["note_modified"] = note[1]
            return data
        return json.loads(store.path.read_bytes())

    old = make_highlight(number=0, note="old")
    newer = dataclasses.replace(old, note="newer", modified=LATER)
    end = LinkEnd("art1", "/a.md", "A", old.anchor)
    link = CrossLink("link-1", end, end, "see", "2026-01-01T00:00:00Z")
    base = database(
        newer,
        make_highlight(number=1, note="only in the database"),
        make_highlight(number=2, note="newer in the database", modified=LATER),
        note=("the database's note", "2026-01-01T00:00:00Z"),
    )
    extra = database(
        old,  # older: the database's newer version stays
        make_highlight(number=2, note="older in the file"),
        make_highlight(number=3, note="only in the file"),
        dataclasses.replace(make_highlight(number=4), modified=LATER),
        links=[link],
        note=("the file's newer note", LATER),
    )
    report = merge(base, extra, Merged(Path("x")))
    assert (report.added, report.updated, report.same, report.links) == (2, 0, 2, 1)
    notes = {d["id"]: d["note"] for d in base["highlights/art1"].values()}
    assert notes == {
        "id-art1-0": "newer",
        "id-art1-1": "only in the database",
        "id-art1-2": "newer in the database",
        "id-art1-3": "only in the file",
        "id-art1-4": "a *note*",
    }
    assert base["articles"]["1"]["note"] == "the file's newer note"
    assert [d["id"] for d in base["links"].values()] == ["link-1"]
    # The other way round, the file's newer highlight wins.
    again = database(old)
    report = merge(again, database(newer), Merged(Path("y")))
    assert report.updated == 1
    assert next(iter(again["highlights/art1"].values()))["note"] == "newer"


def test_recover_refuses_a_file_that_is_not_reader_s_and_changes_nothing(
    private_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = private_data / "reader.json"
    Store(db).save_highlight(make_highlight(number=0))
    before = db.read_bytes()
    stranger = private_data / "notes.json"
    stranger.write_text('{"_default": {"1": {"name": "Ada"}}}', encoding="utf-8")
    assert main(["recover", str(stranger)]) == 2
    assert "not a reader database" in capsys.readouterr().err
    assert db.read_bytes() == before and stranger.exists()


def _database(*highlights, note: tuple[str, str] = ("", "")) -> dict:
    store = memory_store()
    for highlight in highlights:
        store.save_highlight(highlight)
    data = json.loads(store.path.read_bytes())
    if note[0]:
        store.set_article_note("art1", Path("/a.md"), note[0])
        data = json.loads(store.path.read_bytes())
        key = next(k for k, doc in data["articles"].items() if doc.get("id") == "art1")
        data["articles"][key]["note_modified"] = note[1]
    return data


def test_on_a_tie_of_modified_the_database_s_highlight_stays() -> None:
    """recovery.py:285: the same time on both sides is no reason to take the file's."""
    base = _database(make_highlight(number=0, note="the database's", modified=LATER))
    extra = _database(make_highlight(number=0, note="the file's", modified=LATER))
    report = merge(base, extra, Merged(Path("x")))
    assert (report.added, report.updated, report.same) == (0, 0, 1)
    assert next(iter(base["highlights/art1"].values()))["note"] == "the database's"


def test_a_newer_note_on_the_article_in_the_database_stays() -> None:
    """recovery.py:270: the file's older note on the whole article does not replace it."""
    base = _database(note=("the database's newer note", LATER))
    extra = _database(note=("the file's older note", "2026-01-01T00:00:00Z"))
    merge(base, extra, Merged(Path("x")))
    (doc,) = [doc for doc in base["articles"].values() if doc.get("id") == "art1"]
    assert doc["note"] == "the database's newer note"


def test_a_recovery_file_of_a_newer_schema_is_refused_and_nothing_changes(
    private_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """recovery.py:160: a file a newer reader wrote may hold what this one cannot keep."""
    db = private_data / "reader.json"
    Store(db).save_highlight(make_highlight(number=0))
    before = db.read_bytes()
    newer = private_data / "reader.json.recovered-20990101-000000"
    data = _database(make_highlight(number=1))
    data["meta"]["1"]["schema"] = 99
    newer.write_text(json.dumps(data), encoding="utf-8")
    assert main(["recover"]) == 2
    assert "newer version of reader (schema 99)" in capsys.readouterr().err
    assert db.read_bytes() == before and newer.exists()
