"""The library: a folder of articles, with titles, word counts and reading progress.

Never imports Textual. Titles and word counts are cached in the store by file size and
modification time, so listing a library of books does not re-read them every time.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from reader.documents import DocumentError, article_id, describe, is_article_file
from reader.store import ArticleInfo, Store, StoreError


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


@dataclass(frozen=True, slots=True)
class Library:
    """The articles of a folder, and the files that could not be read."""

    folder: Path
    entries: list[LibraryEntry]
    problems: list[str]


def article_files(folder: Path) -> list[Path]:
    """Article files directly in ``folder``, sorted by name."""
    try:
        return sorted(p for p in folder.iterdir() if p.is_file() and is_article_file(p))
    except FileNotFoundError:
        raise DocumentError(f"{folder}: no such folder") from None
    except NotADirectoryError:
        raise DocumentError(f"{folder} is not a folder") from None
    except PermissionError:
        raise DocumentError(f"{folder}: permission denied") from None


def scan(folder: Path, store: Store | None = None) -> Library:
    """Read the library in ``folder`` (titles and word counts cached in ``store``)."""
    entries: list[LibraryEntry] = []
    problems: list[str] = []
    fresh: dict[str, tuple[Path, ArticleInfo]] = {}
    positions = store.positions() if store else {}
    opened = store.opened_times() if store else {}
    counts = _counts(store) if store else {}
    for path in article_files(folder):
        ident = article_id(path)
        try:
            stat = path.stat()
            info = store.article_info(ident, stat.st_size, stat.st_mtime_ns) if store else None
            if info is None:
                meta, words = describe(path)
                info = ArticleInfo(meta.title, words, stat.st_size, stat.st_mtime_ns)
                fresh[ident] = (path, info)
        except (DocumentError, OSError) as error:
            problems.append(str(error))
            continue
        position = positions.get(ident)
        progress = position.progress if position else None
        highlights, notes = counts.get(ident, (0, 0))
        entries.append(
            LibraryEntry(
                ident,
                path,
                info.title,
                info.words,
                progress,
                highlights,
                notes,
                opened.get(ident),
                stat.st_mtime,
            )
        )
    if store is not None and fresh:
        # A cache that cannot be saved only makes the next scan slower.
        with contextlib.suppress(StoreError):
            store.save_article_infos(fresh)
    return Library(folder, entries, problems)


def _counts(store: Store) -> dict[str, tuple[int, int]]:
    """(highlights, notes) per article id; a note on the whole article counts as a note."""
    counts = dict(store.highlight_counts())
    for ident in store.noted_articles():
        highlights, notes = counts.get(ident, (0, 0))
        counts[ident] = (highlights, notes + 1)
    return counts
