"""What the articles table keeps of each article: where the reader is in it, what is cached of
its file (title, word count), and the note on the article as a whole (with its tags and times).

Mixed into :class:`~reader.db.store.Store`, which provides the tables and the transactions.
Reading positions never wait long on another process: one that cannot have the lock
within :data:`POSITION_WAIT` (another window's save, an import's batch) is kept and written
with the next change, so moving and quitting are never held up by another reader.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.db.records import ArticleInfo, info_from, position_from
from reader.errors import BusyError
from reader.model import ArticleNote, ReadingPosition, now

POSITION_WAIT = 0.25
"""Seconds a reading position waits for another process's lock (an import's batch) before
it is kept, to be saved with the next change: moving and quitting never wait longer."""
CACHE_WAIT = 0.5
"""Seconds a library scan waits to save what it found (titles, word counts, moves): it
finds them again next time, so ``reader list`` is never held up longer by another process."""

Doc = dict[str, Any]


class ArticlesTable:
    """Reading positions, cached article facts and article notes (a part of
    :class:`~reader.db.store.Store`)."""

    read_only: bool
    # Reading positions that could not wait for another process's lock, by article id (the
    # fields to set): written with the next change that gets it.
    _unsaved_positions: dict[str, Doc]

    if TYPE_CHECKING:  # provided by Store

        def _transaction(
            self, wait: float | None = None
        ) -> contextlib.AbstractContextManager[None]: ...
        def _docs(self, name: str) -> dict[str, Doc]: ...
        def _article(self, article_id: str) -> Doc | None: ...
        def _set_article(self, article_id: str, fields: Doc) -> None: ...
        def _set_articles(self, changes: dict[str, Doc]) -> None: ...

    def position(self, article_id: str) -> ReadingPosition | None:
        """The saved reading position in an article."""
        doc = self._article(article_id)
        return position_from(doc) if doc else None

    def positions(self) -> dict[str, ReadingPosition]:
        """Every saved reading position, by article id."""
        result = {}
        for doc in self._docs("articles").values():
            position = position_from(doc)
            if position is not None and isinstance(doc.get("id"), str):
                result[doc["id"]] = position
        return result

    def opened_times(self) -> dict[str, float]:
        """When each article was last read (seconds since the epoch), by article id."""
        return {
            str(doc["id"]): float(doc["opened"])
            for doc in self._docs("articles").values()
            if "id" in doc and isinstance(doc.get("opened"), int | float)
        }

    def save_position(
        self,
        article_id: str,
        path: Path,
        fingerprint: str,
        position: ReadingPosition,
        *,
        wait: float = POSITION_WAIT,
    ) -> bool:
        """Remember where the reader is in an article; False when another process held the
        database for longer than ``wait`` seconds: the position is then kept, and written
        with the next change (see :attr:`unsaved_positions`)."""
        fields = {
            "path": os.path.abspath(path),
            "fingerprint": fingerprint,
            "position": {
                "block": position.block,
                "offset": position.offset,
                "progress": round(position.progress, 4),
            },
            "opened": time.time(),
        }
        if self._unsaved_positions:
            wait = 0.0  # the lock was held a moment ago: one try (quitting saves them all)
        self._unsaved_positions.pop(article_id, None)  # this one is newer
        try:
            with self._transaction(wait):
                self._set_article(article_id, fields)
        except BusyError:
            self._unsaved_positions[article_id] = fields
            return False
        return True

    @property
    def unsaved_positions(self) -> list[Path]:
        """The articles whose reading position is not saved yet (another process held the
        database when it was saved)."""
        return [Path(fields["path"]) for fields in self._unsaved_positions.values()]

    def save_unsaved(self, wait: float = 0.0) -> bool:
        """Write the reading positions not saved yet, if the lock is free within ``wait``
        seconds; whether none is left unsaved."""
        if self._unsaved_positions and not self.read_only:
            with contextlib.suppress(BusyError), self._transaction(wait):
                pass  # the transaction writes them
        return not self._unsaved_positions

    def article_infos(self) -> dict[str, tuple[Doc, Doc | None]]:
        """Every article document with its cached facts, by id (for the library's scan)."""
        return {
            doc["id"]: (doc, doc.get("info") if isinstance(doc.get("info"), dict) else None)
            for doc in self._docs("articles").values()
            if isinstance(doc.get("id"), str)
        }

    def article_info(self, article_id: str, size: int, mtime_ns: int) -> ArticleInfo | None:
        """Cached title and word count of an article file, if still valid."""
        doc = self._article(article_id)
        return info_from(doc.get("info") if doc else None, size, mtime_ns)

    def save_article_infos(
        self, infos: dict[str, tuple[Path, ArticleInfo]], *, wait: float | None = None
    ) -> None:
        """Cache several articles' titles and word counts in one write (waiting ``wait``
        seconds at most for another process's lock)."""
        if not infos or self.read_only:
            return
        changes = {
            article_id: {
                "path": os.path.abspath(path),  # as typed it means nothing elsewhere
                "info": {
                    "title": info.title,
                    "words": info.words,
                    "size": info.size,
                    "mtime_ns": info.mtime_ns,
                    **({"export": True} if info.export else {}),
                },
            }
            for article_id, (path, info) in infos.items()
        }
        with self._transaction(wait):
            self._set_articles(changes)

    def article_note(self, article_id: str) -> str:
        """The note on an article as a whole ("" when there is none)."""
        doc = self._article(article_id)
        return str(doc.get("note", "")) if doc else ""

    def article_note_modified(self, article_id: str) -> str:
        """When the note on an article as a whole was last changed ("" when unknown)."""
        doc = self._article(article_id)
        return str(doc.get("note_modified", "") or "") if doc else ""

    def article_note_record(self, article_id: str) -> ArticleNote:
        """The note on an article as a whole, with its tags and times (empty when none)."""
        doc = self._article(article_id)
        if not doc or not str(doc.get("note", "")):
            return ArticleNote()
        tags = doc.get("note_tags")
        return ArticleNote(
            str(doc.get("note", "")),
            str(doc.get("note_created", "") or ""),
            str(doc.get("note_modified", "") or ""),
            tuple(str(t) for t in tags) if isinstance(tags, list) else (),
        )

    def article_notes(self) -> dict[str, tuple[str, str]]:
        """Every note on a whole article, by article id: (note, when last changed)."""
        return {
            str(doc["id"]): (str(doc["note"]), str(doc.get("note_modified", "") or ""))
            for doc in self._docs("articles").values()
            if "id" in doc and str(doc.get("note", "")).strip()
        }

    def article_note_records(self) -> dict[str, ArticleNote]:
        """Every note on a whole article, with its tags and times, by article id."""
        return {ident: self.article_note_record(ident) for ident in self.article_notes()}

    def set_article_note(
        self,
        article_id: str,
        path: Path,
        note: str,
        *,
        tags: Iterable[str] | None = None,
        created: str = "",
        modified: str = "",
    ) -> None:
        """Write (or clear, with "") the note on an article as a whole; changed ``modified``
        (now by default), first written ``created`` (when it had no note: now by default),
        its ``tags`` as they were unless given."""
        stamp = modified or now()
        fields: Doc = {"path": os.path.abspath(path), "note": note, "note_modified": stamp}
        if tags is not None:
            fields["note_tags"] = list(tags)
        with self._transaction():
            doc = self._article(article_id) or {}
            if not note:
                fields.update(note_created="", note_tags=[])  # no note: nothing of it stays
            elif created or not str(doc.get("note", "")):
                fields["note_created"] = created or stamp
            self._set_article(article_id, fields)
