"""The database file's layout (one table a line): what is read, and what is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.db import frames as tables
from reader.errors import DamagedError

PATH = Path("reader.json")
GOOD = '{\n"meta":{"1":{"schema":2}},\n"a\\"b\\\\":{"1":{"x":"é\\n"}},\n"highlights/ab":{}\n}\n'


def test_each_table_is_read_as_written_and_parsed_when_used() -> None:
    read = tables.read(PATH, GOOD.encode())
    assert read is not None
    assert list(read) == ["meta", 'a"b\\', "highlights/ab"]  # escaped names decoded
    assert read.text("highlights/ab") == "{}"
    assert read['a"b\\'] == {"1": {"x": "é\n"}}
    assert read.text('a"b\\') is None  # parsed now: written from the table from here on
    assert dict(read) == json.loads(GOOD)


@pytest.mark.parametrize(
    "text",
    [
        '{"meta":{"1":{"schema":2}}}',  # on one line, as reader wrote before
        '{\n"meta":{"1":{"schema":2}}}',  # valid JSON laid out otherwise
        '{\n  "meta": {}\n}',  # indented by a person
    ],
)
def test_other_layouts_are_left_to_be_parsed_whole(text: str) -> None:
    assert tables.read(PATH, text.encode()) is None


@pytest.mark.parametrize(
    "text",
    [
        '{\n"meta":{},\n"a":{}',  # cut short
        '{\n"meta":{},\n"a":{}\n}x',  # trailing bytes
        '{\n"meta":{},\n"a":{},\n}\n',  # a comma after the last table
        '{\n"meta":{},\n\n}\n',  # an empty line in its place
        '{\n"meta":{}\n"a":{}\n}\n',  # a comma missing
        '{\n"meta":{},\nx"a":{}\n}\n',  # a name that is not a string
        '{\n"meta":{},\n"a" {}\n}\n',  # no colon
        '{\n"meta":{},\n"a":[]\n}\n',  # a table that is not an object
    ],
)
def test_a_broken_frame_is_damage_found_at_once(text: str) -> None:
    with pytest.raises(DamagedError, match="damaged"):
        tables.read(PATH, text.encode())


def test_a_table_damaged_inside_is_found_when_used_or_checked() -> None:
    read = tables.read(PATH, b'{\n"meta":{},\n"a":{"1":{]}\n}\n')
    assert read is not None and read["meta"] == {}
    with pytest.raises(DamagedError, match="'a'"):
        read.check()
    with pytest.raises(DamagedError, match="'a'"):
        read["a"]


def test_a_file_that_is_not_utf8_is_damaged() -> None:
    with pytest.raises(DamagedError, match="cannot be read"):
        tables.read(PATH, b'{\n"meta":{"1":{"x":"\xff"}}\n}\n')


@pytest.mark.parametrize("data", [{}, {"meta": {}}, {"meta": {"1": {"schema": 2}}, 'a"é': {}}])
def test_what_is_written_is_read_back_as_it_was(data: dict) -> None:
    text = tables.dump(data, {name: json.dumps(table) for name, table in data.items()})
    assert json.loads(text) == data  # plain JSON, whatever the layout
    if data:
        read = tables.read(PATH, text.encode())
        assert read is not None and dict(read) == data


def test_a_table_whose_document_is_not_an_object_is_damaged(tmp_path: Path) -> None:
    """tables.py:113: ``"articles":{"1":5}`` parses as JSON, yet TinyDB would fail on it
    later with a traceback: opening the database says it is damaged and changes nothing."""
    from reader.db.single_file import SingleFileStore as Store

    db = tmp_path / "reader.json"
    Store(db).close()
    text = db.read_text(encoding="utf-8")
    assert '\n"articles":{}\n' in text  # one table a line
    db.write_text(text.replace('"articles":{}', '"articles":{"1":5}'), encoding="utf-8")
    before = db.read_bytes()
    read = tables.read(db, before)
    assert read is not None  # the frame is sound: the table is found bad when used
    with pytest.raises(DamagedError, match="table 'articles' is not in the shape"):
        read.check()
    with pytest.raises(DamagedError, match="damaged"):
        Store(db)
    assert db.read_bytes() == before
