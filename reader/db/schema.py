"""What a reader database is: its meta table, its schema, and the migrations between them.

A reader database is a JSON file with reader's ``meta`` table; anything else is refused,
never migrated. Its tables: ``meta`` (the schema), ``articles`` (one document per article:
path, cached facts, reading position, the note on the whole article, and a summary of its
highlights), ``links``, and ``highlights/<article id>`` (one table per article).

Schema 2 keeps, in each article's document, a ``summary`` of its highlights (how many,
with how many notes, and the tags they use), so that listing a library of thousands reads
one table, not every article's highlights.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypedDict

from reader.db.frames import Table, Tables
from reader.db.storage import Data, is_database, load_file
from reader.errors import DamagedError, ForeignError, StoreError

SCHEMA_VERSION = 2
HIGHLIGHTS = "highlights/"
"""Highlights live in one table per article: adding one rewrites only that table's text."""


class Summary(TypedDict):
    """What the library shows of an article's highlights (kept in its articles document)."""

    highlights: int
    notes: int
    tags: dict[str, int]  # how often each tag is used


def summary_of(table: Table) -> Summary:
    """What the library shows of an article's highlights: how many, how many with a note,
    and how often each tag is used."""
    notes = 0
    tags: dict[str, int] = {}
    for doc in table.values():
        if str(doc.get("note", "")).strip():
            notes += 1
        found = doc.get("tags")
        for tag in found if isinstance(found, list) else ():
            if isinstance(tag, str):
                tags[tag] = tags.get(tag, 0) + 1
    return Summary(highlights=len(table), notes=notes, tags=tags)


def _migrate_to_1(data: Data) -> None:
    data.setdefault("articles", {})


def _migrate_to_2(data: Data) -> None:
    """Each article's summary of its highlights, in its document."""
    articles = data.setdefault("articles", {})
    keys = {doc.get("id"): key for key, doc in articles.items() if isinstance(doc, dict)}
    for name in list(data):
        if not name.startswith(HIGHLIGHTS):
            continue
        article_id = name[len(HIGHLIGHTS) :]
        key = keys.get(article_id)
        if key is None:
            key = str(max((int(k) for k in articles), default=0) + 1)
            articles[key] = {"id": article_id}
            keys[article_id] = key
        articles[key] = {**articles[key], "summary": summary_of(data[name])}


# MIGRATIONS[n] turns a schema-n database into schema n+1 (schema 0 is an empty file).
MIGRATIONS: list[Callable[[Data], None]] = [_migrate_to_1, _migrate_to_2]
assert len(MIGRATIONS) == SCHEMA_VERSION


def fresh_database() -> Data:
    """An empty database of this schema: what a file deleted while reader runs begins again
    with (without its meta table, the next start would refuse it as not reader's)."""
    return {"meta": {"1": {"schema": SCHEMA_VERSION}}, "articles": {}}


def parse_database(path: Path, *, whole: bool = True) -> Data:
    """Read and check a database file, or raise :class:`StoreError` saying what is wrong.

    Only a zero-byte file is an empty database; anything else must be reader's own JSON,
    with reader's meta table (:class:`ForeignError` otherwise: another program's TinyDB
    file, a misplaced export, a format this reader does not know). With ``whole``, every
    table is read now; else (a file laid out one table a line) each on first use, so that
    opening an article does not read years of notes.
    """
    data = load_file(path)  # the file is read once
    if data is None:
        return {}
    if not isinstance(data, Tables):  # the one-line layout reader wrote before
        if isinstance(data, dict) and not has_meta(data):
            raise ForeignError(f"{path} is not a reader database (it has no reader meta table)")
        if not is_database(data) or schema_of(data) is None:
            raise DamagedError(f"{path} is damaged: it is not in the shape reader writes")
        return Tables.parsed(path, data)
    tables = data
    if "meta" not in tables or not has_meta({"meta": tables["meta"]}):
        raise ForeignError(f"{path} is not a reader database (it has no reader meta table)")
    if schema_of({"meta": tables["meta"]}) is None:
        raise DamagedError(f"{path} is damaged: it is not in the shape reader writes")
    if whole:
        tables.check()
    return tables


def holds_data(path: Path) -> bool:
    """Whether ``path`` is a readable database with something in it (a backup to go back
    to, say)."""
    try:
        return bool(parse_database(path))
    except StoreError:
        return False


def has_meta(data: Mapping[str, object]) -> bool:
    """Whether ``data`` has reader's meta table, with a schema (valid or not)."""
    meta = data.get("meta")
    record = meta.get("1") if isinstance(meta, dict) else None
    return isinstance(record, dict) and "schema" in record


def schema_of(data: Mapping[str, object]) -> int | None:
    """The schema version recorded in reader's meta table, or None when there is none."""
    meta = data.get("meta")
    record = meta.get("1") if isinstance(meta, dict) else None
    schema = record.get("schema") if isinstance(record, dict) else None
    if isinstance(schema, int) and not isinstance(schema, bool) and schema >= 0:
        return schema
    return None
