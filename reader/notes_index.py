"""Every highlight and note of the library, newest first, and a filter fast enough to run on
each key typed.

No Textual here: the notes screen and ``reader notes`` share it. :func:`build` reads the
store (half a second for 50,000 highlights: the app calls it in a worker thread);
:meth:`NotesIndex.filter` answers a query from text made once per note, and narrows the
last answer instead of starting again when a query only adds to the one before, as each
key typed into a filter does.

The filter's language (:func:`parse`), the same on the screen and on the command line:

* ``words``: each must appear in the quote, the note, the tags or the article's title
  (case ignored); ``"two words"`` in quotes is one phrase, never a colour;
* ``#tag``: a tag that begins with ``tag``;
* a colour's name (``yellow``... or its name in the settings): that colour; two colours,
  either of them;
* ``in:word`` (or ``in:"two words"``): the article's title, file name or id holds it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from reader.documents import DocumentError, article_id
from reader.library import article_files
from reader.model import Anchor, Colour
from reader.store import Store

COLOURS = tuple(colour.value for colour in Colour)
HIGHLIGHT = "highlight"
ARTICLE_NOTE = "article-note"
SEPARATOR = "\x1f"  # between the fields of a note's text: nothing typed holds it


class NoteItem(NamedTuple):
    """One highlight, or one note on a whole article, with its article's title and file.

    A named tuple, not a frozen dataclass: made 50,000 at a time, it is four times
    quicker to make.
    """

    id: str
    kind: str  # HIGHLIGHT, or ARTICLE_NOTE (no quote, colour, tags or place)
    article_id: str
    title: str
    path: Path | None  # None: the database does not know the article's file
    quote: str
    note: str
    tags: tuple[str, ...]
    colour: str
    created: str
    modified: str
    block: int | None  # the paragraph (0-based) the highlight was made on
    anchor: Anchor | None

    @property
    def paragraph(self) -> int | None:
        """The paragraph as the header and exports number it (from 1)."""
        return None if self.block is None else self.block + 1

    @property
    def when(self) -> str:
        """When it was last changed (or made), as recorded."""
        return self.modified or self.created


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed filter: every part must hold (colours: any one of them)."""

    words: tuple[str, ...] = ()  # casefolded, each in the note's text
    tags: tuple[str, ...] = ()  # "\ntag" (a tag's beginning) or "\ntag\n" (the whole tag)
    colours: frozenset[str] = frozenset()
    articles: tuple[str, ...] = ()  # casefolded, each in the article's title, file or id

    def __bool__(self) -> bool:
        return bool(self.words or self.tags or self.colours or self.articles)

    def __add__(self, other: Query) -> Query:
        return Query(
            self.words + other.words,
            self.tags + other.tags,
            self.colours | other.colours,
            self.articles + other.articles,
        )

    def narrows(self, other: Query) -> bool:
        """Whether whatever this query finds, ``other`` finds too (so this one can search
        ``other``'s answer instead of every note)."""

        def within(mine: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
            return all(any(their in my for my in mine) for their in theirs)

        if other.colours and not (self.colours and self.colours <= other.colours):
            return False
        return (
            within(self.words, other.words)
            and within(self.tags, other.tags)
            and within(self.articles, other.articles)
        )


TOKEN = re.compile(r'(?P<prefix>in:|#)?"(?P<quoted>[^"]*)"?|(?P<word>\S+)')


def _collapse(text: str) -> str:
    """Runs of spaces and line ends as one space, so that a phrase matches across a line
    end; only where there is something to collapse (doing it to every note doubled the time
    the index takes to make)."""
    if "\n" in text or "  " in text or "\t" in text or "\r" in text:
        return SEPARATOR.join(" ".join(part.split()) for part in text.split(SEPARATOR))
    return text


def tag_needle(tag: str, *, whole: bool = False) -> str:
    """What a tag filter looks for in a note's tags (see :attr:`NotesIndex.tags`)."""
    return "\n" + tag.casefold() + ("\n" if whole else "")


def colour_names(names: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every name a colour answers to, casefolded: its own, and the settings' (``names``:
    colour -> the name the settings give it)."""
    known = {colour: colour for colour in COLOURS}
    for colour, name in (names or {}).items():
        if name.strip() and colour in known:
            known[name.casefold().strip()] = colour
    return known


def parse(text: str, colours: Mapping[str, str] | None = None) -> Query:
    """The query that ``text`` says (see the module's documentation); ``colours`` maps
    each name of a colour, casefolded, to the colour (default: the five names)."""
    colours = colour_names() if colours is None else colours
    words: list[str] = []
    tags: list[str] = []
    chosen: set[str] = set()
    articles: list[str] = []
    for match in TOKEN.finditer(text.casefold()):
        quoted, word = match.group("quoted"), match.group("word")
        prefix = match.group("prefix") or ""
        if quoted is None:
            if word.startswith("#"):
                prefix, quoted = "#", word[1:]
            elif word.startswith("in:"):
                prefix, quoted = "in:", word[3:]
            elif word in colours:
                chosen.add(colours[word])
                continue
            else:
                quoted = word
        value = " ".join(quoted.split())
        if not value:
            continue  # "#" or "in:" alone, as they are being typed: nothing yet
        if prefix == "#":
            tags.append(tag_needle(value.lstrip("#")))
        elif prefix == "in:":
            articles.append(value)
        else:
            words.append(value)
    return Query(tuple(words), tuple(tags), frozenset(chosen), tuple(articles))


@dataclass
class NotesIndex:
    """Notes newest first, with what the filter searches made once for each (by
    :meth:`prepare`, or the first filter)."""

    items: list[NoteItem]
    colour_names: dict[str, str] = field(default_factory=colour_names)
    _text: list[str] = field(default_factory=list, init=False, repr=False)
    _tags: list[str] = field(default_factory=list, init=False, repr=False)
    _colours: list[str] = field(default_factory=list, init=False, repr=False)
    _article_of: list[int] = field(init=False, repr=False)
    _articles: list[str] = field(init=False, repr=False)
    _ready: bool = field(default=False, init=False, repr=False)
    _last: tuple[Query, Sequence[int]] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        items = self.items
        number: dict[str, int] = {}
        self._article_of = [number.setdefault(item.article_id, len(number)) for item in items]
        first: dict[str, NoteItem] = {}
        for item in items:
            first.setdefault(item.article_id, item)
        self._articles = [
            _collapse(
                SEPARATOR.join(
                    (item.title, item.path.name if item.path else "", item.article_id)
                ).casefold()
            )
            for item in first.values()
        ]

    @property
    def ready(self) -> bool:
        """Whether the filter's text is made (:meth:`prepare`)."""
        return self._ready

    def prepare(self) -> None:
        """Make what the filter searches, once (0.15 s for 50,000 notes: the notes screen
        shows the notes first, and makes it in its worker thread while the reader looks;
        a filter makes it if it has not been)."""
        if self._ready:
            return
        items = self.items
        # The fields apart (a phrase never runs from one into the next).
        self._text = [
            _collapse(
                SEPARATOR.join((item.quote, item.note, " ".join(item.tags), item.title)).casefold()
            )
            for item in items
        ]
        self._tags = [
            "".join(["\n" + tag for tag in item.tags]).casefold() + "\n" for item in items
        ]
        self._colours = [item.colour for item in items]
        self._ready = True  # last: another thread reads it to know the lists are whole

    @property
    def article_count(self) -> int:
        """How many articles the notes are in."""
        return len(self._articles)

    def parse(self, text: str) -> Query:
        """``text`` as a query, with the colours' names this index knows."""
        return parse(text, self.colour_names)

    def filter(self, text: str) -> Sequence[int]:
        """The positions in :attr:`items` of the notes that ``text`` finds, newest first."""
        return self.matching(self.parse(text))

    def matching(self, query: Query) -> Sequence[int]:
        """The positions in :attr:`items` of the notes ``query`` finds, newest first."""
        if not query:
            found: Sequence[int] = range(len(self.items))
        else:
            self.prepare()
            last = self._last
            # Typing one more letter only narrows: search the last answer, not every note.
            pool = last[1] if last is not None and query.narrows(last[0]) else None
            found = self._match(query, range(len(self.items)) if pool is None else pool)
        self._last = (query, found)
        return found

    def _match(self, query: Query, pool: Sequence[int]) -> list[int]:
        # The cheapest tests first, each a tight loop over what is left.
        found = list(pool)
        if query.colours:
            colours, wanted = self._colours, query.colours
            found = [i for i in found if colours[i] in wanted]
        if query.articles:
            allowed = {
                number
                for number, hay in enumerate(self._articles)
                if all(needle in hay for needle in query.articles)
            }
            article_of = self._article_of
            found = [i for i in found if article_of[i] in allowed]
        tags = self._tags
        for needle in query.tags:
            found = [i for i in found if needle in tags[i]]
        text = self._text
        for word in sorted(query.words, key=len, reverse=True):  # the rarest first, likely
            found = [i for i in found if word in text[i]]
        return found


def build(
    store: Store, library: Path | None = None, names: Mapping[str, str] | None = None
) -> NotesIndex:
    """Every highlight and article note in ``store``, newest first.

    Titles and files come from the store's record of each article; an article it has no
    file for is looked for among the files of ``library`` (an article's id is its path's),
    and one never listed in a library is titled by its file name. ``names``: the settings'
    names of the colours (colour -> name), which the filter then understands too.
    """
    known = store.known_articles()
    paths = {ident: path for ident, (path, _title) in known.items()}
    titles = {ident: title for ident, (_path, title) in known.items() if title.strip()}
    if library is not None:
        with contextlib.suppress(DocumentError):
            for path in article_files(library):
                paths.setdefault(article_id(path), path)

    def title_of(ident: str) -> str:
        title = titles.get(ident)
        if title is None:
            path = paths.get(ident)
            title = titles[ident] = path.stem if path is not None else ident
        return title

    items = [
        NoteItem(
            h.id,
            HIGHLIGHT,
            h.article_id,
            title_of(h.article_id),
            paths.get(h.article_id),
            h.anchor.exact,
            h.note,
            h.tags,
            h.colour.value,
            h.created,
            h.modified,
            h.anchor.block,
            h.anchor,
        )
        for h in store.all_highlights()
    ]
    for ident, (note, modified) in store.article_notes().items():
        items.append(
            NoteItem(
                f"note-{ident}",
                ARTICLE_NOTE,
                ident,
                title_of(ident),
                paths.get(ident),
                "",
                note,
                (),
                "",
                "",
                modified,
                None,
                None,
            )
        )
    return NotesIndex(newest_first(items), colour_names(names))


def newest_first(items: Sequence[NoteItem]) -> list[NoteItem]:
    """Last changed first; at the same second (times are kept to the second), the one
    stored later first: an article keeps its highlights in the order they were made."""
    return sorted(
        reversed(items),
        key=lambda item: (item.modified or item.created, item.created),
        reverse=True,
    )
