"""Books without their text: highlights imported for a book (or page) not in the library.

No Textual here. A Kindle's clippings, a KOReader sidecar, a Readwise export name books the
library may not hold. Their highlights are never dropped: each book is a :class:`Work`
(its title and authors, or its web address), and its highlights are kept under an id of
the work's own, as highlights not placed, with the work's title as the article's title,
so that ``reader notes``, the notes screen and ``reader export TITLE`` list them. The
report says so, book by book: "kept: no article in the library for The Salt Road (Ada
Quill)". Once the book is in the library, importing the same file again places them on
it, taking each from the work with whatever was changed on it meanwhile (its note, tags,
colour).

This is the seam that the notes vault (issue 24) fills: there, a work becomes an entry of
its own in the library and on the notes screen ("a book without its text"), and adding the
book places its highlights by itself, with no second import. Until then a work is an id
that the store knows by a title and a name that is no file (:func:`placeholder`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from reader.db.records import ArticleInfo
from reader.db.store import Store
from reader.model import Article, ArticleMeta
from reader.notes.incoming import Passage
from reader.text.addresses import is_web_address, normalise_url
from reader.text.keys import KEY_LENGTH
from reader.text.links import normalise_title
from reader.text.works import author_words

SUFFIX = " (not in the library)"
"""The end of the name a book kept without its text goes by (no article file's)."""
NOT_A_FILE = -1
"""The size, time and word count kept for a work: no file has them, so no library scan
takes a work for a file that moved."""


@dataclass(frozen=True, slots=True)
class Work:
    """A book or page that highlights were made on, by its names in the file."""

    title: str
    author: str = ""
    source: str = ""  # a web address

    @property
    def key(self) -> str:
        """What makes two works one: the address, else the title and the authors' names."""
        if self.source:
            return "address:" + normalise_url(self.source)
        names = " ".join(sorted(author_words(self.author)))
        return f"title:{normalise_title(self.title)}\x1f{names}"

    @property
    def id(self) -> str:
        """The article id its highlights are kept under (the same at every import): a
        vault key (:mod:`reader.text.keys`), or the notes vault would never read them."""
        data = f"reader:work:{self.key}".encode("utf-8", "surrogatepass")
        return hashlib.sha1(data).hexdigest()[:KEY_LENGTH]

    @property
    def name(self) -> str:
        """How the user knows it: "The Salt Road (Ada Quill)", a page's title with its
        address, or its address."""
        if not self.title:
            return self.source
        if self.author or self.source:
            return f"{self.title} ({self.author or self.source})"
        return self.title

    @property
    def short_name(self) -> str:
        """Its title (with its authors, not its address), or its address."""
        if not self.title:
            return self.source
        return f"{self.title} ({self.author})" if self.author else self.title


def work_of(passage: Passage) -> Work | None:
    """The work a target names, when it names one (a title, or a web address)."""
    source = passage.source.strip() if is_web_address(passage.source) else ""
    title = passage.title.strip()
    if not title and not source:
        return None
    return Work(title, passage.author.strip(), source)


def placeholder(work: Work, folder: Path | None) -> Article:
    """The article a work's highlights are kept on: its id and title, no text, and a name
    in the library that is no article file ("The Salt Road (Ada Quill) (not in the
    library)"), so that nothing ever opens, moves or writes it as one."""
    safe = "".join(" " if c in "/\\\x00" else c for c in work.short_name).strip()[:200]
    where = folder if folder is not None else Path.cwd()
    path = where / f"{safe or work.id}{SUFFIX}"
    return Article(ArticleMeta(work.id, path, work.title or work.source), fingerprint="")


def is_kept_book(path: Path) -> bool:
    """Whether ``path`` is the name :func:`placeholder` gives a book kept without its text."""
    return path.name.endswith(SUFFIX)


def remember(store: Store, works: list[Article]) -> None:
    """Record each work's title, as a library scan records an article's, so that the
    notes screen and ``reader notes`` name it."""
    store.save_article_infos(
        {
            article.id: (
                article.meta.path,
                ArticleInfo(article.title, NOT_A_FILE, NOT_A_FILE, NOT_A_FILE),
            )
            for article in works
        }
    )
