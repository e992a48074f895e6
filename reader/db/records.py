"""The database's documents, to and from model objects (what the store hands out).

No TinyDB and no Textual here: plain dicts as they are stored. A document that is not what it
should be (a hand edit, an older version) becomes None, and is kept on disk untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reader.model import Anchor, Colour, CrossLink, Highlight, LinkEnd, ReadingPosition, Review


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """Cached facts about an article file, valid while its size and mtime are unchanged."""

    title: str
    words: int
    size: int
    mtime_ns: int
    export: bool = False  # a file that reader's export wrote: not an article


def info_from(info: object, size: int, mtime_ns: int) -> ArticleInfo | None:
    """The cached facts in ``info``, if they are for a file of this size and mtime."""
    if not isinstance(info, dict):
        return None  # none cached, or a damaged entry: the article is read again
    try:
        if info["size"] != size or info["mtime_ns"] != mtime_ns:
            return None
        return ArticleInfo(
            str(info["title"]),
            int(info["words"]),
            size,
            mtime_ns,
            bool(info.get("export", False)),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # none cached, or a damaged entry: the article is read again


def merged_doc(
    stored: dict[str, Any], base: dict[str, Any] | None, new: dict[str, Any]
) -> dict[str, Any]:
    """``new`` written over ``stored``, keeping what another process changed meanwhile:
    with ``base`` (what ``new`` was made from), only the fields changed since ``base`` are
    taken from ``new``; the others stay as stored (a note typed in another window)."""
    if base is None or stored == base:
        return new
    merged = {**stored, **{key: value for key, value in new.items() if base.get(key) != value}}
    if "note" in new:
        merged["note"] = both_notes(
            str(base.get("note", "")),
            str(stored.get("note", "")),
            str(new["note"]),
            str(stored.get("modified", "")),
        )
    return merged


ALSO_WRITTEN = "**Also written at the same time, in another window"
"""How the other of two texts of one note, written at once, is marked after the first."""


def both_notes(base: str, theirs: str, mine: str, when: str = "") -> str:
    """The note to save when ``mine`` replaces ``base`` but another window has meanwhile
    saved ``theirs`` in its place: a note's text cannot be merged, and neither may be lost.

    When both changed it, differently and neither to nothing, ``mine`` (the later) is the
    note and ``theirs`` follows it under a marked line saying when it was saved; else the
    one text that says something.
    """
    if theirs in (base, mine) or not theirs.strip():
        return mine
    if mine == base or not mine.strip():
        return theirs
    saved = f" (saved {_readable(when)})" if _readable(when) else ""
    return f"{mine}\n\n{ALSO_WRITTEN}{saved}:**\n\n{theirs}"


def _readable(stamp: str) -> str:
    """``2026-12-04T09:00:22Z`` as ``2026-12-04 09:00 UTC`` ("" for anything else)."""
    if len(stamp) >= 16 and stamp[10] == "T" and stamp.endswith("Z"):
        return f"{stamp[:10]} {stamp[11:16]} UTC"
    return ""


def position_from(doc: dict[str, Any]) -> ReadingPosition | None:
    """The reading position in an article's document, or None (none saved, or damaged)."""
    try:
        pos = doc["position"]
        return ReadingPosition(int(pos["block"]), int(pos["offset"]), float(pos["progress"]))
    except (KeyError, TypeError, ValueError):
        return None


def highlight_doc(highlight: Highlight) -> dict[str, Any]:
    anchor = highlight.anchor
    return {
        "id": highlight.id,
        "article": highlight.article_id,
        "anchor": anchor_doc(anchor),
        "colour": highlight.colour.value,
        "tags": list(highlight.tags),
        "note": highlight.note,
        "created": highlight.created,
        "modified": highlight.modified,
        **({"original": anchor_doc(highlight.original)} if highlight.original else {}),
        **({"canonical": highlight.canonical} if highlight.canonical else {}),
        **({"check": True} if highlight.check else {}),
        **({"orphan_in": highlight.orphan_in} if highlight.orphan_in else {}),
        **({"review": review_doc(highlight.review)} if highlight.review else {}),
    }


_COLOURS = frozenset(colour.value for colour in Colour)


def colour_from(value: object) -> Colour:
    """The colour of this name; yellow for any other value (a name reader does not know,
    or no name at all: the highlight is shown, whatever a hand edit left there)."""
    return Colour(value) if isinstance(value, str) and value in _COLOURS else Colour.YELLOW


def highlight_from(doc: dict[str, Any], article_id: str) -> Highlight | None:
    """A highlight from its document, or None if the document is not one (kept on disk)."""
    try:
        anchor = anchor_from(doc["anchor"])
        return Highlight(
            id=str(doc["id"]),
            article_id=str(doc.get("article", article_id)),
            anchor=anchor,
            colour=colour_from(doc.get("colour")),
            tags=tuple(map(str, doc.get("tags") or ())),
            note=str(doc.get("note", "")),
            created=str(doc.get("created", "")),
            modified=str(doc.get("modified", "")),
            original=_original_from(doc.get("original")),
            canonical=str(doc.get("canonical", "") or ""),
            check=doc.get("check") is True,
            orphan_in=str(doc.get("orphan_in", "") or ""),
            review=review_from(doc.get("review")),
        )
    except (KeyError, TypeError, ValueError):
        return None


def review_doc(review: Review) -> dict[str, Any]:
    """A highlight's review state as stored (here and in the notes vault)."""
    return {
        "due": review.due,
        "interval": review.interval,
        "seen": review.seen,
        "last": review.last,
        **({"stopped": True} if review.stopped else {}),
    }


def review_from(raw: object) -> Review | None:
    """The highlight's review state, or None (never reviewed, or damaged: it is shown as new)."""
    if not isinstance(raw, dict):
        return None
    try:
        return Review(
            due=str(raw["due"]),
            interval=int(raw.get("interval", 0)),
            seen=int(raw.get("seen", 0)),
            last=str(raw.get("last", "")),
            stopped=raw.get("stopped") is True,
        )
    except (KeyError, TypeError, ValueError):
        return None


def _original_from(raw: object) -> Anchor | None:
    """The anchor as first made, or None (none kept, or damaged: the highlight stays)."""
    try:
        return anchor_from(raw) if isinstance(raw, dict) else None
    except (KeyError, TypeError, ValueError):
        return None


def anchor_doc(anchor: Anchor) -> dict[str, Any]:
    """An anchor as a document (the database's and the notes vault's)."""
    return {
        "start": anchor.start,
        "end": anchor.end,
        "exact": anchor.exact,
        "prefix": anchor.prefix,
        "suffix": anchor.suffix,
        "block": anchor.block,
        "fingerprint": anchor.fingerprint,
    }


def anchor_from(raw: object) -> Anchor:
    """An anchor from its document (:class:`KeyError`, :class:`TypeError` or
    :class:`ValueError` when it is not one)."""
    if not isinstance(raw, dict):
        raise TypeError("not an anchor")
    return Anchor(
        start=int(raw["start"]),
        end=int(raw["end"]),
        exact=str(raw["exact"]),
        prefix=str(raw.get("prefix", "")),
        suffix=str(raw.get("suffix", "")),
        block=int(raw.get("block", 0)),
        fingerprint=str(raw.get("fingerprint", "")),
    )


def end_doc(end: LinkEnd) -> dict[str, Any]:
    """One end of a link as a document."""
    return {
        "article": end.article_id,
        "path": end.path,
        "title": end.title,
        "anchor": anchor_doc(end.anchor),
    }


def end_from(raw: object) -> LinkEnd:
    """One end of a link from its document (an error as :func:`anchor_from`'s)."""
    if not isinstance(raw, dict):
        raise TypeError("not a link end")
    return LinkEnd(
        article_id=str(raw["article"]),
        path=str(raw.get("path", "")),
        title=str(raw.get("title", "")),
        anchor=anchor_from(raw["anchor"]),
    )


def link_doc(link: CrossLink) -> dict[str, Any]:
    return {
        "id": link.id,
        "source": end_doc(link.source),
        "target": end_doc(link.target),
        "label": link.label,
        "created": link.created,
    }


def link_from(doc: dict[str, Any]) -> CrossLink | None:
    """A cross-link from its document, or None if it is not one (kept on disk)."""
    try:
        return CrossLink(
            id=str(doc["id"]),
            source=end_from(doc["source"]),
            target=end_from(doc["target"]),
            label=str(doc.get("label", "")),
            created=str(doc.get("created", "")),
        )
    except (KeyError, TypeError, ValueError):
        return None
