"""Export files: names from titles, reader's own exports recognised, atomic writes.

An export never writes over a file that reader's export did not write (it carries
``exported_by: "reader"`` in its front matter, or is reader's JSON collection), never follows
a symbolic link, and replaces an earlier export only when told to.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from reader.files import read_regular, safe_filename


class ExportError(Exception):
    """The export could not be written; the message is for the user."""


EXPORT_KEY = "exported_by"
"""The front-matter key every Markdown file of reader's export carries: how reader knows,
before replacing a file, that it wrote it (and is not about to replace an article)."""
EXPORT_MARK = f"{EXPORT_KEY}: {json.dumps('reader')}"
INDEX = "index.md"


def is_export(path: Path) -> bool:
    """Whether ``path`` is a file that reader's export wrote (Markdown, index or JSON).

    Files exported before the front-matter mark existed are recognised by their shape: the
    front matter of an article's notes, or an index that is nothing but links.
    """
    try:
        # Only a regular file can be an export: a named pipe of that name is never opened
        # (it would wait for ever), and never replaced.
        head = read_regular(path, 64 * 1024)
    except OSError:
        return False
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    if text.lstrip().startswith("{"):
        return _is_json_export(path)
    lines = text.replace("\r\n", "\n").split("\n")
    if lines[0].strip() == "---":
        front = []
        for line in lines[1:]:
            if line.strip() in ("---", "..."):
                break
            front.append(line.strip())
        else:
            return False  # never closed: not front matter at all
        keys = {line.split(":", 1)[0].strip() for line in front}
        # Exports written before the mark are known by their front matter's keys.
        return EXPORT_MARK in front or {"title", "exported", "highlights", "notes", "tags"} <= keys
    rest = [line for line in lines[1:] if line.strip()]
    return (
        lines[0] == "# Notes"
        and len(head) < 64 * 1024
        and all(_LEGACY_INDEX_LINE.match(line) for line in rest)
    )


_LEGACY_INDEX_LINE = re.compile(r"^- \[.*\]\(<[^<>]*>\)$")


def _is_json_export(path: Path) -> bool:
    from reader.notes.w3c import is_reader_collection

    try:
        document = json.loads(read_regular(path).decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return False
    return is_reader_collection(document)


def _foreign(path: Path) -> bool:
    """Whether ``path`` is taken by something reader's export did not write."""
    return (path.exists() or path.is_symlink()) and (path.is_symlink() or not is_export(path))


ARTICLE_KEY = "article_id"
"""The front-matter key that records whose notes an export file holds (with
``article_file``, where the article was): a later export keeps the file's name."""
FILE_KEY = "article_file"


def file_names(
    articles: Iterable[tuple[str, str]],
    folder: Path | None = None,
    *,
    formerly: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A distinct file name for each ``(id, title)``, by id, none of them ``index.md``.

    With ``folder``, an article keeps the name of its export there (its front matter names
    the article; ``formerly`` maps the ids of articles since moved to the ids they have
    now), whatever else the folder holds: links and ``^block`` ids made to that file keep
    leading to its notes. A name that another article's export holds is never given to
    this one. A new export takes its title as its name; when two articles share a
    title, the later one gets the start of its id added (names are compared as a
    case-blind file system would). A name taken by a file that is not an export (the
    article itself, clipped into the same vault) gets " (notes)" added instead.
    """
    articles = list(articles)
    names: dict[str, str] = {}
    taken = {INDEX, index_name(folder).casefold()} if folder is not None else {INDEX}
    if folder is not None:
        exports = _exports_in(folder)
        ids = {ident for ident, _title in articles}
        for export in exports:
            ident = (formerly or {}).get(export.article, export.article)
            if ident in ids:
                names.setdefault(ident, export.name)
            # A name an export of another article holds is never given away (the article
            # may be gone, or not annotated now: its notes stay where links lead).
            taken.add(export.name.casefold())
    for ident, title in articles:
        if ident in names:
            continue
        name = _free_name(title, ident, taken, folder)
        taken.add(name.casefold())
        names[ident] = name
    return names


@dataclass(frozen=True, slots=True)
class _Export:
    """An export file found in the output folder, and the article it records."""

    name: str
    article: str  # its id


def _exports_in(folder: Path) -> list[_Export]:
    """The export files in ``folder`` that record their article (older ones do not)."""
    try:
        names = sorted(
            (
                entry.name
                for entry in os.scandir(folder)
                if entry.name.endswith(".md") and not entry.is_symlink()  # never followed
            ),
            key=lambda name: (len(name), name),  # of two copies, the shorter name first
        )
    except OSError:
        return []
    found = []
    for name in names:
        front = _front_matter(folder / name)
        article = front.get(ARTICLE_KEY) if front is not None else None
        if isinstance(article, str):
            found.append(_Export(name, article))
    return found


def _front_matter(path: Path) -> dict[str, object] | None:
    """The front matter of an export file of reader's (each value JSON, as reader writes
    it), or None for any other file."""
    try:
        head = read_regular(path, 16 * 1024)
    except OSError:
        return None
    lines = head.decode("utf-8", "replace").lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    front: dict[str, object] = {}
    for line in lines[1:]:
        if line.strip() in ("---", "..."):
            return front if front.get(EXPORT_KEY) == "reader" else None
        key, _, value = line.partition(":")
        try:
            front[key.strip()] = json.loads(value)
        except ValueError:
            continue
    return None  # never closed, or longer than its head: not one of reader's


def _free_name(title: str, ident: str, taken: set[str], folder: Path | None) -> str:
    number = 0
    while True:
        extra = "" if number == 0 else f" {ident[:8]}" + (f"-{number}" if number > 1 else "")
        for suffix in (f"{extra}.md", f"{extra} (notes).md"):
            name = safe_filename(title, suffix=suffix)
            if name.casefold() in taken:
                break
            if folder is None or not _foreign(folder / name):
                return name
        number += 1


def index_name(folder: Path) -> str:
    """The index's file name in ``folder``: ``index.md``, unless a file reader did not
    write has that name."""
    name, number = INDEX, 1
    while _foreign(folder / name):
        name = f"index (notes{f' {number}' if number > 1 else ''}).md"
        number += 1
    return name


def write_file(path: Path, text: str, *, force: bool = False, sync_folder: bool = True) -> None:
    """Write ``text`` to ``path`` atomically.

    Never over a symbolic link, or over a file that reader's export did not write, whatever
    ``force`` says; an earlier export is replaced only with ``force``. ``sync_folder``:
    as :func:`reader.atomic.atomic_write`.
    """
    from reader.atomic import atomic_write
    from reader.errors import StoreError

    check_writable(path, force=force)
    try:
        atomic_write(path, text.encode("utf-8", "surrogatepass"), sync_folder=sync_folder)
    except StoreError as error:
        raise ExportError(str(error)) from None


def stage_file(path: Path, text: str, *, force: bool = False, tag: str = "") -> Path:
    """Write ``text`` to a temporary file beside ``path`` (see
    :func:`reader.atomic.write_beside`), if :func:`check_writable` lets ``path`` be
    written; the caller renames it over ``path``, or removes it."""
    from reader.atomic import write_beside
    from reader.errors import StoreError

    check_writable(path, force=force)
    try:
        return write_beside(path, text.encode("utf-8", "surrogatepass"), tag=tag)
    except StoreError as error:
        raise ExportError(str(error)) from None


def check_writable(path: Path, *, force: bool = False) -> None:
    """:class:`ExportError` unless an export may write ``path``: not a symbolic link, not a
    file of another program's, and an earlier export only with ``force``."""
    if path.is_symlink():
        raise ExportError(f"{path} is a symbolic link; not following it")
    if path.exists():
        if not is_export(path):
            raise ExportError(
                f"{path} exists and is not an export of reader's; it was left as it is "
                "(choose another file name)"
            )
        if not force:
            raise ExportError(f"{path} is an earlier export; use --force to replace it")
