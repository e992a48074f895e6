"""Kindle's ``My Clippings.txt``: every highlight and note a Kindle kept, book by book.

The file is a run of entries, each ended by a line of ten ``=``::

    The Salt Road (Quill, Ada)
    - Your Highlight on page 12 | Location 170-172 | Added on Sunday, March 3, 2024 9:15:02 PM

    The words highlighted.
    ==========

The second line is in the Kindle's language (:mod:`reader.notes.formats.kindle_meta`
reads them all). What the file holds, and what an import keeps of it:

* a **highlight** is imported with its words (the quote places it in the book);
* a **note** is a separate entry at one location: it joins the highlight of the same book
  whose locations hold it (the one ending there first, as Kindle puts a note at a
  highlight's end), else it is kept as a note on the book as a whole, saying where;
* a **bookmark** marks a place, not a passage: skipped, and counted;
* an **edited** highlight (made longer or shorter on the Kindle) is a new entry appended
  to the file, the old one staying: entries of one book whose locations overlap and whose
  words begin or end alike are one highlight, kept once, the newest, under the id of the
  first (so that importing the file again after another edit adds nothing); an edited
  note likewise;
* an entry repeated word for word (Kindle writes some twice) is kept once.

Each highlight's id is made from its entry (title, second line and words): the same at
every import of the file, or of a longer one the Kindle wrote later.

The file is read a line at a time, never whole, and a line longer than :data:`MAX_LINE`
bytes is never held (a 50 MB file with no line ends costs no more memory than a small one):
what is kept is the distinct entries' words, which the import saves anyway.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from reader.notes.formats.common import MAX_TEXT, FormatError, Reading, Skips, note, passage, utc
from reader.notes.formats.kindle_meta import BOOKMARK, HIGHLIGHT, NOTE, Meta, read_meta
from reader.notes.incoming import Incoming, record_id

KIND = "Kindle clippings"
SEPARATOR = "=========="
MAX_LINE = 1 << 20
"""Bytes of one line kept at the most: a clipping's words are never that long, and a longer
line is read past in pieces of this size, never held whole."""
MAX_TITLE = 2_000
"""Characters of a book's title line at the most."""
MAX_ENTRY = MAX_TEXT + MAX_TITLE + 4_096
"""Characters of one entry's lines kept at the most: past them, the entry is skipped, and
the rest of its lines are read past, not kept."""
_AGREE = 20
"""Characters at the start or the end of two overlapping highlights' words that, alike,
make them one highlight edited (a highlight made longer keeps its start or its end)."""


def looks_like(head: str) -> bool:
    """Whether the start of a file is a clippings file: a title, a line that Kindle writes
    for a clipping, and the line of ``=`` that ends an entry."""
    lines = [line.strip().lstrip("\ufeff") for line in head.splitlines()]
    try:
        end = lines.index(SEPARATOR)
    except ValueError:
        return False
    entry = [line for line in lines[:end] if line]
    return len(entry) >= 2 and read_meta(entry[1]) is not None


@dataclass(slots=True)
class _Entry:
    order: int
    title_line: str
    meta_line: str
    meta: Meta
    text: str

    @property
    def added(self) -> datetime:
        return self.meta.added or datetime.min

    @property
    def span(self) -> tuple[int, int]:
        """Its locations, or its page as a location when it has none (PDFs)."""
        if self.meta.start >= 0:
            return self.meta.start, self.meta.end
        page = self.meta.page.split("-")[0]
        return (int(page), int(page)) if page.isdigit() else (-1, -1)


@dataclass(slots=True)
class _Book:
    title: str
    author: str
    highlights: list[_Entry] = field(default_factory=list)
    notes: list[_Entry] = field(default_factory=list)


def read(path: Path) -> Reading:
    """The highlights and notes of a clippings file (FormatError when it holds none that
    reader can read)."""
    skips = Skips()
    books: dict[str, _Book] = {}
    seen: set[bytes] = set()
    entries = 0
    try:
        with path.open("rb") as handle:
            for number, (lines, cut) in enumerate(_entries(handle)):
                entries += 1
                # An entry Kindle wrote twice is known by its lines before it is read.
                digest = hashlib.sha1(
                    "\n".join(line.strip() for line in lines if line.strip()).encode(
                        "utf-8", "surrogatepass"
                    )
                ).digest()
                if digest in seen and not cut:
                    skips.add("entries repeated word for word (kept once)")
                    continue
                seen.add(digest)
                entry = _entry(number, lines, cut, skips)
                if entry is not None:
                    _file(entry, books, skips)
    except OSError as error:
        raise FormatError(f"{path.name} cannot be read ({error.strerror or error})") from None
    if not entries:
        raise FormatError(f"{path.name} holds no clippings (no line of {SEPARATOR})")
    items: list[Incoming] = []
    for book in books.values():
        items += _resolved(book, skips)
    return Reading(KIND, items, skips)


def _lines(handle: IO[bytes]) -> Iterator[tuple[str, bool]]:
    """Each line of the file as text, and whether it was cut at :data:`MAX_LINE` bytes."""
    first = True
    while True:
        raw = handle.readline(MAX_LINE)
        if not raw:
            return
        cut = False
        if not raw.endswith(b"\n") and len(raw) == MAX_LINE:
            cut = True
            while True:  # the rest of the line, read past a piece at a time
                rest = handle.readline(MAX_LINE)
                if not rest or rest.endswith(b"\n"):
                    break
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if first:
            line, first = line.removeprefix("\ufeff"), False
        yield line, cut


def _entries(handle: IO[bytes]) -> Iterator[tuple[list[str], bool]]:
    """The lines of each entry (its separator left out), and whether one was cut; none
    when the file holds no separator (it is no clippings file)."""
    lines: list[str] = []
    cut = False
    size = 0
    separated = False
    for line, was_cut in _lines(handle):
        if line.strip().lstrip("\ufeff") == SEPARATOR:
            separated = True
            if cut or any(one.strip() for one in lines):
                yield lines, cut
            lines, cut, size = [], False, 0
            continue
        size += len(line)
        if was_cut or size > MAX_ENTRY:
            cut = True
            continue  # an entry this long is skipped: nothing more of it is kept
        lines.append(line)
    if separated and (cut or any(one.strip() for one in lines)):
        yield lines, cut


def _entry(number: int, lines: list[str], cut: bool, skips: Skips) -> _Entry | None:
    """One entry read, or None (counted in ``skips`` with its reason)."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    if cut:
        skips.add(f"entries longer than {MAX_TEXT:,} characters (not a Kindle clipping)")
        return None
    if len(lines) < 2:
        skips.add("entries without the line that says what they are")
        return None
    title_line = lines[0].strip().lstrip("\ufeff").strip()
    meta = read_meta(lines[1])
    if meta is None:
        skips.add("entries whose second line is not one Kindle writes")
        return None
    if len(title_line) > MAX_TITLE:
        skips.add(f"entries with a title longer than {MAX_TITLE:,} characters")
        return None
    if meta.kind == BOOKMARK:
        skips.add("bookmarks (a place in a book, not a passage)")
        return None
    text = "\n".join(line.rstrip() for line in lines[2:]).strip()
    if len(text) > MAX_TEXT:
        skips.add(f"entries longer than {MAX_TEXT:,} characters (not a Kindle clipping)")
        return None
    if not text:
        skips.add(f"{meta.kind}s without words")
        return None
    if text.startswith("<") and text.endswith(">") and "\n" not in text and len(text) < 200:
        # "<You have reached the clipping limit for this item>", in the Kindle's language.
        skips.add("Kindle's notices that the book's clipping limit was reached (no words)")
        return None
    return _Entry(number, title_line, lines[1].strip(), meta, text)


def split_title(line: str) -> tuple[str, str]:
    """A clipping's first line as (title, author): the author is the last parenthesised
    part ("Das Jesus-Video (German Edition) (Eschbach, Andreas)"), "" when there is none."""
    line = line.strip()
    if line.endswith(")"):
        depth = 0
        for index in range(len(line) - 1, -1, -1):
            if line[index] == ")":
                depth += 1
            elif line[index] == "(":
                depth -= 1
                if depth == 0:
                    title, author = line[:index].strip(), line[index + 1 : -1].strip()
                    return (title, author) if title else (line, "")
    return line, ""


def _file(entry: _Entry, books: dict[str, _Book], skips: Skips) -> None:
    book = books.get(entry.title_line)
    if book is None:
        book = books[entry.title_line] = _Book(*split_title(entry.title_line))
    if entry.meta.kind == HIGHLIGHT:
        book.highlights.append(entry)
    elif entry.meta.kind == NOTE:
        book.notes.append(entry)


def _normal(text: str) -> str:
    return " ".join(text.split())


def _alike(one: _Entry, other: _Entry) -> bool:
    """Whether two highlights of a book are one, edited: their places overlap and their
    words begin alike, end alike, or one holds the other."""
    (a, b), (c, d) = one.span, other.span
    if a < 0 or c < 0 or a > d or c > b:
        return False
    x, y = _normal(one.text), _normal(other.text)
    k = min(_AGREE, len(x), len(y))
    return x[:k] == y[:k] or x[-k:] == y[-k:] or x in y or y in x


def _groups(highlights: list[_Entry]) -> list[list[_Entry]]:
    """The highlights of a book, those that are one highlight edited in one group each."""
    parent = list(range(len(highlights)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_start = sorted(range(len(highlights)), key=lambda i: highlights[i].span)
    for position, i in enumerate(by_start):
        end = highlights[i].span[1]
        for j in by_start[position + 1 :]:
            if highlights[j].span[0] > end:
                break  # sorted by start: none after it overlaps
            if _alike(highlights[i], highlights[j]):
                parent[root(j)] = root(i)
    groups: dict[int, list[_Entry]] = {}
    for i in range(len(highlights)):
        groups.setdefault(root(i), []).append(highlights[i])
    return list(groups.values())


def _resolved(book: _Book, skips: Skips) -> list[Incoming]:
    """The book's highlights, each once (the newest of its edits) with its notes joined,
    and its notes that join none, in the order of their places in the book."""
    kept: list[tuple[_Entry, _Entry, list[_Entry]]] = []  # newest, first, its group
    owner: dict[int, int] = {}  # an entry's order -> the index in kept of its group
    for group in _groups(book.highlights):
        group.sort(key=lambda e: e.order)
        newest = max(group, key=lambda e: (e.added, e.order))
        if len(group) > 1:
            edited = "earlier versions of an edited highlight (the newest is kept)"
            skips.add(edited, len(group) - 1)
        for entry in group:
            owner[entry.order] = len(kept)
        kept.append((newest, group[0], group))
    joined: dict[int, list[_Entry]] = {}
    alone: list[_Entry] = []
    for entry in book.notes:
        at = _holder(entry, book.highlights)
        if at is None:
            alone.append(entry)
        else:
            joined.setdefault(owner[at.order], []).append(entry)
    items = []
    for index, (newest, first, group) in sorted(
        enumerate(kept), key=lambda item: (item[1][0].span, item[1][0].order)
    ):
        notes = _latest_each(joined.get(index, []), skips)
        items.append(_highlight(book, newest, first, group, notes))
    for entry in _latest_each(alone, skips):
        items.append(_alone(book, entry))
    return items


def _holder(entry: _Entry, highlights: list[_Entry]) -> _Entry | None:
    """The highlight a note belongs to: one whose places hold the note's, ending there
    first (Kindle puts a note at its highlight's end), then the nearest in the file."""
    start = entry.span[0]
    if start < 0:
        return None
    holding = [h for h in highlights if h.span[0] <= start <= h.span[1]]
    if not holding:
        return None
    return min(holding, key=lambda h: (h.span[1] != start, abs(h.order - entry.order)))


def _latest_each(notes: list[_Entry], skips: Skips) -> list[_Entry]:
    """Of notes at one place, the newest (an edited note is a new entry at the same place);
    in the order of their places."""
    by_place: dict[tuple[int, int], _Entry] = {}
    for entry in notes:
        there = by_place.get(entry.span)
        if there is None or (entry.added, entry.order) > (there.added, there.order):
            if there is not None:
                skips.add("earlier versions of an edited note (the newest is kept)")
            by_place[entry.span] = entry
        else:
            skips.add("earlier versions of an edited note (the newest is kept)")
    return [by_place[place] for place in sorted(by_place)]


def _when(moment: datetime | None) -> str:
    return utc(moment) if moment is not None else ""


def _highlight(
    book: _Book, newest: _Entry, first: _Entry, group: list[_Entry], notes: list[_Entry]
) -> Incoming:
    created = min((e.meta.added for e in group if e.meta.added), default=None)
    latest = max((e.meta.added for e in [*group, *notes] if e.meta.added), default=None)
    return Incoming(
        id=record_id("kindle", first.title_line, first.meta_line, first.text),
        label=f"{book.title}, {newest.meta.where}",
        target=passage(newest.text, title=book.title, author=book.author),
        note=note("\n\n".join(entry.text for entry in notes)),
        created=_when(created),
        modified=_when(latest),
    )


def _alone(book: _Book, entry: _Entry) -> Incoming:
    """A note that joins no highlight: a note on the book, saying where it was made."""
    where = entry.meta.where
    return Incoming(
        id=record_id("kindle", entry.title_line, entry.meta_line, entry.text),
        label=f"{book.title}, note at {where}",
        motivation="commenting",
        target=passage("", title=book.title, author=book.author),
        note=note(f"{where[:1].upper()}{where[1:]}: {entry.text}"),
        created=_when(entry.meta.added),
        modified=_when(entry.meta.added),
    )
