"""Markdown's blocks as reader's: markdown-it-py's tokens into drafts of headings,
paragraphs, quotes, list items, code and tables, each with its plain text, its inline spans
and its anchors (``<a id>``). Offsets are given later, when the drafts are placed.

Never imports Textual; markdown-it-py is imported on the first parse.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from reader.model import BlockKind, Span, SpanKind

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
    from markdown_it.utils import EnvType

_INLINE_SPECIAL = re.compile(r"[\\`*_\[\]<>&!~]| \n|\n ")
_ANCHOR = re.compile(
    r"""<a\s+(?:id|name)\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)'|([^\s"'<>=`]+))\s*/?>""",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Draft:
    kind: BlockKind
    text: str
    level: int = 0
    marker: str = ""
    spans: tuple[Span, ...] = ()
    ids: tuple[str, ...] = ()


@functools.cache
def markdown_parser() -> MarkdownIt:  # imported lazily to keep `reader list` light
    # One for all: building it costs more than parsing an article (each parse keeps its
    # state apart, so threads may share it).
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["strikethrough", "table"])


@dataclass(slots=True)
class _OpenList:
    """A list being read: whether it is numbered, and the number its next item gets."""

    ordered: bool
    number: int


def drafts(tokens: list[Token], md: MarkdownIt, env: EnvType) -> Iterator[Draft]:
    """Turn markdown-it block tokens into drafts (one per heading, paragraph, code...)."""
    quote_depth = 0
    lists: list[_OpenList] = []
    item_marker: str | None = None
    heading_level = 0
    table: _Table | None = None
    for token in tokens:
        kind = token.type
        if table is not None:
            if kind == "table_close":
                yield table.draft()
                table = None
            else:
                table.take(token, md, env)
            continue
        if kind == "table_open":
            table = _Table()
        elif kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind in ("bullet_list_open", "ordered_list_open"):
            ordered = kind == "ordered_list_open"
            first = int(token.attrGet("start") or 1) if ordered else 0
            lists.append(_OpenList(ordered, first))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            current = lists[-1]
            item_marker = f"{current.number}{token.markup or '.'}" if current.ordered else "•"
            current.number += 1
        elif kind == "heading_open":
            heading_level = int(token.tag[1:])
        elif kind == "inline":
            text, spans, ids = _inline(token.content, md, env)
            if not text.strip():
                heading_level = 0
                continue
            if heading_level:
                yield Draft(BlockKind.HEADING, text, heading_level, "", spans, ids)
                heading_level = 0
            elif lists:
                marker = item_marker or ""
                item_marker = None
                yield Draft(BlockKind.ITEM, text, len(lists), marker, spans, ids)
            elif quote_depth:
                yield Draft(BlockKind.QUOTE, text, quote_depth, "", spans, ids)
            else:
                yield Draft(BlockKind.PARAGRAPH, text, 0, "", spans, ids)
        elif kind in ("fence", "code_block", "html_block"):
            text = token.content.rstrip("\n")
            if text.strip():
                yield Draft(BlockKind.CODE, text, quote_depth or len(lists))


_ALIGNS = {"text-align:left": "l", "text-align:center": "c", "text-align:right": "r"}


class _Table:
    """A GFM table being read: its rows of cells, each cell's text, spans and anchors."""

    def __init__(self) -> None:
        self.rows: list[list[tuple[str, tuple[Span, ...], tuple[str, ...]]]] = []
        self.header = 0
        self.aligns: list[str] = []

    def take(self, token: Token, md: MarkdownIt, env: EnvType) -> None:
        """One token of the table's."""
        kind = token.type
        if kind == "tr_open":
            self.rows.append([])
        elif kind == "th_open" and len(self.rows) == 1:
            self.header = 1
            self.aligns.append(_ALIGNS.get(str(token.attrGet("style") or ""), "l"))
        elif kind == "inline" and self.rows:
            text, spans, ids = _inline(token.content, md, env)
            # A tab or a line end would start another cell or row of the block's text.
            self.rows[-1].append((text.replace("\t", " ").replace("\n", " "), spans, ids))

    def draft(self) -> Draft:
        """The table as one block: rows a line, cells separated by tabs."""
        parts: list[str] = []
        spans: list[Span] = []
        ids: list[str] = []
        at = 0
        for number, row in enumerate(self.rows):
            for column, (text, cell_spans, cell_ids) in enumerate(row):
                if column:
                    parts.append("\t")
                    at += 1
                spans.extend(Span(s.start + at, s.end + at, s.kind, s.href) for s in cell_spans)
                ids.extend(cell_ids)
                parts.append(text)
                at += len(text)
            if number + 1 < len(self.rows):
                parts.append("\n")
                at += 1
        aligns = "".join(self.aligns)
        return Draft(BlockKind.TABLE, "".join(parts), self.header, aligns, tuple(spans), tuple(ids))


def _inline(
    content: str, md: MarkdownIt, env: EnvType
) -> tuple[str, tuple[Span, ...], tuple[str, ...]]:
    """Plain text, spans and anchor ids of one inline run; skips the inline parser for
    plain prose."""
    if not _INLINE_SPECIAL.search(content):
        return content.replace("\n", " "), (), ()
    children: list[Token] = []
    md.inline.parse(content, md, env, children)
    parts: list[str] = []
    spans: list[Span] = []
    length = 0
    open_spans: list[tuple[SpanKind, int, str | None]] = []
    ids: list[str] = []
    open_anchors = 0  # <a id> tags open, whose </a> is markup too
    closers = {"em_close", "strong_close", "link_close", "s_close"}
    openers = {
        "em_open": SpanKind.EMPHASIS,
        "strong_open": SpanKind.STRONG,
        "link_open": SpanKind.LINK,
        "s_open": SpanKind.STRIKE,
    }
    for child in children:
        kind = child.type
        if kind == "image":
            # A one-line placeholder: its alt text, or "image" and the file's name; the
            # span keeps where the picture is, for enter to open it.
            src = str(child.attrGet("src") or "")
            alt = " ".join(child.content.split())
            piece = alt or f"image {unquote(posixpath.basename(urlsplit(src).path)) or src}"
            piece = piece.strip()
            spans.append(Span(length, length + len(piece), SpanKind.IMAGE, src))
            parts.append(piece)
            length += len(piece)
        elif kind in openers:
            href = child.attrGet("href") if kind == "link_open" else None
            span_kind = openers[kind]
            if kind == "link_open" and child.attrGet("title") == "note":
                span_kind = SpanKind.NOTE  # as reader add marks a book's footnote links
            open_spans.append((span_kind, length, str(href) if href is not None else None))
        elif kind in closers:
            if open_spans:
                span_kind, start, href = open_spans.pop()
                if length > start:
                    spans.append(Span(start, length, span_kind, href))
        elif kind == "html_inline" and (anchor := _ANCHOR.fullmatch(child.content)):
            # An anchor that reader add keeps (or any <a id> / <a name>): a place for
            # "#id" links, not words.
            ids.append(html.unescape(anchor.group(1) or anchor.group(2) or anchor.group(3)))
            open_anchors += 1
        elif kind == "html_inline" and open_anchors and child.content.lower() == "</a>":
            open_anchors -= 1
        else:
            if kind == "softbreak":
                piece = " "
            elif kind == "hardbreak":
                piece = "\n"
            elif kind == "code_inline":
                piece = child.content
                spans.append(Span(length, length + len(piece), SpanKind.CODE))
            else:  # text, html_inline
                piece = child.content
            parts.append(piece)
            length += len(piece)
    text = "".join(parts)
    stripped = text.strip()
    if stripped != text:
        # Trim, keeping spans inside the text.
        lead = len(text) - len(text.lstrip())
        text = stripped
        spans = [
            Span(max(0, s.start - lead), min(len(text), s.end - lead), s.kind, s.href)
            for s in spans
            if min(len(text), s.end - lead) > max(0, s.start - lead)
        ]
    spans.sort(key=lambda span: (span.start, span.end))
    return text, tuple(spans), tuple(ids)
