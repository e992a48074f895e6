"""Every highlight and note of the library, newest first, and a filter fast enough to run on
each key typed.

No Textual here: the notes screen and ``reader notes`` share it. :func:`build` reads the
store (half a second for 50,000 highlights: the app calls it in a worker thread);
:meth:`NotesIndex.filter` answers a query from text made once per note, and narrows the
last answer instead of starting again when a query only adds to the one before, as each
key typed into a filter does. The notes are kept as columns (a list of quotes, one of
notes...), not as one object each: 50,000 objects kept alive cost every pass of Python's
collector, which showed as lag on the first keys typed.

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol, TypeVar

from reader.db.store import Store
from reader.model import Colour, Highlight
from reader.services.library import article_files
from reader.text.documents import DocumentError, article_id

COLOURS = tuple(colour.value for colour in Colour)
HIGHLIGHT = "highlight"
ARTICLE_NOTE = "article-note"
SEPARATOR = "\x1f"  # between the fields of a note's text: nothing typed holds it


class NoteItem(NamedTuple):
    """One highlight, or one note on a whole article, with its article's title and file
    (made when asked for: the index keeps columns)."""

    id: str
    kind: str  # HIGHLIGHT, or ARTICLE_NOTE (no quote, colour or place)
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
    placed: bool = True  # False: it could not be placed in its article's text
    check: bool = False  # moved where the words around it changed, not yet confirmed

    @property
    def paragraph(self) -> int | None:
        """The paragraph as the header and exports number it (from 1); None for a note on
        the whole article, and for a highlight that could not be placed."""
        return None if self.block is None or not self.placed else self.block + 1

    @property
    def mark(self) -> str:
        """What is said of a highlight's place beside its paragraph ("" when all is well)."""
        if self.kind != HIGHLIGHT:
            return ""
        return "not placed" if not self.placed else "moved: check" if self.check else ""

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


class NotesIndex:
    """Notes newest first, as columns, with what the filter searches made once for each
    (by :meth:`prepare`, or the first filter)."""

    def __init__(
        self, items: Iterable[NoteItem] = (), names: Mapping[str, str] | None = None
    ) -> None:
        """An index of ``items``, in their order; ``names``: every name of each colour,
        casefolded (:func:`colour_names`)."""
        self.colour_names = dict(names) if names is not None else colour_names()
        self._ids: list[str] = []
        self._kinds: list[str] = []
        self._article_of: list[int] = []
        self._quotes: list[str] = []
        self._notes: list[str] = []
        self._tags: list[str] = []  # joined by "\n" (a tag holds no white space)
        self._colours: list[str] = []
        self._created: list[str] = []
        self._modified: list[str] = []
        self._blocks: list[int] = []  # -1: none
        self._states: list[int] = []  # 0: placed, 1: could not be placed, 2: to check
        self._number: dict[str, int] = {}  # article id -> its number in the three below
        self._article_ids: list[str] = []
        self._titles: list[str] = []
        self._paths: list[Path | None] = []
        self._text: list[str] = []
        self._tag_text: list[str] = []
        self._articles: list[str] = []
        self._ready = False
        self._last: tuple[Query, Sequence[int]] | None = None
        for item in items:
            self._add(*item)

    def _add(
        self,
        ident: str,
        kind: str,
        article: str,
        title: str,
        path: Path | None,
        quote: str,
        note: str,
        tags: tuple[str, ...],
        colour: str,
        created: str,
        modified: str,
        block: int | None,
        placed: bool = True,
        check: bool = False,
    ) -> None:
        """Add a note at the end (the fields of a :class:`NoteItem`, in its order)."""
        number = self._number.get(article)
        if number is None:
            number = self._number[article] = len(self._article_ids)
            self._article_ids.append(article)
            self._titles.append(title)
            self._paths.append(path)
        self._ids.append(ident)
        self._kinds.append(kind)
        self._article_of.append(number)
        self._quotes.append(quote)
        self._notes.append(note)
        self._tags.append("\n".join(tags))
        self._colours.append(colour)
        self._created.append(created)
        self._modified.append(modified)
        self._blocks.append(-1 if block is None else block)
        self._states.append(0 if placed and not check else 1 if not placed else 2)

    def __len__(self) -> int:
        return len(self._ids)

    def item(self, position: int) -> NoteItem:
        """The note at ``position`` (0: the newest)."""
        article = self._article_of[position]
        block = self._blocks[position]
        tags = self._tags[position]
        return NoteItem(
            self._ids[position],
            self._kinds[position],
            self._article_ids[article],
            self._titles[article],
            self._paths[article],
            self._quotes[position],
            self._notes[position],
            tuple(tags.split("\n")) if tags else (),
            self._colours[position],
            self._created[position],
            self._modified[position],
            None if block < 0 else block,
            self._states[position] != 1,
            self._states[position] == 2,
        )

    @property
    def items(self) -> list[NoteItem]:
        """Every note, newest first (made anew: for the command line and tests)."""
        return [self.item(position) for position in range(len(self))]

    def find(self, ident: str) -> int | None:
        """The position of the note with this id, if it is here."""
        try:
            return self._ids.index(ident)
        except ValueError:
            return None

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
        titles, article_of = self._titles, self._article_of
        self._articles = [
            _collapse(SEPARATOR.join((title, path.name if path else "", ident)).casefold())
            for title, path, ident in zip(titles, self._paths, self._article_ids, strict=True)
        ]
        # The fields apart (a phrase never runs from one into the next).
        self._text = [
            _collapse(
                SEPARATOR.join(
                    (quote, note, tags.replace("\n", " "), titles[article_of[position]])
                ).casefold()
            )
            for position, (quote, note, tags) in enumerate(
                zip(self._quotes, self._notes, self._tags, strict=True)
            )
        ]
        self._tag_text = [f"\n{tags}\n".casefold() if tags else "\n" for tags in self._tags]
        self._ready = True  # last: another thread reads it to know the lists are whole

    @property
    def article_count(self) -> int:
        """How many articles the notes are in."""
        return len(self._article_ids)

    def parse(self, text: str) -> Query:
        """``text`` as a query, with the colours' names this index knows."""
        return parse(text, self.colour_names)

    def filter(self, text: str) -> Sequence[int]:
        """The positions of the notes that ``text`` finds, newest first."""
        return self.matching(self.parse(text))

    def matching(self, query: Query) -> Sequence[int]:
        """The positions of the notes ``query`` finds, newest first."""
        if not query:
            found: Sequence[int] = range(len(self))
        else:
            self.prepare()
            last = self._last
            # Typing one more letter only narrows: search the last answer, not every note.
            pool = last[1] if last is not None and query.narrows(last[0]) else None
            found = self._match(query, range(len(self)) if pool is None else pool)
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
        tags = self._tag_text
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
            for file in article_files(library):
                paths.setdefault(article_id(file), file)

    def title_of(ident: str) -> str:
        title = titles.get(ident)
        if title is None:
            path = paths.get(ident)
            title = titles[ident] = path.stem if path is not None else ident
        return title

    notes: list[Highlight | NoteItem] = list(store.all_highlights())
    for ident, record in store.article_note_records().items():
        notes.append(
            NoteItem(
                f"note-{ident}",
                ARTICLE_NOTE,
                ident,
                "",
                None,
                "",
                record.text,
                record.tags,
                "",
                record.created,
                record.modified,
                None,
            )
        )
    index = NotesIndex(names=colour_names(names))
    add = index._add
    for note in newest_first(notes):
        ident = note.article_id
        title, path = title_of(ident), paths.get(ident)
        if isinstance(note, Highlight):
            anchor = note.anchor
            add(
                note.id,
                HIGHLIGHT,
                ident,
                title,
                path,
                anchor.exact,
                note.note,
                note.tags,
                note.colour.value,
                note.created,
                note.modified,
                anchor.block,
                note.placed,
                note.check,
            )
        else:
            add(
                note.id,
                ARTICLE_NOTE,
                ident,
                title,
                path,
                "",
                note.note,
                note.tags,
                "",
                note.created,
                note.modified,
                None,
            )
    return index


class _Dated(Protocol):
    @property
    def created(self) -> str: ...

    @property
    def modified(self) -> str: ...


Dated = TypeVar("Dated", bound=_Dated)


def newest_first(items: Sequence[Dated]) -> list[Dated]:
    """Last changed first; at the same second (times are kept to the second), the one
    stored later first: an article keeps its highlights in the order they were made."""
    return sorted(
        reversed(items),
        key=lambda item: (item.modified or item.created, item.created),
        reverse=True,
    )
