"""A book (or page) named by its title and authors, compared as a reader would compare them.

Stdlib only. Tools name a book their own way: Kindle writes "Thinking, Fast and Slow
(Kahneman, Daniel)", an EPUB's metadata "Daniel Kahneman"; Kindle adds an edition or a
series to a title ("Das Jesus-Video: Thriller (German Edition)") that the book's own title
page leaves out. The importer finds an article by its title and author with these.
"""

from __future__ import annotations

import re

from reader.text.links import normalise_title

_SUBTITLE = re.compile(r"\s*(?::|：|\s[-–—]\s|\(|\[|（).*$", re.DOTALL)


def short_title(title: str) -> str:
    """A title without its subtitle, edition or series ("Sapiens: A Brief History" is
    "sapiens"), normalised; the whole title when nothing is left without them."""
    short = normalise_title(_SUBTITLE.sub("", title.strip()))
    return short or normalise_title(title)


def author_words(author: str) -> set[str]:
    """The words of the names in ``author``, normalised, without initials ("F. Scott
    Fitzgerald" and "Fitzgerald, F. Scott" give the same)."""
    return {word for word in normalise_title(author).split() if len(word) > 1 or not word.isascii()}


def authors_agree(one: str, other: str, *, strictly: bool = False) -> bool:
    """Whether two ways of writing a book's authors can name the same people: they share a
    name (``strictly``: every name of the one with fewer is in the other). Unknown authors
    (either side empty) agree unless ``strictly``."""
    a, b = author_words(one), author_words(other)
    if not a or not b:
        return not strictly
    if strictly:
        fewer, more = (a, b) if len(a) <= len(b) else (b, a)
        return fewer <= more
    return bool(a & b)
