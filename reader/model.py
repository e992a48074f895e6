"""The data model: articles made of blocks, with offsets into one canonical text.

Standard library only. An article's canonical text is its blocks' plain texts joined by
``"\\n\\n"``; every block knows where it starts in that text, so a cursor, a search match, a
highlight and an exported quote all speak in the same offsets.
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TypedDict, Unpack

BLOCK_SEPARATOR = "\n\n"


def now() -> str:
    """The current time as ISO 8601 UTC, to the second (how highlights, links and notes
    record when they were made)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class BlockKind(StrEnum):
    """What a block is, which decides how it is drawn."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    QUOTE = "quote"
    ITEM = "item"
    CODE = "code"
    TABLE = "table"  # rows a line, cells separated by tabs; level: header rows; marker: aligns


class SpanKind(StrEnum):
    """Inline markup kept beside the text instead of inside it."""

    EMPHASIS = "em"
    STRONG = "strong"
    CODE = "code"
    LINK = "link"
    STRIKE = "strike"
    IMAGE = "image"  # an image's placeholder (its alt text); href: where the picture is
    NOTE = "note"  # a link to a footnote (the Markdown link's title is "note"); href: to it


@dataclass(frozen=True, slots=True)
class Span:
    """A range of a block's text (block-relative offsets) with inline meaning."""

    start: int
    end: int
    kind: SpanKind
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of reading: a heading, paragraph, quote, list item or code block.

    ``start`` is the offset of the block's first character in the article's canonical
    text. ``level`` is the heading level (1-6) for headings, the nesting depth for quotes
    and list items. ``marker`` is a list item's bullet or number. ``ids`` are the anchors
    (``<a id="...">`` in the Markdown) in it, which ``#id`` links lead to.
    """

    kind: BlockKind
    text: str
    start: int
    level: int = 0
    marker: str = ""
    spans: tuple[Span, ...] = ()
    ids: tuple[str, ...] = ()

    @property
    def end(self) -> int:
        """Offset just past the block's last character."""
        return self.start + len(self.text)


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """What is known about an article without reading all of it."""

    id: str
    path: Path
    title: str
    source: str = ""
    published: str = ""
    export: bool = False  # notes that reader's export wrote (exported_by: "reader"), not an article
    author: str = ""  # as the front matter names them (a book's authors, a page's)


@dataclass
class Article:
    """A loaded article.

    ``blocks`` may grow while a large file is still being parsed (``complete`` is False
    until the last block is in); everything that reads it copes with a partial list.
    ``stamp`` is the file's (mtime_ns, size) as it was read; ``steady`` is False when the
    file kept changing while it was read (another program writing it): the text may be
    only part of it.
    """

    meta: ArticleMeta
    fingerprint: str
    blocks: list[Block] = field(default_factory=list)
    complete: bool = True
    notice: str = ""
    stamp: tuple[int, int] | None = None
    steady: bool = True
    _starts: list[int] = field(default_factory=list, repr=False)
    _headings: list[int] = field(default_factory=list, repr=False)
    _anchors: dict[str, int] = field(default_factory=dict, repr=False)
    _text: str | None = field(default=None, repr=False)
    _text_blocks: int = field(default=-1, repr=False)

    def __post_init__(self) -> None:
        blocks, self.blocks = self.blocks, []
        self.extend(blocks)

    @property
    def id(self) -> str:
        """The article's stable id."""
        return self.meta.id

    @property
    def title(self) -> str:
        """The article's title."""
        return self.meta.title

    def extend(self, blocks: list[Block]) -> None:
        """Append parsed blocks (their ``start`` offsets must already be right)."""
        base = len(self.blocks)
        self.blocks.extend(blocks)
        self._starts.extend(block.start for block in blocks)
        self._headings.extend(
            base + index for index, block in enumerate(blocks) if block.kind is BlockKind.HEADING
        )
        for index, block in enumerate(blocks, base):
            for ident in block.ids:
                self._anchors.setdefault(ident, index)  # the first, as a browser takes it

    @property
    def text(self) -> str:
        """The canonical text (recomputed only when blocks were added)."""
        if self._text is None or self._text_blocks != len(self.blocks):
            self._text = BLOCK_SEPARATOR.join(block.text for block in self.blocks)
            self._text_blocks = len(self.blocks)
        return self._text

    @property
    def headings(self) -> list[int]:
        """Indices of the heading blocks, in order."""
        return self._headings

    def anchor(self, ident: str) -> int | None:
        """The block holding the anchor ``ident`` (``<a id="ident">``), if any."""
        return self._anchors.get(ident)

    def heading_before(self, index: int, *, min_level: int = 1) -> int | None:
        """The last heading above block ``index`` (never the block itself) whose level is
        at least ``min_level``, or None."""
        position = bisect_left(self._headings, index) - 1
        while position >= 0:
            heading = self._headings[position]
            if self.blocks[heading].level >= min_level:
                return heading
            position -= 1
        return None

    def section_of(self, index: int, *, min_level: int = 1) -> int | None:
        """The heading of the section block ``index`` is in: the block itself when it is a
        heading (of level at least ``min_level``), else :meth:`heading_before`."""
        block = self.blocks[index]
        if block.kind is BlockKind.HEADING and block.level >= min_level:
            return index
        return self.heading_before(index, min_level=min_level)

    @property
    def next_start(self) -> int:
        """The offset the next appended block will start at."""
        if not self.blocks:
            return 0
        return self.blocks[-1].end + len(BLOCK_SEPARATOR)

    def block_at(self, offset: int) -> int:
        """Index of the block containing ``offset`` (or the one before a separator)."""
        if not self.blocks:
            return 0
        return max(0, bisect_right(self._starts, offset) - 1)

    @property
    def word_count(self) -> int:
        """Number of words in the loaded text."""
        return sum(len(block.text.split()) for block in self.blocks)


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a passage is, described so that it can be found again after edits.

    After the W3C Web Annotation model: a TextPositionSelector (``start``, ``end`` into
    the canonical text), a TextQuoteSelector (``exact`` with about 32 characters of
    ``prefix`` and ``suffix``), plus the block index and the fingerprint of the text the
    anchor was made on.
    """

    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""
    block: int = 0
    fingerprint: str = ""


class Colour(StrEnum):
    """Highlight colours, in the order of the keys 1-5."""

    YELLOW = "yellow"
    GREEN = "green"
    BLUE = "blue"
    PINK = "pink"
    PURPLE = "purple"


class HighlightEdit(TypedDict, total=False):
    """What the reader changes of a highlight: its colour, tags or note."""

    colour: Colour
    tags: tuple[str, ...]
    note: str


class HighlightChanges(HighlightEdit, total=False):
    """What changes of a highlight besides where it lies: an edit, and when it was made."""

    modified: str


@dataclass(frozen=True, slots=True)
class Review:
    """Where a highlight stands in the daily review (:mod:`reader.services.review`): next
    shown on ``due`` (a date, YYYY-MM-DD), ``interval`` days after it was last seen on
    ``last``, seen ``seen`` times; ``stopped``: never shown again."""

    due: str
    interval: int = 0
    seen: int = 0
    last: str = ""
    stopped: bool = False


@dataclass(frozen=True, slots=True)
class Highlight:
    """A highlighted passage of an article, with the reader's colour, tags and note.

    ``id`` is a UUID (the store never hands out its own document ids); ``created`` and
    ``modified`` are ISO 8601 UTC times. ``original`` is the anchor as first made (its
    quote, prefix and suffix), kept once the highlight was re-placed where any of them
    differ; None while the highlight lies where it was made. ``check``: it was re-placed
    where the words around it changed, and the reader has not yet confirmed the place
    ("moved: check"). ``orphan_in``: the fingerprint of the text it could not be placed
    in ("" when it is placed, or was not looked for since); its anchor is left as it was.
    ``review``: where it stands in the daily review (None: never reviewed).
    """

    id: str
    article_id: str
    anchor: Anchor
    colour: Colour = Colour.YELLOW
    tags: tuple[str, ...] = ()
    note: str = ""
    created: str = ""
    modified: str = ""
    original: Anchor | None = None
    canonical: str = ""  # its id in the tool it was imported from (W3C canonical)
    check: bool = False
    orphan_in: str = ""
    review: Review | None = None  # never reviewed: None

    def moved_to(
        self, anchor: Anchor, *, check: bool = False, **changes: Unpack[HighlightChanges]
    ) -> Highlight:
        """This highlight on ``anchor`` (``check``: where the words around it disagree),
        keeping the selectors it was first made with whenever the new ones differ."""
        original = self.original
        if original is None and _selectors(anchor) != _selectors(self.anchor):
            original = self.anchor
        return replace(
            self,
            anchor=anchor,
            original=original,
            check=check,
            orphan_in="",
            **changes,
        )

    def orphaned_in(self, fingerprint: str) -> Highlight:
        """This highlight, not found in the text of ``fingerprint`` (its anchor kept)."""
        return replace(self, orphan_in=fingerprint, check=False)

    @property
    def placed(self) -> bool:
        """Whether it was placed when last looked for (False: could not be placed)."""
        return not self.orphan_in and self.anchor.start >= 0

    @property
    def was(self) -> str:
        """The words first highlighted, when the text has changed under them ("" if not)."""
        if self.original is None or self.original.exact == self.anchor.exact:
            return ""
        return self.original.exact

    @property
    def quote(self) -> str:
        """The highlighted words, as they were when anchored."""
        return self.anchor.exact


def _selectors(anchor: Anchor) -> tuple[str, str, str]:
    """What a W3C TextQuoteSelector keeps of an anchor."""
    return anchor.exact, anchor.prefix, anchor.suffix


@dataclass(frozen=True, slots=True)
class LinkEnd:
    """One end of a cross-link: a passage of an article, anchored like a highlight."""

    article_id: str
    path: str
    title: str
    anchor: Anchor


@dataclass(frozen=True, slots=True)
class CrossLink:
    """A link the reader made from one passage to another (in one article or two)."""

    id: str
    source: LinkEnd
    target: LinkEnd
    label: str = ""
    created: str = ""


@dataclass(frozen=True, slots=True)
class ReadingPosition:
    """Where the reader was in an article: the block, its offset, and the share read."""

    block: int
    offset: int
    progress: float


@dataclass(frozen=True, slots=True)
class ArticleNote:
    """The note on an article as a whole: its text, when it was first written and last
    changed (ISO 8601 UTC; "" when not known), and its tags."""

    text: str = ""
    created: str = ""
    modified: str = ""
    tags: tuple[str, ...] = ()
