"""What a book's XHTML says besides its words, for :mod:`reader.intake.epub`: where its own
links lead and the anchors written for them, and the shape of its tables."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# --- links within the book -----------------------------------------------------------------

_HREF = re.compile(rb"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_NOT_AN_ID = re.compile(r"[^\w.-]+")
_BLOCK_START = re.compile(r"^((?:> ?)*(?:#{1,6} +|[-*+] +|\d{1,9}[.)] +)?)")


def link_targets(name: str, content: bytes) -> Iterator[tuple[str, str]]:
    """Where the links of one of the book's files lead, in the book's own terms (a quick
    look at the bytes: the file is parsed once, later)."""
    for match in _HREF.finditer(content):
        raw = (match.group(1) or match.group(2) or b"").decode("utf-8", "replace")
        target = within(name, raw)
        if target is not None:
            yield target


def within(name: str, href: str) -> tuple[str, str] | None:
    """The (file, fragment) inside the book that ``href``, in file ``name``, names; None
    for an address outside it."""
    href = html.unescape(href.strip())
    if not href or re.match(r"(?i)[a-z][a-z0-9+.-]*:", href):
        return None
    parts = urlsplit(href)
    if parts.path:
        file = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path)))
    else:
        file = name
    return file, unquote(parts.fragment)


def anchor_id(file: str, fragment: str) -> str:
    """The anchor written for a place in the book: the file's name and the element's id,
    made one Markdown-safe id (a book's ids repeat from one file to the next)."""
    base = _NOT_AN_ID.sub("-", posixpath.splitext(file)[0]).strip("-") or "part"
    if not fragment:
        return base
    return f"{base}-{_NOT_AN_ID.sub('-', fragment).strip('-')}"


def anchor(ident: str) -> str:
    return f'<a id="{ident}"></a>'


def anchored(block: str, anchors: list[str]) -> str:
    """``block`` with its anchors just inside its markers (after "## ", "> ", "- ")."""
    if not anchors or block.startswith(("```", "~~~")):
        return block  # a code block shows its lines as they are: no place for markup
    prefix = _BLOCK_START.match(block)
    at = prefix.end() if prefix else 0
    if block.startswith("| "):
        at = 2  # inside a table's first cell: before its first bar, it would be no table
    return block[:at] + "".join(anchor(ident) for ident in anchors) + block[at:]


_LAYOUT = frozenset({"table", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"})


def table_rows(element: HtmlElement) -> Iterator[HtmlElement]:
    """A table's rows, in its head, bodies and foot or directly in it (not a nested table's)."""
    for child in element:
        tag = _tag(child)
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (row for row in child if _tag(row) == "tr")


def layout_table(element: HtmlElement) -> bool:
    """Whether a table lays a page out (a cell holds a list, a heading, another table...)
    or has a single column: its cells are then read as blocks, not as a table."""
    columns = 0
    for row in table_rows(element):
        cells = [cell for cell in row if _tag(cell) in ("td", "th")]
        columns = max(columns, sum(cell_span(cell.get("colspan")) for cell in cells))
        for cell in cells:
            if any(_tag(inner) in _LAYOUT for inner in cell.iterdescendants()):
                return True
    return columns < 2


def cell_span(value: str | None) -> int:
    """A colspan or rowspan, kept sane (a hostile 10**9 spans no more than 50)."""
    try:
        return max(1, min(50, int(value or 1)))
    except ValueError:
        return 1


def _tag(element: HtmlElement) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()
