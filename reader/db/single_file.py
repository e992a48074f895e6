"""reader's tables: articles, reading positions, highlights, notes and links.

It hands out model objects (:mod:`reader.db.records` converts), never TinyDB documents, and
keeps them in one TinyDB file through :class:`~reader.db.storage.AtomicJSONStorage` (atomic
writes, a lock, re-reading, backups, recovery files); :mod:`reader.db.schema` says what a
reader database is. Lookups by article id go through an index, so a library of thousands
costs no more per article than a library of two; a change is one write however many
documents it touches (:meth:`Store.batch` makes many changes one write); a file of years
of notes is read table by table, as each is needed; and every table of it is checked once
before anything is written over it. Only this module and :mod:`reader.db.storage` import
``tinydb``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from reader.atomic import sweep_temp_files
from reader.db.articles_table import POSITION_WAIT, ArticlesTable
from reader.db.moves import Move, move_tables
from reader.db.records import (
    ArticleInfo,
    highlight_doc,
    highlight_from,
    link_doc,
    link_from,
    merged_doc,
)
from reader.db.schema import (
    HIGHLIGHTS,
    MIGRATIONS,
    SCHEMA_VERSION,
    fresh_database,
    holds_data,
    parse_database,
    schema_of,
    summary_of,
)
from reader.db.storage import (
    AtomicJSONStorage,
    BusyError,
    DamagedError,
    Data,
    ForeignError,
    StoreError,
    database_file,
    recovery_files,
)
from reader.model import CrossLink, Highlight, ReadingPosition, now

__all__ = [
    "MIGRATIONS",
    "POSITION_WAIT",
    "SCHEMA_VERSION",
    "ArticleInfo",
    "BusyError",
    "DamagedError",
    "Data",
    "ForeignError",
    "ReadingPosition",
    "SingleFileStore",
    "StoreError",
    "now",
    "parse_database",
    "recovery_files",
    "schema_of",
]

CHECK_AT_OPEN = 1_000_000
"""A database up to this size (bytes) is checked and backed up as it opens; a bigger one
after the app's first paint, in the background, and in any case before the first write."""

Doc = dict[str, Any]


class SingleFileStore(ArticlesTable):
    """Reading positions, article facts, highlights and notes, in one TinyDB file."""

    HIGHLIGHTS = HIGHLIGHTS

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = database_file(Path(path))  # a link: the file it leads to, if any
        self.read_only = read_only
        self.problem = ""
        # Told, instead of a StoreError, of a change written to this recovery file because
        # another program damaged the database meanwhile (the app sets it).
        self.on_aside: Callable[[Path], None] | None = None
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
        self._storage = AtomicJSONStorage(
            self.path,
            read_only=self.read_only,
            parse=functools.partial(parse_database, whole=False),
            check=parse_database,
        )
        self.backup = self._storage.backup
        self._db = TinyDB(storage=lambda: self._storage)
        # (the articles table it was made from, article id -> key); the table is kept, so
        # that a new one is never taken for it.
        self._index: tuple[dict[str, Doc], dict[str, str]] | None = None
        self._nesting = 0  # transactions within a transaction (a batch) join it
        # One thread's transaction at a time, and no thread's read in the middle of one.
        self._one_thread = threading.RLock()
        self._unsummarised: set[str] = set()  # articles whose summary the transaction owes
        self._unsaved_positions: dict[str, Doc] = {}  # see ArticlesTable.save_position
        # Each article's highlight ids, valid while its table is the very same dict.
        self._ids: dict[str, tuple[dict[str, Doc], set[str]]] = {}
        # Notes put aside in an earlier session (or just now: the backup of a database found
        # missing): named first, in every message at start, so that they are merged first.
        self.pending_recovery = recovery_files(self.path)
        try:
            data = self._storage.read() or {}
            version = (schema_of(data) or 0) if data else 0
        except ForeignError as error:
            raise ForeignError(
                f"{error}. It was left as it is: give reader its own database with --db "
                "or READER_DB, or move that file away"
            ) from None
        except StoreError as error:
            raise type(error)(
                f"{self.recovery_hint()}{error}. {_backup_hint(self.backup)}"
            ) from None
        if self._storage.kept:
            self.pending_recovery = recovery_files(self.path)
        if not data and self.path.exists() and holds_data(self.backup):
            # reader never writes an empty file (a new database holds its schema): this one
            # was cut short, and starting afresh over it would soon replace the backup too.
            raise DamagedError(
                f"{self.recovery_hint()}{self.path} is empty. {_backup_hint(self.backup)}"
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer version of reader (schema {version}; "
                f"this one knows {SCHEMA_VERSION}). It was not changed; upgrade reader to use it."
            )
        if not self.read_only:
            small = not self.path.exists() or self.path.stat().st_size <= CHECK_AT_OPEN
            if small:
                try:
                    self._storage.check()
                except DamagedError as error:
                    raise DamagedError(
                        f"{self.recovery_hint()}{error}. {_backup_hint(self.backup)}"
                    ) from None
            if version < SCHEMA_VERSION:
                self._migrate(version)

    def recovery_hint(self) -> str:
        """What to do first about changes put aside while the database was damaged ("" when
        there are none)."""
        if not self.pending_recovery:
            return ""
        files = ", ".join(str(p) for p in self.pending_recovery)
        return (
            f"Notes that are not in {self.path.name} were put aside in {files} (while it "
            f"was damaged or missing): run `reader recover` to merge them into it. "
        )

    @property
    def recovered(self) -> list[Path]:
        """Recovery files written in this session, while the database was damaged."""
        return list(self._storage.recovered)

    @property
    def vanished(self) -> bool:
        """Whether the database disappeared while in use (it is written again, whole)."""
        return self._storage.vanished

    def _go_read_only(self, why: str) -> None:
        self.read_only = True
        self.problem = f"{why}; reader is running read-only and will not save changes"

    def check_in_background(self, damaged: Callable[[str], None] | None = None) -> None:
        """Check every table of a big database, and back it up, in a thread of its own (the
        app starts this once its first screen is painted); ``damaged`` is told if it is."""
        if not self.read_only:
            self._storage.check_in_background(damaged)

    def _migrate(self, version: int) -> None:
        with self._transaction():
            data = self._storage.read() or fresh_database()  # the meta table first
            for step in MIGRATIONS[version:]:
                step(data)
            data["meta"] = {"1": {"schema": SCHEMA_VERSION}}
            self._storage.forget_serialised()
            self._storage.write(data)

    @contextlib.contextmanager
    def _transaction(self, wait: float | None = None) -> Iterator[None]:
        """Changes made within are one write, under the lock (waited for ``wait`` seconds,
        or :data:`~reader.db.storage.LOCK_TIMEOUT`; then :class:`BusyError`)."""
        if self.read_only:
            raise StoreError(self.problem or f"{self.path} is open read-only")
        # One thread's at a time: another's save (the lifeline's) waits, and never joins it.
        with self._one_thread:
            yield from self._transaction_of_one_thread(wait)

    def _transaction_of_one_thread(self, wait: float | None) -> Iterator[None]:
        if self._nesting:
            # Within a batch: one lock, one check and one write for all of it.
            self._nesting += 1
            try:
                yield
            finally:
                self._nesting -= 1
            return
        # Nothing is written over a file before all of it has been found sound.
        self._storage.ensure_checked()
        self._nesting = 1
        unsaved = dict(self._unsaved_positions)
        try:
            with self._storage.locked(wait):  # one write at the end
                # Read again under the lock (by tables()); another may have used the next ids.
                for table in self._db.tables():
                    self._db.table(table)._next_id = None
                if unsaved:
                    self._set_articles(unsaved)  # first: what this change sets is newer
                yield
                self._write_summaries()
        finally:
            self._nesting = 0
            self._unsummarised.clear()
        for article_id, fields in unsaved.items():
            if self._unsaved_positions.get(article_id) is fields:
                del self._unsaved_positions[article_id]
        if self._storage.damage:
            # The change went to a recovery file, not to the database: say so. The app
            # takes the change as made (it is kept) and warns once; a command fails.
            recovery = self._storage.recovery
            if self.on_aside is not None and recovery is not None:
                self.on_aside(recovery)
                return
            raise StoreError(self._storage.damage_report())
        self._storage.back_up()

    def batch(self, wait: float | None = None) -> contextlib.AbstractContextManager[None]:
        """Make every change within one write, under one hold of the lock (waited for
        ``wait`` seconds, or :data:`~reader.db.storage.LOCK_TIMEOUT`; then
        :class:`BusyError`)."""
        return self._transaction(wait)

    # --- the tables, as the file holds them -------------------------------------------

    def _data(self) -> Data:
        """The tables as the file holds them now (read again if it changed). Under the lock
        a transaction holds: a worker thread's read (the notes index, the link index, a
        move looked for) never swaps the store's copy for the file in the middle of a
        batch, whose first changes would then be written over by its last."""
        with self._one_thread:
            return self._storage.read() or {}

    def _docs(self, name: str) -> dict[str, Doc]:
        """A table's documents by key, read-only (empty when there is no such table)."""
        data = self._data()
        return data.get(name, {})

    def _change(self, name: str, change: Callable[[dict[str, Doc]], object]) -> object:
        """Change a table (documents by key, in a new dict, so its cached text is dropped)
        and write; returns what ``change`` returns. Within a transaction."""
        data = self._storage.read()
        if data is None:
            data = fresh_database()
        table = dict(data[name]) if name in data else {}
        result = change(table)
        data[name] = table
        self._storage.write(data)
        return result

    def _keys(self) -> dict[str, str]:
        """Article id -> the key of its document, rebuilt only when the table changed."""
        articles = self._docs("articles")
        if self._index is None or self._index[0] is not articles:
            index = {
                doc["id"]: key for key, doc in articles.items() if isinstance(doc.get("id"), str)
            }
            self._index = (articles, index)
        return self._index[1]

    def _article(self, article_id: str) -> Doc | None:
        key = self._keys().get(article_id)
        return self._docs("articles").get(key) if key is not None else None

    def _set_article(self, article_id: str, fields: Doc) -> None:
        """Add ``fields`` to an article's document (made if there is none). Within a
        transaction."""
        self._set_articles({article_id: fields})

    def _set_articles(self, changes: dict[str, Doc]) -> None:
        """Add fields to several articles' documents in one change of the table."""
        index = self._keys()

        def change(articles: dict[str, Doc]) -> None:
            next_key = max((int(k) for k in articles), default=0) + 1
            for article_id, fields in changes.items():
                key = index.get(article_id)
                if key is None or key not in articles:
                    key, next_key = str(next_key), next_key + 1
                    articles[key] = {"id": article_id}
                    index[article_id] = key
                articles[key] = {**articles[key], **fields}

        self._change("articles", change)
        # The index follows the new table rather than being rebuilt from it.
        self._index = (self._docs("articles"), index)

    # --- moves ------------------------------------------------------------------------

    def follow_moves(self, moves: dict[str, Move], *, wait: float | None = None) -> list[str]:
        """Give moved articles' notes, positions and links to their new ids (keyed by new
        id, :mod:`reader.services.moves`) in one write (waiting ``wait`` seconds at most for another
        process's lock); the new ids whose moves were made."""
        if not moves or self.read_only:
            return []
        with self._transaction(wait):
            data = self._storage.read() or fresh_database()
            made = move_tables(data, moves)
            if made:
                self._storage.write(data)
                self._index = None
        return made

    # --- highlights ---------------------------------------------------------------------

    def highlights(self, article_id: str) -> list[Highlight]:
        """Every highlight of an article (in no particular order)."""
        result = []
        for doc in self._docs(HIGHLIGHTS + article_id).values():
            highlight = highlight_from(doc, article_id)
            if highlight is not None:
                result.append(highlight)
        return result

    def highlight_ids(self, article_id: str) -> set[str]:
        """The ids of an article's highlights (kept until its table changes: asked once a
        batch of an import, not once an annotation)."""
        return set(self._highlight_ids(article_id))

    def _highlight_ids(self, article_id: str) -> set[str]:
        table = self._docs(HIGHLIGHTS + article_id)
        cached = self._ids.get(article_id)
        if cached is None or cached[0] is not table:
            ids = {str(doc["id"]) for doc in table.values() if "id" in doc}
            self._ids[article_id] = cached = (table, ids)
        return cached[1]

    def save_highlight(self, highlight: Highlight, base: Highlight | None = None) -> Highlight:
        """Add a highlight, or replace the one with the same id; with ``base`` (what the
        change was made from), what another process changed since is kept
        (:func:`~reader.db.records.merged_doc`). Returns the highlight as saved."""
        bases = {highlight.id: highlight_doc(base)} if base is not None else {}
        saved = self.save_highlights([highlight], bases)
        return saved.get(highlight.id, highlight)

    def save_highlights(
        self, highlights: Iterable[Highlight], bases: dict[str, Doc] | None = None
    ) -> dict[str, Highlight]:
        """Add or replace several highlights (of any articles) in one write; those merged
        with another process's changes (see :meth:`save_highlight`), as saved, by id."""
        merged: dict[str, Highlight] = {}
        by_article: dict[str, dict[str, Doc]] = {}
        for highlight in highlights:
            by_article.setdefault(highlight.article_id, {})[highlight.id] = highlight_doc(highlight)
        if not by_article:
            return merged
        with self._transaction():
            for article_id, docs in by_article.items():
                # Only new highlights (an import's batch): the table is not gone through.
                stored = self._highlight_ids(article_id)
                new_only = stored.isdisjoint(docs)

                def replace(
                    table: dict[str, Doc],
                    docs: dict[str, Doc] = docs,
                    article: str = article_id,
                    new_only: bool = new_only,
                ) -> None:
                    pending = dict(docs)
                    for key, doc in [] if new_only else list(table.items()):
                        ident = doc.get("id")
                        new = pending.pop(ident, None) if isinstance(ident, str) else None
                        if new is not None:
                            table[key] = merged_doc(doc, (bases or {}).get(doc["id"]), new)
                            if table[key] is not new:
                                saved = highlight_from(table[key], article)
                                merged.update({saved.id: saved} if saved else {})
                    next_key = max((int(k) for k in table), default=0) + 1
                    for offset, doc in enumerate(pending.values()):
                        table[str(next_key + offset)] = doc

                self._change(HIGHLIGHTS + article_id, replace)
                self._summarise(article_id)
        return merged

    def delete_highlight(self, article_id: str, highlight_id: str) -> bool:
        """Delete a highlight; False when there was none with that id."""

        def remove(table: dict[str, Doc]) -> bool:
            found = [key for key, doc in table.items() if doc.get("id") == highlight_id]
            for key in found:
                del table[key]
            return bool(found)

        with self._transaction():
            removed = bool(self._change(HIGHLIGHTS + article_id, remove))
            self._summarise(article_id)
        return removed

    def _summarise(self, article_id: str) -> None:
        """Keep the article's summary (counts, tags) in step with its highlights table:
        written once, as the transaction ends (an import changes a table thousands of
        times)."""
        self._unsummarised.add(article_id)

    def _write_summaries(self) -> None:
        if self._unsummarised:
            self._set_articles(
                {
                    article_id: {"summary": summary_of(self._docs(HIGHLIGHTS + article_id))}
                    for article_id in sorted(self._unsummarised)
                }
            )
            self._unsummarised.clear()

    def all_highlights(self) -> Iterator[Highlight]:
        """Every highlight of every article (the notes screen's and ``reader notes``'s)."""
        data = self._data()
        for name in list(data):
            if name.startswith(HIGHLIGHTS):
                article_id = name[len(HIGHLIGHTS) :]
                for doc in data[name].values():
                    highlight = highlight_from(doc, article_id)
                    if highlight is not None:
                        yield highlight

    def known_articles(self) -> dict[str, tuple[Path, str]]:
        """Every article the database knows, by id: its file and title (as last scanned;
        the title is "" for one never listed in a library)."""
        found: dict[str, tuple[Path, str]] = {}
        for doc in self._docs("articles").values():
            if not isinstance(doc.get("id"), str) or not isinstance(doc.get("path"), str):
                continue
            info = doc.get("info")
            title = str(info.get("title", "")) if isinstance(info, dict) else ""
            found[doc["id"]] = (Path(doc["path"]), title)
        return found

    def highlight_counts(self) -> dict[str, tuple[int, int]]:
        """(highlights, notes) per article id, from the articles' summaries."""
        counts = {}
        for doc in self._docs("articles").values():
            summary = doc.get("summary")
            if isinstance(doc.get("id"), str) and isinstance(summary, dict):
                with contextlib.suppress(TypeError, ValueError):
                    counts[doc["id"]] = (int(summary["highlights"]), int(summary["notes"]))
        return {ident: count for ident, count in counts.items() if count[0]}

    def all_tags(self) -> list[str]:
        """Every tag in use, the most used first (from the articles' summaries)."""
        seen: dict[str, int] = {}
        for doc in self._docs("articles").values():
            summary = doc.get("summary")
            tags = summary.get("tags") if isinstance(summary, dict) else None
            for tag, count in tags.items() if isinstance(tags, dict) else ():
                if isinstance(tag, str) and isinstance(count, int):
                    seen[tag] = seen.get(tag, 0) + count
        return sorted(seen, key=lambda tag: (-seen[tag], tag.casefold()))

    # --- cross-links --------------------------------------------------------------------

    def links_of(self, article_id: str) -> list[CrossLink]:
        """Every cross-link with an end in this article."""
        return [
            link
            for link in self.all_links()
            if article_id in (link.source.article_id, link.target.article_id)
        ]

    def all_links(self) -> list[CrossLink]:
        """Every cross-link."""
        return [link for doc in self._docs("links").values() if (link := link_from(doc))]

    def save_link(self, link: CrossLink) -> None:
        """Add a cross-link, or replace the one with the same id."""
        self.save_links([link])

    def save_links(self, links: Iterable[CrossLink]) -> None:
        """Add several cross-links, or replace those with the same ids, in one write."""
        docs = {link.id: link_doc(link) for link in links}
        if not docs:
            return

        def put(table: dict[str, Doc]) -> None:
            for key, doc in list(table.items()):
                new = docs.pop(str(doc.get("id")), None)
                if new is not None:
                    table[key] = new
            next_key = max((int(k) for k in table), default=0) + 1
            for offset, doc in enumerate(docs.values()):
                table[str(next_key + offset)] = doc

        with self._transaction():
            self._change("links", put)

    def delete_link(self, link_id: str) -> bool:
        """Delete a cross-link; False when there was none with that id."""

        def remove(links: dict[str, Doc]) -> bool:
            found = [key for key, doc in links.items() if doc.get("id") == link_id]
            for key in found:
                del links[key]
            return bool(found)

        with self._transaction():
            return bool(self._change("links", remove))

    def close(self) -> None:
        """Release the database."""
        self._db.close()


def _backup_hint(backup: Path) -> str:
    """What to do about a database that cannot be used: restore its ``backup``, or move it."""
    if backup.exists():
        return (
            f"It was left as it is. The last good copy is {backup}: "
            f"copy it over {backup.name.removesuffix('.bak')} to go back to it"
        )
    return "It was left as it is, and there is no backup: repair it, or move it away"
