"""An EPUB book into one Markdown article: its chapters in reading order.

ebooklib reads the container and the package (title, authors, language, spine, table of
contents); each chapter's XHTML is rendered here. The table of contents decides heading
levels where it points at a heading (or the section holding it); elsewhere a chapter's
own ``h1``-``h6`` are kept relative to each other. Footnotes stay, as text where they are;
images become ``![alt](<file in the book>)``. Links between the book's own files (a "Brief
Contents", a cross-reference, a footnote's number) stay links: every place some link of the
book leads to is kept as an anchor (``<a id="chapter-id"></a>``, which Markdown tools keep
and reader reads back), and the link becomes ``[words](#chapter-id)``. Imported only by
``reader add``.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from reader.intake.book_markup import (
    anchor,
    anchor_id,
    anchored,
    cell_span,
    layout_table,
    link_targets,
    table_rows,
    within,
)
from reader.intake.fetch import decode_html
from reader.intake.html import Extracted, ExtractionError
from reader.intake.markdown import (
    code_block,
    emphasis,
    escape,
    guard_line_start,
    join_inline,
    link,
    one_line,
    plain,
    table,
)

if TYPE_CHECKING:
    from ebooklib.epub import EpubBook, EpubItem
    from lxml.html import HtmlElement

# Font obfuscation (IDPF and Adobe) hides fonts, not text: such a book is readable.
_FONT_OBFUSCATION = (
    "http://www.idpf.org/2008/embedding",
    "http://ns.adobe.com/pdf/enc#RC",
)
_HEADING = re.compile(r"h([1-6])")
_CONTAINERS = frozenset(
    {
        "body",
        "div",
        "section",
        "article",
        "aside",
        "main",
        "header",
        "footer",
        "nav",
        "figure",
        "details",
        "summary",
        "hgroup",
        "center",
        "dl",
        "dd",
        "dt",
        "table",
        "thead",
        "tbody",
        "tfoot",
    }
)
_SKIP = frozenset(
    {
        "script",
        "style",
        "head",
        "title",
        "rt",
        "rp",
        "svg",
        "math",
        "template",
        "audio",
        "video",
        "object",
        "iframe",
        "noscript",
    }
)
_BLOCKS = _CONTAINERS | frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "ul",
        "ol",
        "li",
        "pre",
        "hr",
        "tr",
        "figcaption",
        "address",
    }
)


@dataclass(slots=True)
class _Book:
    """Where each table-of-contents entry points: (file, fragment) -> depth from 1."""

    depths: dict[tuple[str, str], int] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # file -> its first entry's title
    # Where the book's own links lead, (file, fragment; "" for a file's start): anchors.
    targets: set[tuple[str, str]] = field(default_factory=set)
    title: str = ""  # the book's: a picture labelled with it only repeats it


def extract_epub(path: Path) -> Extracted:
    """The book at ``path`` as one article, or an :class:`ExtractionError` saying why not."""
    _check_container(path)
    try:
        from ebooklib import epub  # heavy: imported only when a book is added
    except ImportError as error:  # pragma: no cover - a broken install
        raise ExtractionError(f"EPUB support is not installed ({error})") from None
    try:
        book = epub.read_epub(str(path), options={"ignore_ncx": True})
    except (epub.EpubException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ExtractionError(f"not a readable EPUB ({_reason(error)})") from None
    except Exception as error:
        raise ExtractionError(f"not a readable EPUB ({_reason(error)})") from None
    title = _first(book, "title") or path.stem
    authors = [one_line(value) for value, _ in book.get_metadata("DC", "creator") if value]
    toc = _Book(title=title)
    _read_toc(book.toc, 1, toc)
    chapters: list[tuple[str, bytes]] = []
    for idref, _linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or not _is_document(item):
            continue
        if isinstance(item, epub.EpubNav) or "nav" in (getattr(item, "properties", None) or []):
            continue  # the table of contents itself: the headings already are one
        try:
            content = item.get_content()
        except (KeyError, OSError, zipfile.BadZipFile) as error:
            raise ExtractionError(f"a damaged EPUB ({_reason(error)})") from None
        chapters.append((item.get_name(), content))
    for name, content in chapters:
        toc.targets.update(link_targets(name, content))
    blocks: list[str] = []
    for name, content in chapters:
        blocks.extend(_chapter(content, name, toc))
    markdown = "\n\n".join(blocks)
    words = len(re.findall(r"\w+", markdown))
    if not words:
        raise ExtractionError("the book has no text")
    return Extracted(
        title=one_line(title),
        markdown=markdown + "\n",
        author=", ".join(authors),
        published=_first(book, "date"),
        site=_first(book, "publisher"),
        language=_first(book, "language"),
        words=words,
    )


def _check_container(path: Path) -> None:
    """Refuse what is not a whole, unprotected EPUB before ebooklib reads it."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            damaged = archive.testzip()
            encryption = (
                archive.read("META-INF/encryption.xml")
                if "META-INF/encryption.xml" in names
                else b""
            )
    except zipfile.BadZipFile:
        raise ExtractionError("not an EPUB, or a damaged or truncated one (not a zip)") from None
    except (OSError, EOFError, zipfile.LargeZipFile, NotImplementedError) as error:
        raise ExtractionError(f"a damaged or truncated EPUB ({_reason(error)})") from None
    if damaged is not None:
        raise ExtractionError(f"a damaged or truncated EPUB ({damaged} is corrupt)")
    if "META-INF/container.xml" not in names:
        raise ExtractionError("not an EPUB (no META-INF/container.xml)")
    if "META-INF/rights.xml" in names or _encrypted_text(encryption):
        raise ExtractionError("the book is protected by DRM; reader can only add unprotected EPUBs")


def _encrypted_text(encryption: bytes) -> bool:
    """Whether encryption.xml encrypts anything but fonts."""
    if not encryption:
        return False
    methods = re.findall(rb"""EncryptionMethod[^>]*Algorithm\s*=\s*["']([^"']+)""", encryption)
    return any(m.decode("ascii", "replace") not in _FONT_OBFUSCATION for m in methods)


def _reason(error: BaseException) -> str:
    return one_line(str(error)) or type(error).__name__


def _first(book: EpubBook, name: str) -> str:
    values = book.get_metadata("DC", name)
    return one_line(values[0][0]) if values and values[0][0] else ""


def _is_document(item: EpubItem) -> bool:
    return (getattr(item, "media_type", "") or "") in ("application/xhtml+xml", "text/html")


def _read_toc(entries: Iterable[object], depth: int, toc: _Book) -> None:
    """Record every entry's target and depth; sections may hold entries of their own."""
    for entry in entries:
        children: Iterable[object] = ()
        if isinstance(entry, tuple | list) and len(entry) == 2:
            entry, children = entry
        href = getattr(entry, "href", "") or ""
        if href:
            parts = urlsplit(href)
            name = posixpath.normpath(unquote(parts.path))
            toc.depths.setdefault((name, unquote(parts.fragment)), depth)
            title = one_line(getattr(entry, "title", "") or "")
            if title:
                toc.titles.setdefault(name, title)
        _read_toc(children, depth + 1, toc)


# --- one chapter -----------------------------------------------------------------------------


def _chapter(content: bytes, name: str, toc: _Book) -> list[str]:
    import lxml.html

    text, _ = decode_html(content)
    text = re.sub(r"\A\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str with a declaration
    if not text.strip():
        return []
    try:
        root = lxml.html.document_fromstring(text)
    except Exception:
        return []
    body = root.find("body")
    if body is None:
        body = root
    renderer = _Chapter(name, toc, body)
    if (name, "") in toc.targets:
        renderer.pending.append(anchor_id(name, ""))
    renderer.anchor_of(body)
    blocks = []
    for block in renderer.blocks(body):
        blocks.append(anchored(block, renderer.pending))
        renderer.pending = []
    if not any(b.startswith("#") for b in blocks) and name in toc.titles:
        level = min(6, toc.depths.get((name, ""), 1) + 1)
        blocks.insert(0, f"{'#' * level} {escape(toc.titles[name])}")
    return blocks


class _Chapter:
    """Renders one XHTML document's body as Markdown blocks."""

    def __init__(self, name: str, toc: _Book, body: HtmlElement) -> None:
        self.name = name
        self.directory = posixpath.dirname(name)
        self.toc = toc
        levels = [int(m.group(1)) for e in body.iter() if (m := _HEADING.fullmatch(_tag(e)))]
        self.top = min(levels, default=1)
        entries = [d for (file, _), d in toc.depths.items() if file == name]
        self.base = toc.depths.get((name, ""), min(entries, default=1))
        self.pending: list[str] = []  # anchors for the next block written

    def anchor_of(self, element: HtmlElement) -> None:
        """Keep the element's id for the next block, if a link leads to it."""
        ident = self._target(element)
        if ident:
            self.pending.append(ident)

    def _target(self, element: HtmlElement) -> str:
        """The anchor id of ``element``, if some link of the book leads to it ("" if not)."""
        ident = element.get("id") or element.get("name") if _tag(element) == "a" else None
        ident = ident or element.get("id")
        if ident and (self.name, ident) in self.toc.targets:
            return anchor_id(self.name, ident)
        return ""

    # --- blocks ---

    def blocks(self, element: HtmlElement) -> Iterator[str]:
        """The blocks of a container; inline content between blocks becomes paragraphs."""
        loose: list[str] = [escape(plain(element.text or ""))]
        for child in element:
            tag = _tag(child)
            if tag in _BLOCKS or (tag == "img" and not loose_text(loose)):
                yield from self._paragraph(loose)
                loose = []
                yield from self._block(child)
                loose.append(escape(plain(child.tail or "")))
            else:
                loose.append(self.inline(child))
        yield from self._paragraph(loose)

    def _paragraph(self, parts: list[str]) -> Iterator[str]:
        text = _lines(join_inline(parts))
        if text:
            yield text

    def _block(self, element: HtmlElement) -> Iterator[str]:
        tag = _tag(element)
        if tag in _SKIP or _page_break(element):
            return
        self.anchor_of(element)
        heading = _HEADING.fullmatch(tag)
        if heading:
            text = _lines(self.inline(element, tail=False)).replace("\\\n", " ")
            if text:
                yield f"{'#' * self._level(element, int(heading.group(1)))} {text}"
        elif tag == "table" and not layout_table(element):
            yield from self._table(element)
        elif tag == "tr":
            cells = [_lines(self.inline(cell, tail=False)) for cell in element]
            text = " | ".join(cell.replace("\\\n", " ") for cell in cells if cell)
            if text:
                yield text
        elif tag in ("p", "figcaption", "address"):
            if any(_tag(c) in _BLOCKS for c in element):
                yield from self.blocks(element)  # a <p> holding a list: take it apart
            else:
                text = _lines(self.inline(element, tail=False))
                if text:
                    yield text
        elif tag == "blockquote":
            inner = "\n\n".join(self.blocks(element))
            if inner:
                yield "\n".join(("> " + line).rstrip() for line in inner.split("\n"))
        elif tag in ("ul", "ol"):
            lines = list(self._list(element, tag == "ol", ""))
            if lines:
                yield "\n".join(lines)
        elif tag == "li":
            yield from self._list_items([element], False, "")
        elif tag == "pre":
            text = element.text_content()
            if text.strip():
                yield code_block(text)
        elif tag == "hr":
            return
        elif tag == "img":
            image = self._image(element)
            if image:
                yield image
        else:  # a container: section, div, aside (a footnote), figure...
            yield from self.blocks(element)

    def _table(self, element: HtmlElement) -> Iterator[str]:
        """A data table as a GFM table (its caption a paragraph before it); a cell that
        spans columns or rows leaves empty cells where it reaches, so none is out of place."""
        caption = next((c for c in element if _tag(c) == "caption"), None)
        if caption is not None:
            yield from self._paragraph([self.inline(caption, tail=False)])
        rows: list[list[str]] = []
        below: dict[int, int] = {}  # column -> rows a cell above still spans
        heads = 0  # the header's rows: those of all <th> at the top
        for tr in table_rows(element):
            cells = [cell for cell in tr if _tag(cell) in ("td", "th")]
            if heads == len(rows) and cells and all(_tag(c) == "th" for c in cells):
                heads += 1
            row: list[str] = []
            for cell in tr:
                if _tag(cell) not in ("td", "th"):
                    continue
                while below.get(len(row)):
                    below[len(row)] -= 1
                    row.append("")
                reach = cell_span(cell.get("rowspan"))
                for _ in range(cell_span(cell.get("colspan"))):
                    if reach > 1:
                        below[len(row)] = reach - 1
                    row.append("")
                row[len(row) - cell_span(cell.get("colspan"))] = _lines(
                    self.inline(cell, tail=False)
                )
            while below.get(len(row)):
                below[len(row)] -= 1
                row.append("")
            rows.append(row)
        if heads > 1:  # GFM has one header row: the header's rows as one, column by column
            width = max(len(row) for row in rows[:heads])
            merged = [
                " ".join(row[n] for row in rows[:heads] if n < len(row) and row[n])
                for n in range(width)
            ]
            rows[:heads] = [merged]
        text = table(rows)
        if text:
            yield text

    def _level(self, element: HtmlElement, number: int) -> int:
        """A heading's level: from the table of contents where it points at the heading
        or at a section holding it, else from the chapter's own heading numbers."""
        node: HtmlElement | None = element
        while node is not None:
            ident = node.get("id")
            depth = self.toc.depths.get((self.name, ident)) if ident else None
            if depth is not None:
                first = next(
                    (int(m.group(1)) for e in node.iter() if (m := _HEADING.fullmatch(_tag(e)))),
                    number,
                )
                return max(2, min(6, depth + 1 + number - first))
            node = node.getparent()
        return max(2, min(6, self.base + 1 + number - self.top))

    def _list(self, element: HtmlElement, ordered: bool, indent: str) -> Iterator[str]:
        items = [child for child in element if _tag(child) == "li"]
        yield from self._list_items(items, ordered, indent)

    def _list_items(self, items: list[HtmlElement], ordered: bool, indent: str) -> Iterator[str]:
        number = 1
        for item in items:
            nested = [c for c in item if _tag(c) in ("ul", "ol")]
            ident = self._target(item)
            parts = [anchor(ident) if ident else "", escape(plain(item.text or ""))]
            for child in item:
                if child in nested:
                    parts.append(escape(plain(child.tail or "")))
                elif _tag(child) in _BLOCKS:
                    parts.append(" " + self.inline(child, tail=False) + " ")
                    parts.append(escape(plain(child.tail or "")))
                else:
                    parts.append(self.inline(child))
            text = _lines(join_inline(parts)).replace("\\\n", " ")
            marker = f"{number}." if ordered else "-"
            if text:
                yield f"{indent}{marker} {text}"
                number += 1
            inner = indent + " " * (len(marker) + 1)
            for child in nested:
                yield from self._list(child, _tag(child) == "ol", inner)

    # --- inline ---

    def inline(self, element: HtmlElement, tail: bool = True) -> str:
        """``element`` as inline Markdown (escaped), followed by its tail."""
        tag = _tag(element)
        after = escape(plain(element.tail or "")) if tail else ""
        if tag in _SKIP or _page_break(element):
            return after
        if tag == "br":
            return "\n" + after
        if tag == "img":
            return self._image(element) + after
        ident = self._target(element)
        parts = [escape(plain(element.text or ""))]
        parts.extend(self.inline(child) for child in element)
        inner = join_inline(parts)
        if tag in ("em", "i", "cite", "dfn", "var"):
            inner = emphasis("*", inner)
        elif tag in ("strong", "b"):
            inner = emphasis("**", inner)
        elif tag in ("s", "del", "strike"):
            inner = emphasis("~~", inner)
        elif tag == "a":
            inner = self._link(element, inner)
        elif tag in _BLOCKS:
            inner = f" {inner} "
        if ident:
            inner = anchor(ident) + inner  # outside the link or emphasis it marks
        return inner + after

    def _link(self, element: HtmlElement, inner: str) -> str:
        kind = element.get("{http://www.idpf.org/2007/ops}type") or element.get("epub:type") or ""
        href = element.get("href") or ""
        note = any(word in kind for word in ("noteref", "annoref", "biblioref", "glossref"))
        if "noteref" in kind and inner.strip() and not inner.strip().startswith("\\["):
            inner = f"\\[{inner.strip()}\\]"
        if re.match(r"(?i)(https?|mailto):", href):
            return link(inner, href)
        target = within(self.name, href)
        if target is None or not inner.strip() or "](" in inner:
            return inner  # an address reader does not follow, or a link inside a link
        # A footnote's link says so ("note", its title), so that it opens in a box.
        title = ' "note"' if note else ""
        return f"[{inner}](#{anchor_id(*target)}{title})"

    def _image(self, element: HtmlElement) -> str:
        """An image as Markdown's ``![alt](<file in the book>)``, which reader shows as a
        one-line placeholder (its alt text, or "image" and the file's name) and opens on
        enter; a cover, or a picture that only repeats the book's title, is left out."""
        label = one_line(element.get("alt") or element.get("title") or "")
        if _same_words(label, self.toc.title) or _same_words(label, "cover image"):
            return ""
        if _same_words(label, "cover"):
            return ""
        target = within(self.name, element.get("src") or "")
        if target is None:
            return f"\\[{escape(label)}\\]" if label else ""
        return f"![{escape(label)}](<{quote(target[0], safe='/')}>)"


def _same_words(one: str, other: str) -> bool:
    """Whether two labels say the same words (case and punctuation forgiven)."""
    words = re.findall(r"\w+", one.casefold())
    return bool(words) and words == re.findall(r"\w+", other.casefold())


def loose_text(parts: list[str]) -> bool:
    """Whether collected inline parts hold any words."""
    return any(part.strip() for part in parts)


def _page_break(element: HtmlElement) -> bool:
    """A printed page's number, marked in the text: not words of the book."""
    kind = element.get("epub:type") or element.get("role") or ""
    return "pagebreak" in kind


def _tag(element: HtmlElement) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _lines(text: str) -> str:
    """Inline Markdown as a paragraph: lines trimmed, each guarded, joined by hard breaks."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\\\n".join(guard_line_start(line) for line in lines if line)
