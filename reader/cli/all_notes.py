"""``reader notes``: every highlight and note of the library, newest first, as the notes
screen lists them and with the same filter.

On a terminal, three lines a note; piped, one line a note with its fields between tabs;
``--json``, every field of every note. Lines are written one by one, never laid out as a
table (which measures every cell first): 50,000 notes take about 2 s piped and 3.5 s on a
terminal, a second of it reading the database.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from reader.cli.common import UserError, open_store, paths_of, say
from reader.db.storage import StoreError
from reader.services.notes_index import (
    ARTICLE_NOTE,
    COLOURS,
    HIGHLIGHT,
    NoteItem,
    NotesIndex,
    Query,
    build,
    colour_names,
    tag_needle,
)
from reader.text.display import as_cell, shorten, visible

# What a terminal shows for each colour: its own hue among the sixteen every terminal has.
SWATCHES = {"yellow": "33", "green": "32", "blue": "34", "pink": "91", "purple": "35"}
# Left in JSON by json.dumps(ensure_ascii=False), and not to be written raw to a terminal:
# C1 controls, bidi controls, line separators, and lone surrogates (not even UTF-8).
# Characters that take one cell each (Latin, Greek, Cyrillic, punctuation, reader's own
# marks): text made of them only is measured by its length, not by Rich's cell_len, which
# looks at every character and took most of the time of printing 50,000 notes.
_NARROW = re.compile(
    "[\x20-\x7e\xa0-\u02ff\u0370-\u0482\u048a-\u052f\u2010-\u2027\u2030-\u205e"
    "\u20a0-\u20bf\u2400-\u2426\u2580-\u259f\u270e\ufffd]*"
)
_JSON_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ud800-\udfff]"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``reader notes``' own arguments."""
    parser.add_argument(
        "words",
        nargs="*",
        metavar="WORDS",
        help='words to find, as the notes screen\'s filter reads them: "a phrase", '
        "'#tag' (quoted: # starts a shell comment), a colour, in:article",
    )
    parser.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="TAG",
        help="only notes with this tag (the whole tag; again for several)",
    )
    parser.add_argument(
        "--colour", "--color", metavar="COLOUR", help="only highlights of this colour"
    )
    parser.add_argument(
        "--article",
        metavar="ARTICLE",
        help="only the articles whose title, file name or id holds this",
    )
    parser.add_argument("--json", action="store_true", help="every field, as JSON, for programs")
    parser.add_argument(
        "--library", metavar="DIR", help="library folder (finds files the database does not know)"
    )


def run_notes(options: argparse.Namespace) -> int:
    """List the notes that the options ask for."""
    from reader.config import load

    paths = paths_of(options)
    settings = load()
    for problem in settings.problems:  # as the app names them at start
        say(f"reader: {problem}", sys.stderr)
    names = {colour: settings.colour_name(colour) for colour in COLOURS}
    library = Path(options.library).expanduser() if options.library else paths.library
    # Looks, and never writes (nor makes) a file.
    store = open_store(paths, writes=False, library=library)
    try:
        index = build(store, library, names)
        skipped = store.take_notices()
    except StoreError as error:  # a table found damaged as it is read
        raise UserError(str(error)) from None
    finally:
        store.close()
    query = _query(options, index)
    found = [index.item(i) for i in index.matching(query)]
    if options.json:
        _write_json(found)
    elif not sys.stdout.isatty():
        _write(_tab_separated(found))
    else:
        _write(_readable(found, index, bool(query)))
    # A notes file that cannot be read is never left unsaid: its notes are missing above.
    for notice in skipped:
        say(f"reader: {notice}", sys.stderr)
    return 2 if skipped else 0


def _query(options: argparse.Namespace, index: NotesIndex) -> Query:
    query = index.parse(" ".join(options.words))
    tags = tuple(tag_needle(tag.strip().lstrip("#"), whole=True) for tag in options.tag)
    colours: frozenset[str] = frozenset()
    if options.colour:
        colour = index.colour_names.get(options.colour.casefold().strip())
        if colour is None:
            known = ", ".join(sorted(set(index.colour_names) | set(colour_names())))
            raise UserError(f"no colour called {options.colour!r} (there are: {known})")
        colours = frozenset({colour})
    articles = (" ".join(options.article.casefold().split()),) if options.article else ()
    return query + Query(tags=tags, colours=colours, articles=articles)


def _write(lines: Iterable[str]) -> None:
    write = sys.stdout.write
    for line in lines:
        write(line)
        write("\n")


def _one_line(text: str) -> str:
    """``text`` on one line, with nothing that could drive the terminal."""
    return visible(" ".join(text.split()))


def _tab_separated(found: list[NoteItem]) -> Iterator[str]:
    """One note a line, for cut, awk and scripts: title, paragraph, colour, tags, quote,
    note, last changed, file. Quote and note whole (on one line): what a script greps
    for must not have been cut off."""
    for item in found:
        paragraph = "" if item.paragraph is None else str(item.paragraph)
        path = "" if item.path is None else str(item.path)
        tags = ",".join(item.tags)
        fields = (item.title, paragraph, item.colour, tags, item.quote, item.note, item.when, path)
        # Each field made safe on its own: the tabs between them are the only ones, and
        # none is a formula to a spreadsheet that opens the file.
        yield "\t".join(as_cell(_one_line(field)) for field in fields)


def _write_json(found: list[NoteItem]) -> None:
    records = [_record(item) for item in found]
    text = json.dumps(records, ensure_ascii=False, indent=2)
    # The same JSON, with what a terminal must not get raw written as \\u escapes.
    sys.stdout.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def _record(item: NoteItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "article_id": item.article_id,
        "title": item.title,
        "path": None if item.path is None else str(item.path),
        "paragraph": item.paragraph,
        # A highlight's place: whether it could be placed in its article's text, and
        # whether it moved where the words around it changed ("moved: check").
        **({"placed": item.placed, "check": item.check} if item.kind == HIGHLIGHT else {}),
        "colour": item.colour or None,
        "tags": list(item.tags),
        "quote": item.quote,
        "note": item.note,
        "created": item.created or None,
        "modified": item.modified or None,
    }


def _readable(found: list[NoteItem], index: NotesIndex, filtered: bool) -> Iterator[str]:
    """Three lines a note, as the notes screen shows them, cut to the terminal's width."""
    width = max(20, shutil.get_terminal_size().columns - 1)
    styled = not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"

    def sgr(code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if styled and text else text

    for item in found:
        swatch = sgr(SWATCHES.get(item.colour, "2"), "▌") + " "
        if item.kind == ARTICLE_NOTE:
            where = "article note"
        elif item.paragraph is None:
            where = item.mark
        else:
            where = " · ".join(part for part in (f"¶ {item.paragraph:,}", item.mark) if part)
        where = "  " + " · ".join(part for part in (where, item.colour, item.when[:10]) if part)
        title = _fit(_one_line(item.title), width - 2 - _cells(where))
        yield swatch + sgr("1", title) + sgr("2", where)
        note = f"✎ {_one_line(item.note[: width * 2])}" if item.note.strip() else ""
        tags = " ".join(f"#{visible(tag)}" for tag in item.tags)
        if item.quote:
            # Cut after a whole word, with "…", inside its quotation marks.
            yield swatch + f"“{_fit(_one_line(item.quote[: width * 2]), width - 4)}”"
        if note or tags:
            # A long note leaves the tags a third of the line, so that they still show.
            kept = min(_cells(tags), (width - 2) // 3) if note else 0
            note = _fit(note, width - 2 - kept - 2 * bool(kept))
            room = width - 2 - _cells(note) - 2 * bool(note)
            tags = _fit(tags, room)
            yield swatch + sgr("3", note) + "  " * bool(note and tags) + sgr("1", tags)
        yield ""
    total = len(index)
    if not total:
        yield "No highlights or notes yet: in an article, h highlights and a writes a note."
    elif not found:
        yield f"No notes match (of {total:,})."
    else:
        count = f"{len(found):,} of {total:,}" if filtered else f"{total:,}"
        yield sgr("2", f"{count} note{'s' * (total != 1)}, newest first")


def _cells(text: str) -> int:
    """How many cells ``text`` takes on a terminal."""
    return len(text) if _NARROW.fullmatch(text) else cell_len(text)


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells, after a whole word and ending in an ellipsis when
    cut (:func:`~reader.text.display.shorten`)."""
    if width <= 1:
        return ""
    if _NARROW.fullmatch(text) and len(text) <= width:
        return text  # the common case, measured without Rich
    # A character takes at most two cells: measure no more (a character past them says
    # that the text goes on).
    return shorten(text[: width * 2 + 1], width)
