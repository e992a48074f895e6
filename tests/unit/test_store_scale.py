"""The store at scale: indexes kept true, one write per change, tables read as needed."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.db import frames as tables
from reader.db import storage
from reader.db.single_file import SCHEMA_VERSION, StoreError
from reader.db.single_file import SingleFileStore as Store
from tests.unit.test_store import make_highlight, save


def test_lookups_by_id_stay_true_after_inserts_deletes_and_another_process(
    tmp_path: Path,
) -> None:
    path = tmp_path / "reader.json"
    store = Store(path)
    for number in range(50):
        save(store, f"a{number}", number)
    assert store.position("a37").block == 37  # type: ignore[union-attr]
    store.set_article_note("a37", Path("/x/a37.md"), "note")
    assert store.position("a37").block == 37 and store.article_note("a37") == "note"  # type: ignore[union-attr]
    # Another process writes: the index follows the file it read again.
    process = multiprocessing.get_context("fork").Process(target=_other_writer, args=(path,))
    process.start()
    process.join(30)
    assert store.position("b1").block == 5  # type: ignore[union-attr]
    save(store, "a37", 38)
    assert store.position("a37").block == 38  # type: ignore[union-attr]
    assert store.position("b1").block == 5  # type: ignore[union-attr]


def _other_writer(path: Path) -> None:
    save(Store(path), "b1", 5)


def test_counts_and_tags_follow_every_change_and_undo(tmp_path: Path) -> None:
    store = Store(tmp_path / "reader.json")
    first = make_highlight("a", 0, tags=("tax",), note="")
    second = make_highlight("a", 1, tags=("tax", "trade"), note="a note")
    store.save_highlight(first)
    store.save_highlight(second)
    assert store.highlight_counts() == {"a": (2, 1)}
    assert store.all_tags() == ["tax", "trade"]
    store.delete_highlight("a", second.id)
    assert store.highlight_counts() == {"a": (1, 0)} and store.all_tags() == ["tax"]
    store.save_highlight(second)  # undone
    store.save_highlight(dataclasses.replace(first, tags=()))
    assert store.highlight_counts() == {"a": (2, 1)}
    assert store.all_tags() == ["tax", "trade"]


def test_a_batch_of_changes_is_one_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "reader.json")
    writes: list[Path] = []
    real = storage.atomic_write

    def counting(path: Path, payload: bytes) -> None:
        writes.append(path)
        real(path, payload)

    monkeypatch.setattr(storage, "atomic_write", counting)
    with store.batch():
        for number in range(200):
            store.save_highlight(make_highlight(f"art{number % 20}", number))
        store.set_article_note("art1", Path("/x/art1.md"), "a note")
    assert writes == [tmp_path / "reader.json"]
    assert sum(1 for _ in Store(tmp_path / "reader.json").all_highlights()) == 200


def test_the_file_holds_one_table_a_line_and_stays_plain_json(tmp_path: Path) -> None:
    path = tmp_path / "reader.json"
    store = Store(path)
    store.save_highlight(make_highlight("a", 0))
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    assert [line.split(":", 1)[0] for line in lines[1:-1]] == [
        '"meta"',
        '"articles"',
        '"highlights/a"',
    ]
    assert json.loads(text)["meta"]["1"]["schema"] == SCHEMA_VERSION


def test_a_schema_1_database_on_one_line_is_migrated_with_its_summaries(tmp_path: Path) -> None:
    path = tmp_path / "reader.json"
    old = {
        "meta": {"1": {"schema": 1}},
        "articles": {"1": {"id": "a", "path": "/x/a.md"}},
        "highlights/a": {
            "1": {"id": "h1", "anchor": {"start": 0, "end": 3, "exact": "abc"}, "note": "n"},
            "2": {"id": "h2", "anchor": {"start": 4, "end": 7, "exact": "def"}, "tags": ["x"]},
        },
        "highlights/b": {"1": {"id": "h3", "anchor": {"start": 0, "end": 3, "exact": "ghi"}}},
    }
    path.write_text(json.dumps(old), encoding="utf-8")
    store = Store(path)
    assert store.highlight_counts() == {"a": (2, 1), "b": (1, 0)}
    assert store.all_tags() == ["x"]
    assert json.loads(path.read_bytes())["meta"]["1"]["schema"] == SCHEMA_VERSION
    assert path.read_text(encoding="utf-8").startswith("{\n")  # laid out anew


def damage_a_table(path: Path, name: str) -> bytes:
    """Cut one table's line short in the middle (the file's frame stays whole)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(f'"{name}"'))
    line = lines[index]
    lines[index] = line[: len(line) // 2] + ("," if line.endswith(",") else "}")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path.read_bytes()


def test_a_damaged_table_nobody_needs_yet_never_reaches_a_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A big file is opened without reading every table; its tables are all checked before
    # the first write, and a damaged one sends the change aside, as a damaged file does.
    monkeypatch.setattr("reader.db.single_file.CHECK_AT_OPEN", 0)
    path = tmp_path / "reader.json"
    store = Store(path)
    for article in ("a", "b"):
        store.save_highlight(make_highlight(article, 0))
    store.close()
    damaged = damage_a_table(path, "highlights/b")
    store = Store(path)  # opens: the damaged table is not read
    assert [h.id for h in store.highlights("a")] == ["id-a-0"]
    with pytest.raises(StoreError) as caught:
        store.save_highlight(make_highlight("a", 1))
    assert "highlights/b" in str(caught.value) and "reader.json.recovered-" in str(caught.value)
    assert path.read_bytes() == damaged  # never written over


def test_a_damaged_small_database_is_refused_as_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "reader.json"
    store = Store(path)
    for article in ("a", "b"):
        store.save_highlight(make_highlight(article, 0))
    store.close()
    damaged = damage_a_table(path, "highlights/b")
    with pytest.raises(StoreError, match="highlights/b"):
        Store(path)
    assert path.read_bytes() == damaged


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.dictionaries(st.text(max_size=3), st.text(max_size=5), max_size=3), max_size=6),
    st.lists(st.dictionaries(st.text(max_size=3), st.text(max_size=5), max_size=3), max_size=4),
    st.booleans(),
)
def test_a_table_grown_at_its_end_is_written_as_if_serialised_whole(
    before: list[dict], added: list[dict], replace_first: bool
) -> None:
    # An import's batch adds documents to a table of thousands: only they are serialised,
    # and the bytes are the same as the whole table's.
    old = {str(number): doc for number, doc in enumerate(before)}
    new = dict(old)
    for number, doc in enumerate(added):
        new[str(len(before) + number)] = doc
    if replace_first and new:
        first = next(iter(new))
        new[first] = {**new[first], "changed": "yes"}  # the table is written whole
    assert tables.grown_text(new, (old, tables.table_text(old))) == tables.table_text(new)
