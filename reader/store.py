"""reader's tables: articles, reading positions, highlights, notes and links.

It hands out model objects, never TinyDB documents, and keeps them in one TinyDB file
through :class:`~reader.storage.AtomicJSONStorage` (atomic writes, a lock, re-reading,
backups, recovery files). This module says what a reader database is: a file with reader's
``meta`` table (anything else is refused, never migrated), at a schema this reader knows,
brought up to date by the migrations listed here. A file that does not parse, or was
written by a newer reader, is never written to. Only this module and :mod:`reader.storage`
import ``tinydb``.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB

from reader.model import Anchor, Colour, CrossLink, Highlight, LinkEnd, ReadingPosition, now
from reader.storage import (
    AtomicJSONStorage,
    DamagedError,
    Data,
    ForeignError,
    StoreError,
    is_database,
    read_json,
    recovery_files,
    sweep_temp_files,
)

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ArticleInfo",
    "DamagedError",
    "Data",
    "ForeignError",
    "ReadingPosition",
    "Store",
    "StoreError",
    "now",
    "open_store",
    "parse_database",
    "recovery_files",
    "schema_of",
]

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """Cached facts about an article file, valid while its size and mtime are unchanged."""

    title: str
    words: int
    size: int
    mtime_ns: int


def _migrate_to_1(data: Data) -> None:
    data.setdefault("articles", {})


# MIGRATIONS[n] turns a schema-n database into schema n+1 (schema 0 is an empty file).
MIGRATIONS: list[Callable[[Data], None]] = [_migrate_to_1]
assert len(MIGRATIONS) == SCHEMA_VERSION


def _fresh_database() -> Data:
    """An empty database of this schema: what a file deleted while reader runs begins again
    with (without its meta table, the next start would refuse it as not reader's)."""
    return {"meta": {"1": {"schema": SCHEMA_VERSION}}, "articles": {}}


def parse_database(path: Path) -> Data:
    """Read and check a database file, or raise :class:`StoreError` saying what is wrong.

    Only a zero-byte file is an empty database; anything else must be reader's own JSON,
    with reader's meta table (:class:`ForeignError` otherwise: another program's TinyDB
    file, a misplaced export, a format this reader does not know).
    """
    data = read_json(path)
    if data is None:
        return {}
    if isinstance(data, dict) and not _has_meta(data):
        raise ForeignError(f"{path} is not a reader database (it has no reader meta table)")
    if not is_database(data) or schema_of(data) is None:  # type: ignore[arg-type]
        raise DamagedError(f"{path} is damaged: it is not in the shape reader writes")
    return data  # type: ignore[return-value]


def _has_meta(data: dict[str, Any]) -> bool:
    """Whether ``data`` has reader's meta table, with a schema (valid or not)."""
    meta = data.get("meta")
    record = meta.get("1") if isinstance(meta, dict) else None
    return isinstance(record, dict) and "schema" in record


def schema_of(data: dict[str, Any]) -> int | None:
    """The schema version recorded in reader's meta table, or None when there is none."""
    meta = data.get("meta")
    record = meta.get("1") if isinstance(meta, dict) else None
    schema = record.get("schema") if isinstance(record, dict) else None
    if isinstance(schema, int) and not isinstance(schema, bool) and schema >= 0:
        return schema
    return None


class Store:
    """Reading positions, article facts, highlights and notes, in one TinyDB file."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.problem = ""
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                sweep_temp_files(self.path.parent, self.path.name)
            except OSError as error:
                self._go_read_only(f"cannot write to {self.path.parent}: {error.strerror}")
            else:
                # Found now, so the reader is told before making a highlight, not after.
                if not os.access(self.path.parent, os.W_OK | os.X_OK):
                    self._go_read_only(f"cannot write to {self.path.parent}")
                elif self.path.exists() and not os.access(self.path, os.W_OK):
                    # os.replace would write over it all the same: respect the chmod.
                    self._go_read_only(f"{self.path} is read-only")
        # Changes put aside in an earlier session, while this file was damaged: named
        # first, in every message at start, so that they are merged before anything else.
        self.pending_recovery = recovery_files(self.path)
        self._storage = AtomicJSONStorage(
            self.path, read_only=self.read_only, parse=parse_database, fresh=_fresh_database
        )
        self.backup = self._storage.backup
        self._db = TinyDB(storage=lambda: self._storage)
        try:
            data = self._storage.read() or {}
        except ForeignError as error:
            raise ForeignError(
                f"{error}. It was left as it is: give reader its own database with --db "
                "or READER_DB, or move that file away"
            ) from None
        except StoreError as error:
            raise type(error)(f"{self.recovery_hint()}{error}. {self._backup_hint()}") from None
        if not data and self.path.exists() and _holds_data(self.backup):
            # reader never writes an empty file (a new database holds its schema): this one
            # was cut short, and starting afresh over it would soon replace the backup too.
            raise DamagedError(f"{self.recovery_hint()}{self.path} is empty. {self._backup_hint()}")
        version = (schema_of(data) or 0) if data else 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer version of reader (schema {version}; "
                f"this one knows {SCHEMA_VERSION}). It was not changed; upgrade reader to use it."
            )
        if not self.read_only:
            self._storage.back_up(force=True)
            if version < SCHEMA_VERSION:
                self._migrate(version)

    def recovery_hint(self) -> str:
        """What to do first about changes put aside while the database was damaged ("" when
        there are none)."""
        if not self.pending_recovery:
            return ""
        files = ", ".join(str(p) for p in self.pending_recovery)
        return (
            f"Changes made while {self.path.name} was damaged are in {files}: run "
            f"`reader recover` to merge them into {self.path.name}. "
        )

    @property
    def recovered(self) -> list[Path]:
        """Recovery files written in this session, while the database was damaged."""
        return list(self._storage.recovered)

    def _backup_hint(self) -> str:
        """What to do about a database that cannot be used: restore the backup, or move it."""
        if self.backup.exists():
            return (
                f"It was left as it is. The last good copy is {self.backup}: "
                f"copy it over {self.path.name} to go back to it"
            )
        return (
            "It was left as it is, and there is no backup: repair it, "
            "or move it away to start a new database"
        )

    @classmethod
    def memory(cls) -> Store:
        """A store kept in a temporary file that nobody else uses (for tests)."""
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="reader-store-"))
        return cls(folder / "reader.json")

    def _go_read_only(self, why: str) -> None:
        self.read_only = True
        self.problem = f"{why}; reader is running read-only and will not save changes"

    def _migrate(self, version: int) -> None:
        with self._transaction():
            data = self._storage.read() or {}
            for step in MIGRATIONS[version:]:
                step(data)
            data.setdefault("meta", {})["1"] = {"schema": SCHEMA_VERSION}
            self._storage.forget_serialised()
            self._storage.write(data)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        if self.read_only:
            raise StoreError(self.problem or f"{self.path} is open read-only")
        with self._storage.locked():
            # The file was read again under the lock: make TinyDB forget the next id it
            # cached, another reader may have used it.
            for table in self._db.tables():
                self._db.table(table)._next_id = None
            yield
            if self._storage.damage:
                # The change went to a recovery file, not to the database: say so.
                raise StoreError(self._storage.damage_report())
        self._storage.back_up()

    def _table(self, name: str):
        return self._db.table(name, cache_size=0)

    # --- reading positions and article facts ------------------------------------------

    def position(self, article_id: str) -> ReadingPosition | None:
        """The saved reading position in an article."""
        doc = self._table("articles").get(Query().id == article_id)
        return _position_from(doc) if doc else None

    def positions(self) -> dict[str, ReadingPosition]:
        """Every saved reading position, by article id."""
        result = {}
        for doc in self._table("articles").all():
            position = _position_from(doc)
            if position is not None and isinstance(doc.get("id"), str):
                result[doc["id"]] = position
        return result

    def opened_times(self) -> dict[str, float]:
        """When each article was last read (seconds since the epoch), by article id."""
        return {
            str(doc["id"]): float(doc["opened"])
            for doc in self._table("articles").all()
            if "id" in doc and isinstance(doc.get("opened"), int | float)
        }

    def save_position(
        self, article_id: str, path: Path, fingerprint: str, position: ReadingPosition
    ) -> None:
        """Remember where the reader is in an article."""
        fields = {
            "id": article_id,
            "path": str(path),
            "fingerprint": fingerprint,
            "position": {
                "block": position.block,
                "offset": position.offset,
                "progress": round(position.progress, 4),
            },
            "opened": time.time(),
        }
        with self._transaction():
            self._table("articles").upsert(fields, Query().id == article_id)

    def article_info(self, article_id: str, size: int, mtime_ns: int) -> ArticleInfo | None:
        """Cached title and word count of an article file, if still valid."""
        doc = self._table("articles").get(Query().id == article_id)
        info = doc.get("info") if doc else None
        try:
            if info["size"] != size or info["mtime_ns"] != mtime_ns:
                return None
            return ArticleInfo(str(info["title"]), int(info["words"]), size, mtime_ns)
        except (KeyError, TypeError, ValueError):
            return None  # none cached, or a damaged entry: the article is read again

    def save_article_infos(self, infos: dict[str, tuple[Path, ArticleInfo]]) -> None:
        """Cache several articles' titles and word counts in one write."""
        if not infos or self.read_only:
            return
        with self._transaction():
            table = self._table("articles")
            for article_id, (path, info) in infos.items():
                table.upsert(
                    {
                        "id": article_id,
                        "path": str(path),
                        "info": {
                            "title": info.title,
                            "words": info.words,
                            "size": info.size,
                            "mtime_ns": info.mtime_ns,
                        },
                    },
                    Query().id == article_id,
                )

    # --- highlights ---------------------------------------------------------------------

    # Highlights live in one table per article ("highlights/<article id>"): adding one then
    # rewrites only that article's table, however many thousands the others hold.
    HIGHLIGHTS = "highlights/"

    def _highlights(self, article_id: str):
        return self._table(self.HIGHLIGHTS + article_id)

    def highlights(self, article_id: str) -> list[Highlight]:
        """Every highlight of an article (in no particular order)."""
        result = []
        for doc in self._highlights(article_id).all():
            highlight = _highlight_from(doc, article_id)
            if highlight is not None:
                result.append(highlight)
        return result

    def save_highlight(self, highlight: Highlight) -> None:
        """Add a highlight, or replace the one with the same id."""
        with self._transaction():
            self._highlights(highlight.article_id).upsert(
                _highlight_doc(highlight), Query().id == highlight.id
            )

    def save_highlights(self, highlights: list[Highlight]) -> None:
        """Replace several highlights of one article in a single write."""
        if not highlights:
            return
        by_id = {h.id: _highlight_doc(h) for h in highlights}
        article_id = highlights[0].article_id
        with self._transaction():
            table = self._highlights(article_id)

            def replace(docs: dict) -> None:
                for doc_id, doc in list(docs.items()):
                    new = by_id.pop(doc.get("id"), None)
                    if new is not None:
                        docs[doc_id] = new
                next_id = max(docs, default=0) + 1
                for offset, doc in enumerate(by_id.values()):
                    docs[next_id + offset] = doc

            table._update_table(replace)

    def delete_highlight(self, article_id: str, highlight_id: str) -> bool:
        """Delete a highlight; False when there was none with that id."""
        with self._transaction():
            removed = self._highlights(article_id).remove(Query().id == highlight_id)
        return bool(removed)

    def all_highlights(self) -> Iterator[Highlight]:
        """Every highlight of every article (the notes screen's and ``reader notes``'s)."""
        # The tables as read, not TinyDB's copy of each document: 50,000 copies were a
        # sixth of the time. Lists first: another thread may save meanwhile.
        for name, docs in list((self._storage.read() or {}).items()):
            if name.startswith(self.HIGHLIGHTS) and isinstance(docs, dict):
                for doc in list(docs.values()):
                    highlight = _highlight_from(doc, name[len(self.HIGHLIGHTS) :])
                    if highlight is not None:
                        yield highlight

    def known_articles(self) -> dict[str, tuple[Path, str]]:
        """Every article the database knows, by id: its file and title (as last scanned;
        the title is "" for one never listed in a library)."""
        found: dict[str, tuple[Path, str]] = {}
        for doc in self._table("articles").all():
            if not isinstance(doc.get("id"), str) or not isinstance(doc.get("path"), str):
                continue
            info = doc.get("info")
            title = str(info.get("title", "")) if isinstance(info, dict) else ""
            found[doc["id"]] = (Path(doc["path"]), title)
        return found

    def highlight_counts(self) -> dict[str, tuple[int, int]]:
        """(highlights, notes) per article id."""
        counts = {}
        for name in self._db.tables():
            if name.startswith(self.HIGHLIGHTS):
                docs = self._db.table(name, cache_size=0).all()
                notes = sum(1 for doc in docs if str(doc.get("note", "")).strip())
                counts[name[len(self.HIGHLIGHTS) :]] = (len(docs), notes)
        return counts

    def all_tags(self) -> list[str]:
        """Every tag in use, the most used first."""
        seen: dict[str, int] = {}
        for name in self._db.tables():
            if name.startswith(self.HIGHLIGHTS):
                for doc in self._db.table(name, cache_size=0).all():
                    tags = doc.get("tags")
                    for tag in tags if isinstance(tags, list) else ():
                        if isinstance(tag, str):
                            seen[tag] = seen.get(tag, 0) + 1
        return sorted(seen, key=lambda tag: (-seen[tag], tag.casefold()))

    def article_note(self, article_id: str) -> str:
        """The note on an article as a whole ("" when there is none)."""
        doc = self._table("articles").get(Query().id == article_id)
        return str(doc.get("note", "")) if doc else ""

    def article_note_modified(self, article_id: str) -> str:
        """When the note on an article as a whole was last changed ("" when unknown)."""
        doc = self._table("articles").get(Query().id == article_id)
        return str(doc.get("note_modified", "") or "") if doc else ""

    def noted_articles(self) -> list[str]:
        """Ids of the articles that have a note on the whole article."""
        return [
            str(doc["id"])
            for doc in self._table("articles").all()
            if "id" in doc and str(doc.get("note", "")).strip()
        ]

    def article_notes(self) -> dict[str, tuple[str, str]]:
        """Every note on a whole article, by article id: (note, when last changed)."""
        return {
            str(doc["id"]): (str(doc["note"]), str(doc.get("note_modified", "") or ""))
            for doc in self._table("articles").all()
            if "id" in doc and str(doc.get("note", "")).strip()
        }

    def set_article_note(self, article_id: str, path: Path, note: str) -> None:
        """Write (or clear, with "") the note on an article as a whole."""
        with self._transaction():
            self._table("articles").upsert(
                {"id": article_id, "path": str(path), "note": note, "note_modified": now()},
                Query().id == article_id,
            )

    # --- cross-links --------------------------------------------------------------------

    def links_of(self, article_id: str) -> list[CrossLink]:
        """Every cross-link with an end in this article."""
        result = []
        for doc in self._table("links").all():
            link = _link_from(doc)
            if link is not None and article_id in (link.source.article_id, link.target.article_id):
                result.append(link)
        return result

    def all_links(self) -> list[CrossLink]:
        """Every cross-link."""
        return [link for doc in self._table("links").all() if (link := _link_from(doc))]

    def save_link(self, link: CrossLink) -> None:
        """Add a cross-link, or replace the one with the same id."""
        with self._transaction():
            self._table("links").upsert(_link_doc(link), Query().id == link.id)

    def delete_link(self, link_id: str) -> bool:
        """Delete a cross-link; False when there was none with that id."""
        with self._transaction():
            return bool(self._table("links").remove(Query().id == link_id))

    def close(self) -> None:
        """Release the database."""
        self._db.close()


def _holds_data(path: Path) -> bool:
    """Whether ``path`` is a readable, non-empty database."""
    try:
        return bool(parse_database(path))
    except StoreError:
        return False


def _position_from(doc: dict[str, Any]) -> ReadingPosition | None:
    """The reading position in an article's document, or None (none saved, or damaged)."""
    try:
        pos = doc["position"]
        return ReadingPosition(int(pos["block"]), int(pos["offset"]), float(pos["progress"]))
    except (KeyError, TypeError, ValueError):
        return None


def _highlight_doc(highlight: Highlight) -> dict[str, Any]:
    anchor = highlight.anchor
    return {
        "id": highlight.id,
        "article": highlight.article_id,
        "anchor": _anchor_doc(anchor),
        "colour": highlight.colour.value,
        "tags": list(highlight.tags),
        "note": highlight.note,
        "created": highlight.created,
        "modified": highlight.modified,
        **({"original": _anchor_doc(highlight.original)} if highlight.original else {}),
        **({"canonical": highlight.canonical} if highlight.canonical else {}),
    }


def _highlight_from(doc: dict[str, Any], article_id: str) -> Highlight | None:
    """A highlight from its document, or None if the document is not one (kept on disk)."""
    try:
        anchor = _anchor_from(doc["anchor"])
        colour = doc.get("colour", Colour.YELLOW.value)
        return Highlight(
            id=str(doc["id"]),
            article_id=str(doc.get("article", article_id)),
            anchor=anchor,
            colour=Colour._value2member_map_.get(colour, Colour.YELLOW),
            tags=tuple(map(str, doc.get("tags") or ())),
            note=str(doc.get("note", "")),
            created=str(doc.get("created", "")),
            modified=str(doc.get("modified", "")),
            original=_original_from(doc.get("original")),
            canonical=str(doc.get("canonical", "") or ""),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _original_from(raw: object) -> Anchor | None:
    """The anchor as first made, or None (none kept, or damaged: the highlight stays)."""
    try:
        return _anchor_from(raw) if isinstance(raw, dict) else None
    except (KeyError, TypeError, ValueError):
        return None


def _anchor_doc(anchor: Anchor) -> dict[str, Any]:
    return {
        "start": anchor.start,
        "end": anchor.end,
        "exact": anchor.exact,
        "prefix": anchor.prefix,
        "suffix": anchor.suffix,
        "block": anchor.block,
        "fingerprint": anchor.fingerprint,
    }


def _anchor_from(raw: dict[str, Any]) -> Anchor:
    return Anchor(
        start=int(raw["start"]),
        end=int(raw["end"]),
        exact=str(raw["exact"]),
        prefix=str(raw.get("prefix", "")),
        suffix=str(raw.get("suffix", "")),
        block=int(raw.get("block", 0)),
        fingerprint=str(raw.get("fingerprint", "")),
    )


def _end_doc(end: LinkEnd) -> dict[str, Any]:
    return {
        "article": end.article_id,
        "path": end.path,
        "title": end.title,
        "anchor": _anchor_doc(end.anchor),
    }


def _end_from(doc: dict[str, Any]) -> LinkEnd:
    return LinkEnd(
        article_id=str(doc["article"]),
        path=str(doc.get("path", "")),
        title=str(doc.get("title", "")),
        anchor=_anchor_from(doc["anchor"]),
    )


def _link_doc(link: CrossLink) -> dict[str, Any]:
    return {
        "id": link.id,
        "source": _end_doc(link.source),
        "target": _end_doc(link.target),
        "label": link.label,
        "created": link.created,
    }


def _link_from(doc: dict[str, Any]) -> CrossLink | None:
    """A cross-link from its document, or None if it is not one (kept on disk)."""
    try:
        return CrossLink(
            id=str(doc["id"]),
            source=_end_from(doc["source"]),
            target=_end_from(doc["target"]),
            label=str(doc.get("label", "")),
            created=str(doc.get("created", "")),
        )
    except (KeyError, TypeError, ValueError):
        return None


def open_store(path: Path) -> Store:
    """Open the store at ``path``; a damaged or newer file opens nothing and raises."""
    return Store(path)
