"""Links: where a link in the text leads, which article a title names, wiki-links in notes,
and the back/forward history of jumps. No Textual here.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reader.model import Anchor, Article, BlockKind
from reader.text.anchoring import locate, match_quote

OPENABLE_SCHEMES = ("http", "https", "mailto")
"""The only schemes reader will ever hand to the browser."""

TITLE_SIMILARITY = 0.88
"""How alike two normalised titles must be to count as the same (1.0: identical)."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where a link leads.

    ``kind`` is "article" (``path`` set, ``fragment`` maybe), "heading" (``block`` in this
    article), "external" (``url``, an http/https/mailto address), "missing" (a file that
    is not there), or "unsupported" (``url`` kept only to be shown or copied).
    """

    kind: str
    url: str = ""
    path: Path | None = None
    fragment: str = ""
    block: int | None = None


def slug(text: str) -> str:
    """A heading's anchor as GitHub and Obsidian make it: lower case, dashes, no punctuation."""
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    text = re.sub(r"[^\w\- ]", "", text)
    return re.sub(r"\s", "-", text)


def heading_block(article: Article, fragment: str) -> int | None:
    """The block that ``#fragment`` names, if any: the one holding the anchor of that id
    (``<a id>``, as ``reader add`` keeps a book's), else the heading of that slug."""
    anchored = article.anchor(unquote(fragment))
    if anchored is not None:
        return anchored
    wanted = slug(unquote(fragment))
    for index in article.headings:
        if slug(article.blocks[index].text) == wanted:
            return index
    return None


_NOTE_MARKS = frozenset("*†‡§¶‖#")


def is_note_ref(label: str) -> bool:
    """Whether a link's words are a footnote's mark ("1", "[12]", "*", "†", "iv", "a"),
    so that following it shows the note where the reader is."""
    mark = label.strip().strip("[]()^ \u00a0")
    if not mark or len(mark) > 4:
        return False
    if mark.isdigit() or all(char in _NOTE_MARKS for char in mark):
        return True
    return mark.isalpha() and mark.isascii() and mark.islower() and len(mark) <= 3


def note_text(article: Article, block: int, limit: int = 1200) -> str:
    """The text of the note at ``block``: the block (and the paragraph after it, when the
    block is only a heading or a bare mark), at most ``limit`` characters."""
    blocks = article.blocks
    text = blocks[block].text
    if (blocks[block].kind is BlockKind.HEADING or is_note_ref(text)) and block + 1 < len(blocks):
        text = f"{text} {blocks[block + 1].text}"
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def resolve_href(href: str, article: Article, library: Path | None) -> Target:
    """Where ``href``, found in ``article``, leads."""
    href = href.strip()
    parts = urlsplit(href)
    scheme = parts.scheme.lower()
    if scheme in OPENABLE_SCHEMES:
        return Target("external", url=href)
    if scheme and scheme != "file" and not (len(scheme) == 1 and href[1:2] == ":"):
        return Target("unsupported", url=href)
    if not parts.path and parts.fragment:
        return Target(
            "heading",
            url=href,
            fragment=parts.fragment,
            block=heading_block(article, parts.fragment),
        )
    base = article.meta.path.parent
    candidate = Path(unquote(parts.path))
    path = candidate if candidate.is_absolute() else (base / candidate)
    try:
        path = path.resolve()
        is_file = path.is_file()
    except (OSError, ValueError):  # a NUL byte, a name too long, a folder we cannot read
        return Target("unsupported", url=href)
    if is_file:
        return Target("article", url=href, path=path, fragment=parts.fragment)
    return Target("missing", url=href, path=path)


# --- titles ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1 << 16)  # a library's titles, looked for again on each follow
def normalise_title(title: str) -> str:
    """A title reduced for comparison: case, accents, punctuation and spacing forgiven."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def match_title(text: str, titles: dict[str, str]) -> str | None:
    """The key of the title in ``titles`` (key -> title) that ``text`` names, or None.

    Exact after normalising, else the most similar above :data:`TITLE_SIMILARITY`.
    """
    wanted = normalise_title(text)
    if not wanted:
        return None
    normalised = {key: normalise_title(title) for key, title in titles.items()}
    for key, candidate in normalised.items():
        if candidate == wanted:
            return key
    # rapidfuzz (C++, imported only when a title is looked for): its ratio is difflib's
    # (twice the characters in common over both lengths), over the whole library at once.
    from rapidfuzz import fuzz, process

    found = process.extractOne(
        wanted, normalised, scorer=fuzz.ratio, score_cutoff=TITLE_SIMILARITY * 100
    )
    return None if found is None else str(found[2])


def read_more_items(article: Article) -> list[int]:
    """Indices of the list items of a trailing "Read more" (or "Related") section."""
    blocks = article.blocks
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index]
        if block.kind is BlockKind.ITEM:
            continue
        label = normalise_title(block.text)
        if label in {"read more", "related", "related articles", "see also", "further reading"}:
            return [i for i in range(index + 1, len(blocks)) if blocks[i].kind is BlockKind.ITEM]
        return []
    return []


# --- wiki-links in notes -----------------------------------------------------------------

WIKI_LINK = re.compile(r"\[\[([^\[\]\n|#]+)(?:#([^\[\]\n|]*))?(?:\|([^\[\]\n]*))?\]\]")


@dataclass(frozen=True, slots=True)
class WikiLink:
    """``[[Title]]``, ``[[Title#quote words]]`` or ``[[Title|label]]`` in a note."""

    title: str
    quote: str = ""
    label: str = ""

    @property
    def text(self) -> str:
        """What to show for the link."""
        return self.label or (f"{self.title} › {self.quote}" if self.quote else self.title)


def wiki_links(note: str) -> list[WikiLink]:
    """Every wiki-link in a note, in order."""
    return [
        WikiLink(m.group(1).strip(), (m.group(2) or "").strip(), (m.group(3) or "").strip())
        for m in WIKI_LINK.finditer(note)
        if m.group(1).strip()
    ]


# --- places and history ------------------------------------------------------------------


def same_file(one: Path, other: Path) -> bool:
    """Whether two paths name the same file."""
    try:
        return one.resolve() == other.resolve()
    except OSError:
        return one == other


@dataclass(frozen=True, slots=True)
class Place:
    """Where to land in an article: a block, a heading, an anchored passage or a quote."""

    block: int | None = None
    fragment: str = ""
    anchor: Anchor | None = None
    quote: str = ""

    def block_in(self, article: Article) -> int | None:
        """The block of ``article`` this place names (None: the article's own position).

        ``article`` may still be loading; what is not loaded yet falls back to the
        anchor's recorded block.
        """
        if self.anchor is not None:
            if not article.complete:
                # Searching the part loaded so far could land on a look-alike passage.
                return self.anchor.block
            found = locate(article.text, self.anchor, fingerprint=article.fingerprint)
            if found is not None:
                return article.block_at(found.start)
            return self.anchor.block
        if self.fragment:
            return heading_block(article, self.fragment)
        if self.quote:
            found = match_quote(article.text, self.quote)
            return article.block_at(found.start) if found is not None else None
        return self.block


@dataclass(frozen=True, slots=True)
class Location:
    """A place to come back to: an article file and a block in it."""

    path: Path
    block: int


class History:
    """Back and forward through jumps, as in a browser."""

    def __init__(self, limit: int = 200) -> None:
        self._back: list[Location] = []
        self._forward: list[Location] = []
        self._limit = limit

    def jumped(self, origin: Location) -> None:
        """Record that the reader jumped away from ``origin``."""
        if self._back and self._back[-1] == origin:
            return
        self._back.append(origin)
        del self._back[: -self._limit]
        self._forward.clear()

    def back(self, here: Location) -> Location | None:
        """Where back leads from ``here`` (None: nowhere)."""
        if not self._back:
            return None
        self._forward.append(here)
        return self._back.pop()

    def forward(self, here: Location) -> Location | None:
        """Where forward leads from ``here`` (None: nowhere)."""
        if not self._forward:
            return None
        self._back.append(here)
        return self._forward.pop()

    @property
    def can_go_back(self) -> bool:
        """Whether there is somewhere to go back to."""
        return bool(self._back)

    @property
    def can_go_forward(self) -> bool:
        """Whether there is somewhere to go forward to."""
        return bool(self._forward)
