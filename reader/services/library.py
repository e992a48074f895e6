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
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.db.articles_table import CACHE_WAIT, Doc
from reader.db.records import ArticleInfo, info_from
from reader.db.store import Store, StoreError
from reader.files import Found, walk
from reader.services.moves import Move, MoveFinder
from reader.text.documents import ARTICLE_SUFFIXES, DocumentError, describe_file
from reader.text.keys import LIBRARIES

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
    moved: tuple[Move, ...] = ()  # articles found moved, whose notes went with them

    @property
    def folders(self) -> list[str]:
        """The subfolders that hold articles, in order."""
        return sorted({entry.folder for entry in self.entries if entry.folder})


def article_files(folder: Path) -> list[Path]:
    """Article files in ``folder`` and its subfolders (not hidden ones): those at the top
    first, then by path."""
    return [found.path for found in _walk(folder)[0]]


def has_articles(folder: Path) -> bool:
    """Whether ``folder`` (or a subfolder, not a hidden one) holds an article file: the
    first one found answers, so a library of thousands is not listed to learn it."""
    _check_folder(folder)
    return any(isinstance(found, Found) for found in walk(folder, _is_article_name))


def _is_article_name(name: str) -> bool:
    return not name.startswith(".") and os.path.splitext(name)[1].lower() in ARTICLE_SUFFIXES


def _check_folder(folder: Path) -> None:
    if not folder.exists():
        raise DocumentError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise DocumentError(f"{folder} is not a folder")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise DocumentError(f"{folder}: permission denied")


@dataclass(frozen=True, slots=True)
class _Found:
    path: Path
    folder: str  # its subfolder, "/"-separated ("" at the top)
    id: str


def _walk(folder: Path) -> tuple[list[_Found], list[str]]:
    """The article files of the library, those at the top first, then by folder and name;
    and a line for each thing left out (a pipe, a folder that cannot be read)."""
    _check_folder(folder)
    found: list[_Found] = []
    problems: list[str] = []
    # Ids are keys of paths inside the library: its place is found once for the folder,
    # not for each of 5,000 files (resolving each took longer than the rest of the scan).
    key = LIBRARIES.keyer(folder)
    for item in walk(folder, _is_article_name):
        if isinstance(item, Found):
            relpath = f"{item.folder}/{item.path.name}" if item.folder else item.path.name
            found.append(_Found(item.path, item.folder, key(relpath, item.path)))
        else:
            problems.append(item)
    found.sort(key=lambda f: (f.folder != "", f.folder, f.path.name))
    return found, problems


def scan(folder: Path, store: Store | None = None) -> Library:
    """Read the library in ``folder`` (titles and word counts cached in ``store``)."""
    entries: list[LibraryEntry] = []
    problems: list[str] = []
    moved: dict[str, Move] = {}
    for batch, trouble, _done, _total in scan_batches(folder, store, moved=moved):
        entries.extend(batch)
        problems.extend(trouble)
    return Library(folder, entries, problems, tuple(moved.values()))


def read_library(folder: Path, known: Known) -> Library:
    """The library in ``folder`` without writing anything: the titles and counts the store
    knew (``known``, read beforehand), the files new to it read; moves found are listed, not
    made. For a worker thread (the library screen's scan is the one that saves what it
    learns)."""
    entries: list[LibraryEntry] = []
    problems: list[str] = []
    moved: dict[str, Move] = {}
    for batch, trouble, _done, _total in scan_batches(folder, known=known, fresh={}, moved=moved):
        entries.extend(batch)
        problems.extend(trouble)
    return Library(folder, entries, problems, tuple(moved.values()))


Progress = tuple[list[LibraryEntry], list[str], int, int]
Known = tuple[dict[str, tuple[Doc, Doc | None]], dict[str, tuple[int, int]]]


def known_facts(store: Store) -> Known:
    """What the store knows of the library's articles (their documents and cached facts,
    and their counts), read at once: a scan may then run in a thread of its own."""
    return store.article_infos(), _counts(store)


def move_of(store: Store, ident: str, path: Path, title: str) -> dict[str, Move]:
    """The move that brought the article at ``path`` (id ``ident``) there, if it is one:
    for an article opened on its own, where no library scan looks (``reader FILE``). Only
    an exact match (size, time and title): one file alone gives no ground for more. Costs
    nothing for an article with notes of its own; else one pass over the articles table."""
    if store.highlights(ident) or store.article_note(ident) or store.position(ident):
        return {}
    try:
        stat = path.stat()
    except OSError:
        return {}
    finder = MoveFinder(*known_facts(store))
    finder.match(ident, str(path), title, stat.st_size, stat.st_mtime_ns)
    return finder.moves


def known_entries(folder: Path, known: Known) -> list[LibraryEntry]:
    """The library as the database last saw it, without reading the folder: shown at once,
    while a scan finds what was added, changed or removed since."""
    cached, counts = known
    top = os.path.abspath(folder).rstrip(os.sep) + os.sep  # the store keeps absolute paths
    entries: list[LibraryEntry] = []
    for ident, (doc, info_doc) in cached.items():
        path = doc.get("path")
        if not isinstance(path, str) or not path.startswith(top):
            continue
        info = info_from(info_doc, *_facts_of(info_doc))
        if info is None or info.export:
            continue
        inner = os.path.dirname(path[len(top) :]).replace(os.sep, "/")
        parts = inner.split("/")
        if any(part.startswith(".") for part in parts):
            continue  # a hidden folder's (cached before hidden folders were skipped)
        file = _Found(Path(path), inner, ident)
        entries.append(_entry(file, info, info.mtime_ns / 1e9, doc, counts))
    return entries


def _facts_of(info: Doc | None) -> tuple[int, int]:
    if info is None:
        return -1, -1
    try:
        return int(info["size"]), int(info["mtime_ns"])
    except (KeyError, TypeError, ValueError):
        return -1, -1


def scan_batches(
    folder: Path,
    store: Store | None = None,
    *,
    batch: int = BATCH,
    known: Known | None = None,
    fresh: dict[str, tuple[Path, ArticleInfo]] | None = None,
    moved: dict[str, Move] | None = None,
) -> Iterator[Progress]:
    """The library in batches: ``(entries, problems, files done, files in all)``.

    Files whose facts are cached come first, at once; the others are read ``batch`` at a
    time. What was read is cached in the store in one write, at the end, or, when ``fresh``
    is given, left there for the caller to save (a scan in a worker thread reads what the
    store knows beforehand, ``known``, and touches the store no more). Files that are
    articles moved outside reader (:mod:`reader.services.moves`) are listed with their notes, and
    their moves made (and put in ``moved``, to be told); when ``fresh`` is given, the moves
    found are put in ``moved`` for the caller to make.
    """
    files, problems = _walk(folder)
    total = len(files)
    if known is None:
        known = known_facts(store) if store is not None else ({}, {})
    cached, counts = known
    ready: list[LibraryEntry] = []
    unread: list[tuple[_Found, os.stat_result]] = []
    stats: list[tuple[_Found, os.stat_result]] = []
    for file in files:
        try:
            stats.append((file, file.path.stat()))
        except OSError as error:
            problems.append(f"{file.path}: {error.strerror or error}")
    # Copies made with their times (cp -p) look alike: none of them is taken for a move.
    twins = Counter((stat.st_size, stat.st_mtime_ns) for _file, stat in stats)
    finder = MoveFinder(cached, counts, {file.id for file in files}, twins)
    held: list[tuple[_Found, os.stat_result, ArticleInfo]] = []  # may be moved, by title

    def listed(file: _Found, stat: os.stat_result, info: ArticleInfo) -> LibraryEntry | None:
        """The file's entry, with what it had where it was when it moved here; None when
        it may be a move by its title alone (held back until every file is known)."""
        was = finder.match(file.id, str(file.path), info.title, stat.st_size, stat.st_mtime_ns)
        if was is None and finder.may_match_title(file.id, info.title):
            held.append((file, stat, info))
            return None
        doc = cached.get(was or file.id, (None, None))[0]
        return _entry(file, info, stat.st_mtime, doc, counts, was)

    for file, stat in stats:
        info = info_from(cached.get(file.id, (None, None))[1], stat.st_size, stat.st_mtime_ns)
        if info is None:
            unread.append((file, stat))
        elif not info.export and (entry := listed(file, stat, info)) is not None:
            # Known files are matched too: a database recovered from a backup may know one
            # under the name it had before it moved.
            ready.append(entry)
    done = total - len(unread)  # the cached ones
    yield ready, problems, done, total
    save = fresh is None
    fresh = {} if fresh is None else fresh
    for start in range(0, len(unread), batch):
        entries: list[LibraryEntry] = []
        trouble: list[str] = []
        for file, stat in unread[start : start + batch]:
            path, ident = file.path, file.id
            try:
                meta, words = describe_file(path)
            except (DocumentError, OSError) as error:
                trouble.append(str(error))
                continue
            info = ArticleInfo(meta.title, words, stat.st_size, stat.st_mtime_ns, meta.export)
            fresh[ident] = (path, info)
            if not info.export and (entry := listed(file, stat, info)) is not None:
                entries.append(entry)
        done += len(unread[start : start + batch])
        yield entries, trouble, done, total
    if held:
        found = [(f.id, str(f.path), info.title, info.words) for f, _, info in held]
        titled = finder.match_titles(found)
        entries = []
        for file, stat, info in held:
            was = titled.get(file.id)
            doc = cached.get(was or file.id, (None, None))[0]
            entries.append(_entry(file, info, stat.st_mtime, doc, counts, was))
        yield entries, [], done, total
    made = finder.moves
    if save and store is not None and made:
        made = {}
        with contextlib.suppress(StoreError):  # not made: the next scan finds them again
            followed = store.follow_moves(finder.moves, wait=CACHE_WAIT)
            made = {new: finder.moves[new] for new in followed}
    if moved is not None:
        moved.update(made)
    if save and store is not None and fresh:
        # A cache that cannot be saved only makes the next scan slower.
        with contextlib.suppress(StoreError):
            store.save_article_infos(fresh, wait=CACHE_WAIT)


def _entry(
    file: _Found,
    info: ArticleInfo,
    mtime: float,
    doc: Doc | None,
    counts: dict[str, tuple[int, int]],
    was: str | None = None,
) -> LibraryEntry:
    position = doc.get("position") if doc else None
    progress = None
    if isinstance(position, dict):
        with contextlib.suppress(TypeError, ValueError, KeyError):
            progress = float(position["progress"])
    opened = doc.get("opened") if doc else None
    highlights, notes = counts.get(was or file.id, (0, 0))
    return LibraryEntry(
        file.id,
        file.path,
        info.title,
        info.words,
        progress,
        highlights,
        notes,
        float(opened) if isinstance(opened, int | float) else None,
        mtime,
        file.folder,
    )


def _counts(store: Store) -> dict[str, tuple[int, int]]:
    """(highlights, notes) per article id; a note on the whole article counts as a note."""
    counts = dict(store.highlight_counts())
    for ident in store.article_notes():
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
