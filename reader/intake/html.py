"""A web page into an article: trafilatura finds the text, this module writes Markdown.

trafilatura (and lxml under it) is imported only here, and only when a page is added:
reader's start-up never pays for it. Its XML result (``head``, ``p``, ``list``/``item``,
``quote``, ``hi``, ``ref``, ``graphic``, ``table``, ``code``...) is rendered by
:func:`render` into Markdown that reader's loader reads back block for block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reader.intake.markdown import (
    code_block,
    code_span,
    emphasis,
    escape,
    guard_line_start,
    link,
    one_line,
    plain,
)

if TYPE_CHECKING:
    from lxml.etree import _Element

# Fewer words than this is not an article: a cookie wall, a login page, an error page.
MIN_WORDS = 25
# readability-lxml's body is taken when it holds this many times trafilatura's words.
FALLBACK_RATIO = 2.0
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")
_EMPHASIS = {"#i": "*", "#u": "*", "#b": "**", "#t": "`"}
_HEADING_LEVEL = re.compile(r"h([1-6])")
# Blocks trafilatura may nest inside one another.
_BLOCKS = frozenset({"p", "head", "list", "quote", "table", "code", "graphic", "div"})


@dataclass(frozen=True, slots=True)
class Extracted:
    """An article as found in a page or a book: its metadata and its Markdown body."""

    title: str
    markdown: str
    author: str = ""
    published: str = ""
    site: str = ""
    canonical: str = ""
    language: str = ""
    words: int = 0
    extra: dict[str, str] = field(default_factory=dict)


class ExtractionError(Exception):
    """The page has no article text; the message says why, for the user."""


def extract(html: str, url: str = "") -> Extracted:
    """The article in ``html`` (a page from ``url``, which makes its links absolute).

    Three steps, each measured on the extraction benchmark (see the README): trafilatura
    finds the text; when readability-lxml finds more than twice as many words, its
    choice of the page's body is taken (trafilatura still renders it); the images of the
    chosen body are then put back in place as their alt text, from a second pass that
    keeps them (a first pass with images finds their captions too, which lowers the
    precision).
    """
    document = _trafilatura(html, url, with_metadata=True)
    if document is None:
        raise ExtractionError("no article text found")
    canonical = one_line(document.url or "")
    base = url or canonical
    title = _clean_title(one_line(document.title or ""), one_line(document.sitename or ""))
    body = document.body
    blocks = list(render(body, base)) if body is not None else []
    content = html
    other = _readability(html, url)
    found = sum(len(_key(block).split()) for block in blocks)
    if other and _word_count(_text_of(other)) > FALLBACK_RATIO * found:
        second = _trafilatura(_wrap_body(other), url, with_metadata=False)
        if second is not None and second.body is not None:
            blocks = list(render(second.body, base))
            content = _wrap_body(other)
    blocks = _with_images(blocks, content, url, base)
    blocks = _drop_title_heading(blocks, title)
    markdown = "\n\n".join(blocks)
    words = sum(len(_key(block).split()) for block in blocks)
    if words < MIN_WORDS:
        raise ExtractionError("no article text found")
    return Extracted(
        title=title,
        markdown=markdown + "\n",
        author=one_line(document.author or ""),
        published=one_line(document.date or ""),
        site=one_line(document.sitename or document.hostname or ""),
        canonical=canonical,
        language=one_line(document.language or ""),
        words=words,
    )


def _trafilatura(html: str, url: str, *, with_metadata: bool, images: bool = False) -> Any:
    """trafilatura's Document for ``html`` (None when it finds nothing)."""
    import trafilatura  # heavy: imported only when a page is added

    try:
        return trafilatura.bare_extraction(
            html,
            url=url or None,
            with_metadata=with_metadata,
            include_comments=False,  # readers' comments are not the article
            include_links=True,  # keeps links, and finds the text better (measured)
            include_images=images,
            include_formatting=True,
            include_tables=True,
            # A date the page states (its metadata, a byline), never one guessed from a
            # "Copyright 2026" footer or a year in the text: no date is better than a wrong one.
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except (ValueError, TypeError) as error:  # its way of saying the page did not parse
        raise ExtractionError(f"not a readable HTML page ({error or 'no text'})") from None


def _readability(html: str, url: str) -> str:
    """The body readability-lxml picks, as HTML ("" when it finds none or fails)."""
    try:
        from readability import Document  # imported only when a page is added
        from readability.readability import Unparseable
    except ImportError:  # an optional second opinion
        return ""
    import logging

    # It logs every page it finds hard at WARNING; the user sees our one line instead.
    logging.getLogger("readability.readability").setLevel(logging.ERROR)
    try:
        return Document(html, url=url or None).summary(html_partial=True)
    except (Unparseable, ValueError, TypeError):
        return ""


def _wrap_body(fragment: str) -> str:
    return f"<html><body><article>{fragment}</article></body></html>"


def _text_of(fragment: str) -> str:
    import lxml.html

    try:
        return lxml.html.fromstring(fragment).text_content()
    except (ValueError, TypeError):
        return ""


def _word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _with_images(blocks: list[str], html: str, url: str, base: str) -> list[str]:
    """``blocks`` with the images of the page's body, each after the block it follows."""
    document = _trafilatura(html, url, with_metadata=False, images=True)
    if document is None or document.body is None:
        return blocks
    position = {_key(block): index for index, block in enumerate(blocks)}
    after: dict[int, list[str]] = {}
    anchor = -1  # before the first block
    for element in document.body.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "graphic":
            image = _image(element, base)
            if image and image not in after.get(anchor, []):
                after.setdefault(anchor, []).append(image)
        elif tag in ("p", "head", "item", "quote", "row", "code"):
            found = position.get(_key(_inline_block(element, base)))
            if found is not None:
                anchor = found
    if not after:
        return blocks
    merged = list(after.get(-1, []))
    for index, block in enumerate(blocks):
        merged.append(block)
        merged.extend(after.get(index, []))
    return merged


def _key(block: str) -> str:
    """A block's words, to recognise it in another pass's rendering."""
    return " ".join(_words(re.sub(r"\]\(<[^>]*>\)", "]", block)))


def _clean_title(title: str, site: str) -> str:
    """The page's title without the site's name tacked on ("Story - The Paper")."""
    if not site:
        return title
    for separator in _TITLE_SEPARATORS:
        head, sep, tail = title.rpartition(separator)
        if sep and head.strip() and tail.strip().casefold() == site.casefold():
            return head.strip()
    return title


def _drop_title_heading(blocks: list[str], title: str) -> list[str]:
    """Drop a first heading that repeats the title: reader shows the title already."""
    if blocks and blocks[0].startswith("#") and title:
        heading = re.sub(r"\\(.)", r"\1", blocks[0].lstrip("#").strip())
        heading = re.sub(r"\[(.*)\]\(<[^>]*>\)", r"\1", heading).strip("*_ ")
        if _words(heading) == _words(title):
            return blocks[1:]
    return blocks


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


# --- rendering trafilatura's XML as Markdown ----------------------------------------------------


def render(body: _Element, base: str = "") -> Iterator[str]:
    """The Markdown blocks of trafilatura's ``body`` element, in order."""
    yield from _blocks(body, base)


def _blocks(parent: _Element, base: str) -> Iterator[str]:
    """Block-level children of ``parent``; loose text between them becomes a paragraph."""
    loose = plain(parent.text or "")
    if loose.strip():
        yield guard_line_start(escape(loose.strip()))
    for child in parent:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "head":
            text = _inline_block(child, base)
            if text:
                match = _HEADING_LEVEL.fullmatch(child.get("rend") or "")
                level = int(match.group(1)) if match else 2
                yield f"{'#' * level} {text}"
        elif tag == "list":
            lines = list(_list(child, base, ordered=(child.get("rend") or "") == "ol"))
            if lines:
                yield "\n".join(lines)
        elif tag == "quote":
            inner = list(_blocks(child, base)) or []
            if inner:
                yield _prefix("\n\n".join(inner), "> ")
        elif tag == "table":
            yield from _table(child, base)
        elif tag == "code":
            text = "".join(child.itertext())
            if text.strip():
                yield code_block(text)
        elif tag == "graphic":
            image = _image(child, base)
            if image:
                yield image
        elif tag in ("p", "div") and any(c.tag in _BLOCKS - {"graphic"} for c in child):
            yield from _blocks(child, base)  # a paragraph holding blocks: take them apart
        elif tag:
            text = _inline_block(child, base)
            if text:
                yield text
        tail = plain(child.tail or "")
        if tail.strip():
            yield guard_line_start(escape(tail.strip()))


def _prefix(text: str, prefix: str) -> str:
    return "\n".join((prefix + line).rstrip() for line in text.split("\n"))


def _inline_block(element: _Element, base: str) -> str:
    """One paragraph (or heading) of inline Markdown; line breaks kept as hard breaks."""
    text = _inline(element, base, with_tail=False)
    lines = [line.strip() for line in text.split("\n")]
    lines = [guard_line_start(line) for line in lines if line]
    return "\\\n".join(lines)


def _inline(element: _Element, base: str, with_tail: bool = True) -> str:
    """``element``'s text and children as inline Markdown (escaped), and its tail."""
    parts = [escape(plain(element.text or ""))]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "lb":
            parts.append("\n")
            parts.append(escape(plain(child.tail or "")))
            continue
        inner = _inline(child, base, with_tail=False)
        if tag == "hi":
            marker = _EMPHASIS.get(child.get("rend") or "", "")
            if marker == "`":
                inner = code_span("".join(child.itertext()))
            elif marker:
                inner = emphasis(marker, inner)
        elif tag == "ref":
            inner = link(inner, child.get("target"), base)
        elif tag == "del":
            inner = emphasis("~~", inner)
        elif tag == "code":
            inner = code_span("".join(child.itertext()))
        elif tag == "graphic":
            inner = _image(child, base)
        parts.append(inner)
        parts.append(escape(plain(child.tail or "")))
    text = "".join(parts)
    if with_tail:
        text += escape(plain(element.tail or ""))
    return text


def _image(element: _Element, base: str) -> str:
    """An image as its alt text (or title) linking to the picture; nothing without words."""
    label = one_line(element.get("alt") or element.get("title") or "")
    if not label:
        return ""
    return link(escape(label), element.get("src"), base)


def _list(element: _Element, base: str, ordered: bool, indent: str = "") -> Iterator[str]:
    """A list's items, one line each; a nested list indented under its item's text."""
    number = 1
    for item in element:
        if item.tag != "item":
            continue
        nested = [c for c in item if c.tag == "list"]
        for child in nested:
            item.remove(child)  # rendered after the item's own text
            child.tail = None
        text = _inline_block(item, base).replace("\\\n", " ")
        marker = f"{number}." if ordered else "-"
        if text:
            yield f"{indent}{marker} {text}"
            number += 1
        inner = indent + " " * (len(marker) + 1)
        for child in nested:
            yield from _list(child, base, (child.get("rend") or "") == "ol", inner)


def _table(element: _Element, base: str) -> Iterator[str]:
    """A table as one paragraph per row, its cells separated by a bar."""
    for row in element.iter("row"):
        cells = [_inline_block(cell, base).replace("\\\n", " ") for cell in row]
        cells = [cell for cell in cells if cell]
        if cells:
            yield " | ".join(cells)
