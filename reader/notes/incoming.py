"""What an import reads from a file, whatever the file: annotations in reader's terms.

Stdlib only. Every reader of a format (W3C and Hypothesis JSON in :mod:`reader.notes.w3c`,
Kindle, KOReader, Readwise, Instapaper, Pocket and Omnivore in :mod:`reader.notes.formats`)
turns its records into :class:`Incoming` annotations, and the importer
(:mod:`reader.services.importer`) finds each one's article, places it, and saves it: one
seam, however many formats.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TypeAlias

Raw: TypeAlias = dict[str, object]
"""A record as a file gives it: JSON's object, its values unchecked."""


@dataclass(frozen=True, slots=True)
class Passage:
    """Where an annotation points: an article (by its names) and, for a passage, selectors.

    ``source`` is a web address (or a file URI, or reader's id of an article); ``file`` a
    file the article was read from; ``title`` and ``author`` name the work (a book's title
    and its authors, as the tool wrote them), which the importer matches against the
    articles' front matter when no address or file finds one.
    """

    source: str
    file: str = ""
    title: str = ""
    quote: Raw = field(default_factory=dict)
    position: Raw = field(default_factory=dict)
    author: str = ""

    @property
    def whole(self) -> bool:
        """Whether the target is the article as a whole (no selector)."""
        return not self.quote and not self.position


@dataclass(slots=True)
class Incoming:
    """One annotation read from a file, whatever its shape."""

    id: str  # reader's id for it (a UUID)
    label: str  # how the report names it
    canonical: str = ""  # its id in the tool that made it, kept
    motivation: str = "highlighting"
    target: Passage = field(default_factory=lambda: Passage(""))
    body_target: Passage | None = None  # a link's far end
    note: str = ""
    tags: list[str] = field(default_factory=list)
    created: str = ""
    modified: str = ""
    colour: str = ""
    link_label: str = ""
    original: Passage | None = None
    check: bool = False  # reader's "moved: check": placed where its context changed
    replies_to: str = ""  # the canonical id of the annotation this one answers
    author: str = ""  # who wrote the annotation (a Hypothesis reply's user)
    reference: str = ""  # the id other annotations of the file use for it (a reply's parent)
    anonymous: bool = False  # it has no id of its own: reader made one from its content


def reader_id(raw: str) -> str:
    """A stable UUID for an annotation's id (``urn:uuid:`` ids keep theirs; "" for none)."""
    if raw.startswith("urn:uuid:"):
        return raw[len("urn:uuid:") :]
    if not raw:
        return ""
    # A lone surrogate (JSON allows "\ud800") is not UTF-8: spelt out, each its own id.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, raw.encode("utf-8", "backslashreplace").decode()))


def record_id(kind: str, *parts: str) -> str:
    """A stable UUID for a record of another tool's file that has no id of its own, made
    from what the record says (``kind`` names the format): the same at every import of
    the file, so that a second import adds nothing."""
    spelt = "\x1f".join(part.encode("utf-8", "backslashreplace").decode() for part in parts)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:reader:{kind}:{spelt}"))
