"""Other tools' highlights read into reader's terms, each format in a module of its own.

Kindle's ``My Clippings.txt`` (:mod:`.kindle`), KOReader's sidecar and JSON export
(:mod:`.koreader`, with :mod:`.lua`, which reads Lua tables without running them),
Readwise's and Instapaper's CSV exports (:mod:`.readwise`, :mod:`.instapaper`), Pocket's
annotations (:mod:`.pocket`) and Omnivore's export zip (:mod:`.omnivore`). Each turns a
file into a :class:`~reader.notes.formats.common.Reading`: the
:class:`~reader.notes.incoming.Incoming` annotations the importer already takes from W3C
and Hypothesis files, and what it skipped and why.

This layer reads files and nothing else: it imports only :mod:`reader.notes.incoming`,
:mod:`reader.text` and the standard library, never the store.

:func:`detect` names a file's format by what it holds (its first bytes, a zip's file
names, a JSON document's shape, a CSV file's header), not by its name.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from reader.notes.formats import instapaper, kindle, koreader, omnivore, pocket, readwise
from reader.notes.formats.common import FormatError, Reading, Skips, read_json, text_of

__all__ = ["FORMATS", "FormatError", "Reading", "Skips", "detect", "read"]

FORMATS = {
    "w3c": "W3C Web Annotation or Hypothesis JSON",
    "kindle": "Kindle's My Clippings.txt",
    "koreader": "a KOReader sidecar (BOOK.sdr or its metadata.*.lua) or its JSON export",
    "readwise": "Readwise's CSV export",
    "instapaper": "Instapaper's CSV export",
    "pocket": "Pocket's annotations export (its zip, or annotations/*.json)",
    "omnivore": "Omnivore's export zip",
}
"""Every format ``reader import`` reads, by the name ``--format`` takes."""

HEAD = 64 * 1024
"""Bytes of a file looked at to tell its format."""


def detect(path: Path) -> str:
    """The name of the format of the file (or KOReader ``.sdr`` folder) at ``path``, by
    what it holds; FormatError saying what it seems to be when it is none of them."""
    if path.is_dir():
        if koreader.sidecar_in(path) is not None:
            return "koreader"
        raise FormatError(
            f"{path} is a folder: give the file of annotations to import (or a KOReader "
            "book's .sdr folder, which holds its metadata.*.lua)"
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(HEAD)
    except OSError as error:
        raise FormatError(f"{path}: {error.strerror or error}") from None
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"PK\x05\x06"):
        return _zip_format(path)
    if b"\x00" in raw[:8000]:
        raise FormatError(f"{path.name} is a binary file, not annotations reader can read")
    head = text_of(raw)
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        return _json_format(path)
    if kindle.looks_like(head):
        return "kindle"
    if koreader.looks_like_sidecar(head):
        return "koreader"
    if readwise.looks_like(head):
        return "readwise"
    if instapaper.looks_like(head):
        return "instapaper"
    raise FormatError(
        f"{path.name} is not a format reader imports: not W3C or Hypothesis JSON, Kindle "
        "clippings, a KOReader sidecar or export, nor a Readwise, Instapaper, Pocket or "
        "Omnivore export (--format names one to read it as)"
    )


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise FormatError(f"{path.name} is not a readable zip ({error})") from None
    if omnivore.looks_like_zip(names):
        return "omnivore"
    if pocket.looks_like_zip(names):
        return "pocket"
    if "META-INF/container.xml" in names:
        raise FormatError(f"{path.name} is an EPUB book: `reader add {path.name}` adds it")
    raise FormatError(f"{path.name} is a zip, but not Omnivore's or Pocket's export")


def _json_format(path: Path) -> str:
    document = read_json(path)
    if koreader.looks_like_export(document):
        return "koreader"
    if pocket.looks_like(document):
        return "pocket"
    return "w3c"


def read(path: Path, name: str) -> Reading:
    """The annotations of the file at ``path`` read as format ``name`` (not "w3c", which
    the importer reads itself); FormatError when it is not that format."""
    if name == "kindle":
        return kindle.read(path)
    if name == "koreader":
        if path.is_dir():
            sidecar = koreader.sidecar_in(path)
            if sidecar is None:
                raise FormatError(f"{path} holds no KOReader sidecar (metadata.*.lua)")
            return koreader.read_sidecar(sidecar)
        if _starts_with_json(path):
            return koreader.read_export(path, read_json(path))
        return koreader.read_sidecar(path)
    if name == "readwise":
        return readwise.read(path)
    if name == "instapaper":
        return instapaper.read(path)
    if name == "pocket":
        if zipfile.is_zipfile(path):
            with _zip(path) as archive:
                return pocket.read_zip(path, archive)
        return pocket.read(path, read_json(path))
    if name == "omnivore":
        with _zip(path) as archive:
            return omnivore.read_zip(path, archive)
    raise FormatError(f"no format called {name!r} (reader imports {', '.join(FORMATS)})")


def _starts_with_json(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return text_of(handle.read(4096)).lstrip("\ufeff \t\r\n").startswith(("{", "["))
    except OSError:
        return False


def _zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise FormatError(f"{path.name} is not a readable zip ({error})") from None
