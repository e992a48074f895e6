"""The store: positions kept atomically, damaged files never written, two writers safe."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
from pathlib import Path

import pytest

from reader.db.single_file import SCHEMA_VERSION, ArticleInfo, ReadingPosition, StoreError
from reader.db.single_file import SingleFileStore as Store
from reader.model import Anchor, Colour, Highlight


def memory_store() -> Store:
    """A store kept in a temporary file that nobody else uses."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="reader-store-"))
    return Store(folder / "reader.json")


def save(store: Store, article: str, block: int) -> None:
    store.save_position(
        article, Path(f"/x/{article}.md"), "f" * 20, ReadingPosition(block, block * 10, block / 100)
    )


def test_the_lock_keeps_a_second_writer_out_until_the_first_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not only that a lock file is made: while another process holds the database's lock
    a save waits, and is refused when it would wait too long, the file left as it was;
    once the lock is free the save goes through. (A highlight: a reading position waits
    only a moment and is kept for the next save instead.)"""
    import subprocess
    import sys

    from reader.db import storage

    path = tmp_path / "reader.json"
    store = Store(path)
    save(store, "a", 1)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, filelock; lock = filelock.FileLock(sys.argv[1]); lock.acquire();"
            " print('held', flush=True); sys.stdin.read()",
            str(storage.lock_for(path)),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        monkeypatch.setattr(storage, "LOCK_TIMEOUT", 0.3)
        before = path.read_bytes()
        with pytest.raises(StoreError, match="is locked by another reader"):
            store.save_highlight(make_highlight("a", 2))
        assert path.read_bytes() == before
    finally:
        holder.communicate("")  # its stdin closed: it ends, and its lock with it
    store.save_highlight(make_highlight("a", 3))
    assert [h.id for h in Store(path).highlights("a")] == ["id-a-3"]


def test_positions_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "reader.json"
    store = Store(path)
    save(store, "a", 5)
    save(store, "b", 7)
    save(store, "a", 6)
    store.close()
    again = Store(path)
    assert again.position("a") == ReadingPosition(6, 60, 0.06)
    assert again.position("b") == ReadingPosition(7, 70, 0.07)
    assert again.position("zzz") is None
    assert set(again.positions()) == {"a", "b"}


def test_database_is_plain_json_with_a_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "reader.json"
    save(Store(path), "a", 1)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["meta"]["1"]["schema"] == SCHEMA_VERSION
    assert data["articles"]["1"]["id"] == "a"


def test_writes_leave_no_temporary_files_and_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "reader.json"
    save(Store(path), "a", 1)
    store = Store(path)  # the second session backs up the last good file first
    save(store, "a", 2)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["reader.json", "reader.json.bak", "reader.json.lock"]
    backup = json.loads((tmp_path / "reader.json.bak").read_text(encoding="utf-8"))
    assert backup["articles"]["1"]["position"]["block"] == 1


@pytest.mark.parametrize("uptime", [0.5, 60.0, 10_000.0], ids=["just-booted", "1-min", "3-h"])
def test_a_backup_exists_whatever_the_clock_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uptime: float
) -> None:
    # time.monotonic() counts from boot: on a machine up for seconds it is near zero.
    clock = [uptime]
    monkeypatch.setattr("reader.db.storage.time.monotonic", lambda: clock[0])
    path = tmp_path / "reader.json"
    backup = tmp_path / "reader.json.bak"
    store = Store(path)  # a new database
    save(store, "a", 1)
    save(store, "a", 2)
    assert backup.exists(), "a new database has a backup from its second save"
    store.close()
    backup.unlink()
    store = Store(path)  # a session that opens an existing database
    save(store, "a", 3)
    assert json.loads(backup.read_text("utf-8"))["articles"]["1"]["position"]["block"] == 2
    clock[0] += 16 * 60  # a quarter of an hour later, the backup follows the database
    save(store, "a", 4)
    assert json.loads(backup.read_text("utf-8"))["articles"]["1"]["position"]["block"] == 4


def test_stale_temporary_files_are_swept(tmp_path: Path) -> None:
    stale = tmp_path / ".reader.json.999999999.tmp"
    stale.write_text("half a file", encoding="utf-8")
    Store(tmp_path / "reader.json")
    assert not stale.exists()


@pytest.mark.parametrize(
    "content", ['{"articles": {"1": {"id": "a"', '{"a": {}} trailing', "[1, 2]"]
)
def test_damaged_database_is_reported_and_left_untouched(tmp_path: Path, content: str) -> None:
    path = tmp_path / "reader.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert str(path) in str(caught.value)
    assert path.read_text(encoding="utf-8") == content


def test_damaged_database_message_names_the_backup(tmp_path: Path) -> None:
    path = tmp_path / "reader.json"
    save(Store(path), "a", 3)
    Store(path)  # makes the backup
    path.write_text("{broken", encoding="utf-8")
    with pytest.raises(StoreError, match=r"reader\.json\.bak"):
        Store(path)


def test_newer_schema_is_refused_and_not_written(tmp_path: Path) -> None:
    path = tmp_path / "reader.json"
    content = json.dumps({"meta": {"1": {"schema": SCHEMA_VERSION + 1}}})
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StoreError, match="newer version"):
        Store(path)
    assert path.read_text(encoding="utf-8") == content


def test_unwritable_data_folder_opens_read_only(tmp_path: Path) -> None:
    # A file where the folder should be makes the folder impossible to create, even as root.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    store = Store(blocker / "sub" / "reader.json")
    assert store.read_only and "read-only" in store.problem and str(blocker) in store.problem
    with pytest.raises(StoreError, match="read-only"):
        save(store, "a", 1)


def test_article_info_is_cached_by_size_and_mtime(tmp_path: Path) -> None:
    store = Store(tmp_path / "reader.json")
    info = ArticleInfo("Title", 120, 999, 12345)
    store.save_article_infos({"a": (Path("/x/a.md"), info)})
    assert store.article_info("a", 999, 12345) == info
    assert store.article_info("a", 1000, 12345) is None


def test_a_change_made_by_another_process_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "reader.json"
    first, second = Store(path), Store(path)
    save(first, "a", 1)
    assert second.position("a") == ReadingPosition(1, 10, 0.01)
    save(second, "b", 2)
    save(first, "c", 3)
    assert set(Store(path).positions()) == {"a", "b", "c"}


def _writer(path: str, name: str, count: int) -> None:
    store = Store(Path(path))
    for number in range(count):
        save(store, f"{name}-{number}", number)


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "reader.json"
    Store(path)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(path), n, 25)) for n in "xy"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    positions = Store(path).positions()
    assert {f"{n}-{i}" for n in "xy" for i in range(25)} <= set(positions)


# --- highlights ---------------------------------------------------------------------------


def make_highlight(article: str = "art1", number: int = 0, **changes: object) -> Highlight:
    highlight = Highlight(
        id=f"id-{article}-{number}",
        article_id=article,
        anchor=Anchor(number * 10, number * 10 + 5, "quote", "pre", "suf", 0, "fp"),
        colour=Colour.GREEN,
        tags=("one", "two"),
        note="a *note*",
        created="2026-01-01T00:00:00Z",
        modified="2026-01-01T00:00:00Z",
    )
    return dataclasses.replace(highlight, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("where", ["memory", "disk"])
def test_highlights_round_trip_update_and_delete(tmp_path: Path, where: str) -> None:
    store = memory_store() if where == "memory" else Store(tmp_path / "reader.json")
    first, second = make_highlight(number=0), make_highlight(number=1)
    store.save_highlight(first)
    store.save_highlight(second)
    store.save_highlight(dataclasses.replace(first, note="changed"))
    by_id = {h.id: h for h in store.highlights("art1")}
    assert by_id == {first.id: dataclasses.replace(first, note="changed"), second.id: second}
    assert store.delete_highlight("art1", first.id)
    assert not store.delete_highlight("art1", first.id)
    assert [h.id for h in store.highlights("art1")] == [second.id]
    if where == "disk":
        assert [h.id for h in Store(tmp_path / "reader.json").highlights("art1")] == [second.id]


def test_highlights_are_stored_with_uuids_not_doc_ids(tmp_path: Path) -> None:
    path = tmp_path / "reader.json"
    store = Store(path)
    store.save_highlight(make_highlight())
    table = json.loads(path.read_text())["highlights/art1"]
    (doc,) = table.values()
    assert doc["id"] == "id-art1-0"
    assert doc["anchor"]["exact"] == "quote" and doc["colour"] == "green"


def test_save_highlights_replaces_and_adds_in_one_write(tmp_path: Path) -> None:
    store = Store(tmp_path / "reader.json")
    store.save_highlight(make_highlight(number=0))
    store.save_highlights([make_highlight(number=0, note="new"), make_highlight(number=1)])
    notes = sorted((h.id, h.note) for h in store.highlights("art1"))
    assert notes == [("id-art1-0", "new"), ("id-art1-1", "a *note*")]


def test_counts_tags_and_article_notes(tmp_path: Path) -> None:
    store = Store(tmp_path / "reader.json")
    store.save_highlight(make_highlight("a", 0))
    store.save_highlight(make_highlight("a", 1, note="", tags=("two",)))
    store.save_highlight(make_highlight("b", 0, tags=("three",)))
    assert store.highlight_counts() == {"a": (2, 1), "b": (1, 1)}
    assert store.all_tags() == ["two", "one", "three"]
    store.set_article_note("a", Path("/x/a.md"), "whole-article thoughts")
    assert Store(tmp_path / "reader.json").article_note("a") == "whole-article thoughts"


def test_a_highlight_from_another_window_is_seen_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "reader.json"
    first, second = Store(path), Store(path)
    first.save_highlight(make_highlight(number=0))
    second.save_highlight(make_highlight(number=1))
    first.save_highlight(make_highlight(number=2))
    assert len(Store(path).highlights("art1")) == 3


def test_lone_surrogates_in_a_note_are_kept(tmp_path: Path) -> None:
    store = Store(tmp_path / "reader.json")
    store.save_highlight(make_highlight(note="broken \udcff text"))
    assert Store(tmp_path / "reader.json").highlights("art1")[0].note == "broken \udcff text"


def test_a_malformed_highlight_is_skipped_but_kept_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "reader.json"
    store = Store(path)
    store.save_highlight(make_highlight())
    data = json.loads(path.read_text())
    data["highlights/art1"]["9"] = {"id": "odd", "anchor": "not an anchor"}
    path.write_text(json.dumps(data))
    again = Store(path)
    assert [h.id for h in again.highlights("art1")] == ["id-art1-0"]
    again.save_highlight(make_highlight(number=3))
    assert "odd" in path.read_text()


def test_a_highlight_of_an_unknown_colour_is_shown_yellow_whatever_its_colour_is(
    tmp_path: Path,
) -> None:
    """A colour reader does not know, even a list or an object (a hand-edited file), no
    longer hides the highlight and its note."""
    path = tmp_path / "reader.json"
    store = Store(path)
    for number in range(3):
        store.save_highlight(make_highlight(number=number, note=f"note {number}"))
    data = json.loads(path.read_text())
    colours = iter(["mauve", ["green"], {"name": "blue"}])
    for doc in data["highlights/art1"].values():
        doc["colour"] = next(colours)
    path.write_text(json.dumps(data))
    found = Store(path).highlights("art1")
    assert sorted((h.note, h.colour) for h in found) == [
        (f"note {number}", Colour.YELLOW) for number in range(3)
    ]


def test_every_highlight_of_every_article_and_every_known_article(tmp_path: Path) -> None:
    store = Store(tmp_path / "reader.json")
    for article in ("a", "b"):
        for number in range(3):
            store.save_highlight(make_highlight(article, number))
    save(store, "a", 1)
    assert sorted(h.id for h in store.all_highlights()) == sorted(
        f"id-{a}-{n}" for a in "ab" for n in range(3)
    )
    assert store.known_articles() == {"a": (Path("/x/a.md"), "")}


def test_every_note_on_a_whole_article_with_when_it_changed(tmp_path: Path) -> None:
    store = Store(tmp_path / "reader.json")
    store.set_article_note("a", Path("/x/a.md"), "On the whole of a")
    store.set_article_note("b", Path("/x/b.md"), "   ")  # blank: no note
    save(store, "c", 1)
    notes = store.article_notes()
    assert list(notes) == ["a"]
    note, modified = notes["a"]
    assert note == "On the whole of a" and modified.endswith("Z")


def test_every_highlight_skips_what_is_not_one(tmp_path: Path) -> None:
    path = tmp_path / "reader.json"
    Store(path).save_highlight(make_highlight())
    data = json.loads(path.read_text())
    data["highlights/art1"]["9"] = {"id": "odd", "anchor": "not an anchor"}
    data["highlights/art2"] = {"1": {"id": "no anchor"}}
    path.write_text(json.dumps(data))
    assert [h.id for h in Store(path).all_highlights()] == ["id-art1-0"]


def test_a_save_from_another_thread_waits_for_the_transaction_under_way(
    tmp_path: Path,
) -> None:
    """The lifeline's last-resort save runs in a thread of its own while the main thread
    may be mid-write: it must wait, not join the main thread's transaction as if nested
    (it then wrote at once, into the very temporary file the main thread was writing)."""
    import threading

    from reader.model import ReadingPosition

    path = tmp_path / "reader.json"
    store = Store(path)
    done = threading.Event()

    def save_elsewhere() -> None:
        store.save_position("art2", tmp_path / "b.md", "fp", ReadingPosition(2, 0, 0.5))
        done.set()

    other = threading.Thread(target=save_elsewhere)
    with store.batch():
        store.save_highlight(make_highlight(number=1))
        other.start()
        assert not done.wait(0.3), "the other thread's save joined the transaction"
    other.join(10)
    assert done.is_set()
    reread = Store(path, read_only=True)
    assert [h.id for h in reread.highlights("art1")] == ["id-art1-1"]
    assert reread.position("art2") == ReadingPosition(2, 0, 0.5)


def test_a_temporary_file_of_a_reader_at_work_survives_another_starting(tmp_path: Path) -> None:
    """storage.py:570 (now atomic.py): two readers starting at once must not delete each
    other's file mid-write; only a writer that is gone leaves its file to sweep."""
    import subprocess
    import sys

    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        at_work = tmp_path / f".reader.json.{writer.pid}.tmp"
        at_work.write_text("being written", encoding="utf-8")
        Store(tmp_path / "reader.json")
        assert at_work.read_text(encoding="utf-8") == "being written"
    finally:
        writer.kill()
        writer.wait()
    Store(tmp_path / "reader.json")  # now its writer is gone
    assert not at_work.exists()


def test_a_save_is_on_disk_before_it_takes_the_database_s_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Durability itself, not only a fault injected through fsync: the new file's bytes
    are synced before the rename makes it the database, and the folder after it."""
    import os

    path = tmp_path / "reader.json"
    store = Store(path)
    events: list[tuple[str, int]] = []
    fsync, replace = os.fsync, os.replace

    def synced(fd: int) -> None:
        events.append(("fsync", os.fstat(fd).st_ino))
        fsync(fd)

    def renamed(source, target) -> None:  # type: ignore[no-untyped-def]
        if Path(target) == path:
            events.append(("replace", os.stat(source).st_ino))
        replace(source, target)

    monkeypatch.setattr(os, "fsync", synced)
    monkeypatch.setattr(os, "replace", renamed)
    save(store, "a", 1)
    ((_, new),) = [event for event in events if event[0] == "replace"]
    at = events.index(("replace", new))
    assert ("fsync", new) in events[:at]  # the data, synced before it is the database
    assert ("fsync", os.stat(tmp_path).st_ino) in events[at:]  # the new name, after
