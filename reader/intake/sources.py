"""Lists of addresses for ``reader add --from FILE``.

Three shapes, told apart by their content: a plain list (one address a line; blank lines
and ``#`` comments skipped), a Pocket export (``ril_export.html``: links in a list) and an
Instapaper CSV export (a header with a ``URL`` column). Stdlib only.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

MAX_LIST_BYTES = 64 * 1024 * 1024


class SourceListError(Exception):
    """The list could not be read; the message is for the user."""


def read_sources(path: Path) -> list[str]:
    """The sources listed in ``path``, in order."""
    try:
        if path.stat().st_size > MAX_LIST_BYTES:
            raise SourceListError(f"{path} is too large for a list of addresses")
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceListError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SourceListError(f"{path} is a folder, not a list of addresses") from None
    except OSError as error:
        raise SourceListError(f"{path}: {error.strerror or error}") from None
    if b"\x00" in data[:8000]:
        raise SourceListError(f"{path} is a binary file, not a list of addresses")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", "replace")
    return parse_sources(text)


def parse_sources(text: str) -> list[str]:
    """The sources in a list's text, whichever of the three shapes it has."""
    head = text.lstrip()[:2000].lower()
    if head.startswith("<") or ("<a " in head and "href" in head):
        return pocket_links(text)
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if re.search(r"(?i)(^|,)\s*\"?url\"?\s*(,|$)", first):
        return csv_links(text)
    return plain_links(text)


def plain_links(text: str) -> list[str]:
    """One address (or file) a line; blank lines and ``#`` comments skipped."""
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href and href.strip():
                self.links.append(href.strip())


def pocket_links(text: str) -> list[str]:
    """The ``href`` of every link in a Pocket export (its unread and archived lists)."""
    parser = _Anchors()
    parser.feed(text)
    parser.close()
    return parser.links


def csv_links(text: str) -> list[str]:
    """The ``URL`` column of an Instapaper export (URL,Title,Selection,Folder,Timestamp)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, [])
    columns = [name.strip().lower() for name in header]
    if "url" not in columns:
        return []
    at = columns.index("url")
    return [row[at].strip() for row in reader if len(row) > at and row[at].strip()]
