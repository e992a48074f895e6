"""The library: a folder of articles (and its subfolders), with titles, word counts, progress.

Never imports Textual. Titles and word counts are cached in the store by file size and
modification time: a library of thousands is listed from one table of the database, and
only a file that changed is read again. A first scan reads files in batches, so a screen or
a progress bar can show them as they come; what it learnt is written to the database once.
Hidden folders (``.obsidian``, ``.git``, ``.trash``) and the notes that reader's own export
wrote are not articles.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.documents import DocumentError, article_id, describe, is_article_file
from reader.store import ArticleInfo, Store, StoreError, info_from

BATCH = 200
"""Files read between two reports of a scan's progress."""


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """One article as the library lists it."""

    id: str
    path: Path
    title: str
    words: int
    progress: float | None
    highlights: int = 0
    notes: int = 0
    opened: float | None = None  # when last read (seconds since the epoch)
    added: float = 0.0  # when the file was last changed, taken for when it was added
    folder: str = ""  # its subfolder in the library ("" at the top)


@dataclass(frozen=True, slots=True)
class Library:
    """The articles of a folder, and the files that could not be read."""

    folder: Path
    entries: list[LibraryEntry]
    problems: list[str]

    @property
    def folders(self) -> list[str]:
        """The subfolders that hold articles, in order."""
        return sorted({entry.folder for entry in self.entries if entry.folder})


def article_files(folder: Path) -> list[Path]:
    """Article files in ``folder`` and its subfolders (not hidden ones), sorted by path."""
    if not folder.exists():
        raise DocumentError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise DocumentError(f"{folder} is not a folder")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise DocumentError(f"{folder}: permission denied")
    found: list[Path] = []
    for root, folders, files in os.walk(folder):
        # Hidden folders are a tool's own (.obsidian, .git, .trash): not read, not entered.
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in files:
            path = Path(root, name)
            if not name.startswith(".") and is_article_file(path):
                found.append(path)
    return sorted(found, key=lambda p: (p.parent != folder, str(p.relative_to(folder))))


def scan(folder: Path, store: Store | None = None) -> Library:
    """Read the library in ``folder`` (titles and word counts cached in ``store``)."""
    entries: list[LibraryEntry] = []
    problems: list[str] = []
    for batch, trouble, _done, _total in scan_batches(folder, store):
        entries.extend(batch)
        problems.extend(trouble)
    return Library(folder, entries, problems)


Progress = tuple[list[LibraryEntry], list[str], int, int]
Known = tuple[dict[str, tuple[dict, dict | None]], dict[str, tuple[int, int]]]


def known_facts(store: Store) -> Known:
    """What the store knows of the library's articles (their documents and cached facts,
    and their counts), read at once: a scan may then run in a thread of its own."""
    return store.article_infos(), _counts(store)


def scan_batches(
    folder: Path,
    store: Store | None = None,
    *,
    batch: int = BATCH,
    known: Known | None = None,
    fresh: dict[str, tuple[Path, ArticleInfo]] | None = None,
) -> Iterator[Progress]:
    """The library in batches: ``(entries, problems, files done, files in all)``.

    Files whose facts are cached come first, at once; the others are read ``batch`` at a
    time. What was read is cached in the store in one write, at the end, or, when ``fresh``
    is given, left there for the caller to save (a scan in a worker thread reads what the
    store knows beforehand, ``known``, and touches the store no more).
    """
    files = article_files(folder)
    total = len(files)
    if known is None:
        known = known_facts(store) if store is not None else ({}, {})
    cached, counts = known
    ready: list[LibraryEntry] = []
    problems: list[str] = []
    unread: list[tuple[Path, str, os.stat_result]] = []
    for path in files:
        ident = article_id(path)
        try:
            stat = path.stat()
        except OSError as error:
            problems.append(f"{path}: {error.strerror or error}")
            continue
        doc, info_doc = cached.get(ident, (None, None))
        info = info_from(info_doc, stat.st_size, stat.st_mtime_ns)
        if info is None:
            unread.append((path, ident, stat))
        elif not info.export:
            ready.append(_entry(folder, path, ident, info, stat, doc, counts))
    done = total - len(unread)  # the cached ones
    yield ready, problems, done, total
    save = fresh is None
    fresh = {} if fresh is None else fresh
    for start in range(0, len(unread), batch):
        entries: list[LibraryEntry] = []
        trouble: list[str] = []
        for path, ident, stat in unread[start : start + batch]:
            try:
                meta, words = describe(path)
            except (DocumentError, OSError) as error:
                trouble.append(str(error))
                continue
            info = ArticleInfo(meta.title, words, stat.st_size, stat.st_mtime_ns, meta.export)
            fresh[ident] = (path, info)
            if not info.export:
                doc = cached.get(ident, (None, None))[0]
                entries.append(_entry(folder, path, ident, info, stat, doc, counts))
        done += len(unread[start : start + batch])
        yield entries, trouble, done, total
    if save and store is not None and fresh:
        # A cache that cannot be saved only makes the next scan slower.
        with contextlib.suppress(StoreError):
            store.save_article_infos(fresh)


def _entry(
    folder: Path,
    path: Path,
    ident: str,
    info: ArticleInfo,
    stat: os.stat_result,
    doc: dict | None,
    counts: dict[str, tuple[int, int]],
) -> LibraryEntry:
    position = doc.get("position") if doc else None
    progress = None
    if isinstance(position, dict):
        with contextlib.suppress(TypeError, ValueError, KeyError):
            progress = float(position["progress"])
    opened = doc.get("opened") if doc else None
    highlights, notes = counts.get(ident, (0, 0))
    parent = path.parent.relative_to(folder)
    return LibraryEntry(
        ident,
        path,
        info.title,
        info.words,
        progress,
        highlights,
        notes,
        float(opened) if isinstance(opened, int | float) else None,
        stat.st_mtime,
        "" if str(parent) == "." else parent.as_posix(),
    )


def _counts(store: Store) -> dict[str, tuple[int, int]]:
    """(highlights, notes) per article id; a note on the whole article counts as a note."""
    counts = dict(store.highlight_counts())
    for ident in store.noted_articles():
        highlights, notes = counts.get(ident, (0, 0))
        counts[ident] = (highlights, notes + 1)
    return counts


def sort_entries(entries: list[LibraryEntry], order: str) -> list[LibraryEntry]:
    """The entries in the order ``reader list --sort`` and the library screen share."""
    by_title = sorted(entries, key=lambda e: (e.title.casefold(), str(e.path)))
    if order == "progress":
        return sorted(by_title, key=lambda e: -(e.progress or 0.0))
    if order == "highlights":
        return sorted(by_title, key=lambda e: -(e.highlights + e.notes))
    if order == "recent":
        return sorted(by_title, key=lambda e: -(e.opened or 0.0))
    if order == "added":
        return sorted(by_title, key=lambda e: -e.added)
    return by_title
