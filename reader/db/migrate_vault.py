"""Moving a schema-2 database (``reader.json``) into the notes vault.

Each article the old file knows becomes this device's file of its key in the vault (the
library's, for an article inside a registered library; the data folder's otherwise): its
facts, highlights, the note on the whole article, its links (in the files of both ends) and
this device's reading position. The old file is only read, never changed.

Resumable and idempotent: every record gets a clock made from its own ``modified`` (or
``created``) time on this device, and a record id that does not change (highlights and
links keep theirs; the article note keeps the old article id as the id the W3C export names
it by), so the changes of an article are the same on every run. Each article's file is
written atomically, merged with what is already there (a join: merging the same changes
again changes nothing), and a completion mark is written last, in the data folder, naming
the old file by its size, modification time and hash. A run killed at any moment leaves
whole files only; the next run writes the rest, and a run after the mark does nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from reader.atomic import atomic_write
from reader.db.single_file import SingleFileStore as Store
from reader.db.vault import clock as hlc
from reader.db.vault.device import Device
from reader.db.vault.merge import Tables, merge_tables
from reader.db.vault.records import (
    Change,
    Facts,
    PutHighlight,
    PutLink,
    SetArticleNote,
    SetFacts,
    SetPosition,
    apply,
)
from reader.db.vault.vault import Vault
from reader.model import CrossLink, LinkEnd
from reader.text.keys import ArticleKey, key_for, vault_root

MARK = "vault-migrated.json"
"""The completion mark's name in the data folder."""


@dataclass(frozen=True, slots=True)
class Migrated:
    """What a migration did: articles and highlights moved, and where to."""

    articles: int
    highlights: int
    vaults: tuple[Path, ...]
    source: Path
    already: bool = False  # the mark was there: nothing was done

    def summary(self) -> str:
        """The one line the user is told."""
        where = ", ".join(str(v) for v in self.vaults) or "the notes vault"
        if self.already:
            return f"{self.source.name} was moved into the notes vault before; nothing to do"
        return (
            f"Moved {self.highlights:,} highlight{'s' if self.highlights != 1 else ''} of "
            f"{self.articles:,} article{'s' if self.articles != 1 else ''} into the notes "
            f"vault in {where}; {self.source.name} was left as it was"
        )


def fingerprint_of(path: Path) -> dict[str, Any]:
    """What names the old file in the completion mark: size, mtime and SHA-256."""
    status = path.stat()
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return {
        "path": str(path),
        "size": status.st_size,
        "mtime_ns": status.st_mtime_ns,
        "sha256": digest.hexdigest(),
    }


def is_migrated(old: Path, data_dir: Path) -> bool:
    """Whether ``old`` (as it is now) was moved into the vault completely before."""
    mark = data_dir / MARK
    try:
        done = json.loads(mark.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(done, dict):
        return False
    try:
        status = old.stat()
    except OSError:
        return False
    # Size and time first: hashing 25 MB at every start would cost what the vault saves.
    return done.get("size") == status.st_size and done.get("mtime_ns") == status.st_mtime_ns


class Migration:
    """Moving one old database into the vault, for ``device`` (whose data folder is
    ``data_dir``), with the articles of ``libraries`` keyed inside them."""

    def __init__(
        self,
        old: Path,
        device: Device,
        data_dir: Path,
        libraries: Sequence[Path] = (),
        *,
        after_article: Callable[[str], None] | None = None,
    ) -> None:
        self.old = old
        self.device = device
        self.data_dir = data_dir
        self.libraries = [Path(os.path.abspath(lib)) for lib in libraries]
        self._vaults: dict[Path, Vault] = {}
        # Called after each article's file is written (a test kills the run there).
        self._after_article = after_article
        status = old.stat()
        self._fallback_ms = max(status.st_mtime_ns // 1_000_000, 1)

    def run(self) -> Migrated:
        """Move the old database into the vault (or nothing, when it was before)."""
        if is_migrated(self.old, self.data_dir):
            return Migrated(0, 0, (), self.old, already=True)
        store = Store(self.old, read_only=True)
        try:
            plan = self._plan(store)
        finally:
            store.close()
        highlights = 0
        for key, (where, changes) in sorted(plan.items(), key=lambda item: item[0].key):
            vault = self._vault(where)
            built = self._build(key.key, changes)
            vault.edit(key.key, _merged_with(built))
            highlights += sum(isinstance(c, PutHighlight) for c, _ in changes)
            if self._after_article is not None:
                self._after_article(key.key)
        atomic_write(
            self.data_dir / MARK,
            json.dumps(fingerprint_of(self.old), indent=1).encode("utf-8"),
        )
        return Migrated(len(plan), highlights, tuple(sorted(self._vaults)), self.old)

    # --- what goes where ---------------------------------------------------------------------

    def _key(self, path: Path) -> ArticleKey:
        return key_for(path, self.libraries)

    def _vault(self, where: Path) -> Vault:
        if where not in self._vaults:
            self._vaults[where] = Vault(where, self.device, self.data_dir)
        return self._vaults[where]

    def _clock(self, *moments: str, counter: int = 0) -> str:
        """The clock of a record changed at the first of ``moments`` that is a time (the
        old file's time when none is): the same on every run."""
        for moment in moments:
            if moment:
                found = hlc.from_iso(moment, self.device.id, counter)
                if found is not None:
                    return found
        return hlc.make(self._fallback_ms, counter, self.device.id)

    def _plan(self, store: Store) -> dict[ArticleKey, tuple[Path, list[tuple[Change, str]]]]:
        """Each article's key, its vault and its changes with their clocks."""
        known = store.known_articles()
        keys: dict[str, ArticleKey] = {
            old_id: self._key(path) for old_id, (path, _) in known.items()
        }
        links = store.all_links()
        # Notes of articles the old file has no path of (a highlight imported for an
        # article never opened, a link to a file since gone): kept, never left behind.
        hints: dict[str, str] = {}
        for link in links:
            for end in (link.source, link.target):
                hints.setdefault(end.article_id, end.path)
        noted = {h.article_id for h in store.all_highlights()} | set(store.article_notes())
        for old_id in sorted((noted | set(hints)) - set(keys)):
            hint = hints.get(old_id, "")
            keys[old_id] = self._key(Path(hint)) if hint else _unknown_key(old_id)
        infos = store.article_infos()
        positions = store.positions()
        opened = store.opened_times()
        plan: dict[ArticleKey, tuple[Path, list[tuple[Change, str]]]] = {}

        def changes_of(key: ArticleKey) -> list[tuple[Change, str]]:
            if key not in plan:
                where = vault_root(key.library) if key.library else self.data_dir / "vault"
                plan[key] = (where, [])
            return plan[key][1]

        for old_id, key in keys.items():
            changes = changes_of(key)
            doc = infos.get(old_id, ({}, None))[0]
            title = known.get(old_id, (None, ""))[1]
            facts = Facts(key.path, title, "", str(doc.get("fingerprint", "") or ""))
            changes.append((SetFacts(facts), self._clock(counter=0)))
            for number, highlight in enumerate(store.highlights(old_id), start=1):
                moved = replace(highlight, article_id=key.key)
                when = self._clock(highlight.modified, highlight.created, counter=number)
                changes.append((PutHighlight(moved), when))
            note = store.article_note_record(old_id)
            if note.text:
                written = SetArticleNote(
                    note.text, note.tags, "", note.created, note.modified, ref=old_id
                )
                changes.append((written, self._clock(note.modified, note.created)))
            position = positions.get(old_id)
            if position is not None:
                at = opened.get(old_id, 0.0)
                where = SetPosition(position.block, position.offset, position.progress, at)
                changes.append((where, hlc.make(max(int(at * 1000), 1), 0, self.device.id)))
        for link in links:
            relinked = _link_moved(link, keys)
            if relinked is None:
                continue
            when = self._clock(link.created)
            for old_end in dict.fromkeys((link.source.article_id, link.target.article_id)):
                changes_of(keys[old_end]).append((PutLink(relinked), when))
        return plan

    def _build(self, key: str, changes: Iterable[tuple[Change, str]]) -> Tables:
        """The records of ``changes``, made at their clocks, from nothing."""
        tables: Tables = {}
        for change, when in changes:
            tables = apply(tables, change, key=key, device=self.device.id, clock=when)
        return tables


def _merged_with(built: Tables) -> Callable[[Tables, Callable[[], str]], Tables]:
    """An edit that merges ``built`` into an article's tables (the same again: no change)."""

    def edit(tables: Tables, _tick: Callable[[], str]) -> Tables:
        return merge_tables([tables, built])

    return edit


def _unknown_key(old_id: str) -> ArticleKey:
    """The key of an article known only by its old id (no file ever recorded): in the data
    folder's vault, where a later move can find it by its notes' anchors."""
    digest = hashlib.sha1(f"reader-id:{old_id}".encode(), usedforsecurity=False).hexdigest()
    return ArticleKey(digest[:16], None, "")


def _link_moved(link: CrossLink, keys: dict[str, ArticleKey]) -> CrossLink | None:
    """``link`` with its ends named by their new keys (None when an end is not known)."""
    source = keys.get(link.source.article_id)
    target = keys.get(link.target.article_id)
    if source is None or target is None:
        return None
    return replace(
        link,
        source=_end_moved(link.source, source.key),
        target=_end_moved(link.target, target.key),
    )


def _end_moved(end: LinkEnd, key: str) -> LinkEnd:
    return replace(end, article_id=key)


def migrate(old: Path, device: Device, data_dir: Path, libraries: Sequence[Path] = ()) -> Migrated:
    """Move the schema-2 database ``old`` into the vault (see the module's docstring)."""
    return Migration(old, device, data_dir, libraries).run()


__all__ = ["MARK", "Migrated", "Migration", "fingerprint_of", "is_migrated", "migrate"]
