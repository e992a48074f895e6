"""Export an article's notes: Markdown for people, W3C Web Annotation JSON for tools.

Pure functions over model objects (no Textual, no TinyDB), plus :func:`write_file`, which
writes atomically and never writes over a file it did not write. One module per concern:
:mod:`.notes` (what is exported), :mod:`.escaping` (Markdown that stays literal or contained),
:mod:`.files` (names and writing), :mod:`.markdown`; the JSON is :mod:`reader.notes.w3c`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.files import _RESERVED, NAME_BYTES, safe_filename
from reader.notes import w3c
from reader.notes.escaping import (
    _contained,
    clean,
    escape_inline,
    escape_text,
    safe_note,
    scope_references,
    tag_text,
    tag_texts,
)
from reader.notes.files import (
    EXPORT_KEY,
    EXPORT_MARK,
    INDEX,
    ExportError,
    check_writable,
    file_names,
    index_name,
    is_export,
    stage_file,
    write_file,
)
from reader.notes.gather import Entry, LinkMark, Notes, gather
from reader.notes.markdown import (
    block_id,
    exported_now,
    index_entry,
    index_lines,
    open_uri,
    to_markdown,
)

if TYPE_CHECKING:
    from reader.notes.w3c import JSONObject

__all__ = [
    "EXPORT_KEY",
    "EXPORT_MARK",
    "INDEX",
    "NAME_BYTES",
    "_RESERVED",
    "Entry",
    "ExportError",
    "LinkMark",
    "Notes",
    "_contained",
    "block_id",
    "check_writable",
    "clean",
    "dumps",
    "escape_inline",
    "escape_text",
    "exported_now",
    "file_names",
    "gather",
    "index_entry",
    "index_lines",
    "index_name",
    "is_export",
    "open_uri",
    "safe_filename",
    "safe_note",
    "scope_references",
    "stage_file",
    "tag_text",
    "tag_texts",
    "to_annotations",
    "to_collection",
    "to_markdown",
    "write_file",
]


# --- W3C Web Annotation ----------------------------------------------------------------------


def to_annotations(notes: Notes) -> list[JSONObject]:
    """Each highlight, the article note and each link from this article, as W3C annotations
    (see :mod:`reader.notes.w3c`)."""
    return w3c.to_annotations(notes)


def to_collection(all_notes: list[Notes], *, exported: str | None = None, label: str) -> JSONObject:
    """An AnnotationCollection of several articles' annotations (see :mod:`reader.notes.w3c`);
    ``exported``, a date or time, becomes its ``generated`` time."""
    generated = w3c.xsd_datetime(exported) if exported else None
    return w3c.to_collection(all_notes, label=label, generated=generated)


def dumps(document: JSONObject) -> str:
    """JSON as reader writes it: stable, readable, valid UTF-8."""
    return w3c.dumps(document)
