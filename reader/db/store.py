"""The notes of every article, read from and saved to the notes vault, through the same
calls as :class:`~reader.db.store.Store` (not yet what reader uses: the step of issue 24
that puts it in the Store's place is still to come).

Article ids are vault keys (:mod:`reader.text.keys`): an article inside one of the
libraries given is kept in that library's vault (``LIBRARY/.reader``), any other in the
vault of the data folder. Which vault holds a key is learnt from the paths the caller names
(:meth:`VaultStore.register`, and every call that takes a path) and from what the vaults
hold already. A save writes this device's file of that one article, once; there is no
transaction to batch (:meth:`VaultStore.batch` is there for callers of the Store).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from reader.db.file_facts import Doc, FileFacts
from reader.db.moves import Move
from reader.db.records import ArticleInfo
from reader.db.vault.device import Device
from reader.db.vault.records import (
    Change,
    DeleteHighlight,
    DeleteLink,
    Facts,
    PutHighlight,
    PutLink,
    SetArticleNote,
    SetFacts,
    SetPosition,
    UnknownRecord,
)
from reader.db.vault.summary import Summary
from reader.db.vault.vault import Vault
from reader.db.vault.views import ArticleNotes, DevicePosition, NoteVersion
from reader.errors import BusyError, StoreError
from reader.model import ArticleNote, CrossLink, Highlight, ReadingPosition
from reader.text.keys import LIBRARIES, ArticleKey, vault_root


class Store:
    """Highlights, article notes, links and reading positions in the notes vaults of
    ``libraries`` and of ``data_dir``, as ``device`` reads and writes them."""

    def __init__(
        self,
        data_dir: Path,
        device: Device,
        libraries: Sequence[Path] = (),
        *,
        read_only: bool = False,
    ) -> None:
        self.device = device
        self.data_dir = data_dir
        self.problem = ""  # why nothing is saved (a folder reader cannot write), if so
        self.news: list[str] = []  # what the reader is told once (a migration, a new id)
        if not read_only:
            read_only = self._cannot_write(data_dir, *libraries)
        self.read_only = read_only
        for library in libraries:
            LIBRARIES.register(library)
        self.libraries = [Path(library) for library in libraries]
        self._outside = Vault(data_dir / "vault", device, data_dir, read_only=read_only)
        self._vaults = {
            library: Vault(vault_root(library), device, data_dir, read_only=read_only)
            for library in self.libraries
        }
        for vault in self.vaults:
            vault.problem = self.problem
        self._where: dict[str, Vault] = {}
        # Derived, per device: what the library's scan read of each file (title, words).
        self.file_facts = FileFacts(data_dir / "cache" / "files.json")
        self._on_aside: Callable[[Path], None] | None = None
        # Positions another window held the article's file too long to save (see
        # save_position): tried again as reader quits.
        self._unsaved: dict[str, tuple[Path, str, ReadingPosition]] = {}

    def _cannot_write(self, *folders: Path) -> bool:
        """Whether a folder reader must write in cannot be (then it runs read-only, and
        :attr:`problem` says why)."""
        for folder in folders:
            place = folder if folder.exists() else folder.parent
            if place.exists() and not os.access(place, os.W_OK | os.X_OK):
                self.problem = (
                    f"cannot write to {place}; reader is running read-only and will not save "
                    "changes"
                )
                return True
        return False

    @property
    def drafts_base(self) -> Path:
        """What the drafts of notes being typed are named after, in the data folder
        (``notes.draft-PID-N.json``: :mod:`reader.services.drafts`)."""
        return self.data_dir / "notes"

    # --- which vault ------------------------------------------------------------------------

    def take_notices(self) -> list[str]:
        """What the reader has not been told yet of vault files skipped (another device's
        file damaged, cut short, foreign or newer; this device's own): each said once."""
        return [notice for vault in self.vaults for notice in vault.take_notices()]

    @property
    def vaults(self) -> list[Vault]:
        """Every vault this store reads: the libraries', then the data folder's."""
        return [*self._vaults.values(), self._outside]

    def register(self, path: Path) -> str:
        """The id (key) of the article at ``path``, its vault remembered."""
        found = LIBRARIES.key(path)
        self._where[found.key] = self._vault_of(found)
        return found.key

    def _vault_of(self, found: ArticleKey) -> Vault:
        if found.library is None:
            return self._outside
        vault = self._vaults.get(found.library)
        if vault is None:  # inside a library found by its vault, not one given
            vault = Vault(
                vault_root(found.library),
                self.device,
                self.data_dir,
                read_only=self.read_only,
            )
            vault.problem = self.problem
            vault.on_aside = self._on_aside
            self._vaults[found.library] = vault
        return vault

    def vault_for(self, article_id: str) -> Vault:
        """The vault that holds (or will hold) the notes of ``article_id``: the one its
        path said, else the one that has it, else the data folder's. A key says nothing of
        its library: an article must be registered (opening it does) before its first note,
        or that note goes to the data folder's vault."""
        vault = self._where.get(article_id)
        if vault is None and (library := LIBRARIES.library_of(article_id)) is not None:
            vault = self._vault_of(ArticleKey(article_id, library, ""))
            self._where[article_id] = vault
        if vault is None:
            holding = (v for v in self.vaults if article_id in v.keys())  # noqa: SIM118
            vault = next(holding, self._outside)
            self._where[article_id] = vault
        return vault

    def article(self, article_id: str) -> ArticleNotes:
        """Everything of an article's notes, merged from every device."""
        return self.vault_for(article_id).article(article_id)

    def _summaries(self) -> Iterator[tuple[Vault, str, Summary]]:
        for vault in self.vaults:
            for key, summary in vault.summaries().items():
                self._where.setdefault(key, vault)
                yield vault, key, summary

    # --- highlights -------------------------------------------------------------------------

    def highlights(self, article_id: str) -> list[Highlight]:
        """An article's highlights."""
        return list(self.article(article_id).highlights)

    def highlight_ids(self, article_id: str) -> set[str]:
        """The ids of an article's highlights."""
        return {h.id for h in self.article(article_id).highlights}

    def save_highlight(self, highlight: Highlight, base: Highlight | None = None) -> Highlight:
        """Add or change a highlight; with ``base`` (what the change was made from), what
        another device or window changed since stays. Returns it as saved (merged)."""
        notes = self.vault_for(highlight.article_id).save(
            highlight.article_id, [PutHighlight(highlight, base)]
        )
        return notes.highlight(highlight.id) or highlight

    def save_highlights(
        self, highlights: Iterable[Highlight], bases: dict[str, Highlight] | None = None
    ) -> dict[str, Highlight]:
        """Add or change several highlights, one write per article; those that came out
        merged with another's change, as saved, by id."""
        by_article: dict[str, list[Highlight]] = {}
        for highlight in highlights:
            by_article.setdefault(highlight.article_id, []).append(highlight)
        merged: dict[str, Highlight] = {}
        for article_id, group in by_article.items():
            changes = [PutHighlight(h, (bases or {}).get(h.id)) for h in group]
            notes = self.vault_for(article_id).save(article_id, changes)
            for highlight in group:
                saved = notes.highlight(highlight.id)
                if saved is not None and saved != highlight:
                    merged[saved.id] = saved
        return merged

    def delete_highlight(self, article_id: str, highlight_id: str) -> bool:
        """Delete a highlight (a tombstone: an undo brings it back); False when there was
        none with that id."""
        if highlight_id not in self.highlight_ids(article_id):
            return False
        try:
            self.vault_for(article_id).save(article_id, [DeleteHighlight(highlight_id)])
        except UnknownRecord:
            return False
        return True

    def all_highlights(self) -> Iterator[Highlight]:
        """Every highlight of every article."""
        for vault in self.vaults:
            for notes in vault.all_articles():
                yield from notes.highlights

    def known_articles(self) -> dict[str, tuple[Path, str]]:
        """Every article with notes, by id: its file (as this machine names it) and title."""
        found: dict[str, tuple[Path, str]] = {}
        libraries = {vault.root: library for library, vault in self._vaults.items()}
        for vault, key, summary in self._summaries():
            if not summary.path:
                continue
            library = libraries.get(vault.root)
            path = library / summary.path if library is not None else Path(summary.path)
            found[key] = (path, summary.title)
        return found

    def highlight_counts(self) -> dict[str, tuple[int, int]]:
        """(highlights, notes) per article id, for articles with highlights."""
        return {
            key: (summary.highlights, summary.notes)
            for _, key, summary in self._summaries()
            if summary.highlights
        }

    def all_tags(self) -> list[str]:
        """Every tag in use, the most used first."""
        seen: dict[str, int] = {}
        for _, _, summary in self._summaries():
            for tag, count in summary.tags.items():
                seen[tag] = seen.get(tag, 0) + count
        return sorted(seen, key=lambda tag: (-seen[tag], tag.casefold()))

    # --- the note on an article as a whole ---------------------------------------------------

    def article_note_record(self, article_id: str) -> ArticleNote:
        """The note on an article as a whole, with its tags and times (empty when none)."""
        return self.article(article_id).note

    def article_note(self, article_id: str) -> str:
        """The note on an article as a whole ("" when there is none)."""
        return self.article_note_record(article_id).text

    def article_note_modified(self, article_id: str) -> str:
        """When the note on an article as a whole was last changed ("" when unknown)."""
        return self.article_note_record(article_id).modified

    def article_note_records(self) -> dict[str, ArticleNote]:
        """Every note on a whole article, by article id."""
        return {
            key: note
            for vault, key, summary in self._summaries()
            if summary.article_note and (note := vault.article(key).note).text.strip()
        }

    def article_notes(self) -> dict[str, tuple[str, str]]:
        """Every note on a whole article, by article id: (note, when last changed)."""
        return {key: (n.text, n.modified) for key, n in self.article_note_records().items()}

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
        """Write (or clear, with "") the note on an article as a whole."""
        self.register(path)
        change = SetArticleNote(
            note, tuple(tags) if tags is not None else None, None, created, modified
        )
        self.vault_for(article_id).save(article_id, [change])

    # --- cross-links ------------------------------------------------------------------------

    def links_of(self, article_id: str) -> list[CrossLink]:
        """Every cross-link with an end in this article (read from its files only)."""
        return list(self.article(article_id).links)

    def all_links(self) -> list[CrossLink]:
        """Every cross-link (each once)."""
        found: dict[str, CrossLink] = {}
        for vault in self.vaults:
            for notes in vault.all_articles():
                for link in notes.links:
                    found.setdefault(link.id, link)
        return list(found.values())

    def save_link(self, link: CrossLink) -> None:
        """Add or change a cross-link, in the files of both its articles."""
        for key in dict.fromkeys((link.source.article_id, link.target.article_id)):
            self.vault_for(key).save(key, [PutLink(link)])

    def save_links(self, links: Iterable[CrossLink]) -> None:
        """Add or change several cross-links."""
        for link in links:
            self.save_link(link)

    def delete_link(self, link_id: str) -> bool:
        """Delete a cross-link from both its articles; False when there was none."""
        link = next((found for found in self.all_links() if found.id == link_id), None)
        if link is None:
            return False
        for key in dict.fromkeys((link.source.article_id, link.target.article_id)):
            with contextlib.suppress(UnknownRecord):  # an end that never had it
                self.vault_for(key).save(key, [DeleteLink(link_id)])
        return True

    # --- reading positions (each device its own) ---------------------------------------------

    def position(self, article_id: str) -> ReadingPosition | None:
        """Where this device last was in an article."""
        return self.article(article_id).position_of(self.device.id)

    def last_read_elsewhere(self, article_id: str) -> DevicePosition | None:
        """Another device's position further in the article than this one's ("Last read
        on LAPTOP at 63%"), or None."""
        return self.article(article_id).furthest_elsewhere(self.device.id)

    def opened_times(self) -> dict[str, float]:
        """When this device last read each article (seconds since the epoch), by id."""
        mine = self.device.id
        return {
            key: summary.positions[mine][1]
            for _, key, summary in self._summaries()
            if mine in summary.positions
        }

    def positions(self) -> dict[str, ReadingPosition]:
        """This device's reading position in each article, by id."""
        found: dict[str, ReadingPosition] = {}
        for key in self.opened_times():
            position = self.position(key)
            if position is not None:
                found[key] = position
        return found

    def save_position(
        self,
        article_id: str,
        path: Path,
        fingerprint: str,
        position: ReadingPosition,
        *,
        wait: float = 0.25,
    ) -> bool:
        """Remember where this device is in an article (and what the article is); False
        when another window held the article's file longer than ``wait`` seconds."""
        found = LIBRARIES.key(path)
        self.register(path)
        changes: list[Change] = [
            SetFacts(Facts(found.path, "", "", fingerprint)),
            SetPosition(position.block, position.offset, position.progress, time.time()),
        ]
        try:
            self.vault_for(article_id).save(article_id, changes, wait=wait)
        except BusyError:
            self._unsaved[article_id] = (path, fingerprint, position)
            return False
        self._unsaved.pop(article_id, None)
        return True

    @property
    def unsaved_positions(self) -> list[Path]:
        """The articles whose reading position waits to be saved (another window held
        their file as it was left)."""
        return [path for path, _, _ in self._unsaved.values()]

    def save_unsaved(self, wait: float = 0.0) -> bool:
        """Try again to save the positions that waited; True when none is left."""
        for article_id, (path, fingerprint, position) in list(self._unsaved.items()):
            self.save_position(article_id, path, fingerprint, position, wait=wait)
        return not self._unsaved

    # --- articles moved outside reader ------------------------------------------------------

    def follow_moves(self, moves: dict[str, Move], *, wait: float | None = None) -> list[str]:
        """Give moved articles' notes to their new ids (keyed by new id, as
        :mod:`reader.services.moves` finds them): each written to this device's file of the
        new key, the move recorded for every device; the new ids whose moves were made.
        Not made (as the Store's): a move whose old file came back, or whose new article
        has notes of its own; nor, yet, one between two vaults (into or out of a library)."""
        if not moves or self.read_only:
            return []
        made = []
        for new_id, move in moves.items():
            if new_id == move.old_id or os.path.lexists(move.old_path):
                continue
            found = LIBRARIES.key(Path(move.path))
            if found.key != new_id:
                continue  # not the key its path gives: another scheme of ids
            vault = self._vault_of(found)
            if self.vault_for(move.old_id) is not vault:
                continue
            there = vault.article(new_id)
            if there.highlights or there.note.text.strip():
                continue
            vault.move(move.old_id, new_id, Facts(found.path), wait=wait)
            self._where[new_id] = vault
            made.append(new_id)
        return made

    # --- what was put aside -------------------------------------------------------------------

    @property
    def pending_recovery(self) -> list[Path]:
        """Recovery files of this device (changes put aside because its own file of an
        article was damaged) that ``reader recover`` has not merged yet."""
        found = []
        for vault in self.vaults:
            with contextlib.suppress(OSError):
                for name in sorted(os.listdir(vault.own_notes)):
                    if ".json.recovered-" in name:
                        found.append(vault.own_notes / name)
        return found

    def recovery_hint(self) -> str:
        """What to do first about changes put aside ("" when there are none)."""
        pending = self.pending_recovery
        if not pending:
            return ""
        files = ", ".join(str(p) for p in pending)
        return (
            f"Notes that could not be written to their files were put aside in {files} "
            "(the files were damaged): run `reader recover` to merge them. "
        )

    @property
    def recovered(self) -> list[Path]:
        """Recovery files written in this session."""
        return [path for vault in self.vaults for path in vault.recovered]

    @property
    def on_aside(self) -> Callable[[Path], None] | None:
        """Told (instead of a StoreError) of a change put aside in a recovery file, because
        this device's own file of the article was damaged (the app sets it)."""
        return self._on_aside

    @on_aside.setter
    def on_aside(self, told: Callable[[Path], None] | None) -> None:
        self._on_aside = told
        for vault in self.vaults:
            vault.on_aside = told

    def check_in_background(self, damaged: Callable[[str], None] | None = None) -> None:
        """Take today's snapshot of this device's folders (the backup: see
        :mod:`reader.db.vault.care`), in a thread of its own (the app starts this once its
        first screen is painted)."""
        if self.read_only:
            return
        import threading

        from reader.db.vault.care import snapshot

        def run() -> None:
            for vault in self.vaults:
                with contextlib.suppress(OSError, StoreError):
                    snapshot(vault)

        threading.Thread(target=run, name="reader-snapshot", daemon=True).start()

    # --- what the library's scan read of each file ------------------------------------------

    def article_infos(self) -> dict[str, tuple[Doc, Doc | None]]:
        """Every article file with its cached facts, by id (for the library's scan)."""
        return self.file_facts.article_infos()

    def article_info(self, article_id: str, size: int, mtime_ns: int) -> ArticleInfo | None:
        """Cached title and word count of an article file, if still valid."""
        return self.file_facts.article_info(article_id, size, mtime_ns)

    def save_article_infos(
        self, infos: dict[str, tuple[Path, ArticleInfo]], *, wait: float | None = None
    ) -> None:
        """Cache several articles' titles and word counts (in the data folder, one write;
        nothing waits: the cache is this device's alone)."""
        if not self.read_only:
            self.file_facts.save(infos)

    # --- notes written apart -----------------------------------------------------------------

    def conflicts_of(self, article_id: str) -> dict[str, tuple[NoteVersion, ...]]:
        """The texts of notes written apart on two devices that are not shown, by record
        (a highlight's id, or "note" for the article note): "also written on DESKTOP"."""
        return dict(self.article(article_id).conflicts)

    def changed_elsewhere(self, article_id: str) -> set[str]:
        """The highlights of an article last changed on another device."""
        changed = self.article(article_id).changed_by
        return {rid for rid, device in changed.items() if device != self.device.id}

    # --- for callers of the Store -------------------------------------------------------------

    def batch(self, wait: float | None = None) -> contextlib.AbstractContextManager[None]:
        """Nothing to gather: every save already writes one article's file once."""
        return contextlib.nullcontext()

    def close(self) -> None:
        """Nothing to release: files are read and written whole, locks held only to save."""


__all__ = ["BusyError", "Store", "StoreError"]
