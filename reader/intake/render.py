"""trafilatura's XML as Markdown blocks, each with what the precision rules look at.

trafilatura's result (``head``, ``p``, ``list``/``item``, ``quote``, ``hi``, ``ref``,
``graphic``, ``table``, ``code``, ``lb``...) is rendered into :class:`Block` objects: the
Markdown that reader's loader reads back block for block, and beside it the words a reader
sees and the links among them, so that :mod:`reader.intake.rules` can judge a block without
parsing Markdown again.

Text and blocks mixed in one element (a table cell holding a bold title, a byline and
paragraphs, a ``div`` with loose text between ``div``\\ s) become one paragraph per run of
text; two line breaks in a row end a paragraph; wherever two blocks met there is a space.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.intake.markdown import (
    code_block,
    code_span,
    emphasis,
    escape,
    guard_line_start,
    heading_text,
    join_inline,
    link,
    link_target,
    one_line,
    plain,
    table,
)

if TYPE_CHECKING:
    from lxml.etree import _Element

_EMPHASIS = {"#i": "*", "#u": "*", "#b": "**", "#t": "`"}
_HEADING_LEVEL = re.compile(r"h([1-6])")
# Elements that are blocks of their own wherever trafilatura nests them.
_BLOCK_TAGS = frozenset({"p", "head", "list", "quote", "table", "code", "div", "item", "row"})
_WORD = re.compile(r"\w+")
# A table whose cells hold paragraphs, headings or lists, or this many words in one cell,
# lays out a page: its cells are read as the page's blocks, not as rows of data (the
# intake passes Rules.layout_words).
LAYOUT_CELL_WORDS = 40


class Kind(enum.Enum):
    """What a block is, as the rules see it."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST = "list"
    QUOTE = "quote"
    CODE = "code"
    TABLE = "table"  # a data table, as a GFM table
    IMAGE = "image"


@dataclass(slots=True)
class Block:
    """One Markdown block and what a reader sees of it.

    An image block's Markdown is made last (:func:`image_markdown`), from its label and
    caption, which the rules may change.
    """

    kind: Kind
    markdown: str
    text: str = ""  # the words a reader sees, without Markdown syntax
    link_words: int = 0  # how many of its words are inside links
    links: list[str] = field(default_factory=list)  # the links' absolute addresses
    level: int = 0  # a heading's level
    src: str = ""  # an image's address
    label: str = ""  # an image's alt text (or title)
    caption: str = ""  # an image's caption, from the page's <figcaption>
    target: str = ""  # the page an image links to, if it is a link
    target_words: int = 0  # the words in that link besides the image (a thumbnail's title)

    @property
    def words(self) -> int:
        """How many words a reader sees."""
        return len(_WORD.findall(self.text))

    @property
    def link_density(self) -> float:
        """The share of its words inside links (0 for a block without words)."""
        words = self.words
        return self.link_words / words if words else 0.0


def words_of(text: str) -> list[str]:
    """The words of ``text``, casefolded: what two texts are compared on."""
    return _WORD.findall(text.casefold())


def image_markdown(block: Block) -> str:
    """An image: its alt text as a link to the picture, and its caption on a line below.

    The alt text says what the picture shows, the caption what the page says about it;
    when the two say the same, or there is no alt text, the caption is the link. An image
    with neither shows as "image", so that it does not vanish without a trace.
    """
    label, caption = block.label, block.caption
    if caption and (not label or words_of(label) == words_of(caption)):
        label, caption = caption, ""
    if not label:
        return link("image", block.src) if link_target(block.src) else ""
    picture = link(escape(label), block.src)
    if not caption:
        return picture
    line = escape(caption)
    return f"{picture}\\\n{guard_line_start(emphasis('*', line, '', '') or line)}"


def render(body: _Element, base: str = "", layout_words: int = LAYOUT_CELL_WORDS) -> list[Block]:
    """The blocks of trafilatura's ``body`` element, in order (empty ones left out); links
    made absolute against ``base``; a table with a cell of ``layout_words`` words lays out
    the page."""
    context = _Context(base, layout_words)
    found = _blocks(body, context)
    return [block for block in found if block.markdown or block.kind is Kind.IMAGE]


@dataclass(frozen=True, slots=True)
class _Context:
    base: str
    layout_words: int


# --- blocks -------------------------------------------------------------------------------------


class _Run:
    """Inline Markdown being gathered for one paragraph, with its words and links."""

    def __init__(self, context: _Context) -> None:
        self.context = context
        self.parts: list[str] = []  # Markdown pieces; "\n" is a line break
        self.seen: list[str] = []  # what a reader sees of them
        self.link_words = 0
        self.links: list[str] = []
        self.images: list[Block] = []  # pictures inside the text: blocks after it

    def text(self, text: str | None) -> None:
        clean = plain(text or "")
        if clean:
            self.parts.append(escape(clean))
            self.seen.append(clean)

    def add(self, markdown: str, seen: str) -> None:
        self.parts.append(markdown)
        self.seen.append(seen)

    def empty(self) -> bool:
        return not "".join(self.seen).strip()

    def paragraphs(self) -> Iterator[Block]:
        """The run as paragraphs: one line break is kept, two in a row end a paragraph."""
        markdown = join_inline(self.parts)
        seen = "".join(self.seen)
        for md_part, seen_part in zip(
            re.split(r"\n[ \t]*\n[\s]*", markdown), re.split(r"\n[ \t]*\n[\s]*", seen), strict=False
        ):
            lines = [guard_line_start(line.strip()) for line in md_part.split("\n")]
            text = " ".join(line.strip() for line in seen_part.split("\n") if line.strip())
            lines = [line for line in lines if line]
            if lines and text:
                yield Block(Kind.PARAGRAPH, "\\\n".join(lines), text, 0, [])

    def blocks(self) -> list[Block]:
        found = list(self.paragraphs())
        if len(found) == 1:
            found[0].link_words, found[0].links = self.link_words, self.links
        else:  # split at a double break: count each part's links again
            for block in found:
                block.link_words, block.links = _links_in(block.markdown, self.links)
        return found + self.images


def _links_in(markdown: str, links: list[str]) -> tuple[int, list[str]]:
    found = [m for m in re.finditer(r"\[((?:[^\[\]\\]|\\.)*)\]\(<([^<>\n]*)>\)", markdown)]
    words = sum(len(_WORD.findall(m.group(1))) for m in found)
    return words, [m.group(2) for m in found]


def _blocks(parent: _Element, context: _Context) -> Iterator[Block]:
    """The blocks of ``parent``: its block children, and a paragraph for each run of text
    and inline elements between them."""
    run = _Run(context)
    run.text(parent.text)
    children = list(parent)
    for index, child in enumerate(children):
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _BLOCK_TAGS or (tag == "graphic" and run.empty() and _alone(children, index)):
            yield from run.blocks()
            run = _Run(context)
            yield from _block(child, context)
        elif tag == "lb":
            run.add("\n", "\n")
        elif tag:
            _inline_into(run, child)
        run.text(child.tail)
    yield from run.blocks()


def _alone(children: list[_Element], index: int) -> bool:
    """Whether the image at ``index`` stands apart from text (no words until a block)."""
    for child in children[index + 1 :]:
        if child.tag in _BLOCK_TAGS or child.tag == "graphic":
            return not plain(children[index].tail or "").strip()
        if plain(child.text or "").strip() or child.tag not in ("lb",):
            return False
    return not plain(children[index].tail or "").strip()


def _block(element: _Element, context: _Context) -> Iterator[Block]:
    tag = element.tag
    if tag == "head":
        run = _inline_run(element, context)
        text = _one_paragraph(run)
        if text:
            match = _HEADING_LEVEL.fullmatch(element.get("rend") or "")
            level = int(match.group(1)) if match else 2
            yield Block(
                Kind.HEADING,
                f"{'#' * level} {heading_text(text)}",
                _seen(run),
                run.link_words,
                run.links,
                level=level,
            )
            yield from run.images
    elif tag == "list":
        yield from _list_block(element, context)
    elif tag == "quote":
        inner = list(_blocks(element, context))
        if inner:
            body = "\n\n".join(_markdown_of(block) for block in inner)
            yield Block(
                Kind.QUOTE,
                _prefix(body, "> "),
                " ".join(block.text for block in inner),
                sum(block.link_words for block in inner),
                [target for block in inner for target in block.links],
            )
    elif tag == "table":
        yield from _table(element, context)
    elif tag == "code":
        text = "".join(element.itertext())
        if text.strip():
            yield Block(Kind.CODE, code_block(text), plain(text).strip())
    elif tag == "graphic":
        image = _image_block(element, context)
        if image is not None:
            yield image
    elif tag == "p" and _only_image(element):
        image = _image_block(next(iter(element)), context)
        if image is not None:
            yield image
    else:  # p, div, item and row outside their list or table: their own blocks
        yield from _blocks(element, context)


def _only_image(element: _Element) -> bool:
    children = list(element)
    return (
        len(children) == 1
        and children[0].tag == "graphic"
        and not plain(element.text or "").strip()
        and not plain(children[0].tail or "").strip()
    )


def _markdown_of(block: Block) -> str:
    return image_markdown(block) if block.kind is Kind.IMAGE else block.markdown


def _prefix(text: str, prefix: str) -> str:
    return "\n".join((prefix + line).rstrip() for line in text.split("\n"))


def _seen(run: _Run) -> str:
    return " ".join("".join(run.seen).split())


def _one_paragraph(run: _Run) -> str:
    """A heading's, an item's or a cell's inline Markdown on one line."""
    markdown = join_inline(run.parts)
    lines = [line.strip() for line in markdown.split("\n")]
    return " ".join(line for line in lines if line)


def _inline_run(element: _Element, context: _Context) -> _Run:
    run = _Run(context)
    run.text(element.text)
    for child in element:
        _inline_into(run, child)
        run.text(child.tail)
    return run


def _inline_into(run: _Run, element: _Element) -> None:
    """``element`` (without its tail) added to ``run`` as inline Markdown."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag == "lb":
        run.add("\n", "\n")
        return
    if tag in _BLOCK_TAGS:
        # A block inside inline text (a heading inside a link, a paragraph inside bold
        # text): its words, with a space on each side, never glued to the next sentence.
        inner = _inline_run(element, run.context)
        run.add(" ", " ")
        _merge(run, inner, join_inline(inner.parts).replace("\n", " "))
        run.add(" ", " ")
        return
    inner = _inline_run(element, run.context)
    markdown = join_inline(inner.parts)
    if tag == "hi":
        marker = _EMPHASIS.get(element.get("rend") or "", "")
        if marker == "`":
            markdown = code_span("".join(element.itertext()))
        elif marker:
            markdown = emphasis(marker, markdown, _before(run), _after(element))
    elif tag == "ref":
        target = link_target(element.get("target"), run.context.base)
        if target is not None and "".join(inner.seen).strip():
            words = len(_WORD.findall("".join(inner.seen)))
            markdown = link(markdown, element.get("target"), run.context.base)
            run.link_words += words
            run.links.append(target)
            run.add(markdown, "".join(inner.seen))
            run.images.extend(inner.images)
            return
    elif tag == "del":
        markdown = emphasis("~~", markdown, _before(run), _after(element))
    elif tag == "code":
        markdown = code_span("".join(element.itertext()))
    elif tag == "graphic":
        image = _image_block(element, run.context)
        if image is not None:
            run.images.append(image)
        return
    _merge(run, inner, markdown)


def _before(run: _Run) -> str:
    """The character before what is added to ``run`` next ("" at its start)."""
    for part in reversed(run.parts):
        if part:
            return part[-1]
    return ""


def _after(element: _Element) -> str | None:
    """The character after ``element``: its tail's, else the next element's text's, else
    "" at its parent's end (a paragraph's end, or a link's or emphasis's closing mark)."""
    tail = plain(element.tail or "")
    if tail:
        return tail[0]
    following = element.getnext()
    if following is None:
        return ""
    if following.tag == "lb":
        return "\n"
    text = plain("".join(following.itertext()))
    return text[0] if text else None


def _merge(run: _Run, inner: _Run, markdown: str) -> None:
    run.add(markdown, "".join(inner.seen))
    run.link_words += inner.link_words
    run.links.extend(inner.links)
    run.images.extend(inner.images)


def _image_block(element: _Element, context: _Context) -> Block | None:
    src = link_target(element.get("src"), context.base)
    if src is None:
        return None
    label = one_line(element.get("alt") or element.get("title") or "")
    return Block(Kind.IMAGE, "", label, src=src, label=label)


# --- lists and tables ---------------------------------------------------------------------------


def _list_block(element: _Element, context: _Context) -> Iterator[Block]:
    runs: list[_Run] = []
    lines = list(_list(element, context, (element.get("rend") or "") == "ol", "", runs))
    if lines:
        yield Block(
            Kind.LIST,
            "\n".join(lines),
            " ".join(_seen(run) for run in runs),
            sum(run.link_words for run in runs),
            [target for run in runs for target in run.links],
        )


def _list(
    element: _Element, context: _Context, ordered: bool, indent: str, runs: list[_Run]
) -> Iterator[str]:
    """A list's items, one line each; a nested list indented under its item's text."""
    number = 1
    for item in element:
        if item.tag != "item":
            continue
        nested = [c for c in item if c.tag == "list"]
        for child in nested:
            item.remove(child)  # rendered after the item's own text
            child.tail = None
        run = _inline_run(item, context)
        text = guard_line_start(_one_paragraph(run))
        marker = f"{number}." if ordered else "-"
        if text:
            runs.append(run)
            yield f"{indent}{marker} {text}"
            number += 1
        inner = indent + " " * (len(marker) + 1)
        for child in nested:
            yield from _list(child, context, (child.get("rend") or "") == "ol", inner, runs)


def _table(element: _Element, context: _Context) -> Iterator[Block]:
    """A data table as one GFM table, its first row the header; a table that lays out a
    page as the blocks in its cells."""
    rows = [row for row in element.iter("row")]
    if _is_layout(element, context.layout_words):
        for row in rows:
            for cell in row:
                if cell.tag == "cell":
                    yield from _blocks(cell, context)
        return
    runs = [[_inline_run(cell, context) for cell in row if cell.tag == "cell"] for row in rows]
    markdown = table([[_one_paragraph(run) for run in row] for row in runs])
    if markdown:
        every = [run for row in runs for run in row]
        yield Block(
            Kind.TABLE,
            markdown,
            "\n".join(" | ".join(_seen(run) for run in row) for row in runs if row),
            sum(run.link_words for run in every),
            [target for run in every for target in run.links],
        )


def _is_layout(table: _Element, layout_words: int) -> bool:
    for cell in table.iter("cell"):
        if any(child.tag in _BLOCK_TAGS - {"row"} for child in cell):
            return True
        if len(_WORD.findall(" ".join(cell.itertext()))) >= layout_words:
            return True
    return False
