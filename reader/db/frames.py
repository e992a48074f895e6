"""The database file's layout: one table a line, each parsed from its text on first use.

A reader database is one JSON object of tables; reader writes it with each table on a line of
its own::

    {
    "meta":{"1":{"schema":2}},
    "articles":{"1":{...},...},
    "highlights/1ff46dcff4ca":{"1":{...},...}
    }

It is still plain JSON (any tool reads it, and a file written on one line, as reader wrote
before, is read too). But opening an article with years of notes in the file need not parse
them all: :class:`Tables` keeps each table's text, checks the file's frame (a file cut short,
zeroed or with trailing bytes fails at once), and parses a table when it is first used, and
its text is written back unchanged when it was not. :meth:`Tables.check` parses every
table, to find a damaged one before anything is written over the file.
"""

from __future__ import annotations

import functools
import json
import operator
import threading
from collections.abc import Iterator, MutableMapping
from itertools import islice
from pathlib import Path
from typing import Any, TypeGuard

from reader.errors import DamagedError

Table = dict[str, dict[str, Any]]

_DECODER = json.JSONDecoder()


class Tables(MutableMapping[str, Table]):
    """A database's tables by name, parsed on first use (what TinyDB reads and writes)."""

    def __init__(
        self, path: Path, *, source: str = "", spans: dict[str, tuple[int, int]] | None = None
    ) -> None:
        self.path = path
        # Tables not parsed yet: where each one's text is in ``source``, the file's text (a
        # table is cut out of it when it is used, not all at opening).
        self._texts: dict[str, tuple[int, int]] = dict(spans or {})
        self._source = source
        self._parsed: dict[str, Table] = {}
        self._order: list[str] = list(self._texts)
        # A worker thread (the notes index, say) may parse a table while the app sets it:
        # what is set is never replaced by a parse of the text it replaced.
        self._guard = threading.Lock()

    @classmethod
    def parsed(cls, path: Path, data: dict[str, Table]) -> Tables:
        """Tables already parsed (a file in the one-line layout, or built in memory)."""
        tables = cls(path)
        for name, table in data.items():
            tables[name] = table
        return tables

    def __getitem__(self, name: str) -> Table:
        table = self._parsed.get(name)
        if table is not None:
            return table
        span = self._texts.get(name)
        if span is None:
            return self._parsed[name]  # set or parsed meanwhile; else a KeyError
        parsed = _parse_table(self.path, name, self._source[span[0] : span[1]])  # unlocked
        with self._guard:
            if self._texts.get(name) != span:
                # Set, deleted or parsed by another thread while this one parsed: what is
                # there now is the table, not this parse of the text it replaced.
                return self._parsed[name]
            del self._texts[name]
            self._parsed[name] = parsed
            return parsed

    def __setitem__(self, name: str, table: Table) -> None:
        with self._guard:
            if name not in self._parsed and name not in self._texts:
                self._order.append(name)
            self._texts.pop(name, None)
            self._parsed[name] = table

    def __delitem__(self, name: str) -> None:
        with self._guard:
            if name not in self._parsed and name not in self._texts:
                raise KeyError(name)
            self._parsed.pop(name, None)
            self._texts.pop(name, None)
            self._order.remove(name)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, name: object) -> bool:
        return name in self._parsed or name in self._texts

    def text(self, name: str) -> str | None:
        """The table's JSON text as read, while it has not been parsed (else None)."""
        # One lookup: the notes screen's worker thread may parse a table meanwhile.
        span = self._texts.get(name)
        return None if span is None else self._source[span[0] : span[1]]

    def check(self) -> None:
        """Parse every table not parsed yet (and forget the result): :class:`DamagedError`
        names the first that cannot be read."""
        for name, (start, end) in list(self._texts.items()):
            _parse_table(self.path, name, self._source[start:end])


def _parse_table(path: Path, name: str, text: str) -> Table:
    try:
        table = json.loads(text)
    except ValueError as error:
        raise DamagedError(
            f"{path} is damaged: its table {name!r} cannot be read ({error})"
        ) from None
    except RecursionError:
        raise DamagedError(f"{path} is damaged: its table {name!r} is nested too deep") from None
    if not is_table(table):
        raise DamagedError(
            f"{path} is damaged: its table {name!r} is not in the shape reader writes"
        )
    return table


def is_table(table: object) -> TypeGuard[Table]:
    """Whether ``table`` has the shape TinyDB needs: documents keyed by number."""
    if not isinstance(table, dict):
        return False
    return all(isinstance(doc, dict) and key.isdecimal() for key, doc in table.items())


def read(path: Path, raw: bytes) -> Tables | None:
    """The tables of a file laid out one a line (None: some other layout, to be parsed
    whole). A file that is not UTF-8, or whose frame is broken, is :class:`DamagedError`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DamagedError(f"{path} is damaged and cannot be read ({error})") from None
    if not text.startswith('{\n"') or text.find("\n", 2) < 0:
        # The one-line layout reader wrote before, or JSON laid out otherwise (indented by
        # a person or another program): parsed whole.
        return None
    if text.endswith("\n}\n"):
        stop = len(text) - 3
    elif text.endswith("\n}"):
        stop = len(text) - 2
    else:
        raise DamagedError(f"{path} is damaged: it does not end where it should (cut short?)")
    # Each line is found, not split off: opening a 25 MB file does not copy it line by line
    # (a table's text is cut out when it is used).
    spans: dict[str, tuple[int, int]] = {}
    start, number = 2, 2
    while start < stop:
        end = text.find("\n", start, stop)
        if end < 0:
            end = stop
        elif text[end - 1] != ",":
            raise DamagedError(f"{path} is damaged at line {number}")
        name, colon = _table_name(text, start, end)
        if (
            name is None
            or text[colon : colon + 2] != ":{"
            or text[end - 2 if end < stop else end - 1] != "}"
        ):
            raise DamagedError(f"{path} is damaged at line {number}")
        spans[name] = (colon + 1, end - 1 if end < stop else end)
        start, number = end + 1, number + 1
    if start == stop:  # an empty line before the closing brace
        raise DamagedError(f"{path} is damaged at line {number}")
    return Tables(path, source=text, spans=spans)


def _table_name(text: str, start: int, end: int) -> tuple[str | None, int]:
    """The JSON string at ``text[start]`` (a table's name) and where it ends."""
    if text[start] != '"':
        return None, start
    close = text.find('"', start + 1, end)
    if close > start:
        name = text[start + 1 : close]
        if "\\" not in name and name.isprintable():  # as reader writes names: read as is
            return name, close + 1
    try:
        name, after = _DECODER.raw_decode(text[start:end])
    except ValueError:
        return None, start
    return (name if isinstance(name, str) else None), start + after


def dump(tables: MutableMapping[str, Table], serialised: dict[str, str]) -> str:
    """The file's text: one table a line (``serialised`` gives each table's JSON)."""
    # Made in one join of small pieces and the tables' texts: each save of a 25 MB file
    # copied it three times more when built line by line and then framed (measured).
    parts = ["{\n"]
    for name in tables:
        parts += (_name(name), ":", serialised[name], ",\n")
    if len(parts) > 1:
        parts[-1] = "\n}\n"  # no comma after the last table
    else:
        parts.append("\n}\n")
    return "".join(parts)


@functools.lru_cache(maxsize=8192)
def _name(name: str) -> str:
    """A table's name as JSON (the same few thousand, at every save)."""
    return json.dumps(name, ensure_ascii=False)


def table_text(value: object) -> str:
    """A table (or a document) as reader writes it: compact JSON, UTF-8 as it is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def grown_text(table: Table, before: tuple[Table, str] | None) -> str:
    """``table_text(table)``; for a table that is ``before``'s with documents added at its end
    (the very same documents first, as a batch of an import leaves it), ``before``'s text
    with only the new ones serialised: an import's batches then cost what they add, not
    the whole table again."""
    if before is not None:
        old, text = before
        count = len(old)
        if (
            len(table) > count
            and text.endswith("}")
            and list(islice(table, count)) == list(old)
            and all(map(operator.is_, islice(table.values(), count), old.values()))
        ):
            added = ",".join(
                f"{table_text(key)}:{table_text(doc)}"
                for key, doc in islice(table.items(), count, None)
            )
            return f"{text[:-1]}{',' if old else ''}{added}}}"
    return table_text(table)
