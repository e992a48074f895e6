"""Articles moved or renamed outside reader keep their notes.

An article's id comes from its file's path, so a file moved (``mv``, a vault reorganised in
Obsidian, a sync tool) is a new article to the database, and the old one's highlights,
notes, reading position and links would stay behind under an id nothing opens. A library
scan finds such files: a file new to the database (nothing of the reader's under its id)
is the article of an id whose file is gone when both have the same size, modification time
and title (``mv`` keeps all three), or else, in a library scan, when they are the only new
file and the only gone article with that title (a file renamed and edited). Everything of
the old id then moves to the new one, in one write, and the user is told. Highlights whose
text was edited re-attach, or become orphans, as for any edited article: nothing is dropped.
Paths saved as typed (relative, by older versions) are never taken for gone.

What a move does to the database (:func:`reader.db.moves.move_tables`) is the store's;
here is how moves are found (:class:`MoveFinder`) and told (:func:`report`).

Never imports Textual.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.db.moves import Move, former_ids
from reader.text.display import visible

Doc = dict[str, Any]


def report(moves: Sequence[Move], folder: Path | None = None, shown: int = 3) -> list[str]:
    """What the user is told of ``moves``: a line each, up to ``shown``, then how many more
    (the app and the command line say the same)."""
    lines = [visible(move.describe(folder)) for move in moves[:shown]]
    if len(moves) > shown:
        more = len(moves) - shown
        lines.append(f"and {more:,} more moved articles; their notes went with them")
    return lines


def shared_folder(moves: Sequence[Move]) -> Path | None:
    """The folder every path of ``moves`` is in (None: only the root, or no moves), for
    saying them short where space is scarce (a toast)."""
    paths = [path for move in moves for path in (move.old_path, move.path)]
    if not paths:
        return None
    try:
        shared = os.path.commonpath(paths)
    except ValueError:  # relative and absolute, or on different drives
        return None
    return Path(shared) if os.path.dirname(shared) != shared else None


@dataclass(slots=True)
class _Gone:
    id: str
    path: str
    title: str
    size: int
    mtime_ns: int
    words: int


class MoveFinder:
    """Matches files new to the database with articles whose files are gone.

    ``cached`` and ``counts`` are what the store knew before the scan
    (:func:`reader.services.library.known_facts`), ``present`` the ids of the files the scan found;
    the candidates are looked for on the first file that could be one, and only articles
    with notes that are not among the files found are looked at on disk.
    """

    def __init__(
        self,
        cached: dict[str, tuple[Doc, Doc | None]],
        counts: dict[str, tuple[int, int]],
        present: set[str] | frozenset[str] = frozenset(),
        twins: Mapping[tuple[int, int], int] | None = None,
    ) -> None:
        self._cached = cached
        self._counts = counts
        self._present = present  # ids of files found where they are: not gone
        self._twins = twins or {}  # files by (size, mtime): copies look alike
        self._titles: dict[str, int] = {}  # files holding nothing, by title
        # The articles whose files are gone, by (size, mtime, title) and by title.
        self._by_facts: dict[tuple[int, int, str], list[_Gone]] | None = None
        self._by_title: dict[str, list[_Gone]] | None = None
        self.moves: dict[str, Move] = {}

    def _candidates(self) -> bool:
        """Index the articles whose files are gone (once); whether there are any."""
        if self._by_facts is None:
            self._by_facts, self._by_title = {}, {}
            for ident, (doc, info) in self._cached.items():
                path = doc.get("path")
                if ident in self._present or not isinstance(path, str):
                    continue
                if not _has_reader_data(doc, self._counts, ident):
                    continue
                if not os.path.isabs(path) or os.path.lexists(path):
                    continue  # there; or saved as typed (older versions): where, unknown
                info = info if isinstance(info, dict) else {}
                title = str(info.get("title", ""))
                facts = (_number(info.get(key)) for key in ("size", "mtime_ns", "words"))
                gone = _Gone(ident, path, title, *facts)
                self._by_facts.setdefault((gone.size, gone.mtime_ns, title), []).append(gone)
                if title:
                    self._by_title.setdefault(title, []).append(gone)
        return bool(self._by_facts)

    def _own(self, ident: str) -> bool:
        """Whether the file's id holds notes of its own (then it is not a stranger's)."""
        doc = self._cached.get(ident, (None, None))[0]
        return doc is not None and _has_reader_data(doc, self._counts, ident)

    def _claim(self, found: _Gone, ident: str, path: str) -> str:
        assert self._by_facts is not None and self._by_title is not None
        self._by_facts[(found.size, found.mtime_ns, found.title)].remove(found)
        if found.title:
            self._by_title[found.title].remove(found)
        self.moves[ident] = Move(found.id, found.path, path)
        return found.id

    def match(self, ident: str, path: str, title: str, size: int, mtime_ns: int) -> str | None:
        """The id whose article the file at ``path`` (with id ``ident``) is, when exactly one
        gone article has its size, modification time and title (``mv`` keeps all three);
        remembered in :attr:`moves`. A lookup, not a search: a whole library moved is
        thousands of new files and thousands gone."""
        if self._own(ident) or self._twins.get((size, mtime_ns), 1) > 1:
            return None
        if not self._candidates():
            return None
        assert self._by_facts is not None
        same = self._by_facts.get((size, mtime_ns, title), [])
        return self._claim(same[0], ident, path) if len(same) == 1 else None

    def may_match_title(self, ident: str, title: str) -> bool:
        """Whether a file that :meth:`match` did not place could be a gone article by its
        title alone: it is then held back until every file of the scan is known. Every
        file holding nothing is to be passed here (its title is counted)."""
        if not title or self._own(ident):
            return False
        self._titles[title] = self._titles.get(title, 0) + 1
        if not self._candidates():
            return False
        assert self._by_title is not None
        return bool(self._by_title.get(title))

    def match_titles(self, files: list[tuple[str, str, str, int]]) -> dict[str, str]:
        """New id -> old id, for the ``files`` (id, path, title, words) that are the only
        file holding nothing and the only gone article of their title, of about the same
        length (a file renamed and edited, not another article of that title); never a
        guess between two."""
        assert self._by_title is not None
        by_title: dict[str, list[tuple[str, str, int]]] = {}
        for ident, path, title, words in files:
            by_title.setdefault(title, []).append((ident, path, words))
        found: dict[str, str] = {}
        for title, new in by_title.items():
            gone = self._by_title.get(title, [])
            alone = len(new) == 1 and self._titles.get(title) == 1
            if alone and len(gone) == 1 and _about(new[0][2], gone[0].words):
                found[new[0][0]] = self._claim(gone[0], new[0][0], new[0][1])
        return found


def _has_reader_data(doc: Doc, counts: dict[str, tuple[int, int]], ident: str) -> bool:
    """Whether an article holds something of the reader's: highlights, a note, a position."""
    highlights, notes = counts.get(ident, (0, 0))
    return bool(highlights or notes or doc.get("position") or str(doc.get("note", "")).strip())


def _about(words: int, was: int) -> bool:
    """Whether an edit could have taken an article of ``was`` words to ``words``: a fifth
    more or less (at least 20 words either way)."""
    return was >= 0 and abs(words - was) <= max(20, was // 5)


def _number(value: object) -> int:
    return value if isinstance(value, int) else -1


__all__ = ["Move", "MoveFinder", "former_ids", "report"]
