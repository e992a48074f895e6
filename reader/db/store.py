"""reader's notes: highlights, article notes, links and reading positions, kept in the
notes vault (:mod:`reader.db.vault`) and handed out as model objects.

Article ids are vault keys (:mod:`reader.text.keys`): an article inside one of the
libraries given is kept in that library's vault (``LIBRARY/.reader``), any other in the
vault of the data folder (:class:`~reader.db.vaults.Vaults` finds which). A save writes this
device's file of that one article, once; there is no transaction to batch
(:meth:`Store.batch` is there for callers that gather changes). What the library's scan read
of each file (titles, word counts) is a cache of this device's, in the data folder.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from reader.db.file_facts import Doc, FileFacts
from reader.db.moves import WAS, Move
from reader.db.records import ArticleInfo
from reader.db.vault.device import Device
from reader.db.vault.records import (
    Change,
    DeleteHighlight,
    DeleteLink,
    Facts,
    KeepNote,
    PutHighlight,
    PutLink,
    SetArticleNote,
    SetFacts,
    SetPosition,
    UnknownRecord,
)
from reader.db.vault.vault import Vault
from reader.db.vault.views import ArticleNotes, DevicePosition, NoteVersion
from reader.db.vaults import Vaults
from reader.errors import BusyError, StoreError
from reader.model import ArticleNote, CrossLink, Highlight, ReadingPosition
from reader.text.keys import LIBRARIES, vault_root


class Store(Vaults):
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
            # The library, and its notes vault once there is one (made read-only apart).
            vaults = [vault_root(lib) for lib in libraries if vault_root(lib).is_dir()]
            read_only = self._cannot_write(data_dir, *libraries, *vaults)
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
        self._described: set[str] = set()  # articles whose facts this session wrote

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

    def _save(self, article_id: str, changes: list[Change]) -> ArticleNotes:
        """Write ``changes`` to an article's notes, with its reading position when that one
        could not wait (another window held the file): saved with the next change."""
        unsaved = self._unsaved.get(article_id)
        if unsaved is not None:
            changes = [*changes, *_position_changes(*unsaved)]
        if article_id not in self._described and (path := LIBRARIES.path_of(article_id)):
            # What the article is, kept with its notes once a session (unchanged, it adds
            # nothing): a highlight saved before any position (an import, a command) would
            # leave the library's list without the article's path.
            changes = [SetFacts(Facts(path)), *changes]
        notes = self.vault_for(article_id).save(article_id, changes)
        self._unsaved.pop(article_id, None)
        self._described.add(article_id)
        return notes

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
        notes = self._save(highlight.article_id, [PutHighlight(highlight, base)])
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
            notes = self._save(article_id, list(changes))
            for highlight in group:
                saved = notes.highlight(highlight.id)
                if saved is not None and saved != highlight:
                    merged[saved.id] = saved
        return merged

    def save_together(
        self, highlights: Iterable[Highlight], notes: dict[str, tuple[Path, ArticleNote]]
    ) -> None:
        """Add or change highlights and notes on whole articles, one write per article: an
        article gets all of them or none (an import's batch is never half saved)."""
        changes: dict[str, list[Change]] = {}
        for highlight in highlights:
            changes.setdefault(highlight.article_id, []).append(PutHighlight(highlight))
        for article_id, (path, note) in notes.items():
            self.register(path)
            change = SetArticleNote(note.text, tuple(note.tags), None, note.created, note.modified)
            changes.setdefault(article_id, []).append(change)
        for article_id, made in changes.items():
            self.vault_for(article_id).save(article_id, made)

    def delete_highlight(self, article_id: str, highlight_id: str) -> bool:
        """Delete a highlight (a tombstone: an undo brings it back); False when there was
        none with that id."""
        if highlight_id not in self.highlight_ids(article_id):
            return False
        try:
            self._save(article_id, [DeleteHighlight(highlight_id)])
        except UnknownRecord:
            return False
        return True

    def all_highlights(self) -> Iterator[Highlight]:
        """Every highlight of every article."""
        for vault in self.vaults:
            for notes in vault.all_articles():
                yield from notes.highlights

    def known_articles(self) -> dict[str, tuple[Path, str]]:
        """Every article reader knows, by id: its file (as this machine names it) and title
        ("" when none is known). Those with notes say where their notes put them; the
        library's scan says the rest, and the title the notes do not keep."""
        found = self.file_facts.known()
        libraries = {vault.root: library for library, vault in self._vaults.items()}
        for vault, key, summary in self._summaries():
            if not summary.path:
                continue
            library = libraries.get(vault.root)
            path = library / summary.path if library is not None else Path(summary.path)
            scanned = found.get(key)
            title = summary.title or (scanned[1] if scanned is not None else "")
            found[key] = (path, title)
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
        if not note and tags is None and not self.article_note_record(article_id).text:
            return  # nothing to clear: no version of "" is written over nothing
        change = SetArticleNote(
            note, tuple(tags) if tags is not None else None, None, created, modified
        )
        where = SetFacts(Facts(LIBRARIES.key(path).path))  # what the article is, kept with it
        self.vault_for(article_id).save(article_id, [where, change])

    # --- cross-links ------------------------------------------------------------------------

    def links_of(self, article_id: str) -> list[CrossLink]:
        """Every cross-link with an end in this article (read from its files only)."""
        return [self._current(link) for link in self.article(article_id).links]

    def all_links(self) -> list[CrossLink]:
        """Every cross-link (each once)."""
        found: dict[str, CrossLink] = {}
        for vault in self.vaults:
            for notes in vault.all_articles():
                for link in notes.links:
                    found.setdefault(link.id, link)
        return [self._current(link) for link in found.values()]

    def _current(self, link: CrossLink) -> CrossLink:
        """``link`` with an end in an article moved since it was made named as the article
        is now (its key and file): a move writes the article's own records anew, never
        the links' ends in every other article's files."""
        ends = []
        for end in (link.source, link.target):
            vault = self.vault_for(end.article_id)
            key = vault.resolve(end.article_id)
            if key != end.article_id:
                path = self._path_of(vault, key)
                end = replace(end, article_id=key, path=str(path) if path else end.path)
            ends.append(end)
        if ends == [link.source, link.target]:
            return link
        return replace(link, source=ends[0], target=ends[1])

    def save_link(self, link: CrossLink) -> None:
        """Add or change a cross-link, in the files of both its articles."""
        for key in dict.fromkeys((link.source.article_id, link.target.article_id)):
            self._save(key, [PutLink(link)])

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
                self._save(key, [DeleteLink(link_id)])
        return True

    # --- reading positions (each device its own) ---------------------------------------------

    def position(self, article_id: str) -> ReadingPosition | None:
        """Where this device last was in an article."""
        return self.article(article_id).position_of(self.device.id)

    def read_further_elsewhere(self, article_id: str) -> tuple[str, ReadingPosition] | None:
        """The name of another device that read further in the article than this one, and
        where it was ("Last read on LAPTOP at 63%"), or None."""
        found = self.last_read_elsewhere(article_id)
        if found is None:
            return None
        names = self.vault_for(article_id).device_names()
        return names.get(found.device, found.device[:8]), found.position

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
        self.register(path)
        changes = _position_changes(path, fingerprint, position)
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
        has notes of its own. A move into or out of a library takes the notes from one
        vault to the other."""
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
            there = vault.article(new_id)
            if there.highlights or there.note.text.strip():
                continue
            # The place read in the old file is the reader's, over one saved as the file
            # was opened under its new name before the move was made.
            was = self.vault_for(move.old_id)
            place = was.article(move.old_id).position_of(self.device.id)
            if was is vault:
                vault.move(move.old_id, new_id, Facts(found.path), wait=wait)
            else:  # into or out of a library: from one vault to the other
                was.move_to(move.old_id, vault, new_id, Facts(found.path), wait=wait)
            if place is not None and place != there.position_of(self.device.id):
                vault.save(
                    new_id,
                    [SetPosition(place.block, place.offset, place.progress, time.time())],
                    wait=wait,
                )
            self._where[new_id] = vault
            made.append(new_id)
        # As the single-file store moved an article's record: the old id names no file now.
        with contextlib.suppress(OSError):
            self.file_facts.forget(moves[new_id].old_id for new_id in made)
        return made

    # --- what the library's scan read of each file ------------------------------------------

    def article_infos(self) -> dict[str, tuple[Doc, Doc | None]]:
        """Every article file with its cached facts, by id (for the library's scan), with
        where this device is in it and when it last read it; an article that moved says
        the ids it had (``was``, as the vaults record its moves: an export that names it by
        an old id is still its)."""
        infos = self.file_facts.article_infos()
        mine = self.device.id
        for vault, key, summary in self._summaries():
            if mine not in summary.positions:
                continue
            progress, opened = summary.positions[mine]
            if key in infos:
                doc, info = infos[key]
            else:  # read here, never scanned here
                path = self._path_of(vault, key)
                doc, info = {"id": key, "path": str(path) if path else ""}, None
            infos[key] = ({**doc, "position": {"progress": progress}, "opened": opened}, info)
        for vault in self.vaults:
            with contextlib.suppress(OSError):
                redirects = vault.redirects()
                for old in redirects:
                    entry = infos.get(vault.resolve(old, redirects))
                    if entry is not None:
                        entry[0].setdefault(WAS, []).append(old)
        return infos

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

    def others_of(self, article_id: str) -> dict[str, tuple[str, tuple[tuple[str, str], ...]]]:
        """What other devices did to an article's highlights, by id: the name of the device
        that changed it last when not this one (else ""), and the texts of its note written
        apart on other devices, kept beside it, as (device name, text)."""
        notes = self.article(article_id)
        mine = self.device.id
        names: dict[str, str] | None = None

        def name(device: str) -> str:
            nonlocal names
            if device == mine:
                return self.device.name
            if names is None:
                names = self.vault_for(article_id).device_names()
            return names.get(device, device[:8])

        found: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {}
        for highlight in notes.highlights:
            device = notes.changed_by.get(highlight.id, mine)
            also = tuple((name(v.device), v.text) for v in notes.conflicts.get(highlight.id, ()))
            if device != mine or also:
                found[highlight.id] = (name(device) if device != mine else "", also)
        return found

    def note_versions(self, article_id: str, record_id: str) -> tuple[tuple[str, str, str], ...]:
        """Every text of a note written apart on two devices, as (device name, when it was
        written in ISO 8601, text), oldest first: the last is the one shown. Empty when the
        note has one text (``record_id``: a highlight's id, or :data:`NOTE_ID`)."""
        notes = self.article(article_id)
        others, shown = notes.conflicts.get(record_id, ()), notes.shown.get(record_id)
        if not others or shown is None:
            return ()
        names = self.vault_for(article_id).device_names()
        return tuple(
            (names.get(v.device, v.device[:8]), v.written, v.text) for v in (*others, shown)
        )

    def keep_note(self, article_id: str, record_id: str, text: str) -> ArticleNotes:
        """Make ``text`` the one text of a note written apart (``record_id``: a
        highlight's id, or :data:`NOTE_ID`): the reader chose it, and the other versions
        are let go on every device (the daily snapshots still hold them)."""
        return self._save(article_id, [KeepNote(record_id, text)])

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


def _position_changes(path: Path, fingerprint: str, position: ReadingPosition) -> list[Change]:
    """The changes that record this device's reading position in the article at ``path``
    (and what the article is)."""
    found = LIBRARIES.key(path)
    return [
        SetFacts(Facts(found.path, "", "", fingerprint)),
        SetPosition(position.block, position.offset, position.progress, time.time()),
    ]
