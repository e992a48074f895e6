"""The store: positions kept atomically, damaged files never written, two writers safe."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from reader.store import SCHEMA_VERSION, ArticleInfo, ReadingPosition, Store, StoreError


def save(store: Store, article: str, block: int) -> None:
    store.save_position(
        article, Path(f"/x/{article}.md"), "f" * 20, ReadingPosition(block, block * 10, block / 100)
    )


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
