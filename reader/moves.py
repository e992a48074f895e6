"""Articles moved or renamed outside reader keep their notes.

An article's id comes from its file's path, so a file moved (``mv``, a vault reorganised in
Obsidian, a sync tool) is a new article to the database, and the old one's highlights,
notes, reading position and links would stay behind under an id nothing opens. A library
scan finds such files: a file new to the database (nothing of the reader's under its id)
is the article of an id whose file is gone when both have the same size, modification time
and title (``mv`` keeps all three), or else when they are the only two with that title (a
file renamed and edited). Everything of the old id then moves to the new one, in one write,
and the user is told. Highlights whose text was edited re-attach, or become orphans, as for
any edited article: nothing is dropped.

Never imports Textual.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.layout import visible
from reader.schema import HIGHLIGHTS, summary_of

if TYPE_CHECKING:
    from reader.store import Store

Doc = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Move:
    """An article whose file was found elsewhere: its old id and both paths."""

    old_id: str
    old_path: str
    path: str

    def describe(self, folder: str | os.PathLike[str] | None = None) -> str:
        """One line for the user: what moved where (paths in ``folder`` said from there)."""
        old, new = _within(self.old_path, folder), _within(self.path, folder)
        return f"{old} moved to {new}; its notes went with it"


def report(made: list[str], moves: dict[str, Move], folder: Path | None = None) -> str:
    """What the user is told of the moves ``made`` (new ids): a line each, up to three."""
    lines = [visible(moves[new].describe(folder)) for new in made[:3]]
    if len(made) > 3:
        lines.append(f"and {len(made) - 3} more")
    return "\n".join(lines)


def _within(path: str, folder: str | os.PathLike[str] | None) -> str:
    if folder is not None:
        top = os.path.join(os.fspath(folder), "")
        if path.startswith(top):
            return path[len(top) :]
    return path


@dataclass(slots=True)
class _Gone:
    id: str
    path: str
    title: str
    size: int
    mtime_ns: int


class MoveFinder:
    """Matches files new to the database with articles whose files are gone.

    ``cached`` and ``counts`` are what the store knew before the scan
    (:func:`reader.library.known_facts`); the candidates are found on the first file that
    could be one, so a scan that finds no new file costs nothing more.
    """

    def __init__(
        self, cached: dict[str, tuple[Doc, Doc | None]], counts: dict[str, tuple[int, int]]
    ) -> None:
        self._cached = cached
        self._counts = counts
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
                if not isinstance(path, str) or not _has_reader_data(doc, self._counts, ident):
                    continue
                if os.path.lexists(path):
                    continue
                info = info if isinstance(info, dict) else {}
                title = str(info.get("title", ""))
                gone = _Gone(
                    ident, path, title, _number(info.get("size")), _number(info.get("mtime_ns"))
                )
                self._by_facts.setdefault((gone.size, gone.mtime_ns, title), []).append(gone)
                if title:
                    self._by_title.setdefault(title, []).append(gone)
        return bool(self._by_facts)

    def match(self, ident: str, path: str, title: str, size: int, mtime_ns: int) -> str | None:
        """The id whose article the file at ``path`` (with id ``ident``) is, if it is one
        that moved; remembered in :attr:`moves`. Each match is a lookup, not a search: a
        whole library moved is thousands of new files and thousands gone."""
        doc = self._cached.get(ident, (None, None))[0]
        if doc is not None and _has_reader_data(doc, self._counts, ident):
            return None  # the file's own notes: not a stranger's
        if not self._candidates():
            return None
        assert self._by_facts is not None and self._by_title is not None
        same = self._by_facts.get((size, mtime_ns, title), [])
        titled = self._by_title.get(title, []) if title else []
        found = same[0] if len(same) == 1 else titled[0] if len(titled) == 1 else None
        if found is None:
            return None
        self._by_facts[(found.size, found.mtime_ns, found.title)].remove(found)
        if found.title:
            self._by_title[found.title].remove(found)
        self.moves[ident] = Move(found.id, found.path, path)
        return found.id


def move_of(store: Store, ident: str, path: Path, title: str) -> dict[str, Move]:
    """The move that brought the article at ``path`` (id ``ident``) there, if it is one:
    for an article opened on its own, where no library scan looks (``reader FILE``). Costs
    nothing for an article with notes of its own; else one pass over the articles table."""
    if store.highlights(ident) or store.article_note(ident) or store.position(ident):
        return {}
    try:
        stat = path.stat()
    except OSError:
        return {}
    counts = dict(store.highlight_counts())
    for noted in store.article_notes():
        counts[noted] = (counts.get(noted, (0, 0))[0], 1)
    finder = MoveFinder(store.article_infos(), counts)
    finder.match(ident, str(path), title, stat.st_size, stat.st_mtime_ns)
    return finder.moves


def _has_reader_data(doc: Doc, counts: dict[str, tuple[int, int]], ident: str) -> bool:
    """Whether an article holds something of the reader's: highlights, a note, a position."""
    highlights, notes = counts.get(ident, (0, 0))
    return bool(highlights or notes or doc.get("position") or str(doc.get("note", "")).strip())


def _number(value: object) -> int:
    return value if isinstance(value, int) else -1


def move_tables(data: Any, moves: dict[str, Move]) -> list[str]:
    """Give each moved article's documents, highlights and link ends to its new id, in
    ``data`` (a database's tables); the new ids whose moves were made.

    Checked again here, under the store's lock: a move whose old article is no longer there,
    whose file came back, or whose new id has meanwhile got notes of its own is not made.
    Changed tables are new dicts, so the storage writes them afresh.
    """
    articles: dict[str, Doc] = dict(data.get("articles", {}))
    keys = {doc.get("id"): key for key, doc in articles.items() if isinstance(doc, dict)}
    made: dict[str, Move] = {}
    for new_id, move in moves.items():
        old_key = keys.get(move.old_id)
        if old_key is None or os.path.lexists(move.old_path) or new_id == move.old_id:
            continue
        new_key = keys.get(new_id)
        new_doc = articles.get(new_key, {}) if new_key is not None else {}
        if str(new_doc.get("note", "")).strip() or data.get(HIGHLIGHTS + new_id):
            continue
        highlights = data.pop(HIGHLIGHTS + move.old_id, None)
        doc = {**articles.pop(old_key), **new_doc, "id": new_id, "path": move.path}
        if new_key is not None:
            del articles[new_key]
        if highlights is not None:
            data[HIGHLIGHTS + new_id] = {
                key: {**h, "article": new_id} if "article" in h else h
                for key, h in highlights.items()
            }
            doc["summary"] = summary_of(data[HIGHLIGHTS + new_id])
        articles[old_key] = doc
        keys[new_id] = old_key
        made[new_id] = move
    if not made:
        return []
    data["articles"] = articles
    old_ids = {move.old_id: (new_id, move.path) for new_id, move in made.items()}
    links = data.get("links")
    if links:
        data["links"] = {key: _moved_link(doc, old_ids) for key, doc in links.items()}
    return list(made)


def _moved_link(doc: Doc, old_ids: dict[str, tuple[str, str]]) -> Doc:
    changed = dict(doc)
    for side in ("source", "target"):
        end = doc.get(side)
        if isinstance(end, dict) and end.get("article") in old_ids:
            new_id, path = old_ids[end["article"]]
            changed[side] = {**end, "article": new_id, "path": path}
    return changed
