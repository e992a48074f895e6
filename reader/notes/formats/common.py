"""What every reader of another tool's file shares: the reading, its skips, limits, dates.

No store, no Textual: each format's module turns a file into :class:`Reading` (the
:class:`~reader.notes.incoming.Incoming` annotations it holds, and what it skipped and
why), and the importer does the rest.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from reader.notes.incoming import Incoming, Passage, Raw
from reader.text.display import editable, note_text

MAX_TEXT = 100_000
"""Characters of one highlight or note at the most: a tool's highlight is a passage, not a
book (Kindle stops a clipping at a few hundred words); longer is not a highlight."""
MAX_FILE = 256 * 1024 * 1024
"""Bytes of a file read whole (JSON, Lua) or of a zip's member, at the most."""
MAX_MEMBERS = 100_000
"""Files in a zip at the most."""


class FormatError(Exception):
    """The file cannot be read as the format it was taken for; the message says why."""


@dataclass(slots=True)
class Skips:
    """What a reading left out on purpose, by reason, with how many of each."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, reason: str, count: int = 1) -> None:
        """Count ``count`` records left out for ``reason`` (a phrase: "bookmarks")."""
        self.counts[reason] = self.counts.get(reason, 0) + count

    @property
    def total(self) -> int:
        """How many records were left out, whatever the reason."""
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        """One line a reason, the most frequent first: ``bookmarks (5)``."""
        ordered = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))
        return [f"{reason} ({count:,})" for reason, count in ordered]


@dataclass(slots=True)
class Reading:
    """A file read: its kind ("Kindle clippings"), its annotations, and what was skipped."""

    kind: str
    items: list[Incoming]
    skips: Skips


def passage(
    quote: str, *, title: str = "", author: str = "", source: str = "", file: str = ""
) -> Passage:
    """The target of a highlight known by its words alone (as every tool but reader's own
    and Hypothesis's writes them): the quote places it."""
    selector: Raw = {"type": "TextQuoteSelector", "exact": quote} if quote else {}
    return Passage(
        source.strip(),
        file=file.strip(),
        title=one_line(title),
        author=one_line(author),
        quote=selector,
    )


def one_line(text: str) -> str:
    """A title or a name on one line, as reader keeps typed text (controls as placeholders)."""
    return editable(" ".join(text.split()))


def note(text: str) -> str:
    """A note as reader keeps one (line ends ``\\n``, other controls as placeholders)."""
    return note_text(text.strip())


def quote_text(text: str) -> str:
    """The words of a highlight as they are looked for: line ends ``\\n``, no blank edges."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def tags_of(text: str, separators: str = ",") -> list[str]:
    """Tags written in one field, separated by ``separators`` (commas), each on one line."""
    found: list[str] = [text]
    for separator in separators:
        found = [piece for part in found for piece in part.split(separator)]
    return [tag for tag in (one_line(piece) for piece in found) if tag]


_COLOURS = {
    "yellow": "yellow",
    "orange": "yellow",
    "gold": "yellow",
    "green": "green",
    "olive": "green",
    "blue": "blue",
    "cyan": "blue",
    "pink": "pink",
    "red": "pink",
    "magenta": "pink",
    "purple": "purple",
    "violet": "purple",
}


def colour_of(name: object) -> str:
    """Another tool's colour name as the nearest of reader's five ("" when it has none)."""
    return _COLOURS.get(str(name or "").strip().lower(), "")


def utc(moment: datetime) -> str:
    """``moment`` as ISO 8601 UTC to the second (a naive time is taken as this machine's
    local time, as the devices that write one meant it)."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_epoch(value: object) -> str:
    """Seconds since 1970 (a number, or its digits; milliseconds too) as ISO 8601 UTC, or
    "" when it is not one."""
    try:
        seconds = float(str(value).strip())
    except ValueError:
        return ""
    if seconds > 1e11:  # milliseconds: no tool was used in the year 5138
        seconds /= 1000
    if not 0 < seconds < 4e9:
        return ""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(value: object) -> str:
    """An ISO 8601 date or time (``2024-03-03 21:15:00+00:00``, ``2024-03-03T21:15:00Z``)
    as ISO 8601 UTC, or "" when it is not one; a time without an offset is local."""
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return ""
    return utc(moment)


def read_limited(handle: IO[bytes], name: str, limit: int = MAX_FILE) -> bytes:
    """At most ``limit`` bytes of ``handle``; a longer file is refused (never read whole)."""
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise FormatError(f"{name} is larger than {limit // (1024 * 1024)} MB")
    return data


def zip_members(archive: zipfile.ZipFile, name: str) -> list[zipfile.ZipInfo]:
    """The files of a zip (folders left out), refused when there are too many to be an
    export."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > MAX_MEMBERS:
        raise FormatError(f"{name} holds more than {MAX_MEMBERS:,} files")
    return members


def zip_read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """One member of a zip, at most :data:`MAX_FILE` bytes however big it says it is (a
    zip bomb says it is small, then unpacks to gigabytes)."""
    try:
        with archive.open(info) as handle:
            return read_limited(handle, f"{name}: {info.filename}")
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as error:
        raise FormatError(f"{name}: {info.filename} cannot be read ({error})") from None


def text_of(data: bytes) -> str:
    """Bytes of a text file as text (UTF-8, with or without a byte-order mark; a byte that
    is not UTF-8 becomes U+FFFD rather than stopping the import)."""
    return data.decode("utf-8-sig", errors="replace")


def read_json(path: Path) -> object:
    """A JSON file's document (FormatError when it is not JSON, or too large)."""
    try:
        with path.open("rb") as handle:
            return json.loads(text_of(read_limited(handle, path.name)))
    except OSError as error:
        raise FormatError(f"{path.name} cannot be read ({error.strerror or error})") from None
    except (ValueError, RecursionError) as error:
        raise FormatError(f"{path.name} is not readable JSON ({error})") from None
