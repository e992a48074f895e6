"""Every article's merged notes, kept in a cache that is only derived, so that reading every
highlight of a library (the notes screen, ``reader notes``, ``export --all``) does not parse
and merge thousands of notes files each time.

Each article's :class:`~reader.db.vault.views.ArticleNotes` is kept as plain JSON, with the
stamps (size, modification time, inode) of the files it was merged from, in
``DATA/cache/notes-<vault hash>/NN.json``: the articles spread over :data:`SHARDS` files by
a hash of their key, so that a change to one article rewrites one small file, not the
whole cache. An article is read and merged again when one of its files changed, appeared
or went (a stamp differs); its cached notes are used only when every stamp is the same
(and only stamps of files that had settled are kept: see :func:`.files.settled`).

A file of the cache is a line saying what it is (format, version, the vault's folder, the
file's number), then one line per article: its key, stamps and latest clock time as JSON,
a tab, and its notes as JSON. The notes are kept as text until an article is asked for:
reading the cache then makes a few thousand strings, not millions of objects for the
garbage collector to go through again and again.

The cache is this device's alone, never synced, and safe to delete. A file of it that
cannot be read, is cut short, was made for another vault or by another version of the
cache, or holds an entry that is not one, counts as empty (that part is made again from
the vault): never a crash. Each file is written whole, atomically.
"""

from __future__ import annotations

import contextlib
import json
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from reader.atomic import put_in_place, sweep_temp_files, temp_beside
from reader.db.vault.records import Facts
from reader.db.vault.summary import SourceStamp
from reader.db.vault.views import ArticleNotes, DevicePosition, NoteVersion
from reader.errors import StoreError
from reader.files import read_regular
from reader.model import (
    Anchor,
    ArticleNote,
    Colour,
    CrossLink,
    Highlight,
    LinkEnd,
    ReadingPosition,
    Review,
)

CACHE_FORMAT = "reader-vault-notes"
CACHE_SCHEMA = 2  # 2: the version of a note written apart that is shown
SHARDS = 32
"""Files the cache of one vault is spread over (a save rewrites about 1/SHARDS of it)."""

Stamps = tuple[SourceStamp, ...]
_COLOURS = {colour.value: colour for colour in Colour}
_DAMAGED = (KeyError, TypeError, ValueError, AttributeError, IndexError)


def shard_of(key: str) -> int:
    """The number of the cache file that holds article ``key``."""
    return zlib.crc32(key.encode("utf-8", "surrogateescape")) % SHARDS


# --- an article's notes as plain JSON (lists, not objects: quicker to read back) ----------


def _anchor_doc(anchor: Anchor) -> list[Any]:
    return [
        anchor.start,
        anchor.end,
        anchor.exact,
        anchor.prefix,
        anchor.suffix,
        anchor.block,
        anchor.fingerprint,
    ]


def _anchor_from(raw: list[Any]) -> Anchor:
    start, end, exact, prefix, suffix, block, fingerprint = raw
    return Anchor(
        int(start), int(end), str(exact), str(prefix), str(suffix), int(block), str(fingerprint)
    )


def _highlight_doc(highlight: Highlight) -> list[Any]:
    review = highlight.review
    return [
        highlight.id,
        highlight.article_id,
        _anchor_doc(highlight.anchor),
        highlight.colour.value,
        list(highlight.tags),
        highlight.note,
        highlight.created,
        highlight.modified,
        None if highlight.original is None else _anchor_doc(highlight.original),
        highlight.canonical,
        highlight.check,
        highlight.orphan_in,
        None
        if review is None
        else [review.due, review.interval, review.seen, review.last, review.stopped],
    ]


def _highlight_from(raw: list[Any]) -> Highlight:
    (rid, article, anchor, colour, tags, note, created, modified, original, canonical, check,
     orphan_in, review) = raw  # fmt: skip
    return Highlight(
        str(rid),
        str(article),
        _anchor_from(anchor),
        _COLOURS[colour],
        tuple(str(tag) for tag in tags),
        str(note),
        str(created),
        str(modified),
        None if original is None else _anchor_from(original),
        str(canonical),
        check is True,
        str(orphan_in),
        None if review is None else _review_from(review),
    )


def _review_from(raw: list[Any]) -> Review:
    due, interval, seen, last, stopped = raw
    return Review(str(due), int(interval), int(seen), str(last), stopped is True)


def _facts_from(raw: list[Any]) -> Facts:
    path, title, source, fingerprint = raw
    return Facts(str(path), str(title), str(source), str(fingerprint))


def _end_doc(end: LinkEnd) -> list[Any]:
    return [end.article_id, end.path, end.title, _anchor_doc(end.anchor)]


def _end_from(raw: list[Any]) -> LinkEnd:
    article, path, title, anchor = raw
    return LinkEnd(str(article), str(path), str(title), _anchor_from(anchor))


def notes_doc(notes: ArticleNotes) -> list[Any]:
    """An article's notes as the cache keeps them (:func:`notes_from` reads them back)."""
    facts, note = notes.facts, notes.note
    return [
        notes.key,
        None if facts is None else [facts.path, facts.title, facts.source, facts.fingerprint],
        [_highlight_doc(h) for h in notes.highlights],
        [_highlight_doc(h) for h in notes.deleted],
        [note.text, note.created, note.modified, list(note.tags)],
        notes.note_ref,
        [
            [link.id, _end_doc(link.source), _end_doc(link.target), link.label, link.created]
            for link in notes.links
        ],
        [
            [p.device, p.position.block, p.position.offset, p.position.progress, p.opened, p.clock]
            for p in notes.positions.values()
        ],
        [[rid, [[v.text, v.clock] for v in versions]] for rid, versions in notes.conflicts.items()],
        [[rid, v.text, v.clock] for rid, v in notes.shown.items()],
        notes.changed_by,
        notes.latest,
    ]


def notes_from(raw: object) -> ArticleNotes | None:
    """An article's notes from the cache, or None when ``raw`` is not what
    :func:`notes_doc` makes."""
    try:
        (key, facts, highlights, deleted, note, note_ref, links, positions, conflicts,
         shown, changed_by, latest) = cast(list[Any], raw)  # fmt: skip
        text, created, modified, tags = note
        return ArticleNotes(
            str(key),
            None if facts is None else _facts_from(facts),
            tuple(_highlight_from(h) for h in highlights),
            tuple(_highlight_from(h) for h in deleted),
            ArticleNote(str(text), str(created), str(modified), tuple(str(t) for t in tags)),
            str(note_ref),
            tuple(
                CrossLink(str(lid), _end_from(source), _end_from(target), str(label), str(when))
                for lid, source, target, label, when in links
            ),
            {
                str(device): DevicePosition(
                    str(device),
                    ReadingPosition(int(block), int(offset), float(progress)),
                    float(opened),
                    str(clock),
                )
                for device, block, offset, progress, opened, clock in positions
            },
            {
                str(rid): tuple(NoteVersion(str(text), str(clock)) for text, clock in versions)
                for rid, versions in conflicts
            },
            {str(rid): NoteVersion(str(text), str(clock)) for rid, text, clock in shown},
            {str(rid): str(device) for rid, device in changed_by.items()},
            str(latest),
        )
    except _DAMAGED:
        return None


# --- the cache files ------------------------------------------------------------------------


class NotesCache:
    """Merged notes by article key, each with the stamps of the files it was merged from,
    and the latest clock time in those files (a reader that takes the notes from here
    observes it, as if it had read the files)."""

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder = folder
        self.root = str(root)
        # key -> (stamps, latest clock time, the notes as JSON text)
        self.entries: dict[str, tuple[Stamps, str, str]] = {}
        self.dirty: set[int] = set()

    def _path(self, shard: int) -> Path:
        return self.folder / f"{shard:02d}.json"

    def load(self) -> None:
        """Read every file of the cache; one that cannot be read counts as empty, and so
        does each line of it that is not an entry (a file cut short loses its last)."""
        for shard in range(SHARDS):
            try:
                lines = read_regular(self._path(shard)).decode("ascii").split("\n")
                header = json.loads(lines[0])
            except (OSError, ValueError, UnicodeDecodeError, RecursionError):
                continue
            if header != self._header(shard):
                continue
            for line in lines[1:]:
                head, tab, text = line.partition("\t")
                try:
                    key, sources, latest = json.loads(head)
                    stamps = tuple((str(s[0]), int(s[1]), int(s[2]), int(s[3])) for s in sources)
                except (*_DAMAGED, RecursionError):
                    continue
                if (
                    tab
                    and isinstance(key, str)
                    and isinstance(latest, str)
                    and shard_of(key) == shard
                ):
                    self.entries[key] = (stamps, latest, text)

    def _header(self, shard: int) -> dict[str, Any]:
        """The first line of a file of this cache: what it is, and of which vault."""
        return {"format": CACHE_FORMAT, "schema": CACHE_SCHEMA, "root": self.root, "shard": shard}

    def get(self, key: str, stamps: Stamps) -> tuple[ArticleNotes, str] | None:
        """The cached notes of ``key`` (with the latest clock time in their files) if they
        were merged from files with exactly these stamps."""
        entry = self.entries.get(key)
        if entry is None or entry[0] != stamps:
            return None
        try:
            raw = json.loads(entry[2])
        except (ValueError, RecursionError):
            return None
        notes = notes_from(raw)
        if notes is None or notes.key != key:
            return None
        return notes, entry[1]

    def put(self, key: str, stamps: Stamps, latest: str, notes: ArticleNotes) -> None:
        """Remember notes just merged."""
        text = _dumps(notes_doc(notes))
        self.entries[key] = (stamps, latest, text)
        self.dirty.add(shard_of(key))

    def keep_only(self, keys: Iterable[str]) -> None:
        """Forget the articles no longer in the vault."""
        kept = set(keys)
        for key in [k for k in self.entries if k not in kept]:
            del self.entries[key]
            self.dirty.add(shard_of(key))

    def save(self) -> None:
        """Write the files of the cache that changed (one that cannot be written is made
        again next time: nothing depends on it). A file is its header's line, then a line
        for each article: its key, stamps and latest clock time, a tab, and its notes (JSON
        in ASCII holds neither a tab nor a line break)."""
        if not self.dirty:
            return
        by_shard: dict[int, list[str]] = {}
        for shard in self.dirty:
            by_shard[shard] = [_dumps(self._header(shard))]
        for key, (stamps, latest, text) in sorted(self.entries.items()):
            lines = by_shard.get(shard_of(key))
            if lines is not None:
                lines.append(_dumps([key, [list(s) for s in stamps], latest]) + "\t" + text)
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
        for shard, lines in sorted(by_shard.items()):
            payload = ("\n".join(lines) + "\n").encode("ascii")
            with contextlib.suppress(OSError, StoreError):
                _replace(self._path(shard), payload)
                self.dirty.discard(shard)
            sweep_temp_files(self.folder, self._path(shard).name)  # of writers killed


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def _replace(path: Path, payload: bytes) -> None:
    """Put ``payload`` at ``path`` at once (a temporary file beside it, renamed over it),
    without waiting for the disk (no fsync): a power cut may leave the file empty or cut
    short, and such a file is not read as a cache, only made again; the notes are never
    at stake, and a cache that waited for the disk would make the first reading of every
    highlight (it writes all of it) seconds slower."""
    temp = temp_beside(path)
    try:
        temp.write_bytes(payload)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    put_in_place(temp, path)
