"""KOReader: a book's sidecar (``BOOK.sdr/metadata.epub.lua``) and its JSON highlight export.

The sidecar is a Lua table (read by :mod:`reader.notes.formats.lua`, never run), and has
held highlights in three ways over KOReader's versions, each read here:

* since 2024: ``annotations``, a list of ``{text, note, datetime, datetime_updated,
  chapter, color, drawer, page, pos0, pos1, pageno}``; one without a ``drawer`` is a page
  bookmark (skipped);
* 2014 to 2024: ``bookmarks``, a list of ``{notes = the highlighted words, text = the
  note (or the words KOReader wrote in its place: "Page 12 <words> @ <datetime>"),
  highlighted, datetime, chapter, page, pos0, pos1}``, beside ``highlight``, the same
  highlights by page with their ``drawer`` and ``color``; a bookmark not ``highlighted``
  marks a page (skipped);
* before 2014: ``highlight`` alone, ``{text, datetime, drawer, pos0, pos1}`` by page.

The book is named by ``doc_props`` (``title``, ``authors``) and its file (``doc_path``),
which the importer matches with an article's front matter and the EPUB it was added from.

The JSON export (KOReader's "Export highlights" as JSON) is one book, ``{title, author,
file, entries: [{text, note, chapter, page, time, drawer, color, sort}]}``, or several in
``documents``. Each highlight's id is made from its book's title, its time and its words,
in both files alike: a sidecar and an export of the same book add each highlight once.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path, PurePosixPath, PureWindowsPath

from reader.notes.formats import lua
from reader.notes.formats.common import (
    MAX_TEXT,
    FormatError,
    Reading,
    Skips,
    colour_of,
    from_epoch,
    note,
    one_line,
    passage,
    quote_text,
    read_limited,
    text_of,
    utc,
)
from reader.notes.incoming import Incoming, record_id

SIDECAR = "KOReader sidecar"
EXPORT = "KOReader highlight export"
_SIDECAR_NAME = re.compile(r"metadata\.[^/]*\.lua$", re.IGNORECASE)


def sidecar_in(folder: Path) -> Path | None:
    """The sidecar of a book's ``.sdr`` folder (``metadata.epub.lua``), or None."""
    try:
        found = sorted(
            p for p in folder.iterdir() if _SIDECAR_NAME.fullmatch(p.name) and p.is_file()
        )
    except OSError:
        return None
    return found[0] if found else None


def looks_like_sidecar(head: str) -> bool:
    """Whether the start of a file is a Lua table file as KOReader writes them."""
    lines = [line.strip() for line in head.lstrip("\ufeff").splitlines() if line.strip()]
    code = [line for line in lines if not line.startswith("--")]
    return bool(code) and code[0].startswith("return") and "{" in head


def looks_like_export(document: object) -> bool:
    """Whether a JSON document is KOReader's highlight export."""
    if not isinstance(document, dict):
        return False
    if isinstance(document.get("documents"), list):
        return "created_on" in document or "version" in document
    return isinstance(document.get("entries"), list) and (
        "created_on" in document or "version" in document or "title" in document
    )


# --- the sidecar -------------------------------------------------------------------------


def read_sidecar(path: Path) -> Reading:
    """The highlights of a sidecar (FormatError when it is not one reader can read)."""
    try:
        with path.open("rb") as handle:
            text = text_of(read_limited(handle, path.name, lua.MAX_SIZE))
    except OSError as error:
        raise FormatError(f"{path.name} cannot be read ({error.strerror or error})") from None
    try:
        table = lua.loads(text)
    except lua.LuaError as error:
        raise FormatError(
            f"{path.name} is not a KOReader sidecar reader can read: {error}"
        ) from None
    if not isinstance(table, dict):
        raise FormatError(f"{path.name} is not a KOReader sidecar (it returns no table)")
    props = table.get("doc_props") if isinstance(table.get("doc_props"), dict) else {}
    assert isinstance(props, dict)
    doc_path = str(table.get("doc_path", "") or "")
    title = one_line(str(props.get("title", "") or "")) or _title_from(doc_path, path)
    author = _authors(props.get("authors", ""))
    skips = Skips()
    book = _Book(title, author, doc_path, skips)
    if isinstance(table.get("annotations"), dict):
        records = [_from_annotation(item) for item in _listed(table["annotations"])]
    else:
        records = _from_bookmarks(table, skips)
    items = [one for one in (book.incoming(record) for record in records) if one is not None]
    return Reading(SIDECAR, items, skips)


def _title_from(doc_path: str, sidecar: Path) -> str:
    """A book's title when its sidecar names none: its file's name."""
    if doc_path:
        name = PureWindowsPath(doc_path).name if "\\" in doc_path else PurePosixPath(doc_path).name
        return one_line(name.rsplit(".", 1)[0])
    folder = sidecar.parent.name
    return one_line(folder.removesuffix(".sdr").rsplit(".", 1)[0]) if folder else sidecar.stem


def _authors(value: object) -> str:
    """KOReader's ``authors`` (one a line) as one line: "A, B"."""
    return ", ".join(one_line(name) for name in str(value or "").splitlines() if name.strip())


def _listed(table: object) -> list[dict[object, object]]:
    """A Lua list's tables, in order (its values at 1, 2, 3... and any others after)."""
    if not isinstance(table, dict):
        return []
    keys = sorted((k for k in table if isinstance(k, int)), key=int)
    keys += [k for k in table if not isinstance(k, int)]
    return [table[k] for k in keys if isinstance(table[k], dict)]


def _field(item: dict[object, object], name: str) -> str:
    value = item.get(name)
    return value if isinstance(value, str) else ""


def _from_annotation(item: dict[object, object]) -> dict[str, object]:
    return {
        "highlight": bool(item.get("drawer")),
        "text": _field(item, "text"),
        "note": _field(item, "note"),
        "datetime": _field(item, "datetime"),
        "updated": _field(item, "datetime_updated"),
        "chapter": _field(item, "chapter"),
        "color": _field(item, "color"),
    }


def _from_bookmarks(table: dict[object, object], skips: Skips) -> list[dict[str, object]]:
    """The highlights of an older sidecar: its bookmarks, with their drawer and colour from
    ``highlight``; and, from a file older still, ``highlight`` alone."""
    by_time: dict[str, dict[object, object]] = {}
    pages = table.get("highlight")
    for page in _listed_pages(pages):
        for item in _listed(page):
            stamp = _field(item, "datetime")
            if stamp:
                by_time.setdefault(stamp, item)
    records: list[dict[str, object]] = []
    seen: set[tuple[str, str]] = set()
    for bookmark in _listed(table.get("bookmarks")):
        stamp = _field(bookmark, "datetime")
        words = _field(bookmark, "notes")
        if not bookmark.get("highlighted"):
            records.append({"highlight": False})
            continue
        written = _field(bookmark, "text")
        # A bookmark's text is its note, unless KOReader wrote it ("Page 12 <words> @ <when>",
        # in the device's language) or left the words there.
        automatic = not written or written == words or written.endswith(f"{words} @ {stamp}")
        drawn = by_time.get(stamp, {})
        seen.add((stamp, words.strip()))
        records.append(
            {
                "highlight": True,
                "text": words,
                "note": "" if automatic else written,
                "datetime": stamp,
                "chapter": _field(bookmark, "chapter") or _field(drawn, "chapter"),
                "color": _field(drawn, "color"),
            }
        )
    if not table.get("highlights_imported"):
        # Before 2014 a highlight was not also a bookmark: the highlights alone.
        for stamp, item in by_time.items():
            words = _field(item, "text")
            if (stamp, words.strip()) not in seen:
                records.append(
                    {
                        "highlight": True,
                        "text": words,
                        "datetime": stamp,
                        "chapter": _field(item, "chapter"),
                        "color": _field(item, "color"),
                    }
                )
    return records


def _listed_pages(pages: object) -> list[object]:
    if not isinstance(pages, dict):
        return []
    return [pages[k] for k in sorted(pages, key=lambda k: (not isinstance(k, int), str(k)))]


def _local(stamp: str) -> str:
    """KOReader's ``2024-03-03 21:15:02`` (the device's local time) as ISO 8601 UTC."""
    try:
        return utc(datetime.strptime(stamp.strip(), "%Y-%m-%d %H:%M:%S"))
    except ValueError:
        return ""


class _Book:
    """One book's highlights made into annotations."""

    def __init__(self, title: str, author: str, file: str, skips: Skips) -> None:
        self.title, self.author, self.file, self.skips = title, author, file, skips

    def incoming(self, record: dict[str, object]) -> Incoming | None:
        if not record.get("highlight"):
            self.skips.add("bookmarks (a place in a book, not a passage)")
            return None
        words = quote_text(str(record.get("text", "") or ""))
        if not words:
            self.skips.add("highlights without words")
            return None
        if len(words) > MAX_TEXT:
            self.skips.add(f"highlights longer than {MAX_TEXT:,} characters")
            return None
        created = str(record.get("created", "") or "") or _local(str(record.get("datetime", "")))
        modified = (
            str(record.get("modified", "") or "")
            or _local(str(record.get("updated", "")))
            or created
        )
        chapter = one_line(str(record.get("chapter", "") or ""))
        return Incoming(
            id=record_id("koreader", self.title, created, words),
            label=f"{self.title}, {chapter}" if chapter else self.title,
            target=passage(words, title=self.title, author=self.author, file=self.file),
            note=note(str(record.get("note", "") or "")),
            created=created,
            modified=modified,
            colour=colour_of(record.get("color")),
        )


# --- the JSON export ---------------------------------------------------------------------


def read_export(path: Path, document: object) -> Reading:
    """The highlights of KOReader's JSON export (already parsed as ``document``)."""
    if not looks_like_export(document):
        raise FormatError(f"{path.name} is not a KOReader highlight export (no entries)")
    assert isinstance(document, dict)
    books = document["documents"] if isinstance(document.get("documents"), list) else [document]
    skips = Skips()
    items: list[Incoming] = []
    for one in books:
        if not isinstance(one, dict) or not isinstance(one.get("entries"), list):
            continue
        file = str(one.get("file", "") or "")
        title = one_line(str(one.get("title", "") or "")) or _title_from(file, path)
        book = _Book(title, _authors(one.get("author", "")), file, skips)
        for entry in one["entries"]:
            if not isinstance(entry, dict):
                continue
            if entry.get("sort", "highlight") != "highlight":
                skips.add("bookmarks (a place in a book, not a passage)")
                continue
            created = from_epoch(entry.get("time"))
            record = {
                "highlight": True,
                "text": str(entry.get("text", "") or ""),
                "note": str(entry.get("note", "") or ""),
                "created": created,
                "modified": created,
                "chapter": str(entry.get("chapter", "") or ""),
                "color": entry.get("color"),
            }
            found = book.incoming(record)
            if found is not None:
                items.append(found)
    return Reading(EXPORT, items, skips)
