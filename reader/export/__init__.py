"""Export an article's notes: Markdown for people, W3C Web Annotation JSON for tools.

Pure functions over model objects (no Textual, no TinyDB), plus :func:`write_file`, which
writes atomically and never follows a symlink or overwrites without being told to.
:mod:`~reader.export.notes` gathers what is exported, :mod:`~reader.export.escaping` keeps
Markdown safe, :mod:`~reader.export.files` names and writes the files,
:mod:`~reader.export.markdown` and :mod:`~reader.export.w3c` write the two formats. Import
the package (``from reader import export``): every public name is here.

Safety rules, after mdformat's: the article's words (quotes, titles, tags) are escaped so
that they render literally; notes are the reader's own Markdown and keep their emphasis,
lists, links and code, but a heading in a note becomes bold, raw HTML is escaped, an
unclosed code fence is closed, and a rule or setext underline is escaped, so that nothing
in a note can end its entry, start front matter or split the file. Control characters
never reach the file.
"""

from __future__ import annotations

from reader.export.escaping import (
    _contained,  # the property tests check notes against it
    clean,
    escape_inline,
    escape_text,
    safe_note,
    tag_text,
)
from reader.export.files import (
    _RESERVED,  # the property tests check file names against it
    EXPORT_KEY,
    EXPORT_MARK,
    GENERATOR,
    INDEX,
    NAME_BYTES,
    ExportError,
    file_names,
    index_name,
    is_export,
    safe_filename,
    write_file,
)
from reader.export.markdown import index_lines, to_markdown
from reader.export.notes import Entry, LinkMark, Notes, gather
from reader.export.w3c import (
    CONTEXT,
    dumps,
    exported_now,
    source_uri,
    to_annotations,
    to_collection,
)

__all__ = [
    "CONTEXT",
    "EXPORT_KEY",
    "EXPORT_MARK",
    "GENERATOR",
    "INDEX",
    "NAME_BYTES",
    "_RESERVED",
    "Entry",
    "ExportError",
    "LinkMark",
    "Notes",
    "_contained",
    "clean",
    "dumps",
    "escape_inline",
    "escape_text",
    "exported_now",
    "file_names",
    "gather",
    "index_lines",
    "index_name",
    "is_export",
    "safe_filename",
    "safe_note",
    "source_uri",
    "tag_text",
    "to_annotations",
    "to_collection",
    "to_markdown",
    "write_file",
]
